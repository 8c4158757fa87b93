"""Security at the edges: CSRF, rate limits, cookies, headers, inline scripts and error pages."""
from __future__ import annotations

import html
import logging
import re

import pytest
from flask import abort

from tests.conftest import PASSWORD
from webapp import create_app
from webapp.config import ProductionConfig, TestingConfig
from webapp.extensions import db


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


# ---- CSRF ----------------------------------------------------------------------------------------------------


def test_post_without_csrf_token_gets_a_friendly_resend_page(client):
    response = client.post(
        "/login", data={"email": "alex@example.com", "password": "my secret password", "remember": "y"}
    )
    assert response.status_code == 400
    page = _text(response)
    assert "Please confirm and send again" in page
    assert 'value="alex@example.com"' in page  # what was typed is kept...
    assert "my secret password" not in page  # ...except the password
    assert 'action="/login"' in page
    assert re.search(r'name="csrf_token" value="[^"]+"', page)  # a fresh token to send again with


def test_post_with_a_forged_csrf_token_is_refused(actions, client):
    actions.create_user()
    response = client.post("/login", data={"email": "alex@example.com", "password": PASSWORD, "csrf_token": "x"})
    assert response.status_code == 400
    assert client.get("/account").status_code == 302


def test_resend_page_sends_the_kept_fields_again(actions, client):
    actions.create_user()
    page = _text(client.post("/login", data={"email": "alex@example.com", "password": PASSWORD}))
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "email": "alex@example.com", "password": PASSWORD})
    assert response.status_code == 302


