"""`rag eval --claims FILE`: how well a checker tells stated claims from unstated ones.

Reads the hand-labelled claim set (``evals/datasets/claims/claims.jsonl``: question,
claim, passage, label, kind), HaluEval QA pairs (``knowledge``, ``question``,
``right_answer``, ``hallucinated_answer``: two cases per line) or SQuAD 2.0 questions
as ``datasets/squad2-open`` has them (bare answers: an answerable question's gold
answer with its evidence sentence is supported; an unanswerable question's "plausible
answer", a span SQuAD's writers placed to look right, with its sentence, is not), and
scores each checker on the same cases: precision, recall and F1 of "supported",
accuracy, AUC of its score, and the share judged right per kind.
"""

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from rag.errors import RagError
from rag.text.overlap import support
from rag.text.sentences import sentence_spans
from rag.verify.verifier import Verdict, Verifier

SUPPORTED = "supported"


@dataclass(frozen=True)
class ClaimCase:
    id: str
    question: str
    claim: str
    passage: str
    supported: bool
    kind: str


def load_claims(path: Path) -> list[ClaimCase]:
    """Any of the three formats, detected per line; a bad line is a RagError naming it."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise RagError(f"cannot read the claims file {path}: {exc}") from None
    cases: list[ClaimCase] = []
    for line_no, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if "answerable" in row:  # SQuAD 2.0: one bare answer, or none (no span)
                cases.extend(_squad_case(row))
            elif "knowledge" in row:  # HaluEval: one supported and one hallucinated answer
                q, passage, rid = row["question"].strip(), row["knowledge"], str(row["id"])
                cases.append(ClaimCase(f"{rid}+", q, row["right_answer"], passage, True, "right"))
                cases.append(
                    ClaimCase(
                        f"{rid}-", q, row["hallucinated_answer"], passage, False, "hallucinated"
                    )
                )
            else:
                if row["label"] not in {SUPPORTED, "unsupported"}:
                    raise ValueError(f"label {row['label']!r}")
                cases.append(
                    ClaimCase(
                        str(row["id"]),
                        str(row["question"]),
                        str(row["claim"]),
                        str(row["passage"]),
                        row["label"] == SUPPORTED,
                        str(row.get("kind", "")),
                    )
                )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise RagError(f"{path}:{line_no}: bad claim row ({exc!r})") from None
    if not cases:
        raise RagError(f"{path} holds no claims")
    return cases


def _squad_case(row: dict) -> list[ClaimCase]:
    """The bare-answer case a SQuAD 2.0 row gives: the answer and the sentence holding it."""
    q = row["question"].strip()
    if row["answerable"]:
        answer, text, kind = row["answers"][0], row["evidence_sentence"], "gold"
    else:
        answer, text, kind = (
            (row.get("plausible_answers") or [""])[0],
            row.get("source_paragraph", ""),
            "plausible",
        )
    sentence = next(
        (text[a:b] for a, b in sentence_spans(text) if answer and answer in text[a:b]), None
    )
    if sentence is None:
        return []
    return [ClaimCase(str(row["id"]), q, answer, sentence, row["answerable"], kind)]


Check = Callable[[ClaimCase], Verdict]


def overlap_check(threshold: float) -> Check:
    """The check this project used before the verifier: shared content words only."""

    def check(case: ClaimCase) -> Verdict:
        score = support(case.claim, case.passage)
        return Verdict(score >= threshold, score, "overlap")

    return check


def verifier_check(verifier: Verifier) -> Check:
    # A labelled passage already holds the sentence a pronoun needs: no surroundings.
    return lambda case: verifier.check(case.question, case.claim, case.passage)


def auc(positive: list[float], negative: list[float]) -> float:
    """Probability that a random supported case scores above a random unsupported one."""
    if not positive or not negative:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positive for n in negative)
    return wins / (len(positive) * len(negative))


def score(cases: list[ClaimCase], verdicts: list[Verdict]) -> dict:
    """Precision / recall / F1 of "supported", accuracy, AUC, and accuracy per kind."""
    pairs = list(zip(cases, verdicts, strict=True))
    tp = sum(c.supported and v.supported for c, v in pairs)
    predicted = sum(v.supported for _, v in pairs)
    actual = sum(c.supported for c, _ in pairs)
    precision = tp / predicted if predicted else 0.0
    recall = tp / actual if actual else 0.0
    kinds: dict[str, list[bool]] = {}
    for c, v in pairs:
        kinds.setdefault(c.kind, []).append(c.supported == v.supported)
    return {
        "n": len(pairs),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if precision + recall else 0.0,
        "accuracy": sum(c.supported == v.supported for c, v in pairs) / len(pairs),
        "auc": auc(
            [v.score for c, v in pairs if c.supported],
            [v.score for c, v in pairs if not c.supported],
        ),
        "by_kind": {k: {"n": len(ok), "accuracy": sum(ok) / len(ok)} for k, ok in kinds.items()},
        "decided_by": {
            check: sum(v.check == check for _, v in pairs)
            for check in dict.fromkeys(v.check for _, v in pairs)
        },
    }


@dataclass
class ClaimsRun:
    file: str
    checkers: dict[str, dict]  # name -> scores (with seconds per claim)
    verdicts: dict[str, list[dict]]

    def summary(self) -> dict:
        return {"file": self.file, "checkers": self.checkers}

    def to_dict(self) -> dict:
        return asdict(self)


def run_claims(
    path: Path,
    checks: dict[str, Check],
    limit: int | None = None,
    step: Callable[[str, int, int], None] | None = None,
) -> ClaimsRun:
    cases = load_claims(path)[:limit]
    scores, verdicts = {}, {}
    for name, check in checks.items():
        started = time.perf_counter()
        got = []
        for i, case in enumerate(cases):
            got.append(check(case))
            if step:
                step(name, i + 1, len(cases))
        seconds = time.perf_counter() - started
        scores[name] = {**score(cases, got), "seconds_per_claim": seconds / len(cases)}
        verdicts[name] = [
            {"id": c.id, "label": c.supported, **asdict(v)} for c, v in zip(cases, got, strict=True)
        ]
    return ClaimsRun(str(path), scores, verdicts)


def claims_table(run: ClaimsRun) -> list[list[str]]:
    """Header, the headline rows, then accuracy per kind, one column per checker."""
    names = list(run.checkers)
    rows = [["metric", *names]]
    for key in ("n", "precision", "recall", "f1", "accuracy", "auc", "seconds_per_claim"):
        rows.append([key, *(_cell(run.checkers[n][key]) for n in names)])
    kinds = dict.fromkeys(k for n in names for k in run.checkers[n]["by_kind"])
    for kind in kinds:
        cells = []
        for n in names:
            k = run.checkers[n]["by_kind"].get(kind)
            cells.append(f"{k['accuracy']:.3f}" if k else "-")
        count = run.checkers[names[0]]["by_kind"].get(kind, {}).get("n", 0)
        rows.append([f"  {kind} ({count})", *cells])
    return rows


def _cell(value: float) -> str:
    return str(value) if isinstance(value, int) else f"{value:.3f}"


def write_claims_report(run: ClaimsRun, out: Path) -> list[Path]:
    """report.json (every verdict) and report.md (the table) in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.json", out / "report.md"]
    paths[0].write_text(json.dumps(run.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
    header, *rows = claims_table(run)
    lines = [
        "# Claim-checker report",
        "",
        f'Claims: `{run.file}`. "supported" is the positive class; per-kind rows give',
        "the share of that kind's cases each checker judged right.",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(r) + " |" for r in rows),
    ]
    paths[1].write_text("\n".join(lines) + "\n", encoding="utf-8")
    return paths


RESULTS = Path(__file__).parent / "results"


def judge_record(checker: str) -> str:
    """What the committed claim-set reports say of ``checker``'s own accuracy, so that
    figures it grades are read with it (a checkout has them; an install may not)."""
    found = []
    for report in sorted(RESULTS.glob("claims*/report.json")):
        data = json.loads(report.read_text(encoding="utf-8"))
        got = data["checkers"].get(checker)
        if got:
            found.append(
                f"{Path(data['file']).parent.name}: precision {got['precision']:.3f}, "
                f"recall {got['recall']:.3f}, accuracy {got['accuracy']:.3f} (n={got['n']})"
            )
    return "; ".join(found) or "not measured in this install (see docs/results.md)"
