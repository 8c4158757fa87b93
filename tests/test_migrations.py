"""The migrations build exactly the schema the models describe, and take it down again cleanly.

Each test migrates its own fresh database (a new SQLite file, or a throwaway PostgreSQL schema), so the
shared test database is never touched.
"""
from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from tests.conftest import IN_CI, TEST_DATABASE_URL
from webapp.config import normalise_database_url
from webapp import ROOT, create_app
from webapp.config import TestingConfig
from webapp.extensions import db

# The PostgreSQL that CI runs next to the tests (see .ci/run).
CI_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TABLES = {"users", "practice_sessions", "session_starts", "turns", "scores", "llm_calls"}


def _postgres_url() -> str:
    if TEST_DATABASE_URL:
        return normalise_database_url(TEST_DATABASE_URL)
    if IN_CI:  # never skip in CI, even on the SQLite pass
        return CI_POSTGRES_URL
    pytest.skip("set TEST_DATABASE_URL to run the PostgreSQL migration tests")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    base = _postgres_url()
    schema = f"mig_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        separator = "&" if "?" in base else "?"
        yield f"{base}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture()
def fresh_app(fresh_url: str) -> Iterator[Flask]:
    application = create_app({"CONFIG_CLASS": TestingConfig, "SQLALCHEMY_DATABASE_URI": fresh_url})
    with application.app_context():
        yield application
        db.session.remove()
        db.engine.dispose()


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names())


def _schema_differences() -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_the_models(fresh_app):
    assert _tables() == set()
    upgrade()
    assert _tables() == TABLES | {"alembic_version"}
    assert _schema_differences() == []


def test_upgrade_uses_a_separate_database(fresh_app, app):
    """Sanity check: the fresh database is not the shared one."""
    assert str(db.engine.url) != app.config["SQLALCHEMY_DATABASE_URI"]
    assert _tables() == set()


def test_downgrade_removes_everything_and_upgrade_again_works(fresh_app):
    upgrade()
    downgrade(revision="base")
    assert _tables() <= {"alembic_version"}
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 0
    upgrade()
    assert _schema_differences() == []


def test_migrated_schema_enforces_cascades(fresh_app):
    """Deleting a user removes their rows: the foreign keys the migrations create actually work."""
    from webapp.auth.models import User
    from webapp.practice.models import PracticeSession, SessionStart

    upgrade()
    user = User(email="alex@example.com", password_hash="x")
    db.session.add(user)
    db.session.flush()
    db.session.add(PracticeSession(user_id=user.id, mode="interview", role_slug="software-engineer", level="mid"))
    db.session.add(SessionStart(user_id=user.id, mode="interview"))
    db.session.commit()
    db.session.delete(user)
    db.session.commit()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM practice_sessions")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM session_starts")).scalar() == 0


def test_one_head_and_every_revision_can_go_down():
    scripts = ScriptDirectory(str(ROOT / "migrations"))
    assert len(scripts.get_heads()) == 1
    for revision in scripts.walk_revisions():
        source = Path(revision.path).read_text()
        assert "def downgrade" in source
        assert "def downgrade():\n    pass" not in source, revision.revision


def test_migrating_in_process_keeps_the_app_logging(tmp_path):
    application = create_app(
        {"CONFIG_CLASS": TestingConfig, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'log.sqlite3'}"}
    )
    logger = logging.getLogger("webapp.errors")
    logger.disabled = False
    try:
        with application.app_context():
            upgrade()
            db.engine.dispose()
        assert not logger.disabled
    finally:
        logger.disabled = False


def test_tests_run_against_the_configured_database(app):
    expected = "postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    with app.app_context():
        assert db.engine.dialect.name == expected
