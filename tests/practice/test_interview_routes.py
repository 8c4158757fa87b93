"""A mock interview through the app over HTTP: set-up, answering (with and without JavaScript), follow-ups,
retries, the report, history, export, delete, who may see a session, and the Free plan's quota."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from tests.practice.conftest import HX
from tests.practice.helpers import (
    is_checked,
    is_selected,
    no_outcome_answer,
    said,
    strong_story,
    text_of,
    texts_of,
    vague_answer,
    we_only_answer,
    weak_answer,
)
from webapp.auth.models import User
from webapp.extensions import db
from webapp.practice.models import PracticeSession, Score, Turn
from webapp.practice.offline_coach import OfflineScorer
from webapp.practice.types import CRITERION_LABELS

SECOND_USER = "sam@example.com"


@pytest.fixture()
def interview(actions, practice) -> int:  # type: ignore[no-untyped-def]
    """A logged-in user with a three-question behavioural interview under way."""
    actions.signup_and_login()
    return practice.start_interview("behavioural", questions=3)


def candidate_turns(practice, session_id: int):  # type: ignore[no-untyped-def]
    return [t for t in practice.turns(session_id) if t.speaker == "candidate"]


# ---- set-up and start ------------------------------------------------------------------------------------------


def test_setup_form_is_prefilled_from_the_query(actions, client):
    actions.signup_and_login()
    page = client.get("/practice/interview/new?type=system_design&role=backend-developer&level=senior")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert is_checked(body, "interview_type", "system_design")
    assert not is_checked(body, "interview_type", "behavioural")
    assert is_selected(body, "role", "backend-developer")
    assert is_selected(body, "level", "senior")


def test_unknown_query_values_are_ignored(actions, client):
    actions.signup_and_login()
    body = client.get("/practice/interview/new?type=<script>&role=nope&level=cto").get_data(as_text=True)
    assert is_checked(body, "interview_type", "behavioural")
    assert is_selected(body, "level", "mid")
    assert "&lt;script&gt;" not in body and "<script>" not in body


def test_start_opens_the_session_with_a_greeting_and_the_first_question(actions, client, practice):
    actions.signup_and_login()
    response = actions.post("/practice/interview", {"interview_type": "behavioural", "role": "backend-developer",
                                                     "level": "mid", "num_questions": "3"},
                            csrf_page="/practice/interview/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/practice/sessions/")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    lines = said(page, "interviewer-message")
    assert len(lines) == 2
    assert "Hi, thanks for joining" in lines[0] and "behavioural interview" in lines[0]
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert practice.current_question(session_id).text in lines[1]
    assert 'data-testid="answer-input"' in page and 'data-testid="end-session"' in page
    assert "Question 1 of 3" in page


def test_start_rejects_an_unknown_role_and_keeps_the_choices(actions):
    actions.signup_and_login()
    response = actions.post("/practice/interview", {"interview_type": "behavioural", "role": "astronaut",
                                                     "level": "mid", "num_questions": "3"},
                            csrf_page="/practice/interview/new")
    assert response.status_code == 422
    with actions.app.app_context():
        assert db.session.scalar(select(PracticeSession)) is None


# ---- answering -----------------------------------------------------------------------------------------------


def test_plain_form_answer_redirects_back_with_the_answer_its_score_and_the_next_turn(interview, practice, client):
    question = practice.current_question(interview)
    answer = strong_story(question)
    response = practice.answer(interview, answer)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"/practice/sessions/{interview}#turn-")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert said(page) == [answer]
    assert len(texts_of(page, "score-card")) == 1
    score = int(text_of(page, "score-overall"))
    assert score >= 80
    lines = said(page, "interviewer-message")
    assert len(lines) == 3  # greeting, first question, and the next question (a strong answer needs no follow-up)
    assert practice.current_question(interview).text in lines[-1]
    assert "Question 2 of 3" in page


def test_htmx_answer_returns_the_exchange_and_a_fresh_form_out_of_band(interview, practice):
    question = practice.current_question(interview)
    answer = strong_story(question)
    response = practice.answer(interview, answer, htmx=True)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment
    assert said(fragment) == [answer]
    assert len(texts_of(fragment, "score-card")) == 1
    next_question = practice.current_question(interview)
    assert next_question.id != question.id
    assert any(next_question.text in line for line in said(fragment, "interviewer-message"))
    assert '<div id="answer-area" hx-swap-oob="true">' in fragment
    assert 'data-testid="answer-input"' in fragment
    assert "Question 2 of 3" in fragment  # the status panel is refreshed out of band too


def test_the_answer_is_stored_verbatim_before_it_is_scored(interview, practice, monkeypatch):
    answer = ("Line one of my answer: I fixed the <b>deploy</b> script & saved £2,000.\n\n"
              "  Indented second line — with “quotes”.")

    def scorer_down(self, question, text):  # type: ignore[no-untyped-def]
        raise RuntimeError("scorer unavailable")

    monkeypatch.setattr(OfflineScorer, "score", scorer_down)
    assert practice.answer(interview, answer).status_code == 500
    [stored] = candidate_turns(practice, interview)
    assert stored.text == answer
    assert stored.score is None  # scoring failed, yet the answer was already safe


def test_a_stored_answer_has_its_own_score_row(interview, practice, app):
    question = practice.current_question(interview)
    answer = strong_story(question)
    practice.answer(interview, answer)
    [stored] = candidate_turns(practice, interview)
    assert stored.text == answer and stored.question_id == question.id
    with app.app_context():
        score = db.session.scalar(select(Score).where(Score.turn_id == stored.id))
        assert score.overall == stored.score and len(score.criteria) == 6
        turn = db.session.get(Turn, stored.id)
        assert turn.created_at <= score.created_at


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
@pytest.mark.parametrize("blank", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_an_empty_answer_is_refused_and_nothing_is_stored(interview, practice, blank: str, htmx: bool):
    before = practice.turns(interview)
    response = practice.answer(interview, blank, htmx=htmx)
    assert response.status_code == 422
    assert "Write an answer first" in response.get_data(as_text=True)
    assert practice.turns(interview) == before


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_an_over_long_answer_is_refused_and_handed_back(interview, practice, app, htmx: bool):
    limit = app.config["MAX_ANSWER_CHARS"]
    typed = ("I led the migration & kept <every> test green. " * (limit // 40 + 5))[: limit + 50].strip()
    assert len(typed) > limit
    before = practice.turns(interview)
    response = practice.answer(interview, typed, htmx=htmx)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert f"the limit is {limit:,}" in body
    textarea = body.split('data-testid="answer-input"', 1)[1].split(">", 1)[1].split("</textarea>", 1)[0]
    assert html.unescape(textarea) == typed
    assert practice.turns(interview) == before
    if htmx:
        assert response.headers["HX-Retarget"] == "#answer-area"


@pytest.mark.parametrize(
    ("write", "reason"),
    [(we_only_answer, "What did you personally do?"),
     (no_outcome_answer, "what was the outcome?"),
     (vague_answer, "concrete example")],
    ids=["we-only", "no-outcome", "vague"],
)
def test_a_weak_spot_gets_one_follow_up(interview, practice, client, write, reason: str):
    question = practice.current_question(interview)
    practice.answer(interview, write(question))
    last = practice.turns(interview)[-1]
    assert last.speaker == "interviewer" and last.kind == "follow_up"
    assert last.question_id == question.id
    assert reason in last.text
    assert reason in html.unescape(client.get(f"/practice/sessions/{interview}").get_data(as_text=True))
    # Only one follow-up per question: the next answer, however weak, moves on.
    practice.answer(interview, write(question))
    moved_on = practice.turns(interview)[-1]
    assert moved_on.kind == "question" and moved_on.question_id != question.id


def test_a_strong_answer_gets_no_follow_up(interview, practice):
    practice.answer(interview, strong_story(practice.current_question(interview)))
    assert [t.kind for t in practice.turns(interview)] == ["opening", "question", "answer", "question"]


def test_trying_an_answer_again_keeps_both_attempts_with_separate_scores(interview, practice, client):
    question = practice.current_question(interview)
    first = weak_answer(question)
    practice.answer(interview, first)
    [original] = candidate_turns(practice, interview)
    better = strong_story(question)
    response = practice.actions.post(f"/practice/sessions/{interview}/turns/{original.id}/retry", {"answer": better},
                                     csrf_page=f"/practice/sessions/{interview}")
    assert response.status_code == 302
    original_now, attempt = candidate_turns(practice, interview)
    assert original_now == original
    assert attempt.retry_of_id == original.id and attempt.text == better
    assert attempt.score is not None and original.score is not None and attempt.score > original.score
    page = client.get(f"/practice/sessions/{interview}").get_data(as_text=True)
    assert said(page) == [first, better]
    assert [int(s) for s in texts_of(page, "score-overall")] == [original.score, attempt.score]


def test_retry_by_htmx_returns_just_the_new_attempt(interview, practice):
    question = practice.current_question(interview)
    practice.answer(interview, weak_answer(question))
    [original] = candidate_turns(practice, interview)
    response = practice.actions.post(f"/practice/sessions/{interview}/turns/{original.id}/retry",
                                     {"answer": strong_story(question)}, csrf_page=f"/practice/sessions/{interview}",
                                     headers=HX)
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert said(fragment) == [strong_story(question)]
    assert "another attempt" in fragment and len(texts_of(fragment, "score-card")) == 1


def test_an_empty_retry_is_refused(interview, practice):
    practice.answer(interview, weak_answer(practice.current_question(interview)))
    [original] = candidate_turns(practice, interview)
    before = practice.turns(interview)
    response = practice.actions.post(f"/practice/sessions/{interview}/turns/{original.id}/retry", {"answer": "  "},
                                     csrf_page=f"/practice/sessions/{interview}", headers=HX)
    assert response.status_code == 422
    assert "Write an answer first" in response.get_data(as_text=True)
    assert practice.turns(interview) == before


# ---- ending and the report -------------------------------------------------------------------------------------


def _answer_all(practice, session_id: int, writers) -> None:  # type: ignore[no-untyped-def]
    for write in writers:
        response = practice.answer(session_id, write(practice.current_question(session_id)))
        assert response.status_code == 302


def _criterion_averages(app, session_id: int) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Each criterion's mean score over the session's scored answers, as stored."""
    totals: dict[str, list[int]] = {}
    with app.app_context():
        scores = db.session.scalars(select(Score).join(Turn).where(Turn.session_id == session_id)).all()
        for score in scores:
            for c in score.criteria:
                totals.setdefault(CRITERION_LABELS[c["name"]], []).append(c["score"])
    assert len(totals) == 6
    return {label: sum(v) / len(v) for label, v in totals.items()}


def test_ending_the_interview_gives_a_full_report(interview, practice, actions, client, app):
    question = practice.current_question(interview)
    strong = strong_story(question)
    practice.answer(interview, strong)
    weak_question = practice.current_question(interview)
    weak = weak_answer(weak_question)
    practice.answer(interview, weak)  # a weak answer: the hiring manager follows up
    assert practice.turns(interview)[-1].kind == "follow_up"

    response = actions.post(f"/practice/sessions/{interview}/end", csrf_page=f"/practice/sessions/{interview}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/practice/sessions/{interview}/report"
    assert practice.turns(interview)[-1].kind == "wrap_up"
    report = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-testid="session-report"' in report

    scores = [t.score for t in candidate_turns(practice, interview)]
    overall = practice.session_state(interview)["overall"]
    assert overall == round(sum(scores) / len(scores))
    assert text_of(report, "report-overall") == f"{overall}/100"
    for label, average in _criterion_averages(app, interview).items():
        row = rf"<li><span>{re.escape(html.escape(label))}</span>.*?<span>([\d.]+)</span></li>"
        shown = re.search(row, report, re.S)
        assert shown and shown.group(1) == f"{average:.1f}", label
    assert f"Your best answer ({max(scores)})" in report and f"Your weakest answer ({min(scores)})" in report
    assert html.escape(weak_question.text) in report or weak_question.text in html.unescape(report)
    work_on = report.split('data-testid="work-on"', 1)[1].split("</ol>", 1)[0]
    assert work_on.count("<li>") == 3
    # the full transcript, each answer with its score card
    assert said(report) == [strong, weak]
    assert [int(s) for s in texts_of(report, "score-overall")] == scores
    assert len(said(report, "interviewer-message")) == 5  # greeting, 2 questions, follow-up, wrap-up


def test_answering_every_question_finishes_the_interview(actions, practice, client):
    actions.signup_and_login()
    session_id = practice.start_interview("behavioural", questions=2)
    _answer_all(practice, session_id, [strong_story, strong_story])
    page = html.unescape(client.get(f"/practice/sessions/{session_id}").get_data(as_text=True))
    assert "That's all my questions" in page
    assert 'data-testid="view-report"' in page and 'data-testid="answer-input"' not in page
    assert practice.session_state(session_id)["status"] == "completed"
    more = practice.answer(session_id, "one more thing")
    assert more.status_code == 422 and "This interview has finished" in html.unescape(more.get_data(as_text=True))
    assert client.get(f"/practice/sessions/{session_id}/report").status_code == 200


def test_the_report_waits_until_the_interview_ends(interview, client):
    response = client.get(f"/practice/sessions/{interview}/report")
    assert response.status_code == 302 and response.headers["Location"] == f"/practice/sessions/{interview}"


def test_history_lists_the_session_with_its_score(interview, practice, actions, client):
    practice.answer(interview, strong_story(practice.current_question(interview)))
    actions.post(f"/practice/sessions/{interview}/end", csrf_page=f"/practice/sessions/{interview}")
    overall = practice.session_state(interview)["overall"]
    page = client.get("/sessions").get_data(as_text=True)
    [row] = texts_of(page, "history-row")
    assert "Interview" in row and "Behavioural" in row and str(overall) in row
    assert f"/practice/sessions/{interview}/report" in page
    assert 'data-testid="progress-chart"' in page


def test_export_downloads_the_transcript_as_markdown(interview, practice, client):
    question = practice.current_question(interview)
    answer = strong_story(question)
    practice.answer(interview, answer)
    response = client.get(f"/sessions/{interview}/export.md")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert response.headers["Content-Disposition"] == f'attachment; filename="offerready-session-{interview}.md"'
    text = response.get_data(as_text=True)
    assert text.startswith("# Interview practice: Backend Developer")
    assert question.text in text
    assert f"> {answer}" in text
    assert f"Score: **{candidate_turns(practice, interview)[0].score}/100**" in text


def test_delete_removes_the_session_and_its_transcript(interview, practice, actions, client, app):
    practice.answer(interview, strong_story(practice.current_question(interview)))
    response = actions.post(f"/sessions/{interview}/delete", csrf_page="/sessions")
    assert response.status_code == 302 and response.headers["Location"] == "/sessions"
    assert "The session and its transcript have been deleted." in client.get("/sessions").get_data(as_text=True)
    assert not practice.exists(interview)
    with app.app_context():
        assert db.session.scalar(select(Turn).where(Turn.session_id == interview)) is None
        assert db.session.scalar(select(Score)) is None
    assert client.get(f"/practice/sessions/{interview}").status_code == 404
    assert client.get(f"/sessions/{interview}/export.md").status_code == 404


# ---- who may do what -------------------------------------------------------------------------------------------


@pytest.fixture()
def owned(actions, practice):  # type: ignore[no-untyped-def]
    """The first user's interview (answered once) and negotiation, with the ids every URL needs."""
    actions.signup_and_login()
    interview_id = practice.start_interview("behavioural", questions=3)
    practice.answer(interview_id, weak_answer(practice.current_question(interview_id)))
    negotiation_id = practice.start_negotiation()
    turns = practice.turns(interview_id)
    ids = {
        "interview": interview_id,
        "negotiation": negotiation_id,
        "answer_turn": next(t.id for t in turns if t.speaker == "candidate"),
        "asker_turn": next(t.id for t in turns if t.kind == "question"),
    }
    ids["snapshot"] = {interview_id: practice.turns(interview_id), negotiation_id: practice.turns(negotiation_id)}
    return ids


SESSION_URLS = [
    ("GET", "/practice/sessions/{interview}"),
    ("POST", "/practice/sessions/{interview}/answer"),
    ("POST", "/practice/sessions/{interview}/turns/{answer_turn}/retry"),
    ("GET", "/practice/sessions/{interview}/turns/{answer_turn}/score"),
    ("GET", "/practice/sessions/{interview}/turns/{asker_turn}/stream"),
    ("POST", "/practice/sessions/{interview}/turns/{asker_turn}/retry-turn"),
    ("POST", "/practice/sessions/{interview}/end"),
    ("GET", "/practice/sessions/{interview}/report"),
    ("GET", "/sessions/{interview}/export.md"),
    ("POST", "/sessions/{interview}/delete"),
    ("GET", "/practice/sessions/{negotiation}"),
    ("POST", "/practice/sessions/{negotiation}/message"),
    ("POST", "/practice/sessions/{negotiation}/accept"),
    ("POST", "/practice/sessions/{negotiation}/end"),
    ("GET", "/practice/sessions/{negotiation}/report"),
    ("GET", "/sessions/{negotiation}/export.md"),
    ("POST", "/sessions/{negotiation}/delete"),
]
FORM = {"answer": "I did it all myself and saved 40%.", "message": "I'd like £60,000 based on market data.",
        "use_offline": "1"}


@pytest.mark.parametrize(("method", "url"), SESSION_URLS, ids=[f"{m} {u}" for m, u in SESSION_URLS])
def test_another_user_gets_404_on_every_session_url(owned, actions, practice, client, method: str, url: str):
    target = url.format(**owned)
    client.post("/logout", data={"csrf_token": actions.csrf("/account")})
    actions.signup_and_login(SECOND_USER)
    if method == "GET":
        response = client.get(target, headers=HX if target.endswith("/stream") else {})
    else:
        response = actions.post(target, FORM, csrf_page="/practice")  # a valid token of their own
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)
    for session_id, turns in owned["snapshot"].items():
        assert practice.turns(session_id) == turns
        assert practice.session_state(session_id)["status"] == "active"


@pytest.mark.parametrize("bad", ["abc", "-1", "0", "1.5", "99999999999999999999", "9223372036854775808"])
def test_non_numeric_and_huge_ids_are_404(interview, client, bad: str):
    for url in (f"/practice/sessions/{bad}", f"/practice/sessions/{bad}/report", f"/sessions/{bad}/export.md",
                f"/practice/sessions/{interview}/turns/{bad}/score",
                f"/practice/sessions/{interview}/turns/{bad}/stream"):
        assert client.get(url).status_code == 404, url


MUTATING = [
    "/practice/interview",
    "/practice/negotiation",
    "/practice/sessions/{interview}/answer",
    "/practice/sessions/{interview}/turns/{answer_turn}/retry",
    "/practice/sessions/{interview}/turns/{asker_turn}/retry-turn",
    "/practice/sessions/{interview}/end",
    "/sessions/{interview}/delete",
    "/practice/sessions/{negotiation}/message",
    "/practice/sessions/{negotiation}/accept",
]


@pytest.mark.parametrize("url", MUTATING)
def test_get_on_a_mutating_route_is_405(owned, client, practice, url: str):
    response = client.get(url.format(**owned))
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    for session_id, turns in owned["snapshot"].items():
        assert practice.turns(session_id) == turns


@pytest.mark.parametrize("url", MUTATING)
def test_a_post_without_a_csrf_token_is_400_and_changes_nothing(owned, client, practice, app, url: str):
    data = {**FORM, "interview_type": "behavioural", "role": "backend-developer", "level": "mid",
            "num_questions": "3", "location": "london", "difficulty": "standard"}
    response = client.post(url.format(**owned), data=data)
    assert response.status_code == 400
    for session_id, turns in owned["snapshot"].items():
        assert practice.exists(session_id)
        assert practice.turns(session_id) == turns
        assert practice.session_state(session_id)["status"] == "active"
    with app.app_context():
        assert len(db.session.scalars(select(PracticeSession)).all()) == 2


