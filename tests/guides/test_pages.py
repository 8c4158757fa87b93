"""The public pages over HTTP: guides, index, estimator, calls to action."""
from __future__ import annotations

import re

import pytest
from flask import Flask, url_for

from tests.guides.helpers import attr_of, description_of, json_ld_of, text_of, title_of
from webapp.guides.content import all_guides
from webapp.salaries import get_role

BACKEND = "/salaries/backend-developer"


def test_backend_guide_shows_the_origin_figures(client) -> None:
    page = client.get(BACKEND).get_data(as_text=True)
    text = text_of(page)
    for figure in ("£26,000–£38,000", "£42,000–£65,000", "£70,000–£110,000+", "15–25%"):
        assert figure in text
    for lever in ("+£8,000–£20,000", "+10–15%", "+£12,000–£20,000"):
        assert lever in text
    assert "Junior Backend Developer" in text and "Technical Lead" in text
    assert "Figures are approximate market rates; actual pay varies." in text


@pytest.mark.parametrize("guide", all_guides(), ids=lambda g: g.slug)
def test_every_guide_names_its_source_and_date(client, guide) -> None:
    response = client.get(f"/salaries/{guide.slug}")
    assert response.status_code == 200
    text = text_of(response.get_data(as_text=True))
    assert f"Source: {guide.role.source}" in text
    assert guide.role.source_date in text
    assert "Figures are approximate market rates; actual pay varies." in text


def test_guide_without_a_london_premium_says_so_and_offers_no_london(client) -> None:
    page = client.get("/salaries/data-scientist").get_data(as_text=True)
    assert "The source gives no percentage for the London premium" in text_of(page)
    assert 'value="london"' not in page


@pytest.mark.parametrize(
    "slug", ["frontend-developer", "data-engineer", "product-manager", "qa-test-engineer", "ux-designer",
             "engineering-manager", "cyber-security-engineer", "no-such-role"]
)
def test_roles_without_complete_data_have_no_guide(client, slug: str) -> None:
    assert client.get(f"/salaries/{slug}").status_code == 404
    assert client.get(f"/salaries/{slug}/estimate?level=mid&location=uk").status_code == 404


def test_index_lists_exactly_the_guides(client) -> None:
    page = client.get("/salaries").get_data(as_text=True)
    linked = set(re.findall(r'href="/salaries/([a-z0-9-]+)"', page))
    assert linked == {g.slug for g in all_guides()}
    for missing in ("Frontend Developer", "Data Engineer", "Product Manager"):
        assert missing not in page


