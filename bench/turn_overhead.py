"""Turn overhead: requests/s of the answer endpoint vs a bare Flask endpoint, same gunicorn, same load generator.

wrk drives every run with one connection per thread (20 by default), so "20 concurrent users" each send a
request, wait for the answer, and send the next. Runs: the bare app; the answer endpoint with the offline coach;
the LLM path against the loopback fake model (zero delay), where each turn is what the browser does: POST the
answer, read the new turn's SSE stream, GET the answer's score.

    .venv/bin/python bench/turn_overhead.py [--duration 15] [--db sqlite|postgresql|both] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

TARGET_RATIO = 0.5


def run_wrk(server_url: str, mode: str, data_path: Path, duration: float, connections: int, tag: str) -> dict[str, Any]:
    """One bounded wrk run (duration and a hard timeout); its JSON summary."""
    out = common.WORK_DIR / f"wrk-{tag}.json"
    out.unlink(missing_ok=True)
    env = dict(os.environ, BENCH_MODE=mode, BENCH_DATA=str(data_path), BENCH_OUT=str(out), BENCH_UA=common.USER_AGENT)
    cmd = [common.ensure_wrk(), "-t", str(connections), "-c", str(connections), "-d", f"{duration:g}s",
           "--timeout", "10s", "-s", str(common.BENCH_DIR / "wrk_answer.lua"), server_url]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=duration + 60)
    if proc.returncode != 0 or not out.exists():
        raise RuntimeError(f"wrk failed ({proc.returncode}): {proc.stderr[-2000:]}\n{proc.stdout[-2000:]}")
    result = json.loads(out.read_text())
    seconds = result["duration_us"] / 1e6
    result["seconds"] = seconds
    result["rps"] = result["requests"] / seconds
    result["answers_per_s"] = result.get("answers_ok", 0) / seconds
    return result


def write_data(path: Path, rows: list[tuple[int, int, str, str, str]]) -> Path:
    path.write_text("".join(f"{t}\t{sid}\t{cookie}\t{csrf}\t{pending}\n" for t, sid, cookie, csrf, pending in rows))
    return path


def server_side(log_path: Path, offset: int) -> dict[str, dict[str, float]]:
    """Per-endpoint server time (the app's own duration_ms log) for the requests after `offset` bytes."""
    text = log_path.read_bytes()[offset:].decode(errors="replace")
    groups: dict[str, list[float]] = {}
    for line in text.splitlines():
        start = line.find('{"request_id"')
        if start == -1:
            continue
        try:
            record = json.loads(line[start:])
        except ValueError:
            continue
        path = record["path"]
        kind = ("answer" if path.endswith("/answer") else "stream" if path.endswith("/stream")
                else "score" if path.endswith("/score") else path)
        groups.setdefault(kind, []).append(record["duration_ms"])
    return {
        kind: {"count": len(v), "mean_ms": round(statistics.fmean(v), 1), "p50_ms": common.percentile(v, 50),
               "p95_ms": common.percentile(v, 95)}
        for kind, v in groups.items() if kind in ("answer", "stream", "score")
    }


def bare_run(duration: float, warmup: float, connections: int) -> dict[str, Any]:
    rows = [(t, 1, "none=1", "none", "-") for t in range(connections)]
    data = write_data(common.WORK_DIR / "bare.tsv", rows)
    env = common.app_env("sqlite://")
    env["PYTHONPATH"] = str(common.BENCH_DIR)
    with common.gunicorn("bare_app:app", env, name="bare") as server:
        if warmup:
            run_wrk(server.url, "bare", data, warmup, connections, "bare-warmup")
        return run_wrk(server.url, "bare", data, duration, connections, "bare")


def rows_for(base_url: str, users: dict[str, list[dict[str, Any]]]) -> list[tuple[int, int, str, str, str]]:
    """Log each user in; one wrk thread per user, with that user's sessions (and any turn waiting to stream)."""
    rows = []
    for t, (email, infos) in enumerate(users.items()):
        cookie, csrf = common.login(base_url, email, f"/practice/sessions/{infos[0]['id']}")
        for info in infos:
            pending = (f"/practice/sessions/{info['id']}/turns/{info['pending_turn']}/stream"
                       if info["pending_turn"] else "-")
            rows.append((t, info["id"], cookie, csrf, pending))
    return rows


def app_run(mode: str, db: str, duration: float, warmup: float, connections: int,
            sessions_per_user: int) -> dict[str, Any]:
    """Fresh database, users and sessions, gunicorn, logins, then wrk (warm-up on separate sessions)."""
    fake = None
    if mode == "llm":
        from tests.fake_openai import FakeOpenAI

        fake = FakeOpenAI().start()
    try:
        env = common.app_env(common.database_url(db), llm_base_url=fake.base_url if fake else "")
        app = common.make_app(env)
        common.reset_database(app)
        # Warm-up gets its own users: wrk cuts streams off when it stops, and a cut stream blocks its user's
        # next streams for a while (see docs/benchmarks.md).
        users = common.create_users_and_sessions(app, connections, sessions_per_user, prefix=f"{mode}-{db}-")
        warm_users = (common.create_users_and_sessions(app, connections, 3, prefix=f"warm-{mode}-{db}-")
                      if warmup else {})
        with common.gunicorn("webapp:create_app()", env, name=f"{mode}-{db}") as server:
            main_rows = rows_for(server.url, users)
            warm_rows = rows_for(server.url, warm_users)
            if warmup:
                run_wrk(server.url, mode, write_data(common.WORK_DIR / f"{mode}-warm.tsv", warm_rows), warmup,
                        connections, f"{mode}-{db}-warmup")
            offset = server.log_path.stat().st_size
            result = run_wrk(server.url, mode, write_data(common.WORK_DIR / f"{mode}.tsv", main_rows), duration,
                             connections, f"{mode}-{db}")
            result["server"] = server_side(server.log_path, offset)
            result["server_errors"] = common.server_errors(server.log_path)[:20]
            result["sessions"] = len(main_rows)
        return result
    finally:
        if fake is not None:
            fake.stop()


def in_process_cost(answers: int = 100) -> dict[str, float]:
    """Single-thread cost of one answer in this process (no HTTP, no contention): ms and SQL statements."""
    import time

    from sqlalchemy import event

    from webapp.extensions import db

    env = common.app_env(common.sqlite_url("inproc"))
    app = common.make_app(env)
    common.reset_database(app)
    users = common.create_users_and_sessions(app, 1, 20, prefix="inproc-")
    email, infos = next(iter(users.items()))
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = common.USER_AGENT
    token = common.csrf_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": email, "password": common.PASSWORD, "csrf_token": token})
    token = common.csrf_from(client.get(f"/practice/sessions/{infos[0]['id']}").get_data(as_text=True))
    statements = [0]

    def post(i: int) -> None:
        r = client.post(f"/practice/sessions/{infos[i % len(infos)]['id']}/answer",
                        data={"answer": common.ANSWERS[i % 4], "csrf_token": token},
                        headers={"HX-Request": "true", "X-CSRFToken": token})
        if r.status_code != 200:
            raise RuntimeError(f"in-process answer: {r.status_code}")

    for i in range(20):
        post(i)
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *a, **k: statements.__setitem__(0, statements[0] + 1))
    started = time.perf_counter()
    for i in range(20, 20 + answers):
        post(i)
    answer_ms = (time.perf_counter() - started) / answers * 1000

    sys.path.insert(0, str(common.BENCH_DIR))
    from bare_app import app as bare

    bare_client = bare.test_client()
    started = time.perf_counter()
    for _ in range(1000):
        bare_client.post("/practice/sessions/1/answer", data={"answer": "x"})
    bare_ms = (time.perf_counter() - started) / 1000 * 1000
    return {"answer_ms": round(answer_ms, 2), "sql_per_answer": round(statements[0] / answers, 1),
            "bare_ms": round(bare_ms, 3)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per run (default 15)")
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--connections", type=int, default=20, help="concurrent users (wrk threads = connections)")
    parser.add_argument("--sessions-per-user", type=int, default=40)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--json")
    args = parser.parse_args()
    dbs = ["sqlite", "postgresql"] if args.db == "both" else [args.db]

    print(f"gunicorn {' '.join(common.GUNICORN_ARGS)}; wrk -t{args.connections} -c{args.connections} "
          f"-d{args.duration:g}s; machine {common.machine_info()}", flush=True)
    bare = bare_run(args.duration, args.warmup, args.connections)
    print(f"bare Flask endpoint: {bare['rps']:.0f} req/s, p50 {bare['latency_us']['p50'] / 1000:.1f} ms, "
          f"p95 {bare['latency_us']['p95'] / 1000:.1f} ms", flush=True)
    runs: dict[str, Any] = {}
    for db in dbs:
        for mode in ("offline", "llm"):
            r = app_run(mode, db, args.duration, args.warmup, args.connections, args.sessions_per_user)
            r["ratio"] = r["answers_per_s"] / bare["rps"]
            r["requests_ratio"] = r["rps"] / bare["rps"]
            runs[f"{mode}-{db}"] = r
            lat = r["latency_us"]
            extra = ""
            if mode == "llm":
                extra = (f" (turn = answer + SSE stream + score: {r['rps']:.0f} req/s in all, "
                         f"streams ok {r['streams_ok']}, scores ok {r['scores_ok']})")
            print(f"answer endpoint, {mode} coach, {db}: {r['answers_per_s']:.0f} answers/s = "
                  f"{r['ratio']:.3f}x the first bare run; p50 {lat['p50'] / 1000:.1f} ms, p95 {lat['p95'] / 1000:.1f} ms; "
                  f"422 {r['answers_422']}, errors {r['answers_err'] + r['streams_err'] + r['scores_err']}, "
                  f"5xx {r['s5xx']}{extra}", flush=True)
            print(f"  server-side ms: {r['server']}", flush=True)
    cost = in_process_cost()
    print(f"in-process, one thread: an answer costs {cost['answer_ms']:.1f} ms and {cost['sql_per_answer']:.0f} SQL "
          f"statements; the bare endpoint {cost['bare_ms']:.2f} ms", flush=True)
    # The bare endpoint again at the end: other load on the machine moves figures between runs, so the baseline
    # is the mean of one run before and one after the app's runs.
    bare_after = bare_run(args.duration, args.warmup, args.connections)
    bare_rps = (bare["rps"] + bare_after["rps"]) / 2
    print(f"bare Flask endpoint again: {bare_after['rps']:.0f} req/s; baseline {bare_rps:.0f} req/s", flush=True)
    for r in runs.values():
        r["ratio"] = r["answers_per_s"] / bare_rps
        r["requests_ratio"] = r["rps"] / bare_rps
    bare["rps_before"], bare["rps_after"], bare["rps"] = bare["rps"], bare_after["rps"], bare_rps
    runs = {"bare": bare, **runs}
    result = {"machine": common.machine_info(), "gunicorn": common.GUNICORN_ARGS, "in_process": cost, "connections": args.connections,
              "duration_s": args.duration, "target_ratio": TARGET_RATIO, "runs": runs}
    common.write_result(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