def test_htmx_post_without_token_gets_a_fragment_and_a_fresh_token(client):
    response = client.post(
        "/login",
        data={"email": "alex@example.com", "password": "my secret password"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert response.headers.get("X-CSRF-Token")
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert 'data-testid="csrf-expired"' in body
    assert "my secret password" not in body


def test_csrf_token_from_header_is_accepted(actions, client):
    actions.create_user()
    token = actions.csrf("/login")
    response = client.post(
        "/login",
        data={"email": "alex@example.com", "password": PASSWORD},
        headers={"X-CSRFToken": token, "HX-Request": "true"},
    )
    assert response.status_code == 302


# ---- rate limits -------------------------------------------------------------------------------------------------


def _limit(app, key: str) -> int:  # type: ignore[no-untyped-def]
    """The per-minute figure of a configured limit like "10 per minute;50 per hour"."""
    return int(app.config[key].split(";")[0].split()[0])


def test_repeated_logins_from_one_ip_are_slowed_down(app, actions):
    per_minute = _limit(app, "AUTH_RATE_LIMIT")
    for i in range(per_minute):
        response = actions.login(f"user{i}@example.com", "wrong password here")
        assert response.status_code == 401
    response = actions.login("another@example.com", "wrong password here")
    assert response.status_code == 429
    assert "Too many attempts" in _text(response)
    assert "wait a minute" in _text(response)
    assert response.headers.get("Retry-After")


def test_one_account_from_many_ips_is_slowed_down(app, actions):
    actions.create_user()
    per_minute = _limit(app, "AUTH_ACCOUNT_RATE_LIMIT")
    assert per_minute < _limit(app, "AUTH_RATE_LIMIT")

    def attempt(i: int, email: str = "alex@example.com", password: str = "wrong password here"):  # type: ignore[no-untyped-def]
        return actions.post(
            "/login", {"email": email, "password": password}, environ_base={"REMOTE_ADDR": f"203.0.113.{i}"}
        )

    for i in range(per_minute):
        assert attempt(i).status_code == 401
    assert attempt(100).status_code == 429
    assert attempt(101, email=" ALEX@example.com").status_code == 429  # the same account, differently typed
    assert attempt(102, password=PASSWORD).status_code == 429  # even with the right password
    assert attempt(103, email="someone.else@example.com").status_code == 401


def test_rotating_x_forwarded_for_does_not_bypass_the_ip_limit(app, actions):
    assert app.config["TRUSTED_PROXIES"] == 0
    per_minute = _limit(app, "AUTH_RATE_LIMIT")
    statuses = [
        actions.post(
            "/login",
            {"email": f"user{i}@example.com", "password": "wrong password here"},
            headers={"X-Forwarded-For": f"198.51.100.{i}"},
        ).status_code
        for i in range(per_minute + 1)
    ]
    assert statuses[-1] == 429


def test_signup_is_rate_limited_too(app, actions):
    per_minute = _limit(app, "AUTH_RATE_LIMIT")
    statuses = [
        actions.post("/signup", {"email": f"user{i}@example.com", "password": "short"}).status_code
        for i in range(per_minute + 1)
    ]
    assert statuses[:-1] == [422] * per_minute
    assert statuses[-1] == 429


@pytest.fixture()
def mail_link_factory(outbox):  # type: ignore[no-untyped-def]
    def find(to: str) -> str:
        for message in outbox():
            if message["To"] == to:
                link = re.search(r"https?://\S+", message.get_content()).group(0)
                return "/" + link.split("/", 3)[3]
        raise AssertionError(f"no mail to {to}")

    return find


def test_reset_password_form_limit_is_not_shared_between_accounts(app, actions, mail_link_factory):
    """Posts to one person's reset link must not lock everyone else out of theirs."""
    per_minute = _limit(app, "AUTH_ACCOUNT_RATE_LIMIT")
    actions.create_user("alex@example.com")
    actions.create_user("sam@example.com")
    actions.post("/reset", {"email": "alex@example.com"}, environ_base={"REMOTE_ADDR": "203.0.113.1"})
    alex_link = mail_link_factory("alex@example.com")
    for i in range(per_minute + 1):
        actions.post(alex_link, {"password": "short"}, environ_base={"REMOTE_ADDR": f"203.0.113.{10 + i}"})

    actions.post("/reset", {"email": "sam@example.com"}, environ_base={"REMOTE_ADDR": "203.0.113.2"})
    sam_link = mail_link_factory("sam@example.com")
    response = actions.post(sam_link, {"password": "sam's new passphrase"}, environ_base={"REMOTE_ADDR": "203.0.113.99"})
    assert response.status_code == 302


# ---- cookies -------------------------------------------------------------------------------------------------


def test_session_cookie_is_httponly_and_samesite_lax(actions, client):
    actions.create_user()
    response = actions.login(remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("remember_token="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure(database_url):
    prod = create_app(
        {"CONFIG_CLASS": ProductionConfig, "SECRET_KEY": "x" * 32, "SQLALCHEMY_DATABASE_URI": database_url}
    )
    assert prod.config["SESSION_COOKIE_SECURE"] is True
    assert prod.config["REMEMBER_COOKIE_SECURE"] is True
    assert prod.config["SESSION_COOKIE_HTTPONLY"] is True
    assert prod.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = prod.test_client().get("/login", base_url="https://offerready.example")
    set_cookie = response.headers.get("Set-Cookie", "")
    assert "Secure" in set_cookie and "HttpOnly" in set_cookie
    with prod.app_context():
        db.engine.dispose()


# ---- headers and inline scripts ------------------------------------------------------------------------------

PUBLIC_PAGES = ["/", "/signup", "/login", "/pricing", "/salaries", "/reset"]
INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=[\"']application/ld\+json[\"'])[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)


def _pages(actions, client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    pages = {url: client.get(url) for url in PUBLIC_PAGES}
    actions.signup_and_login()
    pages["/account"] = client.get("/account")
    pages["404"] = client.get("/no-such-page")
    for url, response in pages.items():
        assert response.status_code in (200, 404), url
    return {url: response for url, response in pages.items()}


def test_security_headers_on_every_page(actions, client):
    for url, response in _pages(actions, client).items():
        csp = response.headers["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
        assert "'unsafe-inline'" not in directives["script-src"], url
        assert "'unsafe-eval'" not in directives["script-src"], url
        assert directives["frame-ancestors"] == "'none'", url
        assert directives["object-src"] == "'none'", url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response.headers["X-Frame-Options"] == "DENY", url


def test_no_inline_scripts_or_handlers(actions, client):
    for url, response in _pages(actions, client).items():
        page = response.get_data(as_text=True)
        assert "<script" in page, url  # the check below would be vacuous otherwise
        assert not INLINE_SCRIPT.findall(page), url
        assert not INLINE_HANDLER.findall(page), url


# ---- error pages ---------------------------------------------------------------------------------------------

TRACE_MARKERS = ["Traceback", 'File "', "werkzeug", "RuntimeError", "kaboom-secret-detail"]


def _assert_friendly(response, code: int, words: str) -> None:  # type: ignore[no-untyped-def]
    page = _text(response)
    assert response.status_code == code
    assert words in page
    for marker in TRACE_MARKERS:
        assert marker not in page, marker


@pytest.fixture(scope="module")
def error_app(database_url):  # type: ignore[no-untyped-def]
    """A separate app instance with routes that fail on purpose."""
    application = create_app({"CONFIG_CLASS": TestingConfig, "SQLALCHEMY_DATABASE_URI": database_url})

    @application.get("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("kaboom-secret-detail")

    @application.get("/bad")
    def bad():  # type: ignore[no-untyped-def]
        abort(400)

    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def test_404_page(client):
    _assert_friendly(client.get("/no-such-page"), 404, "Page not found")


def test_405_page(client):
    _assert_friendly(client.get("/logout"), 405, "That action isn't available at this address.")


def test_413_page(client):
    response = client.post("/login", data={"email": "x" * (300 * 1024)})
    _assert_friendly(response, 413, "Too large")


def test_429_page(app, actions):
    for i in range(_limit(app, "AUTH_RATE_LIMIT")):
        actions.login(f"user{i}@example.com", "wrong password here")
    _assert_friendly(actions.login("x@example.com", "wrong password here"), 429, "Too many attempts")


def test_400_page(error_app):
    _assert_friendly(error_app.test_client().get("/bad"), 400, "We couldn't understand that request.")


def test_500_page_shows_no_stack_trace(error_app, caplog, monkeypatch):
    # Running the migrations in-process (the `app` fixture does) lets alembic's fileConfig disable
    # existing loggers; switch this one back on to see what an operator would see.
    monkeypatch.setattr(logging.getLogger("webapp.errors"), "disabled", False)
    response = error_app.test_client().get("/boom")
    _assert_friendly(response, 500, "Something broke on our side.")
    assert "kaboom-secret-detail" in caplog.text  # logged for us, not shown to them


def test_500_for_htmx_is_a_fragment(error_app):
    response = error_app.test_client().get("/boom", headers={"HX-Request": "true"})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "<html" not in body and "Something went wrong" in body
    assert "kaboom" not in body


# ---- health and request ids ------------------------------------------------------------------------------------


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_request_id_is_echoed_when_safe_and_replaced_when_not(client):
    assert client.get("/healthz", headers={"X-Request-ID": "abc123"}).headers["X-Request-ID"] == "abc123"
    replaced = client.get("/healthz", headers={"X-Request-ID": "<script>alert(1)</script>"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)


def test_request_logs_leave_link_tokens_out(app, actions, client, mail_link_factory, caplog, monkeypatch):
    # See test_500_page_shows_no_stack_trace: in-process migrations switch these loggers off.
    for name in ("webapp.requests", "webapp.errors"):
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)
    caplog.set_level(logging.INFO)
    actions.create_user()
    actions.post("/reset", {"email": "alex@example.com"})
    link = mail_link_factory("alex@example.com")
    token = link.rsplit("/", 1)[1]

    client.get(link)
    client.post(link, data={"password": "no csrf token here"})  # logged as a CSRF rejection
    actions.post(link, {"password": "a brand new passphrase"})

    assert "/reset/<token>" in caplog.text
    assert token not in caplog.text

