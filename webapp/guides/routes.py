"""Public pages."""
from __future__ import annotations

from flask import render_template

from webapp.guides import bp
from webapp.plans import plans


@bp.get("/")
def landing():  # type: ignore[no-untyped-def]
    return render_template("guides/landing.html")


@bp.get("/pricing")
def pricing():  # type: ignore[no-untyped-def]
    return render_template("guides/pricing.html", plans=plans())


@bp.get("/salaries")
def salaries():  # type: ignore[no-untyped-def]
    from webapp.salaries import guide_roles

    return render_template("guides/salaries.html", roles=guide_roles())
