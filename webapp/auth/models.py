"""The account: who you are, how you log in, and which plan you are on."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from webapp.extensions import db

PASSWORD_METHOD = "scrypt"


def utcnow() -> datetime:
    """Naive UTC now: the same on SQLite and PostgreSQL."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Flask-Login identifies sessions by this token; rotating it logs every session out.
    session_token: Mapped[str] = mapped_column(String(64), unique=True, default=_new_session_token)
    email_verified_at: Mapped[datetime | None] = mapped_column(default=None)
    plan: Mapped[str] = mapped_column(String(16), default="free")
    trial_ends_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def rotate_session_token(self) -> None:
        """Invalidate every existing session and remember-me cookie of this user."""
        self.session_token = _new_session_token()

    def get_id(self) -> str:
        return self.session_token

    def start_trial(self, days: int) -> None:
        self.trial_ends_at = utcnow() + timedelta(days=days)

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id}>"


# A password hash nobody has: checked on unknown emails so login takes the same time either way.
DUMMY_HASH = generate_password_hash(secrets.token_hex(16), method=PASSWORD_METHOD)
