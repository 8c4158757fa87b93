"""Fixtures for the hostile-input suite: users with sessions made on demand, whole-database snapshots, readers."""
from __future__ import annotations

import html
import re
from functools import cache, cached_property

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tests.conftest import PASSWORD, Actions, csrf_from
from webapp.auth.models import PASSWORD_METHOD, User, utcnow
from webapp.extensions import db
from webapp.practice.models import Turn

HX = {"HX-Request": "true"}
VICTIM = "victim@example.com"
ATTACKER = "attacker@example.com"
INTERVIEW = {"interview_type": "behavioural", "role": "backend-developer", "level": "mid", "num_questions": "10"}
NEGOTIATION = {"role": "backend-developer", "level": "mid", "location": "london", "difficulty": "standard"}
FIRST_ANSWER = "First I measured, then I fixed it; p95 fell 40%."
FIRST_MESSAGE = "Could you do £72,000?"


# ---- reading the database -----------------------------------------------------------------------------------

def snapshot(app: Flask) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table: compare before and after to prove nothing stored was lost or changed."""
    with app.app_context():
        db.session.remove()
        out = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            out[table.name] = sorted(tuple(repr(v) for v in row) for row in rows)
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


# ---- reading pages ------------------------------------------------------------------------------------------

def error_text(page: str) -> list[str]:
    """The messages shown in role=alert elements (tags stripped, entities decoded)."""
    found = re.findall(r'role="alert"[^>]*>(.*?)</', page, re.S)
    return [html.unescape(re.sub(r"<[^>]+>", "", m)).strip() for m in found]


def message_texts(page: str, testid: str = "candidate-message") -> list[str]:
    """The text of each chat message with this data-testid, entities decoded."""
    found = re.findall(rf'data-testid="{testid}">.*?<span class="text">(.*?)</span>', page, re.S)
    return [html.unescape(text) for text in found]


def sse_events(body: str) -> list[tuple[str, str]]:
    """(event, data) pairs, parsed as a browser's EventSource does: CR, LF and CRLF all end a line."""
    out: list[tuple[str, str]] = []
    name, data = "", []
    for line in re.split(r"\r\n|\r|\n", body):
        if line == "":
            if data:
                out.append((name or "message", "\n".join(data)))
            name, data = "", []
        elif line.startswith(":"):
            continue
        else:
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)
    return out


# ---- users and sessions -------------------------------------------------------------------------------------

@cache
def _password_hash() -> str:
    return generate_password_hash(PASSWORD, method=PASSWORD_METHOD)


def quick_user(app: Flask, email: str) -> tuple[int, str]:
    """A verified Pro user stored directly (one password hash per run): (id, session token)."""
    with app.app_context():
        user = User(email=email, plan="pro", password_hash=_password_hash(), email_verified_at=utcnow())
        user.start_trial(app.config["TRIAL_DAYS"])
        db.session.add(user)
        db.session.commit()
        return user.id, user.session_token


def quick_login(actions: Actions, email: str) -> int:
    """A new user, logged in on this client as Flask-Login would do it (the login form has its own tests)."""
    user_id, token = quick_user(actions.app, email)
    with actions.client.session_transaction() as session:
        session["_user_id"] = token
        session["_fresh"] = True
    return user_id


def token_for(client: FlaskClient, page: str = "/practice") -> str:
    return csrf_from(client.get(page).get_data(as_text=True))


