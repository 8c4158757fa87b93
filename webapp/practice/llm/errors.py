"""One family of errors for everything that can go wrong talking to the model, with words for the user."""
from __future__ import annotations

import email.utils
import json
import logging
import math
import time
from typing import Any

import httpx2
import openai
import pydantic

logger = logging.getLogger(__name__)

SHORT_RETRY_AFTER = 5.0  # seconds: a caller may wait this long and retry once
OFFLINE_HINT = "You can continue with the offline coach."


class LLMError(Exception):
    """Base class: `user_message` is safe to show, `retryable` says whether trying again may help."""

    kind = "error"
    retryable = False
    default_message = "The AI hiring manager ran into a problem. Please try again, or continue with the offline coach."

    def __init__(
        self,
        detail: str = "",
        *,
        user_message: str | None = None,
        retryable: bool | None = None,
        retry_after: float | None = None,
        status_code: int | None = None,
    ) -> None:
        super().__init__(detail or self.kind)
        self.detail = detail
        self.user_message = user_message or self.default_message
        if retryable is not None:
            self.retryable = retryable
        self.retry_after = retry_after
        self.status_code = status_code


class LLMTimeout(LLMError):
    kind = "timeout"
    retryable = True
    default_message = "The AI hiring manager took too long to reply. Please try again in a moment."


class LLMRateLimited(LLMError):
    kind = "rate_limited"
    retryable = True

    def __init__(self, detail: str = "", *, retry_after: float | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("user_message", rate_limit_message(retry_after))
        super().__init__(detail, retry_after=retry_after, **kwargs)

    @property
    def wait_briefly(self) -> bool:
        """True when the server asked for a pause short enough to wait out inside the request."""
        return self.retry_after is not None and self.retry_after <= SHORT_RETRY_AFTER


class LLMUpstreamError(LLMError):
    kind = "upstream"
    retryable = True
    default_message = "The AI service had a problem on its side. Please try again in a moment."


class LLMConnectionError(LLMError):
    kind = "connection"
    retryable = True
    default_message = (
        "We couldn't reach the AI hiring manager. Please try again in a moment, or continue with the offline coach."
    )


class LLMStreamInterrupted(LLMError):
    kind = "interrupted"
    retryable = True
    default_message = "The AI hiring manager's reply was cut off. Please ask it to try again."

    def __init__(self, detail: str = "", *, partial_text: str = "", **kwargs: Any) -> None:
        super().__init__(detail, **kwargs)
        self.partial_text = partial_text


class LLMEmptyReply(LLMError):
    kind = "empty"
    retryable = True
    default_message = "The AI hiring manager didn't say anything. Please try again."


class LLMConfigError(LLMError):
    kind = "config"
    retryable = False
    default_message = (
        "The AI hiring manager is unavailable right now (a configuration problem on our side). "
        "You can continue with the offline coach."
    )


class LLMMalformedOutput(LLMError):
    kind = "malformed"
    retryable = True
    default_message = "The AI reply could not be read. Please try again."


def rate_limit_message(retry_after: float | None) -> str:
    """Tell the user when to come back, in words rounded to what a person would say."""
    if retry_after is None or retry_after <= SHORT_RETRY_AFTER:
        return "The AI hiring manager is busy right now. Please try again in a few seconds."
    if retry_after < 60:
        seconds = max(10, int(math.ceil(retry_after / 5.0) * 5))
        when = f"about {seconds} seconds"
    else:
        minutes = int(math.ceil(retry_after / 60.0))
        when = f"about {minutes} minute{'s' if minutes != 1 else ''}"
    return f"The AI hiring manager is busy right now. Please try again in {when}, or continue with the offline coach."


def parse_retry_after(headers: Any) -> float | None:
    """Seconds to wait from `retry-after-ms` or `retry-after` (seconds or an HTTP date); None if absent."""
    if headers is None:
        return None
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


def translate(exc: BaseException) -> LLMError:
    """Map an openai / httpx2 / parsing exception to the matching LLMError."""
    if isinstance(exc, LLMError):
        return exc
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, openai.APITimeoutError):
        return LLMTimeout(detail)
    if isinstance(exc, openai.APIConnectionError):
        return LLMConnectionError(detail)
    if isinstance(exc, openai.RateLimitError):
        return LLMRateLimited(detail, retry_after=parse_retry_after(exc.response.headers), status_code=429)
    if isinstance(exc, openai.APIStatusError):
        return _translate_status(exc)
    if isinstance(exc, openai.APIResponseValidationError):
        return LLMMalformedOutput(detail)
    if isinstance(exc, (openai.LengthFinishReasonError, openai.ContentFilterFinishReasonError)):
        return LLMMalformedOutput(detail)
    if isinstance(exc, openai.APIError):  # an error event inside a stream
        return LLMUpstreamError(detail)
    if isinstance(exc, httpx2.TimeoutException):
        return LLMTimeout(detail)
    if isinstance(exc, httpx2.RequestError):
        return LLMConnectionError(detail)
    if isinstance(exc, (json.JSONDecodeError, pydantic.ValidationError)):
        return LLMMalformedOutput(detail)
    return LLMUpstreamError(detail)


def _translate_status(exc: openai.APIStatusError) -> LLMError:
    status = exc.status_code
    detail = f"HTTP {status} ({exc.type or 'unknown type'}, code {exc.code or '-'})"
    if status in (400, 401, 403, 404, 422):
        # Our key, model name or request shape is wrong: retrying won't help and an operator must look.
        # Only the status and the error code are logged: the body can echo parts of the key.
        url = exc.request.url
        logger.error("LLM provider rejected the request as misconfigured: %s at %s%s", detail, url.host, url.path)
        return LLMConfigError(detail, status_code=status)
    if status >= 500:
        return LLMUpstreamError(detail, status_code=status)
    if status in (408, 409):
        return LLMUpstreamError(detail, status_code=status)
    return LLMUpstreamError(detail, status_code=status, retryable=False)
