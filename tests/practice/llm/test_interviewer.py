"""The LLM hiring manager through the fake server: what it is told to say, and what each call records."""
from __future__ import annotations

import pytest

from tests.fake_openai import Reply
from webapp.practice.llm import LLMInterviewer, LLMStreamInterrupted
from webapp.practice.types import FollowUp, InterviewerAction, KeyPoint, Question, TranscriptTurn

QUESTION = Question(
    id="beh-conflict",
    interview_type="behavioural",
    topic="conflict",
    text="Tell me about a time you disagreed with a colleague about a technical decision.",
    key_points=(KeyPoint("Names the disagreement"),),
)
TRANSCRIPT = [
    TranscriptTurn("interviewer", "Hi, I'm Alex. Could you introduce yourself?", "opening"),
    TranscriptTurn("candidate", "I'm a backend engineer with four years at a fintech.", "answer"),
]


def action(kind: str, **extra) -> InterviewerAction:  # type: ignore[no-untyped-def]
    return InterviewerAction(kind, "behavioural", "Backend engineer", "senior", index=2, total=5, **extra)


@pytest.fixture()
def interviewer(llm_client, llm_settings, prompts) -> LLMInterviewer:
    return LLMInterviewer(llm_client, llm_settings, prompts)


def test_question_turn_asks_the_bank_question_and_streams_the_reply(fake_llm, interviewer):
    fake_llm.enqueue(Reply(text="Thanks. Tell me about a time you disagreed with a colleague.", usage={"prompt_tokens": 300, "completion_tokens": 12}))

    stream = interviewer.stream(action("question", question=QUESTION), TRANSCRIPT)
    text = "".join(stream)

    assert text.startswith("Thanks.")
    body = fake_llm.requests[-1].body
    assert body["model"] == "fake-chat"
    assert body["max_completion_tokens"] == 400
    system, *rest, instruction = body["messages"]
    assert "hiring manager for a senior Backend engineer position" in system["content"]
    assert "Follow-up questions:" in system["content"]
    assert QUESTION.text in instruction["content"] and "question 2 of 5" in instruction["content"]
    assert rest[-1]["content"].startswith("<candidate_answer>")

    record = stream.record
    assert record.purpose == "interviewer" and record.ok
    assert record.prompt_name == "interviewer/persona+interviewer/follow_up_policy+interviewer/turn"
    assert len(record.prompt_hash) == 12
    assert (record.model, record.prompt_tokens, record.completion_tokens) == ("fake-chat", 300, 12)


@pytest.mark.parametrize(
    ("reason", "gap"),
    [("outcome", "how things turned out"), ("ownership", "did personally"), ("example", "one specific real situation"), ("key_point", "missed an important part")],
)
def test_follow_up_turn_names_the_gap(fake_llm, interviewer, reason, gap):
    follow_up = FollowUp(reason, "What was your own part in that?")

    interviewer.stream(action("follow_up", question=QUESTION, follow_up=follow_up), TRANSCRIPT).read()

    instruction = fake_llm.requests[-1].body["messages"][-1]["content"]
    assert gap in instruction and "What was your own part in that?" in instruction


@pytest.mark.parametrize(("kind", "phrase"), [("opening", "introduce yourself"), ("wrap_up", "close the interview")])
def test_opening_and_wrap_up_instructions(fake_llm, interviewer, kind, phrase):
    interviewer.stream(action(kind), [] if kind == "opening" else TRANSCRIPT).read()

    assert phrase in fake_llm.requests[-1].body["messages"][-1]["content"]


def test_persona_changes_with_interview_type(interviewer):
    screening = interviewer.system_prompt(InterviewerAction("opening", "screening", "Analyst", "junior")).text
    design = interviewer.system_prompt(InterviewerAction("opening", "system_design", "Analyst", "junior")).text

    assert "screening call" in screening and "system design interview" in design


def test_a_question_action_without_a_question_is_a_bug(interviewer):
    with pytest.raises(ValueError):
        interviewer.stream(action("question"), TRANSCRIPT)


def test_failed_stream_still_yields_a_record(fake_llm, interviewer):
    fake_llm.enqueue(Reply(text="Let me ask you something else", drop_after_chunks=2))
    stream = interviewer.stream(action("question", question=QUESTION), TRANSCRIPT)

    with pytest.raises(LLMStreamInterrupted):
        stream.read()

    assert stream.record.ok is False and stream.record.error_kind == "interrupted"
