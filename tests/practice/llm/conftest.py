"""Fixtures for the LLM provider tests: a loopback fake OpenAI server and clients pointed at it."""
from __future__ import annotations

import socket
from collections.abc import Iterator

import openai
import pytest

from tests.fake_openai import FakeOpenAI
from webapp.practice.llm import LLMSettings, PromptLibrary, make_client

TEST_KEY = "sk-test-not-a-real-key-123456"


@pytest.fixture()
def fake_llm() -> Iterator[FakeOpenAI]:
    """A fake OpenAI-compatible server on 127.0.0.1, stopped (and any stalled stream released) after the test."""
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture()
def llm_settings(fake_llm: FakeOpenAI) -> LLMSettings:
    return LLMSettings(
        provider="openai",
        base_url=fake_llm.base_url,
        api_key=TEST_KEY,
        model="fake-chat",
        scoring_model="fake-scorer",
        request_timeout=3.0,
        deadline=5.0,
        stall_timeout=0.5,
    )


@pytest.fixture()
def llm_client(llm_settings: LLMSettings) -> Iterator[openai.OpenAI]:
    client = make_client(llm_settings)
    yield client
    client.close()


@pytest.fixture(scope="session")
def prompts() -> PromptLibrary:
    return PromptLibrary()


@pytest.fixture()
def closed_port_url() -> str:
    """A loopback URL nothing listens on, so connecting is refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"
