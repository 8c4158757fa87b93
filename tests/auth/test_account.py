"""The account page: plan and usage figures, change password, export and delete."""
from __future__ import annotations

import html
import json
import re

import pytest
from sqlalchemy import func, select

from tests.conftest import PASSWORD, Actions
from webapp.auth.models import User
from webapp.extensions import db
from webapp.practice.models import PracticeSession, SessionStart

NEW_PASSWORD = "another long passphrase"


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def _visible(page: str) -> str:
    """The page as a reader sees it: tags removed, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def _add_session(app, user_id: int, role: str = "software-engineer") -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        db.session.add(PracticeSession(user_id=user_id, mode="interview", role_slug=role, level="mid"))
        db.session.add(SessionStart(user_id=user_id, mode="interview"))
        db.session.commit()


def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("url", ["/account", "/account/export"])
def test_account_pages_need_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_account_shows_pro_trial_with_days_left(actions, client):
    actions.signup_and_login()
    page = _text(client.get("/account"))
    assert 'data-testid="plan-name">Pro<' in page
    assert 'data-testid="trial-days-left">14<' in page
    assert "Pro — free trial, 14 days left" in _visible(page)
    assert "Practice sessions this month: 0 used, unlimited on Pro." in page
    assert "alex@example.com" in page


def test_account_shows_free_plan_sessions_used_and_left(app, actions, client):
    user_id = actions.signup_and_login(trial=False)
    _add_session(app, user_id)
    page = _text(client.get("/account"))
    assert 'data-testid="plan-name">Free<' in page
    assert "trial-days-left" not in page
    limit = app.config["FREE_SESSIONS_PER_MONTH"]
    assert f"Practice sessions this month: 1 used, {limit - 1} left." in page


# ---- change password ---------------------------------------------------------------------------------------


def test_change_password_with_wrong_current_password_refused(app, actions, client):
    actions.signup_and_login()
    response = actions.post(
        "/account/password",
        {"current_password": "not my password at all", "new_password": NEW_PASSWORD},
        csrf_page="/account",
    )
    assert response.status_code == 422
    assert "That isn't your current password." in _text(response)
    with app.app_context():
        assert db.session.scalar(select(User)).check_password(PASSWORD)


def test_change_password_refuses_a_weak_new_password(actions):
    actions.signup_and_login()
    response = actions.post(
        "/account/password", {"current_password": PASSWORD, "new_password": "short"}, csrf_page="/account"
    )
    assert response.status_code == 422
    assert "Use at least 10 characters." in _text(response)


def test_change_password_keeps_this_device_and_logs_out_others(app, actions, client):
    actions.signup_and_login()
    other_device = Actions(app, app.test_client())
    other_device.login()
    assert other_device.client.get("/account").status_code == 200

    response = actions.post(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, csrf_page="/account"
    )
    assert response.status_code == 302
    assert "Your password has been changed" in _text(client.get("/account"))
    assert other_device.client.get("/account").status_code == 302
    assert Actions(app, app.test_client()).login(password=NEW_PASSWORD).status_code == 302


def test_change_password_keeps_remember_me_on_this_device_only(app, actions, client):
    actions.create_user()
    actions.login(remember=True)
    old_remember = client.get_cookie("remember_token").value

    actions.post(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}, csrf_page="/account"
    )
    new_remember = client.get_cookie("remember_token").value
    assert new_remember != old_remember

    for value, logged_in in [(new_remember, True), (old_remember, False)]:
        browser_restarted = app.test_client()
        browser_restarted.set_cookie("remember_token", value)
        assert (browser_restarted.get("/account").status_code == 200) is logged_in


# ---- export --------------------------------------------------------------------------------------------------


def test_export_downloads_everything_as_json(app, actions, client):
    user_id = actions.signup_and_login()
    _add_session(app, user_id, role="product-manager")
    someone_else = actions.create_user("other@example.com")
    _add_session(app, someone_else, role="data-scientist")

    response = client.get("/account/export")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and ".json" in disposition
    assert response.headers.get("Cache-Control") == "no-store"
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "alex@example.com"
    assert data["account"]["effective_plan"] == "pro"
    assert [s["role"] for s in data["sessions"]] == ["product-manager"]
    assert "other@example.com" not in response.get_data(as_text=True)
    assert "password" not in json.dumps(data["account"])


# ---- delete --------------------------------------------------------------------------------------------------


def test_delete_with_wrong_password_deletes_nothing(app, actions, client):
    user_id = actions.signup_and_login()
    _add_session(app, user_id)
    response = actions.post("/account/delete", {"password": "not my password at all"}, csrf_page="/account")
    assert response.status_code == 422
    assert "nothing was deleted" in _text(response)
    assert _count(app, User) == 1
    assert _count(app, PracticeSession) == 1
    assert client.get("/account").status_code == 200


def test_delete_without_password_deletes_nothing(app, actions):
    actions.signup_and_login()
    response = actions.post("/account/delete", {}, csrf_page="/account")
    assert response.status_code == 422
    assert _count(app, User) == 1


def test_delete_removes_the_account_and_its_data_and_logs_out(app, actions, client):
    user_id = actions.signup_and_login()
    _add_session(app, user_id)
    other = actions.create_user("other@example.com")
    _add_session(app, other)

    response = actions.post("/account/delete", {"password": PASSWORD}, csrf_page="/account")
    assert response.status_code == 302
    assert response.location == "/"
    assert "Your account and all its data have been deleted." in _text(client.get("/"))
    assert client.get("/account").status_code == 302

    with app.app_context():
        assert db.session.get(User, user_id) is None
        assert db.session.scalars(select(PracticeSession.user_id)).all() == [other]
        assert db.session.scalars(select(SessionStart.user_id)).all() == [other]

    assert actions.login().status_code == 401
