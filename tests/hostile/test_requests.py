"""Hostile requests: huge bodies, wrong verbs, impossible ids, missing/expired/foreign CSRF tokens."""
from __future__ import annotations

import time

import pytest
from flask import Flask
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from markupsafe import escape

from tests.conftest import Actions
from tests.hostile.conftest import HX, POST_FIELDS, World, quick_login, quick_user, snapshot, token_for
from webapp.auth.models import User
from webapp.auth.tokens import RESET, make_token
from webapp.extensions import db

TEN_MB = "x" * (10 * 1024 * 1024)
SESSION_POSTS = ["answer", "retry", "retry_turn", "negotiation_retry_turn", "end", "message", "accept",
                 "negotiation_end", "delete", "negotiation_delete"]
ACCOUNT_POSTS = {
    "/logout": {},
    "/verify/resend": {},
    "/account/password": {"current_password": "correct horse battery", "new_password": "a brand new passphrase"},
    "/account/delete": {"password": "correct horse battery"},
    "/practice/interview": {"interview_type": "behavioural", "role": "backend-developer", "level": "mid",
                            "num_questions": "3"},
    "/practice/negotiation": {"role": "backend-developer", "level": "mid", "location": "london",
                              "difficulty": "standard"},
}
ANONYMOUS_POSTS = {
    "/signup": {"email": "new@example.com", "password": "a long enough passphrase"},
    "/login": {"email": "victim@example.com", "password": "correct horse battery"},
    "/reset": {"email": "victim@example.com"},
    "/reset/<token>": {"password": "a brand new passphrase"},
}


def reset_url(app: Flask, user_id: int) -> str:
    with app.app_context():
        return f"/reset/{make_token(db.session.get(User, user_id), RESET)}"


def still_logged_in(world: World) -> bool:
    return world.client.get("/account").status_code == 200


# ---- 10 MB bodies --------------------------------------------------------------------------------------------

def assert_too_large(response, htmx: bool = False) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 413
    html = response.get_data(as_text=True)
    if htmx:
        assert 'data-testid="error-fragment"' in html and "Too large" in html
    else:
        assert 'data-testid="error-page"' in html and "<h1>Too large</h1>" in html
    assert "shorten it" in html and "Traceback" not in html


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_a_10_mb_body_gets_a_clear_413_on_every_session_post(world: World, htmx: bool) -> None:
    urls = world.build().urls()
    token = token_for(world.client)
    before = snapshot(world.app)
    for name in SESSION_POSTS:
        field = next(iter(POST_FIELDS.get(name, {"answer": ""})))
        response = world.client.post(urls[name][1], data={"csrf_token": token, field: TEN_MB},
                                     headers=HX if htmx else {})
        assert_too_large(response, htmx)
    assert snapshot(world.app) == before


def test_a_10_mb_body_gets_a_clear_413_on_every_account_post(world: World) -> None:
    token = token_for(world.client)
    before = snapshot(world.app)
    for url, fields in ACCOUNT_POSTS.items():
        assert_too_large(world.client.post(url, data={**fields, "csrf_token": token, "padding": TEN_MB}))
    assert snapshot(world.app) == before
    assert still_logged_in(world)


def test_a_10_mb_body_gets_a_clear_413_on_every_anonymous_post(app: Flask, client) -> None:  # type: ignore[no-untyped-def]
    user_id = quick_login(Actions(app, app.test_client()), "victim@example.com")
    token = token_for(client, "/login")
    before = snapshot(app)
    for url, fields in ANONYMOUS_POSTS.items():
        url = reset_url(app, user_id) if "<token>" in url else url
        for field in fields:  # the big value in each field (the email one feeds the rate-limit key)
            assert_too_large(client.post(url, data={**fields, "csrf_token": token, field: TEN_MB}))
    assert snapshot(app) == before


def test_a_10_mb_multipart_upload_gets_a_clear_413(world: World) -> None:
    import io

    url = world.urls()["answer"][1]
    before = snapshot(world.app)
    response = world.client.post(url, data={"csrf_token": token_for(world.client),
                                            "answer": (io.BytesIO(TEN_MB.encode()), "answer.txt")},
                                 content_type="multipart/form-data")
    assert_too_large(response)
    assert snapshot(world.app) == before


