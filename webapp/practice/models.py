"""Practice sessions, their turns, scores and the LLM calls behind them."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from webapp.auth.models import utcnow
from webapp.extensions import db


class PracticeSession(db.Model):
    __tablename__ = "practice_sessions"
    __table_args__ = (Index("ix_practice_sessions_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(16))  # "interview" | "negotiation"
    interview_type: Mapped[str | None] = mapped_column(String(32), default=None)
    role_slug: Mapped[str] = mapped_column(String(64))
    level: Mapped[str] = mapped_column(String(16))
    location: Mapped[str | None] = mapped_column(String(16), default=None)
    difficulty: Mapped[str | None] = mapped_column(String(16), default=None)
    num_questions: Mapped[int] = mapped_column(default=5)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | completed
    coach: Mapped[str] = mapped_column(String(64), default="offline")
    seed: Mapped[int] = mapped_column(default=0)
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    overall_score: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)

    turns: Mapped[list[Turn]] = relationship(
        back_populates="session", order_by="Turn.position", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:
        return self.status == "active"


class Turn(db.Model):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("session_id", "position", name="uq_turns_session_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("practice_sessions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column()
    speaker: Mapped[str] = mapped_column(String(16))  # "interviewer" | "candidate"
    kind: Mapped[str] = mapped_column(String(16))  # opening | question | follow_up | answer | wrap_up | offer | message
    text: Mapped[str] = mapped_column(Text, default="")
    question_id: Mapped[str | None] = mapped_column(String(64), default=None)
    # complete | pending (waiting for the model) | interrupted (partial text kept) | failed
    status: Mapped[str] = mapped_column(String(16), default="complete")
    error: Mapped[str | None] = mapped_column(Text, default=None)
    retry_of_id: Mapped[int | None] = mapped_column(ForeignKey("turns.id", ondelete="SET NULL"), default=None)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    session: Mapped[PracticeSession] = relationship(back_populates="turns")
    score: Mapped[Score | None] = relationship(
        back_populates="turn", cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )


class Score(db.Model):
    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    turn_id: Mapped[int] = mapped_column(ForeignKey("turns.id", ondelete="CASCADE"), unique=True)
    overall: Mapped[int] = mapped_column()
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    feedback: Mapped[str] = mapped_column(Text, default="")
    stronger_answer: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[str]] = mapped_column(JSON, default=list)
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    scorer: Mapped[str] = mapped_column(String(64))
    version: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    turn: Mapped[Turn] = relationship(back_populates="score")


class LLMCall(db.Model):
    __tablename__ = "llm_calls"
    __table_args__ = (Index("ix_llm_calls_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("practice_sessions.id", ondelete="CASCADE"), default=None, index=True
    )
    turn_id: Mapped[int | None] = mapped_column(ForeignKey("turns.id", ondelete="SET NULL"), default=None)
    purpose: Mapped[str] = mapped_column(String(32))
    prompt_name: Mapped[str] = mapped_column(String(128))
    prompt_hash: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128))
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    duration_ms: Mapped[int] = mapped_column(default=0)
    ok: Mapped[bool] = mapped_column(default=True)
    error_kind: Mapped[str | None] = mapped_column(String(32), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SessionStart(db.Model):
    """One row per session started: the quota ledger, kept when a session is deleted."""

    __tablename__ = "session_starts"
    __table_args__ = (Index("ix_session_starts_user_started", "user_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
