"""Guide content, figures and JSON-LD, without an app."""
from __future__ import annotations

import json

import pytest

from webapp.guides import seo
from webapp.guides.content import all_guides, get_guide
from webapp.guides.figures import band_rows, band_text, estimate, locations_for, premium_text
from webapp.salaries import Band, get_role, guide_roles


def test_every_role_with_complete_bands_has_a_guide() -> None:
    assert [g.slug for g in all_guides()] == [r.slug for r in guide_roles()]


def test_every_guide_has_the_sections_a_reader_needs() -> None:
    for guide in all_guides():
        content = guide.content
        assert content.levers and content.playbook and content.faq and content.career_path, guide.slug
        assert guide.role.source and guide.role.source_date, guide.slug


@pytest.mark.parametrize("slug", ["frontend-developer", "data-engineer", "product-manager", "ux-designer", "nope"])
def test_roles_without_complete_data_have_no_guide(slug: str) -> None:
    assert get_guide(slug) is None


def test_band_text_formats_pounds_and_open_ended_ceilings() -> None:
    assert band_text(Band(42000, 65000)) == "£42,000–£65,000"
    assert band_text(Band(70000, 110000), open_ended=True) == "£70,000–£110,000+"


def test_backend_rows_match_the_origin_page() -> None:
    rows = band_rows(get_role("backend-developer"))
    assert [r.text for r in rows] == ["£26,000–£38,000", "£42,000–£65,000", "£70,000–£110,000+"]
    assert [r.years for r in rows] == ["0–2 years", "2–5 years", "5+ years"]
    assert all(0 <= r.x and r.x + r.width <= 100 for r in rows)
    assert premium_text(get_role("backend-developer")) == "15–25%"


def test_estimate_uses_the_role_band_with_the_london_premium() -> None:
    role = get_role("backend-developer")
    band = role.band("mid", True)
    assert estimate(role, "mid", "london").text == f"£{band.low:,}–£{band.high:,}" == "£48,500–£81,000"
    assert estimate(role, "junior", "uk").text == "£26,000–£38,000"


def test_estimate_offers_no_london_without_a_premium() -> None:
    role = get_role("data-scientist")
    assert premium_text(role) is None
    assert locations_for(role) == ("uk",)
    with pytest.raises(ValueError):
        estimate(role, "mid", "london")
    with pytest.raises(ValueError):
        estimate(get_role("backend-developer"), "principal", "uk")


def test_json_ld_cannot_close_its_script_tag() -> None:
    hostile = {"name": "</script><script>alert(1)</script> & more"}
    rendered = str(seo.json_ld(hostile))
    assert "<" not in rendered and ">" not in rendered and "&" not in rendered
    assert json.loads(rendered) == hostile
