"""Structured request logs with a request id, and /healthz."""
from __future__ import annotations

import json
import logging
import time
import uuid

from flask import Flask, g, jsonify, request
from sqlalchemy import text

from webapp.extensions import db, limiter

logger = logging.getLogger("webapp.requests")


def init_app(app: Flask) -> None:
    app.before_request(_start_timer)
    app.after_request(_log_request)
    app.add_url_rule("/healthz", "healthz", limiter.exempt(_healthz))


def _start_timer() -> None:
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if incoming.isalnum() and len(incoming) <= 64 else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _log_request(response):  # type: ignore[no-untyped-def]
    started = g.get("request_started")
    response.headers["X-Request-ID"] = g.get("request_id", "")
    if started is None or request.path.startswith("/static/"):
        return response
    record = {
        "request_id": g.get("request_id"),
        "method": request.method,
        "path": loggable_path(),
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
    }
    logger.info(json.dumps(record))
    return response


def loggable_path() -> str:
    """The request path, with secrets in it (the token of a reset or verification link) left out."""
    if request.url_rule is not None and "token" in (request.view_args or {}):
        return request.url_rule.rule
    return request.path


def _healthz():  # type: ignore[no-untyped-def]
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        logger.exception("health check failed")
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
