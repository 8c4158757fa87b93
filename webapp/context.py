"""Values every template can use."""
from __future__ import annotations

from flask import Flask
from flask_login import current_user


def init_app(app: Flask) -> None:
    app.context_processor(_globals)


def _globals() -> dict:
    notice = ""
    if current_user.is_authenticated:
        from webapp.plans import trial_ended

        if trial_ended(current_user):
            notice = "Your free Pro trial has ended, so your account is now on the Free plan. Your history is all still here."
    from webapp.practice.types import CRITERION_LABELS

    from webapp.practice.markdown import render_markdown

    return {"trial_notice": notice, "criterion_labels": CRITERION_LABELS, "render_markdown": render_markdown}
