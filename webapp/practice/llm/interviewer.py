"""The LLM hiring manager: phrases the engine's next action in character, streamed."""
from __future__ import annotations

import logging

import openai

from webapp.practice.types import InterviewerAction, TranscriptTurn

from .context import build_interviewer_messages
from .prompts import PromptLibrary, RenderedPrompt, combine
from .settings import LLMSettings
from .streaming import ChatStream, stream_chat

logger = logging.getLogger(__name__)

PERSONA = "interviewer/persona.j2"
POLICY = "interviewer/follow_up_policy.j2"
TURN = "interviewer/turn.j2"
ACTION_KINDS = ("opening", "question", "follow_up", "wrap_up")


class LLMInterviewer:
    """Streams what the hiring manager says next; the engine decides what, the model decides the words."""

    def __init__(self, client: openai.OpenAI, settings: LLMSettings, prompts: PromptLibrary) -> None:
        self.client = client
        self.settings = settings
        self.prompts = prompts

    def system_prompt(self, action: InterviewerAction) -> RenderedPrompt:
        """The persona for this interview type and level, followed by the follow-up policy."""
        persona = self.prompts.render(
            PERSONA, interview_type=action.interview_type, role_name=action.role_name, level=action.level
        )
        policy = self.prompts.render(POLICY, interview_type=action.interview_type, level=action.level)
        return combine(persona, policy)

    def instruction(self, action: InterviewerAction) -> RenderedPrompt:
        """What this turn must say: the bank question, the follow-up gap, the greeting or the close."""
        if action.kind not in ACTION_KINDS:
            raise ValueError(f"unknown interviewer action {action.kind!r}")
        if action.kind == "question" and action.question is None:
            raise ValueError("a question action needs a question")
        follow_up = action.follow_up
        return self.prompts.render(
            TURN,
            kind=action.kind,
            role_name=action.role_name,
            index=action.index,
            total=action.total,
            question_text=action.question.text if action.question else "",
            follow_up_reason=follow_up.reason if follow_up else "",
            follow_up_text=follow_up.text if follow_up else "",
        )

    def stream(self, action: InterviewerAction, transcript: list[TranscriptTurn]) -> ChatStream:
        """A stream of the hiring manager's words; its `.record` holds the CallRecord once read."""
        system = self.system_prompt(action)
        turn = self.instruction(action)
        messages = build_interviewer_messages(system.text, transcript, action, turn.text)
        return stream_chat(
            self.client,
            model=self.settings.model,
            messages=messages,
            max_completion_tokens=self.settings.interviewer_max_completion_tokens,
            deadline=self.settings.deadline,
            stall_timeout=self.settings.stall_timeout,
            purpose="interviewer",
            prompt=combine(system, turn),
        )
