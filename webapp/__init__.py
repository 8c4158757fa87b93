"""OfferReady: rehearse job interviews and salary negotiations against an AI hiring manager."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from dotenv import load_dotenv
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from webapp.config import INSTANCE_DIR, Config, config_for_environment, ensure_secret_key
from webapp.extensions import csrf, db, htmx, limiter, login_manager, migrate

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """Build the app: config class (or APP_ENV), optional overrides, extensions and blueprints."""
    load_dotenv(ROOT / ".env")
    app = Flask(
        __name__,
        instance_path=str(INSTANCE_DIR),
        template_folder=str(ROOT / "templates"),
        static_folder="static",
    )
    overrides: dict[str, Any] = {}
    if isinstance(config, dict):
        overrides = config
        config = overrides.pop("CONFIG_CLASS", None)
    app.config.from_object(config or config_for_environment())
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    ensure_secret_key(app.config, Path(app.instance_path))

    logging.basicConfig(level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s %(message)s")
    if app.config["TRUSTED_PROXIES"]:
        n = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    _init_extensions(app)
    _register_blueprints(app)

    from webapp import cli, context, errors, observability, security

    security.init_app(app)
    errors.init_app(app)
    observability.init_app(app)
    cli.init_app(app)
    context.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from webapp import database

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from webapp.auth import bp as auth_bp
    from webapp.guides import bp as guides_bp
    from webapp.practice import bp as practice_bp

    app.register_blueprint(auth_bp)
    app.register_blueprint(practice_bp)
    app.register_blueprint(guides_bp)
