"""The model's written debrief at the end of an interview, generated once and stored with the session."""
from __future__ import annotations

import logging

from webapp.extensions import db
from webapp.practice.coach import coach_for
from webapp.practice.interview import record_calls
from webapp.practice.models import PracticeSession
from webapp.practice.report import question_for
from webapp.practice.text import model_text
from webapp.salaries import get_role

logger = logging.getLogger(__name__)


class SummaryError(Exception):
    """The debrief could not be written; the message says what to do."""


def _scored_answers(session: PracticeSession) -> list[dict]:
    items = []
    for turn in session.turns:
        if turn.speaker == "candidate" and turn.score is not None:
            items.append({
                "question": question_for(session, turn),
                "overall": turn.score.overall,
                "criteria": {c["name"]: c["score"] for c in turn.score.criteria},
                "feedback": turn.score.feedback,
            })
    return items


def session_summary(session: PracticeSession) -> str:
    """The stored debrief, or a new one from the model (one call)."""
    from webapp.practice.llm.errors import LLMError
    from webapp.practice.llm.streaming import stream_chat

    stored = (session.state or {}).get("report_summary")
    if stored:
        return stored
    coach = coach_for(session.coach)
    if not coach.live:
        raise SummaryError("The written debrief needs the AI hiring manager; the report above is the full picture.")
    answers = _scored_answers(session)
    if not answers:
        raise SummaryError("There are no scored answers to write a debrief about.")
    role = get_role(session.role_slug)
    prompt = coach.prompts.render("report/session_report.j2", role_name=role.name if role else session.role_slug,
                                  interview_type=session.interview_type, level=session.level, scored_answers=answers)
    stream = stream_chat(coach.client, model=coach.settings.model, messages=[{"role": "user", "content": prompt.text}],
                         max_completion_tokens=coach.settings.scoring_max_completion_tokens,
                         deadline=coach.settings.deadline, stall_timeout=coach.settings.stall_timeout,
                         purpose="report", prompt=prompt)
    try:
        text = model_text(stream.read())
    except LLMError as err:
        record_calls(session, None, [stream.record], "report")
        db.session.commit()
        raise SummaryError(err.user_message) from err
    record_calls(session, None, [stream.record], "report")
    session.state = {**session.state, "report_summary": text}
    db.session.commit()
    return text
