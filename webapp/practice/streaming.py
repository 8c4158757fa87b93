"""Streaming the hiring manager's reply to the browser over SSE, and recovering from every model fault."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from datetime import timedelta

from flask import Response, abort, render_template, stream_with_context
from flask_login import current_user, login_required
from markupsafe import escape
from sqlalchemy import select, update

from webapp.auth.models import User, utcnow
from webapp.extensions import db, htmx
from webapp.practice import bp
from webapp.practice.coach import coach_for
from webapp.practice.models import PracticeSession, Turn
from webapp.practice.routes import owned_session, owned_turn
from webapp.practice.text import model_text
from webapp.practice.types import TranscriptTurn
from webapp.practice.usage import budget_problem

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(minutes=3)
DISCONNECTED = "The connection dropped before the hiring manager finished. Press Retry to hear the whole reply."  # a "streaming" turn older than this was orphaned by a dead worker


def sse(event: str, data: str) -> str:
    """One SSE event; multi-line data is sent as several data lines."""
    # CR and CRLF end a line in SSE too: left in, a bare CR would let the text start a field of its own
    # (e.g. "\revent: done") and forge events.
    lines = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return f"event: {event}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


def transcript_before(session: PracticeSession, turn: Turn) -> list[TranscriptTurn]:
    return [
        TranscriptTurn(t.speaker, t.text, t.kind)
        for t in session.turns
        if t.position < turn.position and t.status in ("complete", "interrupted") and not t.retry_of_id
    ]


def _claim(turn: Turn) -> bool:
    """Mark a pending turn as streaming; False if another request got there first."""
    result = db.session.execute(
        update(Turn)
        .where(Turn.id == turn.id, Turn.status == "pending")
        .values(status="streaming", meta={**turn.meta, "stream_started": utcnow().isoformat()})
    )
    db.session.commit()
    return result.rowcount == 1


def _other_live_stream(user_id: int, turn_id: int) -> bool:
    """One live stream per user: is another of their turns streaming right now?"""
    since = utcnow() - STALE_AFTER
    other = db.session.scalar(
        select(Turn.id)
        .join(PracticeSession, PracticeSession.id == Turn.session_id)
        .where(PracticeSession.user_id == user_id, Turn.status == "streaming", Turn.id != turn_id,
               Turn.created_at >= since)
        .limit(1)
    )
    return other is not None


def _fail(turn_id: int, message: str, partial: str = "", offer_offline: bool = False) -> None:
    turn = db.session.get(Turn, turn_id)
    turn.status = "interrupted" if partial else "failed"
    turn.text = partial
    turn.error = message
    turn.meta = {**turn.meta, "offer_offline": offer_offline}
    db.session.commit()


def generate_turn(session_id: int, turn_id: int, user_id: int) -> Iterator[str]:
    """Yield SSE events for a hiring-manager turn: stored text at once, or the model's words as they come."""
    from webapp.practice.interview import action_from_meta, record_calls
    from webapp.practice.llm.errors import LLMConfigError, LLMError, LLMRateLimited

    yield ": stream open\n\n"  # flush headers through any proxy at once
    session = db.session.get(PracticeSession, session_id)
    turn = db.session.get(Turn, turn_id)
    if turn.status == "pending" and _other_live_stream(user_id, turn_id):
        _fail(turn_id, "You already have a reply being written in another tab. Finish that one, then retry here.")
    elif turn.status == "pending":
        problem = budget_problem(db.session.get(User, user_id))
        if problem:
            _fail(turn_id, problem, offer_offline=True)
        elif not _claim(turn):
            turn = db.session.get(Turn, turn_id)
    turn = db.session.get(Turn, turn_id)
    db.session.refresh(turn)
    if turn.status != "streaming":  # already written (or failed): replay what is stored, no new model call
        yield from _replay(turn)
        return

    coach = coach_for(session.coach)
    action = action_from_meta(session, turn.meta["action"])
    history = transcript_before(session, turn)
    db.session.commit()  # hold no transaction open while the model talks

    parts: list[str] = []
    stream = None
    for attempt in range(2):
        try:
            stream = coach.stream(action, history)
            for delta in stream:
                delta = model_text(delta)
                parts.append(delta)
                yield sse("chunk", str(escape(delta)))
            break
        except LLMRateLimited as err:
            if attempt == 0 and not parts and err.wait_briefly:
                time.sleep(err.retry_after or 1)
                continue
            _record_failed(session, turn_id, stream)
            _fail(turn_id, err.user_message, "".join(parts))
            break
        except LLMError as err:
            log = logger.error if isinstance(err, LLMConfigError) else logger.warning
            log("model call failed for turn %s: %s (%s)", turn_id, err.kind, err.detail)
            _record_failed(session, turn_id, stream)
            _fail(turn_id, err.user_message, "".join(parts), offer_offline=isinstance(err, LLMConfigError))
            break
        except GeneratorExit:  # the browser went away mid-reply: don't leave the turn "streaming"
            if stream is not None:
                stream.close()
            _record_failed(session, turn_id, stream)
            _fail(turn_id, DISCONNECTED, "".join(parts))
            raise

    turn = db.session.get(Turn, turn_id)
    if turn.status == "streaming":
        turn.text = "".join(parts)
        turn.status = "complete"
        if stream is not None:
            record_calls(session, turn, [stream.record], "interviewer")
        db.session.commit()
    else:
        yield sse("chunk", render_template("practice/_turn_problem.html", turn=turn))
    yield sse("done", "")


