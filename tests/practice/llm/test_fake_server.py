"""The real openai SDK against the loopback fake: plain, streamed and structured replies."""
from __future__ import annotations

import json
import time

import openai
import pytest

from tests.fake_openai import Reply, instance_from_schema
from webapp.practice.llm import AnswerScore, strict_schema

MESSAGES = [{"role": "user", "content": "Hello there"}]


def test_plain_completion_returns_text_and_usage(fake_llm, llm_client):
    fake_llm.enqueue(Reply(text="Welcome to the interview."))

    completion = llm_client.chat.completions.create(model="fake-chat", messages=MESSAGES, max_completion_tokens=50)

    assert completion.choices[0].message.content == "Welcome to the interview."
    assert completion.usage.completion_tokens == 4
    request = fake_llm.requests[-1]
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "fake-chat"
    assert request.body["max_completion_tokens"] == 50
    assert request.headers["authorization"].startswith("Bearer sk-test")


def test_default_reply_when_queue_is_empty(fake_llm, llm_client):
    completion = llm_client.chat.completions.create(model="fake-chat", messages=MESSAGES)

    assert completion.choices[0].message.content.strip()


def test_streamed_reply_arrives_as_word_chunks_with_final_usage(fake_llm, llm_client):
    fake_llm.enqueue(Reply(text="Tell me about a project you led.", usage={"prompt_tokens": 11, "completion_tokens": 7}))

    stream = llm_client.chat.completions.create(
        model="fake-chat", messages=MESSAGES, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)

    deltas = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert deltas == ["Tell", " me", " about", " a", " project", " you", " led."]
    assert chunks[-1].choices == []
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (11, 7)
    assert fake_llm.requests[-1].finished.wait(2)  # set just after the last byte is written


def test_stream_without_include_usage_sends_no_usage_chunk(fake_llm, llm_client):
    chunks = list(llm_client.chat.completions.create(model="fake-chat", messages=MESSAGES, stream=True))

    assert all(c.usage is None for c in chunks)


def test_structured_request_gets_a_schema_valid_instance(fake_llm, llm_client):
    schema = strict_schema(AnswerScore)
    completion = llm_client.chat.completions.create(
        model="fake-scorer",
        messages=MESSAGES,
        response_format={"type": "json_schema", "json_schema": {"name": "answer_score", "strict": True, "schema": schema}},
    )

    parsed = AnswerScore.model_validate_json(completion.choices[0].message.content)
    assert parsed.criteria.relevance.score == 3
    assert parsed.overall == 50
    assert fake_llm.requests[-1].body["response_format"]["json_schema"]["strict"] is True


def test_queued_json_and_raw_content_are_returned_verbatim(fake_llm, llm_client):
    fake_llm.enqueue(Reply(json={"reply": "Fine", "offer_base": 90000, "levers": []}), Reply(raw_content="{not json"))

    first = llm_client.chat.completions.create(model="m", messages=MESSAGES)
    second = llm_client.chat.completions.create(model="m", messages=MESSAGES)

    assert json.loads(first.choices[0].message.content)["offer_base"] == 90000
    assert second.choices[0].message.content == "{not json"


def test_models_endpoint_lists_a_model(fake_llm, llm_client):
    assert [m.id for m in llm_client.models.list()] == ["fake-model"]


@pytest.mark.parametrize(
    ("status", "error"),
    [(401, openai.AuthenticationError), (404, openai.NotFoundError), (500, openai.InternalServerError)],
)
def test_error_status_has_an_openai_style_body(fake_llm, llm_client, status, error):
    fake_llm.enqueue(Reply(status=status))

    with pytest.raises(error) as caught:
        llm_client.chat.completions.create(model="m", messages=MESSAGES)

    assert caught.value.status_code == status
    assert isinstance(caught.value.body, dict) and caught.value.body.get("message")


def test_rate_limit_carries_retry_after_header(fake_llm, llm_client):
    fake_llm.enqueue(Reply(status=429, retry_after=12))

    with pytest.raises(openai.RateLimitError) as caught:
        llm_client.chat.completions.create(model="m", messages=MESSAGES)

    assert caught.value.response.headers.get("retry-after") == "12"


def test_reset_clears_queue_and_recorded_requests(fake_llm, llm_client):
    fake_llm.enqueue(Reply(text="scripted"))
    llm_client.models.list()
    fake_llm.reset()

    completion = llm_client.chat.completions.create(model="m", messages=MESSAGES)

    assert completion.choices[0].message.content != "scripted"
    assert len(fake_llm.requests) == 1


def test_stop_releases_a_stalled_stream_quickly(fake_llm, llm_settings):
    client = openai.OpenAI(base_url=fake_llm.base_url, api_key="k", timeout=30, max_retries=0)
    fake_llm.enqueue(Reply(text="one two three", stall_after_chunks=2, stall_max_seconds=30))
    stream = client.chat.completions.create(model="m", messages=MESSAGES, stream=True)
    next(iter(stream))
    assert fake_llm.requests[-1].first_chunk_sent.wait(2)

    started = time.monotonic()
    fake_llm.stop()

    assert time.monotonic() - started < 2
    client.close()


def test_schema_instances_follow_bounds_refs_and_array_minimums():
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "integer", "minimum": 1, "maximum": 5},
            "tags": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "child": {"$ref": "#/$defs/Child"},
            "maybe": {"anyOf": [{"type": "null"}, {"type": "boolean"}]},
        },
        "$defs": {"Child": {"type": "object", "properties": {"kind": {"enum": ["a", "b"]}}}},
    }

    assert instance_from_schema(schema) == {"n": 3, "tags": ["ok"], "child": {"kind": "a"}, "maybe": True}
