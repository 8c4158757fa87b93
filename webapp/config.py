"""Configuration classes; every setting can be overridden from the environment (or a .env file)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("INSTANCE_PATH", Path(__file__).resolve().parent.parent / "instance"))


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def _dev_secret_key(instance_dir: Path) -> str:
    """A development key generated once and kept in instance/, so sessions survive restarts."""
    path = instance_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def normalise_database_url(url: str) -> str:
    """PostgreSQL URLs as hosts hand them out (postgres://, postgresql://) made to use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _database_url(instance_dir: Path) -> str:
    url = normalise_database_url(os.environ.get("DATABASE_URL", ""))
    return url or f"sqlite:///{instance_dir / 'offerready.sqlite3'}"


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(INSTANCE_DIR)
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 256 * 1024)
    SEND_FILE_MAX_AGE_DEFAULT = 365 * 24 * 3600  # static URLs carry a content hash (asset_url)

    WTF_CSRF_TIME_LIMIT = _env_int("WTF_CSRF_TIME_LIMIT", 8 * 3600)
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600
    # Number of proxies in front of the app whose X-Forwarded-For may be trusted (0: trust none).
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    AUTH_RATE_LIMIT = os.environ.get("AUTH_RATE_LIMIT", "10 per minute;50 per hour")
    AUTH_ACCOUNT_RATE_LIMIT = os.environ.get("AUTH_ACCOUNT_RATE_LIMIT", "5 per minute;20 per hour")

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 587)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", True)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "OfferReady <no-reply@offerready.local>")
    MAIL_OUTBOX_DIR = os.environ.get("MAIL_OUTBOX_DIR", str(INSTANCE_DIR / "outbox"))
    EMAIL_TOKEN_MAX_AGE = _env_int("EMAIL_TOKEN_MAX_AGE", 2 * 24 * 3600)
    RESET_TOKEN_MAX_AGE = _env_int("RESET_TOKEN_MAX_AGE", 3600)

    TRIAL_DAYS = _env_int("TRIAL_DAYS", 14)
    FREE_SESSIONS_PER_MONTH = _env_int("FREE_SESSIONS_PER_MONTH", 3)
    MAX_ANSWER_CHARS = _env_int("MAX_ANSWER_CHARS", 5000)

    LLM_PROVIDER = os.environ.get("LLM_PROVIDER", "auto")
    OPENAI_BASE_URL = os.environ.get("OPENAI_BASE_URL", "")
    OPENAI_API_KEY = os.environ.get("OPENAI_API_KEY", "")
    OPENAI_MODEL = os.environ.get("OPENAI_MODEL", "gpt-4o-mini")
    OPENAI_SCORING_MODEL = os.environ.get("OPENAI_SCORING_MODEL", "")
    LLM_REQUEST_TIMEOUT = _env_float("LLM_REQUEST_TIMEOUT", 20.0)
    LLM_DEADLINE = _env_float("LLM_DEADLINE", 60.0)
    LLM_STALL_TIMEOUT = _env_float("LLM_STALL_TIMEOUT", 15.0)
    LLM_DAILY_TOKENS_FREE = _env_int("LLM_DAILY_TOKENS_FREE", 40_000)
    LLM_DAILY_TOKENS_PRO = _env_int("LLM_DAILY_TOKENS_PRO", 400_000)

    SITE_URL = os.environ.get("SITE_URL", "")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-secret-key-not-for-production"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    RATELIMIT_STORAGE_URI = "memory://"
    LLM_PROVIDER = "offline"
    MAIL_SERVER = ""


class ProductionConfig(Config):
    ENV_NAME = "production"


CONFIGS = {"development": DevelopmentConfig, "testing": TestingConfig, "production": ProductionConfig}


def config_for_environment() -> type[Config]:
    """The config class named by APP_ENV (development unless told otherwise)."""
    name = os.environ.get("APP_ENV", "development").strip().lower()
    if name not in CONFIGS:
        raise RuntimeError(f"APP_ENV must be one of {', '.join(CONFIGS)}; got {name!r}")
    return CONFIGS[name]


def ensure_secret_key(config: dict, instance_dir: Path) -> None:
    """Refuse to run production without SECRET_KEY; generate and keep one for development."""
    if config.get("SECRET_KEY"):
        return
    if config.get("ENV_NAME") == "production":
        raise RuntimeError("SECRET_KEY must be set in production (see README: Configuration).")
    config["SECRET_KEY"] = _dev_secret_key(instance_dir)
