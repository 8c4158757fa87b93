"""Negotiation sessions in the database: the offer, each exchange, accepting, the debrief."""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from webapp.auth.models import User, utcnow
from webapp.extensions import db
from webapp.practice.coach import coach_for, get_coach
from webapp.practice.interview import PracticeError, _next_position, record_calls
from webapp.practice.models import PracticeSession, Score, SessionStart, Turn
from webapp.practice.text import model_text
from webapp.practice.negotiation import (
    NegotiationState,
    OfflineCounterpart,
    Scenario,
    accept,
    build_scenario,
    debrief,
    enforce_limits,
    redact_brief,
    score_message,
)

logger = logging.getLogger(__name__)
SCORER_VERSION = "negotiation-tactics-1"


class ManagerReply(BaseModel):
    """What the model must return when it plays the hiring manager."""

    reply: str = Field(min_length=1, max_length=2000)
    offer_base: int = Field(ge=0, le=10_000_000)
    levers: list[str] = Field(default_factory=list, max_length=10)


def load(session: PracticeSession) -> tuple[Scenario, NegotiationState]:
    return Scenario.from_dict(session.state["scenario"]), NegotiationState.from_dict(session.state["negotiation"])


def save(session: PracticeSession, scenario: Scenario, state: NegotiationState) -> None:
    session.state = {"scenario": scenario.to_dict(), "negotiation": state.to_dict()}


def start_negotiation(user: User, role_slug: str, level: str, location: str, difficulty: str) -> PracticeSession:
    """Build a scenario from a fresh seed and open with the offer."""
    seed = secrets.randbelow(2**31)
    try:
        scenario = build_scenario(role_slug, level, location, difficulty, seed)
    except ValueError as exc:
        raise PracticeError(str(exc)) from exc
    state = NegotiationState.start(scenario)
    session = PracticeSession(
        user_id=user.id, mode="negotiation", role_slug=role_slug, level=level, location=location,
        difficulty=difficulty, num_questions=0, coach=get_coach().name, seed=seed,
    )
    save(session, scenario, state)
    db.session.add(session)
    db.session.add(SessionStart(user_id=user.id, mode="negotiation"))
    db.session.flush()
    db.session.add(Turn(session=session, position=1, speaker="interviewer", kind="offer",
                        text=scenario.public_offer_text(), meta={"offer": state.base, "levers": state.levers}))
    db.session.commit()
    logger.info("negotiation started: session %s (%s, %s, %s)", session.id, role_slug, level, location)
    return session


@dataclass
class Exchange:
    message: Turn
    reply: Turn


def _context(scenario: Scenario, state: NegotiationState) -> dict[str, Any]:
    return {"offer": state.base, "currency": "GBP", "role": scenario.role_slug, "level": scenario.level}


def send_message(session: PracticeSession, text: str) -> Exchange:
    """Save the candidate's message, give it tactic feedback, and get the manager's reply."""
    if session.status != "active":
        raise PracticeError("This negotiation has ended. Start a new one to practise again.")
    scenario, state = load(session)
    message = Turn(session=session, position=_next_position(session), speaker="candidate", kind="message",
                   text=text, meta={"offer_before": state.base})
    db.session.add(message)
    db.session.commit()  # saved before anything else can fail

    feedback = score_message(text, _context(scenario, state))
    db.session.add(Score(turn=message, overall=feedback.score, criteria=[], feedback=feedback.feedback,
                         stronger_answer="", evidence=[q for q in feedback.evidence if q in text],
                         flags=list(feedback.tactics), scorer="offline", version=SCORER_VERSION))
    reply = _manager_turn(session, scenario, state, text)
    db.session.commit()
    return Exchange(message, reply)


def _manager_turn(session: PracticeSession, scenario: Scenario, state: NegotiationState, text: str) -> Turn:
    turn = Turn(session=session, position=_next_position(session), speaker="interviewer", kind="message", text="")
    db.session.add(turn)
    db.session.flush()
    _respond(session, scenario, state, text, turn)
    return turn


