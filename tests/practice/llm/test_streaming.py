"""stream_chat against the loopback fake: incremental deltas, usage, and every way a stream can fail."""
from __future__ import annotations

import logging
import time

import pytest

from tests.fake_openai import Reply
from webapp.practice.llm import (
    LLMConfigError,
    LLMConnectionError,
    LLMEmptyReply,
    LLMRateLimited,
    LLMSettings,
    LLMStreamInterrupted,
    LLMUpstreamError,
    make_client,
    stream_chat,
)

from .conftest import TEST_KEY

MESSAGES = [{"role": "system", "content": "You are the interviewer."}, {"role": "user", "content": "Hi"}]


def open_stream(client, *, deadline=5.0, stall_timeout=0.5):  # type: ignore[no-untyped-def]
    return stream_chat(
        client, model="fake-chat", messages=MESSAGES, max_completion_tokens=400, deadline=deadline, stall_timeout=stall_timeout
    )


def test_deltas_arrive_before_the_server_has_finished(fake_llm, llm_client):
    fake_llm.enqueue(Reply(text="Tell me about a time you changed your mind.", delay_between_chunks=0.05))
    stream = open_stream(llm_client)

    deltas = iter(stream)
    first = next(deltas)

    assert first == "Tell"
    assert not fake_llm.requests[-1].finished.is_set()
    rest = list(deltas)
    assert first + "".join(rest) == stream.text == "Tell me about a time you changed your mind."
    assert fake_llm.requests[-1].finished.wait(2)


def test_usage_duration_and_request_shape_are_captured(fake_llm, llm_client):
    fake_llm.enqueue(Reply(text="Good morning.", usage={"prompt_tokens": 42, "completion_tokens": 3}))
    stream = open_stream(llm_client)

    assert stream.read() == "Good morning."

    assert (stream.usage.prompt_tokens, stream.usage.completion_tokens) == (42, 3)
    assert stream.duration_ms >= 0
    assert stream.record.ok and stream.record.error_kind is None
    assert stream.record.completion_tokens == 3
    body = fake_llm.requests[-1].body
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["max_completion_tokens"] == 400


def test_nothing_is_sent_until_the_stream_is_read(fake_llm, llm_client):
    open_stream(llm_client)

    assert fake_llm.requests == []


def test_dropped_connection_keeps_the_partial_text(fake_llm, llm_client):
    # chunk 0 is the role-only chunk, then one chunk per word
    fake_llm.enqueue(Reply(text="Walk me through your last project please", drop_after_chunks=3))
    stream = open_stream(llm_client)

    with pytest.raises(LLMStreamInterrupted) as caught:
        stream.read()

    assert caught.value.partial_text == "Walk me"
    assert caught.value.retryable
    assert "try again" in caught.value.user_message
    assert stream.record.ok is False and stream.record.error_kind == "interrupted"
    assert len(fake_llm.requests) == 1


def test_stalled_stream_is_interrupted_after_the_stall_timeout(fake_llm, llm_client):
    fake_llm.enqueue(Reply(text="What did you learn from it", stall_after_chunks=2, stall_max_seconds=10))
    stream = open_stream(llm_client, stall_timeout=0.5)

    started = time.monotonic()
    with pytest.raises(LLMStreamInterrupted) as caught:
        stream.read()
    elapsed = time.monotonic() - started

    assert 0.4 <= elapsed < 2.0
    assert caught.value.partial_text == "What"
    assert len(fake_llm.requests) == 1


def test_slow_drip_is_cut_off_at_the_deadline(fake_llm, llm_client):
    fake_llm.enqueue(Reply(text=" ".join(["word"] * 40), delay_between_chunks=0.1))
    stream = open_stream(llm_client, deadline=0.6, stall_timeout=0.5)

    started = time.monotonic()
    with pytest.raises(LLMStreamInterrupted) as caught:
        stream.read()

    assert time.monotonic() - started < 1.5
    assert caught.value.partial_text.startswith("word word")
    assert len(fake_llm.requests) == 1


def test_stream_with_no_text_is_an_empty_reply(fake_llm, llm_client):
    fake_llm.enqueue(Reply(empty=True))

    with pytest.raises(LLMEmptyReply) as caught:
        open_stream(llm_client).read()

    assert caught.value.user_message
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize(
    ("retry_after", "wait_briefly", "phrase"),
    [(2, True, "a few seconds"), (30, False, "about 30 seconds"), (150, False, "about 3 minutes")],
)
def test_rate_limit_reports_when_to_retry(fake_llm, llm_client, retry_after, wait_briefly, phrase):
    fake_llm.enqueue(Reply(status=429, retry_after=retry_after))

    with pytest.raises(LLMRateLimited) as caught:
        open_stream(llm_client).read()

    assert caught.value.retry_after == pytest.approx(retry_after)
    assert caught.value.wait_briefly is wait_briefly
    assert phrase in caught.value.user_message
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_are_upstream_errors(fake_llm, llm_client, status):
    fake_llm.enqueue(Reply(status=status))

    with pytest.raises(LLMUpstreamError) as caught:
        open_stream(llm_client).read()

    assert caught.value.retryable
    assert caught.value.status_code == status
    assert len(fake_llm.requests) == 1


@pytest.mark.parametrize("status", [401, 403, 404])
def test_auth_and_missing_model_are_config_errors_logged_without_secrets(fake_llm, llm_client, caplog, status):
    fake_llm.enqueue(Reply(status=status))

    with caplog.at_level(logging.ERROR, logger="webapp.practice.llm"), pytest.raises(LLMConfigError) as caught:
        open_stream(llm_client).read()

    assert caught.value.user_message == (
        "The AI hiring manager is unavailable right now (a configuration problem on our side). "
        "You can continue with the offline coach."
    )
    assert not caught.value.retryable
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert errors and str(status) in errors[0].getMessage()
    assert all(TEST_KEY not in r.getMessage() and "Incorrect API key" not in r.getMessage() for r in caplog.records)
    assert len(fake_llm.requests) == 1


def test_refused_connection_is_a_connection_error(closed_port_url):
    client = make_client(LLMSettings(provider="openai", base_url=closed_port_url, api_key=TEST_KEY))

    started = time.monotonic()
    with pytest.raises(LLMConnectionError) as caught:
        open_stream(client).read()

    assert time.monotonic() - started < 2
    assert "couldn't reach" in caught.value.user_message
    client.close()


def test_reading_part_then_closing_records_an_abandoned_call(fake_llm, llm_client):
    fake_llm.enqueue(Reply(text="one two three four five", delay_between_chunks=0.05))
    stream = open_stream(llm_client)

    next(iter(stream))
    stream.close()

    assert stream.record.ok is False and stream.record.error_kind == "abandoned"
    assert stream.text == "one"
