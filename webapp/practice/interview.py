"""Interview sessions in the database: start, answer, retry an answer, end (the engine decides, we store)."""
from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass

from sqlalchemy import func, select

from webapp.auth.models import User, utcnow
from webapp.extensions import db
from webapp.practice.coach import OfflineCoach, Scored, coach_for, get_coach, offline_coach
from webapp.practice.engine import FOLLOW_UP, QUESTION, WRAP_UP, EngineError, InterviewEngine, InterviewState
from webapp.practice.models import LLMCall, PracticeSession, Score, SessionStart, Turn
from webapp.practice.text import model_text
from webapp.practice.types import FollowUp, InterviewerAction, Question

logger = logging.getLogger(__name__)
metrics_logger = logging.getLogger("webapp.llm_metrics")


class PracticeError(Exception):
    """Something the user asked for that can't be done; the message says why."""


def engine() -> InterviewEngine:
    from webapp.practice.offline_coach import detect_follow_up
    from webapp.practice.questions import default_bank

    return InterviewEngine(default_bank(), detect_follow_up)


def bank_question(question_id: str | None) -> Question | None:
    from webapp.practice.questions import default_bank

    return default_bank().get(question_id) if question_id else None


def _next_position(session: PracticeSession) -> int:
    current = db.session.scalar(select(func.max(Turn.position)).where(Turn.session_id == session.id))
    return (current or 0) + 1


def action_to_meta(action: InterviewerAction) -> dict:
    meta: dict = {"kind": action.kind, "index": action.index, "total": action.total}
    if action.question is not None:
        meta["question_id"] = action.question.id
    if action.follow_up is not None:
        meta["follow_up"] = {"reason": action.follow_up.reason, "text": action.follow_up.text}
    return meta


def action_from_meta(session: PracticeSession, meta: dict) -> InterviewerAction:
    from webapp.salaries import get_role

    follow = meta.get("follow_up")
    role = get_role(session.role_slug)
    return InterviewerAction(
        kind=meta["kind"],
        interview_type=session.interview_type or "behavioural",
        role_name=role.name if role else session.role_slug,
        level=session.level,
        question=bank_question(meta.get("question_id")),
        follow_up=FollowUp(follow["reason"], follow["text"]) if follow else None,
        index=meta.get("index", 0),
        total=meta.get("total", 0),
    )


def add_interviewer_turn(session: PracticeSession, action: InterviewerAction, coach: OfflineCoach) -> Turn:
    """Store what the hiring manager says next: written now (offline) or pending until streamed (LLM)."""
    offline_text = coach.phrase(action)
    live = coach.live and action.kind != "opening"
    turn = Turn(
        session=session,
        position=_next_position(session),
        speaker="interviewer",
        kind=action.kind,
        text="" if live else offline_text,
        question_id=action.question.id if action.question else None,
        status="pending" if live else "complete",
        meta={"action": action_to_meta(action), "offline_text": offline_text},
    )
    db.session.add(turn)
    db.session.flush()
    return turn


def start_interview(user: User, interview_type: str, role_slug: str, level: str, num_questions: int) -> PracticeSession:
    """Create a session (the quota was checked by the caller), greet, and ask the first question."""
    from webapp.salaries import get_role

    role = get_role(role_slug)
    coach = get_coach()
    state = InterviewState(
        interview_type=interview_type,
        role_slug=role_slug,
        role_name=role.name if role else role_slug,
        level=level,
        total_questions=num_questions,
        seed=secrets.randbelow(2**31),
    )
    actions = engine().start(state)
    session = PracticeSession(
        user_id=user.id,
        mode="interview",
        interview_type=interview_type,
        role_slug=role_slug,
        level=level,
        num_questions=num_questions,
        coach=coach.name,
        seed=state.seed,
        state=state.to_dict(),
    )
    db.session.add(session)
    db.session.add(SessionStart(user_id=user.id, mode="interview"))
    db.session.flush()
    for action in actions:
        add_interviewer_turn(session, action, coach)
    db.session.commit()
    logger.info("interview started: session %s (%s, %s, %s)", session.id, interview_type, role_slug, level)
    return session


def pending_interviewer_turn(session: PracticeSession) -> Turn | None:
    """The hiring manager's last turn if it hasn't been fully written yet."""
    last = next((t for t in reversed(session.turns) if t.speaker == "interviewer"), None)
    return last if last is not None and last.status != "complete" else None


@dataclass
class AnswerResult:
    answer: Turn
    next_turn: Turn | None


def _answers_for(session: PracticeSession, question_id: str) -> list[Turn]:
    return [t for t in session.turns if t.speaker == "candidate" and t.question_id == question_id and not t.retry_of_id]


def scoring_text(session: PracticeSession, turn: Turn) -> str:
    """A follow-up answer is scored together with the answer it completes."""
    if turn.meta.get("phase") == FOLLOW_UP:
        earlier = [t.text for t in _answers_for(session, turn.question_id or "") if t.position < turn.position]
        return "\n\n".join([*earlier[-1:], turn.text])
    return turn.text


def save_answer(session: PracticeSession, text: str, question_id: str | None, phase: str,
                retry_of: Turn | None = None) -> Turn:
    """Store and commit the candidate's words: they are safe before anything is scored or a model is called."""
    answer = Turn(
        session=session,
        position=_next_position(session),
        speaker="candidate",
        kind="answer",
        text=text,
        question_id=question_id,
        retry_of_id=retry_of.id if retry_of else None,
        meta={"phase": phase},
    )
    db.session.add(answer)
    db.session.commit()
    return answer


