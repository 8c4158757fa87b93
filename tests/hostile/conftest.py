"""Fixtures for the hostile-input suite: two users with sessions, full-database snapshots, form posting helpers."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tests.conftest import PASSWORD, Actions, csrf_from
from webapp.auth.models import PASSWORD_METHOD, User, utcnow
from webapp.extensions import db
from webapp.practice.models import PracticeSession, Turn

HX = {"HX-Request": "true"}
VICTIM = "victim@example.com"
ATTACKER = "attacker@example.com"
INTERVIEW = {"interview_type": "behavioural", "role": "backend-developer", "level": "mid", "num_questions": "3"}
NEGOTIATION = {"role": "backend-developer", "level": "mid", "location": "london", "difficulty": "standard"}


def snapshot(app: Flask) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: compare before and after to prove nothing stored was lost or changed."""
    with app.app_context():
        db.session.remove()
        out = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            out[table.name] = sorted((tuple(repr(v) for v in row) for row in rows))
        db.session.remove()
        return out


def turns_of(app: Flask, session_id: int) -> list[Turn]:
    with app.app_context():
        turns = db.session.scalars(select(Turn).where(Turn.session_id == session_id).order_by(Turn.position)).all()
        db.session.expunge_all()
        return list(turns)


def candidate_texts(app: Flask, session_id: int) -> list[str]:
    return [t.text for t in turns_of(app, session_id) if t.speaker == "candidate"]


def last_turn(app: Flask, session_id: int, speaker: str) -> Turn:
    return [t for t in turns_of(app, session_id) if t.speaker == speaker][-1]


def start_interview(actions: Actions, **overrides: str) -> int:
    response = actions.post("/practice/interview", {**INTERVIEW, **overrides}, csrf_page="/practice")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def start_negotiation(actions: Actions) -> int:
    response = actions.post("/practice/negotiation", NEGOTIATION, csrf_page="/practice/negotiation/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def session_of(app: Flask, session_id: int) -> PracticeSession:
    with app.app_context():
        found = db.session.get(PracticeSession, session_id)
        db.session.expunge_all()
        return found


def error_text(page: str) -> list[str]:
    """The messages shown in role=alert elements (tags stripped)."""
    return [html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in re.findall(r'role="alert"[^>]*>(.*?)</', page, re.S)]


@dataclass
class World:
    """A logged-in user with an interview (one answer, scored) and a negotiation (one exchange)."""

    actions: Actions
    user_id: int
    interview_id: int
    negotiation_id: int
    answer_turn_id: int
    interviewer_turn_id: int
    reply_turn_id: int

    @property
    def app(self) -> Flask:
        return self.actions.app

    @property
    def client(self):  # type: ignore[no-untyped-def]
        return self.actions.client


@cache
def _password_hash() -> str:
    return generate_password_hash(PASSWORD, method=PASSWORD_METHOD)


def quick_user(app: Flask, email: str) -> tuple[int, str]:
    """A verified Pro user, stored directly (one password hash per test run): (id, session token)."""
    with app.app_context():
        user = User(email=email, plan="pro", password_hash=_password_hash(), email_verified_at=utcnow())
        user.start_trial(app.config["TRIAL_DAYS"])
        db.session.add(user)
        db.session.commit()
        return user.id, user.session_token


def quick_login(actions: Actions, email: str) -> int:
    """Log a new user in on this client the way Flask-Login would (the login form has its own tests)."""
    user_id, token = quick_user(actions.app, email)
    with actions.client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return user_id


def token_for(client, page: str = "/practice") -> str:  # type: ignore[no-untyped-def]
    return csrf_from(client.get(page).get_data(as_text=True))


def build_world(actions: Actions, email: str = VICTIM, answer: str = "First I measured, then I fixed it; p95 fell 40%.") -> World:
    user_id = quick_login(actions, email)
    interview_id = start_interview(actions)
    page = f"/practice/sessions/{interview_id}"
    response = actions.post(f"{page}/answer", {"answer": answer}, csrf_page=page)
    assert response.status_code == 302, response.get_data(as_text=True)
    negotiation_id = start_negotiation(actions)
    page = f"/practice/sessions/{negotiation_id}"
    response = actions.post(f"{page}/message", {"message": "Could you do £72,000?"}, csrf_page=page)
    assert response.status_code == 302, response.get_data(as_text=True)
    return World(
        actions=actions,
        user_id=user_id,
        interview_id=interview_id,
        negotiation_id=negotiation_id,
        answer_turn_id=last_turn(actions.app, interview_id, "candidate").id,
        interviewer_turn_id=last_turn(actions.app, interview_id, "interviewer").id,
        reply_turn_id=last_turn(actions.app, negotiation_id, "interviewer").id,
    )


@pytest.fixture()
def world(actions: Actions) -> World:
    """The victim, logged in on `actions.client`, offline coach."""
    return build_world(actions)


@pytest.fixture()
def attacker(app: Flask, world: World) -> Actions:
    """A second user, logged in on a client of their own, with an interview of their own."""
    other = Actions(app, app.test_client())
    quick_login(other, ATTACKER)
    return other
