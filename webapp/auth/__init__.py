"""Accounts: sign-up, login, email verification, password reset and the account page."""
from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from webapp.extensions import db, login_manager

bp = Blueprint("auth", __name__)


@login_manager.user_loader
def load_user(session_token: str):  # type: ignore[no-untyped-def]
    from webapp.auth.models import User

    return db.session.scalar(select(User).where(User.session_token == session_token))


from webapp.auth import account, models, routes  # noqa: E402,F401  (registers views and models)
