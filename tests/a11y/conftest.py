"""Accessibility helpers: run the vendored axe-core in the page under test and log in through the real form."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

AXE_SOURCE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
EMAIL = "ada@example.com"


@pytest.fixture(scope="session")
def axe_source() -> str:
    return AXE_SOURCE.read_text(encoding="utf-8")


def run_axe(page, axe_source: str) -> dict:  # type: ignore[no-untyped-def]
    """axe's full result for the page as it is now, WCAG 2.1 A and AA rules only."""
    # Evaluated over the DevTools protocol, so the page's CSP (no inline scripts) doesn't block it.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return {violations: result.violations, ran: result.passes.concat(result.incomplete, result.inapplicable,
                    result.violations).map(r => r.id)};
        }""",
        AXE_TAGS,
    )


def describe(violations: list[dict]) -> str:
    """One readable block per violation: rule, impact, help and the offending nodes."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}")
        for node in v["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}  {node['failureSummary'].splitlines()[-1].strip()}")
            lines.append(f"      {node['html'][:160]}")
    return "\n".join(lines)


@pytest.fixture()
def assert_accessible(page, axe_source: str):  # type: ignore[no-untyped-def]
    """Call with a label for the page state; fails on any serious or critical WCAG 2.1 AA violation."""

    def check(state: str) -> None:
        page.wait_for_load_state("load")
        result = run_axe(page, axe_source)
        assert "color-contrast" in result["ran"], "axe's color-contrast rule did not run"
        blocking = [v for v in result["violations"] if v["impact"] in BLOCKING]
        assert not blocking, f"{state} ({page.url}) has serious accessibility violations:\n{describe(blocking)}"

    return check


@pytest.fixture()
def logged_in(page, actions):  # type: ignore[no-untyped-def]
    """A verified user logged in through the login page; returns the page."""
    actions.create_user(EMAIL)
    page.goto("/login")
    page.get_by_test_id("login-email").fill(EMAIL)
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_url(lambda url: "/login" not in url)
    return page
