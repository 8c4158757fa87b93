"""Interview and negotiation practice: the session engine, coaches, pages and history."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("practice", __name__)

from webapp.practice import models, routes  # noqa: E402,F401  (registers views and models)
