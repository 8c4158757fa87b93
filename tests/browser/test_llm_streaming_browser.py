"""In the browser, against the fake model: the reply appears word by word before the model has finished."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from tests.conftest import PASSWORD
from tests.fake_openai import Reply
from webapp.extensions import db
from webapp.practice.models import Turn

pytestmark = pytest.mark.browser

QUESTION = ("Tell me about a time you had to change a plan late in a project and how you brought the team along "
            "with the new direction without losing the deadline.")


def test_streamed_words_appear_before_the_model_finishes_then_the_score_card(
    browser, llm_live_server, fake_llm_app, fake_server, actions
) -> None:  # type: ignore[no-untyped-def]
    actions.create_user("stream@example.com")
    context = browser.new_context(base_url=llm_live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    try:
        page.goto("/login")
        page.get_by_test_id("login-email").fill("stream@example.com")
        page.get_by_test_id("login-password").fill(PASSWORD)
        page.get_by_test_id("login-submit").click()
        page.wait_for_url("**/practice")

        fake_server.enqueue(Reply(text=QUESTION, delay_between_chunks=0.15))
        page.get_by_test_id("start-interview").click()
        first_words = page.get_by_test_id("interviewer-message").last
        first_words.get_by_text("Tell me", exact=False).wait_for()
        request = fake_server.chat_requests[-1]
        assert not request.finished.is_set(), "the first words should show while the model is still sending"
        page.get_by_text("without losing the deadline.", exact=False).wait_for()

        answer = ("When our launch date moved up two weeks I re-planned the work with the team, cut two features, and "
                  "I wrote the new rollout plan; we shipped on time and conversion rose 4%.")
        # The score and the next question are requested at the same time; the fake's default replies serve both.
        page.get_by_test_id("answer-input").fill(answer)
        page.get_by_test_id("answer-submit").click()  # waits until enabled: the reply has finished streaming
        page.get_by_test_id("candidate-message").filter(has_text="re-planned").wait_for()
        page.get_by_test_id("score-card").first.wait_for()
        page.locator("[data-testid=streaming][data-stream-done]").nth(1).wait_for(state="attached")
        score_text = page.get_by_test_id("score-overall").first.inner_text()
        assert score_text.isdigit()

        time.sleep(0.2)
        shown = [m.inner_text() for m in page.get_by_test_id("interviewer-message").all()]
        with fake_llm_app.app_context():
            stored = db.session.scalars(
                select(Turn).where(Turn.speaker == "interviewer").order_by(Turn.session_id, Turn.position)
            ).all()
            stored_texts = [t.text for t in stored]  # tables are emptied between tests: all are this user's
        for text in stored_texts:
            assert any(text in s for s in shown), (text, shown)
        assert errors == []
    finally:
        context.close()
