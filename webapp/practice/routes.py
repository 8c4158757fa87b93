"""Practice pages."""
from __future__ import annotations

from flask import render_template
from flask_login import login_required

from webapp.practice import bp


@bp.get("/practice")
@login_required
def home():  # type: ignore[no-untyped-def]
    return render_template("practice/home.html")


@bp.get("/sessions")
@login_required
def history():  # type: ignore[no-untyped-def]
    return render_template("practice/history.html", sessions=[])
