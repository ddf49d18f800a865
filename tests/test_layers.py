"""The import graph of rag/: no cycles, and no folder importing one later in the flow.

``python tests/test_layers.py`` prints the folder graph as Mermaid, with the file count.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = {"rag.errors", "rag.settings", "rag.prompts", "rag.offline", "rag.thresholds"}
# Each folder may import the base and the folders before it, never one after it; the
# doors (rag.assistant, rag.cli, rag.warm) may import anything, and nothing imports them
# but each other.
LAYERS = ["text", "index", "ingest", "verify", "models", "answer"]
DOORS = {"rag", "rag.assistant", "rag.cli", "rag.warm"}


def modules() -> dict[str, Path]:
    found = {}
    for path in (ROOT / "rag").rglob("*.py"):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def edges() -> set[tuple[str, str]]:
    """(importer, imported) between modules of rag/, lazy imports included."""
    known = modules()
    out = set()
    for name, path in known.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "rag":
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    target = full if full in known else node.module
                    if target != name:
                        out.add((name, target))
    return out


def layer(module: str) -> int | None:
    parts = module.split(".")
    return LAYERS.index(parts[1]) if len(parts) > 2 and parts[1] in LAYERS else None


def test_no_folder_imports_a_later_one_or_a_door() -> None:
    wrong = []
    for importer, imported in sorted(edges()):
        if imported in DOORS and importer not in DOORS:
            wrong.append((importer, imported))
        elif imported not in BASE and imported not in DOORS:
            mine, theirs = layer(importer), layer(imported)
            if mine is not None and (theirs is None or theirs > mine):
                wrong.append((importer, imported))
            if importer in BASE:
                wrong.append((importer, imported))
    assert not wrong


def test_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    for a, b in edges():
        graph.setdefault(a, set()).add(b)
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        assert node not in path, " -> ".join([*path, node])
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*path, node])
        done.add(node)

    for node in sorted(graph):
        visit(node, [])


def mermaid() -> str:
    def folder(module: str) -> str:
        parts = module.split(".")
        return parts[1] if len(parts) > 2 else "base" if module in BASE else module

    arrows = {(folder(a), folder(b)) for a, b in edges()} - {(f, f) for f in LAYERS}
    lines = [
        "graph TD",
        *(f"  {a.replace('.', '_')} --> {b.replace('.', '_')}" for a, b in sorted(arrows)),
    ]
    return "\n".join(lines) + f"\n%% {len(edges())} arrows between {len(modules())} files\n"


if __name__ == "__main__":
    print(mermaid())
