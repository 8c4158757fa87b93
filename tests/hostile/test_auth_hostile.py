"""Hostile input to the account forms, brute force behind spoofed client addresses, tampered and replayed cookies."""
from __future__ import annotations

import base64
import json
import zlib

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from markupsafe import escape
from sqlalchemy import func, select

from tests.conftest import PASSWORD, Actions
from tests.hostile.conftest import VICTIM, error_text, quick_user, snapshot, token_for
from webapp import create_app
from webapp.auth.models import User
from webapp.auth.tokens import RESET, make_token
from webapp.config import TestingConfig
from webapp.extensions import db


def users(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User))


def logged_in(client: FlaskClient) -> bool:
    response = client.get("/account")
    assert response.status_code in (200, 302)
    return response.status_code == 200


# ---- hostile emails and passwords ---------------------------------------------------------------------------

BAD_EMAILS = {
    "empty": "",
    "spaces": "   \t ",
    "nul": "vic\x00tim@example.com",
    "trailing_nul": "victim@example.com\x00",
    "control": "victim\x1b[31m@example.com",
    "html": "<img src=x onerror=alert(1)>@example.com",
    "script": '"><script>alert(1)</script>@example.com',
    "sql": "'; DROP TABLE users; --",
    "sql_or": "\" OR 1=1 --@example.com",
    "template": "{{ 7*7 }}@example.com",
    "rtl_override": "\u202emoc.elpmaxe@mitciv",
    "zero_width": "vic\u200btim@example.com",
    "too_long": "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "example.com",
    "crlf_header": "victim@example.com\r\nBcc: everyone@example.com",
}


@pytest.mark.parametrize("url", ["/signup", "/login", "/reset"])
def test_hostile_emails_get_a_clear_422_and_are_shown_escaped(app: Flask, client: FlaskClient, url: str,
                                                              monkeypatch: pytest.MonkeyPatch, outbox) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "AUTH_RATE_LIMIT", "1000 per minute")
    quick_user(app, VICTIM)
    token = token_for(client, url)
    before = snapshot(app)
    for name, email in BAD_EMAILS.items():
        response = client.post(url, data={"csrf_token": token, "email": email, "password": "a long enough passphrase"})
        assert response.status_code == 422, name
        html = response.get_data(as_text=True)
        assert error_text(html), name
        cleaned = email.strip().lower()
        if "<" in cleaned:
            assert cleaned not in html, name  # shown as text, never as markup
            assert str(escape(cleaned)) in html, name
        assert "49@example.com" not in html, name
    assert snapshot(app) == before
    assert outbox() == []  # no mail went anywhere, least of all to an injected Bcc
    assert not logged_in(client)


def test_email_length_edge_signup(app: Flask, client: FlaskClient) -> None:
    at_limit = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 57 + ".com"
    assert len(at_limit) == 254
    token = token_for(client, "/signup")
    response = client.post("/signup", data={"csrf_token": token, "email": at_limit[:-4] + "x.com",
                                            "password": "a long enough passphrase"})
    assert response.status_code == 422  # 255 characters
    assert users(app) == 0
    response = client.post("/signup", data={"csrf_token": token, "email": at_limit,
                                            "password": "a long enough passphrase"})
    assert response.status_code == 302, error_text(response.get_data(as_text=True))
    assert users(app) == 1


HOSTILE_PASSWORDS = {
    "at_limit": "p" * 200 + " correct horse battery staple " + "q" * 26,
    "nul_and_controls": "pass\x00word\x07 with a bell\x1b",
    "rtl_zero_width": "\u202eparola\u200b segreta\u2066 שלום",
    "emoji": "🔑🦄🚀 three emoji and words",
    "sql": "' OR 1=1; DROP TABLE users; --",
    "template": "{{ 7*7 }} {% raw %} ${7*7}",
}


@pytest.mark.parametrize("password", list(HOSTILE_PASSWORDS.values()), ids=list(HOSTILE_PASSWORDS))
def test_any_password_round_trips_exactly(app: Flask, actions: Actions, password: str) -> None:
    """Whatever the characters, the password set at sign-up is the one that logs in, and nothing else does."""
    assert len(password) <= 256
    response = actions.post("/signup", {"email": "new@example.com", "password": password})
    assert response.status_code == 302, error_text(response.get_data(as_text=True))
    wrong = actions.post("/login", {"email": "new@example.com", "password": password[:-1]})
    assert wrong.status_code == 401
    right = actions.post("/login", {"email": "new@example.com", "password": password})
    assert right.status_code == 302 and logged_in(actions.client)