# ---- the Free plan's quota ---------------------------------------------------------------------------------------


def _use_up_free_sessions(actions, practice, app) -> None:  # type: ignore[no-untyped-def]
    actions.create_user("free@example.com", trial=False)
    actions.login("free@example.com")
    for n in range(app.config["FREE_SESSIONS_PER_MONTH"]):
        if n % 2:
            practice.start_negotiation()
        else:
            practice.start_interview(questions=1)


@pytest.mark.parametrize(("url", "data", "setup"), [
    ("/practice/interview", {"interview_type": "behavioural", "role": "backend-developer", "level": "mid",
                             "num_questions": "3"}, "/practice/interview/new"),
    ("/practice/negotiation", {"role": "backend-developer", "level": "mid", "location": "london",
                               "difficulty": "standard"}, "/practice/negotiation/new"),
], ids=["interview", "negotiation"])
def test_a_free_account_past_its_quota_cannot_start_another(actions, practice, app, url, data, setup):
    _use_up_free_sessions(actions, practice, app)
    quota = app.config["FREE_SESSIONS_PER_MONTH"]
    response = actions.post(url, data, csrf_page=setup)
    assert response.status_code == 403
    message = text_of(response.get_data(as_text=True), "quota-message")
    assert f"You've used all {quota} practice sessions on the Free plan this month" in message
    with app.app_context():
        assert len(db.session.scalars(select(PracticeSession)).all()) == quota


