"""A whole interview with the keyboard alone: no mouse, no clicks, no filled-in fields."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.a11y.keyboard import focused, tab_to

pytestmark = pytest.mark.browser

SHORT_ANSWER = "I keep it brief."
FULL_ANSWER = (
    "I'm a backend developer with five years of experience. At Acme I led the move of our billing service to "
    "Postgres: I planned the migration, wrote the dual-write code and cut p95 latency from 900ms to 200ms. "
    "I'm looking for a team where I can own services end to end and mentor junior engineers."
)


def test_skip_link_is_first_and_moves_focus_to_the_content(logged_in) -> None:
    page = logged_in
    page.goto("/practice")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first and "skip-link" in first["cls"], f"the first Tab stop is {first}, not the skip link"
    box = page.locator(".skip-link").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the focused skip link is off screen"

    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    after = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert after, f"Tab after the skip link left the main content: {focused(page)}"


def test_full_interview_by_keyboard(logged_in) -> None:
    page = logged_in
    page.goto("/practice")

    # Choose the type with the arrow keys inside the radio group, then the number of questions.
    tab_to(page, "input[name=interview_type]")
    page.keyboard.press("ArrowUp")
    assert focused(page)["checked"] and page.locator("input[value=screening]").is_checked()
    tab_to(page, "input[name=num_questions]")
    page.keyboard.press("Control+a")
    page.keyboard.type("2")
    tab_to(page, "[data-testid=start-interview]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/practice/sessions/\d+$"))
    expect(page.get_by_test_id("progress")).to_have_text("Question 1 of 2")

    answers = 0
    while not page.get_by_test_id("session-finished").count():
        assert answers < 6, "the interview never finished"
        tab_to(page, "[data-testid=answer-input]")
        # The first answer to each question is short, so the hiring manager follows up.
        by_shortcut = answers % 2 == 0
        page.keyboard.type(SHORT_ANSWER if by_shortcut else FULL_ANSWER)
        if by_shortcut:
            page.keyboard.press("Control+Enter")
        else:
            tab_to(page, "[data-testid=answer-submit]")
            page.keyboard.press("Enter")
        answers += 1
        expect(page.get_by_test_id("score-card")).to_have_count(answers)
        if by_shortcut and not page.get_by_test_id("session-finished").count():
            now = focused(page)
            assert now and now["testid"] == "answer-input", f"focus left the answer box after sending: {now}"
    assert answers >= 3, "a short answer should have drawn a follow-up"
    expect(page.get_by_test_id("progress")).to_have_text("Finished")

    tab_to(page, "#answer-area [data-testid=view-report]")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("session-report")).to_be_visible()
    expect(page.get_by_test_id("report-overall")).not_to_have_text(re.compile("^—"))


def test_end_an_interview_early_by_keyboard(logged_in) -> None:
    page = logged_in
    page.goto("/practice")
    tab_to(page, "[data-testid=start-interview]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/practice/sessions/\d+$"))

    tab_to(page, "[data-testid=answer-input]")
    page.keyboard.type(FULL_ANSWER)
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("score-card")).to_have_count(1)

    # The summary that opens the retry form works from the keyboard too.
    tab_to(page, "[data-testid=try-again]", backwards=True)
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("retry-input")).to_be_visible()

    tab_to(page, "[data-testid=end-session]")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("session-report")).to_be_visible()
