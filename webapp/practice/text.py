"""Cleaning text that came from a model before it is stored or shown."""
from __future__ import annotations

import unicodedata


def model_text(delta: str) -> str:
    """A piece of model output fit to store and show: no NUL or other control characters (newlines and tabs
    stay), lone surrogates replaced. PostgreSQL refuses NUL in text, and a bare CR would break the SSE framing."""
    delta = delta.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(
        "\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch
        for ch in delta
        if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )
