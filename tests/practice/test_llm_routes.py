"""The AI hiring manager through the app: the real openai SDK over a real socket to the loopback fake server."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from tests.fake_openai import Reply
from webapp.extensions import db
from webapp.practice.models import LLMCall, PracticeSession, Score, Turn

HX = {"HX-Request": "true"}
GOOD_ANSWER = (
    "In my last role I owned the payments API. When p95 latency hit 900 ms I profiled it, found an N+1 query, "
    "added a composite index and a Redis cache, and cut p95 to 120 ms; support tickets fell by 30%."
)


def events(body: str) -> list[tuple[str, str]]:
    """(event, data) pairs from an SSE body."""
    out = []
    for block in body.split("\n\n"):
        name, data = "", []
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
        if name:
            out.append((name, "\n".join(data)))
    return out


def start(actions, interview_type: str = "behavioural", questions: int = 3) -> int:  # type: ignore[no-untyped-def]
    actions.signup_and_login("llm@example.com")
    response = actions.post("/practice/interview", {"interview_type": interview_type, "role": "backend-developer",
                                                     "level": "mid", "num_questions": str(questions)},
                            csrf_page="/practice")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def pending_turn(app, session_id: int) -> Turn:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalars(
            select(Turn).where(Turn.session_id == session_id, Turn.speaker == "interviewer")
            .order_by(Turn.position.desc())
        ).first()


def stream(actions, session_id: int, turn_id: int) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    response = actions.client.get(f"/practice/sessions/{session_id}/turns/{turn_id}/stream")
    assert response.status_code == 200
    assert response.mimetype == "text/event-stream"
    return events(response.get_data(as_text=True))


def chunks_text(evts: list[tuple[str, str]]) -> str:
    return "".join(d for e, d in evts if e == "chunk")


def test_the_question_streams_and_is_stored_with_its_call_record(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start(llm_actions)
    turn = pending_turn(llm_actions.app, session_id)
    assert turn.status == "pending" and turn.text == ""
    fake_server.enqueue(Reply(text="Tell me about a time you disagreed with a colleague & how it ended."))
    evts = stream(llm_actions, session_id, turn.id)
    assert evts[-1][0] == "done"
    shown = chunks_text(evts)
    assert "&amp;" in shown  # every chunk is escaped
    with llm_actions.app.app_context():
        stored = db.session.get(Turn, turn.id)
        assert stored.status == "complete"
        assert stored.text == "Tell me about a time you disagreed with a colleague & how it ended."
        call = db.session.scalar(select(LLMCall).where(LLMCall.turn_id == turn.id))
        assert call.model == "fake-chat" and call.ok
        assert call.prompt_name and len(call.prompt_hash) >= 8
        assert call.prompt_tokens > 0 and call.completion_tokens > 0
    # reopening a finished turn replays the stored text with no new model call
    before = len(fake_server.chat_requests)
    again = stream(llm_actions, session_id, turn.id)
    assert chunks_text(again).replace("&amp;", "&") == stored.text
    assert len(fake_server.chat_requests) == before
    page = llm_actions.client.get(f"/practice/sessions/{session_id}").get_data(as_text=True)
    assert "AI hiring manager (fake-chat)" in page and "tokens used" in page


def test_an_answer_is_scored_by_the_model_with_structured_output(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start(llm_actions)
    stream(llm_actions, session_id, pending_turn(llm_actions.app, session_id).id)
    page = f"/practice/sessions/{session_id}"
    response = llm_actions.post(f"{page}/answer", {"answer": GOOD_ANSWER}, csrf_page=page, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-testid="score-pending"' in html and 'sse-connect=' in html  # score and next question in parallel
    with llm_actions.app.app_context():
        answer = db.session.scalar(select(Turn).where(Turn.session_id == session_id, Turn.speaker == "candidate"))
        assert answer.text == GOOD_ANSWER and answer.score is None
    quote = "cut p95 to 120 ms"
    fake_server.enqueue(Reply(json={
        "criteria": {name: {"score": 9, "feedback": "Clear."} for name in
                     ("relevance", "structure", "specificity", "ownership", "impact", "delivery")},
        "overall": 140, "feedback": "Specific and measurable.", "stronger_answer": "A stronger answer would name the trade-off.",
        "evidence": [quote, "a sentence the candidate never wrote"],
    }))
    card = llm_actions.client.get(f"{page}/turns/{answer.id}/score").get_data(as_text=True)
    assert 'data-testid="score-card"' in card
    body = fake_server.chat_requests[-1].body
    assert body["response_format"]["type"] == "json_schema"
    assert "<candidate_answer>" in body["messages"][-1]["content"]  # the answer goes in as delimited data
    with llm_actions.app.app_context():
        score = db.session.scalar(select(Score).where(Score.turn_id == answer.id))
        assert score.overall == 100  # clamped to the scale
        assert all(1 <= c["score"] <= 5 for c in score.criteria)
        assert score.evidence == [quote]  # quotes that aren't in the answer are dropped
        assert score.scorer == "llm:fake-chat"
    # asking again returns the stored score without another call
    before = len(fake_server.chat_requests)
    llm_actions.client.get(f"{page}/turns/{answer.id}/score")
    assert len(fake_server.chat_requests) == before


def test_malformed_scores_twice_fall_back_to_the_offline_coach_clearly_labelled(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start(llm_actions)
    stream(llm_actions, session_id, pending_turn(llm_actions.app, session_id).id)
    page = f"/practice/sessions/{session_id}"
    llm_actions.post(f"{page}/answer", {"answer": GOOD_ANSWER}, csrf_page=page, headers=HX)
    with llm_actions.app.app_context():
        answer_id = db.session.scalar(select(Turn.id).where(Turn.session_id == session_id, Turn.speaker == "candidate"))
    fake_server.reset()
    fake_server.enqueue(Reply(raw_content="{not json"), Reply(raw_content='{"overall": "high"}'))
    card = llm_actions.client.get(f"{page}/turns/{answer_id}/score").get_data(as_text=True)
    assert len(fake_server.chat_requests) == 2  # one retry, no more
    assert "scored by the offline coach" in card
    with llm_actions.app.app_context():
        score = db.session.scalar(select(Score).where(Score.turn_id == answer_id))
        assert score.scorer.startswith("offline") and 0 <= score.overall <= 100


FAULTS = {
    "timeout-stall": (Reply(text="Tell me about a hard deadline you met.", stall_after_chunks=0), "failed"),
    "rate-limited": (Reply(status=429, retry_after=60), "failed"),
    "server-error": (Reply(status=503), "failed"),
    "dropped-midway": (Reply(text="Tell me about a hard deadline you met and what you did.", drop_after_chunks=3),
                       "interrupted"),
    "stalled-midway": (Reply(text="Tell me about a hard deadline you met and what you did.", stall_after_chunks=3),
                       "interrupted"),
    "empty-reply": (Reply(empty=True), "failed"),
    "unauthorised": (Reply(status=401), "failed"),
    "model-not-found": (Reply(status=404), "failed"),
}


@pytest.mark.parametrize("fault", FAULTS)
def test_every_model_fault_ends_in_a_message_and_a_retry_that_makes_one_call(llm_actions, fake_server, fault) -> None:  # type: ignore[no-untyped-def]
    reply, expected_status = FAULTS[fault]
    session_id = start(llm_actions)
    stream(llm_actions, session_id, pending_turn(llm_actions.app, session_id).id)  # first question: fine
    page = f"/practice/sessions/{session_id}"
    llm_actions.post(f"{page}/answer", {"answer": GOOD_ANSWER}, csrf_page=page, headers=HX)
    with llm_actions.app.app_context():
        answer = db.session.scalar(select(Turn).where(Turn.session_id == session_id, Turn.speaker == "candidate"))
        turns_before = db.session.scalar(select(func.count(Turn.id)).where(Turn.session_id == session_id))
    turn = pending_turn(llm_actions.app, session_id)
    fake_server.reset()
    fake_server.enqueue(reply)
    evts = stream(llm_actions, session_id, turn.id)
    fake_server.release()
    shown = chunks_text(evts)
    assert evts[-1][0] == "done"
    assert 'data-testid="turn-error"' in shown and 'data-testid="retry-turn"' in shown
    assert len(fake_server.chat_requests) == 1  # the SDK made no retries of its own
    with llm_actions.app.app_context():
        stored = db.session.get(Turn, turn.id)
        assert stored.status == expected_status and stored.error
        assert stored.error in shown.replace("&#39;", "'")
        if expected_status == "interrupted":
            assert stored.text and stored.text in "Tell me about a hard deadline you met and what you did."
        assert db.session.get(Turn, answer.id).text == GOOD_ANSWER  # the answer is untouched
        assert db.session.scalar(select(Score).where(Score.turn_id == answer.id)) is None  # nothing invalid stored
    if fault in ("unauthorised", "model-not-found"):
        assert 'data-testid="use-offline"' in shown  # a configuration error offers the offline coach
    # Retry: exactly one new upstream request, the same turn is completed, no turn is duplicated
    fake_server.reset()
    fake_server.enqueue(Reply(text="Tell me about a hard deadline you met."))
    response = llm_actions.post(f"{page}/turns/{turn.id}/retry-turn", {}, csrf_page=page, headers=HX)
    assert response.status_code == 200 and "sse-connect" in response.get_data(as_text=True)
    evts = stream(llm_actions, session_id, turn.id)
    assert chunks_text(evts) == "Tell me about a hard deadline you met."
    assert len(fake_server.chat_requests) == 1
    with llm_actions.app.app_context():
        assert db.session.get(Turn, turn.id).status == "complete"
        assert db.session.scalar(select(func.count(Turn.id)).where(Turn.session_id == session_id)) == turns_before


def test_a_short_retry_after_is_honoured_once_inside_the_request(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start(llm_actions)
    turn = pending_turn(llm_actions.app, session_id)
    fake_server.enqueue(Reply(status=429, retry_after=0.2), Reply(text="What's a project you are proud of?"))
    evts = stream(llm_actions, session_id, turn.id)
    assert chunks_text(evts).replace("&#39;", "'") == "What's a project you are proud of?"
    assert len(fake_server.chat_requests) == 2


def test_switching_to_the_offline_coach_after_a_configuration_error(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start(llm_actions)
    turn = pending_turn(llm_actions.app, session_id)
    fake_server.enqueue(Reply(status=401))
    stream(llm_actions, session_id, turn.id)
    page = f"/practice/sessions/{session_id}"
    fake_server.reset()
    response = llm_actions.post(f"{page}/turns/{turn.id}/retry-turn", {"use_offline": "1"}, csrf_page=page)
    assert response.status_code == 302
    assert fake_server.chat_requests == []
    with llm_actions.app.app_context():
        assert db.session.get(PracticeSession, session_id).coach == "offline"
        stored = db.session.get(Turn, turn.id)
        assert stored.status == "complete" and stored.text
    html = llm_actions.client.get(page).get_data(as_text=True)
    assert "Offline coach" in html


def test_without_javascript_the_answer_post_finishes_the_model_work(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start(llm_actions)
    stream(llm_actions, session_id, pending_turn(llm_actions.app, session_id).id)
    page = f"/practice/sessions/{session_id}"
    fake_server.reset()
    response = llm_actions.post(f"{page}/answer", {"answer": GOOD_ANSWER}, csrf_page=page)
    assert response.status_code == 302
    html = llm_actions.client.get(page).get_data(as_text=True)
    assert 'data-testid="score-card"' in html and "sse-connect" not in html


def test_the_daily_token_budget_stops_the_model_with_a_clear_message(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start(llm_actions)
    llm_actions.app.config["LLM_DAILY_TOKENS_PRO"] = 1
    try:
        with llm_actions.app.app_context():
            session = db.session.get(PracticeSession, session_id)
            db.session.add(LLMCall(user_id=session.user_id, session_id=session_id, purpose="interviewer",
                                   prompt_name="x", prompt_hash="x", model="fake-chat", prompt_tokens=5))
            db.session.commit()
        evts = stream(llm_actions, session_id, pending_turn(llm_actions.app, session_id).id)
    finally:
        llm_actions.app.config["LLM_DAILY_TOKENS_PRO"] = 400_000
    assert "AI allowance" in chunks_text(evts)
    assert fake_server.chat_requests == []


def test_prompt_size_stays_bounded_over_a_twenty_turn_session(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    from webapp.auth.models import User
    from webapp.practice.interview import start_interview, submit_answer

    llm_actions.create_user("long@example.com")
    sizes: list[int] = []
    with llm_actions.app.test_request_context():
        user = db.session.scalar(select(User).where(User.email == "long@example.com"))
        session = start_interview(user, "technical", "backend-developer", "mid", 20)
        from webapp.practice.streaming import run_turn_to_completion

        while session.status == "active":
            turn = next(t for t in reversed(session.turns) if t.speaker == "interviewer")
            if turn.status == "pending":
                run_turn_to_completion(session, turn)
                db.session.refresh(session)
                sizes.append(len(str(fake_server.chat_requests[-1].body["messages"])))
            submit_answer(session, GOOD_ANSWER + " " + re.sub(r"\d", "7", str(len(sizes))))
            db.session.refresh(session)
    questions = [s for s in sizes]
    assert len(questions) >= 20
    assert questions[19] <= 1.5 * questions[2], questions
    assert all(b["max_completion_tokens"] for b in (r.body for r in fake_server.chat_requests))


def test_a_refused_connection_ends_in_a_message_and_retry_makes_one_call(app, database_url, tmp_root) -> None:  # type: ignore[no-untyped-def]
    """Nothing listens on the model's port at first; by the retry, a server has come up there."""
    import socket

    from tests.conftest import Actions
    from tests.fake_openai import FakeOpenAI
    from webapp import create_app
    from webapp.config import TestingConfig

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    refused_app = create_app({
        "CONFIG_CLASS": TestingConfig, "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_OUTBOX_DIR": str(tmp_root / "outbox"), "LLM_PROVIDER": "openai",
        "OPENAI_BASE_URL": f"http://127.0.0.1:{port}/v1", "OPENAI_MODEL": "fake-chat", "LLM_STALL_TIMEOUT": 1.0,
    })
    actions = Actions(refused_app, refused_app.test_client())
    session_id = start(actions)
    turn = pending_turn(refused_app, session_id)
    shown = chunks_text(stream(actions, session_id, turn.id))
    assert 'data-testid="retry-turn"' in shown
    with refused_app.app_context():
        stored = db.session.get(Turn, turn.id)
        assert stored.status == "failed" and "reach" in stored.error.lower()
    server = FakeOpenAI().start(port=port)
    try:
        server.enqueue(Reply(text="Tell me about yourself."))
        page = f"/practice/sessions/{session_id}"
        actions.post(f"{page}/turns/{turn.id}/retry-turn", {}, csrf_page=page, headers=HX)
        assert chunks_text(stream(actions, session_id, turn.id)) == "Tell me about yourself."
        assert len(server.chat_requests) == 1
    finally:
        server.stop()


