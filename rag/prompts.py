"""Prompt templates, loaded by name from the project's ``prompts/`` folder."""

from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
# Installed wheels carry the folder as rag/_prompts; a source checkout has it beside rag/.
_DIRS = (_HERE / "_prompts", _HERE.parent / "prompts")


@cache
def load(name: str) -> str:
    """The text of ``prompts/<name>.txt`` without its trailing newline."""
    for folder in _DIRS:
        path = folder / f"{name}.txt"
        if path.is_file():
            return path.read_text(encoding="utf-8").rstrip("\n")
    raise FileNotFoundError(f"prompt {name!r} not found in {', '.join(map(str, _DIRS))}")


def render(name: str, **values: str) -> str:
    """Fill a template's ``{placeholders}``; values are inserted verbatim, never re-parsed."""
    return load(name).format_map(values)
