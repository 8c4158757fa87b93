"""Helpers for the account tests: read the links out of the mail the app sent."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

LINK_RE = re.compile(r"https?://\S+")


@pytest.fixture()
def mail_link(outbox):  # type: ignore[no-untyped-def]
    """The path (and query) of the first link in the newest email whose subject contains `subject`."""

    def find(subject: str) -> str:
        for message in outbox():
            if subject.lower() in message["Subject"].lower():
                link = LINK_RE.search(message.get_content())
                assert link, f"no link in {message['Subject']!r}"
                parts = urlsplit(link.group(0))
                return parts.path + (f"?{parts.query}" if parts.query else "")
        raise AssertionError(f"no email with subject containing {subject!r}: {[m['Subject'] for m in outbox()]}")

    return find
