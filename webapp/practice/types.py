"""Value types shared by the session engine, the coaches and the scorers (no Flask here)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

INTERVIEW_TYPES = ("screening", "behavioural", "technical", "system_design")
LEVELS = ("junior", "mid", "senior")
CRITERIA = ("relevance", "structure", "specificity", "ownership", "impact", "delivery")

CRITERION_LABELS = {
    "relevance": "Relevance",
    "structure": "Structure",
    "specificity": "Specificity & evidence",
    "ownership": "Ownership",
    "impact": "Impact",
    "delivery": "Delivery",
}


@dataclass(frozen=True)
class KeyPoint:
    """One thing a strong answer covers, with words that show it was covered."""

    text: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class Question:
    """A question from the bank."""

    id: str
    interview_type: str
    topic: str
    text: str
    levels: tuple[str, ...] = LEVELS
    roles: tuple[str, ...] = ("*",)
    key_points: tuple[KeyPoint, ...] = ()
    red_flags: tuple[str, ...] = ()
    follow_ups: tuple[str, ...] = ()


@dataclass(frozen=True)
class CriterionScore:
    name: str
    score: int  # 1..5
    feedback: str


@dataclass
class ScoreResult:
    """The score for one answer, whoever produced it."""

    criteria: list[CriterionScore]
    overall: int  # 0..100
    feedback: str
    stronger_answer: str
    evidence: list[str] = field(default_factory=list)  # verbatim substrings of the answer
    flags: list[str] = field(default_factory=list)  # e.g. "empty", "off_topic", "copied_question", "injection"
    scorer: str = "offline"
    version: str = ""

    def criterion(self, name: str) -> CriterionScore | None:
        return next((c for c in self.criteria if c.name == name), None)


@dataclass(frozen=True)
class FollowUp:
    """Why the interviewer probes further, and the words it would use offline."""

    reason: str  # "outcome" | "ownership" | "example" | "key_point"
    text: str


class Scorer(Protocol):
    def score(self, question: Question, answer: str) -> ScoreResult: ...


@dataclass(frozen=True)
class TranscriptTurn:
    """One line of the conversation as the interviewer sees it."""

    speaker: str  # "interviewer" | "candidate"
    text: str
    kind: str = ""  # "opening" | "question" | "follow_up" | "answer" | "wrap_up"


@dataclass(frozen=True)
class InterviewerAction:
    """What the engine has decided the hiring manager says next; a coach phrases it."""

    kind: str  # "opening" | "question" | "follow_up" | "wrap_up"
    interview_type: str
    role_name: str
    level: str
    question: Question | None = None
    follow_up: FollowUp | None = None
    index: int = 0  # 1-based number of the question being asked
    total: int = 0
