"""A folder full of bad inputs: each bad file skipped with a reason, every good one kept."""

import json
import os
from pathlib import Path

import pytest
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from tests.conftest import run_rag

GOOD = "Herons wade in shallow water and hunt fish with their long bills."
UNICODE = "Ünïcödé 文件 name.md"


def _pdf(path: Path, text: str | None) -> Path:
    c = canvas.Canvas(str(path))
    if text:
        c.drawString(72, 700, text)
    else:
        c.rect(72, 600, 200, 100, fill=1)  # a picture, no text layer
    c.save()
    return path


def _bad_folder(root: Path) -> tuple[Path, dict[str, str], list[str]]:
    """Files that must be skipped (name -> reason fragment) and ones that must be kept."""
    folder = root / "my docs"
    (folder / "sub dir").mkdir(parents=True)
    bad = {
        "empty.txt": "no text",
        "blank.md": "no text",
        "binary.txt": "binary file",
        "broken.pdf": "malformed PDF",
        "locked.pdf": "encrypted PDF",
        "scan.pdf": "no text layer",
    }
    (folder / "empty.txt").write_bytes(b"")
    (folder / "blank.md").write_text(" \n\n\t\n")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\n%%EOF garbage")
    writer = PdfWriter(clone_from=_pdf(root / "plain.pdf", "Secret egrets"))
    writer.encrypt("password")
    writer.write(folder / "locked.pdf")
    _pdf(folder / "scan.pdf", None)
    good = {
        "cp1252.txt": ("Café owners say “herons” visit at dawn.".encode("cp1252"), "cp1252"),
        UNICODE: (f"# Birds\n\n{GOOD}".encode(), None),
        # one line repeated: stored once, or identical vectors would blind Chroma's HNSW
        "sub dir/long lines.txt": (("egret " * 6_000 + "\n").encode(), None),
        "ansi.txt": (b"\x1b[31mRed\x1b[0m text about cranes.\x07\x08", None),
    }
    for name, (data, _) in good.items():
        (folder / name).write_bytes(data)
    (folder / "sub dir" / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    os.mkfifo(folder / "pipe.txt")  # would block a naive reader forever
    return folder, bad, list(good)


def test_every_bad_file_is_skipped_with_its_reason_and_good_ones_ingested(tmp_path):
    folder, bad, good = _bad_folder(tmp_path)
    store = tmp_path / "store"
    result = run_rag("ingest", str(folder), "--store", str(store), "--json", timeout=600)
    assert result.returncode == 3, result.stderr  # done, but something was skipped
    report = json.loads(result.stdout)
    reasons = {Path(s["path"]).name: s["reason"] for s in report["skipped"]}
    assert set(reasons) == set(bad)
    for name, fragment in bad.items():
        assert fragment in reasons[name], (name, reasons[name])
    assert report["added"] == len(good)
    assert report["encodings"] == [{"path": str(folder / "cp1252.txt"), "encoding": "cp1252"}]
    for query, name in [("Café owners say herons visit at dawn", "cp1252.txt"), (GOOD, UNICODE)]:
        found = run_rag("search", query, "--store", str(store), "--json")
        assert Path(json.loads(found.stdout)["results"][0]["source"]).name == name
    text = run_rag("ingest", str(folder), "--store", str(store))  # the human summary
    assert "read as cp1252" in text.stderr and "skipped" in text.stderr
    assert "\x1b" not in text.stdout + text.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_and_folder_are_skipped(tmp_path):
    folder = tmp_path / "docs"
    (folder / "closed").mkdir(parents=True)
    (folder / "ok.txt").write_text(GOOD)
    (folder / "secret.txt").write_text(GOOD)
    (folder / "secret.txt").chmod(0)
    (folder / "closed").chmod(0)
    try:
        result = run_rag("ingest", str(folder), "--store", str(tmp_path / "s"), "--json")
    finally:
        (folder / "closed").chmod(0o755)
    report = json.loads(result.stdout)
    assert result.returncode == 3 and report["added"] == 1
    assert {Path(s["path"]).name for s in report["skipped"]} == {"secret.txt", "closed"}


@pytest.mark.slow
def test_50_mb_file_is_skipped_fast_and_5000_small_files_are_ingested(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(5000):
        (folder / f"note {i:04d}.txt").write_text(
            f"Note {i}: the heron count on day {i} was {i % 97}."
        )
    huge = tmp_path / "huge.txt"
    with huge.open("w") as f:
        line = "The egret stood still in the marsh while the tide came in slowly. " * 10 + "\n"
        while f.tell() < 50_000_000:
            f.write(line)
    store = tmp_path / "store"
    result = run_rag(
        "ingest", str(folder), str(huge), "--store", str(store), "--json", timeout=1800
    )
    report = json.loads(result.stdout)
    assert result.returncode == 3 and report["added"] == 5000
    assert [Path(s["path"]).name for s in report["skipped"]] == ["huge.txt"]
    assert "too large (50 MB > 10 MB" in report["skipped"][0]["reason"]
    found = run_rag("search", "heron count on day 4321", "--store", str(store), "--json")
    assert "note 4321.txt" in {Path(r["source"]).name for r in json.loads(found.stdout)["results"]}
