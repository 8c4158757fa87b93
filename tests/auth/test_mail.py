"""Outgoing mail: a real SMTP conversation with a local server, and the development outbox."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from tests.conftest import PASSWORD
from webapp.auth.models import User
from webapp.extensions import db


class _Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def smtp_server(app, monkeypatch) -> Iterator[_Inbox]:  # type: ignore[no-untyped-def]
    """A real SMTP server on a loopback port, with the app pointed at it for this test only."""
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", controller.port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "")
    try:
        yield inbox
    finally:
        controller.stop()


def test_signup_mail_goes_through_smtp(app, actions, client, smtp_server, outbox):
    response = actions.post("/signup", {"email": "alex@example.com", "password": PASSWORD})
    assert response.status_code == 302

    [(mail_from, rcpt_tos, message)] = smtp_server.messages
    assert rcpt_tos == ["alex@example.com"]
    assert "no-reply@offerready.local" in mail_from
    assert message["To"] == "alex@example.com"
    assert message["Subject"] == "Confirm your email for OfferReady"
    assert message["Message-ID"]
    body = message.get_content()
    link = next(word for word in body.split() if "/verify/" in word)
    assert outbox() == []  # sent, not written to the folder

    parts = urlsplit(link)
    response = client.get(parts.path)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(User)).email_verified_at is not None


def test_check_email_page_hides_the_local_outbox_when_a_mail_server_is_set(actions, client, smtp_server):
    actions.post("/signup", {"email": "alex@example.com", "password": PASSWORD})
    page = client.get("/signup/check-email").get_data(as_text=True)
    assert "Check your email" in page
    assert "/dev/outbox" not in page
    assert client.get("/dev/outbox").status_code == 404


def test_reset_mail_goes_through_smtp(actions, smtp_server):
    actions.create_user()
    actions.post("/reset", {"email": "alex@example.com"})
    [(_from, rcpt_tos, message)] = smtp_server.messages
    assert rcpt_tos == ["alex@example.com"]
    assert "/reset/" in message.get_content()


def test_without_a_mail_server_mail_lands_in_the_local_outbox(actions, client, outbox):
    actions.post("/signup", {"email": "alex@example.com", "password": PASSWORD})
    [message] = outbox()
    assert message["To"] == "alex@example.com"

    page = client.get("/signup/check-email").get_data(as_text=True)
    assert "/dev/outbox" in page
    outbox_page = client.get("/dev/outbox").get_data(as_text=True)
    assert "Confirm your email for OfferReady" in outbox_page
    assert '<a href="http://localhost/verify/' in outbox_page and 'data-testid="outbox-link"' in outbox_page


def test_local_outbox_page_is_not_served_in_production(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "ENV_NAME", "production")
    assert client.get("/dev/outbox").status_code == 404
