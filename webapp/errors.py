"""Error pages: a clear message for every failure, never a stack trace."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError, generate_csrf
from werkzeug.exceptions import HTTPException

from webapp.extensions import db, htmx
from webapp.observability import loggable_path

logger = logging.getLogger(__name__)

MESSAGES = {
    400: ("Bad request", "We couldn't understand that request. Please go back and try again."),
    403: ("Not allowed", "You don't have permission to do that."),
    404: ("Page not found", "We couldn't find that page. It may have been deleted, or the link may be wrong."),
    405: ("Not allowed", "That action isn't available at this address."),
    413: ("Too large", "That was more than we accept in one go. Please shorten it and try again."),
    429: ("Slow down", "Too many attempts in a short time. Please wait a minute and try again."),
    500: ("Something went wrong", "Something broke on our side. It's been logged; please try again."),
}

# Form fields never echoed back on the "session expired" page.
_SECRET_FIELDS = {"csrf_token", "password", "confirm", "new_password", "current_password"}


def init_app(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def _render(code: int, title: str | None = None, message: str | None = None):  # type: ignore[no-untyped-def]
    default_title, default_message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    context = {"code": code, "title": title or default_title, "message": message or default_message}
    template = "errors/_error.html" if htmx else "errors/error.html"
    return render_template(template, **context), code


def _http_error(error: HTTPException):  # type: ignore[no-untyped-def]
    code = error.code or 500
    message = None
    if code == 429:
        message = "Too many attempts in a short time. Please wait a minute, then try again."
    body, status = _render(code, message=message)
    # Keep the exception's own headers (Allow on 405, Retry-After, WWW-Authenticate...).
    headers = [(k, v) for k, v in error.get_headers() if k.lower() != "content-type"]
    return body, status, headers


def _csrf_error(error: CSRFError):  # type: ignore[no-untyped-def]
    """An expired or missing token: offer to resend what was typed, with a fresh token."""
    logger.info("CSRF rejected on %s: %s", loggable_path(), error.description)
    kept = [(k, v) for k, v in request.form.items(multi=True) if k not in _SECRET_FIELDS]
    if htmx:
        body = render_template("errors/_csrf.html", kept=kept)
        return body, 400, {"X-CSRF-Token": generate_csrf()}
    return render_template("errors/csrf.html", kept=kept, action=request.path), 400


def _unexpected_error(error: Exception):  # type: ignore[no-untyped-def]
    if isinstance(error, HTTPException):
        return _http_error(error)
    logger.exception("Unhandled error on %s %s", request.method, loggable_path())
    db.session.rollback()
    return _render(500)
