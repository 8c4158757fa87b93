"""The coach behind a session: the built-in offline coach, or an OpenAI-compatible model.

One coach (and so one HTTP client) per app, chosen by LLM_PROVIDER.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from webapp.practice.types import InterviewerAction, Question, ScoreResult, TranscriptTurn

logger = logging.getLogger(__name__)


@dataclass
class Scored:
    """A score plus how it was produced."""

    result: ScoreResult
    calls: list[Any] = field(default_factory=list)  # llm.calls.CallRecord
    message: str | None = None  # shown to the user, e.g. when the offline coach stood in


class OfflineCoach:
    """Deterministic, rule-based hiring manager and scorer; needs nothing outside the app."""

    name = "offline"
    label = "Offline coach"
    live = False

    def __init__(self) -> None:
        from webapp.practice.offline_coach import OfflineInterviewer, OfflineScorer

        self.interviewer = OfflineInterviewer()
        self.scorer = OfflineScorer()

    def phrase(self, action: InterviewerAction) -> str:
        """What the hiring manager says for an action."""
        iv = self.interviewer
        if action.kind == "opening":
            return iv.opening(action.interview_type, action.role_name, action.level)
        if action.kind == "question" and action.question is not None:
            return iv.ask(action.question, action.index, action.total)
        if action.kind == "follow_up" and action.follow_up is not None:
            return iv.follow_up(action.follow_up)
        return iv.wrap_up()

    def score(self, question: Question, answer: str) -> Scored:
        return Scored(self.scorer.score(question, answer))


class LLMCoach(OfflineCoach):
    """The hiring manager and scorer played by a model; the offline coach phrases the greeting and stands in."""

    live = True

    def __init__(self, settings: Any) -> None:
        super().__init__()
        from webapp.practice.llm.interviewer import LLMInterviewer
        from webapp.practice.llm.prompts import PromptLibrary
        from webapp.practice.llm.scoring import LLMScorer
        from webapp.practice.llm.settings import make_client

        self.settings = settings
        self.client = make_client(settings)
        self.prompts = PromptLibrary()
        self.llm_interviewer = LLMInterviewer(self.client, settings, self.prompts)
        self.llm_scorer = LLMScorer(self.client, settings, self.prompts, fallback=self.scorer)
        self.name = f"llm:{settings.model}"
        self.label = f"AI hiring manager ({settings.model})"

    def stream(self, action: InterviewerAction, transcript: list[TranscriptTurn]):  # type: ignore[no-untyped-def]
        return self.llm_interviewer.stream(action, transcript)

    def score(self, question: Question, answer: str) -> Scored:
        outcome = self.llm_scorer.score(question, answer)
        return Scored(outcome.result, list(outcome.calls), outcome.message)


def make_coach(app: Flask) -> OfflineCoach:
    from webapp.practice.llm.settings import LLMSettings

    settings = LLMSettings.from_config(app.config)
    if settings.enabled:
        logger.info("coach: OpenAI-compatible model %s at %s", settings.model, settings.base_url or "api.openai.com")
        return LLMCoach(settings)
    logger.info("coach: built-in offline coach")
    return OfflineCoach()


def get_coach() -> OfflineCoach:
    """The app's coach, built on first use."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    coach = app.extensions.get("offerready_coach")
    if coach is None:
        coach = app.extensions["offerready_coach"] = make_coach(app)
    return coach


def offline_coach() -> OfflineCoach:
    """The offline coach, for a session the user switched to it (or when the model is unavailable)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    coach = app.extensions.get("offerready_offline_coach")
    if coach is None:
        coach = app.extensions["offerready_offline_coach"] = OfflineCoach()
    return coach


def coach_for(session_coach: str) -> OfflineCoach:
    """The coach that runs a stored session: sessions started offline stay offline."""
    coach = get_coach()
    if session_coach == "offline" or not coach.live:
        return offline_coach()
    return coach
