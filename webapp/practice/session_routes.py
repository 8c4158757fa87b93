"""One interview session: the page, answering, retrying an answer, ending, the report."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_required

from webapp.auth.forms import EmptyForm
from webapp.extensions import htmx
from webapp.practice import bp
from webapp.practice.coach import coach_for
from webapp.practice.forms import AnswerForm
from webapp.practice.interview import (
    PracticeError,
    end_interview,
    pending_interviewer_turn,
    retry_answer,
    score_turn,
    submit_answer,
)
from webapp.practice.models import PracticeSession, Turn
from webapp.practice.report import build_report, question_for, transcript
from webapp.practice.routes import owned_session, owned_turn
from webapp.practice.usage import tokens_used

SUGGESTED_WORDS = {"screening": "120–250", "behavioural": "150–300", "technical": "120–300",
                   "system_design": "200–400"}


def _form_context(session: PracticeSession, form: AnswerForm | None = None, error: str = "") -> dict:
    """What the answer form and the status panel need (all an htmx exchange renders)."""
    coach = coach_for(session.coach)
    return {
        "session": session,
        "form": form or AnswerForm(formdata=None),
        "error": error,
        "coach": coach,
        "suggested_words": SUGGESTED_WORDS.get(session.interview_type or "", "150–300"),
        "tokens_used": tokens_used(session) if coach.live else 0,
        "end_form": EmptyForm(formdata=None),
    }


def _page_context(session: PracticeSession, form: AnswerForm | None = None, error: str = "") -> dict:
    """The whole session page: the form context plus the transcript."""
    return {
        **_form_context(session, form, error),
        "items": transcript(session),
        "question_for": lambda turn: question_for(session, turn),
    }


def _session_page(session: PracticeSession, form: AnswerForm | None = None, error: str = "", status: int = 200):  # type: ignore[no-untyped-def]
    if session.mode == "negotiation":
        from webapp.practice.negotiation_routes import negotiation_page

        return negotiation_page(session, error=error, status=status)
    return render_template("practice/session.html", **_page_context(session, form, error)), status


@bp.get("/practice/sessions/<int:session_id>")
@login_required
def session_page(session_id: int):  # type: ignore[no-untyped-def]
    return _session_page(owned_session(session_id))


def _form_error(session: PracticeSession, form: AnswerForm, error: str = ""):  # type: ignore[no-untyped-def]
    """Bad input: say why and give the text back, untouched."""
    if htmx:
        html = render_template("practice/_answer_form.html", **_form_context(session, form, error))
        return html, 422, {"HX-Retarget": "#answer-area", "HX-Reswap": "innerHTML"}
    return _session_page(session, form, error, 422)


@bp.post("/practice/sessions/<int:session_id>/answer")
@login_required
def answer(session_id: int):  # type: ignore[no-untyped-def]
    session = owned_session(session_id)
    form = AnswerForm()
    if not form.validate_on_submit():
        return _form_error(session, form)
    try:
        result = submit_answer(session, form.answer.data)
    except PracticeError as exc:
        return _form_error(session, form, str(exc))
    if not htmx:
        _complete_live_work(session, result.answer, result.next_turn)
        return redirect(url_for("practice.session_page", session_id=session.id, _anchor=f"turn-{result.answer.id}"))
    context = _form_context(session)
    return render_template("practice/_exchange.html", answer=result.answer, next_turn=result.next_turn, **context)


def _complete_live_work(session: PracticeSession, answer_turn: Turn, next_turn: Turn | None) -> None:
    """Without JavaScript nothing streams: finish the model's work before the page reloads."""
    coach = coach_for(session.coach)
    if not coach.live:
        return
    from webapp.practice.streaming import run_turn_to_completion

    if answer_turn.score is None:
        try:
            score_turn(session, answer_turn, coach)
        except PracticeError:
            pass
    if next_turn is not None and next_turn.status == "pending":
        run_turn_to_completion(session, next_turn)


@bp.post("/practice/sessions/<int:session_id>/turns/<int:turn_id>/retry")
@login_required
def retry(session_id: int, turn_id: int):  # type: ignore[no-untyped-def]
    session = owned_session(session_id)
    original = owned_turn(session, turn_id)
    form = AnswerForm()
    if not form.validate_on_submit():  # say why, and give the attempt back untouched
        if htmx:
            html = render_template("practice/_retry_form.html", session=session, turn=original, retry_form=form,
                                   retry_turn_id=original.id)
            return html, 422, {"HX-Retarget": f"#retry-form-{original.id}", "HX-Reswap": "outerHTML"}
        context = {**_page_context(session), "retry_form": form, "retry_turn_id": original.id}
        return render_template("practice/session.html", **context), 422
    try:
        attempt = retry_answer(session, original, form.answer.data)
    except PracticeError as exc:
        abort(400, str(exc))
    if not htmx:
        _complete_live_work(session, attempt, None)
        return redirect(url_for("practice.session_page", session_id=session.id, _anchor=f"turn-{attempt.id}"))
    return render_template("practice/_attempt.html", session=session, attempt=attempt,
                           coach=coach_for(session.coach))


@bp.get("/practice/sessions/<int:session_id>/turns/<int:turn_id>/score")
@login_required
def score(session_id: int, turn_id: int):  # type: ignore[no-untyped-def]
    """The score card for an answer; scores it now if the model hasn't yet (idempotent)."""
    session = owned_session(session_id)
    turn = owned_turn(session, turn_id, "candidate")
    try:
        score_turn(session, turn)
    except PracticeError as exc:
        return render_template("practice/_score_error.html", session=session, turn=turn, message=str(exc))
    return render_template("practice/_score_card.html", turn=turn, score=turn.score, session=session)


@bp.post("/practice/sessions/<int:session_id>/end")
@login_required
def end(session_id: int):  # type: ignore[no-untyped-def]
    session = owned_session(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if session.mode == "negotiation":
        from webapp.practice.negotiation_service import end_negotiation

        end_negotiation(session)
    else:
        end_interview(session)
    target = url_for("practice.report", session_id=session.id)
    if htmx:
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


@bp.get("/practice/sessions/<int:session_id>/report")
@login_required
def report(session_id: int):  # type: ignore[no-untyped-def]
    session = owned_session(session_id)
    if session.mode == "negotiation":
        from webapp.practice.negotiation_routes import negotiation_report

        return negotiation_report(session)
    if session.status != "completed":
        flash("The report is ready once the interview ends. Answer the remaining questions or end it now.", "info")
        return redirect(url_for("practice.session_page", session_id=session.id))
    return render_template("practice/report.html", session=session, report=build_report(session),
                           items=transcript(session), question_for=lambda t: question_for(session, t),
                           pending=pending_interviewer_turn(session))


@bp.get("/practice/sessions/<int:session_id>/report/summary")
@login_required
def report_summary(session_id: int):  # type: ignore[no-untyped-def]
    """The AI hiring manager's written debrief (once per session; stored, then replayed)."""
    from webapp.practice.summary import SummaryError, session_summary

    session = owned_session(session_id)
    if session.mode != "interview" or session.status != "completed":
        abort(404)
    try:
        text = session_summary(session)
    except SummaryError as exc:
        return render_template("practice/_summary.html", session=session, error=str(exc))
    return render_template("practice/_summary.html", session=session, text=text)
