"""Streams a chat completion as text deltas, turning every way a stream can fail into an LLMError."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

from .calls import CallRecord
from .errors import LLMEmptyReply, LLMError, LLMStreamInterrupted, translate
from .prompts import RenderedPrompt

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT = 5.0
STALLED_MESSAGE = "The AI hiring manager stopped partway through its reply. Please ask it to try again."


@dataclass(frozen=True)
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0


class ChatStream:
    """A streamed reply: iterate for text deltas; afterwards read `.text`, `.usage`, `.duration_ms`, `.record`.

    The request is sent when iteration starts. Errors surface as LLMError subclasses from the iteration;
    once the server has started answering, any failure is an LLMStreamInterrupted carrying the partial text.
    """

    def __init__(
        self,
        client: openai.OpenAI,
        *,
        model: str,
        messages: list[dict[str, Any]],
        max_completion_tokens: int,
        deadline: float,
        stall_timeout: float,
        purpose: str = "chat",
        prompt: RenderedPrompt | None = None,
    ) -> None:
        self._client = client
        self.model = model
        self.messages = messages
        self.max_completion_tokens = max_completion_tokens
        self.deadline = deadline
        self.stall_timeout = stall_timeout
        self.purpose = purpose
        self.prompt = prompt
        self.usage: Usage | None = None
        self.duration_ms = 0
        self.finish_reason: str | None = None
        self.error: LLMError | None = None
        self.completed = False
        self._parts: list[str] = []
        self._iterator: Iterator[str] | None = None

    @property
    def text(self) -> str:
        return "".join(self._parts)

    @property
    def record(self) -> CallRecord:
        """The call's metadata; `ok` is true only for a reply that arrived whole."""
        return CallRecord(
            purpose=self.purpose,
            prompt_name=self.prompt.name if self.prompt else "",
            prompt_hash=self.prompt.hash if self.prompt else "",
            model=self.model,
            prompt_tokens=self.usage.prompt_tokens if self.usage else 0,
            completion_tokens=self.usage.completion_tokens if self.usage else 0,
            duration_ms=self.duration_ms,
            ok=self.completed,
            error_kind=None if self.completed else (self.error.kind if self.error else "abandoned"),
        )

    def __iter__(self) -> Iterator[str]:
        if self._iterator is None:
            self._iterator = self._deltas()
        return self._iterator

    def read(self) -> str:
        """Consume the whole stream and return its text."""
        for _ in self:
            pass
        return self.text

    def close(self) -> None:
        """Stop reading early and release the connection."""
        if self._iterator is not None:
            self._iterator.close()  # type: ignore[attr-defined]

    def __enter__(self) -> ChatStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _timeout(self) -> httpx2.Timeout:
        # The read timeout bounds the wait for each chunk, so a silent upstream is noticed after stall_timeout.
        read = max(0.01, min(self.stall_timeout, self.deadline))
        return httpx2.Timeout(read, connect=min(CONNECT_TIMEOUT, read))

    def _deltas(self) -> Iterator[str]:
        started = time.monotonic()
        sdk_stream = None
        try:
            try:
                sdk_stream = self._client.chat.completions.create(
                    model=self.model,
                    messages=self.messages,  # type: ignore[arg-type]
                    max_completion_tokens=self.max_completion_tokens,
                    stream=True,
                    stream_options={"include_usage": True},
                    timeout=self._timeout(),
                )
            except (openai.OpenAIError, httpx2.HTTPError) as exc:
                raise translate(exc) from exc
            try:
                for chunk in sdk_stream:
                    if chunk.usage is not None:
                        self.usage = Usage(chunk.usage.prompt_tokens or 0, chunk.usage.completion_tokens or 0)
                    for choice in chunk.choices:
                        if choice.finish_reason:
                            self.finish_reason = choice.finish_reason
                        piece = choice.delta.content if choice.delta is not None else None
                        if piece:
                            self._parts.append(piece)
                            yield piece
                    if time.monotonic() - started > self.deadline:
                        raise LLMStreamInterrupted(
                            f"deadline of {self.deadline:g}s passed mid-stream",
                            partial_text=self.text,
                            user_message=STALLED_MESSAGE,
                        )
            except (openai.OpenAIError, httpx2.HTTPError) as exc:
                cause = translate(exc)
                raise LLMStreamInterrupted(
                    f"stream broke off ({cause.kind}): {cause.detail}", partial_text=self.text, user_message=STALLED_MESSAGE
                ) from exc
            if self.finish_reason is None:
                raise LLMStreamInterrupted(
                    "stream ended without a finish reason", partial_text=self.text, user_message=STALLED_MESSAGE
                )
            if not self.text.strip():
                raise LLMEmptyReply(f"stream finished ({self.finish_reason}) with no text")
            self.completed = True
        except LLMError as err:
            self.error = err
            logger.warning("LLM %s stream failed after %.0f ms: %s", self.purpose, _ms(started), err.detail)
            raise
        finally:
            if sdk_stream is not None:
                sdk_stream.close()
            self.duration_ms = _ms(started)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


# Preparing a stream is constructing one: the request goes out when the result is first iterated.
stream_chat = ChatStream
