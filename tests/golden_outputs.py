"""Golden outputs that lock today's behaviour while the code is moved (issue 26).

``python -m tests.golden_outputs write [--model]`` (from the checkout) records, and
``check [--model]`` compares:

- ``sentences``: the sentence spans of every sample document (the seed, the eval sets'
  documents, squad2-open's when ``../shared`` is beside the checkout);
- ``extractive``: every seed question answered without a model (extractive writer,
  overlap verifier): the whole ``--json`` answer but its timings;
- ``claims-overlap``: the claims set's per-case verdicts from the model-free verifier;
- with ``--model``: the seed answers with the bundled 1.5B model and the claims set's
  verdicts from the 1.5B judge. llama.cpp's output differs from one machine to another,
  so these are compared on the machine that wrote them, by hand, not in CI.
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SEED = ROOT / "evals" / "datasets" / "seed"
CLAIMS = ROOT / "evals" / "datasets" / "claims" / "claims.jsonl"
SAMPLE_DIRS = [  # the documents of the sets the product was built on, as recorded
    ROOT / "seeds",
    ROOT / "evals" / "datasets" / "adversarial" / "docs",
    ROOT / "evals" / "datasets" / "seed" / "docs",
    ROOT.parent / "shared" / "datasets" / "squad2-open" / "docs",
]
MODEL_FREE = {"llm": "extractive", "verifier": "overlap"}


def sentences() -> dict:
    from rag.ingest.load import load
    from rag.text.sentences import sentence_spans

    out = {}
    for folder in SAMPLE_DIRS:
        for path in sorted(folder.glob("*")) if folder.is_dir() else []:
            text = load(path).text
            key = str(path.relative_to(ROOT.parent if "shared" in path.parts else ROOT))
            out[key] = [text[a:b] for a, b in sentence_spans(text)]
    return out


def answers(**overrides: object) -> list[dict]:
    from rag import Assistant

    questions = [json.loads(line) for line in (SEED / "questions.jsonl").open()]
    with tempfile.TemporaryDirectory() as tmp:
        assistant = Assistant(store=Path(tmp) / "store", warm_idle=0, **overrides)
        assistant.ingest([SEED / "docs"])
        got = []
        for q in questions:
            answer = assistant.ask(q["question"]).to_dict()
            answer.pop("timings_ms")
            answer.pop("usage", None)
            got.append(_rounded(answer))
    # Sources are absolute paths: the checkout's own is named ROOT, wherever it lies.
    return json.loads(json.dumps(got, ensure_ascii=False).replace(str(ROOT), "ROOT"))


def same(name: str, got: object, want: object) -> bool:
    """Answers may gain fields (a new key is not a change of behaviour); the rest is equal."""
    if name.startswith(("extractive", "answers")) and isinstance(got, list):
        return len(got) == len(want) and all(
            {k: g.get(k) for k in w} == w for g, w in zip(got, want, strict=True)
        )
    return got == want


def claims(verifier: str) -> list[dict]:
    from rag.models.judge import make_verifier
    from rag.settings import Settings
    from rag_evals.claims import load_claims, run_claims, verifier_check

    check = verifier_check(make_verifier(Settings(verifier=verifier)))
    run = run_claims(CLAIMS, {verifier: check})
    assert len(run.verdicts[verifier]) == len(load_claims(CLAIMS))
    return [_rounded(v) for v in run.verdicts[verifier]]


def _rounded(value: object) -> object:
    """Scores to 3 places: the last digits of a float sum are not behaviour."""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def produce(model: bool) -> dict[str, object]:
    got: dict[str, object] = {
        "sentences": sentences(),
        "extractive": answers(**MODEL_FREE),
        "claims-overlap": claims("overlap"),
    }
    if model:
        got["answers-qwen-1.5b"] = answers()
        got["claims-qwen-1.5b"] = claims("qwen-1.5b")
    return got


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["write", "check"])
    parser.add_argument("--model", action="store_true", help="also the model-backed outputs")
    args = parser.parse_args()
    GOLDEN.mkdir(parents=True, exist_ok=True)
    differ = []
    for name, value in produce(args.model).items():
        path = GOLDEN / f"{name}.json"
        text = json.dumps(value, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
        if args.action == "write":
            path.write_text(text, encoding="utf-8")
        elif not same(name, value, json.loads(path.read_text(encoding="utf-8"))):
            differ.append(name)
            (GOLDEN / f"{name}.new.json").write_text(text, encoding="utf-8")
    for name in differ:
        print(f"{name}: differs (see tests/golden/{name}.new.json)")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
