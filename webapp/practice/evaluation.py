"""Scorer evaluation: how often a scorer ranks a better-labelled answer above a worse one."""
from __future__ import annotations

import hashlib
import json
import logging
import re
from itertools import combinations
from pathlib import Path
from typing import Any, Callable

from webapp.practice.questions import QuestionBank
from webapp.practice.types import INTERVIEW_TYPES, Question, Scorer

logger = logging.getLogger(__name__)

LABEL_RANK = {"weak": 0, "average": 1, "strong": 2}
KINDS = ("interview", "negotiation")
REQUIRED_FIELDS = {"interview": ("question", "answer", "label"), "negotiation": ("label",)}


def load_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Read labelled records, one JSON object per line; blank lines are skipped."""
    records = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{Path(path).name} line {number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{where}: invalid JSON ({exc.msg})") from exc
            if not isinstance(record, dict):
                raise ValueError(f"{where}: expected a JSON object")
            kind = record.setdefault("kind", "interview")
            if kind not in KINDS:
                raise ValueError(f"{where}: unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
            missing = [name for name in REQUIRED_FIELDS[kind] if record.get(name) in (None, "")]
            if missing:
                raise ValueError(f"{where}: missing field(s) {', '.join(missing)}")
            if record["label"] not in LABEL_RANK:
                raise ValueError(f"{where}: unknown label {record['label']!r}; expected weak, average or strong")
            records.append(record)
    return records


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def _pairs(records: list[dict[str, Any]], kind: str) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(better, worse) pairs that the scorer should order."""
    chosen = [r for r in records if r.get("kind", "interview") == kind]
    pairs = []
    for a, b in combinations(chosen, 2):
        if a["label"] == b["label"]:
            continue
        if kind == "interview" and _normalise(a["question"]) != _normalise(b["question"]):
            continue
        better, worse = (a, b) if LABEL_RANK[a["label"]] > LABEL_RANK[b["label"]] else (b, a)
        pairs.append((better, worse))
    return pairs


def _agreement(pairs: list[tuple[dict[str, Any], dict[str, Any]]], score: Callable[[dict], float]) -> float:
    """Pairs ranked correctly; a tie counts half."""
    cache: dict[int, float] = {}

    def cached(record: dict[str, Any]) -> float:
        if id(record) not in cache:
            cache[id(record)] = float(score(record))
        return cache[id(record)]

    total = 0.0
    for better, worse in pairs:
        high, low = cached(better), cached(worse)
        total += 1.0 if high > low else 0.5 if high == low else 0.0
    return total


def _summary(correct: float, pairs: int) -> dict[str, Any]:
    return {"pairwise_accuracy": round(correct / pairs, 4) if pairs else None, "pairs": pairs}


def evaluate(
    records: list[dict[str, Any]],
    score_interview: Callable[[dict], float],
    score_negotiation: Callable[[dict], float] | None = None,
) -> dict[str, dict[str, Any]]:
    """Pairwise accuracy per kind and overall; negotiation is skipped when no scorer is given."""
    interview_pairs = _pairs(records, "interview")
    interview_correct = _agreement(interview_pairs, score_interview)
    negotiation_pairs = _pairs(records, "negotiation") if score_negotiation is not None else []
    negotiation_correct = _agreement(negotiation_pairs, score_negotiation) if score_negotiation else 0.0
    report = {
        "interview": _summary(interview_correct, len(interview_pairs)),
        "negotiation": _summary(negotiation_correct, len(negotiation_pairs)),
        "overall": _summary(interview_correct + negotiation_correct, len(interview_pairs) + len(negotiation_pairs)),
    }
    logger.info("Scorer evaluation: %s", report)
    return report


def guess_interview_type(question_text: str) -> str:
    """Behavioural for 'Tell me about a time…'/'Describe a time…' questions, otherwise technical."""
    if re.match(r"\s*(?:tell me about a time|describe a time)\b", question_text, re.IGNORECASE):
        return "behavioural"
    return "technical"


def adhoc_question(record: dict[str, Any]) -> Question:
    """A bank-less Question built from an eval record."""
    text = str(record["question"]).strip()
    context = record.get("context") or {}
    interview_type = context.get("interview_type") or guess_interview_type(text)
    if interview_type not in INTERVIEW_TYPES:
        interview_type = guess_interview_type(text)
    digest = hashlib.sha256(_normalise(text).encode("utf-8")).hexdigest()[:10]
    return Question(id=f"adhoc-{digest}", interview_type=interview_type, topic="adhoc", text=text)


def interview_score_fn(scorer: Scorer, bank: QuestionBank) -> Callable[[dict], float]:
    """Map an interview record to the scorer's overall score, finding its question in the bank if possible."""

    def score(record: dict[str, Any]) -> float:
        question = bank.find_by_text(record["question"]) or adhoc_question(record)
        return float(scorer.score(question, record["answer"]).overall)

    return score