def submit_answer(session: PracticeSession, text: str) -> AnswerResult:
    """Save the answer first, then score it and decide what the hiring manager does next."""
    state = InterviewState.from_dict(session.state)
    if state.phase not in (QUESTION, FOLLOW_UP):
        raise PracticeError("This interview has finished, so there's no question to answer.")
    if pending_interviewer_turn(session) is not None:
        raise PracticeError("The hiring manager hasn't finished asking yet. Wait for the question, then answer.")
    answer = save_answer(session, text, state.current_question_id, state.phase)

    coach = coach_for(session.coach)
    if not coach.live:
        score_turn(session, answer, coach, commit=False)  # stored with the next turn, in one commit
    try:
        action = engine().answer(state, text)
    except EngineError as exc:
        raise PracticeError(str(exc)) from exc
    next_turn = add_interviewer_turn(session, action, coach)
    session.state = state.to_dict()
    if action.kind == WRAP_UP:
        _complete(session, state)
    db.session.commit()
    return AnswerResult(answer, next_turn)


def score_turn(session: PracticeSession, turn: Turn, coach: OfflineCoach | None = None, commit: bool = True) -> Score:
    """Score a candidate's answer once and store it (a stored score is returned as it is)."""
    if turn.score is not None:
        return turn.score
    coach = coach or coach_for(session.coach)
    question = bank_question(turn.question_id)
    if question is None:
        raise PracticeError("This answer's question is no longer in the question bank.")
    scored = coach.score(question, turn.text if turn.retry_of_id else scoring_text(session, turn))
    score = _store_score(session, turn, scored)
    if session.status == "completed":
        session.overall_score = overall_score(session)
    if commit:
        db.session.commit()
    return score


def _store_score(session: PracticeSession, turn: Turn, scored: Scored) -> Score:
    result = scored.result
    score = Score(
        turn=turn,
        overall=result.overall,
        criteria=[{"name": c.name, "score": c.score, "feedback": model_text(c.feedback)} for c in result.criteria],
        feedback=model_text(result.feedback),
        stronger_answer=model_text(result.stronger_answer),
        evidence=[model_text(quote) for quote in result.evidence],
        flags=list(result.flags),
        scorer=result.scorer,
        version=result.version[:128],
    )
    if scored.message:
        turn.meta = {**turn.meta, "score_message": scored.message}
    db.session.add(score)
    record_calls(session, turn, scored.calls, "score")
    return score


def record_calls(session: PracticeSession, turn: Turn | None, calls: list, purpose: str) -> None:
    """Store each model call's metadata and log it as one structured line (latency, tokens, errors)."""
    for call in calls:
        metrics_logger.info(json.dumps({
            "event": "llm_call", "purpose": getattr(call, "purpose", purpose) or purpose, "model": call.model,
            "prompt": f"{call.prompt_name}@{call.prompt_hash}", "duration_ms": int(call.duration_ms or 0),
            "prompt_tokens": call.prompt_tokens or 0, "completion_tokens": call.completion_tokens or 0,
            "ok": call.ok, "error": call.error_kind, "session_id": session.id,
        }))
        db.session.add(
            LLMCall(
                user_id=session.user_id,
                session_id=session.id,
                turn_id=turn.id if turn else None,
                purpose=getattr(call, "purpose", purpose) or purpose,
                prompt_name=call.prompt_name,
                prompt_hash=call.prompt_hash,
                model=call.model,
                prompt_tokens=call.prompt_tokens or 0,
                completion_tokens=call.completion_tokens or 0,
                duration_ms=int(call.duration_ms or 0),
                ok=call.ok,
                error_kind=call.error_kind,
            )
        )


def retry_answer(session: PracticeSession, original: Turn, text: str) -> Turn:
    """Another attempt at an earlier answer: both are kept, each with its own score."""
    if original.speaker != "candidate" or original.retry_of_id:
        raise PracticeError("You can only retry one of your own original answers.")
    attempt = save_answer(session, text, original.question_id, "retry", retry_of=original)
    coach = coach_for(session.coach)
    if not coach.live:
        score_turn(session, attempt, coach)
    return attempt


def end_interview(session: PracticeSession) -> None:
    """Finish now: the hiring manager wraps up and the report becomes available."""
    if session.status == "completed":
        return
    state = InterviewState.from_dict(session.state)
    action = engine().end(state)
    if action is not None:
        add_interviewer_turn(session, action, offline_coach())  # the wrap-up is a fixed courtesy: no model call
    _complete(session, state)
    db.session.commit()


def _complete(session: PracticeSession, state: InterviewState) -> None:
    engine().finish(state)
    session.state = state.to_dict()
    session.status = "completed"
    session.completed_at = utcnow()
    session.overall_score = overall_score(session)


def overall_score(session: PracticeSession) -> int | None:
    """The mean over questions of each question's best score."""
    best: dict[str, int] = {}
    for turn in session.turns:
        if turn.speaker == "candidate" and turn.score is not None and turn.question_id:
            best[turn.question_id] = max(best.get(turn.question_id, 0), turn.score.overall)
    if not best:
        return None
    return round(sum(best.values()) / len(best))