def test_one_live_stream_per_user(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    first = start(llm_actions)
    page = "/practice/interview"
    response = llm_actions.post(page, {"interview_type": "technical", "role": "backend-developer", "level": "mid",
                                       "num_questions": "2"}, csrf_page="/practice")
    second = int(response.headers["Location"].rsplit("/", 1)[1])
    with llm_actions.app.app_context():
        busy = db.session.get(Turn, pending_turn(llm_actions.app, first).id)
        busy.status = "streaming"
        db.session.commit()
    shown = chunks_text(stream(llm_actions, second, pending_turn(llm_actions.app, second).id))
    assert "another tab" in shown and 'data-testid="retry-turn"' in shown
    assert fake_server.chat_requests == []


def test_the_written_debrief_is_sanitised_markdown_generated_once(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start(llm_actions, questions=1)
    stream(llm_actions, session_id, pending_turn(llm_actions.app, session_id).id)
    page = f"/practice/sessions/{session_id}"
    llm_actions.post(f"{page}/answer", {"answer": GOOD_ANSWER}, csrf_page=page)  # no-JS: scored before the reload
    llm_actions.post(f"{page}/end", {}, csrf_page=page)
    report = llm_actions.client.get(f"{page}/report").get_data(as_text=True)
    assert 'hx-get="/practice/sessions/%d/report/summary"' % session_id in report
    fake_server.reset()
    fake_server.enqueue(Reply(status=500))
    failed = llm_actions.client.get(f"{page}/report/summary").get_data(as_text=True)
    assert 'data-testid="retry-summary"' in failed
    fake_server.enqueue(Reply(text="**Good** work.\n\n1. Lead with the result <script>alert(1)</script>\n"
                                   "2. ![x](http://evil.example/x.png) <b hx-get=\"/account\">b</b>\n3. Practise aloud"))
    html = llm_actions.client.get(f"{page}/report/summary").get_data(as_text=True)
    assert "<strong>Good</strong>" in html and "<ol>" in html
    assert "<script" not in html and "<img" not in html
    assert not re.search(r"<[a-z]+[^>]*hx-get", html)  # the hx-* payload survives only as escaped text
    assert "&lt;script&gt;" in html
    assert len(fake_server.chat_requests) == 2
    llm_actions.client.get(f"{page}/report/summary")
    assert len(fake_server.chat_requests) == 2  # stored: replayed without a new call


def test_a_browser_that_leaves_mid_stream_does_not_leave_the_turn_stuck(llm_actions, fake_server) -> None:  # type: ignore[no-untyped-def]
    session_id = start(llm_actions)
    turn = pending_turn(llm_actions.app, session_id)
    fake_server.enqueue(Reply(text="Tell me about a time you changed your mind after hearing feedback.",
                              delay_between_chunks=0.05))
    response = llm_actions.client.get(f"/practice/sessions/{session_id}/turns/{turn.id}/stream", buffered=False)
    body = iter(response.response)
    received = ""
    while "Tell" not in received:
        received += next(body).decode()
    response.close()  # the browser goes away
    fake_server.release()
    with llm_actions.app.app_context():
        stored = db.session.get(Turn, turn.id)
        assert stored.status in ("interrupted", "failed") and "Retry" in stored.error
    fake_server.reset()
    fake_server.enqueue(Reply(text="Tell me about a time you changed your mind."))
    page = f"/practice/sessions/{session_id}"
    llm_actions.post(f"{page}/turns/{turn.id}/retry-turn", {}, csrf_page=page, headers=HX)
    assert chunks_text(stream(llm_actions, session_id, turn.id)) == "Tell me about a time you changed your mind."
