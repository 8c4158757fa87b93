"""The interview question bank: TOML files under prompts/questions, loaded and validated once."""
from __future__ import annotations

import functools
import logging
import random
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from webapp.practice.types import INTERVIEW_TYPES, LEVELS, KeyPoint, Question

logger = logging.getLogger(__name__)

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "prompts" / "questions"
OPENING_TOPIC = "introduction"  # the screening question asked first ("Tell me about yourself")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


@dataclass(frozen=True)
class QuestionBank:
    """Every question in the bank, with lookups and seeded picking."""

    version: str
    questions: tuple[Question, ...]

    def get(self, question_id: str) -> Question | None:
        """The question with this id, if any."""
        return next((q for q in self.questions if q.id == question_id), None)

    def find_by_text(self, text: str) -> Question | None:
        """The question whose text matches, ignoring case and whitespace."""
        wanted = _normalise(text)
        return next((q for q in self.questions if _normalise(q.text) == wanted), None)

    def candidates(self, interview_type: str, role: str, level: str) -> list[Question]:
        """Questions of this type suited to the role and level, in bank order."""
        return [
            q
            for q in self.questions
            if q.interview_type == interview_type and level in q.levels and _suits_role(q, role)
        ]

    def pick(
        self,
        interview_type: str,
        role: str,
        level: str,
        exclude_ids: Iterable[str] = (),
        seed: int = 0,
    ) -> Question | None:
        """A seeded choice of the next question, never one already asked; None when none are left."""
        excluded = set(exclude_ids)
        same_type = [q for q in self.questions if q.interview_type == interview_type and q.id not in excluded]
        if not same_type:
            return None
        if interview_type == "screening":
            opener = [q for q in same_type if q.topic == OPENING_TOPIC and _suits_role(q, role)]
            if opener:
                return opener[0]
        # Prefer the exact level, then other levels; prefer the role, then any question of the type.
        tiers = (
            [q for q in same_type if level in q.levels and _suits_role(q, role)],
            [q for q in same_type if _suits_role(q, role)],
            [q for q in same_type if level in q.levels],
            same_type,
        )
        pool = next(tier for tier in tiers if tier)
        # Mixing the excluded count into the seed varies the order across a session yet stays reproducible.
        rng = random.Random(f"{seed}:{interview_type}:{role}:{level}:{len(excluded)}")
        return rng.choice(sorted(pool, key=lambda q: q.id))


def _suits_role(question: Question, role: str) -> bool:
    return "*" in question.roles or role in question.roles


def load_bank(directory: Path | None = None) -> QuestionBank:
    """Load and validate every *.toml question file in the directory (default: prompts/questions)."""
    directory = Path(directory) if directory is not None else DEFAULT_DIRECTORY
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise ValueError(f"No question files (*.toml) found in {directory}")
    questions: list[Question] = []
    versions: list[str] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"{path.name}: invalid TOML: {exc}") from exc
        version = data.get("version")
        if not isinstance(version, str) or not version.strip():
            raise ValueError(f"{path.name}: missing top-level version string")
        versions.append(version.strip())
        entries = data.get("questions")
        if not isinstance(entries, list) or not entries:
            raise ValueError(f"{path.name}: expected at least one [[questions]] table")
        for number, entry in enumerate(entries, start=1):
            question = _parse_question(entry, f"{path.name} question #{number}")
            if question.id in seen:
                raise ValueError(
                    f"{path.name}: duplicate question id {question.id!r} (first seen in {seen[question.id]})"
                )
            seen[question.id] = path.name
            questions.append(question)
    unique_versions = sorted(set(versions))
    bank = QuestionBank(version="+".join(unique_versions), questions=tuple(questions))
    logger.info("Loaded %d questions (version %s) from %s", len(questions), bank.version, directory)
    return bank


@functools.cache
def default_bank() -> QuestionBank:
    """The bank shipped with the app, loaded once per process."""
    return load_bank()


def _parse_question(entry: Any, where: str) -> Question:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: expected a table")
    qid = _text(entry, "id", where)
    where = f"{where} ({qid})"
    interview_type = _text(entry, "type", where)
    if interview_type not in INTERVIEW_TYPES:
        raise ValueError(f"{where}: unknown type {interview_type!r}; expected one of {', '.join(INTERVIEW_TYPES)}")
    levels = _strings(entry, "levels", where) or LEVELS
    unknown = [level for level in levels if level not in LEVELS]
    if unknown:
        raise ValueError(f"{where}: unknown level(s) {', '.join(unknown)}; expected {', '.join(LEVELS)}")
    key_points = []
    for raw in entry.get("key_points", []):
        if not isinstance(raw, dict):
            raise ValueError(f"{where}: each key point must be a table")
        keywords = tuple(k.strip().lower() for k in _strings(raw, "keywords", where) if k.strip())
        key_points.append(KeyPoint(text=_text(raw, "text", f"{where} key point"), keywords=keywords))
    return Question(
        id=qid,
        interview_type=interview_type,
        topic=_text(entry, "topic", where),
        text=_text(entry, "text", where),
        levels=levels,
        roles=_strings(entry, "roles", where) or ("*",),
        key_points=tuple(key_points),
        red_flags=_strings(entry, "red_flags", where),
        follow_ups=_strings(entry, "follow_ups", where),
    )


def _text(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{where}: {key!r} must be a non-empty string")
    return value.strip()


def _strings(entry: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)
