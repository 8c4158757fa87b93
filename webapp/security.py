"""Security headers on every response (a strict CSP with no inline scripts, and friends); URL ids and body sizes
checked before any view sees them."""
from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Response, abort, request

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


# Our primary keys are 32-bit integers on PostgreSQL; a larger id in a URL can't name a row, and handing it
# to the database raises (SQLite: OverflowError, PostgreSQL: "integer out of range") instead of finding nothing.
MAX_ID = 2**31 - 1


def init_app(app: Flask) -> None:
    app.wsgi_app = _SizedBody(app, app.wsgi_app)  # type: ignore[method-assign]
    app.url_value_preprocessor(_ids_in_range)
    app.after_request(_security_headers)
    if app.config.get("SESSION_COOKIE_SECURE"):
        app.after_request(_hsts)


class _SizedBody:
    """WSGI middleware: a body sent without a Content-Length (chunked) is read up to MAX_CONTENT_LENGTH + 1 bytes
    and given its length, so an oversized one gets the same 413 as any other. (Werkzeug would otherwise stop
    reading at the limit and parse what it had: a 10 MB form silently cut to 256 KiB.)"""

    def __init__(self, app: Flask, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        limit = self.app.config.get("MAX_CONTENT_LENGTH")
        if limit is not None and not environ.get("CONTENT_LENGTH") and environ.get("wsgi.input_terminated"):
            body = _read_at_most(environ["wsgi.input"], limit + 1)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            del environ["wsgi.input_terminated"]
            environ.pop("HTTP_TRANSFER_ENCODING", None)  # de-chunked now (Werkzeug ignores a length next to it)
        return self.wsgi_app(environ, start_response)


def _read_at_most(stream: Any, size: int) -> bytes:
    parts: list[bytes] = []
    left = size
    try:
        while left > 0:
            chunk = stream.read(min(left, 64 * 1024))
            if not chunk:
                break
            parts.append(chunk)
            left -= len(chunk)
    except (OSError, ValueError):  # a malformed chunked body: the app sees what arrived and refuses it
        pass
    return b"".join(parts)


def _ids_in_range(endpoint: str | None, values: dict[str, Any] | None) -> None:
    """404 for an integer URL part no row can have (/practice/sessions/99999999999999999999), or one spelt in
    non-ASCII digits (Werkzeug reads /practice/sessions/١ as session 1)."""
    ids = [value for value in (values or {}).values() if isinstance(value, int)]
    if any(not 0 <= value <= MAX_ID for value in ids) or (ids and not request.path.isascii()):
        abort(404)


def _hsts(response: Response) -> Response:
    """Served over HTTPS in production: tell browsers to keep it that way."""
    response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def _security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response