def _chunked_post(live_server, path: str, head: bytes, padding_mb: int):  # type: ignore[no-untyped-def]
    """POST a urlencoded body with Transfer-Encoding: chunked (no Content-Length), after fetching a CSRF token."""
    import http.client
    from urllib.parse import urlsplit

    from tests.conftest import csrf_from

    host = urlsplit(live_server.url)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=10)
    try:
        conn.request("GET", "/login")
        page = conn.getresponse()
        cookie = page.getheader("Set-Cookie").split(";", 1)[0]
        token = csrf_from(page.read().decode())
        conn.putrequest("POST", path)
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        conn.putheader("Transfer-Encoding", "chunked")
        conn.putheader("Cookie", cookie)
        conn.endheaders()
        blocks = [f"csrf_token={token}&".encode() + head] + [b"x" * (1024 * 1024)] * padding_mb
        try:
            for block in blocks:
                conn.send(b"%x\r\n%s\r\n" % (len(block), block))
            conn.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may stop reading once it has answered
        response = conn.getresponse()
        return response.status, response.getheader("Location"), response.read().decode()
    finally:
        conn.close()


def test_a_10_mb_chunked_body_without_a_length_gets_413_not_cut_short(live_server, app: Flask) -> None:  # type: ignore[no-untyped-def]
    """No Content-Length to check up front: the limit must still give a 413, not parse the first 256 KiB."""
    quick_user(app, "victim@example.com")
    before = snapshot(app)
    status, _location, body = _chunked_post(live_server, "/login",
                                            b"email=victim%40example.com&password=correct+horse+battery&x=", 10)
    assert status == 413 and "Too large" in body
    assert snapshot(app) == before
    # a small chunked body is still read whole
    status, location, _body = _chunked_post(live_server, "/login",
                                            b"email=victim%40example.com&password=correct+horse+battery", 0)
    assert status == 302 and location.endswith("/practice")


# ---- wrong verbs --------------------------------------------------------------------------------------------

MUTATING_GET_PATHS = ["/logout", "/account/password", "/account/delete", "/practice/interview",
                      "/practice/negotiation"]


def test_get_on_every_mutating_route_is_405_and_changes_nothing(world: World) -> None:
    urls = world.build().urls()
    before = snapshot(world.app)
    paths = MUTATING_GET_PATHS + [urls[name][1] for name in SESSION_POSTS]
    for path in paths:
        for method in ("GET", "PUT", "DELETE", "PATCH"):
            response = world.client.open(path, method=method)
            assert response.status_code == 405, (method, path)
            assert "POST" in response.headers["Allow"], path
            assert 'data-testid="error-page"' in response.get_data(as_text=True)
    # GET /verify/resend is the email-link route with the token "resend": refused as a bad link, nothing sent
    response = world.client.get("/verify/resend")
    assert response.status_code == 302
    for method in ("PUT", "DELETE", "PATCH"):
        assert world.client.open("/verify/resend", method=method).status_code == 405
    assert snapshot(world.app) == before
    assert still_logged_in(world)


# ---- impossible ids -----------------------------------------------------------------------------------------

BAD_IDS = ["abc", "99999999999999999999", str(2**63), str(2**31), "-1", "1.0", "0x1", "1e3", "%00", "%ED%A0%80",
           "9" * 5000, "%20", "١", "%D9%A1", "１"]  # Arabic-Indic and fullwidth digit one: Python's int() reads both


def test_impossible_ids_are_404_on_every_route_and_verb(world: World) -> None:
    urls = world.build().urls()
    token = token_for(world.client)
    before = snapshot(world.app)
    ids = {str(world.interview_id), str(world.negotiation_id), str(world.answer_turn_id),
           str(world.interviewer_turn_id), str(world.reply_turn_id)}
    for name, (method, url) in urls.items():
        parts = url.split("/")
        for index, part in enumerate(parts):
            if part not in ids:
                continue
            for bad in BAD_IDS:
                hostile = "/".join(parts[:index] + [bad] + parts[index + 1:])
                response = world.client.open(hostile, method=method, data={"csrf_token": token}
                                             if method == "POST" else None)
                assert response.status_code == 404, (hostile, response.status_code)
                assert 'data-testid="error-page"' in response.get_data(as_text=True), hostile
    assert snapshot(world.app) == before


# ---- CSRF ---------------------------------------------------------------------------------------------------