def _record_failed(session: PracticeSession, turn_id: int, stream) -> None:  # type: ignore[no-untyped-def]
    from webapp.practice.interview import record_calls

    if stream is not None:
        try:
            record_calls(session, db.session.get(Turn, turn_id), [stream.record], "interviewer")
        except Exception:  # noqa: BLE001 - metrics must never hide the real fault
            logger.exception("could not record a failed model call")


def _replay(turn: Turn) -> Iterator[str]:
    if turn.text:
        yield sse("chunk", str(escape(turn.text)))
    if turn.status in ("failed", "interrupted"):
        yield sse("chunk", render_template("practice/_turn_problem.html", turn=turn))
    elif turn.status == "streaming":
        yield sse("chunk", str(escape("(This reply is still being written in another window — reload in a moment.)")))
    yield sse("done", "")


@bp.get("/practice/sessions/<int:session_id>/turns/<int:turn_id>/stream")
@login_required
def stream_turn(session_id: int, turn_id: int):  # type: ignore[no-untyped-def]
    session = owned_session(session_id)
    turn = owned_turn(session, turn_id, "interviewer")
    body = stream_with_context(generate_turn(session.id, turn.id, current_user.id))
    return Response(body, mimetype="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def run_turn_to_completion(session: PracticeSession, turn: Turn) -> None:
    """Without JavaScript: produce the turn's text within the request (same code path, output discarded)."""
    for _event in generate_turn(session.id, turn.id, session.user_id):
        pass


@bp.post("/practice/sessions/<int:session_id>/turns/<int:turn_id>/retry-turn")
@login_required
def retry_turn(session_id: int, turn_id: int):  # type: ignore[no-untyped-def]
    """Retry an interrupted or failed reply: exactly one new model call (or switch to the offline coach)."""
    from flask import redirect, request, url_for

    from webapp.auth.forms import EmptyForm

    session = owned_session(session_id)
    turn = owned_turn(session, turn_id, "interviewer")
    if not EmptyForm().validate_on_submit():
        abort(400)
    if session.mode == "negotiation":
        from webapp.practice.negotiation_service import retry_reply

        retry_reply(session, turn, use_offline=bool(request.form.get("use_offline")))
        target = url_for("practice.session_page", session_id=session.id, _anchor=f"turn-{turn.id}")
        return ("", 204, {"HX-Redirect": target}) if htmx else redirect(target)
    if turn.status in ("failed", "interrupted"):
        if request.form.get("use_offline"):
            session.coach = "offline"
            turn.text = turn.meta.get("offline_text", "")
            turn.status = "complete"
        else:
            turn.text = ""
            turn.status = "pending"
        turn.error = None
        db.session.commit()
    if not htmx:
        if turn.status == "pending":
            run_turn_to_completion(session, turn)
        return redirect(url_for("practice.session_page", session_id=session.id, _anchor=f"turn-{turn.id}"))
    return render_template("practice/_message.html", turn=turn)
