"""Hostile values in the set-up forms, the account forms and query strings: a clear refusal, nothing stored."""
from __future__ import annotations

import pytest
from markupsafe import escape

from tests.conftest import PASSWORD
from tests.hostile.conftest import INTERVIEW, NEGOTIATION, World, error_text, snapshot, token_for

SCRIPT = "<script>alert(1)</script>"
HOSTILE_CHOICES = [SCRIPT, "", "   ", "\x00", "'; DROP TABLE practice_sessions; --", "{{ 7*7 }}",
                   "backend-developer\x00", "ＢＡＣＫＥＮＤ", "../../etc/passwd", "mid\u200b", "x" * 5000]
HOSTILE_NUMBERS = ["abc", "", "0", "11", "-1", "1e3", "99999999999999999999", "9" * 5000, "3.5", "\x00", "３\x00"]


def assert_refused(world: World, url: str, data: dict, before) -> None:  # type: ignore[no-untyped-def]
    response = world.client.post(url, data={**data, "csrf_token": token_for(world.client)})
    assert response.status_code == 422, (data, response.status_code)
    html = response.get_data(as_text=True)
    assert error_text(html), data
    assert SCRIPT not in html
    assert snapshot(world.app) == before, data


@pytest.mark.parametrize("url,valid,numeric", [
    ("/practice/interview", INTERVIEW, ("num_questions",)),
    ("/practice/negotiation", NEGOTIATION, ()),
], ids=["interview", "negotiation"])
def test_hostile_set_up_choices_are_refused_and_start_nothing(world: World, url: str, valid: dict,
                                                              numeric: tuple[str, ...]) -> None:
    before = snapshot(world.app)
    for field in valid:
        for value in HOSTILE_NUMBERS if field in numeric else HOSTILE_CHOICES:
            assert_refused(world, url, {**valid, field: value}, before)
    assert_refused(world, url, {k: v for k, v in valid.items() if k != "role"}, before)  # the others have defaults
    assert_refused(world, url, {**valid, "role": [SCRIPT, "backend-developer"]}, before)  # the first one counts


def test_hostile_query_strings_prefill_nothing_and_reflect_nothing(world: World) -> None:
    for url in ["/practice/interview/new", "/practice/negotiation/new"]:
        for value in [SCRIPT, "%ED%A0%80", "%00", "\u202e", "{{7*7}}"]:
            query = f"type={value}&role={value}&level={value}&location={value}&difficulty={value}"
            response = world.client.get(f"{url}?{query}")
            assert response.status_code == 200, (url, value)
            assert SCRIPT not in response.get_data(as_text=True)
    for value in [SCRIPT, "%ED%A0%80", "%00", "9" * 5000]:
        response = world.client.get(f"/salaries/backend-developer/estimate?level={value}&location={value}")
        assert response.status_code == 400 and SCRIPT not in response.get_data(as_text=True), value
        assert world.client.get(f"/salaries/{value}").status_code == 404, value
    response = world.app.test_client().get(f"/login?next={SCRIPT}")
    assert response.status_code == 200
    assert SCRIPT not in response.get_data(as_text=True) and str(escape(SCRIPT)) in response.get_data(as_text=True)


ACCOUNT_FORMS = {
    "/account/password": [
        {"current_password": "", "new_password": "a new passphrase here"},
        {"current_password": "' OR '1'='1", "new_password": "a new passphrase here"},
        {"current_password": PASSWORD, "new_password": "   "},
        {"current_password": PASSWORD, "new_password": "\x00" * 12},
        {"current_password": PASSWORD, "new_password": "x" * 257},
        {"current_password": PASSWORD},
    ],
    "/account/delete": [
        {"password": ""},
        {"password": "' OR '1'='1"},
        {"password": "{{ 7*7 }}"},
        {"password": PASSWORD[:-1] + "\x00"},  # (a trailing NUL would match: HMAC pads short keys with zeros)
        {"password": "x" * 100_000},
        {},
    ],
}


@pytest.mark.parametrize("url", list(ACCOUNT_FORMS))
def test_hostile_account_forms_change_and_delete_nothing(world: World, url: str) -> None:
    world.build()
    before = snapshot(world.app)
    for data in ACCOUNT_FORMS[url]:
        response = world.client.post(url, data={**data, "csrf_token": token_for(world.client, "/account")})
        assert response.status_code == 422, (data, response.status_code)
        assert error_text(response.get_data(as_text=True)), data
        assert snapshot(world.app) == before, data
    assert world.client.get("/account").status_code == 200
