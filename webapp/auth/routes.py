"""Sign up, log in and out, verify email, reset a forgotten password."""
from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash

from webapp.auth import bp
from webapp.auth.forms import (
    EmptyForm,
    LoginForm,
    RequestResetForm,
    ResendVerificationForm,
    ResetPasswordForm,
    SignupForm,
)
from webapp.auth.models import DUMMY_HASH, User, utcnow
from webapp.auth.tokens import RESET, VERIFY, make_token, read_token
from webapp.extensions import db, form_email_key, limiter
from webapp.mail import outbox_messages, send_mail

logger = logging.getLogger(__name__)


def _ip_limit() -> str:
    return current_app.config["AUTH_RATE_LIMIT"]


def _account_limit() -> str:
    return current_app.config["AUTH_ACCOUNT_RATE_LIMIT"]


auth_limits = [
    limiter.limit(_ip_limit, methods=["POST"]),
    limiter.limit(_account_limit, methods=["POST"], key_func=form_email_key),
]


def rate_limited(view):  # type: ignore[no-untyped-def]
    """Per-IP and per-account limits on a view's POSTs."""
    for decorate in auth_limits:
        view = decorate(view)
    return view


def safe_next(target: str | None) -> str | None:
    """A local path to return to after login, or None (no open redirects)."""
    if not target:
        return None
    target = target.strip()
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith(("//", "/\\")):
        return None
    if any(ch in target for ch in "\r\n\\"):
        return None
    return target


def _home() -> str:
    return url_for("practice.home")


def _login(user: User, remember: bool = False) -> None:
    session.clear()  # a fresh session on every login: no fixation
    login_user(user, remember=remember)


@bp.route("/signup", methods=["GET", "POST"])
@rate_limited
def signup():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or _home())
    form = SignupForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        email = form.email.data
        next_url = safe_next(form.next.data) or ""
        existing = db.session.scalar(select(User).where(User.email == email))
        candidate = User(email=email)
        candidate.set_password(form.password.data)  # hash either way: the same work and timing
        if existing is None:
            candidate.start_trial(current_app.config["TRIAL_DAYS"])
            db.session.add(candidate)
            db.session.commit()
            _send_verification(candidate, next_url)
            logger.info("account created: user %s", candidate.id)
        else:
            _send_already_registered(existing, next_url)
        session["signup_email"] = email
        return redirect(url_for("auth.check_email"))
    return render_template("auth/signup.html", form=form), 200 if not form.errors else 422


@bp.get("/signup/check-email")
def check_email():  # type: ignore[no-untyped-def]
    email = session.get("signup_email")
    if not email:
        return redirect(url_for("auth.signup"))
    dev_outbox = _dev_outbox_enabled()
    return render_template("auth/check_email.html", email=email, dev_outbox=dev_outbox)


def _send_verification(user: User, next_url: str = "") -> None:
    link = url_for("auth.verify_email", token=make_token(user, VERIFY, next_url), _external=True)
    send_mail(
        user.email,
        "Confirm your email for OfferReady",
        "Welcome to OfferReady!\n\n"
        "Confirm your email address to finish setting up your account (your free Pro trial has already started):\n\n"
        f"{link}\n\n"
        "The link works for 48 hours. If you didn't sign up, you can ignore this email.\n",
    )


def _send_already_registered(user: User, next_url: str = "") -> None:
    login = url_for("auth.login", next=next_url or None, _external=True)
    reset = url_for("auth.request_reset", _external=True)
    send_mail(
        user.email,
        "You already have an OfferReady account",
        "Someone (hopefully you) tried to sign up to OfferReady with this email address, "
        "but it already has an account.\n\n"
        f"Log in here: {login}\n"
        f"Forgotten your password? Reset it here: {reset}\n\n"
        "If this wasn't you, you can ignore this email; your account is unchanged.\n",
    )


