"""Model-written Markdown made safe to show: rendered without raw HTML, then cleaned with an nh3 allow-list."""
from __future__ import annotations

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

ALLOWED_TAGS = {"p", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote", "br"}
_md = MarkdownIt("commonmark", {"html": False}).disable(["image", "link", "autolink"])


def render_markdown(text: str) -> Markup:
    """HTML for untrusted Markdown: no images, links, scripts, styles or attributes (so no hx-*)."""
    html = _md.render(text or "")
    # nh3 output contains only the allow-listed tags with no attributes, so it is safe to mark as such.
    return Markup(nh3.clean(html, tags=ALLOWED_TAGS, attributes={}, url_schemes=set(), link_rel=None))  # noqa: S704
