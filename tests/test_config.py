"""Configuration: secrets, environments and database connection settings."""
from __future__ import annotations

import stat

import pytest
from sqlalchemy import text

from webapp import create_app
from webapp.config import (
    DevelopmentConfig,
    ProductionConfig,
    TestingConfig,
    config_for_environment,
    ensure_secret_key,
)
from webapp.extensions import db


@pytest.mark.parametrize("missing", [None, ""])
def test_production_refuses_to_start_without_a_secret_key(database_url, missing):
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set in production"):
        create_app({"CONFIG_CLASS": ProductionConfig, "SECRET_KEY": missing, "SQLALCHEMY_DATABASE_URI": database_url})


def test_production_never_generates_a_key(tmp_path):
    with pytest.raises(RuntimeError):
        ensure_secret_key({"ENV_NAME": "production"}, tmp_path)
    assert not (tmp_path / "secret_key").exists()


def test_development_generates_a_key_once_and_keeps_it(tmp_path):
    instance = tmp_path / "instance"
    first: dict = {"ENV_NAME": "development"}
    second: dict = {"ENV_NAME": "development"}
    ensure_secret_key(first, instance)
    ensure_secret_key(second, instance)

    key_file = instance / "secret_key"
    assert key_file.exists()
    assert first["SECRET_KEY"] == second["SECRET_KEY"] == key_file.read_text().strip()
    assert len(first["SECRET_KEY"]) >= 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by the app's user only


def test_a_configured_key_is_used_as_is(tmp_path):
    config = {"ENV_NAME": "development", "SECRET_KEY": "from-the-environment"}
    ensure_secret_key(config, tmp_path)
    assert config["SECRET_KEY"] == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


def test_app_env_picks_the_config_class(monkeypatch):
    for name, cls in [("development", DevelopmentConfig), ("testing", TestingConfig), (" Production ", ProductionConfig)]:
        monkeypatch.setenv("APP_ENV", name)
        assert config_for_environment() is cls
    monkeypatch.delenv("APP_ENV")
    assert config_for_environment() is DevelopmentConfig


def test_unknown_app_env_is_refused_clearly(monkeypatch):
    monkeypatch.setenv("APP_ENV", "prod")
    with pytest.raises(RuntimeError, match="APP_ENV must be one of"):
        config_for_environment()


def test_heroku_style_database_urls_use_psycopg(monkeypatch, tmp_path):
    from webapp.config import _database_url

    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5432/app")
    assert _database_url(tmp_path) == "postgresql+psycopg://u:p@db.example:5432/app"
    monkeypatch.setenv("DATABASE_URL", "postgresql://u:p@db.example/app")
    assert _database_url(tmp_path) == "postgresql+psycopg://u:p@db.example/app"
    monkeypatch.delenv("DATABASE_URL")
    assert _database_url(tmp_path).startswith("sqlite:///")


def test_development_cookies_work_over_plain_http_production_ones_do_not():
    assert DevelopmentConfig.SESSION_COOKIE_SECURE is False
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True


def test_sqlite_connections_use_wal_and_foreign_keys(app):
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite pragmas only apply to SQLite")
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000

