"""Public pages: landing, pricing, the salary guides with their estimator, sitemap and robots.txt."""
from __future__ import annotations

from flask import Response, abort, render_template, request, url_for
from flask_login import current_user

from webapp.extensions import htmx
from webapp.guides import bp, seo
from webapp.guides.caching import anonymous_view, cacheable, drop_csrf_token
from webapp.guides.content import Guide, all_guides, get_guide
from webapp.guides.figures import (
    DEFAULT_LEVEL,
    DEFAULT_LOCATION,
    LOCATION_LABELS,
    Estimate,
    band_rows,
    estimate,
    locations_for,
    premium_text,
)
from webapp.salaries import LEVEL_LABELS, LEVELS

PRIVATE_PREFIXES = ("/practice", "/sessions", "/account")

LANDING_DESCRIPTION = (
    "Practise job interviews and UK salary negotiations with an AI hiring manager, grounded in real salary "
    "bands. Sign up free, no card needed."
)


def _page(template: str, **context: object) -> Response:
    """Render a public page: shared-cacheable for logged-out visitors, private for members."""
    if anonymous_view():
        drop_csrf_token()
    return cacheable(render_template(template, **context))


def _signup_or(target: str) -> str:
    """The practice URL for members; for visitors, sign-up that comes back to it."""
    return target if current_user.is_authenticated else url_for("auth.signup", next=target)


@bp.get("/")
def landing() -> Response:
    canonical = url_for("guides.landing", _external=True)
    meta = seo.PageMeta(
        title="OfferReady — practise job interviews and UK salary negotiations",
        description=LANDING_DESCRIPTION,
        canonical=canonical,
        json_ld=seo.json_ld(seo.website(canonical, LANDING_DESCRIPTION)),
    )
    return _page("guides/landing.html", meta=meta, guides=all_guides())


@bp.get("/pricing")
def pricing() -> Response:
    from webapp.plans import plans  # here, not at the top: webapp.plans and webapp.auth import each other

    meta = seo.PageMeta(
        title="Pricing — OfferReady",
        description="OfferReady plans: Free with monthly practice sessions, or Pro for unlimited practice. "
        "Sign up free, no card needed, free trial on all plans.",
        canonical=url_for("guides.pricing", _external=True),
    )
    return _page("guides/pricing.html", meta=meta, plans=plans())


@bp.get("/salaries")
def salaries() -> Response:
    meta = seo.PageMeta(
        title="UK tech salary guides 2026 — OfferReady",
        description="What UK tech roles pay in 2026 by experience level, with London premiums, pay levers "
        "and a negotiation playbook for each role. Every figure cited to its source.",
        canonical=url_for("guides.salaries", _external=True),
    )
    rows = [(g, band_rows(g.role)) for g in all_guides()]
    return _page("guides/salaries.html", meta=meta, rows=rows)


@bp.get("/salaries/<slug>")
def guide(slug: str) -> Response:
    found = _guide_or_404(slug)
    return _guide_page(found, estimate(found.role, DEFAULT_LEVEL, DEFAULT_LOCATION), chosen=False)


@bp.get("/salaries/<slug>/estimate")
def estimate_view(slug: str) -> Response:
    """The estimator's answer: a fragment for htmx, the whole guide without JavaScript."""
    found = _guide_or_404(slug)
    level = request.args.get("level", DEFAULT_LEVEL)
    location = request.args.get("location", DEFAULT_LOCATION)
    try:
        result = estimate(found.role, level, location)
    except ValueError:
        abort(400)
    if htmx:
        if anonymous_view():
            drop_csrf_token()
        response = cacheable(render_template("guides/_estimate.html", **_estimate_context(found, result)))
        response.vary.add("HX-Request")
        return response
    response = _guide_page(found, result, chosen=True)
    response.vary.add("HX-Request")
    return response


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    urls = [
        url_for("guides.landing", _external=True),
        url_for("guides.pricing", _external=True),
        url_for("guides.salaries", _external=True),
        *(url_for("guides.guide", slug=g.slug, _external=True) for g in all_guides()),
        url_for("auth.signup", _external=True),
        url_for("auth.login", _external=True),
    ]
    return cacheable(render_template("guides/sitemap.xml", urls=urls), "application/xml", per_user=False)


@bp.get("/robots.txt")
def robots() -> Response:
    body = seo.robots_txt(url_for("guides.sitemap", _external=True), PRIVATE_PREFIXES)
    return cacheable(body, "text/plain", per_user=False)


def _guide_or_404(slug: str) -> Guide:
    found = get_guide(slug)
    if found is None:
        abort(404)
    return found


def _estimate_context(found: Guide, result: Estimate) -> dict[str, object]:
    role = found.role
    negotiate = url_for("practice.new_negotiation", role=role.slug, level=result.level, location=result.location)
    return {
        "guide": found,
        "role": role,
        "result": result,
        "levels": [(level, LEVEL_LABELS[level], role.level_years.get(level, "").replace("-", "–"))
                   for level in LEVELS],
        "locations": [(loc, LOCATION_LABELS[loc]) for loc in locations_for(role)],
        "negotiate_url": _signup_or(negotiate) if role.negotiable else None,
    }


def _guide_page(found: Guide, result: Estimate, chosen: bool) -> Response:
    role, content = found.role, found.content
    canonical = url_for("guides.guide", slug=role.slug, _external=True)
    title = f"{content.headline} — OfferReady"
    if chosen:
        title = f"{role.name} salary estimate: {result.level_label}, {result.location_label} — OfferReady"
    meta = seo.PageMeta(
        title=title,
        description=content.description,
        canonical=canonical,
        og_type="article",
        json_ld=seo.json_ld(seo.faq_page([(q.question, q.answer) for q in content.faq], canonical)),
        noindex=chosen,
    )
    return _page(
        "guides/guide.html",
        meta=meta,
        rows=band_rows(role),
        premium=premium_text(role),
        interview_url=_signup_or(url_for("practice.new_interview", role=role.slug)),
        chosen=chosen,
        **_estimate_context(found, result),
    )
