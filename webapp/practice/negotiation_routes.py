"""Negotiation pages: the conversation, sending a message, accepting, the debrief."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from webapp.auth.forms import EmptyForm
from webapp.extensions import htmx
from webapp.practice import bp
from webapp.practice.charts import line_chart
from webapp.practice.coach import coach_for
from webapp.practice.forms import MessageForm
from webapp.practice.interview import PracticeError
from webapp.practice.models import PracticeSession
from webapp.practice.negotiation.money import format_gbp
from webapp.practice.negotiation_service import accept_offer, build_debrief, follow_up_email_for, load, send_message
from webapp.practice.report import transcript
from webapp.practice.routes import owned_session
from webapp.practice.usage import tokens_used


def _context(session: PracticeSession, form: MessageForm | None = None, error: str = "") -> dict:
    scenario, state = load(session)
    return {
        "session": session,
        "scenario": scenario,
        "state": state,
        "items": transcript(session),
        "form": form or MessageForm(formdata=None),
        "error": error,
        "coach": coach_for(session.coach),
        "tokens_used": tokens_used(session),
        "end_form": EmptyForm(formdata=None),
        "format_gbp": format_gbp,
    }


def negotiation_page(session: PracticeSession, form: MessageForm | None = None, error: str = "", status: int = 200):  # type: ignore[no-untyped-def]
    return render_template("practice/negotiation.html", **_context(session, form, error)), status


@bp.post("/practice/sessions/<int:session_id>/message")
@login_required
def message(session_id: int):  # type: ignore[no-untyped-def]
    session = owned_session(session_id)
    if session.mode != "negotiation":
        abort(404)
    form = MessageForm()
    error = ""
    if form.validate_on_submit():
        try:
            exchange = send_message(session, form.message.data)
        except PracticeError as exc:
            error = str(exc)
        else:
            if not htmx:
                return redirect(url_for("practice.session_page", session_id=session.id,
                                        _anchor=f"turn-{exchange.reply.id}"))
            return render_template("practice/_negotiation_exchange.html", exchange=exchange, **_context(session))
    if htmx:
        html = render_template("practice/_message_form.html", **_context(session, form, error))
        return html, 422, {"HX-Retarget": "#answer-area", "HX-Reswap": "innerHTML"}
    return negotiation_page(session, form, error, 422)


@bp.post("/practice/sessions/<int:session_id>/accept")
@login_required
def accept(session_id: int):  # type: ignore[no-untyped-def]
    session = owned_session(session_id)
    if session.mode != "negotiation" or not EmptyForm().validate_on_submit():
        abort(404 if session.mode != "negotiation" else 400)
    try:
        accept_offer(session)
    except PracticeError as exc:
        flash(str(exc), "info")
    target = url_for("practice.report", session_id=session.id)
    if htmx:
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


def negotiation_report(session: PracticeSession):  # type: ignore[no-untyped-def]
    if session.status != "completed":
        flash("The debrief is ready once the negotiation ends: accept the offer or end the negotiation.", "info")
        return redirect(url_for("practice.session_page", session_id=session.id))
    scenario, state = load(session)
    result = build_debrief(session, scenario, state)
    timeline = result.timeline or [scenario.opening_base]
    chart = line_chart(timeline, [f"R{i}" if i else "Offer" for i in range(len(timeline))],
                       y_min=scenario.band_low, y_max=max(scenario.band_high, scenario.ceiling))
    return render_template(
        "practice/negotiation_report.html", session=session, scenario=scenario, state=state, debrief=result,
        chart=chart, email=follow_up_email_for(session, scenario, state), items=transcript(session),
        format_gbp=format_gbp,
    )
