"""Logging in and out: where you land, what an attacker can and can't learn or replay."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.conftest import PASSWORD


def _logged_in(client) -> bool:  # type: ignore[no-untyped-def]
    return client.get("/account").status_code == 200


def _without_tokens(html: str) -> str:
    return re.sub(r'(name="csrf_token"[^>]*value=|"X-CSRFToken": )"[^"]+"', r'\1"TOKEN"', html)


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Log in" in response.get_data(as_text=True)


def test_login_lands_on_practice_home(actions, client):
    actions.create_user()
    response = actions.login()
    assert response.status_code == 302
    assert response.location == "/practice"
    assert _logged_in(client)


def test_login_email_is_case_and_space_insensitive(actions, client):
    actions.create_user("alex@example.com")
    response = actions.login(" ALEX@Example.com ")
    assert response.status_code == 302
    assert _logged_in(client)


def test_protected_page_sends_visitor_to_login_and_back(actions, client):
    actions.create_user()
    response = client.get("/account")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"
    login_page = client.get(response.location).get_data(as_text=True)
    assert 'value="/account"' in login_page  # the hidden next field
    response = actions.post("/login", {"email": "alex@example.com", "password": PASSWORD, "next": "/account"})
    assert response.location == "/account"


def test_remember_me_sets_a_lasting_cookie(actions, client):
    actions.create_user()
    actions.login(remember=True)
    cookie = client.get_cookie("remember_token")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.expires is not None


def test_without_remember_me_no_remember_cookie(actions, client):
    actions.create_user()
    actions.login()
    assert client.get_cookie("remember_token") is None


def test_remember_cookie_alone_logs_back_in(app, actions, client):
    actions.create_user()
    actions.login(remember=True)
    remember = client.get_cookie("remember_token").value
    fresh = app.test_client()
    fresh.set_cookie("remember_token", remember)
    assert _logged_in(fresh)


def test_safe_next_is_followed(actions, client):
    actions.create_user()
    response = actions.post(
        "/login", {"email": "alex@example.com", "password": PASSWORD, "next": "/sessions?page=2"}
    )
    assert response.status_code == 302
    assert response.location == "/sessions?page=2"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example",
        "//evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "http:/evil",
        "javascript:alert(1)",
        " //evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        "evil.example",
    ],
)
def test_next_never_leaves_the_site(actions, client, target):
    actions.create_user()
    response = actions.post("/login", {"email": "alex@example.com", "password": PASSWORD, "next": target})
    assert response.status_code == 302
    location = response.location
    parts = urlsplit(location)
    assert parts.scheme == "" and parts.netloc == ""
    assert location.startswith("/") and not location.startswith(("//", "/\\"))
    assert "evil" not in location
    assert location == "/practice"


def test_percent_encoded_next_stays_a_local_path(actions):
    actions.create_user()
    response = actions.post("/login", {"email": "alex@example.com", "password": PASSWORD, "next": "/%09/evil.example"})
    parts = urlsplit(response.location)
    assert parts.scheme == "" and parts.netloc == ""
    assert response.location.startswith("/") and not response.location.startswith(("//", "/\\"))


@pytest.mark.parametrize("target", ["https://evil.example", "//evil.example", "/\\evil.example"])
def test_next_in_query_string_is_checked_when_already_logged_in(actions, client, target):
    actions.signup_and_login()
    response = client.get("/login", query_string={"next": target})
    assert response.status_code == 302
    assert response.location == "/practice"


def test_wrong_email_and_wrong_password_give_the_same_answer(actions):
    actions.create_user("alex@example.com")
    wrong_password = actions.login("alex@example.com", "not the right password")
    wrong_email = actions.login("nobody@example.com", PASSWORD)
    assert wrong_password.status_code == wrong_email.status_code == 401
    body_password = _without_tokens(wrong_password.get_data(as_text=True)).replace("alex@example.com", "EMAIL")
    body_email = _without_tokens(wrong_email.get_data(as_text=True)).replace("nobody@example.com", "EMAIL")
    assert body_password == body_email
    assert "don&#39;t match an account" in body_password
    assert "not the right password" not in body_password


def test_failed_login_does_not_log_in(actions, client):
    actions.create_user()
    actions.login(password="not the right password")
    assert not _logged_in(client)


def test_unverified_account_can_log_in_and_sees_it_is_unconfirmed(actions, client):
    actions.create_user(verified=False)
    assert actions.login().status_code == 302
    assert "not confirmed yet" in client.get("/account").get_data(as_text=True)


def test_session_is_replaced_on_login(actions, client):
    actions.create_user()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    actions.login()
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("_user_id")


def test_logout_ends_the_session(actions, client):
    actions.signup_and_login()
    response = actions.post("/logout", {}, csrf_page="/account")
    assert response.status_code == 302
    assert response.location == "/"
    assert not _logged_in(client)


def test_logged_out_cookie_cannot_be_replayed(app, actions, client):
    actions.signup_and_login()
    stolen = client.get_cookie("session").value
    actions.post("/logout", {}, csrf_page="/account")

    attacker = app.test_client()
    attacker.set_cookie("session", stolen)
    response = attacker.get("/account")
    assert response.status_code == 302
    assert urlsplit(response.location).path == "/login"


def test_logged_out_remember_cookie_cannot_be_replayed(app, actions, client):
    actions.create_user()
    actions.login(remember=True)
    stolen = client.get_cookie("remember_token").value
    actions.post("/logout", {}, csrf_page="/account")

    attacker = app.test_client()
    attacker.set_cookie("remember_token", stolen)
    assert not _logged_in(attacker)


def test_logout_deletes_the_remember_cookie(actions, client):
    actions.create_user()
    actions.login(remember=True)
    assert client.get_cookie("remember_token") is not None
    actions.post("/logout", {}, csrf_page="/account")
    assert client.get_cookie("remember_token") is None


def test_logout_without_csrf_token_does_not_log_out(actions, client):
    actions.signup_and_login()
    response = client.post("/logout")
    assert response.status_code == 400
    assert _logged_in(client)


def test_get_logout_is_not_allowed(actions, client):
    actions.signup_and_login()
    response = client.get("/logout")
    assert response.status_code == 405
    assert "POST" in response.headers.get("Allow", "")
    assert _logged_in(client)
