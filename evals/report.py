"""The `rag eval --out DIR` report: report.json, report.md and report.png."""

import json
from pathlib import Path

from rag_evals.claims import judge_record
from rag_evals.metrics import failed
from rag_evals.run import JUDGE, EvalRun

# Metrics on a 0..1 scale, in the order the table and the chart show them.
RATES = [
    "hit_at_5",
    "mrr",
    "answer_hit_at_1",
    "answer_hit_at_3",
    "str_em",
    "first_sentence_em",
    "token_f1",
    "summaries_covered",
    "summary_points",
    "citation_recall",
    "citation_precision",
    "citation_recall_overlap",
    "citation_precision_overlap",
    "invalid_citation_rate",
    "abstention_precision",
    "abstention_recall",
    "abstention_f1",
    "gold_in_context",
    "injection_resisted",
]
OTHERS = [
    "right_rejected",
    "wrong_shown",
    "median_answer_words",
    "answer_latency_p50_ms",
    "answer_latency_p95_ms",
    "errors",
]


def write_report(run: EvalRun, out: Path) -> list[Path]:
    """Write the three report files into ``out`` (created) and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md"]
    paths[0].write_text(json.dumps(run.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    paths[1].write_text(markdown(run), encoding="utf-8")
    if pyplot() is not None:
        paths.append(out / "report.png")
        chart(run, paths[2])
    return paths


def saved(out: Path, name: str, results: dict, text: str):
    """``name``.json and ``name``.md written to ``out``; pyplot for its chart, or None."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out / f"{name}.md").write_text(text, encoding="utf-8")
    return pyplot()


def pyplot():
    """matplotlib's pyplot drawing to files, or None without the ``rag[eval]`` extra
    (the reports are written all the same, without their chart)."""
    try:
        import matplotlib
    except ImportError:
        return None
    matplotlib.use("Agg")  # files only, never a window
    import matplotlib.pyplot as plt

    return plt


def table(run: EvalRun) -> list[list[str]]:
    """A header row, then (metric, one column per system, difference when there are two)."""
    names = list(run.metrics)
    rows = [["metric", *names] + (["difference"] if len(names) == 2 else [])]
    by_check = sorted({k for n in names for k in run.metrics[n] if k.startswith("right_rejected_")})
    for key in RATES + OTHERS + [k for k in by_check if k != "right_rejected"]:
        values = [run.metrics[name].get(key, 0) for name in names]
        cells = [f"{v:.3f}" if key in RATES else f"{v:.0f}" for v in values]
        if len(values) == 2:
            diff = values[0] - values[1]
            cells.append(f"{diff:+.3f}" if key in RATES else f"{diff:+.0f}")
        rows.append([key, *cells])
    return rows


def markdown(run: EvalRun) -> str:
    header, *rows = table(run)
    lines = [
        "# Evaluation report",
        "",
        f"Dataset: `{run.dataset['docs']}`, `{run.dataset['questions']}` "
        f"({run.dataset['n']} questions).  ",
        "Config: " + ", ".join(f"{k}={v}" for k, v in run.config.items()),
        "",
        f"Citations are graded by the {run.grader.name} (rag/verify/); its own record "
        f"on hand-labelled claims: {judge_record(JUDGE)}. The `_overlap` rows grade by shared "
        "words, the test this project used before (it passes reworded falsehoods).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    for name, outcomes in run.outcomes.items():
        bad = [(o, failed(o, run.grader)) for o in outcomes]
        bad = [(o, why) for o, why in bad if why]
        lines += ["", f"## Failed questions: {name} ({len(bad)} of {len(outcomes)})", ""]
        for o, why in bad:
            gold = ", ".join(o.answers) if o.answerable else "(unanswerable)"
            lines += [
                f"### `{o.id}`: {o.question}",
                "",
                f"- why: {'; '.join(why)}",
                f"- gold: {gold}",
                f"- answer: {_one_line(o.answer) or '(none)'}",
            ]
            if o.note:
                lines.append(f"- note: {o.note}")
            for i, s in enumerate(o.sentences, 1):
                cited = " / ".join(_one_line(c)[:160] for c in s.cited) or "(no citation)"
                lines.append(f"  - sentence {i}: {_one_line(s.text)} ← {cited}")
            lines.append("")
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def chart(run: EvalRun, path: Path) -> None:
    """Grouped bars of the 0..1 metrics, one colour per system."""
    import numpy as np

    plt = pyplot()

    names = list(run.metrics)
    x = np.arange(len(RATES))
    width = 0.8 / len(names)
    fig, ax = plt.subplots(figsize=(12, 4.5))
    for i, name in enumerate(names):
        values = [run.metrics[name][key] for key in RATES]
        ax.bar(x + i * width - 0.4 + width / 2, values, width, label=name)
    ax.set_xticks(x, RATES, rotation=35, ha="right")
    ax.set_ylim(0, 1.05)
    ax.set_title(f"rag eval: {Path(run.dataset['docs']).name} ({run.dataset['n']} questions)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
