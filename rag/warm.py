"""The warm engine: a background process that keeps one store's models loaded between
commands, so `rag ask` and `rag search` skip seconds of imports and model loading.

It works the way Ollama's server does, per user, store and settings: the first command
starts it, later ones talk to it over a Unix socket in a folder only the user can
open, and it exits after ``RAG_WARM_IDLE`` seconds without a request (0: never start
one), when its store changes under it (a new ingest), or on `rag stop`. Each request
is one JSON line; replies are JSON lines ending with ``{"done": true}``. Whatever goes
wrong (no server, a dead one, one killed mid-answer) the command answers in its own
process instead and says so: a warm server saves time, it is never needed.
"""

import contextlib
import fcntl
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, fields
from pathlib import Path
from typing import TYPE_CHECKING

from rag.errors import RagError
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.assistant import Assistant

STARTUP_SECONDS = 180  # joining a model on first use takes most of it


class Unavailable(Exception):
    """No warm server could answer; the caller answers in its own process."""


# ---------------------------------------------------------------- where a server lives


def _runtime_dir(settings: Settings) -> Path:
    """A folder for the sockets that only this user can enter."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(base) / "rag" if base else settings.cache_dir / "run"
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = folder.stat()
    if info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise Unavailable(f"{folder} is not private to this user")
    return folder


def _code_stamp() -> str:
    """Changes when the installed code does, so an old server never answers for new code."""
    here = Path(__file__).parent
    return str(max(p.stat().st_mtime_ns for p in here.rglob("*.py")))


def _key(settings: Settings) -> str:
    values = {f.name: str(getattr(settings, f.name)) for f in fields(settings)}
    if not settings.chroma_url:
        values["store"] = str(Path(settings.store).resolve())
    values |= {"uid": str(os.getuid()), "python": sys.executable, "code": _code_stamp()}
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:20]


def _paths(settings: Settings) -> tuple[Path, Path]:
    folder = _runtime_dir(settings)
    key = _key(settings)
    return folder / f"{key}.sock", folder / f"{key}.lock"


# ---------------------------------------------------------------- client


def request(settings: Settings, payload: dict, say=print) -> Iterator[dict]:
    """Send one request to the store's warm server, starting one when none runs, and yield
    its replies. Raises Unavailable when no server can take it, or one dies midway."""
    try:
        sock_path, _ = _paths(settings)
    except OSError as exc:
        raise Unavailable(str(exc)) from None
    for _attempt in range(2):  # a stale server exits when asked: then start a fresh one
        conn = _connect(sock_path)
        if conn is None:
            say("starting the warm engine: it loads the models now, later requests reuse them")
            conn = _start(settings, sock_path)
        with conn, conn.makefile("rb") as replies:
            try:
                conn.sendall(json.dumps(payload).encode() + b"\n")
                for line in replies:
                    reply = json.loads(line)
                    if reply.get("stale"):
                        break
                    if reply.get("done"):
                        return
                    yield reply
                else:
                    raise Unavailable("the warm server stopped mid-answer")
            except (OSError, ValueError):
                raise Unavailable("the warm server stopped mid-answer") from None
    raise Unavailable("the warm server keeps restarting")


def _connect(sock_path: Path) -> socket.socket | None:
    conn = socket.socket(socket.AF_UNIX)
    try:
        conn.connect(str(sock_path))
        return conn
    except OSError:
        conn.close()
        return None


def _start(settings: Settings, sock_path: Path) -> socket.socket:
    data = {k: str(v) for k, v in asdict(settings).items() if v is not None}
    log = sock_path.with_suffix(".log").open("ab")
    server = subprocess.Popen(
        # -P: the installed rag, never a rag/ folder in the current directory
        [sys.executable, "-P", "-m", "rag.warm"],
        stdin=subprocess.PIPE,  # settings (an API key among them) never go on a command line
        stdout=subprocess.DEVNULL,
        stderr=log,
        start_new_session=True,  # outlives this command; Ctrl-C here does not reach it
    )
    server.stdin.write(json.dumps(data).encode())
    server.stdin.close()
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        conn = _connect(sock_path)
        if conn is not None:
            return conn
        if server.poll() is not None and _connect(sock_path) is None:
            raise Unavailable(f"the warm server did not start (see {log.name})")
        time.sleep(0.05)
    raise Unavailable("the warm server took too long to start")


def stop_all(settings: Settings) -> int:
    """Ask every warm server of this user to exit; returns how many did."""
    stopped = 0
    for sock_path in _runtime_dir(settings).glob("*.sock"):
        conn = _connect(sock_path)
        if conn is None:
            sock_path.unlink(missing_ok=True)  # left by a server that was killed
            continue
        with conn:
            conn.sendall(b'{"op": "stop"}\n')
            conn.recv(64)
        stopped += 1
    return stopped


# ---------------------------------------------------------------- replies


def replies(assistant: "Assistant", payload: dict) -> Iterator[dict]:
    """What ``assistant`` replies to one request: the engine sends these, and a command
    without an engine prints the same ones from its own process."""
    if payload["op"] == "search":
        found = assistant.search(payload["query"], payload["k"])
        yield {"passages": [p.to_dict() for p in found]}
        return
    seeds = payload.get("seeds")
    if assistant.ensure_documents(Path(seeds) if seeds else None):
        yield {"ingested": seeds}
    yield from as_replies(assistant.stream(payload["question"]))


def as_replies(stream: Iterator) -> Iterator[dict]:
    """An answer stream (text pieces, a Checking notice, the Answer) as replies."""
    from rag.answer.pipeline import Answer, Checking

    with contextlib.closing(stream):  # a reader that stops early closes the model's stream
        for item in stream:
            if isinstance(item, Answer):
                yield {"answer": item.to_dict()}
            elif isinstance(item, Checking):
                yield {"checking": item.claims}
            else:
                yield {"piece": item}


# ---------------------------------------------------------------- server


class _Server:
    def __init__(self, settings: Settings, sock_path: Path) -> None:
        from rag.assistant import Assistant

        self.settings, self.sock_path = settings, sock_path
        self.assistant = Assistant(settings)
        self.assistant.answerer  # noqa: B018  (load the embedder and the models now)
        self.assistant.retriever.keyword_index()
        self.lock = threading.Lock()  # one answer at a time: the models are single-slot
        self.last = time.monotonic()
        self.busy = 0
        self.stamp = self._store_stamp()

    def _store_stamp(self) -> object:
        """What changes when anyone writes to the store (then this server is stale)."""
        if self.settings.chroma_url:
            return self.assistant.store.count()
        sqlite = Path(self.settings.store) / "chroma.sqlite3"
        with contextlib.suppress(OSError):
            info = sqlite.stat()
            return (info.st_mtime_ns, info.st_size)
        return None

    def serve(self, listener: socket.socket) -> None:
        idle = self.settings.warm_idle
        listener.settimeout(1.0)
        while True:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                if not self.busy and time.monotonic() - self.last > idle:
                    return
                continue
            if not self._same_user(conn):
                conn.close()
                continue
            self.busy += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    @staticmethod
    def _same_user(conn: socket.socket) -> bool:
        import struct

        creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return struct.unpack("3i", creds)[1] == os.getuid()

    def _handle(self, conn: socket.socket) -> None:
        def send(reply: dict) -> None:
            conn.sendall(json.dumps(reply, ensure_ascii=False).encode() + b"\n")

        try:
            with conn, conn.makefile("rb") as lines:
                payload = json.loads(lines.readline() or b"{}")
                with self.lock:
                    stop = payload.get("op") == "stop"
                    if stop or self._store_stamp() != self.stamp:
                        # A stale server must not answer: the client starts a fresh one,
                        # so the socket goes first, before the client can try it again.
                        self.sock_path.unlink(missing_ok=True)
                        send({"done": True} if stop else {"stale": True})
                        os._exit(0)
                    self._run(payload, send)
                    self.stamp = self._store_stamp()  # its own seed ingest is no change
                send({"done": True})
        except OSError:
            pass  # the client went away
        finally:
            self.busy -= 1
            self.last = time.monotonic()

    def _run(self, payload: dict, send) -> None:
        # A client gone mid-answer (send fails) closes the answer's stream here, under
        # the lock, so the model's slot is free before the next request is taken.
        try:
            with contextlib.closing(replies(self.assistant, payload)) as stream:
                for reply in stream:
                    send(reply)
        except RagError as exc:
            send({"error": str(exc)})


def main() -> None:
    settings = Settings()._with(json.loads(sys.stdin.read()))
    sock_path, lock_path = _paths(settings)
    with lock_path.open("a") as lock:
        # The lock's holder is a server that runs or starts (it keeps the lock), or a
        # stale one on its way out (it lets go within moments): wait only for the last.
        deadline = time.monotonic() + 10
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError:
                if time.monotonic() > deadline:
                    return
                time.sleep(0.1)
        if _connect(sock_path) is not None:
            return  # one is already running
        lock.truncate(0)
        lock.write(f"{os.getpid()}\n")  # which process to look at (or kill)
        lock.flush()
        server = _Server(settings, sock_path)
        sock_path.unlink(missing_ok=True)
        listener = socket.socket(socket.AF_UNIX)
        listener.bind(str(sock_path))
        listener.listen(8)
        try:
            server.serve(listener)
        finally:
            sock_path.unlink(missing_ok=True)
            listener.close()


if __name__ == "__main__":
    main()
