"""LLM settings: when the provider is on, reading the app config, and the single client they build."""
from __future__ import annotations

import pytest

from webapp.practice.llm import LLMSettings, make_client


@pytest.mark.parametrize(
    ("settings", "enabled"),
    [
        (LLMSettings(), False),
        (LLMSettings(api_key="sk-x"), True),
        (LLMSettings(base_url="http://127.0.0.1:11434/v1"), True),
        (LLMSettings(provider="offline", api_key="sk-x"), False),
        (LLMSettings(provider="openai"), True),
    ],
)
def test_enabled_follows_provider_and_credentials(settings, enabled):
    assert settings.enabled is enabled


def test_unknown_provider_is_rejected():
    with pytest.raises(ValueError):
        LLMSettings(provider="anthropic")


def test_from_config_reads_the_app_keys_and_treats_blanks_as_unset():
    settings = LLMSettings.from_config(
        {"LLM_PROVIDER": "auto", "OPENAI_BASE_URL": "", "OPENAI_API_KEY": "", "OPENAI_MODEL": "llama3",
         "OPENAI_SCORING_MODEL": "", "LLM_STALL_TIMEOUT": 7}
    )

    assert (settings.base_url, settings.api_key, settings.enabled) == (None, None, False)
    assert settings.model == settings.effective_scoring_model == "llama3"
    assert settings.stall_timeout == 7.0 and settings.deadline == 60.0


def test_repr_never_shows_the_key():
    assert "sk-very-secret" not in repr(LLMSettings(api_key="sk-very-secret"))


def test_client_never_retries_and_works_without_a_key():
    client = make_client(LLMSettings(base_url="http://127.0.0.1:11434/v1", request_timeout=9))

    assert client.max_retries == 0
    assert client.api_key == "not-needed"
    assert client.timeout.read == 9
    client.close()
