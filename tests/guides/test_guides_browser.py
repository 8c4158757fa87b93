"""A visitor uses the estimator on a guide, then signs up and lands on the negotiation set-up they chose."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

pytestmark = pytest.mark.browser

GUIDE = "/salaries/backend-developer"


def test_estimate_then_sign_up_and_land_on_the_negotiation(page, live_server, outbox) -> None:  # type: ignore[no-untyped-def]
    from webapp.salaries import get_role

    page.goto(GUIDE)
    guide_url = page.url
    band = get_role("backend-developer").band("senior", london=True)
    expected = f"£{band.low:,}–£{band.high:,}+"

    page.select_option("[data-testid=estimate-level]", "senior")
    page.select_option("[data-testid=estimate-location]", "london")
    result = page.get_by_test_id("estimate-range")
    result.filter(has_text=expected).wait_for()
    assert page.url == guide_url  # swapped in place by htmx, no navigation

    negotiate = page.get_by_test_id("cta-negotiate")
    assert "level%3Dsenior" in (negotiate.get_attribute("href") or "")
    assert page.console_errors == []
    negotiate.click()

    page.wait_for_url(re.compile(r"/signup\?"))
    page.get_by_test_id("signup-email").fill("sam@example.com")
    page.get_by_test_id("signup-password").fill("correct horse battery staple")
    page.get_by_test_id("signup-submit").click()
    page.get_by_test_id("check-email").wait_for()

    body = outbox()[0].get_content()
    link = re.search(r"https?://\S+", body).group(0)
    parts = urlsplit(link)
    page.goto(f"{live_server.url}{parts.path}?{parts.query}" if parts.query else f"{live_server.url}{parts.path}")

    page.wait_for_url(re.compile(r"/practice/negotiation/new"))
    landed = urlsplit(page.url)
    assert landed.path == "/practice/negotiation/new"
    query = parse_qs(landed.query)
    assert query["role"] == ["backend-developer"]
    assert query["level"] == ["senior"]
    assert query["location"] == ["london"]
    # The set-up page is being built separately; once it has a role picker, it should arrive pre-selected.
    role_select = page.locator("select[name=role]")
    if role_select.count():
        assert role_select.input_value() == "backend-developer"


def test_guide_pages_render_without_console_errors(page) -> None:  # type: ignore[no-untyped-def]
    for url in ("/", "/salaries", GUIDE, "/salaries/data-scientist"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
    assert page.console_errors == []
