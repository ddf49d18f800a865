"""Retrieval quality of dense, BM25 and hybrid search on a QA dataset.

Usage: python -m evals.retrieval --docs DIR --questions FILE [--json]

Over answerable questions only:
- answer_hit_at_k: share whose top-k passages contain a normalised gold answer
  (or the evidence quote when no answer is given);
- doc_hit_at_5: share with a gold document among the top 5 passages;
- mrr: mean reciprocal rank of the first passage from a gold document (0 past top 10).
"""

import argparse
import json
import tempfile
from pathlib import Path

from evals.data import Question, load_questions
from evals.metrics import contains_answer
from rag import Assistant

MODES = ("bm25", "dense", "hybrid")


def score(assistant: Assistant, questions: list[Question], mode: str) -> dict[str, float]:
    answerable = [q for q in questions if q.answerable]
    hits1 = hits3 = doc5 = 0
    rr = 0.0
    for q in answerable:
        passages = assistant.search(q.question, k=10, mode=mode)
        golds = q.answers or ([q.evidence] if q.evidence else [])
        hits = [contains_answer(p.text, golds) for p in passages]
        hits1 += any(hits[:1])
        hits3 += any(hits[:3])
        docs = [Path(p.source).stem in q.context_doc_ids for p in passages]
        doc5 += any(docs[:5])
        rr += next((1 / (i + 1) for i, d in enumerate(docs) if d), 0.0)
    n = len(answerable) or 1
    return {
        "n": len(answerable),
        "answer_hit_at_1": hits1 / n,
        "answer_hit_at_3": hits3 / n,
        "doc_hit_at_5": doc5 / n,
        "mrr": rr / n,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--store", type=Path, help="reuse a store (default: a temporary one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    questions = load_questions(args.questions)
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(store=args.store or Path(tmp) / "store")
        assistant.ingest([args.docs])
        results = {mode: score(assistant, questions, mode) for mode in MODES}
    if args.json:
        print(json.dumps(results))
        return
    print(f"{'mode':8} {'n':>4} {'ans@1':>6} {'ans@3':>6} {'doc@5':>6} {'mrr':>6}")
    for mode, r in results.items():
        print(
            f"{mode:8} {r['n']:>4} {r['answer_hit_at_1']:6.3f} {r['answer_hit_at_3']:6.3f} "
            f"{r['doc_hit_at_5']:6.3f} {r['mrr']:6.3f}"
        )


if __name__ == "__main__":
    main()
