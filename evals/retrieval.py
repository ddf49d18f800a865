"""Retrieval quality of dense, BM25 and hybrid search on a QA dataset.

Usage: python -m rag.evals.retrieval --docs DIR --questions FILE [--json]

Scores are :func:`rag.evals.metrics.retrieval_scores` over the top 10 passages of
each mode, so they match the retrieval columns of ``rag eval``.
"""

import argparse
import json
import tempfile
from pathlib import Path

from rag import Assistant
from rag.evals.data import load_questions
from rag.evals.metrics import retrieval_scores
from rag.evals.systems import RETRIEVED_K, blank

MODES = ("bm25", "dense", "hybrid")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True)
    parser.add_argument("--store", type=Path, help="reuse a store (default: a temporary one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    questions = load_questions(args.questions)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(store=args.store or Path(tmp) / "store")
        assistant.ingest([args.docs])
        for mode in MODES:
            outcomes = []
            for q in questions:
                outcome = blank(q)
                passages = assistant.search(q.question, k=RETRIEVED_K, mode=mode)
                outcome.retrieved = [(Path(p.source).stem, p.text) for p in passages]
                outcomes.append(outcome)
            results[mode] = retrieval_scores(outcomes)
    if args.json:
        print(json.dumps(results))
        return
    print(f"{'mode':8} {'ans@1':>6} {'ans@3':>6} {'hit@5':>6} {'mrr':>6}")
    for mode, r in results.items():
        print(
            f"{mode:8} {r['answer_hit_at_1']:6.3f} {r['answer_hit_at_3']:6.3f} "
            f"{r['hit_at_5']:6.3f} {r['mrr']:6.3f}"
        )


if __name__ == "__main__":
    main()
