"""In a real browser: hostile answers, messages and model replies reach the DOM as text, never as elements."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import PASSWORD
from tests.fake_openai import Reply
from tests.hostile.conftest import quick_user

pytestmark = pytest.mark.browser

MARKER = "hostile-marker-42"
PAYLOAD = (f'<img src=x onerror="window.__xss=1"><b hx-get="/account" hx-trigger="load" hx-target="body">bold</b>'
           f'<script>window.__xss=2</script><svg onload="window.__xss=3"></svg> {{{{ 7*7 }}}} {MARKER}')


def log_in(page, email: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login?next=/practice")
    page.get_by_test_id("login-email").fill(email)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url("**/practice")


def assert_text_only(page, testid: str) -> None:  # type: ignore[no-untyped-def]
    """The payload is visible as typed, and nothing in the transcript became an element or ran."""
    message = page.get_by_test_id(testid).filter(has_text=MARKER).last
    expect(message).to_be_visible()
    assert PAYLOAD in message.inner_text()
    found = page.evaluate("""() => ({
        xss: typeof window.__xss,
        hx: document.querySelectorAll('#transcript [hx-get], #transcript [hx-trigger], #transcript [onerror]').length,
        tags: document.querySelectorAll('#transcript img, #transcript script, #transcript svg, #transcript b').length,
    })""")
    assert found == {"xss": "undefined", "hx": 0, "tags": 0}


def assert_nothing_was_blocked(errors: list[str]) -> None:
    """Had the payload become markup, the CSP would have refused its handlers (and the img would 404)."""
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e or "/x" in e], errors


def send(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_test_id("answer-input").fill(text)
    page.get_by_test_id("answer-submit").click()


def test_a_hostile_answer_and_message_are_only_text_in_the_browser(page, app) -> None:  # type: ignore[no-untyped-def]
    quick_user(app, "browser-victim@example.com")
    log_in(page, "browser-victim@example.com")
    page.goto("/practice/interview/new?type=behavioural&role=backend-developer&level=mid")
    page.get_by_test_id("start-interview").click()
    page.wait_for_url("**/practice/sessions/*")
    send(page, PAYLOAD)  # swapped in by htmx
    assert_text_only(page, "candidate-message")
    page.reload()  # rendered by the server
    assert_text_only(page, "candidate-message")

    page.goto("/practice/negotiation/new?role=backend-developer&level=mid&location=london")
    page.get_by_test_id("start-negotiation").click()
    page.wait_for_url("**/practice/sessions/*")
    send(page, PAYLOAD)
    assert_text_only(page, "candidate-message")
    page.reload()
    assert_text_only(page, "candidate-message")
    assert_nothing_was_blocked(page.console_errors)


def test_a_hostile_model_reply_streams_in_as_text(browser, llm_live_server, fake_llm_app, fake_server) -> None:  # type: ignore[no-untyped-def]
    quick_user(fake_llm_app, "browser-llm@example.com")
    context = browser.new_context(base_url=llm_live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        log_in(page, "browser-llm@example.com")
        fake_server.enqueue(Reply(text=PAYLOAD, delay_between_chunks=0.02))
        page.goto("/practice/interview/new?type=behavioural&role=backend-developer&level=mid")
        page.get_by_test_id("start-interview").click()
        page.wait_for_url("**/practice/sessions/*")
        page.locator("[data-testid=streaming][data-stream-done]").wait_for(state="attached")
        assert_text_only(page, "interviewer-message")  # arrived chunk by chunk over SSE
        page.reload()
        assert_text_only(page, "interviewer-message")  # and from the database
        assert_nothing_was_blocked(errors)
    finally:
        context.close()