@bp.get("/verify/<token>")
def verify_email(token: str):  # type: ignore[no-untyped-def]
    user, payload, problem = read_token(token, VERIFY)
    if user is None:
        flash(problem, "error")
        return redirect(url_for("auth.login"))
    next_url = safe_next(payload.get("next"))
    if user.email_verified_at is not None:
        # Used already: the link logs in once, so an old email can't stand in for the password.
        if current_user.is_authenticated and current_user.id == user.id:
            return redirect(next_url or _home())
        flash("Your email is already confirmed. Log in to continue.", "info")
        return redirect(url_for("auth.login", next=next_url))
    user.email_verified_at = utcnow()
    db.session.commit()
    _login(user)
    flash("Your email is confirmed — welcome to OfferReady. Your free Pro trial is running; enjoy!", "success")
    return redirect(next_url or _home())


@bp.post("/verify/resend")
@login_required
@limiter.limit("3 per hour")
def resend_verification():  # type: ignore[no-untyped-def]
    if ResendVerificationForm().validate_on_submit() and not current_user.is_verified:
        _send_verification(current_user)
        flash("We've sent a new confirmation link to your email.", "success")
    return redirect(url_for("auth.account"))


@bp.route("/login", methods=["GET", "POST"])
@rate_limited
def login():  # type: ignore[no-untyped-def]
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")) or _home())
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data))
        if user is not None and user.check_password(form.password.data):
            next_url = safe_next(form.next.data)
            _login(user, remember=form.remember.data)
            return redirect(next_url or _home())
        if user is None:
            check_password_hash(DUMMY_HASH, form.password.data)  # same cost as a real check
        form.form_errors.append("That email and password don't match an account. Check them and try again.")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form), 200 if not form.errors else 422


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    if not EmptyForm().validate_on_submit():
        return redirect(_home())
    current_user.rotate_session_token()  # the old cookie (and any remember-me cookie) stops working
    db.session.commit()
    session.clear()
    logout_user()  # after clear(): it leaves the note that deletes the remember-me cookie
    flash("You're logged out. See you next time!", "info")
    return redirect(url_for("guides.landing"))


@bp.route("/reset", methods=["GET", "POST"])
@rate_limited
def request_reset():  # type: ignore[no-untyped-def]
    form = RequestResetForm()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == form.email.data))
        if user is not None:
            link = url_for("auth.reset_password", token=make_token(user, RESET), _external=True)
            send_mail(
                user.email,
                "Reset your OfferReady password",
                f"Use this link to choose a new password (it works once, for one hour):\n\n{link}\n\n"
                "If you didn't ask for this, ignore this email; your password is unchanged.\n",
            )
        flash(
            "If that address has an account, we've sent a link to reset the password. Check your inbox.", "info"
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/request_reset.html", form=form), 200 if not form.errors else 422


def _reset_link_key() -> str:
    """Rate-limit key for the new-password form: the link itself (the form has no email to key on)."""
    return "reset-link:" + (request.view_args or {}).get("token", "")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_ip_limit, methods=["POST"])
@limiter.limit(_account_limit, methods=["POST"], key_func=_reset_link_key)
def reset_password(token: str):  # type: ignore[no-untyped-def]
    user, _payload, problem = read_token(token, RESET)
    if user is None:
        flash(problem, "error")
        return redirect(url_for("auth.request_reset"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user.set_password(form.password.data)
        user.rotate_session_token()
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()  # the link proved they own the address
        db.session.commit()
        flash("Your password has been changed. Log in with the new one.", "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form), 200 if not form.errors else 422


def _dev_outbox_enabled() -> bool:
    config = current_app.config
    return config.get("ENV_NAME") in {"development", "testing"} and not config["MAIL_SERVER"]


@bp.get("/dev/outbox")
def dev_outbox():  # type: ignore[no-untyped-def]
    """Development only: read the mail the app would have sent."""
    if not _dev_outbox_enabled():
        return render_template("errors/error.html", code=404, title="Page not found", message=""), 404
    messages = []
    for name, message in outbox_messages():
        body = message.get_content()
        messages.append(
            {
                "name": name,
                "to": message["To"],
                "subject": message["Subject"],
                "body": body,
                "links": re.findall(r"https?://\S+", body),
            }
        )
    return render_template("auth/dev_outbox.html", messages=messages)
