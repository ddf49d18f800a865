"""A lying model on 127.0.0.1, through the real CLI: no planted false claim is shown.

The scripted server answers each question with true paraphrases and planted false
claims (a flipped negation or yes/no, a changed number or day, a swapped subject, a
quote given to the wrong person, an invented detail), each citing the passage whose
words it borrows, the way a fluent wrong model would. The verifier is the product's
real one (the bundled judge model); only the answering model is scripted.
"""

import http.server
import json
import re
import threading

import pytest

from tests.conftest import SEEDS, run_rag
from tests.fakes import write_chat_stream

# question -> [(claim, phrase of the passage it cites, true?)]
SCRIPT = {
    "What does Putin want from a summit with Trump?": [
        ("Russian officials may hope a one-on-one summit gives Putin a chance to sway Trump.",
         "one-on-one", True),
        ("Putin wants to return to Moscow's sphere of influence.", "sphere of influence", False),
    ],
    "Does Putin keep a pre-prepared plan?": [
        ("Yes, Mr. Putin does keep a pre-prepared plan.", "pre-prepared plan", False),
        ("Stanovaya says Putin does not keep a pre-prepared plan.", "pre-prepared plan", True),
    ],
    "Tell me about Steve Witkoff.": [
        ("Steve Witkoff is Mr. Trump's special envoy.", "special envoy", True),
        ("Steve Witkoff is Mr. Putin's special envoy to Washington.", "special envoy", False),
    ],
    "Where does Tatiana Stanovaya work?": [
        ("Tatiana Stanovaya is a senior fellow at the Carnegie Russia Eurasia Center.",
         "senior fellow", True),
        ("She is the director of the Carnegie Russia Eurasia Center.", "senior fellow", False),
    ],
    "How many regions did the Kremlin claim to have annexed?": [
        ("The Kremlin claimed to have annexed four regions of Ukraine.", "four regions", True),
        ("The Kremlin claimed to have annexed five regions in late 2022.", "four regions", False),
    ],
    "When did Putin hold talks with Witkoff?": [
        ("Putin held talks with Witkoff in Moscow on Wednesday.", "on Wednesday", True),
        ("Putin held talks with Witkoff in Moscow on Friday.", "on Wednesday", False),
    ],
    "How did U.S. negotiators view Russia's position on the four regions?": [
        ("U.S. negotiators viewed the position as unreasonable.", "unreasonable", True),
        ("U.S. negotiators viewed the position as reasonable and fair.", "unreasonable", False),
    ],
    "What does Stanovaya say about territory?": [
        ("Stanovaya says territory is very secondary.", "very secondary", True),
        ("Sergei Markov says territory is very secondary.", "very secondary", False),
    ],
    "Would Moscow exchange territories, according to Stanovaya?": [
        ("She did not exclude that Moscow would be open to exchanging certain territories.",
         "exchanging certain", True),
        ("She ruled out that Moscow would ever exchange any territories.", "exchanging certain",
         False),
    ],
    "What did the Kremlin confirm on Thursday?": [
        ("The Kremlin confirmed that Putin and Trump planned to meet in the coming days.",
         "coming days", True),
        ("The Kremlin confirmed the exact date of the summit.", "coming days", False),
    ],
    "Why had the Trump administration held out on a meeting?": [
        ("It wanted a sign that Putin was serious about a real cease-fire.", "cease-fire", True),
        ("It was waiting for Ukraine to agree to give up the four regions.", "cease-fire", False),
    ],
    "What does Sergei Markov say Putin wants?": [
        ("Markov says Putin wants to keep Trump as a resource for a transition to peace.",
         "resource", True),
        ("Markov says Putin wants to keep Trump as an adviser on NATO.", "resource", False),
    ],
}  # fmt: skip


def _reply(prompt: str) -> str:
    """The scripted answer to the question in ``prompt``, citing the matching passages."""
    question = next(q for q in SCRIPT if q in prompt)
    numbered = dict(re.findall(r"^\[(\d+)\] (.*)$", prompt, re.MULTILINE)[::-1])
    parts = []
    for claim, phrase, _ in SCRIPT[question]:
        n = next((k for k, text in numbered.items() if phrase.lower() in text.lower()), "1")
        parts.append(f"{claim} [{n}]")
    return " ".join(parts)


class _Scripted(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        write_chat_stream(self, _reply(body["messages"][-1]["content"]))

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def liar():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Scripted)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


def test_no_planted_false_claim_is_shown_as_supported(liar, tmp_path):
    # The answerability judge is off: this test is about the verifier, so every question
    # is put to the liar (and "Tell me about X" is not composed without a model).
    env = {
        "RAG_STORE": str(tmp_path / "store"),
        "RAG_LLM_BASE_URL": liar,
        "RAG_ANSWERABLE_THRESHOLD": "0",
    }
    assert run_rag("ingest", str(SEEDS), env=env).returncode == 0
    shown_false, kept_true, true_total = [], 0, 0
    for question, claims in SCRIPT.items():
        result = run_rag("ask", question, "--json", env=env)
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert answer["llm"]["provider"] == "compatible"  # the liar answered
        shown = {s["text"] for s in answer["sentences"]}
        for s in answer["sentences"]:  # every sentence shown carries its verdict
            assert s["supported"] and s["check"] and s["score"] is not None
        for claim, _, true in claims:
            true_total += true
            if claim in shown:
                if true:
                    kept_true += 1
                else:
                    shown_false.append(claim)
    assert shown_false == []
    assert kept_true >= 0.9 * true_total, f"kept {kept_true} of {true_total} true claims"
