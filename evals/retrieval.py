"""Retrieval quality of BM25, dense and hybrid search, and the fusion weight chosen by
cross-validation across articles.

Usage: python -m rag_evals.retrieval --docs DIR --questions FILE [--store DIR] [--json]
       python -m rag_evals.retrieval --halueval pairs.jsonl [--json]

Scores are :func:`rag_evals.metrics.retrieval_scores` over the top 10 passages, so they
match the retrieval columns of ``rag eval``. Each question's dense and BM25 rankings are
computed once and fused for every weight in 0, 0.1 ... 1 (dense share). "cv" picks the
weight on all other articles (a document id without its ``__partNN`` suffix; HaluEval
rows are their own articles, in ten folds) and scores the held-out one with it, so the
figure says how a weight tuned elsewhere carries over to unseen text.
"""

import argparse
import json
import re
import tempfile
from pathlib import Path

from rag import Assistant
from rag.index.retrieve import best_ids, fuse
from rag_evals.data import Question, load_questions
from rag_evals.metrics import Outcome, retrieval_scores
from rag_evals.systems import RETRIEVED_K, blank

WEIGHTS = [round(0.1 * i, 1) for i in range(11)]
POOL = 40  # candidates per ranking, as the product's Retriever uses


def halueval_dataset(pairs: Path, out: Path) -> tuple[Path, Path]:
    """HaluEval's knowledge passages as a folder of documents, its questions as a
    questions file (the right answer as gold): a corpus nothing here was tuned on."""
    docs = out / "docs"
    docs.mkdir(parents=True)
    questions = out / "questions.jsonl"
    with questions.open("w", encoding="utf-8") as f:
        for line in pairs.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            (docs / f"{row['id']}.txt").write_text(row["knowledge"], encoding="utf-8")
            q = {
                "id": row["id"],
                "question": row["question"].strip(),
                "answers": [row["right_answer"]],
                "answerable": True,
                "context_doc_ids": [row["id"]],
            }
            f.write(json.dumps(q) + "\n")
    return docs, questions


def _article(q: Question) -> str:
    doc = q.context_doc_ids[0] if q.context_doc_ids else q.id
    return re.sub(r"__part\d+$", "", doc)


def sweep(assistant: Assistant, questions: list[Question]) -> dict[float, list[Outcome]]:
    """Outcomes (top-10 passages) of every question at every fusion weight."""
    retriever = assistant.retriever
    keyword = retriever.keyword_index()
    by_weight: dict[float, list[Outcome]] = {w: [] for w in WEIGHTS}
    for q in questions:
        dense = retriever.store.query(retriever.embed_query(q.question), POOL)
        bm25 = keyword.search(q.question, POOL)
        for w in WEIGHTS:
            fused, chunks = fuse(dense, bm25, w)
            best = best_ids(fused, RETRIEVED_K)
            outcome = blank(q)
            outcome.retrieved = [(Path(chunks[c].source).stem, chunks[c].text) for c in best]
            by_weight[w].append(outcome)
    return by_weight


def cross_validated(
    questions: list[Question], by_weight: dict[float, list[Outcome]]
) -> tuple[dict[str, float], list[float]]:
    """Scores when each article's questions use the weight best on the other articles."""
    articles = sorted({_article(q) for q in questions})
    if len(articles) > 10:  # many one-question articles: ten folds
        folds = [set(articles[i::10]) for i in range(10)]
    else:
        folds = [{a} for a in articles]
    chosen: list[Outcome | None] = [None] * len(questions)
    picked = []
    for fold in folds:
        inside = [i for i, q in enumerate(questions) if _article(q) in fold]
        outside = [i for i in range(len(questions)) if i not in set(inside)]

        def at1(w: float, rows: list[int]) -> float:
            return retrieval_scores([by_weight[w][i] for i in rows])["answer_hit_at_1"]

        # Ties go to the weight nearest the middle: no side is preferred without evidence.
        best = max(WEIGHTS, key=lambda w: (at1(w, outside), -abs(w - 0.5)))
        picked.append(best)
        for i in inside:
            chosen[i] = by_weight[best][i]
    return retrieval_scores([o for o in chosen if o is not None]), picked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=Path)
    parser.add_argument("--questions", type=Path)
    parser.add_argument("--halueval", type=Path, help="HaluEval pairs.jsonl as the corpus")
    parser.add_argument("--store", type=Path, help="reuse a store (default: a temporary one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        docs, qfile = args.docs, args.questions
        if args.halueval:
            docs, qfile = halueval_dataset(args.halueval, Path(tmp) / "halueval")
        if docs is None or qfile is None:
            parser.error("give --docs and --questions, or --halueval")
        questions = [q for q in load_questions(qfile) if q.answerable and not q.points]
        assistant = Assistant(store=args.store or Path(tmp) / "store")
        assistant.ingest([docs])
        by_weight = sweep(assistant, questions)
        default = assistant.settings.dense_weight
        results = {
            "bm25": retrieval_scores(by_weight[0.0]),
            "dense": retrieval_scores(by_weight[1.0]),
            f"hybrid ({default})": retrieval_scores(by_weight[round(default, 1)]),
        }
        results["hybrid (cv)"], picked = cross_validated(questions, by_weight)
        sweep_at1 = {w: retrieval_scores(o)["answer_hit_at_1"] for w, o in by_weight.items()}
    if args.json:
        print(json.dumps({"modes": results, "cv_weights": picked, "sweep_at1": sweep_at1}))
        return
    print(f"{'mode':14} {'ans@1':>6} {'ans@3':>6} {'hit@5':>6} {'mrr':>6}   (n={len(questions)})")
    for mode, r in results.items():
        print(
            f"{mode:14} {r['answer_hit_at_1']:6.3f} {r['answer_hit_at_3']:6.3f} "
            f"{r['hit_at_5']:6.3f} {r['mrr']:6.3f}"
        )
    print("cv weights per fold:", picked)
    print("ans@1 by dense weight:", " ".join(f"{w}:{v:.3f}" for w, v in sweep_at1.items()))


if __name__ == "__main__":
    main()
