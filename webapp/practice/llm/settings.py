"""How to reach the LLM: provider choice, model names and time limits, and the one client built from them."""
from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx2
import openai

logger = logging.getLogger(__name__)

PROVIDERS = ("auto", "offline", "openai")
PLACEHOLDER_API_KEY = "not-needed"  # local servers such as Ollama ignore the key, the SDK still wants one


@dataclass(frozen=True)
class LLMSettings:
    """Connection and budget settings for the OpenAI-compatible provider."""

    provider: str = "auto"  # "auto" | "offline" | "openai"
    base_url: str | None = None
    api_key: str | None = None
    model: str = "gpt-4o-mini"
    scoring_model: str | None = None  # None: use `model`
    request_timeout: float = 20.0  # seconds for one non-streamed request
    deadline: float = 60.0  # seconds for a whole call, streaming included
    stall_timeout: float = 15.0  # seconds a stream may go without a new chunk
    interviewer_max_completion_tokens: int = 400
    scoring_max_completion_tokens: int = 700

    def __post_init__(self) -> None:
        if self.provider not in PROVIDERS:
            raise ValueError(f"LLM provider must be one of {', '.join(PROVIDERS)}, not {self.provider!r}")

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LLMSettings:
        """Settings from the app config keys (LLM_PROVIDER, OPENAI_BASE_URL, OPENAI_API_KEY, ...)."""
        return cls(
            provider=config.get("LLM_PROVIDER") or "auto",
            base_url=config.get("OPENAI_BASE_URL") or None,
            api_key=config.get("OPENAI_API_KEY") or None,
            model=config.get("OPENAI_MODEL") or cls.model,
            scoring_model=config.get("OPENAI_SCORING_MODEL") or None,
            request_timeout=float(config.get("LLM_REQUEST_TIMEOUT", cls.request_timeout)),
            deadline=float(config.get("LLM_DEADLINE", cls.deadline)),
            stall_timeout=float(config.get("LLM_STALL_TIMEOUT", cls.stall_timeout)),
        )

    @property
    def enabled(self) -> bool:
        """True when the app should talk to an LLM rather than use the offline coach only."""
        if self.provider == "offline":
            return False
        if self.provider == "openai":
            return True
        return bool(self.api_key or self.base_url)

    @property
    def effective_scoring_model(self) -> str:
        return self.scoring_model or self.model

    def __repr__(self) -> str:  # keep the key out of logs and tracebacks
        key = "set" if self.api_key else "unset"
        return (
            f"LLMSettings(provider={self.provider!r}, base_url={self.base_url!r}, api_key=<{key}>, "
            f"model={self.model!r}, scoring_model={self.effective_scoring_model!r})"
        )


def make_client(settings: LLMSettings) -> openai.OpenAI:
    """Build the app's single OpenAI client; retries are ours, so the SDK never retries or sleeps."""
    return openai.OpenAI(
        base_url=settings.base_url or None,
        api_key=settings.api_key or PLACEHOLDER_API_KEY,
        timeout=httpx2.Timeout(settings.request_timeout, connect=min(5.0, settings.request_timeout)),
        max_retries=0,
    )
