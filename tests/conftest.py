"""Shared fixtures: the app on a real database (SQLite file or TEST_DATABASE_URL), HTTP clients, users,
a live server on a loopback port and Debian's Chromium driven by Playwright."""
from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from webapp import create_app
from webapp.config import TestingConfig, normalise_database_url
from webapp.database import rebuild_schema
from webapp.extensions import db, limiter

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def tmp_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("offerready")


@pytest.fixture(scope="session")
def database_url(tmp_root: Path) -> str:
    if TEST_DATABASE_URL:
        return normalise_database_url(TEST_DATABASE_URL)
    return f"sqlite:///{tmp_root / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def app(tmp_root: Path, database_url: str) -> Iterator[Flask]:
    application = create_app(
        {
            "CONFIG_CLASS": TestingConfig,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_OUTBOX_DIR": str(tmp_root / "outbox"),
        }
    )
    rebuild_schema(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_state(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every test starts with empty tables, fresh rate limits and an empty outbox."""
    yield
    if "app" not in request.fixturenames:
        return
    application: Flask = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        limiter.reset()
    outbox = Path(application.config["MAIL_OUTBOX_DIR"])
    if outbox.exists():
        shutil.rmtree(outbox)


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|"X-CSRFToken": "([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Actions:
    """HTTP helpers that go through the real routes, CSRF included."""

    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def csrf(self, url: str = "/login") -> str:
        return csrf_from(self.client.get(url).get_data(as_text=True))

    def post(self, url: str, data: dict | None = None, csrf_page: str | None = None, **kwargs):  # type: ignore[no-untyped-def]
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf(csrf_page or url))
        return self.client.post(url, data=payload, **kwargs)

    def create_user(self, email: str = "alex@example.com", password: str = PASSWORD, *, verified: bool = True,
                    plan: str = "free", trial: bool = True):  # type: ignore[no-untyped-def]
        from webapp.auth.models import User, utcnow

        with self.app.app_context():
            user = User(email=email, plan=plan)
            user.set_password(password)
            if trial:
                user.start_trial(self.app.config["TRIAL_DAYS"])
            if verified:
                user.email_verified_at = utcnow()
            db.session.add(user)
            db.session.commit()
            return user.id

    def login(self, email: str = "alex@example.com", password: str = PASSWORD, remember: bool = False):  # type: ignore[no-untyped-def]
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.post("/login", data, csrf_page="/login")

    def signup_and_login(self, email: str = "alex@example.com", **kwargs) -> int:  # type: ignore[no-untyped-def]
        user_id = self.create_user(email, **kwargs)
        response = self.login(email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return user_id


@pytest.fixture()
def actions(app: Flask, client: FlaskClient) -> Actions:
    return Actions(app, client)


@pytest.fixture()
def outbox(app: Flask):  # type: ignore[no-untyped-def]
    """Read the mail the app wrote to its outbox folder (newest first)."""

    def read() -> list:
        with app.app_context():
            from webapp.mail import outbox_messages

            return [m for _name, m in outbox_messages()]

    return read


# ---- live server and browser -------------------------------------------------------------------------------


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


def _browser_unavailable_reason() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (install it with: apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[dev]')"
    return None


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    reason = _browser_unavailable_reason()
    if reason:
        if IN_CI:
            pytest.fail(f"browser tests must run in CI: {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, live_server: LiveServer):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    pg.console_errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


# ---- the app with the LLM path, against a loopback OpenAI-compatible fake -----------------------------------


@pytest.fixture(scope="session")
def fake_server():  # type: ignore[no-untyped-def]
    from tests.fake_openai import FakeOpenAI

    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def llm_app(app: Flask, fake_server, database_url: str, tmp_root: Path) -> Flask:  # type: ignore[no-untyped-def]
    """A second app on the same database whose coach is the model behind the fake server."""
    return create_app(
        {
            "CONFIG_CLASS": TestingConfig,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_OUTBOX_DIR": str(tmp_root / "outbox"),
            "LLM_PROVIDER": "openai",
            "OPENAI_BASE_URL": fake_server.base_url,
            "OPENAI_API_KEY": "sk-test-fake",
            "OPENAI_MODEL": "fake-chat",
            "LLM_REQUEST_TIMEOUT": 3.0,
            "LLM_DEADLINE": 10.0,
            "LLM_STALL_TIMEOUT": 0.6,
        }
    )


@pytest.fixture()
def fake_llm_app(llm_app: Flask, fake_server, app: Flask):  # type: ignore[no-untyped-def]
    """The LLM app with a fresh script and request log for this test."""
    fake_server.reset()
    yield llm_app
    fake_server.release()
    with llm_app.app_context():
        db.session.remove()


@pytest.fixture()
def llm_actions(fake_llm_app: Flask) -> Actions:
    return Actions(fake_llm_app, fake_llm_app.test_client())


@pytest.fixture(scope="session")
def llm_live_server(llm_app: Flask) -> Iterator[LiveServer]:
    server = LiveServer(llm_app)
    server.start()
    yield server
    server.stop()
