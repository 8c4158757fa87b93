"""Small HTML readers for the guides tests."""
from __future__ import annotations

import html
import json
import re


def attr_of(page: str, testid: str, attr: str = "href") -> str:
    """The (unescaped) attribute of the element with this data-testid."""
    tag = re.search(rf'<[^>]*data-testid="{re.escape(testid)}"[^>]*>', page)
    assert tag, f"no element with data-testid={testid}"
    value = re.search(rf'\s{attr}="([^"]*)"', tag.group(0))
    assert value, f"{testid} has no {attr}"
    return html.unescape(value.group(1))


def title_of(page: str) -> str:
    match = re.search(r"<title>(.*?)</title>", page, re.S)
    assert match
    return html.unescape(match.group(1).strip())


def description_of(page: str) -> str:
    match = re.search(r'<meta name="description" content="([^"]*)"', page)
    assert match
    return html.unescape(match.group(1))


def json_ld_of(page: str) -> list[dict]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return [json.loads(block) for block in blocks]


def text_of(fragment: str) -> str:
    """Visible text, tags stripped and entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
