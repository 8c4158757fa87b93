"""Practice home, session set-up, history, export and delete."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from webapp.auth.forms import EmptyForm
from webapp.extensions import db
from webapp.plans import can_start_session, usage
from webapp.practice import bp
from webapp.practice.charts import line_chart
from webapp.practice.coach import get_coach
from webapp.practice.export import session_markdown
from webapp.practice.forms import InterviewSetupForm, NegotiationSetupForm
from webapp.practice.models import PracticeSession, Turn


MAX_ID = 2**63 - 1  # the largest id a database integer key can hold


@bp.url_value_preprocessor
def _refuse_impossible_ids(endpoint: str | None, values: dict | None) -> None:
    """An id no row can have is a 404 here, before the database driver overflows on it (a 500)."""
    for name, value in (values or {}).items():
        if name.endswith("_id") and isinstance(value, int) and not 0 < value <= MAX_ID:
            abort(404)


def owned_session(session_id: int) -> PracticeSession:
    """The current user's session, or 404 (the same answer whether it exists or not)."""
    session = db.session.get(PracticeSession, session_id)
    if session is None or session.user_id != current_user.id:
        abort(404)
    return session


def owned_turn(session: PracticeSession, turn_id: int, speaker: str | None = None) -> Turn:
    """A turn of this (already owner-checked) session, optionally by one speaker, or 404."""
    turn = db.session.get(Turn, turn_id)
    if turn is None or turn.session_id != session.id or (speaker and turn.speaker != speaker):
        abort(404)
    return turn


def _prefill(form, fields: tuple[str, ...]) -> None:  # type: ignore[no-untyped-def]
    """Fill set-up fields from the query string (links from salary guides), ignoring unknown values."""
    for name in fields:
        value = request.args.get(name if name != "interview_type" else "type") or request.args.get(name)
        field = getattr(form, name)
        if value and value in {c[0] for c in field.choices}:
            field.data = value


def _setup_page(template: str, form, status: int = 200, quota_message: str = ""):  # type: ignore[no-untyped-def]
    return (
        render_template(template, form=form, usage=usage(current_user), coach=get_coach(),
                        quota_message=quota_message),
        status,
    )


@bp.get("/practice")
@login_required
def home():  # type: ignore[no-untyped-def]
    form = InterviewSetupForm(formdata=None)
    negotiation_form = NegotiationSetupForm(formdata=None)
    return render_template("practice/home.html", form=form, negotiation_form=negotiation_form,
                           usage=usage(current_user), coach=get_coach())


@bp.get("/practice/interview/new")
@login_required
def new_interview():  # type: ignore[no-untyped-def]
    form = InterviewSetupForm(formdata=None)
    _prefill(form, ("interview_type", "role", "level"))
    return _setup_page("practice/interview_setup.html", form)


@bp.post("/practice/interview")
@login_required
def start_interview():  # type: ignore[no-untyped-def]
    from webapp.practice.interview import start_interview as start

    form = InterviewSetupForm()
    if not form.validate_on_submit():
        return _setup_page("practice/interview_setup.html", form, 422)
    allowed, message = can_start_session(current_user)
    if not allowed:
        return _setup_page("practice/interview_setup.html", form, 403, message)
    session = start(current_user, form.interview_type.data, form.role.data, form.level.data,
                    form.num_questions.data)
    return redirect(url_for("practice.session_page", session_id=session.id))


@bp.get("/practice/negotiation/new")
@login_required
def new_negotiation():  # type: ignore[no-untyped-def]
    form = NegotiationSetupForm(formdata=None)
    _prefill(form, ("role", "level", "location", "difficulty"))
    return _setup_page("practice/negotiation_setup.html", form)


@bp.post("/practice/negotiation")
@login_required
def start_negotiation():  # type: ignore[no-untyped-def]
    from webapp.practice.negotiation_service import start_negotiation as start

    form = NegotiationSetupForm()
    if not form.validate_on_submit():
        return _setup_page("practice/negotiation_setup.html", form, 422)
    allowed, message = can_start_session(current_user)
    if not allowed:
        return _setup_page("practice/negotiation_setup.html", form, 403, message)
    session = start(current_user, form.role.data, form.level.data, form.location.data, form.difficulty.data)
    return redirect(url_for("practice.session_page", session_id=session.id))


@bp.get("/sessions")
@login_required
def history():  # type: ignore[no-untyped-def]
    sessions = db.session.scalars(
        select(PracticeSession)
        .where(PracticeSession.user_id == current_user.id)
        .order_by(PracticeSession.created_at.desc())
    ).all()
    scored = [s for s in reversed(sessions) if s.overall_score is not None]
    chart = None
    if scored:
        chart = line_chart([s.overall_score for s in scored], [s.created_at.strftime("%d %b") for s in scored])
    return render_template("practice/history.html", sessions=sessions, chart=chart, delete_form=EmptyForm())


@bp.get("/sessions/<int:session_id>/export.md")
@login_required
def export_session(session_id: int):  # type: ignore[no-untyped-def]
    session = owned_session(session_id)
    body = session_markdown(session)
    filename = f"offerready-session-{session.id}.md"
    return Response(body, mimetype="text/markdown",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


@bp.post("/sessions/<int:session_id>/delete")
@login_required
def delete_session(session_id: int):  # type: ignore[no-untyped-def]
    session = owned_session(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    db.session.delete(session)
    db.session.commit()
    current_app.logger.info("session %s deleted by its owner", session_id)
    flash("The session and its transcript have been deleted.", "info")
    return redirect(url_for("practice.history"))


from webapp.practice import session_routes  # noqa: E402,F401  (registers the session views)
from webapp.practice import streaming  # noqa: E402,F401
from webapp.practice import negotiation_routes  # noqa: E402,F401
