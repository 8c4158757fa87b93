"""Shared bench plumbing: databases, a gunicorn under test, users and sessions, logins, and result files.

Every server here listens on 127.0.0.1 only; every process started is stopped by its own id.
"""
from __future__ import annotations

import atexit
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
WORK_DIR = Path(os.environ.get("BENCH_WORK_DIR") or tempfile.mkdtemp(prefix="offerready-bench-"))
if not os.environ.get("BENCH_WORK_DIR") and not os.environ.get("BENCH_KEEP"):
    atexit.register(shutil.rmtree, WORK_DIR, True)  # set BENCH_KEEP=1 to keep databases and gunicorn logs
os.environ["BENCH_WORK_DIR"] = str(WORK_DIR)  # child benches (run_all.py) share it
os.environ.setdefault("INSTANCE_PATH", str(WORK_DIR / "instance"))  # read when webapp.config is imported
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = os.environ.get("BENCH_PG_DB", "offerready_bench")
SECRET_KEY = "bench-only-" + secrets.token_hex(16)
PASSWORD = "correct horse battery staple"
USER_AGENT = "offerready-bench/1"
GUNICORN_ARGS = ["-w", "2", "--threads", "4"]  # the one configuration every throughput figure uses

CSRF_RE = re.compile(r'"X-CSRFToken": "([^"]+)"|name="csrf_token"[^>]*value="([^"]+)"')

ANSWERS = [
    "In my last role I led the migration of our billing service from a monolith to three services. The situation "
    "was that deploys took two hours and failed one time in five. My task was to cut that risk without a freeze. "
    "I mapped the dependencies, wrote contract tests, and moved one endpoint a week behind a feature flag. As a "
    "result, deploy time fell to twelve minutes and failed deploys dropped to under one percent over six months.",
    "I would start by clarifying the requirements with the product owner, then sketch the data model and the API. "
    "I usually agree on the riskiest assumption first and test it with a small prototype, because it is cheaper "
    "to learn early. Then I write the plan down and share it with the team for review.",
    "When two engineers disagreed about the queue we should use, I set up a short session where each wrote down "
    "their criteria. I owned the comparison and ran a load test of both options against our real traffic. We chose "
    "the simpler one, saved about 30% in running cost, and the team kept the decision record for later.",
    "Honestly I am not sure. I think I would ask someone on the team.",
]


# ---- machine and results -------------------------------------------------------------------------------------


def machine_info() -> dict[str, Any]:
    """What these figures ran on: cores, memory, CPU model, Python and OS."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_kib = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_kib = int(line.split()[1])
    except OSError:
        pass
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip() or str(os.cpu_count())
    return {
        "nproc": int(nproc),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "cpu_model": cpu,
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
    }


def write_result(path: str | None, result: dict[str, Any]) -> None:
    """Write a script's figures as JSON (for run_all.py); always print them too."""
    if path:
        Path(path).write_text(json.dumps(result, indent=2, default=str))


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (pct in 0..100) of a list; 0.0 for an empty list."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(round(pct / 100 * len(ordered) + 0.5))))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- databases ------------------------------------------------------------------------------------------------


def sqlite_url(name: str = "bench") -> str:
    path = WORK_DIR / f"{name}.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_url() -> str:
    """The bench's own PostgreSQL database (created if missing), never the shared `test` one."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (PG_DB,)).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{PG_DB}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    from webapp.config import normalise_database_url

    return normalise_database_url(f"{base}/{PG_DB}")


def database_url(kind: str) -> str:
    return postgres_url() if kind == "postgresql" else sqlite_url()


def app_env(db_url: str, *, llm_base_url: str = "", extra: dict[str, str] | None = None) -> dict[str, str]:
    """Environment for the app (in gunicorn or in-process): rate limits off, mail to a folder, no real model."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "LLM_", "FLASK_"))}
    env.update(
        APP_ENV="development",  # production forces Secure cookies, which plain-HTTP load clients won't send back
        SECRET_KEY=SECRET_KEY,
        DATABASE_URL=db_url,
        INSTANCE_PATH=str(WORK_DIR / "instance"),
        MAIL_OUTBOX_DIR=str(WORK_DIR / "outbox"),
        RATELIMIT_ENABLED="false",
        LLM_DAILY_TOKENS_PRO="1000000000",
        LLM_DAILY_TOKENS_FREE="1000000000",
        LOG_LEVEL="INFO",
    )
    if llm_base_url:
        env.update(LLM_PROVIDER="openai", OPENAI_BASE_URL=llm_base_url, OPENAI_API_KEY="bench-key",
                   OPENAI_MODEL="fake-model")
    else:
        env["LLM_PROVIDER"] = "offline"
    env.update(extra or {})
    return env


