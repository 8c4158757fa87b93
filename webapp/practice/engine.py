"""The interview session engine: phases and what the hiring manager does next (no Flask here).

A session moves opening → question → (one follow-up at most) → next question … → wrap-up → report.
The engine decides *what* happens; an interviewer (offline or LLM) decides how to say it, and a scorer
scores each answer.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from webapp.practice.types import FollowUp, InterviewerAction, Question

OPENING, QUESTION, FOLLOW_UP, WRAP_UP, REPORT = "opening", "question", "follow_up", "wrap_up", "report"
PHASES = (OPENING, QUESTION, FOLLOW_UP, WRAP_UP, REPORT)

FollowUpPolicy = Callable[[Question, str], FollowUp | None]


class EngineError(Exception):
    """An action that the session's phase does not allow."""


@dataclass
class InterviewState:
    """Everything the engine needs to continue a session; stored as JSON with the session."""

    interview_type: str
    role_slug: str
    role_name: str
    level: str
    total_questions: int
    seed: int
    phase: str = OPENING
    asked: list[str] = field(default_factory=list)
    current_question_id: str | None = None
    followed_up: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InterviewState:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def questions_asked(self) -> int:
        return len(self.asked)

    @property
    def finished(self) -> bool:
        return self.phase in (WRAP_UP, REPORT)


class QuestionSource(Protocol):
    """What the engine needs from a question bank."""

    def pick(self, interview_type: str, role: str, level: str, exclude_ids: set[str], seed: int) -> Question | None: ...

    def get(self, question_id: str) -> Question | None: ...


class InterviewEngine:
    """Moves an InterviewState through its phases."""

    def __init__(self, bank: QuestionSource, follow_up_policy: FollowUpPolicy) -> None:
        self.bank = bank
        self.follow_up_policy = follow_up_policy

    def _action(self, state: InterviewState, kind: str, **extra: Any) -> InterviewerAction:
        return InterviewerAction(
            kind=kind,
            interview_type=state.interview_type,
            role_name=state.role_name,
            level=state.level,
            total=state.total_questions,
            **extra,
        )

    def current_question(self, state: InterviewState) -> Question | None:
        return self.bank.get(state.current_question_id) if state.current_question_id else None

    def start(self, state: InterviewState) -> list[InterviewerAction]:
        """Open the session: the greeting, then the first question."""
        if state.phase != OPENING:
            raise EngineError("This interview has already started.")
        actions = [self._action(state, OPENING)]
        actions.append(self._next_question(state))
        return actions

    def _next_question(self, state: InterviewState) -> InterviewerAction:
        if state.questions_asked >= state.total_questions:
            return self._wrap_up(state)
        question = self.bank.pick(
            state.interview_type, state.role_slug, state.level, set(state.asked), state.seed + state.questions_asked
        )
        if question is None:  # the bank ran out: finish early rather than repeat a question
            return self._wrap_up(state)
        state.asked.append(question.id)
        state.current_question_id = question.id
        state.followed_up = False
        state.phase = QUESTION
        return self._action(state, QUESTION, question=question, index=state.questions_asked)

    def _wrap_up(self, state: InterviewState) -> InterviewerAction:
        state.phase = WRAP_UP
        state.current_question_id = None
        return self._action(state, WRAP_UP, index=state.questions_asked)

    def answer(self, state: InterviewState, answer: str) -> InterviewerAction:
        """After an answer: follow up once on what it lacks, or move on (or wrap up after the last question)."""
        if state.phase not in (QUESTION, FOLLOW_UP):
            raise EngineError("There's no open question to answer.")
        question = self.current_question(state)
        if question is None:
            raise EngineError("The current question is missing from the bank.")
        if state.phase == QUESTION and not state.followed_up:
            follow_up = self.follow_up_policy(question, answer)
            if follow_up is not None:
                state.followed_up = True
                state.phase = FOLLOW_UP
                return self._action(
                    state, FOLLOW_UP, question=question, follow_up=follow_up, index=state.questions_asked
                )
        return self._next_question(state)

    def end(self, state: InterviewState) -> InterviewerAction | None:
        """The candidate ends the interview early (or after the wrap-up): no more questions."""
        if state.phase == REPORT:
            return None
        action = None if state.phase == WRAP_UP else self._wrap_up(state)
        return action

    def finish(self, state: InterviewState) -> None:
        """The report has been produced."""
        state.phase = REPORT
