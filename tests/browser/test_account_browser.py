"""A visitor's whole account life, in a real browser: sign up, confirm, export, log out and in, delete."""
from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

EMAIL = "river@example.com"
PASSWORD = "paper lantern over the river"


def _verification_link(outbox, live_server) -> str:  # type: ignore[no-untyped-def]
    [message] = [m for m in outbox() if m["To"] == EMAIL]
    link = re.search(r"https?://\S+/verify/\S+", message.get_content()).group(0)
    parts = urlsplit(link)
    return f"{live_server.url}{parts.path}"


def _log_in(page, password: str = PASSWORD) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login?next=/account")
    page.get_by_test_id("login-email").fill(EMAIL)
    page.get_by_test_id("login-password").fill(password)
    page.get_by_test_id("login-submit").click()


def test_account_life_cycle(page, live_server, outbox):
    # Sign up through the real page.
    page.goto("/signup?next=/account")
    page.get_by_test_id("signup-email").fill(f"  {EMAIL.upper()} ")
    page.get_by_test_id("signup-password").fill(PASSWORD)
    page.get_by_test_id("signup-submit").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    expect(page.get_by_test_id("check-email")).to_contain_text(EMAIL)

    # The link in the email confirms the address and logs straight in, landing where they were going.
    page.goto(_verification_link(outbox, live_server))
    expect(page).to_have_url(f"{live_server.url}/account")
    expect(page.get_by_text("Your email is confirmed")).to_be_visible()
    expect(page.get_by_test_id("plan-name")).to_have_text("Pro")
    expect(page.get_by_test_id("trial-days-left")).to_have_text("14")
    expect(page.get_by_test_id("sessions-usage")).to_contain_text("0 used")
    expect(page.get_by_text("confirmed", exact=True)).to_be_visible()

    # Export everything.
    with page.expect_download() as download_info:
        page.get_by_test_id("export-data").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".json")
    data = json.loads(open(download.path(), encoding="utf-8").read())
    assert data["account"]["email"] == EMAIL
    assert data["sessions"] == []

    # Log out, then back in through the login page.
    page.get_by_test_id("logout").click()
    expect(page.get_by_text("You're logged out.")).to_be_visible()
    page.goto("/account")
    expect(page).to_have_url(re.compile(r"/login\?next="))

    _log_in(page)
    expect(page).to_have_url(f"{live_server.url}/account")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()

    # A wrong password does not delete anything.
    page.get_by_test_id("delete-password").fill("not my password at all")
    page.get_by_test_id("delete-account").click()
    expect(page.get_by_text("That password isn't right, so nothing was deleted.")).to_be_visible()

    # The right one deletes the account.
    page.get_by_test_id("delete-password").fill(PASSWORD)
    page.get_by_test_id("delete-account").click()
    expect(page.get_by_text("Your account and all its data have been deleted.")).to_be_visible()
    expect(page.get_by_test_id("logout")).to_have_count(0)

    # Only refused form posts (422) may have been logged; nothing else went wrong in the page.
    unexpected = [e for e in page.console_errors if "status of 422" not in e]  # type: ignore[attr-defined]
    assert unexpected == []

    # And the account can no longer log in.
    _log_in(page)
    expect(page.get_by_test_id("login-error")).to_contain_text("don't match an account")
    expect(page).to_have_url(re.compile(r"/login"))
