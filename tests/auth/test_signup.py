"""Sign-up: who can create an account, what is stored, and what the visitor and the owner see."""
from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, Actions
from webapp.auth.models import User, utcnow
from webapp.extensions import db


def _users(app) -> list[User]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return list(db.session.scalars(select(User)))


def _signup(actions, email: str = "alex@example.com", password: str = PASSWORD, **extra):  # type: ignore[no-untyped-def]
    return actions.post("/signup", {"email": email, "password": password, **extra})


def test_signup_redirects_to_check_email_and_sends_verification(actions, client, outbox):
    response = _signup(actions)
    assert response.status_code == 302
    assert response.location.endswith("/signup/check-email")
    page = client.get("/signup/check-email").get_data(as_text=True)
    assert "Check your email" in page
    assert "alex@example.com" in page
    [message] = outbox()
    assert message["To"] == "alex@example.com"
    assert "Confirm your email" in message["Subject"]
    assert "/verify/" in message.get_content()


def test_email_is_normalised(actions, app):
    assert _signup(actions, " Alex@Example.COM ").status_code == 302
    [user] = _users(app)
    assert user.email == "alex@example.com"


def test_email_is_unique_whatever_its_case(actions, app):
    _signup(actions, "alex@example.com")
    _signup(actions, "ALEX@example.com")
    assert [u.email for u in _users(app)] == ["alex@example.com"]


def test_invalid_email_refused(actions, app):
    response = _signup(actions, "not-an-email")
    assert response.status_code == 422
    assert "Enter a valid email address" in response.get_data(as_text=True)
    assert _users(app) == []


def test_short_password_refused_with_clear_message(actions, app):
    response = _signup(actions, password="short1!")
    assert response.status_code == 422
    assert "Use at least 10 characters." in response.get_data(as_text=True)
    assert _users(app) == []


@pytest.mark.parametrize("password", ["password123", "1234567890", "PASSWORD123", "aaaaaaaaaaaa"])
def test_common_password_refused(actions, app, password):
    response = _signup(actions, password=password)
    assert response.status_code == 422
    assert "too common" in response.get_data(as_text=True) or "too easy to guess" in response.get_data(as_text=True)
    assert _users(app) == []


def test_password_equal_to_email_refused(actions, app):
    response = _signup(actions, "alex.long@example.com", password="alex.long@example.com")
    assert response.status_code == 422
    assert "can't be your email address" in html.unescape(response.get_data(as_text=True))


def test_password_is_never_echoed_back(actions):
    response = _signup(actions, "not-an-email", password="my secret phrase here")
    assert "my secret phrase here" not in response.get_data(as_text=True)


def test_password_stored_as_scrypt_hash(actions, app):
    _signup(actions)
    [user] = _users(app)
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


def test_new_account_starts_fourteen_day_pro_trial_unverified(actions, app):
    _signup(actions)
    [user] = _users(app)
    assert user.email_verified_at is None
    assert user.plan == "free"
    assert user.trial_ends_at is not None
    assert abs(user.trial_ends_at - (utcnow() + timedelta(days=14))) < timedelta(minutes=1)


def test_signup_without_csrf_token_creates_nothing(client, app):
    response = client.post("/signup", data={"email": "alex@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert _users(app) == []


def test_check_email_page_without_signup_goes_back_to_signup(client):
    response = client.get("/signup/check-email")
    assert response.status_code == 302
    assert response.location.endswith("/signup")


def test_logged_in_visitor_is_sent_on_from_signup(actions, client):
    actions.signup_and_login()
    response = client.get("/signup")
    assert response.status_code == 302
    assert response.location.endswith("/practice")


def _check_email_body(client) -> str:  # type: ignore[no-untyped-def]
    body = client.get("/signup/check-email").get_data(as_text=True)
    return re.sub(r'(name="csrf_token"[^>]*value=|"X-CSRFToken": )"[^"]+"', r'\1"TOKEN"', body)


def test_signup_with_registered_email_looks_exactly_like_a_fresh_one(app, actions, outbox):
    fresh_client = app.test_client()
    fresh = Actions(app, fresh_client)
    fresh_response = _signup(fresh, "new@example.com")
    fresh_page = _check_email_body(fresh_client).replace("new@example.com", "EMAIL")

    actions.create_user("owner@example.com", "the owner's own password")
    repeat_client = app.test_client()
    repeat = Actions(app, repeat_client)
    repeat_response = _signup(repeat, "owner@example.com", password="an attacker's password")
    repeat_page = _check_email_body(repeat_client).replace("owner@example.com", "EMAIL")

    assert repeat_response.status_code == fresh_response.status_code == 302
    assert repeat_response.location == fresh_response.location
    assert repeat_page == fresh_page

    # The owner hears about it; their account is unchanged.
    owner_mail = [m for m in outbox() if m["To"] == "owner@example.com"]
    assert [m["Subject"] for m in owner_mail] == ["You already have an OfferReady account"]
    assert "/verify/" not in owner_mail[0].get_content()
    assert "/login" in owner_mail[0].get_content() and "/reset" in owner_mail[0].get_content()
    with app.app_context():
        owner = db.session.scalar(select(User).where(User.email == "owner@example.com"))
        assert owner.check_password("the owner's own password")
        assert db.session.scalar(select(func.count(User.id))) == 2
