"""The OpenAI-compatible LLM provider: settings, one client, prompts, streaming, scoring and errors."""
from __future__ import annotations

from .calls import CallRecord
from .context import build_interviewer_messages
from .errors import (
    LLMConfigError,
    LLMConnectionError,
    LLMEmptyReply,
    LLMError,
    LLMMalformedOutput,
    LLMRateLimited,
    LLMStreamInterrupted,
    LLMTimeout,
    LLMUpstreamError,
    translate,
)
from .interviewer import LLMInterviewer
from .prompts import PromptLibrary, RenderedPrompt
from .scoring import AnswerScore, LLMScorer, ScoreOutcome
from .settings import LLMSettings, make_client
from .streaming import ChatStream, Usage, stream_chat
from .structured import complete_structured, strict_schema

__all__ = [
    "AnswerScore",
    "CallRecord",
    "ChatStream",
    "LLMConfigError",
    "LLMConnectionError",
    "LLMEmptyReply",
    "LLMError",
    "LLMInterviewer",
    "LLMMalformedOutput",
    "LLMRateLimited",
    "LLMScorer",
    "LLMSettings",
    "LLMStreamInterrupted",
    "LLMTimeout",
    "LLMUpstreamError",
    "PromptLibrary",
    "RenderedPrompt",
    "ScoreOutcome",
    "Usage",
    "build_interviewer_messages",
    "complete_structured",
    "make_client",
    "stream_chat",
    "strict_schema",
    "translate",
]
