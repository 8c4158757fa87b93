"""Structured (JSON schema) completions validated with pydantic, retried once when the reply can't be read."""
from __future__ import annotations

import copy
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx2
import openai
import pydantic
from pydantic import BaseModel

from .calls import CallRecord
from .errors import LLMError, LLMMalformedOutput, LLMRateLimited, translate
from .prompts import RenderedPrompt

logger = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

CONNECT_TIMEOUT = 5.0
RETRY_NOTE = (
    "Your previous reply could not be read as a JSON object matching the required schema. "
    "Reply again with only that JSON object."
)


def strict_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema in the form strict structured output accepts: closed objects, all fields required."""
    schema = copy.deepcopy(model.model_json_schema())
    _close_objects(schema)
    return schema


def _close_objects(node: Any) -> None:
    if isinstance(node, dict):
        node.pop("default", None)
        if node.get("type") == "object" or "properties" in node:
            node["additionalProperties"] = False
            node["required"] = list(node.get("properties", {}))
        for value in node.values():
            _close_objects(value)
    elif isinstance(node, list):
        for item in node:
            _close_objects(item)


def response_format_for(model: type[BaseModel], name: str) -> dict[str, Any]:
    return {"type": "json_schema", "json_schema": {"name": name, "strict": True, "schema": strict_schema(model)}}


def complete_structured(
    client: openai.OpenAI,
    *,
    model: str,
    messages: list[dict[str, Any]],
    schema_model: type[M],
    max_completion_tokens: int,
    timeout: float,
    schema_name: str | None = None,
    purpose: str = "structured",
    prompt: RenderedPrompt | None = None,
    calls: list[CallRecord] | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> tuple[M, CallRecord]:
    """Ask for JSON matching `schema_model` and return it validated, with the successful call's record.

    An unreadable or invalid reply is asked for once more, then LLMMalformedOutput is raised. A rate limit
    whose Retry-After is short is waited out once. Other failures raise the matching LLMError at once.
    Every attempt, failed or not, is appended to `calls` when given.
    """
    name = schema_name or _snake(schema_model.__name__)
    response_format = response_format_for(schema_model, name)
    request_timeout = httpx2.Timeout(timeout, connect=min(CONNECT_TIMEOUT, timeout))
    attempts: list[CallRecord] = calls if calls is not None else []
    conversation = list(messages)
    malformed_retry_left = True
    rate_limit_retry_left = True
    while True:
        record = CallRecord(
            purpose=purpose,
            prompt_name=prompt.name if prompt else "",
            prompt_hash=prompt.hash if prompt else "",
            model=model,
        )
        attempts.append(record)
        started = time.monotonic()
        try:
            parsed = _attempt(client, record, model, conversation, schema_model, max_completion_tokens,
                              response_format, request_timeout)
        except LLMMalformedOutput as err:
            _fail(record, err, started)
            logger.warning("LLM %s reply unreadable (%s)%s", purpose, err.detail,
                           "; asking once more" if malformed_retry_left else "")
            if not malformed_retry_left:
                raise
            malformed_retry_left = False
            conversation = [*messages, {"role": "user", "content": RETRY_NOTE}]
            continue
        except LLMError as err:
            _fail(record, err, started)
            if isinstance(err, LLMRateLimited) and err.wait_briefly and rate_limit_retry_left:
                rate_limit_retry_left = False
                logger.info("LLM %s rate limited; waiting %.1fs and retrying once", purpose, err.retry_after)
                sleep(err.retry_after or 0.0)
                continue
            raise
        record.duration_ms = _ms(started)
        return parsed, record


def _attempt(
    client: openai.OpenAI,
    record: CallRecord,
    model: str,
    messages: list[dict[str, Any]],
    schema_model: type[M],
    max_completion_tokens: int,
    response_format: dict[str, Any],
    timeout: httpx2.Timeout,
) -> M:
    try:
        completion = client.chat.completions.create(
            model=model,
            messages=messages,  # type: ignore[arg-type]
            max_completion_tokens=max_completion_tokens,
            response_format=response_format,  # type: ignore[arg-type]
            timeout=timeout,
        )
    except (openai.OpenAIError, httpx2.HTTPError) as exc:
        raise translate(exc) from exc
    if completion.usage is not None:
        record.prompt_tokens = completion.usage.prompt_tokens or 0
        record.completion_tokens = completion.usage.completion_tokens or 0
    if not completion.choices:
        raise LLMMalformedOutput("reply had no choices")
    choice = completion.choices[0]
    message = choice.message
    if getattr(message, "refusal", None):
        raise LLMMalformedOutput("model refused to answer")
    content = (message.content or "").strip()
    if not content:
        raise LLMMalformedOutput(f"empty content (finish reason {choice.finish_reason})")
    try:
        return schema_model.model_validate_json(_strip_fences(content))
    except pydantic.ValidationError as exc:
        raise LLMMalformedOutput(f"reply failed validation: {exc.error_count()} error(s)") from exc


def _strip_fences(content: str) -> str:
    """Some OpenAI-compatible servers wrap JSON in a markdown fence even when asked for a schema."""
    if content.startswith("```"):
        content = content.strip("`")
        if content.lower().startswith("json"):
            content = content[4:]
    return content.strip()


def _fail(record: CallRecord, err: LLMError, started: float) -> None:
    record.ok = False
    record.error_kind = err.kind
    record.duration_ms = _ms(started)


def _ms(started: float) -> int:
    return int((time.monotonic() - started) * 1000)


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")
