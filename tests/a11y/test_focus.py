"""Every control shows a visible focus indicator when reached by keyboard, in a colour that stands out (WCAG 1.4.11)."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.a11y.keyboard import tab_to

pytestmark = pytest.mark.browser

# The focused element's indicator: outline or box-shadow, and the contrast of the outline with what surrounds it.
FOCUS_STYLE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    window.__focusSeen = window.__focusSeen || new WeakSet();
    if (window.__focusSeen.has(el)) return {repeat: true};
    window.__focusSeen.add(el);
    const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
    const lum = ([r, g, b]) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    // An outline drawn outside the element (offset > 0) sits on the background of its nearest painted ancestor.
    let bg = [255, 255, 255];
    for (let node = el.parentElement; node; node = node.parentElement) {
        const c = rgb(getComputedStyle(node).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] === 1)) { bg = c.slice(0, 3); break; }
    }
    const s = getComputedStyle(el);
    const outline = rgb(s.outlineColor).slice(0, 3);
    const [hi, lo] = [lum(outline), lum(bg)].sort((a, b) => b - a);
    return {
        element: el.outerHTML.slice(0, 120),
        keyboard: el.matches(':focus-visible'),
        outlineStyle: s.outlineStyle, outlineWidth: parseFloat(s.outlineWidth), boxShadow: s.boxShadow,
        contrast: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
    };
}"""


def _problems(page, limit: int = 150) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """Tab through the whole page; the focus indicators that are missing or too faint, and what was reached."""
    problems, reached = [], []
    # Start from the top of the document, as on a fresh page load.
    page.evaluate("""() => { const b = document.body; b.tabIndex = -1; b.focus(); b.removeAttribute('tabindex'); }""")
    for _ in range(limit):
        page.keyboard.press("Tab")
        style = page.evaluate(FOCUS_STYLE)
        if style is None or style.get("repeat"):
            break
        reached.append(style["element"])
        outlined = style["outlineStyle"] != "none" and style["outlineWidth"] > 0
        shadowed = style["boxShadow"] not in ("", "none")
        if not style["keyboard"]:
            problems.append(f"not :focus-visible after Tab: {style['element']}")
        elif not (outlined or shadowed):
            problems.append(f"no visible focus indicator: {style['element']}")
        elif outlined and not shadowed and style["contrast"] < 3:
            problems.append(f"focus outline contrast {style['contrast']}:1 < 3:1: {style['element']}")
    return problems, reached


def _assert_visible_focus(page, must_reach: list[str]) -> None:  # type: ignore[no-untyped-def]
    problems, reached = _problems(page)
    assert not problems, f"{page.url}:\n" + "\n".join(problems)
    for pattern in must_reach:
        assert any(re.search(pattern, html) for html in reached), f"{pattern!r} never got focus on {page.url}"


def test_focus_is_visible_on_public_pages(page) -> None:
    page.goto("/login")
    _assert_visible_focus(page, [r'class="skip-link"', r"<a ", r'<input[^>]*type="email"', r'type="checkbox"',
                                 r'<button type="submit" class="button"'])
    page.goto("/salaries/backend-developer")
    _assert_visible_focus(page, [r'class="button"', r'class="button button-secondary"', r"<select"])


def test_focus_is_visible_on_practice_pages(logged_in) -> None:
    page = logged_in
    page.goto("/practice")
    _assert_visible_focus(page, [r'class="link-button"', r'type="radio"', r"<select", r'type="number"',
                                 r'data-testid="start-interview"', r'data-testid="choose-negotiation"'])

    tab_to(page, "[data-testid=start-interview]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/practice/sessions/\d+$"))
    tab_to(page, "[data-testid=answer-input]")
    page.keyboard.type("A short answer.")
    page.keyboard.press("Control+Enter")
    expect(page.get_by_test_id("score-card")).to_have_count(1)
    _assert_visible_focus(
        page, [r"<textarea", r"<summary", r'data-testid="end-session"', r'data-testid="answer-submit"']
    )