def expired_token(app: Flask, client, age_seconds: int = 9 * 3600) -> str:  # type: ignore[no-untyped-def]
    """A token for this client's own session, signed `age_seconds` ago (as an old open tab would hold)."""
    client.get("/practice")  # make sure the session has a CSRF secret
    with client.session_transaction() as session:
        raw = session["csrf_token"]

    class OldSigner(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - age_seconds

    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token", signer=OldSigner).dumps(raw)


def token_variants(world: World, attacker: Actions) -> dict[str, str | None]:
    return {
        "missing": None,
        "empty": "",
        "garbage": "not-a-token",
        "tampered": token_for(world.client)[:-2] + "xx",
        "expired": expired_token(world.app, world.client),
        "other_users": token_for(attacker.client),
        "anonymous_session": token_for(world.app.test_client(), "/login"),
    }


def post_with(client, url: str, fields: dict, token: str | None, htmx: bool = False):  # type: ignore[no-untyped-def]
    data = dict(fields)
    if token is not None:
        data["csrf_token"] = token
    return client.post(url, data=data, headers=HX if htmx else {})


def assert_csrf_refused(response, fields: dict, htmx: bool = False) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'data-testid="csrf-expired"' in html
    if htmx:
        assert response.headers.get("X-CSRF-Token")  # a fresh token; the text is still in the page's box
        return
    for name, value in fields.items():
        if "password" not in name and value:
            assert str(escape(value)) in html  # what was typed is kept for sending again
        elif value:
            assert value not in html  # passwords never are


@pytest.mark.parametrize("htmx", [False, True], ids=["form", "htmx"])
def test_bad_csrf_tokens_are_refused_on_every_session_post(world: World, attacker: Actions, htmx: bool) -> None:
    urls = world.build().urls()
    variants = token_variants(world, attacker)
    before = snapshot(world.app)
    for name in SESSION_POSTS:
        fields = POST_FIELDS.get(name, {})
        for variant, token in variants.items():
            response = post_with(world.client, urls[name][1], fields, token, htmx)
            assert response.status_code == 400, (name, variant)
            assert_csrf_refused(response, fields, htmx)
    assert snapshot(world.app) == before


def test_bad_csrf_tokens_are_refused_on_every_account_post(world: World, attacker: Actions) -> None:
    variants = token_variants(world, attacker)
    before = snapshot(world.app)
    for url, fields in ACCOUNT_POSTS.items():
        for variant, token in variants.items():
            response = post_with(world.client, url, fields, token)
            assert response.status_code == 400, (url, variant)
            assert_csrf_refused(response, fields)
    assert snapshot(world.app) == before
    assert still_logged_in(world)


def test_bad_csrf_tokens_are_refused_on_every_anonymous_post(app: Flask, world: World, attacker: Actions) -> None:
    variants = token_variants(world, attacker)
    visitor = app.test_client()
    visitor.get("/login")
    variants["expired"] = expired_token(app, visitor)
    variants["logged_in_users"] = token_for(world.client)
    before = snapshot(app)
    for url, fields in ANONYMOUS_POSTS.items():
        url = reset_url(app, world.user_id) if "<token>" in url else url
        for variant, token in variants.items():
            response = post_with(visitor, url, fields, token)
            assert response.status_code == 400, (url, variant)
            assert_csrf_refused(response, fields)
    assert snapshot(app) == before
    assert visitor.get("/account").status_code == 302  # the login didn't happen


def test_a_token_from_before_login_is_refused_after_it(app: Flask, actions: Actions) -> None:
    """Logging in starts a new session, so a token planted (or left) in the browser beforehand is dead."""
    actions.create_user("victim@example.com")
    old = token_for(actions.client, "/login")
    assert actions.login("victim@example.com").status_code == 302
    before = snapshot(app)
    response = actions.client.post("/practice/interview", data={**ACCOUNT_POSTS["/practice/interview"],
                                                               "csrf_token": old})
    assert_csrf_refused(response, ACCOUNT_POSTS["/practice/interview"])
    assert snapshot(app) == before


def test_a_token_at_the_end_of_its_time_limit_still_works(world: World) -> None:
    """The edge of expiry: a token 10 seconds inside the limit is accepted, 10 seconds outside it is not."""
    limit = world.app.config["WTF_CSRF_TIME_LIMIT"]
    url = world.urls()["answer"][1]
    before = snapshot(world.app)
    late = post_with(world.client, url, POST_FIELDS["answer"], expired_token(world.app, world.client, limit + 10))
    assert late.status_code == 400 and snapshot(world.app) == before
    fresh = post_with(world.client, url, POST_FIELDS["answer"], expired_token(world.app, world.client, limit - 10))
    assert fresh.status_code == 302


def test_the_resend_page_after_a_bad_token_shows_hostile_text_escaped(world: World) -> None:
    """The "send again" page puts what was typed back in the form: as text, whatever it is."""
    payload = '</textarea><script>alert(1)</script><b hx-get="/account" hx-trigger="load">x</b>' + "\n{{ 7*7 }}"
    url = world.urls()["answer"][1]
    before = snapshot(world.app)
    response = world.client.post(url, data={"answer": payload})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert str(escape(payload)) in html
    assert "<script>alert" not in html and 'hx-get="/account"' not in html and "</textarea><script>" not in html
    assert snapshot(world.app) == before
