"""A session as plain data (JSON export) and as Markdown."""
from __future__ import annotations

from typing import Any

from webapp.practice.models import PracticeSession, Turn


def turn_to_dict(turn: Turn) -> dict[str, Any]:
    data: dict[str, Any] = {
        "position": turn.position,
        "speaker": turn.speaker,
        "kind": turn.kind,
        "text": turn.text,
        "status": turn.status,
        "created_at": turn.created_at,
    }
    if turn.question_id:
        data["question_id"] = turn.question_id
    if turn.score is not None:
        s = turn.score
        data["score"] = {
            "overall": s.overall,
            "criteria": s.criteria,
            "feedback": s.feedback,
            "stronger_answer": s.stronger_answer,
            "evidence": s.evidence,
            "flags": s.flags,
            "scorer": s.scorer,
            "version": s.version,
        }
    return data


def session_to_dict(session: PracticeSession) -> dict[str, Any]:
    return {
        "id": session.id,
        "mode": session.mode,
        "interview_type": session.interview_type,
        "role": session.role_slug,
        "level": session.level,
        "location": session.location,
        "difficulty": session.difficulty,
        "status": session.status,
        "coach": session.coach,
        "overall_score": session.overall_score,
        "created_at": session.created_at,
        "completed_at": session.completed_at,
        "turns": [turn_to_dict(t) for t in session.turns],
    }
