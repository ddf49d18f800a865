"""One writer per embedded store: an exclusive lock held for the whole of an ingest.

Chroma's embedded store is one process's; writers to a Chroma server need no lock here,
each keeps a mark of its own in the store (rag/index/store.py).

The lock is ``flock`` on a file, so the kernel drops it when its holder dies, even
by SIGKILL: a lock cannot go stale. The file keeps the holder's pid and start time
only to say who holds it; a leftover file with no live lock means nothing.
"""

import fcntl
import os
import time
from pathlib import Path

from rag.errors import RagError
from rag.settings import Settings


class StoreLock:
    """``with StoreLock(settings):`` waits up to ``wait`` seconds, then refuses clearly."""

    def __init__(self, settings: Settings, wait: float = 0.0) -> None:
        self.path = Path(settings.store) / "ingest.lock"
        self.wait = wait
        self._fd: int | None = None

    def __enter__(self) -> "StoreLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = os.pread(fd, 200, 0).decode(errors="replace").strip()
                    os.close(fd)
                    raise RagError(
                        f"another ingest is writing to this store ({holder or 'unknown'}); "
                        "wait for it to finish, then run again"
                    ) from None
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {time.strftime('%H:%M:%S')}".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
