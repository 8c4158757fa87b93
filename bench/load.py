"""Load: 100 simulated users, each signing up, confirming their email, starting an interview and answering 10
questions, against gunicorn on SQLite and on PostgreSQL (offline coach). Locust (as a library) generates the load.

Checks: zero 5xx, zero lost answers (every answer the app acknowledged, and every answer sent at all, is looked
up in the database afterwards), and p50/p95 per step.

    .venv/bin/python bench/load.py [--users 100] [--turns 10] [--db sqlite|postgresql|both] [--json out.json]
"""
from __future__ import annotations

import locust  # noqa: F401  (first: gevent patches the standard library before anything else loads)

import argparse
import itertools
import re
import sys
import time
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import gevent
from locust import HttpUser, between, events, task
from locust.env import Environment
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

STEPS = ["sign-up", "verify email (logs in)", "start session", "answer"]
LINK_RE = re.compile(r"https?://[^\s]+/verify/[^\s]+")


class Run:
    """State shared by the simulated users of one run."""

    def __init__(self, users: int, turns: int, outbox: Path, tag: str) -> None:
        self.users = users
        self.turns = turns
        self.outbox = outbox
        self.tag = tag
        self.counter = itertools.count()
        self.finished = 0
        self.problems: list[str] = []
        self.sent: list[str] = []  # every answer text sent
        self.acknowledged: set[str] = set()  # answers the app answered 200 to
        self.statuses: dict[int, int] = {}
        self.links: dict[str, str] = {}
        self.seen_files: set[str] = set()

    def verification_link(self, email: str, timeout: float = 10.0) -> str:
        """Read the confirmation link the app wrote to its outbox folder."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if email in self.links:
                return self.links.pop(email)
            for path in self.outbox.glob("*.eml"):
                if path.name in self.seen_files:
                    continue
                try:
                    message = message_from_bytes(path.read_bytes(), policy=policy.default)
                    body = message.get_body(("plain",))
                    match = LINK_RE.search(body.get_content()) if body is not None else None
                except Exception:  # noqa: BLE001 - a file still being written: read it again next time
                    match = None
                if match and message["To"]:
                    self.seen_files.add(path.name)
                    self.links[str(message["To"])] = match.group(0)
            gevent.sleep(0.05)
        raise RuntimeError(f"no confirmation email for {email}")


RUN: Run | None = None


class Candidate(HttpUser):
    wait_time = between(0.1, 0.5)  # a short pause between a candidate's actions

    def _expect(self, response, status: int, what: str) -> None:  # type: ignore[no-untyped-def]
        if response.status_code != status:
            raise RuntimeError(f"{what}: expected {status}, got {response.status_code}")

    @task
    def journey(self) -> None:
        run = RUN
        assert run is not None
        n = next(run.counter)
        if n >= run.users:  # Locust replaces users that stop; the run has all the users it needs
            gevent.sleep(5)
            raise StopUser()
        email = f"load-{run.tag}-{n}@example.com"
        http = self.client
        http.headers["User-Agent"] = common.USER_AGENT
        try:
            token = common.csrf_from(http.get("/signup", name="GET /signup").text)
            r = http.post("/signup", data={"email": email, "password": common.PASSWORD, "csrf_token": token},
                          name="sign-up", allow_redirects=False)
            self._expect(r, 302, "sign-up")
            link = run.verification_link(email)
            parts = urlsplit(link)
            r = http.get(parts.path + (f"?{parts.query}" if parts.query else ""), name="verify email (logs in)",
                         allow_redirects=False)
            self._expect(r, 302, "verify")
            self.wait()
            token = common.csrf_from(http.get("/practice/interview/new", name="GET setup").text)
            r = http.post("/practice/interview", name="start session", allow_redirects=False,
                          data={"interview_type": "behavioural", "role": "software-engineer", "level": "mid",
                                "num_questions": "10", "csrf_token": token})
            self._expect(r, 302, "start session")
            session_path = r.headers["Location"].split("#")[0]
            page = http.get(session_path, name="session page")
            token = common.csrf_from(page.text)
            for i in range(run.turns):
                self.wait()
                text = f"{common.ANSWERS[i % 3]} [{email} answer {i}]"
                run.sent.append(text)
                r = http.post(f"{session_path}/answer", name="answer", data={"answer": text, "csrf_token": token},
                              headers={"HX-Request": "true", "X-CSRFToken": token})
                if r.status_code == 200:
                    run.acknowledged.add(text)
                else:
                    run.problems.append(f"{email} answer {i}: {r.status_code}")
        except Exception as exc:  # noqa: BLE001 - record and stop this user; the report counts it
            run.problems.append(f"{email}: {exc}")
        finally:
            run.finished += 1
        raise StopUser()


@events.request.add_listener
def _count_status(response=None, **_kwargs: Any) -> None:  # type: ignore[no-untyped-def]
    if RUN is not None and response is not None:
        code = getattr(response, "status_code", 0) or 0
        RUN.statuses[code] = RUN.statuses.get(code, 0) + 1


def stored_answers(app) -> set[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from webapp.extensions import db
    from webapp.practice.models import Turn

    with app.app_context():
        texts = set(db.session.scalars(select(Turn.text).where(Turn.speaker == "candidate")))
        db.session.remove()
        db.engine.dispose()
    return texts


def run_load(db: str, users: int, turns: int, spawn_rate: float, max_seconds: float) -> dict[str, Any]:
    global RUN
    env = common.app_env(common.database_url(db))
    app = common.make_app(env)
    common.reset_database(app)
    outbox = Path(env["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    for old in outbox.glob("*.eml"):
        old.unlink()
    RUN = Run(users, turns, outbox, db)
    with common.gunicorn("webapp:create_app()", env, name=f"load-{db}") as server:
        environment = Environment(user_classes=[Candidate], host=server.url, events=events)
        runner = environment.create_local_runner()
        started = time.monotonic()
        runner.start(users, spawn_rate=spawn_rate)
        while RUN.finished < users and time.monotonic() - started < max_seconds:
            gevent.sleep(0.25)
        elapsed = time.monotonic() - started
        runner.quit()
        errors = common.server_errors(server.log_path)
    stats = environment.stats
    steps = {}
    for name in STEPS:
        entry = next((e for (n, _m), e in stats.entries.items() if n == name), None)
        if entry is None or entry.num_requests == 0:
            continue
        steps[name] = {"count": entry.num_requests, "failures": entry.num_failures,
                       "p50_ms": entry.get_response_time_percentile(0.5),
                       "p95_ms": entry.get_response_time_percentile(0.95),
                       "max_ms": round(entry.max_response_time or 0, 1)}
    client_errors = [f"{e.name}: {e.error} (x{e.occurrences})" for e in stats.errors.values()]
    stored = stored_answers(app)
    lost_acknowledged = sorted(RUN.acknowledged - stored)
    missing_sent = sorted(set(RUN.sent) - stored)
    five_xx = sum(v for k, v in RUN.statuses.items() if k >= 500)
    return {
        "db": db, "users": users, "turns": turns, "finished_users": RUN.finished,
        "timed_out": RUN.finished < users, "seconds": round(elapsed, 1),
        "requests": stats.total.num_requests, "statuses": {str(k): v for k, v in sorted(RUN.statuses.items())},
        "five_xx": five_xx, "answers_sent": len(RUN.sent), "answers_acknowledged": len(RUN.acknowledged),
        "answers_stored": len(set(RUN.sent) & stored), "lost_acknowledged": len(lost_acknowledged),
        "missing_sent": len(missing_sent), "problems": RUN.problems[:20], "problem_count": len(RUN.problems),
        "steps": steps, "server_errors": errors[:20], "client_errors": client_errors[:20],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--turns", type=int, default=10)
    parser.add_argument("--spawn-rate", type=float, default=10.0, help="users started per second")
    parser.add_argument("--max-seconds", type=float, default=240.0, help="hard limit per database")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--json")
    args = parser.parse_args()
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    runs = {}
    for db in dbs:
        r = run_load(db, args.users, args.turns, args.spawn_rate, args.max_seconds)
        runs[db] = r
        verdict = "holds" if r["five_xx"] == 0 and r["lost_acknowledged"] == 0 and r["missing_sent"] == 0 \
            and not r["timed_out"] else "MISSES"
        print(f"{db}: {r['finished_users']}/{r['users']} users in {r['seconds']} s, {r['requests']} requests, "
              f"5xx {r['five_xx']}, answers sent {r['answers_sent']}, acknowledged {r['answers_acknowledged']}, "
              f"stored {r['answers_stored']}, lost {r['lost_acknowledged']} -> {verdict}")
        for name, s in r["steps"].items():
            print(f"  {name:<24} n={s['count']:<5} p50 {s['p50_ms']:>6} ms  p95 {s['p95_ms']:>6} ms  "
                  f"failures {s['failures']}")
        if r["problems"]:
            print(f"  problems ({r['problem_count']}): {r['problems'][:5]}")
        if r["client_errors"] or r["server_errors"]:
            print(f"  client errors: {r['client_errors'][:5]}\n  server log: {r['server_errors'][:5]}")
    if len(runs) == 2 and "answer" in runs["sqlite"]["steps"] and "answer" in runs["postgresql"]["steps"]:
        a, b = runs["sqlite"]["steps"]["answer"], runs["postgresql"]["steps"]["answer"]
        print(f"answer p95, PostgreSQL vs SQLite baseline: {b['p95_ms'] / max(a['p95_ms'], 1):.2f}x")
    common.write_result(args.json, {"machine": common.machine_info(), "gunicorn": common.GUNICORN_ARGS,
                                    "runs": runs})
    return 0


if __name__ == "__main__":
    sys.exit(main())
