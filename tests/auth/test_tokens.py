"""Email verification and password reset, through the real links the app mails out."""
from __future__ import annotations

import html
import re
import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from tests.conftest import PASSWORD, Actions
from webapp.auth.models import User
from webapp.extensions import db

NEW_PASSWORD = "a brand new passphrase"


def _user(app, email: str = "alex@example.com") -> User | None:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email))


def _page_after(client, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.get_data(as_text=True)
    return html.unescape(client.get(response.location).get_data(as_text=True))


@pytest.fixture()
def aged_links(monkeypatch):  # type: ignore[no-untyped-def]
    """Inside `with aged_links(seconds):` every signed link is dated that many seconds ago."""
    from contextlib import contextmanager

    @contextmanager
    def aged(seconds: int):  # type: ignore[no-untyped-def]
        with monkeypatch.context() as m:
            m.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - seconds)
            yield

    return aged


def _signup(actions, email: str = "alex@example.com", next_url: str = ""):  # type: ignore[no-untyped-def]
    url = "/signup" + (f"?next={next_url}" if next_url else "")
    data = {"email": email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return actions.post("/signup", data, csrf_page=url)


# ---- email verification -------------------------------------------------------------------------------------


def test_verification_link_confirms_and_logs_in(app, actions, client, mail_link):
    _signup(actions)
    assert _user(app).email_verified_at is None
    link = mail_link("Confirm your email")

    response = client.get(link)
    assert response.status_code == 302
    assert response.location == "/practice"
    assert _user(app).email_verified_at is not None
    account = client.get("/account")
    assert account.status_code == 200
    assert "confirmed" in account.get_data(as_text=True)


def test_verification_link_honours_next(actions, client, mail_link):
    signup_page = client.get("/signup?next=/sessions").get_data(as_text=True)
    assert 'value="/sessions"' in signup_page
    _signup(actions, next_url="/sessions")
    response = client.get(mail_link("Confirm your email"))
    assert response.location == "/sessions"


def test_verification_link_ignores_unsafe_next(actions, client, mail_link):
    _signup(actions, next_url="https://evil.example/")
    response = client.get(mail_link("Confirm your email"))
    assert response.location == "/practice"


def test_verification_link_works_in_another_browser(app, actions, mail_link):
    _signup(actions)
    other = app.test_client()
    response = other.get(mail_link("Confirm your email"))
    assert response.status_code == 302
    assert other.get("/account").status_code == 200


def test_verification_link_logs_in_only_once(app, actions, client, mail_link):
    _signup(actions, next_url="/sessions")
    link = mail_link("Confirm your email")
    assert client.get(link).location == "/sessions"
    assert client.get(link).location == "/sessions"  # a second click in the same browser just goes on

    other = app.test_client()
    response = other.get(link)
    assert response.location == "/login?next=/sessions"
    assert "Your email is already confirmed. Log in to continue." in _page_after(other, response)
    assert other.get("/account").status_code == 302


def test_old_verification_link_does_not_bypass_a_password_reset(app, actions, mail_link):
    _signup(actions)
    link = mail_link("Confirm your email")
    actions.client.get(link)
    _request_reset(actions)
    actions.post(mail_link("Reset your OfferReady password"), {"password": NEW_PASSWORD})

    other = app.test_client()
    other.get(link)
    assert other.get("/account").status_code == 302


def test_tampered_verification_link_refused_with_clear_message(app, actions, mail_link):
    _signup(actions)
    link = mail_link("Confirm your email")
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    other = app.test_client()
    page = _page_after(other, other.get(tampered))
    assert "This link isn't valid" in page
    assert _user(app).email_verified_at is None
    assert other.get("/account").status_code == 302


def test_expired_verification_link_refused_with_clear_message(app, actions, mail_link, aged_links):
    with aged_links(app.config["EMAIL_TOKEN_MAX_AGE"] + 60):
        _signup(actions)
    other = app.test_client()
    page = _page_after(other, other.get(mail_link("Confirm your email")))
    assert "This link has expired" in page
    assert _user(app).email_verified_at is None


def test_verification_link_of_a_deleted_account_is_refused(app, actions, mail_link):
    _signup(actions)
    link = mail_link("Confirm your email")
    with app.app_context():
        db.session.delete(db.session.scalar(select(User)))
        db.session.commit()
    other = app.test_client()
    assert "This link isn't valid any more" in _page_after(other, other.get(link))


def test_resend_verification_sends_a_new_link(actions, client, outbox):
    actions.signup_and_login(verified=False)
    response = actions.post("/verify/resend", {}, csrf_page="/account")
    assert response.status_code == 302
    assert [m["Subject"] for m in outbox()] == ["Confirm your email for OfferReady"]


# ---- password reset -----------------------------------------------------------------------------------------


def _request_reset(actions, email: str = "alex@example.com"):  # type: ignore[no-untyped-def]
    return actions.post("/reset", {"email": email})


def test_reset_link_changes_the_password_once(app, actions, client, mail_link):
    actions.create_user()
    _request_reset(actions)
    link = mail_link("Reset your OfferReady password")

    assert "Choose a new password" in client.get(link).get_data(as_text=True)
    response = actions.post(link, {"password": NEW_PASSWORD})
    assert "Your password has been changed" in _page_after(client, response)

    assert actions.login(password=PASSWORD).status_code == 401
    assert actions.login(password=NEW_PASSWORD).status_code == 302

    again = app.test_client()
    assert "already been used" in _page_after(again, again.get(link))


def test_reset_logs_out_other_sessions(app, actions, client, mail_link):
    actions.signup_and_login()
    assert client.get("/account").status_code == 200

    elsewhere = Actions(app, app.test_client())
    _request_reset(elsewhere)
    elsewhere.post(mail_link("Reset your OfferReady password"), {"password": NEW_PASSWORD})

    assert client.get("/account").status_code == 302


def test_reset_marks_the_email_verified(app, actions, mail_link):
    actions.create_user(verified=False)
    _request_reset(actions)
    actions.post(mail_link("Reset your OfferReady password"), {"password": NEW_PASSWORD})
    assert _user(app).email_verified_at is not None


def test_reset_refuses_a_weak_new_password(app, actions, mail_link):
    actions.create_user()
    _request_reset(actions)
    response = actions.post(mail_link("Reset your OfferReady password"), {"password": "password123"})
    assert response.status_code == 422
    assert "too common" in response.get_data(as_text=True)
    assert _user(app).check_password(PASSWORD)


def test_expired_reset_link_refused(app, actions, client, mail_link, aged_links):
    actions.create_user()
    with aged_links(app.config["RESET_TOKEN_MAX_AGE"] + 60):
        _request_reset(actions)
    page = _page_after(client, client.get(mail_link("Reset your OfferReady password")))
    assert "This link has expired" in page


def test_verification_link_cannot_reset_a_password(app, actions, client, mail_link):
    _signup(actions)
    token = mail_link("Confirm your email").rsplit("/", 1)[1]
    page = _page_after(client, client.get(f"/reset/{token}"))
    assert "This link isn't valid" in page


def test_reset_request_for_unknown_email_looks_the_same(app, actions, outbox):
    actions.create_user("alex@example.com")

    def ask(email: str) -> tuple[int, str, str]:
        c = app.test_client()
        response = Actions(app, c).post("/reset", {"email": email})
        page = c.get(response.location).get_data(as_text=True)
        page = re.sub(r'(name="csrf_token"[^>]*value=|"X-CSRFToken": )"[^"]+"', r'\1"TOKEN"', page)
        return response.status_code, response.location, page

    assert ask("nobody@example.com") == ask("alex@example.com")
    assert [m["To"] for m in outbox()] == ["alex@example.com"]
