"""Tokens: the interviewer's prompt size per turn, the app's bounded context vs sending the full history.

A 20-turn interview (20 hiring-manager replies written by the model) is played through the real engine, the
offline coach's wording for what the hiring manager said, and realistic candidate answers. For each turn the
prompt is built two ways: `build_interviewer_messages` (persona, a short recap, the last 4 turns verbatim, the
instruction) and the naive baseline (persona, every earlier turn verbatim, the instruction). Tokens are counted
as characters / 4 (no tokenizer is installed; the ratio is what matters).

    .venv/bin/python bench/tokens.py [--turns 20] [--json out.json]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

from webapp.practice.coach import OfflineCoach  # noqa: E402
from webapp.practice.engine import InterviewEngine, InterviewState  # noqa: E402
from webapp.practice.llm.context import DATA_RULE, build_interviewer_messages, fence_answer  # noqa: E402
from webapp.practice.llm.interviewer import LLMInterviewer  # noqa: E402
from webapp.practice.llm.prompts import PromptLibrary  # noqa: E402
from webapp.practice.offline_coach import detect_follow_up  # noqa: E402
from webapp.practice.questions import default_bank  # noqa: E402
from webapp.practice.types import TranscriptTurn  # noqa: E402

LONG_ANSWERS = [
    " ".join([common.ANSWERS[0], common.ANSWERS[2]]),
    " ".join([common.ANSWERS[2], common.ANSWERS[1]]),
    " ".join([common.ANSWERS[1], common.ANSWERS[0], common.ANSWERS[2]]),
    common.ANSWERS[3],
]


def tokens(messages: list[dict[str, Any]]) -> int:
    """Approximate tokens: characters of content / 4, plus a few per message for the chat framing."""
    return sum(len(str(m["content"])) for m in messages) // 4 + 4 * len(messages)


def full_history_messages(persona: str, transcript: list[TranscriptTurn], instruction: str) -> list[dict[str, Any]]:
    """The naive prompt: every earlier turn verbatim (answers still fenced as data), nothing summarised."""
    messages = [{"role": "system", "content": f"{persona.strip()}\n\n{DATA_RULE}"}]
    for turn in transcript:
        if turn.speaker == "candidate":
            messages.append({"role": "user", "content": fence_answer(turn.text, limit=10**9)})
        else:
            messages.append({"role": "assistant", "content": turn.text})
    messages.append({"role": "system", "content": instruction.strip()})
    return messages


def play(turns: int) -> tuple[list[int], list[int]]:
    """Prompt tokens per model-written turn: (bounded context, full history)."""
    engine = InterviewEngine(default_bank(), detect_follow_up)
    coach = OfflineCoach()
    interviewer = LLMInterviewer(client=None, settings=None, prompts=PromptLibrary())  # type: ignore[arg-type]
    state = InterviewState(interview_type="behavioural", role_slug="software-engineer", role_name="Software Engineer",
                           level="mid", total_questions=turns, seed=7)
    transcript: list[TranscriptTurn] = []
    bounded: list[int] = []
    full: list[int] = []
    actions = engine.start(state)
    transcript.append(TranscriptTurn("interviewer", coach.phrase(actions[0]), "opening"))  # written offline
    action = actions[1]
    answer_no = 0
    while len(bounded) < turns:
        persona = interviewer.system_prompt(action).text
        instruction = interviewer.instruction(action).text
        bounded.append(tokens(build_interviewer_messages(persona, transcript, action, instruction)))
        full.append(tokens(full_history_messages(persona, transcript, instruction)))
        transcript.append(TranscriptTurn("interviewer", coach.phrase(action), action.kind))
        if action.kind == "wrap_up":
            break
        answer = LONG_ANSWERS[answer_no % len(LONG_ANSWERS)]
        answer_no += 1
        transcript.append(TranscriptTurn("candidate", answer, "answer"))
        action = engine.answer(state, answer)
    return bounded, full


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20)
    parser.add_argument("--json")
    args = parser.parse_args()
    bounded, full = play(args.turns)
    n = len(bounded)
    print(f"prompt tokens (chars/4) per turn, {n} turns")
    print("turn  bounded  full-history")
    for i, (b, f) in enumerate(zip(bounded, full), start=1):
        print(f"{i:>4}  {b:>7}  {f:>12}")
    ratio = bounded[-1] / full[-1]
    print(f"turn {n}: bounded {bounded[-1]} vs full history {full[-1]} tokens: ratio {ratio:.2f} "
          f"({1 - ratio:.0%} fewer); whole session {sum(bounded)} vs {sum(full)} ({sum(bounded) / sum(full):.2f})")
    common.write_result(args.json, {"turns": n, "bounded": bounded, "full": full, "ratio_last": ratio,
                                    "session_bounded": sum(bounded), "session_full": sum(full),
                                    "session_ratio": sum(bounded) / sum(full), "machine": common.machine_info()})
    return 0


if __name__ == "__main__":
    sys.exit(main())
