"""GGUF models on the Hugging Face Hub, named ``hf:owner/repo/file.gguf[@revision][#sha256=HEX]``.

huggingface_hub does the work (its cache, revisions, resumable downloads). rag keeps the
process offline (``HF_HUB_OFFLINE=1``, rag/offline.py), so a file already in the cache is
found without the network, and only a missing one is fetched, by a child process that
is allowed online: the user asked for that model by name. ``HF_ENDPOINT`` points the
fetch at a mirror.
"""

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from rag.errors import RagError
from rag.models.bundled import file_sha256

PREFIX = "hf:"
_REF = re.compile(
    r"hf:(?P<repo>[\w.-]+/[\w.-]+)/(?P<file>[^@#]+\.gguf)"
    r"(?:@(?P<revision>[\w./-]+))?(?:#sha256=(?P<sha256>[0-9a-fA-F]{64}))?"
)


@dataclass(frozen=True)
class HubModel:
    repo: str
    filename: str
    revision: str | None
    sha256: str | None

    @property
    def name(self) -> str:
        return Path(self.filename).stem


def parse(ref: str) -> HubModel:
    match = _REF.fullmatch(ref.strip())
    if match is None:
        raise RagError(
            f"{ref!r} is not a Hub model: write hf:owner/repo/file.gguf, optionally "
            "followed by @revision and #sha256=<64 hex digits>"
        )
    return HubModel(match["repo"], match["file"], match["revision"], match["sha256"])


def _download(model: HubModel, offline: bool) -> Path:
    from huggingface_hub import hf_hub_download

    return Path(
        hf_hub_download(
            model.repo, model.filename, revision=model.revision, local_files_only=offline
        )
    )


def fetch(ref: str, say=print) -> Path:
    """The model's file in the Hub cache, downloaded first when it is not there yet."""
    from huggingface_hub.errors import LocalEntryNotFoundError

    model = parse(ref)
    try:
        path = _download(model, offline=True)
    except LocalEntryNotFoundError:
        say(f"downloading {model.filename} from {model.repo} (Hugging Face Hub)")
        env = {**os.environ, "HF_HUB_OFFLINE": "0"}
        child = subprocess.run(
            [sys.executable, "-P", "-m", "rag.models.hub", ref],
            capture_output=True,
            text=True,
            env=env,
        )
        if child.returncode != 0:
            reason = (child.stderr.strip().splitlines() or ["no reason given"])[-1]
            raise RagError(f"cannot download {ref}: {reason}") from None
        path = Path(child.stdout.strip().splitlines()[-1])
    except Exception as exc:  # a bad revision, a corrupt cache entry
        raise RagError(f"cannot use {ref}: {type(exc).__name__}: {exc}") from None
    if model.sha256 and file_sha256(path) != model.sha256.lower():
        raise RagError(f"{ref}: the downloaded file does not match its sha256")
    return path


if __name__ == "__main__":  # the online child of fetch()
    try:
        print(_download(parse(sys.argv[1]), offline=False))
    except Exception as exc:
        sys.exit(f"{type(exc).__name__}: {exc}")
