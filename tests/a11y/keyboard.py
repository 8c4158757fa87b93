"""Keyboard helpers: move focus with Tab only and describe what has it."""
from __future__ import annotations

FOCUSED = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {tag: el.tagName.toLowerCase(), type: el.getAttribute('type'), name: el.getAttribute('name'),
            testid: el.dataset.testid || null, cls: el.className || '', id: el.id,
            text: (el.innerText || el.value || '').trim().slice(0, 60), checked: !!el.checked};
}"""


def focused(page) -> dict | None:  # type: ignore[no-untyped-def]
    """What has keyboard focus now (None for the page itself)."""
    return page.evaluate(FOCUSED)


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 60) -> dict:  # type: ignore[no-untyped-def]
    """Press Tab (or Shift+Tab) until the focused element matches the CSS selector."""
    key = "Shift+Tab" if backwards else "Tab"
    seen = []
    for _ in range(limit):
        if page.evaluate("(s) => !!document.activeElement && document.activeElement.matches(s)", selector):
            return focused(page)  # type: ignore[return-value]
        page.keyboard.press(key)
        seen.append(focused(page))
    raise AssertionError(f"{key} never reached {selector!r}; focus went through: {seen}")