def test_a_password_over_the_limit_is_refused_clearly(app: Flask, actions: Actions) -> None:
    too_long = "x" + "correct horse battery staple " * 9  # 262 characters
    response = actions.post("/signup", {"email": "new@example.com", "password": too_long})
    assert response.status_code == 422
    assert "Use at most 256 characters." in error_text(response.get_data(as_text=True))
    assert too_long not in response.get_data(as_text=True)  # passwords are never echoed
    assert users(app) == 0
    response = actions.post("/login", {"email": "new@example.com", "password": too_long})
    assert response.status_code == 422


def test_sql_and_template_strings_in_login_do_not_log_in(app: Flask, actions: Actions) -> None:
    quick_user(app, VICTIM)
    for email, password in [(VICTIM, "' OR '1'='1"), (VICTIM, "\" OR 1=1 --"), (VICTIM, "{{ 7*7 }}"),
                            ("victim@example.com' --", PASSWORD), ("admin@example.com' OR '1'='1", "x")]:
        response = actions.post("/login", {"email": email, "password": password})
        assert response.status_code in (401, 422), (email, password)
        assert not logged_in(actions.client)


# ---- brute force behind spoofed addresses ---------------------------------------------------------------------

def spoofed(i: int) -> dict[str, str]:
    address = f"198.51.100.{i % 250}"
    return {"X-Forwarded-For": address, "X-Real-IP": address, "Forwarded": f"for={address}",
            "True-Client-IP": address, "CF-Connecting-IP": address, "X-Client-IP": address}


def _per_minute(app: Flask, key: str) -> int:
    return int(app.config[key].split(";")[0].split()[0])


@pytest.mark.parametrize("url", ["/login", "/signup", "/reset"])
def test_rotating_forwarding_headers_do_not_reset_the_limits(app: Flask, actions: Actions, url: str) -> None:
    quick_user(app, VICTIM)
    token = token_for(actions.client, url)
    limit = _per_minute(app, "AUTH_RATE_LIMIT")
    for i in range(limit):  # a different "address" and a different account each time: only the IP limit applies
        response = actions.client.post(url, data={"csrf_token": token, "email": f"user{i}@example.com",
                                                  "password": "wrong password here"}, headers=spoofed(i))
        assert response.status_code != 429, i
    before = snapshot(app)
    response = actions.client.post(url, data={"csrf_token": token, "email": VICTIM, "password": PASSWORD},
                                   headers=spoofed(limit))
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True) and response.headers.get("Retry-After")
    assert snapshot(app) == before and not logged_in(actions.client)


def test_one_account_from_spoofed_addresses_is_limited_even_with_the_right_password(app: Flask,
                                                                                   actions: Actions) -> None:
    quick_user(app, VICTIM)
    token = token_for(actions.client, "/login")
    limit = _per_minute(app, "AUTH_ACCOUNT_RATE_LIMIT")
    spellings = [VICTIM, VICTIM.upper(), f"  {VICTIM}  ", "Victim@Example.COM"]
    for i in range(limit):
        response = actions.client.post("/login", data={"csrf_token": token, "email": spellings[i % len(spellings)],
                                                       "password": f"guess number {i}"}, headers=spoofed(i))
        assert response.status_code == 401, i
    response = actions.client.post("/login", data={"csrf_token": token, "email": VICTIM, "password": PASSWORD},
                                   headers=spoofed(99))
    assert response.status_code == 429 and not logged_in(actions.client)


def test_behind_one_trusted_proxy_only_the_proxys_address_counts(app: Flask, database_url: str, tmp_root) -> None:  # type: ignore[no-untyped-def]
    """TRUSTED_PROXIES=1: the client can prepend any X-Forwarded-For entries; the proxy's last one is used."""
    proxied = create_app({"CONFIG_CLASS": TestingConfig, "SQLALCHEMY_DATABASE_URI": database_url,
                          "MAIL_OUTBOX_DIR": str(tmp_root / "outbox"), "TRUSTED_PROXIES": 1})
    client = proxied.test_client()
    token = token_for(client, "/login")
    limit = _per_minute(proxied, "AUTH_RATE_LIMIT")
    statuses = []
    for i in range(limit + 1):
        headers = {"X-Forwarded-For": f"10.9.{i}.1, 172.16.{i}.2, 203.0.113.7"}  # the proxy appended the last
        statuses.append(client.post("/login", data={"csrf_token": token, "email": f"user{i}@example.com",
                                                    "password": "wrong password here"}, headers=headers).status_code)
    assert statuses[:-1] == [401] * limit and statuses[-1] == 429
    other = client.post("/login", data={"csrf_token": token, "email": "x@example.com", "password": "wrong one"},
                        headers={"X-Forwarded-For": "203.0.113.8"})
    assert other.status_code == 401  # a genuinely different client is not punished
    with proxied.app_context():
        db.session.remove()