def start_interview(actions: Actions, **overrides: str) -> int:
    response = actions.post("/practice/interview", {**INTERVIEW, **overrides}, csrf_page="/practice")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def start_negotiation(actions: Actions) -> int:
    response = actions.post("/practice/negotiation", NEGOTIATION, csrf_page="/practice/negotiation/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


class World:
    """A logged-in user with an interview (one answer, scored) and a negotiation (one exchange), each made
    on first use so a test pays only for what it touches."""

    def __init__(self, actions: Actions, email: str = VICTIM) -> None:
        self.actions = actions
        self.user_id = quick_login(actions, email)

    @property
    def app(self) -> Flask:
        return self.actions.app

    @property
    def client(self) -> FlaskClient:
        return self.actions.client

    @cached_property
    def interview_id(self) -> int:
        interview_id = start_interview(self.actions)
        page = f"/practice/sessions/{interview_id}"
        response = self.actions.post(f"{page}/answer", {"answer": FIRST_ANSWER}, csrf_page=page)
        assert response.status_code == 302, response.get_data(as_text=True)
        return interview_id

    @cached_property
    def negotiation_id(self) -> int:
        negotiation_id = start_negotiation(self.actions)
        page = f"/practice/sessions/{negotiation_id}"
        response = self.actions.post(f"{page}/message", {"message": FIRST_MESSAGE}, csrf_page=page)
        assert response.status_code == 302, response.get_data(as_text=True)
        return negotiation_id

    @cached_property
    def answer_turn_id(self) -> int:
        return next(t.id for t in turns_of(self.app, self.interview_id) if t.speaker == "candidate")

    @cached_property
    def interviewer_turn_id(self) -> int:
        return last_turn(self.app, self.interview_id, "interviewer").id

    @cached_property
    def reply_turn_id(self) -> int:
        return last_turn(self.app, self.negotiation_id, "interviewer").id

    def build(self) -> World:
        """Make everything now (before a whole-database snapshot)."""
        for name in ("answer_turn_id", "interviewer_turn_id", "reply_turn_id"):
            getattr(self, name)
        return self

    def urls(self) -> dict[str, tuple[str, str]]:
        """Every session-scoped route of this user's sessions: name -> (method, url)."""
        i, n = f"/practice/sessions/{self.interview_id}", f"/practice/sessions/{self.negotiation_id}"
        a, q, r = self.answer_turn_id, self.interviewer_turn_id, self.reply_turn_id
        return {
            "page": ("GET", i),
            "negotiation_page": ("GET", n),
            "report": ("GET", f"{i}/report"),
            "negotiation_report": ("GET", f"{n}/report"),
            "score": ("GET", f"{i}/turns/{a}/score"),
            "stream": ("GET", f"{i}/turns/{q}/stream"),
            "export": ("GET", f"/sessions/{self.interview_id}/export.md"),
            "negotiation_export": ("GET", f"/sessions/{self.negotiation_id}/export.md"),
            "answer": ("POST", f"{i}/answer"),
            "retry": ("POST", f"{i}/turns/{a}/retry"),
            "retry_turn": ("POST", f"{i}/turns/{q}/retry-turn"),
            "negotiation_retry_turn": ("POST", f"{n}/turns/{r}/retry-turn"),
            "end": ("POST", f"{i}/end"),
            "message": ("POST", f"{n}/message"),
            "accept": ("POST", f"{n}/accept"),
            "negotiation_end": ("POST", f"{n}/end"),
            "delete": ("POST", f"/sessions/{self.interview_id}/delete"),
            "negotiation_delete": ("POST", f"/sessions/{self.negotiation_id}/delete"),
        }


# Form fields each POST route reads, filled with something it would accept.
POST_FIELDS = {
    "answer": {"answer": "Another answer, with a number: 20%."},
    "retry": {"answer": "A better attempt: I cut p95 by 40%."},
    "message": {"message": "Could you do £75,000?"},
    "retry_turn": {"use_offline": "1"},
    "negotiation_retry_turn": {"use_offline": "1"},
}


@pytest.fixture()
def world(actions: Actions) -> World:
    """The victim, logged in on `actions.client` (offline coach)."""
    return World(actions)


@pytest.fixture()
def attacker(app: Flask) -> Actions:
    """A second user, logged in on a client of their own."""
    other = Actions(app, app.test_client())
    quick_login(other, ATTACKER)
    return other
