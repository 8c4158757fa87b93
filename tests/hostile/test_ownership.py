"""Other people's ids: every session route, every verb, answers 404 and touches nothing (offline and model paths).

tests/practice/test_interview_routes.py checks the interview routes one by one; this sweeps them all, with a
valid CSRF token and plausible form data, mixes ids across sessions, and covers the model-backed routes where a
foreign request must not spend a model call."""
from __future__ import annotations

from functools import cached_property

import pytest
from flask import Flask
from sqlalchemy import select

from tests.conftest import Actions
from tests.hostile.conftest import (
    FIRST_ANSWER,
    HX,
    POST_FIELDS,
    World,
    last_turn,
    quick_login,
    snapshot,
    start_interview,
    token_for,
)
from webapp.extensions import db
from webapp.practice.models import Score


def assert_all_404(world: World, intruder: Actions, urls: dict[str, tuple[str, str]], htmx: bool = False) -> None:
    token = token_for(intruder.client)
    for name, (method, url) in urls.items():
        data = {**POST_FIELDS.get(name, {}), "csrf_token": token} if method == "POST" else None
        response = intruder.client.open(url, method=method, data=data, headers=HX if htmx else {})
        assert response.status_code == 404, (name, url, response.status_code)
        body = response.get_data(as_text=True)
        assert "error-page" in body or "error-fragment" in body, name


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_another_users_sessions_are_404_on_every_route(world: World, attacker: Actions, htmx: bool) -> None:
    urls = world.build().urls()
    before = snapshot(world.app)
    assert_all_404(world, attacker, urls, htmx)
    assert snapshot(world.app) == before


def test_mixing_your_session_with_someone_elses_turn_is_404(world: World, attacker: Actions) -> None:
    world.build()
    own = start_interview(attacker)
    base = f"/practice/sessions/{own}/turns"
    mixed = {
        "score": ("GET", f"{base}/{world.answer_turn_id}/score"),
        "stream": ("GET", f"{base}/{world.interviewer_turn_id}/stream"),
        "retry": ("POST", f"{base}/{world.answer_turn_id}/retry"),
        "retry_turn": ("POST", f"{base}/{world.interviewer_turn_id}/retry-turn"),
        "negotiation_retry_turn": ("POST", f"{base}/{world.reply_turn_id}/retry-turn"),
        "message": ("POST", f"/practice/sessions/{own}/message"),  # an interview has no messages either
    }
    before = snapshot(world.app)
    assert_all_404(world, attacker, mixed)
    assert snapshot(world.app) == before


def test_your_own_turn_under_the_wrong_route_is_404(world: World) -> None:
    """Scoring the hiring manager's turn, streaming the candidate's: refused even for the owner."""
    world.build()
    page = f"/practice/sessions/{world.interview_id}"
    wrong = {
        "score_interviewer": ("GET", f"{page}/turns/{world.interviewer_turn_id}/score"),
        "stream_candidate": ("GET", f"{page}/turns/{world.answer_turn_id}/stream"),
        "retry_turn_candidate": ("POST", f"{page}/turns/{world.answer_turn_id}/retry-turn"),
        "negotiation_turn_in_interview": ("GET", f"{page}/turns/{world.reply_turn_id}/stream"),
    }
    before = snapshot(world.app)
    assert_all_404(world, world.actions, wrong)
    assert snapshot(world.app) == before


def test_logged_out_visitors_are_sent_to_login_and_nothing_changes(app: Flask, world: World) -> None:
    urls = world.build().urls()
    visitor = app.test_client()
    token = token_for(visitor, "/login")
    before = snapshot(app)
    for name, (method, url) in urls.items():
        data = {**POST_FIELDS.get(name, {}), "csrf_token": token} if method == "POST" else None
        response = visitor.open(url, method=method, data=data)
        assert response.status_code == 302 and "/login" in response.location, (name, response.status_code)
    assert snapshot(app) == before


# ---- the model-backed routes ---------------------------------------------------------------------------------

class LLMWorld(World):
    """The victim on the model-backed app: the first question streamed, an answer waiting for its score and the
    next question waiting to be streamed (the states a foreign request could try to trigger)."""

    @cached_property
    def interview_id(self) -> int:
        interview_id = start_interview(self.actions)
        page = f"/practice/sessions/{interview_id}"
        first = last_turn(self.app, interview_id, "interviewer")
        streamed = self.client.get(f"{page}/turns/{first.id}/stream").get_data(as_text=True)  # runs the stream
        assert "event: done" in streamed
        response = self.actions.post(f"{page}/answer", {"answer": FIRST_ANSWER}, csrf_page=page, headers=HX)
        assert response.status_code == 200, response.get_data(as_text=True)
        return interview_id


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_model_routes_of_another_user_are_404_and_spend_no_model_call(llm_actions: Actions, fake_server,  # type: ignore[no-untyped-def]
                                                                      htmx: bool) -> None:
    victim = LLMWorld(llm_actions, "llm-victim@example.com").build()
    pending = last_turn(victim.app, victim.interview_id, "interviewer")
    answer = last_turn(victim.app, victim.interview_id, "candidate")
    assert pending.status == "pending"
    with victim.app.app_context():
        assert db.session.scalar(select(Score).where(Score.turn_id == answer.id)) is None
    intruder = Actions(victim.app, victim.app.test_client())
    quick_login(intruder, "llm-attacker@example.com")
    calls = len(fake_server.chat_requests)
    before = snapshot(victim.app)
    assert_all_404(victim, intruder, victim.urls(), htmx)
    assert len(fake_server.chat_requests) == calls  # no model call was made for the intruder
    assert snapshot(victim.app) == before  # the pending turn is still pending, the answer still unscored
    # and the owner can still use them
    body = victim.client.get(f"/practice/sessions/{victim.interview_id}/turns/{pending.id}/stream")
    assert body.status_code == 200 and "event: done" in body.get_data(as_text=True)