def test_deleted_sessions_still_count_towards_the_quota(actions, practice, app):
    _use_up_free_sessions(actions, practice, app)
    with app.app_context():
        ids = db.session.scalars(select(PracticeSession.id)).all()
    for session_id in ids:
        assert actions.post(f"/sessions/{session_id}/delete", csrf_page="/sessions").status_code == 302
    response = actions.post("/practice/interview", {"interview_type": "behavioural", "role": "backend-developer",
                                                     "level": "mid", "num_questions": "3"},
                            csrf_page="/practice/interview/new")
    assert response.status_code == 403
    assert 'data-testid="quota-message"' in response.get_data(as_text=True)


def test_the_setup_page_shows_how_many_free_sessions_are_left(actions, practice, app, client):
    actions.create_user("free@example.com", trial=False)
    actions.login("free@example.com")
    quota = app.config["FREE_SESSIONS_PER_MONTH"]
    practice.start_interview(questions=1)
    page = client.get("/practice/interview/new").get_data(as_text=True)
    assert f"Free plan: {quota - 1} of {quota} sessions left this month" in page


@pytest.mark.parametrize(("plan", "trial"), [("pro", False), ("free", True)], ids=["pro", "trial"])
def test_pro_and_trial_accounts_are_not_limited(actions, practice, app, plan: str, trial: bool):
    actions.create_user("paid@example.com", plan=plan, trial=trial)
    actions.login("paid@example.com")
    for _ in range(app.config["FREE_SESSIONS_PER_MONTH"] + 2):
        practice.start_interview(questions=1)
    practice.start_negotiation()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "paid@example.com"))
        assert len(db.session.scalars(select(PracticeSession).where(PracticeSession.user_id == user.id)).all()) == \
            app.config["FREE_SESSIONS_PER_MONTH"] + 3
