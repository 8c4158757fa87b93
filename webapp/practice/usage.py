"""Tokens spent on the model: per session (shown on the page) and per user per day (the budget)."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select

from webapp.auth.models import User, utcnow
from webapp.extensions import db
from webapp.practice.models import LLMCall, PracticeSession


def tokens_used(session: PracticeSession) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(LLMCall.prompt_tokens + LLMCall.completion_tokens), 0)).where(
            LLMCall.session_id == session.id
        )
    )
    return int(total or 0)


def tokens_today(user_id: int) -> int:
    since = utcnow() - timedelta(days=1)
    total = db.session.scalar(
        select(func.coalesce(func.sum(LLMCall.prompt_tokens + LLMCall.completion_tokens), 0)).where(
            LLMCall.user_id == user_id, LLMCall.created_at >= since
        )
    )
    return int(total or 0)


def daily_token_budget(user: User) -> int:
    from webapp.plans import effective_plan

    key = "LLM_DAILY_TOKENS_PRO" if effective_plan(user).key == "pro" else "LLM_DAILY_TOKENS_FREE"
    return int(current_app.config[key])


def budget_problem(user: User) -> str | None:
    """A clear message when the user's AI allowance for the last 24 hours is spent, else None."""
    budget = daily_token_budget(user)
    if tokens_today(user.id) < budget:
        return None
    return (
        f"You've used today's AI allowance ({budget:,} tokens). It refills over the next 24 hours — "
        "meanwhile you can carry on with the offline coach."
    )
