"""Practice fixtures: start sessions through the real routes and read back what the database holds."""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from tests.practice.helpers import question_in
from webapp.extensions import db
from webapp.practice.models import PracticeSession, Turn
from webapp.practice.types import Question

HX = {"HX-Request": "true"}


@dataclass
class StoredTurn:
    id: int
    position: int
    speaker: str
    kind: str
    text: str
    question_id: str | None
    retry_of_id: int | None
    status: str
    score: int | None
    evidence: list[str]


class Practice:
    """Start and drive practice sessions over HTTP, as the logged-in user of `actions`."""

    def __init__(self, actions) -> None:  # type: ignore[no-untyped-def]
        self.actions = actions
        self.app = actions.app
        self.client = actions.client

    def start_interview(self, interview_type: str = "behavioural", questions: int = 3, role: str = "backend-developer",
                        level: str = "mid") -> int:
        response = self.actions.post("/practice/interview", {"interview_type": interview_type, "role": role,
                                                             "level": level, "num_questions": str(questions)},
                                     csrf_page="/practice/interview/new")
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def start_negotiation(self, role: str = "backend-developer", level: str = "mid", location: str = "london",
                          difficulty: str = "standard") -> int:
        response = self.actions.post("/practice/negotiation", {"role": role, "level": level, "location": location,
                                                               "difficulty": difficulty},
                                     csrf_page="/practice/negotiation/new")
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(response.headers["Location"].rsplit("/", 1)[1])

    def page(self, session_id: int) -> str:
        response = self.client.get(f"/practice/sessions/{session_id}")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def answer(self, session_id: int, text: str, htmx: bool = False):  # type: ignore[no-untyped-def]
        return self.actions.post(f"/practice/sessions/{session_id}/answer", {"answer": text},
                                 csrf_page=f"/practice/sessions/{session_id}", headers=HX if htmx else {})

    def say(self, session_id: int, text: str, htmx: bool = False):  # type: ignore[no-untyped-def]
        return self.actions.post(f"/practice/sessions/{session_id}/message", {"message": text},
                                 csrf_page=f"/practice/sessions/{session_id}", headers=HX if htmx else {})

    def turns(self, session_id: int) -> list[StoredTurn]:
        with self.app.app_context():
            rows = db.session.scalars(select(Turn).where(Turn.session_id == session_id).order_by(Turn.position))
            return [StoredTurn(t.id, t.position, t.speaker, t.kind, t.text, t.question_id, t.retry_of_id, t.status,
                               t.score.overall if t.score else None, list(t.score.evidence) if t.score else [])
                    for t in rows]

    def session_state(self, session_id: int) -> dict:
        with self.app.app_context():
            session = db.session.get(PracticeSession, session_id)
            return {"status": session.status, "overall": session.overall_score, "state": session.state}

    def exists(self, session_id: int) -> bool:
        with self.app.app_context():
            return db.session.get(PracticeSession, session_id) is not None

    def current_question(self, session_id: int) -> Question:
        """The question the hiring manager is waiting on (the last one asked)."""
        asked = [t for t in self.turns(session_id) if t.speaker == "interviewer" and t.kind == "question"]
        assert asked, "no question has been asked"
        return question_in(asked[-1].text)


@pytest.fixture()
def practice(actions) -> Practice:  # type: ignore[no-untyped-def]
    return Practice(actions)
