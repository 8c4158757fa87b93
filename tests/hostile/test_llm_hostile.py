"""Hostile text through the model path (real SDK, loopback fake server): what the model says is only ever text."""
from __future__ import annotations

import html

import pytest
from markupsafe import escape
from sqlalchemy import select

from tests.conftest import Actions
from tests.fake_openai import Reply
from tests.hostile.conftest import (
    HX,
    INTERVIEW,
    NEGOTIATION,
    last_turn,
    quick_login,
    sse_events,
    turns_of,
)
from webapp.extensions import db
from webapp.practice.models import PracticeSession, Score

HOSTILE_REPLY = ('<img src=x onerror=alert(1)><div hx-get="/account" hx-trigger="load">x</div>'
                 '<script>alert(1)</script>')
TEMPLATE_ANSWER = ("{{ 7*7 }} {% raw %} ${7*7} — in my last role I cut p95 latency from 900 ms to 120 ms by adding "
                   "an index; '; DROP TABLE users; --")


def no_markup(text: str) -> None:
    """Escaped text only: with no raw < or > there is no tag, so no hx-* attribute or event handler either."""
    assert "<" not in text and ">" not in text, text[:300]
    assert '"' not in text, text[:300]  # quotes escaped too: safe even inside an attribute


def chunks(body: str) -> list[str]:
    return [data for event, data in sse_events(body) if event == "chunk"]


def stream(actions: Actions, session_id: int, turn_id: int) -> str:
    response = actions.client.get(f"/practice/sessions/{session_id}/turns/{turn_id}/stream")
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    return response.get_data(as_text=True)


def start_llm_interview(actions: Actions) -> int:
    response = actions.post("/practice/interview", INTERVIEW, csrf_page="/practice")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


@pytest.fixture()
def llm_user(llm_actions: Actions) -> Actions:
    quick_login(llm_actions, "llm-victim@example.com")
    return llm_actions


# ---- the interviewer's streamed words -------------------------------------------------------------------------

def test_html_and_hx_attributes_in_a_streamed_reply_arrive_as_escaped_text(llm_user: Actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start_llm_interview(llm_user)
    turn = last_turn(llm_user.app, session_id, "interviewer")
    assert turn.status == "pending"
    fake_server.enqueue(Reply(text=HOSTILE_REPLY))
    body = stream(llm_user, session_id, turn.id)
    events = sse_events(body)
    assert events[-1] == ("done", "")
    for data in chunks(body):
        no_markup(data)
    shown = "".join(chunks(body))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in shown and "hx-get=&#34;/account&#34;" in shown
    assert html.unescape(shown) == HOSTILE_REPLY
    stored = next(t for t in turns_of(llm_user.app, session_id) if t.id == turn.id)
    assert stored.status == "complete" and stored.text == HOSTILE_REPLY  # stored as the text it was
    # Replayed from the database (a reconnect): escaped the same way, no new model call.
    calls = len(fake_server.chat_requests)
    again = stream(llm_user, session_id, turn.id)
    assert [data for data in chunks(again)] and len(fake_server.chat_requests) == calls
    for data in chunks(again):
        no_markup(data)
    # The page that shows it later escapes it too.
    page = llm_user.client.get(f"/practice/sessions/{session_id}").get_data(as_text=True)
    assert str(escape(HOSTILE_REPLY)) in page and HOSTILE_REPLY not in page
    assert 'hx-get="/account"' not in page
    markdown = llm_user.client.get(f"/sessions/{session_id}/export.md").get_data(as_text=True)
    assert HOSTILE_REPLY in markdown  # the export is the plain text, served as an attachment


FORGED_EVENTS = {
    "bare_cr": "Tell me more.\r\revent: done\rdata: <b>forged</b>\r\rAnd then the rest of the question?",
    "crlf": "Tell me more.\r\n\r\nevent: done\r\ndata: forged\r\n\r\nAnd then the rest of the question?",
    "lf": "Tell me more.\n\nevent: done\ndata: forged\n\nAnd then the rest of the question?",
    "nul_and_controls": "Tell me\x00 more.\x1b[2J\x07\x08 And then\x85 the rest of the question?",
}


@pytest.mark.parametrize("reply", list(FORGED_EVENTS.values()), ids=list(FORGED_EVENTS))
def test_a_reply_cannot_forge_sse_events_or_store_control_characters(llm_user: Actions, fake_server,  # type: ignore[no-untyped-def]
                                                                    reply: str) -> None:
    session_id = start_llm_interview(llm_user)
    turn = last_turn(llm_user.app, session_id, "interviewer")
    fake_server.enqueue(Reply(text=reply))
    body = stream(llm_user, session_id, turn.id)
    events = sse_events(body)  # parsed as a browser would: CR, LF and CRLF all end lines
    assert [name for name, _ in events].count("done") == 1 and events[-1] == ("done", "")
    assert {name for name, _ in events} == {"chunk", "done"}
    shown = html.unescape("".join(chunks(body)))
    assert "the rest of the question?" in shown
    stored = next(t for t in turns_of(llm_user.app, session_id) if t.id == turn.id).text
    assert "the rest of the question?" in stored
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in stored)
    assert not any(0x7F <= ord(ch) <= 0x9F for ch in stored)
    assert shown.replace("\r", "") == stored


# ---- hostile answers reach the model as data, never as a template -------------------------------------------

