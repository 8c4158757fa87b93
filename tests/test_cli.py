"""`flask accounts ...`: managing accounts from the command line."""
from __future__ import annotations

from sqlalchemy import select

from webapp.auth.models import User
from webapp.extensions import db
from webapp.plans import effective_plan


def _plan(app, email: str = "alex@example.com") -> tuple[str, str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return user.plan, effective_plan(user).key


def test_set_plan_to_pro(app, actions):
    actions.create_user(trial=False)
    assert _plan(app) == ("free", "free")
    result = app.test_cli_runner().invoke(args=["accounts", "set-plan", "alex@example.com", "pro"])
    assert result.exit_code == 0, result.output
    assert "alex@example.com is now on the pro plan." in result.output
    assert _plan(app) == ("pro", "pro")


def test_set_plan_back_to_free(app, actions):
    actions.create_user(plan="pro", trial=False)
    result = app.test_cli_runner().invoke(args=["accounts", "set-plan", "alex@example.com", "free"])
    assert result.exit_code == 0
    assert _plan(app) == ("free", "free")


def test_set_plan_finds_the_account_whatever_the_case(app, actions):
    actions.create_user(trial=False)
    result = app.test_cli_runner().invoke(args=["accounts", "set-plan", " Alex@Example.COM ", "pro"])
    assert result.exit_code == 0, result.output
    assert _plan(app)[0] == "pro"


def test_set_plan_for_unknown_email_fails(app, actions):
    actions.create_user(trial=False)
    result = app.test_cli_runner().invoke(args=["accounts", "set-plan", "nobody@example.com", "pro"])
    assert result.exit_code != 0
    assert "No account with the email 'nobody@example.com'" in result.output
    assert _plan(app)[0] == "free"


def test_set_plan_refuses_an_unknown_plan(app, actions):
    actions.create_user(trial=False)
    result = app.test_cli_runner().invoke(args=["accounts", "set-plan", "alex@example.com", "platinum"])
    assert result.exit_code == 2
    assert "platinum" in result.output
    assert _plan(app)[0] == "free"
