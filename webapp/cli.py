"""Command-line tools: `flask accounts ...` (and each feature's own groups)."""
from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from webapp.extensions import db

accounts = AppGroup("accounts", help="Manage accounts.")


@accounts.command("set-plan")
@click.argument("email")
@click.argument("plan", type=click.Choice(["free", "pro"]))
def set_plan(email: str, plan: str) -> None:
    """Put the account EMAIL on PLAN (until payments exist)."""
    from webapp.auth.forms import normalise_email
    from webapp.auth.models import User

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"No account with the email {email!r}.")
    user.plan = plan
    db.session.commit()
    click.echo(f"{user.email} is now on the {plan} plan.")


def init_app(app: Flask) -> None:
    from webapp.practice.cli import practice_cli

    app.cli.add_command(accounts)
    app.cli.add_command(practice_cli)
