"""Values every template can use."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, current_app, url_for
from flask_login import current_user


def init_app(app: Flask) -> None:
    app.context_processor(_globals)
    app.add_template_global(asset_url)


@cache
def _fingerprint(static_folder: str, filename: str) -> str:
    return hashlib.sha256((Path(static_folder) / filename).read_bytes()).hexdigest()[:12]


def asset_url(filename: str) -> str:
    """A static file's URL with its content hash, so browsers may cache it for a year."""
    return url_for("static", filename=filename, v=_fingerprint(current_app.static_folder, filename))


def _globals() -> dict:
    notice = ""
    if current_user.is_authenticated:
        from webapp.plans import trial_ended

        if trial_ended(current_user):
            notice = "Your free Pro trial has ended, so your account is now on the Free plan. Your history is all still here."
    from webapp.practice.types import CRITERION_LABELS

    from webapp.practice.markdown import render_markdown

    return {"trial_notice": notice, "criterion_labels": CRITERION_LABELS, "render_markdown": render_markdown}
