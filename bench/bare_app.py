"""The baseline: a bare Flask app that answers "ok", served by gunicorn exactly like the real app."""
from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.get("/healthz")
def healthz() -> str:
    return "ok"


@app.post("/practice/sessions/<int:session_id>/answer")
def answer(session_id: int) -> str:
    """Same URL and request as the real answer endpoint; no work at all."""
    return "ok"
