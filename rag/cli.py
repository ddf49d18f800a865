"""The `rag` command: a thin typer shell over :class:`rag.Assistant`.

Exit codes: 0 success, 1 error (nothing changed), 3 done but some files were skipped.
"""

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rag import offline as _offline  # noqa: F401
from rag.assistant import Assistant
from rag.errors import RagError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Answers questions about your documents, citing the passages it used.",
)
out = Console()
err = Console(stderr=True, soft_wrap=True)

StoreOpt = Annotated[
    Path | None, typer.Option("--store", help="Store folder (default .rag, or RAG_STORE).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]


def _assistant(store: Path | None) -> Assistant:
    return Assistant(store=store)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (.txt .md .html .pdf).")],
    prune: Annotated[bool, typer.Option("--prune", help="Remove files that disappeared.")] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add new and changed documents to the store; unchanged ones cost nothing."""
    assistant = _assistant(store)
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=as_json or not err.is_terminal,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, description=escape(Path(path).name))

        report = assistant.ingest(paths, prune=prune, progress=progress)
    if as_json:
        _print_json(
            {k: v for k, v in report.to_dict().items() if k != "truncated"}
            | {"truncated": report.truncated}
        )
    else:
        out.print(
            f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
            f"removed {report.removed}; {report.chunks} chunks embedded"
        )
        for skip in report.skipped:
            err.print(f"[yellow]skipped[/] {escape(skip['path'])}: {escape(skip['reason'])}")
    if report.skipped:
        raise typer.Exit(3)


@app.command("search")
def search_cmd(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    k: Annotated[int, typer.Option("-k", "--top-k", min=1, help="How many passages.")] = 5,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Show the passages that best match QUERY (dense + keyword, fused)."""
    if not query.strip():
        raise RagError("the query is empty")
    passages = _assistant(store).search(query, k)
    if as_json:
        _print_json({"query": query, "results": [p.to_dict() for p in passages]})
        return
    if not passages:
        out.print("no passages found (is the store empty? run `rag ingest PATH`)")
    for p in passages:
        where = f"{escape(p.source)}:{p.start}-{p.end}" + (f" p.{p.page}" if p.page else "")
        out.print(f"[bold]{p.rank}.[/] [dim]{p.score:.3f}[/] [cyan]{where}[/]")
        out.print(escape(p.text), highlight=False)
        out.print()


@app.command("status")
def status_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Documents, chunks, embedding model and store location."""
    status = _assistant(store).status()
    if as_json:
        _print_json(status)
    else:
        for key, value in status.items():
            out.print(f"{key:12} {escape(str(value))}")


def main() -> None:
    """Entry point: user mistakes become one line on stderr, never a traceback."""
    try:
        app()  # standalone: typer reports usage errors itself and exits
    except RagError as exc:
        err.print(f"[red]error:[/] {escape(str(exc))}")
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
