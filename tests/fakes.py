"""A scripted chat model for unit tests of prompt and citation plumbing (never of answering)."""


class ScriptedLLM:
    """Replies with queued texts in order and records every prompt it was sent."""

    provider = "scripted"
    model = "scripted"

    def __init__(self, *replies: str | Exception) -> None:
        self.replies = list(replies)
        self.prompts: list[list[tuple[str, str]]] = []

    def stream(self, messages, max_tokens=200, usage=None):
        self.prompts.append(messages)
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        for i in range(0, len(reply), 7):
            yield reply[i : i + 7]

    def complete(self, messages, max_tokens=200) -> str:
        return "".join(self.stream(messages, max_tokens))
