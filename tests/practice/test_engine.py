"""The session engine alone: every phase change and the follow-up rules as the engine applies them."""
from __future__ import annotations

import pytest

from webapp.practice.engine import (
    FOLLOW_UP,
    OPENING,
    QUESTION,
    REPORT,
    WRAP_UP,
    EngineError,
    InterviewEngine,
    InterviewState,
)
from webapp.practice.types import FollowUp, Question


class TinyBank:
    def __init__(self, count: int) -> None:
        self.questions = {f"q{i}": Question(f"q{i}", "behavioural", "t", f"Question {i}?") for i in range(count)}

    def pick(self, interview_type, role, level, exclude_ids, seed):  # type: ignore[no-untyped-def]
        free = [q for qid, q in sorted(self.questions.items()) if qid not in exclude_ids]
        return free[seed % len(free)] if free else None

    def get(self, question_id):  # type: ignore[no-untyped-def]
        return self.questions.get(question_id)


def vague_policy(question: Question, answer: str) -> FollowUp | None:
    return FollowUp("example", "Can you give me an example?") if "vague" in answer else None


def new_state(total: int = 3) -> InterviewState:
    return InterviewState("behavioural", "backend-developer", "Backend Developer", "mid", total, seed=7)


def test_start_greets_then_asks_the_first_question() -> None:
    engine, state = InterviewEngine(TinyBank(5), vague_policy), new_state()
    actions = engine.start(state)
    assert [a.kind for a in actions] == [OPENING, QUESTION]
    assert actions[1].index == 1 and actions[1].total == 3
    assert state.phase == QUESTION and state.current_question_id == actions[1].question.id


def test_start_twice_is_refused() -> None:
    engine, state = InterviewEngine(TinyBank(5), vague_policy), new_state()
    engine.start(state)
    with pytest.raises(EngineError):
        engine.start(state)


def test_a_solid_answer_moves_to_the_next_question_without_repeats() -> None:
    engine, state = InterviewEngine(TinyBank(5), vague_policy), new_state()
    engine.start(state)
    action = engine.answer(state, "A specific story with a result.")
    assert action.kind == QUESTION and action.index == 2
    assert len(set(state.asked)) == len(state.asked) == 2


def test_a_lacking_answer_gets_one_follow_up_then_moves_on() -> None:
    engine, state = InterviewEngine(TinyBank(5), vague_policy), new_state()
    engine.start(state)
    first = state.current_question_id
    action = engine.answer(state, "vague answer")
    assert action.kind == FOLLOW_UP and action.follow_up.reason == "example"
    assert state.phase == FOLLOW_UP and state.current_question_id == first
    # the follow-up answer is vague too, but there is only ever one follow-up per question
    action = engine.answer(state, "still vague")
    assert action.kind == QUESTION and state.current_question_id != first


def test_after_the_last_question_the_engine_wraps_up() -> None:
    engine, state = InterviewEngine(TinyBank(5), vague_policy), new_state(total=2)
    engine.start(state)
    engine.answer(state, "good")
    action = engine.answer(state, "good")
    assert action.kind == WRAP_UP and state.phase == WRAP_UP and state.finished
    with pytest.raises(EngineError):
        engine.answer(state, "one more")
    engine.finish(state)
    assert state.phase == REPORT


def test_ending_early_wraps_up_once() -> None:
    engine, state = InterviewEngine(TinyBank(5), vague_policy), new_state()
    engine.start(state)
    assert engine.end(state).kind == WRAP_UP
    assert engine.end(state) is None  # already wrapping up: nothing more to say
    engine.finish(state)
    assert engine.end(state) is None


def test_a_small_bank_finishes_early_instead_of_repeating() -> None:
    engine, state = InterviewEngine(TinyBank(1), vague_policy), new_state(total=3)
    engine.start(state)
    assert engine.answer(state, "good").kind == WRAP_UP
    assert state.asked == ["q0"]


def test_state_round_trips_through_plain_data() -> None:
    engine, state = InterviewEngine(TinyBank(5), vague_policy), new_state()
    engine.start(state)
    engine.answer(state, "vague")
    again = InterviewState.from_dict(state.to_dict())
    assert again == state
    assert engine.answer(again, "good").kind == QUESTION
