"""What search engines and link previews read: page metadata and JSON-LD."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

SITE_NAME = "OfferReady"

_JSON_ESCAPES = {ord("<"): "\\u003c", ord(">"): "\\u003e", ord("&"): "\\u0026"}


@dataclass(frozen=True)
class PageMeta:
    title: str
    description: str
    canonical: str
    og_type: str = "website"
    json_ld: Markup | None = None
    noindex: bool = False


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json"> block; no text inside can close the tag."""
    return Markup(json.dumps(data, ensure_ascii=False, indent=1).translate(_JSON_ESCAPES))


def faq_page(questions: list[tuple[str, str]], url: str) -> dict[str, Any]:
    """schema.org FAQPage for (question, answer) pairs."""
    return {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "url": url,
        "mainEntity": [
            {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": a}}
            for q, a in questions
        ],
    }


def website(url: str, description: str) -> dict[str, Any]:
    """schema.org WebSite for the home page."""
    return {"@context": "https://schema.org", "@type": "WebSite", "name": SITE_NAME, "url": url,
            "description": description, "inLanguage": "en-GB"}


def robots_txt(sitemap_url: str, disallowed: tuple[str, ...]) -> str:
    """robots.txt: everything public is allowed, private areas are not."""
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {path}" for path in disallowed]
    lines += ["", f"Sitemap: {sitemap_url}", ""]
    return "\n".join(lines)
