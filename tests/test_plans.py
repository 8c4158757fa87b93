"""Plans, the trial and the monthly quota, as the account page and the practice pages see them."""
from __future__ import annotations

import html
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from webapp.auth.models import User, utcnow
from webapp.extensions import db
from webapp.plans import can_start_session, effective_plan, period_start, sessions_used, trial_days_left, usage
from webapp.practice.models import SessionStart

TRIAL_OVER = "Your free Pro trial has ended, so your account is now on the Free plan."


def _set(app, user_id: int, **values) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        user = db.session.get(User, user_id)
        for key, value in values.items():
            setattr(user, key, value)
        db.session.commit()


def _starts(app, user_id: int, count: int, when: datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        for _ in range(count):
            db.session.add(SessionStart(user_id=user_id, mode="interview", started_at=when or utcnow()))
        db.session.commit()


@pytest.fixture()
def in_app(app):  # type: ignore[no-untyped-def]
    """Run a function with a fresh copy of a user inside an app context."""

    def run(user_id: int, fn, *args, **kwargs):  # type: ignore[no-untyped-def]
        with app.app_context():
            return fn(db.session.get(User, user_id), *args, **kwargs)

    return run


# ---- the trial -------------------------------------------------------------------------------------------------


def test_during_the_trial_the_plan_is_pro(actions, in_app):
    user_id = actions.create_user()
    assert in_app(user_id, lambda u: effective_plan(u).key) == "pro"
    assert in_app(user_id, trial_days_left) == 14


@pytest.mark.parametrize(("hours", "days"), [(1, 1), (23, 1), (25, 2), (14 * 24, 14)])
def test_trial_days_left_counts_part_days_as_whole(hours, days):
    now = utcnow()
    user = User(email="alex@example.com", trial_ends_at=now + timedelta(hours=hours))
    assert trial_days_left(user, now) == days


def test_when_the_trial_ends_the_plan_is_free_and_the_app_says_so(app, actions, client, in_app):
    user_id = actions.signup_and_login()
    _set(app, user_id, trial_ends_at=utcnow() - timedelta(seconds=1))

    assert in_app(user_id, lambda u: effective_plan(u).key) == "free"
    info = in_app(user_id, usage)
    assert info.trial_ended and info.trial_days_left == 0

    account = html.unescape(client.get("/account").get_data(as_text=True))
    assert TRIAL_OVER in account  # the banner
    assert 'data-testid="plan-name">Free<' in account
    assert "Your Pro trial has ended, so you're on the Free plan." in account
    assert TRIAL_OVER in html.unescape(client.get("/pricing").get_data(as_text=True))  # on every page


def test_no_trial_banner_during_the_trial_or_when_logged_out(actions, client):
    assert TRIAL_OVER not in html.unescape(client.get("/").get_data(as_text=True))
    actions.signup_and_login()
    assert TRIAL_OVER not in html.unescape(client.get("/account").get_data(as_text=True))


def test_paid_pro_account_stays_pro_after_the_trial(app, actions, client, in_app):
    user_id = actions.signup_and_login(plan="pro")
    _set(app, user_id, trial_ends_at=utcnow() - timedelta(days=1))
    assert in_app(user_id, lambda u: effective_plan(u).key) == "pro"
    account = html.unescape(client.get("/account").get_data(as_text=True))
    assert TRIAL_OVER not in account
    assert 'data-testid="plan-name">Pro<' in account
    assert "trial-days-left" not in account


# ---- the monthly quota -------------------------------------------------------------------------------------------


def test_free_account_within_its_quota_can_start(app, actions, in_app):
    user_id = actions.create_user(trial=False)
    _starts(app, user_id, app.config["FREE_SESSIONS_PER_MONTH"] - 1)
    assert in_app(user_id, can_start_session) == (True, "")


def test_free_account_over_its_quota_cannot_start(app, actions, client, in_app):
    limit = app.config["FREE_SESSIONS_PER_MONTH"]
    user_id = actions.signup_and_login(trial=False)
    _starts(app, user_id, limit)

    allowed, message = in_app(user_id, can_start_session)
    assert allowed is False
    assert f"You've used all {limit} practice sessions on the Free plan this month." in message
    assert "upgrade to Pro" in message

    account = html.unescape(client.get("/account").get_data(as_text=True))
    assert f"Practice sessions this month: {limit} used, 0 left." in account


def test_sessions_from_last_month_do_not_count(app, actions, in_app):
    user_id = actions.create_user(trial=False)
    now = utcnow()
    _starts(app, user_id, 10, when=period_start(now) - timedelta(seconds=1))
    _starts(app, user_id, 1, when=period_start(now))
    assert in_app(user_id, sessions_used, now) == 1
    assert in_app(user_id, can_start_session, now)[0] is True


def test_other_peoples_sessions_do_not_count(app, actions, in_app):
    user_id = actions.create_user(trial=False)
    other = actions.create_user("other@example.com", trial=False)
    _starts(app, other, 10)
    assert in_app(user_id, sessions_used) == 0


@pytest.mark.parametrize("kwargs", [{"trial": True}, {"trial": False, "plan": "pro"}])
def test_pro_and_trial_accounts_are_unlimited(app, actions, in_app, kwargs):
    user_id = actions.create_user(**kwargs)
    _starts(app, user_id, app.config["FREE_SESSIONS_PER_MONTH"] + 5)
    assert in_app(user_id, can_start_session) == (True, "")
    assert in_app(user_id, usage).left is None


def test_pricing_page_shows_the_free_quota(app, client):
    page = html.unescape(client.get("/pricing").get_data(as_text=True))
    assert f"{app.config['FREE_SESSIONS_PER_MONTH']} practice sessions a month" in page
    assert "Unlimited practice sessions" in page


def test_period_start_is_the_first_of_the_month():
    assert period_start(datetime(2026, 3, 17, 15, 4, 5, 6)) == datetime(2026, 3, 1)


def test_deleting_the_account_leaves_no_quota_rows(app, actions, in_app):
    user_id = actions.create_user(trial=False)
    _starts(app, user_id, 2)
    with app.app_context():
        db.session.delete(db.session.get(User, user_id))
        db.session.commit()
        assert db.session.scalars(select(SessionStart)).all() == []