def make_app(env: dict[str, str]):  # type: ignore[no-untyped-def]
    """The app in this process, configured exactly like the gunicorn one."""
    from webapp import create_app
    from webapp.config import DevelopmentConfig, normalise_database_url

    url = normalise_database_url(env["DATABASE_URL"])
    overrides: dict[str, Any] = {
        "CONFIG_CLASS": DevelopmentConfig,
        "SECRET_KEY": env["SECRET_KEY"],
        "SQLALCHEMY_DATABASE_URI": url,
        "MAIL_OUTBOX_DIR": env["MAIL_OUTBOX_DIR"],
        "RATELIMIT_ENABLED": False,
        "LLM_PROVIDER": env["LLM_PROVIDER"],
        "OPENAI_BASE_URL": env.get("OPENAI_BASE_URL", ""),
        "OPENAI_API_KEY": env.get("OPENAI_API_KEY", ""),
        "OPENAI_MODEL": env.get("OPENAI_MODEL", "gpt-4o-mini"),
        "LLM_DAILY_TOKENS_PRO": int(env["LLM_DAILY_TOKENS_PRO"]),
        "LOG_LEVEL": "WARNING",
    }
    return create_app(overrides)


def reset_database(app) -> None:  # type: ignore[no-untyped-def]
    """Drop every table and rebuild the schema through the migrations, then let go of the connections."""
    from webapp.database import rebuild_schema
    from webapp.extensions import db

    rebuild_schema(app)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def create_users_and_sessions(app, users: int, sessions_per_user: int, num_questions: int = 10,  # type: ignore[no-untyped-def]
                              prefix: str = "bench") -> dict[str, list[dict[str, Any]]]:
    """Verified Pro-trial users, each with interview sessions already started; {email: [session info]}."""
    from webapp.auth.models import User, utcnow
    from webapp.extensions import db
    from webapp.practice.interview import start_interview

    out: dict[str, list[dict[str, Any]]] = {}
    with app.app_context():
        password_hash = None
        for u in range(users):
            email = f"{prefix}{u}@example.com"
            user = User(email=email, plan="free")
            if password_hash is None:
                user.set_password(PASSWORD)
                password_hash = user.password_hash
            user.password_hash = password_hash  # one scrypt, not one per user
            user.start_trial(app.config["TRIAL_DAYS"])
            user.email_verified_at = utcnow()
            db.session.add(user)
            db.session.commit()
            infos = []
            for s in range(sessions_per_user):
                session = start_interview(user, ("behavioural", "technical", "screening")[s % 3],
                                          "software-engineer", "mid", num_questions)
                pending = next((t for t in session.turns if t.status == "pending"), None)
                infos.append({"id": session.id, "pending_turn": pending.id if pending else None})
            out[email] = infos
        db.session.remove()
        db.engine.dispose()
    return out


# ---- gunicorn -------------------------------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    port: int
    log_path: Path
    process: subprocess.Popen


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], *, name: str = "app", extra_args: list[str] | None = None,
             ready_path: str = "/healthz", timeout: float = 30.0) -> Iterator[Server]:
    """Run gunicorn (the shared worker configuration) on a loopback port; stop it by its pid afterwards."""
    port = free_port()
    log_path = WORK_DIR / f"gunicorn-{name}-{port}.log"
    cmd = [str(VENV_BIN / "gunicorn"), *GUNICORN_ARGS, "-b", f"127.0.0.1:{port}", "--timeout", "60",
           "--graceful-timeout", "5", *(extra_args or []), app_spec]
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(cmd, cwd=str(ROOT), env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(url + ready_path, process, timeout, log_path)
        yield Server(url, port, log_path, process)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        log.close()


def _wait_ready(url: str, process: subprocess.Popen, timeout: float, log_path: Path) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early; see {log_path}:\n{log_path.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not become ready at {url} within {timeout}s; see {log_path}")


def request_log(log_path: Path) -> list[dict[str, Any]]:
    """The app's structured request log lines (one JSON object per request) from a gunicorn log file."""
    records = []
    for line in log_path.read_text(errors="replace").splitlines():
        start = line.find('{"request_id"')
        if start != -1:
            try:
                records.append(json.loads(line[start:]))
            except ValueError:
                pass
    return records


def server_errors(log_path: Path) -> list[str]:
    """Tracebacks and ERROR lines from a gunicorn log (the evidence behind any 5xx)."""
    lines = log_path.read_text(errors="replace").splitlines()
    return [line for line in lines if " ERROR " in line or "Traceback" in line or "[CRITICAL]" in line]


# ---- logging in over HTTP -------------------------------------------------------------------------------------


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1) or match.group(2)


def login(base_url: str, email: str, first_page: str) -> tuple[str, str]:
    """Log in over HTTP; returns the Cookie header value and a CSRF token valid for that session."""
    import requests

    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    page = http.get(base_url + "/login", timeout=10)
    token = csrf_from(page.text)
    response = http.post(base_url + "/login", data={"email": email, "password": PASSWORD, "csrf_token": token},
                         allow_redirects=False, timeout=10)
    if response.status_code != 302:
        raise RuntimeError(f"login failed for {email}: {response.status_code}")
    page = http.get(base_url + first_page, timeout=10)
    page.raise_for_status()
    token = csrf_from(page.text)
    cookie = "; ".join(f"{c.name}={c.value}" for c in http.cookies)
    return cookie, token


def ensure_wrk() -> str:
    """The path of wrk, installing Debian's package when we are root and it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk not found: installing Debian's wrk package", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True, timeout=300)
        found = shutil.which("wrk")
        if not found:
            subprocess.run(["apt-get", "update", "-q"], check=False, capture_output=True, timeout=300)
            subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, capture_output=True, timeout=300)
            found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is needed for the throughput bench: apt-get install wrk")
    return found
