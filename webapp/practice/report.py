"""The end-of-session report and the transcript as the pages show it."""
from __future__ import annotations

from dataclasses import dataclass, field

from webapp.practice.models import PracticeSession, Score, Turn
from webapp.practice.types import CRITERIA, CRITERION_LABELS

ADVICE = {
    "relevance": "Answer the exact question first, in one sentence, before adding context.",
    "structure": "Shape stories as Situation, Task, Action, Result — and technical answers as "
    "requirements, approach, trade-offs.",
    "specificity": "Name the system, the tools and the numbers: one concrete example beats three general claims.",
    "ownership": "Say what *you* did — 'I proposed', 'I built' — and keep 'we' for the team's part.",
    "impact": "Finish with the result: what changed, by how much, and what you learned.",
    "delivery": "Aim for one to two minutes spoken (roughly 150–300 words) and cut filler words.",
}


@dataclass
class TranscriptItem:
    turn: Turn
    attempts: list[Turn] = field(default_factory=list)  # later attempts at this answer


def transcript(session: PracticeSession) -> list[TranscriptItem]:
    """Turns in order, with retried attempts attached under the answer they retry."""
    items: list[TranscriptItem] = []
    by_id: dict[int, TranscriptItem] = {}
    for turn in session.turns:
        if turn.retry_of_id and turn.retry_of_id in by_id:
            by_id[turn.retry_of_id].attempts.append(turn)
            continue
        item = TranscriptItem(turn)
        by_id[turn.id] = item
        items.append(item)
    return items


@dataclass
class Report:
    overall: int | None
    criteria: list[tuple[str, float]]  # (label, average 1..5)
    best: tuple[Turn, Score] | None
    weakest: tuple[Turn, Score] | None
    work_on: list[str]
    answered: int
    asked: int


def _question_text(session: PracticeSession, turn: Turn) -> str:
    for t in session.turns:
        if t.speaker == "interviewer" and t.kind == "question" and t.question_id == turn.question_id:
            return t.text
    return ""


def build_report(session: PracticeSession) -> Report:
    scored = [(t, t.score) for t in session.turns if t.speaker == "candidate" and t.score is not None]
    totals: dict[str, list[int]] = {name: [] for name in CRITERIA}
    for _turn, score in scored:
        for c in score.criteria:
            if c.get("name") in totals:
                totals[c["name"]].append(int(c["score"]))
    averages = [(name, sum(v) / len(v)) for name, v in totals.items() if v]
    work_on: list[str] = []
    for name, avg in sorted(averages, key=lambda item: item[1])[:3]:
        if avg < 4.5:
            work_on.append(f"{CRITERION_LABELS[name]} (average {avg:.1f}/5): {ADVICE[name]}")
    best = max(scored, key=lambda ts: ts[1].overall) if scored else None
    weakest = min(scored, key=lambda ts: ts[1].overall) if scored else None
    if weakest and weakest[1].stronger_answer and len(work_on) < 3:
        work_on.append(f"Your weakest answer: {weakest[1].stronger_answer}")
    if not work_on and scored:
        work_on.append("Strong across the board — try a harder level or a different interview type next.")
    questions = {t.question_id for t in session.turns if t.kind == "question"}
    answered = {t.question_id for t, _s in scored}
    return Report(
        overall=session.overall_score,
        criteria=[(CRITERION_LABELS[name], avg) for name, avg in averages],
        best=best,
        weakest=weakest if weakest is not best or len(scored) == 1 else None,
        work_on=work_on[:3],
        answered=len(answered),
        asked=len(questions),
    )


def question_for(session: PracticeSession, turn: Turn) -> str:
    return _question_text(session, turn)
