"""Browser helpers: an account logged in through the real login page, and a second person's browser."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD


def log_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    """Log in through the real login page and wait until the app has taken us to the practice home."""
    page.goto("/login?next=/practice")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_role("heading", name="What would you like to rehearse?")).to_be_visible()


@pytest.fixture()
def logged_in(page, actions):  # type: ignore[no-untyped-def]
    """The `page`, logged in as a new verified user (on the trial, so the quota never gets in the way)."""
    actions.create_user("casey@example.com")
    log_in(page, "casey@example.com")
    return page


@pytest.fixture()
def other_person(browser, live_server, actions):  # type: ignore[no-untyped-def]
    """A second user logged in from their own browser context (their own cookies)."""
    actions.create_user("robin@example.com")
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(10_000)
    other = context.new_page()
    log_in(other, "robin@example.com")
    yield other
    context.close()
