"""axe-core finds no serious or critical WCAG 2.1 AA problems on any main page, in any of its main states."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.a11y.conftest import run_axe

pytestmark = pytest.mark.browser

SHORT_ANSWER = "I fixed it quickly."


@pytest.mark.parametrize(
    "path", ["/", "/pricing", "/salaries", "/salaries/backend-developer", "/signup", "/login", "/reset"]
)
def test_public_pages(page, assert_accessible, path: str) -> None:
    page.goto(path)
    assert_accessible(f"the public page {path}")


def test_not_found_page(page, assert_accessible) -> None:
    response = page.goto("/no-such-page")
    assert response is not None and response.status == 404
    expect(page.get_by_test_id("error-page")).to_be_visible()
    assert_accessible("the 404 page")


def test_salary_guide_after_using_the_estimator(page, assert_accessible) -> None:
    page.goto("/salaries/backend-developer")
    before = page.get_by_test_id("estimate-range").inner_text()
    page.get_by_test_id("estimate-level").select_option("senior")
    expect(page.get_by_test_id("estimate-range")).not_to_have_text(before)
    assert_accessible("the salary guide after an estimate")


def test_forms_with_errors(page, actions, assert_accessible) -> None:
    page.goto("/signup")
    page.get_by_test_id("signup-email").fill("not an email")
    page.get_by_test_id("signup-password").fill("short")
    page.get_by_test_id("signup-submit").click()
    expect(page.locator(".field-error").first).to_be_visible()
    # Screen readers read each error with its field, not only when the alert fires.
    expect(page.get_by_test_id("signup-email")).to_have_accessible_description(re.compile("valid email"))
    expect(page.get_by_test_id("signup-password")).to_have_accessible_description(
        re.compile("At least 10 characters.*Use at least 10 characters")
    )
    assert_accessible("sign-up with validation errors")

    actions.create_user("ada@example.com")
    page.goto("/login")
    page.get_by_test_id("login-email").fill("ada@example.com")
    page.get_by_test_id("login-password").fill("not the password")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).to_be_visible()
    assert_accessible("login with the wrong-password error")


def test_signed_in_pages(logged_in, assert_accessible) -> None:
    page = logged_in
    for path in ["/account", "/practice", "/practice/interview/new", "/practice/negotiation/new", "/sessions"]:
        page.goto(path)
        assert_accessible(f"the signed-in page {path}")


def test_interview_session_report_and_history(logged_in, assert_accessible) -> None:
    page = logged_in
    page.goto("/practice/interview/new")
    page.get_by_label("Number of questions").fill("2")
    page.get_by_test_id("start-interview").click()
    expect(page.get_by_test_id("interviewer-message").first).to_be_visible()
    assert_accessible("an interview before any answer")

    page.get_by_test_id("answer-input").fill(SHORT_ANSWER)
    page.get_by_test_id("answer-submit").click()
    expect(page.get_by_test_id("score-card")).to_have_count(1)
    expect(page.get_by_test_id("interviewer-message").last).to_contain_text("example")
    assert_accessible("an interview with a score card and a follow-up")

    page.get_by_test_id("try-again").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("retry-input")).to_be_visible()
    assert_accessible("an interview with the retry form open")

    page.get_by_test_id("end-session").click()
    expect(page.get_by_test_id("session-report")).to_be_visible()
    assert_accessible("the interview report")

    page.goto("/sessions")
    expect(page.get_by_test_id("progress-chart")).to_be_visible()
    assert_accessible("the session history with its chart")


def test_negotiation_session_and_debrief(logged_in, assert_accessible) -> None:
    page = logged_in
    page.goto("/practice/negotiation/new")
    page.get_by_test_id("start-negotiation").click()
    expect(page.get_by_test_id("current-offer")).to_be_visible()
    assert_accessible("a negotiation before any reply")

    page.get_by_test_id("answer-input").fill(
        "Thank you for the offer. Based on market data for this role I was hoping for something nearer £85,000, "
        "given the platform migration I led last year."
    )
    page.get_by_test_id("answer-submit").click()
    expect(page.get_by_test_id("message-feedback")).to_have_count(1)
    assert_accessible("a negotiation after a reply")

    page.get_by_test_id("accept-offer").click()
    expect(page.get_by_test_id("negotiation-report")).to_be_visible()
    assert_accessible("the negotiation debrief")


def test_the_check_catches_real_problems(page, axe_source) -> None:
    """Guard against a check that passes vacuously: faint text and an unlabelled box must be reported."""
    page.goto("/login")
    page.evaluate(
        """() => {
            const p = document.createElement('p');
            p.textContent = 'Barely readable';
            p.style.color = '#cccccc';
            const input = document.createElement('input');
            document.querySelector('main').append(p, input);
        }"""
    )
    found = {v["id"] for v in run_axe(page, axe_source)["violations"]}
    assert {"color-contrast", "label"} <= found, found
