"""Public pages: the same bytes for every logged-out visitor, so shared caches and ETags can serve them."""
from __future__ import annotations

from flask import Response, current_app, g, make_response, request, session
from flask_login import current_user

PUBLIC_MAX_AGE = 300


def anonymous_view() -> bool:
    """True when this request gets the shared, cacheable version of a public page."""
    return not current_user.is_authenticated and "_flashes" not in session


def drop_csrf_token() -> None:
    """Render this request without a CSRF token (public pages post nothing for logged-out visitors).

    Flask-WTF keeps the request's token in g; an empty one there means templates print "" and the
    session (and its Set-Cookie) is left alone, so every visitor gets identical, cacheable HTML.
    """
    setattr(g, current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), "")


def cacheable(body: str | bytes, mimetype: str = "text/html", per_user: bool = True) -> Response:
    """A response with an ETag; shared caches may keep it unless it differs per user or sets a cookie."""
    response = make_response(body)
    response.mimetype = mimetype
    if per_user:
        response.vary.add("Cookie")
    if per_user and (not anonymous_view() or session.modified):
        response.cache_control.private = True
        response.cache_control.no_cache = True
    else:
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_MAX_AGE
    response.add_etag()
    return response.make_conditional(request)
