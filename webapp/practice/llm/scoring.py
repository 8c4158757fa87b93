"""Scores an answer with the LLM against the six-criterion rubric, never storing an unvalidated score."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Annotated, Any

import openai
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from webapp.practice.types import CRITERIA, CriterionScore, Question, Scorer, ScoreResult

from .calls import CallRecord
from .context import neutralise_tags, truncate
from .errors import LLMError, LLMMalformedOutput
from .prompts import PromptLibrary
from .settings import LLMSettings
from .structured import complete_structured

logger = logging.getLogger(__name__)

RUBRIC = "scoring/rubric.j2"
MAX_SCORED_ANSWER_CHARS = 6000
MAX_EVIDENCE = 5
FALLBACK_SCORER = "offline (fallback)"
MALFORMED_MESSAGE = "The AI scorer's reply could not be read, so this answer was scored by the offline coach."
UNAVAILABLE_REASONS = {
    "timeout": "it took too long to reply",
    "rate_limited": "it is busy right now",
    "config": "of a configuration problem on our side",
    "connection": "it could not be reached",
}


def _clamp_to(low: int, high: int) -> BeforeValidator:
    def clamp(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            raise ValueError("a score must be a number")
        number = float(value)  # a non-numeric string raises ValueError, which pydantic reports
        if number != number:  # NaN
            raise ValueError("a score must be a number")
        return int(min(high, max(low, round(number))))

    return BeforeValidator(clamp)


CriterionValue = Annotated[int, Field(ge=1, le=5), _clamp_to(1, 5)]
OverallValue = Annotated[int, Field(ge=0, le=100), _clamp_to(0, 100)]


class CriterionAssessment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    score: CriterionValue
    feedback: str = Field(description="One sentence addressed to the candidate.")


class CriteriaAssessment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    relevance: CriterionAssessment
    structure: CriterionAssessment
    specificity: CriterionAssessment
    ownership: CriterionAssessment
    impact: CriterionAssessment
    delivery: CriterionAssessment


if tuple(CriteriaAssessment.model_fields) != CRITERIA:
    raise RuntimeError("the scoring schema must list exactly the criteria in CRITERIA, in order")


class AnswerScore(BaseModel):
    """The JSON the model must return for one answer."""

    model_config = ConfigDict(extra="forbid")

    criteria: CriteriaAssessment
    overall: OverallValue
    feedback: str
    stronger_answer: str
    evidence: list[str] = Field(description="Short phrases copied exactly from the answer.")


@dataclass
class ScoreOutcome:
    """A validated score, the calls behind it, and whether the offline coach had to step in."""

    result: ScoreResult
    calls: list[CallRecord] = field(default_factory=list)
    fell_back: bool = False
    message: str | None = None


class LLMScorer:
    """Scores with the LLM; falls back to `fallback` (the offline coach) when the LLM can't give a valid score."""

    def __init__(self, client: openai.OpenAI, settings: LLMSettings, prompts: PromptLibrary, fallback: Scorer) -> None:
        self.client = client
        self.settings = settings
        self.prompts = prompts
        self.fallback = fallback

    @property
    def model(self) -> str:
        return self.settings.effective_scoring_model

    def score(self, question: Question, answer: str) -> ScoreOutcome:
        """Score one answer; always returns a validated ScoreResult, capped if the answer tries injection."""
        rubric = self.prompts.render(
            RUBRIC,
            question=question.text,
            interview_type=question.interview_type,
            key_points=[point.text for point in question.key_points],
            answer=truncate(neutralise_tags(answer), MAX_SCORED_ANSWER_CHARS),
        )
        calls: list[CallRecord] = []
        try:
            parsed, _record = complete_structured(
                self.client,
                model=self.model,
                messages=[{"role": "user", "content": rubric.text}],
                schema_model=AnswerScore,
                schema_name="answer_score",
                max_completion_tokens=self.settings.scoring_max_completion_tokens,
                timeout=min(self.settings.request_timeout, self.settings.deadline),
                purpose="scoring",
                prompt=rubric,
                calls=calls,
            )
        except LLMMalformedOutput:
            return self._fall_back(question, answer, calls, MALFORMED_MESSAGE)
        except LLMError as err:
            reason = UNAVAILABLE_REASONS.get(err.kind, "it ran into a problem")
            message = f"The AI scorer was unavailable because {reason}, so this answer was scored by the offline coach."
            return self._fall_back(question, answer, calls, message)
        result = to_score_result(parsed, answer, scorer=f"llm:{self.model}", version=rubric.version)
        return ScoreOutcome(self._guard_injection(question, answer, result), calls)

    def _fall_back(self, question: Question, answer: str, calls: list[CallRecord], message: str) -> ScoreOutcome:
        logger.warning("LLM scoring fell back to the offline coach: %s", message)
        result = self.fallback.score(question, answer)
        result = self._guard_injection(question, answer, result)
        result.scorer = FALLBACK_SCORER
        return ScoreOutcome(result, calls, fell_back=True, message=message)

    def _guard_injection(self, question: Question, answer: str, result: ScoreResult) -> ScoreResult:
        """Cap a score whose answer tries to instruct the scorer: never above the answer without those sentences."""
        from webapp.practice.injection import cap_for_injection, detect_injection, strip_injection

        matches = detect_injection(answer)
        if not matches:
            return result
        honest_text = strip_injection(answer)  # the answer without the sentences that address the grader
        honest = min(self.fallback.score(question, honest_text).overall, result.overall)
        logger.info("answer flagged for prompt injection (%s); score capped at %d", "; ".join(matches), honest)
        capped = cap_for_injection(result, matches, honest_overall=honest)
        capped.overall = min(capped.overall, honest)
        if "injection" not in capped.flags:
            capped.flags.append("injection")
        return capped


def to_score_result(parsed: AnswerScore, answer: str, *, scorer: str, version: str) -> ScoreResult:
    """Turn the validated model reply into a ScoreResult, keeping only evidence quoted verbatim."""
    criteria = [
        CriterionScore(name, getattr(parsed.criteria, name).score, getattr(parsed.criteria, name).feedback.strip())
        for name in CRITERIA
    ]
    return ScoreResult(
        criteria=criteria,
        overall=parsed.overall,
        feedback=parsed.feedback.strip(),
        stronger_answer=parsed.stronger_answer.strip(),
        evidence=verbatim_evidence(parsed.evidence, answer),
        scorer=scorer,
        version=version,
    )


def verbatim_evidence(quotes: list[str], answer: str) -> list[str]:
    """The quotes that really occur in the answer, without wrapping quote marks, deduplicated."""
    kept: list[str] = []
    for quote in quotes:
        text = quote.strip().strip("\"'“”‘’").strip()
        if text and text in answer and text not in kept:
            kept.append(text)
    return kept[:MAX_EVIDENCE]

