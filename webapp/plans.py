"""Plans, the free trial and quotas, checked on the server."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import func, select

from webapp.auth.models import User, utcnow
from webapp.extensions import db


@dataclass(frozen=True)
class Plan:
    key: str
    name: str
    price: str
    monthly_sessions: int | None  # None: unlimited
    features: tuple[str, ...]


def plans() -> dict[str, Plan]:
    free_quota = current_app.config["FREE_SESSIONS_PER_MONTH"]
    return {
        "free": Plan(
            "free",
            "Free",
            "£0",
            free_quota,
            (
                f"{free_quota} practice sessions a month",
                "Interview and negotiation practice",
                "Offline coach scoring with feedback",
                "Transcripts, progress chart and export",
            ),
        ),
        "pro": Plan(
            "pro",
            "Pro",
            "£12 / month",
            None,
            (
                "Unlimited practice sessions",
                "The AI hiring manager, when configured",
                "A larger daily AI allowance",
                "Everything in Free",
            ),
        ),
    }


def in_trial(user: User, now: datetime | None = None) -> bool:
    return user.trial_ends_at is not None and (now or utcnow()) < user.trial_ends_at


def effective_plan(user: User, now: datetime | None = None) -> Plan:
    """Pro while paid for or during the trial; Free otherwise."""
    key = "pro" if user.plan == "pro" or in_trial(user, now) else "free"
    return plans()[key]


def trial_days_left(user: User, now: datetime | None = None) -> int:
    if not in_trial(user, now):
        return 0
    remaining = user.trial_ends_at - (now or utcnow())  # type: ignore[operator]
    return max(1, math.ceil(remaining.total_seconds() / 86400))


def trial_ended(user: User, now: datetime | None = None) -> bool:
    """The trial has run out and the account is on Free."""
    return user.plan != "pro" and user.trial_ends_at is not None and not in_trial(user, now)


def period_start(now: datetime | None = None) -> datetime:
    now = now or utcnow()
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def sessions_used(user: User, now: datetime | None = None) -> int:
    """Practice sessions started this calendar month (deleted ones still count)."""
    from webapp.practice.models import SessionStart

    return db.session.scalar(
        select(func.count(SessionStart.id)).where(
            SessionStart.user_id == user.id, SessionStart.started_at >= period_start(now)
        )
    ) or 0


@dataclass(frozen=True)
class Usage:
    plan: Plan
    used: int
    left: int | None  # None: unlimited
    trial_days_left: int
    trial_ended: bool


def usage(user: User, now: datetime | None = None) -> Usage:
    plan = effective_plan(user, now)
    used = sessions_used(user, now)
    left = None if plan.monthly_sessions is None else max(0, plan.monthly_sessions - used)
    return Usage(plan, used, left, trial_days_left(user, now), trial_ended(user, now))


def can_start_session(user: User, now: datetime | None = None) -> tuple[bool, str]:
    """Whether the quota allows one more session, and the message to show if not."""
    info = usage(user, now)
    if info.left is None or info.left > 0:
        return True, ""
    return False, (
        f"You've used all {info.plan.monthly_sessions} practice sessions on the Free plan this month. "
        "Your allowance resets on the 1st, or upgrade to Pro for unlimited practice."
    )
