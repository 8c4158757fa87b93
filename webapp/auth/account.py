"""The account page: plan and usage, change password, export everything, delete everything."""
from __future__ import annotations

import json
import logging
from datetime import datetime
from typing import Any

from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, logout_user
from sqlalchemy import select

from webapp.auth import bp
from webapp.auth.forms import ChangePasswordForm, DeleteAccountForm, ResendVerificationForm
from webapp.auth.models import User
from webapp.extensions import db, limiter
from webapp import plans

logger = logging.getLogger(__name__)


def _page(change_form: ChangePasswordForm | None = None, delete_form: DeleteAccountForm | None = None, status=200):  # type: ignore[no-untyped-def]
    return (
        render_template(
            "auth/account.html",
            usage=plans.usage(current_user),
            change_form=change_form or ChangePasswordForm(formdata=None),
            delete_form=delete_form or DeleteAccountForm(formdata=None),
            resend_form=ResendVerificationForm(formdata=None),
        ),
        status,
    )


@bp.get("/account")
@login_required
def account():  # type: ignore[no-untyped-def]
    return _page()


@bp.post("/account/password")
@login_required
@limiter.limit("10 per hour")
def change_password():  # type: ignore[no-untyped-def]
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append("That isn't your current password.")
            return _page(change_form=form, status=422)
        user: User = current_user._get_current_object()
        user.set_password(form.new_password.data)
        user.rotate_session_token()  # other devices are logged out; this one stays in
        db.session.commit()
        from webapp.auth.routes import _login

        remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
        _login(user, remember=remembered)  # a fresh remember-me cookie if this device had one
        flash("Your password has been changed. Other devices have been logged out.", "success")
        return redirect(url_for("auth.account"))
    return _page(change_form=form, status=422)


@bp.get("/account/export")
@login_required
def export_data():  # type: ignore[no-untyped-def]
    data = export_user_data(current_user)
    body = json.dumps(data, indent=2, ensure_ascii=False, default=_json_default)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": 'attachment; filename="offerready-export.json"', "Cache-Control": "no-store"},
    )


@bp.post("/account/delete")
@login_required
@limiter.limit("10 per hour")
def delete_account():  # type: ignore[no-untyped-def]
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.password.data):
            form.password.errors.append("That password isn't right, so nothing was deleted.")
            return _page(delete_form=form, status=422)
        user = db.session.get(User, current_user.id)
        logger.info("account deleted: user %s", user.id)
        logout_user()
        db.session.delete(user)
        db.session.commit()
        flash("Your account and all its data have been deleted.", "info")
        return redirect(url_for("guides.landing"))
    return _page(delete_form=form, status=422)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat() + "Z"
    raise TypeError(f"not JSON serialisable: {type(value)!r}")


def export_user_data(user: User) -> dict[str, Any]:
    """Everything stored about a user, as plain data."""
    from webapp.practice.export import session_to_dict
    from webapp.practice.models import PracticeSession

    sessions = db.session.scalars(
        select(PracticeSession).where(PracticeSession.user_id == user.id).order_by(PracticeSession.created_at)
    ).all()
    info = plans.usage(user)
    return {
        "account": {
            "email": user.email,
            "created_at": user.created_at,
            "email_verified_at": user.email_verified_at,
            "plan": user.plan,
            "effective_plan": info.plan.key,
            "trial_ends_at": user.trial_ends_at,
        },
        "sessions": [session_to_dict(s) for s in sessions],
    }
