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


def session_markdown(session: PracticeSession) -> str:
    """The transcript with scores, as Markdown (for the export button)."""
    from webapp.salaries import get_role

    role = get_role(session.role_slug)
    title = "Negotiation practice" if session.mode == "negotiation" else "Interview practice"
    kind = (session.interview_type or "").replace("_", " ")
    lines = [
        f"# {title}: {role.name if role else session.role_slug}",
        "",
        f"- Date: {session.created_at:%d %B %Y %H:%M} UTC",
        f"- Level: {session.level}" + (f" · Type: {kind}" if kind else "")
        + (f" · Location: {session.location}" if session.location else ""),
        f"- Coach: {session.coach}",
        f"- Overall score: {session.overall_score if session.overall_score is not None else 'not scored yet'}",
        "",
        "## Transcript",
        "",
    ]
    for turn in session.turns:
        who = "Hiring manager" if turn.speaker == "interviewer" else "You"
        if turn.retry_of_id:
            who = "You (another attempt)"
        status = "" if turn.status == "complete" else f" _({turn.status})_"
        lines.append(f"**{who}:**{status}")
        lines.append("")
        lines.extend(f"> {line}" if line else ">" for line in (turn.text or "").splitlines() or [""])
        lines.append("")
        if turn.score is not None:
            s = turn.score
            lines.append(f"Score: **{s.overall}/100** ({s.scorer})")
            for c in s.criteria:
                lines.append(f"- {c.get('name', '').capitalize()}: {c.get('score')}/5 — {c.get('feedback', '')}")
            if s.feedback:
                lines.append(f"- Feedback: {s.feedback}")
            if s.stronger_answer:
                lines.append(f"- {s.stronger_answer}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
