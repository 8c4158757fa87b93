"""Signed, expiring tokens for email verification and password reset links."""
from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from webapp.auth.models import User
from webapp.extensions import db

VERIFY = "verify-email"
RESET = "reset-password"


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=f"offerready-{purpose}")


def _fingerprint(user: User) -> str:
    """Changes when the password does, so a reset link works once."""
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_token(user: User, purpose: str, next_url: str = "") -> str:
    payload = {"uid": user.id, "email": user.email, "next": next_url}
    if purpose == RESET:
        payload["fp"] = _fingerprint(user)
    return _serializer(purpose).dumps(payload)


def read_token(token: str, purpose: str) -> tuple[User | None, dict, str]:
    """The user a token names, its payload, and a problem ("" when valid)."""
    max_age = current_app.config["RESET_TOKEN_MAX_AGE" if purpose == RESET else "EMAIL_TOKEN_MAX_AGE"]
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired:
        return None, {}, "This link has expired. Ask for a new one below."
    except BadSignature:
        return None, {}, "This link isn't valid. Check you copied all of it, or ask for a new one."
    user = db.session.get(User, payload.get("uid"))
    if user is None or user.email != payload.get("email"):
        return None, {}, "This link isn't valid any more."
    if purpose == RESET and payload.get("fp") != _fingerprint(user):
        return None, {}, "This link has already been used. Ask for a new one if you still need it."
    return user, payload, ""
