"""Sitemap, robots.txt and HTTP caching of the public pages."""
from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from webapp.guides.content import all_guides

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
CACHED = ["/", "/pricing", "/salaries", "/salaries/backend-developer", "/sitemap.xml", "/robots.txt"]


def test_sitemap_lists_every_public_page(client) -> None:
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    locs = {loc.text for loc in root.iter(f"{SITEMAP_NS}loc")}
    expected = {"/", "/pricing", "/salaries", "/signup", "/login", *(f"/salaries/{g.slug}" for g in all_guides())}
    assert locs == {f"http://localhost{path}" for path in expected}


def test_robots_txt(client) -> None:
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    for private in ("/practice", "/sessions", "/account"):
        assert f"Disallow: {private}" in lines
    assert "Sitemap: http://localhost/sitemap.xml" in lines


@pytest.mark.parametrize("url", CACHED)
def test_public_pages_are_cacheable_with_an_etag(app, url: str) -> None:
    client = app.test_client()
    first = client.get(url)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] in ("public, max-age=300", "max-age=300, public")
    assert "Set-Cookie" not in first.headers
    etag = first.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""


@pytest.mark.parametrize("url", ["/", "/pricing", "/salaries", "/salaries/backend-developer"])
def test_pages_vary_on_cookie_and_are_private_when_logged_in(client, actions, url: str) -> None:
    assert "Cookie" in client.get(url).headers["Vary"]
    actions.signup_and_login()
    response = client.get(url)
    assert "Cookie" in response.headers["Vary"]
    assert "private" in response.headers["Cache-Control"] and "no-cache" in response.headers["Cache-Control"]
    assert "public" not in response.headers["Cache-Control"]
    assert 'data-testid="logout"' in response.get_data(as_text=True)


def test_estimator_fragment_is_cacheable_separately_from_the_page(app) -> None:
    client = app.test_client()
    fragment = client.get("/salaries/backend-developer/estimate?level=mid&location=uk", headers={"HX-Request": "true"})
    page = client.get("/salaries/backend-developer/estimate?level=mid&location=uk")
    assert fragment.headers["ETag"] != page.headers["ETag"]
    assert {"Cookie", "HX-Request"} <= {v.strip() for v in fragment.headers["Vary"].split(",")}


def test_a_pending_flash_is_not_served_from_a_shared_cache(client) -> None:
    with client.session_transaction() as session:
        session["_flashes"] = [("info", "You're logged out. See you next time!")]
    response = client.get("/")
    assert "See you next time" in response.get_data(as_text=True)
    assert "public" not in response.headers["Cache-Control"]
