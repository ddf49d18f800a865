"""A scripted chat model and a recording judge for unit tests of prompt and citation
plumbing (never of answering)."""


class ScriptedLLM:
    """Replies with queued texts in order and records every prompt it was sent."""

    provider = "scripted"
    model = "scripted"

    def __init__(self, *replies: str | Exception) -> None:
        self.replies = list(replies)
        self.prompts: list[list[tuple[str, str]]] = []
        self.written = ""  # what the last stream yielded before it ended or was closed

    def stream(self, messages, max_tokens=200, usage=None):
        self.prompts.append(messages)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        self.written = ""
        for i in range(0, len(reply), 7):
            self.written += reply[i : i + 7]
            yield reply[i : i + 7]

    def complete(self, messages, max_tokens=200) -> str:
        return "".join(self.stream(messages, max_tokens))


class RecordingJudge:
    """Says yes to everything and records every prompt it was asked."""

    name = "recording"

    def __init__(self) -> None:
        self.prompts: list[str] = []

    def p_yes(self, system: str, user: str) -> float:
        self.prompts.append(user)
        return 1.0


def write_chat_stream(handler, text: str, step: int = 12, delay: float = 0.0) -> None:
    """Answer an OpenAI chat request on ``handler`` (an http.server handler) with ``text``,
    streamed as server-sent events, ``step`` characters per event."""
    import json
    import time

    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Connection", "close")
    handler.end_headers()
    base = {"id": "s", "object": "chat.completion.chunk", "created": 0, "model": "scripted"}
    for i in range(0, len(text), step):
        delta = {"index": 0, "delta": {"content": text[i : i + step]}, "finish_reason": None}
        handler.wfile.write(f"data: {json.dumps({**base, 'choices': [delta]})}\n\n".encode())
        handler.wfile.flush()
        time.sleep(delay)
    done = {"index": 0, "delta": {}, "finish_reason": "stop"}
    handler.wfile.write(f"data: {json.dumps({**base, 'choices': [done]})}\n\n".encode())
    handler.wfile.write(b"data: [DONE]\n\n")
    handler.close_connection = True
