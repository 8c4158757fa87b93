"""Mock interviews in a real browser with the offline coach: answers go over htmx (no page reload), follow-ups
and score cards appear, the report is read at the end and the sessions show up in history."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import expect

from tests.practice.helpers import question_in, strong_design, strong_story, vague_answer, we_only_answer
from webapp.practice.types import Question

pytestmark = pytest.mark.browser

Writer = Callable[[Question], str]


def start(page, interview_type: str, questions: int) -> str:  # type: ignore[no-untyped-def]
    """Set up an interview through the form; returns the session page's URL."""
    page.goto(f"/practice/interview/new?type={interview_type}&role=backend-developer&level=mid")
    expect(page.locator(f"input[name=interview_type][value={interview_type}]")).to_be_checked()
    page.locator("#num_questions").fill(str(questions))
    page.get_by_test_id("start-interview").click()
    expect(page).to_have_url(re.compile(r"/practice/sessions/\d+$"))
    expect(page.get_by_test_id("interviewer-message")).to_have_count(2)  # greeting and the first question
    return page.url


def run_interview(page, first: Writer, then: Writer) -> int:  # type: ignore[no-untyped-def]
    """Answer until the report link appears: `first` for the first answer, `then` for every other.

    Returns how many follow-ups the hiring manager asked. Every answer goes in without a page reload.
    """
    page.evaluate("window.__marker = 1")
    messages = page.get_by_test_id("interviewer-message")
    question = question_in(messages.last.inner_text())
    follow_ups = 0
    answered = 0
    while page.locator("#answer-area").get_by_test_id("view-report").count() == 0:
        box = page.get_by_test_id("answer-input")
        box.fill((first if answered == 0 else then)(question))
        asked_before = messages.count()
        if answered % 2:
            box.press("Control+Enter")
        else:
            page.get_by_test_id("answer-submit").click()
        answered += 1
        expect(page.get_by_test_id("candidate-message")).to_have_count(answered)
        expect(page.get_by_test_id("score-card")).to_have_count(answered)
        expect(messages).to_have_count(asked_before + 1)
        latest = messages.last.inner_text()
        if _asks_a_question(latest):
            question = question_in(latest)
        elif "That's all my questions" not in latest:
            follow_ups += 1  # neither a new question nor the wrap-up: a probe about the last answer
        assert page.evaluate("window.__marker") == 1, "the page reloaded"
        assert answered < 20, "the interview never finished"
    assert page.evaluate("window.__marker") == 1
    return follow_ups


def _asks_a_question(text: str) -> bool:
    try:
        question_in(text)
    except AssertionError:
        return False
    return True


def read_report(page) -> None:  # type: ignore[no-untyped-def]
    page.locator("#answer-area").get_by_test_id("view-report").click()
    report = page.get_by_test_id("session-report")
    expect(report).to_be_visible()
    expect(page.get_by_test_id("report-overall")).to_have_text(re.compile(r"^\d+/100$"))
    expect(page.get_by_test_id("work-on").locator("li")).not_to_have_count(0)
    expect(report.get_by_test_id("score-card").first).to_be_visible()


def test_two_interviews_end_to_end(logged_in, other_person):
    page = logged_in

    behavioural = start(page, "behavioural", 5)
    follow_ups = run_interview(page, we_only_answer, strong_story)
    assert follow_ups == 1  # "what did you personally do?" after the we-only story, none after strong ones
    expect(page.get_by_text("What did you personally do?")).to_be_visible()
    expect(page.get_by_test_id("candidate-message")).to_have_count(6)
    read_report(page)
    expect(page.get_by_test_id("session-report")).to_contain_text("5 of 5 questions answered")

    system_design = start(page, "system_design", 3)
    follow_ups = run_interview(page, vague_answer, strong_design)
    assert follow_ups == 1
    expect(page.get_by_test_id("candidate-message")).to_have_count(4)
    read_report(page)
    expect(page.get_by_test_id("session-report")).to_contain_text("3 of 3 questions answered")

    page.goto("/sessions")
    rows = page.get_by_test_id("history-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("System design")
    expect(rows.nth(1)).to_contain_text("Behavioural")
    for row in (rows.nth(0), rows.nth(1)):
        expect(row.locator("td").nth(4)).to_have_text(re.compile(r"^\d+$"))
    expect(page.get_by_test_id("progress-chart")).to_be_visible()

    # Someone else, in their own browser, can't open either session.
    for url in (behavioural, system_design):
        response = other_person.goto(url)
        assert response.status == 404
        expect(other_person.get_by_role("heading", name="Page not found")).to_be_visible()
        assert other_person.goto(url + "/report").status == 404

    assert page.console_errors == []  # type: ignore[attr-defined]