def _respond(session: PracticeSession, scenario: Scenario, state: NegotiationState, text: str, turn: Turn) -> None:
    """Fill the manager's turn (offline rules, or the model with the limits enforced in code)."""
    from webapp.practice.llm.errors import LLMConfigError, LLMError

    coach = coach_for(session.coach)
    before = NegotiationState.from_dict(state.to_dict())
    offline_state = NegotiationState.from_dict(state.to_dict())
    offline_reply = OfflineCounterpart().respond(scenario, offline_state, text)
    if not coach.live:
        reply_text, state = offline_reply.text, offline_state
    else:
        try:
            reply_text, state = _model_reply(session, scenario, before, text, turn, offline_state)
        except LLMError as err:
            turn.status = "failed"
            turn.error = err.user_message
            turn.meta = {"retry_message": text, "offer_offline": isinstance(err, LLMConfigError)}
            save(session, scenario, before)
            return
    turn.text = reply_text
    turn.status = "complete"
    turn.error = None
    turn.meta = {"offer": state.base, "levers": dict(state.levers), "retry_message": text}
    save(session, scenario, state)
    if state.finished:
        _complete(session, scenario, state)


def _model_reply(session: PracticeSession, scenario: Scenario, state: NegotiationState, text: str, turn: Turn,
                 offline_state: NegotiationState) -> tuple[str, NegotiationState]:
    """The model plays the manager; code caps the offer and strips anything from the brief."""
    from webapp.practice.llm.context import fence_answer
    from webapp.practice.llm.structured import complete_structured

    coach = coach_for(session.coach)
    prompt = coach.prompts.render("negotiation/manager.j2", brief=scenario.brief_text(),
                                  public_offer=scenario.public_offer_text(), role_name=scenario.role_name)
    history = [{"role": "system", "content": prompt.text}]
    for t in session.turns[-8:]:
        if t.id == turn.id or t.status != "complete":
            continue
        if t.speaker == "candidate" and t.text != text:
            history.append({"role": "user", "content": fence_answer(t.text)})
        elif t.speaker == "interviewer":
            history.append({"role": "assistant", "content": t.text})
    history.append({"role": "user", "content": fence_answer(text)})
    calls: list = []
    try:
        parsed, _record = complete_structured(
            coach.client, model=coach.settings.model, messages=history, schema_model=ManagerReply,
            schema_name="manager_reply", max_completion_tokens=coach.settings.interviewer_max_completion_tokens,
            timeout=coach.settings.request_timeout, purpose="negotiation", prompt=prompt, calls=calls,
        )
    finally:
        record_calls(session, turn, calls, "negotiation")
    # The offline rules track tactics, warnings and walk-aways; the model's figure is capped in code.
    new_state = offline_state
    base, levers, capped = enforce_limits(scenario, state, parsed.offer_base, offline_state.levers)
    if capped:
        logger.info("model offered outside the limits in session %s; capped to %s", session.id, base)
    new_state.base = base
    new_state.levers = levers
    if new_state.base_history and new_state.base_history[-1] != base:
        new_state.base_history[-1] = base
    return redact_brief(model_text(parsed.reply), scenario), new_state


def retry_reply(session: PracticeSession, turn: Turn, use_offline: bool = False) -> None:
    """Retry a failed manager reply: one new model call (or the offline manager)."""
    if turn.status != "failed":
        return
    if use_offline:
        session.coach = "offline"
    scenario, state = load(session)
    _respond(session, scenario, state, turn.meta.get("retry_message", ""), turn)
    db.session.commit()


def accept_offer(session: PracticeSession) -> Turn:
    if session.status != "active":
        raise PracticeError("This negotiation has already ended.")
    scenario, state = load(session)
    reply = accept(scenario, state)
    turn = Turn(session=session, position=_next_position(session), speaker="interviewer", kind="message",
                text=reply.text, meta={"offer": state.base, "levers": dict(state.levers)})
    db.session.add(turn)
    save(session, scenario, state)
    _complete(session, scenario, state)
    db.session.commit()
    return turn


def end_negotiation(session: PracticeSession) -> None:
    """The candidate stops without a deal; the debrief is still available."""
    if session.status == "completed":
        return
    scenario, state = load(session)
    _complete(session, scenario, state)
    db.session.commit()


def _complete(session: PracticeSession, scenario: Scenario, state: NegotiationState) -> None:
    session.status = "completed"
    session.completed_at = utcnow()
    result = build_debrief(session, scenario, state)
    tactics = result.achieved_count / max(1, len(result.tactics))
    session.overall_score = round(100 * (0.6 * result.outcome_share + 0.4 * tactics))


def build_debrief(session: PracticeSession, scenario: Scenario | None = None, state: NegotiationState | None = None):  # type: ignore[no-untyped-def]
    if scenario is None or state is None:
        scenario, state = load(session)
    transcript = [(t.speaker, t.text) for t in session.turns if t.status == "complete"]
    return debrief(scenario, state, transcript)


def follow_up_email_for(session: PracticeSession, scenario: Scenario, state: NegotiationState) -> str:
    from webapp.practice.negotiation import follow_up_email

    return follow_up_email(scenario, state, None)
