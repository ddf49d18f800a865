"""Generation behind one interface, the OpenAI chat-completions API.

Providers: ``local`` (bundled llama.cpp on 127.0.0.1), ``openai``, ``compatible`` (any
OpenAI-style server by base URL) and ``extractive`` (no model at all, see answer.py).
Only this module knows which provider answers.
"""

import contextlib
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rag.errors import RagError
from rag.settings import Settings

if TYPE_CHECKING:
    from rag.models.llamacpp import LocalServer


_READING: set[socket.socket] = set()  # the connections of the replies being read


def abort_replies() -> None:
    """Shut the connection of every reply being read, so that a read blocked on one
    ends at once. Called from a SIGINT handler: the KeyboardInterrupt it raises can land
    in a finaliser, where Python prints it and carries on, and the read then waits for
    as long as the server holds the reply (a chat in CI once stayed stuck that way)."""
    for sock in list(_READING):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def _abortable(reply) -> Iterator[None]:
    """While the body of ``reply`` (an openai Stream) is read, :func:`abort_replies`
    can shut its connection."""
    stream = reply.response.extensions.get("network_stream")
    sock = stream.get_extra_info("socket") if stream is not None else None
    if sock is not None:
        _READING.add(sock)
    try:
        yield
    finally:
        _READING.discard(sock)


class LLMError(RagError):
    """The model could not answer: dead server, bad key, unknown model, bad reply."""


@dataclass
class ChatLLM:
    """A chat model reached through the OpenAI client.

    Answers stream through ``openai`` directly rather than llama-index's wrapper, which
    hides the HTTP stream: every stream here is closed by the generator that opened it
    when its consumer stops (a ``break``, an error, Ctrl-C), never left to the garbage
    collector. Each reply also gets a connection pool of its own, so that even a stream
    a caller abandons cannot be finalised while another request holds the same pool's
    lock (httpcore's pool deadlocks then, on one thread, for good). A new loopback
    connection per answer costs well under a millisecond.
    """

    provider: str
    model: str
    api_base: str | None
    api_key: str = field(repr=False)
    timeout: float = 60.0
    max_retries: int = 2
    server: "LocalServer | None" = field(default=None, repr=False)
    """The bundled llama.cpp server behind ``api_base``, released by :meth:`close`."""

    def close(self) -> None:
        if self.server is not None:
            self.server.release()
            self.server = None

    def llama(self, max_tokens: int | None = None):
        """A llama-index LLM talking to this model (``rag eval --baseline`` uses it)."""
        from llama_index.llms.openai_like import OpenAILike

        return OpenAILike(
            model=self.model,
            api_base=self.api_base,
            api_key=self.api_key,
            is_chat_model=True,
            context_window=8192,
            timeout=self.timeout,
            max_retries=self.max_retries,
            temperature=0.0,
            max_tokens=max_tokens,
        )

    def stream(
        self, messages: list[tuple[str, str]], max_tokens: int = 200, usage: dict | None = None
    ) -> Iterator[str]:
        """Yield the reply's text pieces (token counts go into ``usage``); raise LLMError.

        Closing this generator early closes the HTTP stream at once, which tells a
        llama.cpp server to stop writing and free the slot."""
        import openai

        client = openai.OpenAI(
            base_url=self.api_base,
            api_key=self.api_key,
            timeout=self.timeout,
            max_retries=self.max_retries,
        )
        try:
            got_any, finished = False, False
            reply = client.chat.completions.create(
                model=self.model,
                messages=[{"role": role, "content": content} for role, content in messages],
                max_tokens=max_tokens,
                temperature=0.0,
                stream=True,
                stream_options={"include_usage": True},
            )
            with reply, _abortable(reply):
                for chunk in reply:
                    for choice in chunk.choices:
                        finished = finished or bool(choice.finish_reason)
                        if choice.delta and choice.delta.content:
                            got_any = True
                            yield choice.delta.content
                    if chunk.usage is not None and usage is not None:
                        usage.update(
                            prompt_tokens=chunk.usage.prompt_tokens,
                            completion_tokens=chunk.usage.completion_tokens,
                        )
        except LLMError:
            raise
        except Exception as exc:
            raise LLMError(self._explain(exc)) from None
        finally:
            client.close()
        if not got_any:
            raise LLMError(f"{self.provider} model {self.model} returned an empty reply")
        if not finished:  # the connection closed before the server said it was done
            raise LLMError(f"{self.provider}: the reply from {self.api_base} stopped midway")

    def complete(self, messages: list[tuple[str, str]], max_tokens: int = 200) -> str:
        return "".join(self.stream(messages, max_tokens))

    def _explain(self, exc: Exception) -> str:
        """One line saying what went wrong, with any API key scrubbed out."""
        import openai

        where = self.api_base or "api.openai.com"
        if isinstance(exc, openai.AuthenticationError):
            text = f"{self.provider}: the API key was rejected by {where}"
        elif isinstance(exc, openai.NotFoundError):
            text = f"{self.provider}: model {self.model!r} not found at {where}"
        elif isinstance(exc, openai.APITimeoutError):
            text = f"{self.provider}: no reply from {where} within {self.timeout:.0f}s"
        elif isinstance(exc, openai.APIConnectionError):
            text = f"{self.provider}: cannot connect to {where}"
        elif isinstance(exc, openai.APIStatusError):
            text = f"{self.provider}: {where} answered HTTP {exc.status_code}"
        else:
            text = f"{self.provider}: bad reply from {where} ({type(exc).__name__})"
        if self.api_key and len(self.api_key) > 4:
            text = text.replace(self.api_key, "***")
        return text


def make_llm(settings: Settings) -> ChatLLM | None:
    """The configured chat model, or None for the extractive (model-free) mode."""
    provider = settings.resolved_llm()
    if provider == "extractive":
        return None
    common = {"timeout": settings.llm_timeout, "max_retries": settings.llm_retries}
    remote = {  # provider: (what it needs, message when missing, default model, key)
        "openai": (
            settings.openai_api_key,
            "--llm openai needs OPENAI_API_KEY",
            "gpt-4o-mini",
            settings.openai_api_key,
        ),
        "compatible": (
            settings.llm_base_url,
            "--llm compatible needs OPENAI_BASE_URL or RAG_LLM_BASE_URL",
            "default",
            settings.openai_api_key or "not-needed",
        ),
    }
    if provider in remote:
        needed, missing, default_model, key = remote[provider]
        if not needed:
            raise RagError(missing)
        return ChatLLM(
            provider, settings.model or default_model, settings.llm_base_url, key or "", **common
        )
    if provider == "local":
        from rag.models.catalogue import resolve
        from rag.models.llamacpp import LocalServer

        # The 1.5B model is the default: it is the verifier's judge too, so answering
        # costs no second model in memory, and it answers far better (docs/results.md).
        path, name = resolve(settings.local_model, settings.cache_dir)
        server = LocalServer.get(path, threads=settings.embed_threads)
        return ChatLLM("local", name, server.base_url, "local", server=server, **common)
    raise RagError(f"unknown --llm {provider!r}: use local, openai, compatible or extractive")
