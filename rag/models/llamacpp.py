"""The embedded generator: llama.cpp (xllamacpp wheel) serving a bundled GGUF on 127.0.0.1.

Serving the OpenAI API on loopback lets the local model go through exactly the same
client, timeouts and citation checks as OpenAI or any compatible server.
"""

import socket
import threading
from pathlib import Path

from rag.errors import RagError

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
        # Read the weights into memory instead of mapping the file: llama.cpp repacks
        # most of them for the CPU's kernels, so a mapping kept the file's pages resident
        # beside the repacked copy; and no host-memory cache of old prompts, which grew
        # with every question (docs/models.md, "Memory").
        params.load_mode = xllamacpp.llama_load_mode.LLAMA_LOAD_MODE_NONE
        params.cache_ram_mib = 0
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
        self.users = 0

    @classmethod
    def get(cls, path: Path, threads: int = 0, context: int = 4096) -> "LocalServer":
        """The server for ``path``, started if none runs; pair with :meth:`release`."""
        key = str(path)
        with cls._lock:
            if key not in cls._servers:
                cls._servers[key] = cls(path, threads, context)
            server = cls._servers[key]
            server.users += 1
            return server

    def release(self) -> None:
        """One user is done; the last one stops the server and frees its memory."""
        with self._lock:
            self.users -= 1
            if self.users > 0:
                return
            for key, server in list(self._servers.items()):
                if server is self:
                    del self._servers[key]
            self._server = None  # xllamacpp stops serving when its Server is freed
