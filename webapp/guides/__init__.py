"""The public site: landing page, pricing and the salary guides."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("guides", __name__)

from webapp.guides import routes  # noqa: E402,F401  (registers the views)