@pytest.mark.parametrize(
    ("level", "location", "london"), [("mid", "london", True), ("junior", "uk", False), ("senior", "london", True)]
)
def test_estimator_fragment_for_htmx(client, level: str, location: str, london: bool) -> None:
    band = get_role("backend-developer").band(level, london)
    response = client.get(f"{BACKEND}/estimate?level={level}&location={location}", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in body and "<title>" not in body
    assert f"£{band.low:,}–£{band.high:,}" in text_of(body)
    assert "HX-Request" in response.headers["Vary"]


def test_estimator_works_as_a_plain_form(client) -> None:
    page = client.get(BACKEND).get_data(as_text=True)
    assert f'action="{BACKEND}/estimate"' in page and 'method="get"' in page
    response = client.get(f"{BACKEND}/estimate?level=mid&location=london")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in body
    assert attr_of(body, "estimate-range", "data-testid") and "£48,500–£81,000" in text_of(body)
    assert re.search(r'<option value="mid" selected>', body) and re.search(r'<option value="london" selected>', body)
    assert f'<link rel="canonical" href="http://localhost{BACKEND}">' in body


@pytest.mark.parametrize("query", ["level=principal&location=uk", "level=mid&location=mars"])
def test_estimator_rejects_unknown_choices(client, query: str) -> None:
    assert client.get(f"{BACKEND}/estimate?{query}").status_code == 400


def test_estimator_refuses_london_when_the_source_gives_no_premium(client) -> None:
    assert client.get("/salaries/data-scientist/estimate?level=mid&location=london").status_code == 400
    ok = client.get("/salaries/data-scientist/estimate?level=mid&location=uk", headers={"HX-Request": "true"})
    assert "£50,000–£80,000" in text_of(ok.get_data(as_text=True))


def _practice_urls(app: Flask, level: str, location: str) -> tuple[str, str]:
    with app.test_request_context():
        return (
            url_for("practice.new_negotiation", role="backend-developer", level=level, location=location),
            url_for("practice.new_interview", role="backend-developer"),
        )


def test_calls_to_action_send_visitors_through_signup(app, client) -> None:
    negotiate, interview = _practice_urls(app, "mid", "london")
    page = client.get(f"{BACKEND}/estimate?level=mid&location=london").get_data(as_text=True)
    with app.test_request_context():
        assert attr_of(page, "cta-negotiate") == url_for("auth.signup", next=negotiate)
        assert attr_of(page, "cta-interview") == url_for("auth.signup", next=interview)
    fragment = client.get(f"{BACKEND}/estimate?level=senior&location=uk", headers={"HX-Request": "true"})
    negotiate_senior, _ = _practice_urls(app, "senior", "uk")
    with app.test_request_context():
        assert attr_of(fragment.get_data(as_text=True), "cta-negotiate") == url_for("auth.signup", next=negotiate_senior)


def test_calls_to_action_go_straight_to_practice_when_logged_in(app, client, actions) -> None:
    actions.signup_and_login()
    negotiate, interview = _practice_urls(app, "junior", "uk")
    response = client.get(f"{BACKEND}/estimate?level=junior&location=uk")
    page = response.get_data(as_text=True)
    assert attr_of(page, "cta-negotiate") == negotiate
    assert attr_of(page, "cta-interview") == interview


def test_faq_json_ld_matches_the_visible_faq(client) -> None:
    for guide in all_guides():
        page = client.get(f"/salaries/{guide.slug}").get_data(as_text=True)
        (data,) = json_ld_of(page)
        assert data["@type"] == "FAQPage"
        questions = [q["name"] for q in data["mainEntity"]]
        visible = [text_of(q) for q in re.findall(r"<dt>(.*?)</dt>", page.split('data-testid="faq"')[1], re.S)]
        assert questions == visible == [q.question for q in guide.content.faq]
        answers = [q["acceptedAnswer"]["text"] for q in data["mainEntity"]]
        assert answers == [q.answer for q in guide.content.faq]


def test_landing_page(client) -> None:
    page = client.get("/").get_data(as_text=True)
    text = text_of(page)
    assert "Interview mode" in text and "Negotiation mode" in text
    assert "Sign up free · no card needed · free trial on all plans" in text
    assert 'href="/pricing"' in page and f'href="{BACKEND}"' in page
    (data,) = json_ld_of(page)
    assert data["@type"] == "WebSite"


PUBLIC_PAGES = ["/", "/pricing", "/salaries", *(f"/salaries/{g.slug}" for g in all_guides()), "/signup", "/login"]


def test_titles_and_descriptions_are_unique(client) -> None:
    titles, descriptions = [], []
    for url in PUBLIC_PAGES:
        page = client.get(url).get_data(as_text=True)
        titles.append(title_of(page))
        descriptions.append(description_of(page))
    assert len(set(titles)) == len(PUBLIC_PAGES), titles
    assert len(set(descriptions)) == len(PUBLIC_PAGES), descriptions


@pytest.mark.parametrize("url", ["/", "/pricing", "/salaries", BACKEND])
def test_pages_carry_canonical_and_open_graph_tags(client, url: str) -> None:
    page = client.get(url).get_data(as_text=True)
    assert f'<link rel="canonical" href="http://localhost{url}">' in page
    for prop in ("og:title", "og:description", "og:url", "og:type"):
        assert f'property="{prop}"' in page


@pytest.mark.parametrize("url", ["/", "/pricing", "/salaries", BACKEND, f"{BACKEND}/estimate?level=mid&location=uk"])
def test_pages_have_no_inline_script_or_style(client, url: str) -> None:
    page = client.get(url).get_data(as_text=True)
    assert not re.search(r"\sstyle=", page)
    assert "<style" not in page
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/ld+json"' in tag, tag