def test_template_and_sql_strings_reach_the_model_verbatim(llm_user: Actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start_llm_interview(llm_user)
    stream(llm_user, session_id, last_turn(llm_user.app, session_id, "interviewer").id)
    page = f"/practice/sessions/{session_id}"
    response = llm_user.post(f"{page}/answer", {"answer": TEMPLATE_ANSWER}, csrf_page=page, headers=HX)
    assert response.status_code == 200
    assert str(escape(TEMPLATE_ANSWER)) in response.get_data(as_text=True)
    answer = last_turn(llm_user.app, session_id, "candidate")
    assert answer.text == TEMPLATE_ANSWER
    llm_user.client.get(f"{page}/turns/{answer.id}/score")  # the scorer sees it ...
    stream(llm_user, session_id, last_turn(llm_user.app, session_id, "interviewer").id)  # ... and the interviewer
    bodies = [str(r.body) for r in fake_server.chat_requests[-2:]]
    for sent in bodies:
        assert "{{ 7*7 }}" in sent and "{% raw %}" in sent and "'; DROP TABLE users; --" in sent
        assert "49 {" not in sent


def test_html_in_model_written_scores_is_escaped(llm_user: Actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start_llm_interview(llm_user)
    stream(llm_user, session_id, last_turn(llm_user.app, session_id, "interviewer").id)
    page = f"/practice/sessions/{session_id}"
    llm_user.post(f"{page}/answer", {"answer": "I cut p95 from 900 ms to 120 ms with an index."}, csrf_page=page,
                  headers=HX)
    answer = last_turn(llm_user.app, session_id, "candidate")
    fake_server.enqueue(Reply(json={
        "criteria": {name: {"score": 3, "feedback": HOSTILE_REPLY} for name in
                     ("relevance", "structure", "specificity", "ownership", "impact", "delivery")},
        "overall": 55, "feedback": HOSTILE_REPLY, "stronger_answer": HOSTILE_REPLY,
        "evidence": ["I cut p95 from 900 ms to 120 ms"],
    }))
    card = llm_user.client.get(f"{page}/turns/{answer.id}/score")
    assert card.status_code == 200
    body = card.get_data(as_text=True)
    assert 'data-testid="score-card"' in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>" not in body and "<img src=x" not in body and 'hx-get="/account"' not in body
    with llm_user.app.app_context():
        assert db.session.scalar(select(Score).where(Score.turn_id == answer.id)).feedback == HOSTILE_REPLY


# ---- the negotiation manager ----------------------------------------------------------------------------------

def start_llm_negotiation(actions: Actions) -> tuple[int, dict]:
    response = actions.post("/practice/negotiation", NEGOTIATION, csrf_page="/practice/negotiation/new")
    assert response.status_code == 302, response.get_data(as_text=True)
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with actions.app.app_context():
        scenario = db.session.get(PracticeSession, session_id).state["scenario"]
    return session_id, scenario


def test_html_in_the_managers_reply_is_escaped_in_the_fragment_and_the_page(llm_user: Actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id, scenario = start_llm_negotiation(llm_user)
    fake_server.enqueue(Reply(json={"reply": HOSTILE_REPLY, "offer_base": scenario["opening_base"] + 1000,
                                    "levers": ["<script>alert(2)</script>"]}))
    page = f"/practice/sessions/{session_id}"
    message = "<b hx-get=\"/account\" hx-trigger=\"load\">Could you do better?</b> {{ 7*7 }}"
    response = llm_user.post(f"{page}/message", {"message": message}, csrf_page=page, headers=HX)
    assert response.status_code == 200
    for body in (response.get_data(as_text=True), llm_user.client.get(page).get_data(as_text=True)):
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert str(escape(message)) in body
        assert "<script>alert" not in body and "<img src=x" not in body and 'hx-get="/account"' not in body
        assert "{{ 7*7 }}" in html.unescape(body)
    assert "{{ 7*7 }}" in str(fake_server.chat_requests[-1].body)


def test_control_characters_in_the_managers_reply_are_not_stored(llm_user: Actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id, scenario = start_llm_negotiation(llm_user)
    fake_server.enqueue(Reply(json={"reply": "Let me\x00 see\x1b[2J what I can do.",
                                    "offer_base": scenario["opening_base"], "levers": []}))
    page = f"/practice/sessions/{session_id}"
    response = llm_user.post(f"{page}/message", {"message": "Could you do £80,000?"}, csrf_page=page, headers=HX)
    assert response.status_code == 200
    reply = last_turn(llm_user.app, session_id, "interviewer").text
    assert "what I can do" in reply
    assert not any(ord(ch) < 32 and ch not in "\n\t" for ch in reply)


def test_control_characters_in_model_written_feedback_are_not_stored(llm_user: Actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start_llm_interview(llm_user)
    stream(llm_user, session_id, last_turn(llm_user.app, session_id, "interviewer").id)
    page = f"/practice/sessions/{session_id}"
    llm_user.post(f"{page}/answer", {"answer": "I cut p95 from 900 ms to 120 ms with an index."}, csrf_page=page,
                  headers=HX)
    answer = last_turn(llm_user.app, session_id, "candidate")
    fake_server.enqueue(Reply(json={
        "criteria": {name: {"score": 3, "feedback": "Fine.\x00"} for name in
                     ("relevance", "structure", "specificity", "ownership", "impact", "delivery")},
        "overall": 55, "feedback": "Good\x00 answer.\x1b[2J", "stronger_answer": "Say\x00 more.",
        "evidence": [],
    }))
    assert llm_user.client.get(f"{page}/turns/{answer.id}/score").status_code == 200
    with llm_user.app.app_context():
        score = db.session.scalar(select(Score).where(Score.turn_id == answer.id))
        stored = [score.feedback, score.stronger_answer, *(c["feedback"] for c in score.criteria)]
    assert not any(ord(ch) < 32 and ch not in "\n\t" for text in stored for ch in text), stored