# ---- tampered, forged and replayed cookies ---------------------------------------------------------------------

def _flip(value: str, index: int) -> str:
    chars = list(value)
    chars[index] = "A" if chars[index] != "A" else "B"
    return "".join(chars)


def tampered_cookies(app: Flask, genuine: str, token: str) -> dict[str, str]:
    payload = {"_user_id": token, "_fresh": True}
    raw = base64.urlsafe_b64encode(zlib.compress(json.dumps(payload).encode())).decode().rstrip("=")
    first_dot = genuine.index(".", 1)
    return {
        "flip_first": _flip(genuine, 1),
        "flip_payload": _flip(genuine, first_dot // 2),
        "flip_timestamp": _flip(genuine, first_dot + 2),
        "flip_signature": _flip(genuine, len(genuine) - 5),
        "flip_last": _flip(genuine, len(genuine) - 1),
        "truncated": genuine[:-6],
        "extended": genuine + "AAAA",
        "empty": "",
        "dot": ".",
        "dots": "." * 50,
        "garbage": "x" * 3800,
        "non_ascii": "café☕.session",
        "unsigned_payload": f".{raw}.AAAAAA.AAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "wrong_key": URLSafeTimedSerializer("dev", salt="cookie-session",
                                            signer_kwargs={"key_derivation": "hmac", "digest_method": _sha1()}
                                            ).dumps(payload),
    }


def _sha1():  # type: ignore[no-untyped-def]
    import hashlib

    return hashlib.sha1


def test_tampered_or_forged_session_cookies_mean_logged_out_never_500(world) -> None:  # type: ignore[no-untyped-def]
    app = world.app
    world.build()
    genuine = world.client.get_cookie("session").value
    with app.app_context():
        token = db.session.get(User, world.user_id).session_token
    before = snapshot(app)
    for name, value in tampered_cookies(app, genuine, token).items():
        client = app.test_client()
        client.set_cookie("session", value)
        for url in ("/practice", "/account", f"/practice/sessions/{world.interview_id}", "/sessions",
                    "/account/export"):
            response = client.get(url)
            assert response.status_code == 302 and "/login" in response.location, (name, url, response.status_code)
        response = client.post(f"/practice/sessions/{world.interview_id}/answer", data={"answer": "hi"})
        assert response.status_code == 400, name  # the CSRF secret went with the session
        assert client.get("/").status_code == 200, name  # public pages still work
        client.set_cookie("remember_token", value)
        assert not logged_in(client), name
    assert snapshot(app) == before
    assert logged_in(world.client)  # the genuine cookie is unaffected


def _login_for_real(app: Flask, remember: bool = False) -> Actions:
    actions = Actions(app, app.test_client())
    response = actions.login(VICTIM, remember=remember)
    assert response.status_code == 302
    return actions


def test_cookies_replayed_after_logout_or_a_password_change_do_not_log_in(app: Flask) -> None:
    quick_user(app, VICTIM)
    # Logout: the session cookie and the remember-me cookie both die.
    device = _login_for_real(app, remember=True)
    session_cookie = device.client.get_cookie("session").value
    remember_cookie = device.client.get_cookie("remember_token").value
    assert device.post("/logout", {}, csrf_page="/account").status_code == 302
    for name, value in (("session", session_cookie), ("remember_token", remember_cookie)):
        thief = app.test_client()
        thief.set_cookie(name, value)
        assert not logged_in(thief), name
    # A password change elsewhere logs out every other device, stolen cookies included.
    laptop, phone = _login_for_real(app, remember=True), _login_for_real(app)
    stolen = {"session": phone.client.get_cookie("session").value,
              "remember_token": laptop.client.get_cookie("remember_token").value}
    response = laptop.post("/account/password", {"current_password": PASSWORD,
                                                  "new_password": "a completely new passphrase"},
                           csrf_page="/account")
    assert response.status_code == 302
    assert logged_in(laptop.client) and not logged_in(phone.client)
    for name, value in stolen.items():
        thief = app.test_client()
        thief.set_cookie(name, value)
        assert not logged_in(thief), name


def test_a_reset_link_cannot_be_replayed(app: Flask, client: FlaskClient) -> None:
    user_id, _token = quick_user(app, VICTIM)
    with app.app_context():
        link = f"/reset/{make_token(db.session.get(User, user_id), RESET)}"
    token = token_for(client, link)
    assert client.post(link, data={"csrf_token": token, "password": "the first new passphrase"}).status_code == 302
    before = snapshot(app)
    response = client.post(link, data={"csrf_token": token_for(client, "/login"),
                                       "password": "an attacker's passphrase"})
    assert response.status_code == 302 and "/reset" in response.location  # back to "request a new link"
    assert snapshot(app) == before
