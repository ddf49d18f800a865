"""Ingest and search with every non-loopback connection blocked: none may be attempted."""

import json
import subprocess
import sys
import textwrap

from tests.conftest import SEEDS

# Blocks and records every connection that is not to this machine; ``attempts`` lists them.
NETWORK_GUARD = textwrap.dedent(
    """
    import json, socket, sys
    attempts = []
    LOCAL = ("127.", "::1", "localhost", "0.0.0.0")

    def _check(host):
        host = str(host)
        if not host.startswith(LOCAL) and not host.startswith("/"):
            attempts.append(host)
            raise OSError("network blocked by test: " + host)

    real_connect = socket.socket.connect
    def connect(self, address):
        if isinstance(address, tuple):
            _check(address[0])
        return real_connect(self, address)
    socket.socket.connect = connect
    real_gai = socket.getaddrinfo
    def getaddrinfo(host, *args, **kwargs):
        if host is not None:
            _check(host)
        return real_gai(host, *args, **kwargs)
    socket.getaddrinfo = getaddrinfo
    """
)
GUARD = NETWORK_GUARD + textwrap.dedent(
    """
    import os, tempfile
    for var in ("TIKTOKEN_CACHE_DIR", "NLTK_DATA"):
        os.environ.pop(var, None)
    from rag import Assistant
    a = Assistant(store=tempfile.mkdtemp() + "/store")
    report = a.ingest([sys.argv[1]])
    top = a.search("Who is Steve Witkoff?", 3)[0]
    print(json.dumps({"attempts": attempts, "added": report.added, "top": top.text}))
    """
)


def test_no_network_attempted_during_ingest_and_search(tmp_path):
    tiktoken_cache = tmp_path / "empty-cache"  # a cold user cache must not trigger downloads
    result = subprocess.run(
        [sys.executable, "-c", GUARD, str(SEEDS)],
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CACHE_HOME": str(tiktoken_cache)},
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["attempts"] == []
    assert out["added"] == 1 and "special envoy" in out["top"]
