"""Run every bench and regenerate docs/benchmarks.md with the figures, the date and the machine they ran on.

    .venv/bin/python bench/run_all.py [--quick]     (make bench does this after installing the bench extra)

Each bench runs as its own process with a time limit; a bench that fails is reported as failed in the doc.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

DOC = common.ROOT / "docs" / "benchmarks.md"
BENCHES = {
    # name: (script, normal args, quick args, time limit in seconds)
    "tokens": ("tokens.py", [], [], 120),
    "pages": ("pages.py", [], [], 180),
    "streaming": ("streaming.py", [], ["--turns", "10"], 600),
    "turn_overhead": ("turn_overhead.py", [], ["--duration", "5", "--warmup", "1", "--sessions-per-user", "10"], 900),
    "load": ("load.py", [], ["--users", "20"], 900),
}


def loadavg() -> float:
    """The 1-minute load average: other work on this machine competes with every figure here."""
    try:
        return float(Path("/proc/loadavg").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return -1.0


LOADS: dict[str, tuple[float, float]] = {}


def run(name: str, quick: bool) -> tuple[dict[str, Any] | None, str, float]:
    script, args, quick_args, limit = BENCHES[name]
    out = common.WORK_DIR / f"result-{name}.json"
    cmd = [sys.executable, str(common.BENCH_DIR / script), *(quick_args if quick else args), "--json", str(out)]
    print(f"== {name}: {' '.join(cmd[1:])}", flush=True)
    started = time.monotonic()
    before = loadavg()
    try:
        proc = subprocess.run(cmd, cwd=str(common.ROOT), capture_output=True, text=True, timeout=limit)
        output = proc.stdout + (f"\n[stderr tail]\n{proc.stderr[-1500:]}" if proc.returncode else "")
        ok = proc.returncode == 0 and out.exists()
    except subprocess.TimeoutExpired as exc:
        output = f"timed out after {limit} s\n{exc.stdout or ''}"
        ok = False
    elapsed = time.monotonic() - started
    LOADS[name] = (before, loadavg())
    print(output.strip(), flush=True)
    return (json.loads(out.read_text()) if ok else None), output, elapsed


def ms(value: float) -> str:
    return f"{value:,.1f} ms" if value < 1000 else f"{value / 1000:,.2f} s"


def turn_section(r: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    if r is None:
        return ["## Turn overhead\n", "The bench failed this run; see the output of `bench/turn_overhead.py`.\n"], \
            ["| Turn overhead | failed to run | – |"]
    bare = r["runs"]["bare"]
    target = r["target_ratio"]
    lines = [
        "## Turn overhead (`bench/turn_overhead.py`)\n",
        f"wrk, {r['connections']} connections (one per wrk thread, so {r['connections']} concurrent users each waiting "
        f"for its answer before sending the next), {r['duration_s']:g} s measured after a warm-up, against "
        f"`gunicorn {' '.join(r['gunicorn'])}`. The baseline is `bench/bare_app.py`, a Flask app whose endpoint at the "
        "same URL returns \"ok\", in the same gunicorn configuration, sent the same request. The answer endpoint "
        "runs with rate limits off, on fresh Pro-trial users with 10-question sessions, rotating over "
        "many sessions so every request does real work (a session that finishes is dropped). On the LLM path each "
        "turn is what the browser does after an answer: POST the answer, read the new turn's SSE stream (the model "
        "call), GET the score (a second model call), against the loopback fake model with zero delay.\n",
        "| Run | Answers/s | All requests/s | Ratio to bare | p50 | p95 | 422 / errors / 5xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
        f"| bare Flask \"ok\" (mean of a run before and after: {bare['rps_before']:,.0f} and {bare['rps_after']:,.0f}) "
        f"| – | {bare['rps']:,.0f} | 1.00 | {ms(bare['latency_us']['p50'] / 1000)} | "
        f"{ms(bare['latency_us']['p95'] / 1000)} | – |",
    ]
    summary = []
    worst = None
    for key, run_ in r["runs"].items():
        if key == "bare":
            continue
        mode, db = key.split("-", 1)
        label = f"answer, {'offline coach' if mode == 'offline' else 'LLM path (answer + stream + score)'}, {db}"
        errs = run_["answers_err"] + run_["streams_err"] + run_["scores_err"]
        lines.append(f"| {label} | {run_['answers_per_s']:,.1f} | {run_['rps']:,.0f} | {run_['ratio']:.3f} | "
                     f"{ms(run_['latency_us']['p50'] / 1000)} | {ms(run_['latency_us']['p95'] / 1000)} | "
                     f"{run_['answers_422']} / {errs} / {run_['s5xx']} |")
        if mode == "offline" and (worst is None or run_["ratio"] > worst[1]):
            worst = (key, run_["ratio"])
    lines.append("")
    lines.append("Server-side time per request (from the app's own request log, `duration_ms`; for the stream this "
                 "is until the response starts, not the whole body):\n")
    lines.append("| Run | Endpoint | Count | Mean | p50 | p95 |")
    lines.append("| --- | --- | ---: | ---: | ---: | ---: |")
    for key, run_ in r["runs"].items():
        for endpoint, s in run_.get("server", {}).items():
            lines.append(f"| {key} | {endpoint} | {s['count']} | {ms(s['mean_ms'])} | {ms(s['p50_ms'])} | "
                         f"{ms(s['p95_ms'])} |")
    cost = r.get("in_process", {})
    best = max((v["ratio"] for k, v in r["runs"].items() if k.startswith("offline")), default=0.0)
    holds = best >= target
    lines.append("")
    lines.append(f"**Target: the answer endpoint reaches at least {target:.0%} of the bare endpoint's throughput — "
                 + ("holds.**" if holds else
                    f"misses.** The best run (offline coach) reaches {best:.1%} of the bare endpoint, "
                    f"{target / best:.0f}× short of the target." if best else "misses.**"))
    lines.append("")
    if cost:
        lines.append(
            f"Why: in this process, on one thread with no HTTP and no contention, one answer costs "
            f"{cost['answer_ms']:.1f} ms and {cost['sql_per_answer']:.0f} SQL statements, against "
            f"{cost['bare_ms']:.2f} ms for the bare endpoint — about {cost['answer_ms'] / cost['bare_ms']:.0f}× the "
            "work. The answer endpoint saves the answer and commits (so it is safe before any scoring), scores it "
            "with the offline coach, asks the engine for the next action, stores the score and the hiring "
            "manager's turn and commits a second time, then renders the exchange fragment (the answer with its score card, "
            "the next turn, a fresh answer form and the session status). Each commit expires the loaded objects, "
            "so the session and its turns are read again, and relationships such as each turn's `score` load "
            "lazily. That is CPU time in Python (and in the database), and with 2 cores shared by gunicorn's 2 "
            "workers, the database and wrk, throughput is bounded by it. A bare \"ok\" costs almost nothing, so "
            "the ratio compares the app's work with none; half of the bare figure is out of reach for an endpoint "
            "that commits twice and scores text, whatever the tuning. Reading the server-side times: they "
            "include waiting for the GIL behind the worker's other threads, so they grow with concurrency.\n")
    off = {k.split("-", 1)[1]: v for k, v in r["runs"].items() if k.startswith("offline-")}
    if "sqlite" in off and "postgresql" in off:
        slower = "PostgreSQL" if off["postgresql"]["answers_per_s"] < off["sqlite"]["answers_per_s"] else "SQLite"
        lines.append(f"{slower} was the slower of the two in this run. PostgreSQL pays a round trip per statement "
                     "to a server on the same 2 cores, plus `pool_pre_ping`'s `SELECT 1` on every connection "
                     "checkout; SQLite pays for one writer at a time (concurrent answers wait on the write lock, up "
                     "to the 5 s busy timeout).\n")
    lines.append("On the LLM path a turn is three requests and two model calls (the fake answers instantly), so answers/s "
                 "is lower by construction; compare its all-requests/s with the bare figure for the per-request "
                 "cost. Scoring with the model goes through the structured-output path; the fake's schema-filled "
                 "JSON carries no real evidence, so some scores may fall back to the offline scorer, which is work "
                 "too.\n")
    summary.append(f"| Turn overhead: answer endpoint ≥ {target:.0%} of bare throughput | best {best:.1%} of bare "
                   f"({bare['rps']:,.0f} req/s bare) | {'holds' if holds else f'misses ({target / best:.0f}× short)' if best else 'misses'} |")
    return lines, summary


def streaming_section(r: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    if r is None:
        return ["## Streaming\n", "The bench failed this run.\n"], ["| Streaming | failed to run | – |"]
    s = r["single"]
    holds = s["first_token_gap_ms"]["p95"] < r["target_ms"]
    lines = [
        "## Streaming (`bench/streaming.py`)\n",
        f"The loopback fake model (in the bench process) notes when it writes its first content token; a raw-socket "
        f"SSE client in the same process (same clock) notes when the first `event: chunk` arrives from gunicorn "
        f"(`{' '.join(common.GUNICORN_ARGS)}`, {r['db']}). The fake sends a token every {r['chunk_delay_s'] * 1000:.0f} "
        f"ms. Baseline: the same gap with the client reading the fake model directly.\n",
        "| Measure | Turns | p50 | p95 | max |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| baseline: fake model → client directly | {s['turns']} | {r['direct_ms']['p50']:.2f} ms | "
        f"{r['direct_ms']['p95']:.2f} ms | – |",
    ]
    for label, block in (("one user", s), (f"{r.get('concurrent_users')} users at once", r.get("concurrent"))):
        if not block:
            continue
        for measure, key in (("model's first token → browser's first chunk", "first_token_gap_ms"),
                             ("browser's request → app calls the model", "request_to_model_call_ms"),
                             ("browser's request → first chunk", "request_to_first_token_ms")):
            v = block[key]
            lines.append(f"| {label}: {measure} | {block['turns']} | {v['p50']:.1f} ms | {v['p95']:.1f} ms | "
                         f"{v['max']:.1f} ms |")
    lines.append("")
    lines.append(f"**Target: under {r['target_ms']:.0f} ms from the model's first token to the browser's — "
                 + (f"holds** (p95 {s['first_token_gap_ms']['p95']:.1f} ms, {s['first_token_gap_ms']['p95'] / r['target_ms']:.2f} of the budget)."
                    if holds else f"misses** by {s['first_token_gap_ms']['p95'] - r['target_ms']:.1f} ms at p95."))
    lines.append("")
    lines.append("The app relays each delta as it arrives (no buffering: `stream_with_context`, gunicorn's threaded "
                 "workers, `X-Accel-Buffering: no`), so the gap is the cost of one loop iteration. The larger figure "
                 "is before the model is called: the stream request loads the session and turn, checks the "
                 "one-stream-per-user rule and the token budget, claims the turn (an UPDATE and a commit) and builds "
                 "the prompt — that is time the user waits before the first word, on top of the model's own "
                 "time-to-first-token.\n")
    return lines, [f"| Streaming: model's first token → browser < {r['target_ms']:.0f} ms | p50 "
                   f"{s['first_token_gap_ms']['p50']:.1f} ms, p95 {s['first_token_gap_ms']['p95']:.1f} ms | "
                   f"{'holds' if holds else 'misses'} |"]


def tokens_section(r: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    if r is None:
        return ["## Tokens\n", "The bench failed this run.\n"], ["| Tokens | failed to run | – |"]
    lines = [
        "## Tokens (`bench/tokens.py`)\n",
        f"Prompt tokens (characters / 4, plus 4 per message) for each of {r['turns']} model-written hiring-manager "
        "turns of one behavioural interview, played through the real engine: `build_interviewer_messages` "
        "(persona, a recap of older turns, the last 4 turns verbatim, the instruction) against sending the full "
        "history verbatim every turn.\n",
        "| Turn | " + " | ".join(str(i) for i in range(1, r["turns"] + 1)) + " |",
        "| --- | " + " | ".join("---:" for _ in range(r["turns"])) + " |",
        "| bounded | " + " | ".join(str(v) for v in r["bounded"]) + " |",
        "| full history | " + " | ".join(str(v) for v in r["full"]) + " |",
        "",
        f"At turn {r['turns']} the bounded prompt is {r['bounded'][-1]:,} tokens against {r['full'][-1]:,}: ratio "
        f"**{r['ratio_last']:.2f}** ({1 - r['ratio_last']:.0%} fewer). Over the whole session, "
        f"{r['session_bounded']:,} against {r['session_full']:,} ({r['session_ratio']:.2f}). The bounded prompt stays "
        "flat (it only varies with the length of the last few turns); the full history grows with every answer.\n",
    ]
    return lines, [f"| Tokens: bounded context vs full history at turn {r['turns']} | {r['bounded'][-1]:,} vs "
                   f"{r['full'][-1]:,} tokens (ratio {r['ratio_last']:.2f}) | flat, as designed |"]


def load_section(r: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    if r is None:
        return ["## Load\n", "The bench failed this run.\n"], ["| Load | failed to run | – |"]
    lines = [
        "## Load (`bench/load.py`)\n",
        f"Locust (as a library), `gunicorn {' '.join(r['gunicorn'])}`, offline coach, rate limits off. Each simulated "
        "user signs up over HTTP, opens the confirmation link from the app's outbox (which logs them in), starts a "
        "10-question interview and answers 10 times (htmx), pausing 0.1–0.5 s between actions; users start at 10 "
        "per second. Afterwards every answer sent is looked up in the database.\n",
        "| Database | Users done | Time | Requests | 5xx | Answers sent / acknowledged / stored | Lost |",
        "| --- | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    summary = []
    for db, run_ in r["runs"].items():
        lines.append(f"| {db} | {run_['finished_users']}/{run_['users']} | {run_['seconds']} s | {run_['requests']} | "
                     f"{run_['five_xx']} | {run_['answers_sent']} / {run_['answers_acknowledged']} / "
                     f"{run_['answers_stored']} | {run_['lost_acknowledged']} |")
    lines += ["", "| Database | Step | Count | p50 | p95 | max | Failures |", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for db, run_ in r["runs"].items():
        for step, s in run_["steps"].items():
            lines.append(f"| {db} | {step} | {s['count']} | {ms(s['p50_ms'])} | {ms(s['p95_ms'])} | "
                         f"{ms(s['max_ms'])} | {s['failures']} |")
    lines.append("")
    for db, run_ in r["runs"].items():
        ok = run_["five_xx"] == 0 and run_["lost_acknowledged"] == 0 and run_["missing_sent"] == 0 \
            and not run_["timed_out"] and run_["problem_count"] == 0
        verdict = "holds" if ok else "misses"
        detail = "" if ok else (f" ({run_['five_xx']} 5xx, {run_['lost_acknowledged']} acknowledged answers lost, "
                                f"{run_['missing_sent']} sent answers not stored, {run_['problem_count']} user "
                                f"problems: {'; '.join(run_['problems'][:3])})")
        lines.append(f"**Target on {db}: zero 5xx and zero lost answers — {verdict}.**{detail}\n")
        if run_.get("client_errors"):
            lines.append(f"Client-side errors on {db} (Locust; status 0 means no HTTP response at all — the "
                         "connection was closed or reset): " + "; ".join(f"`{e}`" for e in run_["client_errors"][:5])
                         + "\n")
        summary.append(f"| Load, {db}: {run_['users']} users × {run_['turns']} turns, zero 5xx, zero lost answers | "
                       f"{run_['five_xx']} 5xx, {run_['lost_acknowledged']} lost, {run_['answers_stored']}/"
                       f"{run_['answers_sent']} stored | {verdict} |")
    lines.append(
        "Sign-up and login are the slow steps by design: each hashes a password with scrypt (werkzeug's default "
        "cost), about 150 ms of CPU each on this machine, and with users arriving at 10 a second the 2 cores are "
        "saturated while they sign up, so every other request queues behind the hashing (the confirmation link "
        "itself does no hashing; its time is that queue). Answers are the app's own work plus that queue.\n")
    return lines, summary


def pages_section(r: dict[str, Any] | None) -> tuple[list[str], list[str]]:
    if r is None:
        return ["## Pages\n", "The bench failed this run.\n"], ["| Pages | failed to run | – |"]
    lines = [
        "## Pages (`bench/pages.py`)\n",
        "Bytes a first-time visitor downloads per page: the HTML plus its same-origin stylesheets and scripts, raw "
        "and gzip (level 6). Logged-in pages are fetched as a member; the session page has 4 scored answers.\n",
        "| Page | HTML | CSS | JS | Total | Total gzip | gzip / raw |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for p in r["pages"]:
        lines.append(f"| {p['name']} (`{p['path']}`) | {p['html']:,} | {p['css']:,} | {p['js']:,} | {p['total']:,} | "
                     f"{p['total_gz']:,} | {p['total_gz'] / p['total']:.2f} |")
    cc = sorted(set(r["asset_cache_control"].values())) or ["(none)"]
    js_share = max(p["js"] / p["total"] for p in r["pages"])
    lines += ["",
              f"The app does not compress responses itself ({'it does' if r['compressed_by_app'] else 'no Content-Encoding'}): "
              "the gzip column is what a compressing proxy in front would send. Static assets are served with "
              f"`Cache-Control: {', '.join(cc)}` (revalidated on every page view, not cached for a period, and the URLs "
              f"carry no content hash). JavaScript (vendored htmx and its SSE extension, plus app.js) is up to "
              f"{js_share:.0%} of a page's raw bytes; after the first visit the browser revalidates rather than "
              "re-downloads it.\n"]
    largest = max(r["pages"], key=lambda p: p["total_gz"])
    return lines, [f"| Pages: bytes per main page | {min(p['total_gz'] for p in r['pages']):,}–{largest['total_gz']:,} "
                   f"bytes gzip with assets (largest: {largest['name']}) | no target; figures only |"]


def render(results: dict[str, dict[str, Any] | None], elapsed: dict[str, float], quick: bool, now: str) -> str:
    m = next((r["machine"] for r in results.values() if r and "machine" in r), None) or common.machine_info()
    sections, summary = [], []
    for fn, key in ((turn_section, "turn_overhead"), (streaming_section, "streaming"), (tokens_section, "tokens"),
                    (load_section, "load"), (pages_section, "pages")):
        body, rows = fn(results.get(key))
        sections += body
        summary += rows
    head = [
        "# Benchmarks\n",
        "Generated by `make bench` (`bench/run_all.py`); do not edit by hand — rerun it. Every figure below was "
        "measured in one run on the machine described here, and every ratio is against a baseline measured in the "
        "same run.\n",
        f"- Date: {now}" + (" (quick mode: shorter runs, fewer users)" if quick else ""),
        f"- Machine: {m['nproc']} cores (`nproc`), {m['memory_gib']} GiB memory, CPU: {m['cpu_model']}, "
        f"Python {m['python']}, {m['os']}",
        "- Server: `gunicorn " + " ".join(common.GUNICORN_ARGS) + "` (gthread), `APP_ENV=development` with a fixed "
        "`SECRET_KEY` (production only adds Secure cookies, which plain-HTTP load clients would not send back), "
        "`RATELIMIT_ENABLED=false`, request logging at INFO to a file; PostgreSQL 127.0.0.1 (the bench's own "
        f"`{common.PG_DB}` database) or SQLite (WAL) in a temporary folder. Load generators: wrk (throughput), "
        "Locust (load), stdlib sockets (streaming latency). Everything shares the same 2 cores.",
        "- Time per bench: " + ", ".join(f"{k} {v:.0f} s" for k, v in elapsed.items()),
        "- 1-minute load average before → after each bench (above 2 means other work was competing for the "
        "2 cores, and the figures are lower and noisier than on an idle machine): "
        + ", ".join(f"{k} {a:.1f} → {b:.1f}" for k, (a, b) in LOADS.items()),
        "",
        "## Summary\n",
        "| Target | Figure | Verdict |",
        "| --- | --- | --- |",
        *summary,
        "",
    ]
    return "\n".join(head + sections).rstrip() + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs (a smoke test, not for the doc)")
    parser.add_argument("--only", nargs="*", choices=list(BENCHES), help="run only these (the doc still lists all)")
    parser.add_argument("--results", help="also keep every bench's JSON (and timings) in this file")
    parser.add_argument("--render-only", metavar="FILE", help="rewrite the doc from a --results file; run nothing")
    args = parser.parse_args()
    if args.render_only:
        saved = json.loads(Path(args.render_only).read_text())
        LOADS.update({k: tuple(v) for k, v in saved["loads"].items()})
        DOC.write_text(render(saved["results"], saved["elapsed"], saved["quick"], saved["date"]))
        print(f"wrote {DOC.relative_to(common.ROOT)} from {args.render_only}")
        return 0
    common.ensure_wrk()
    results: dict[str, dict[str, Any] | None] = {}
    elapsed: dict[str, float] = {}
    for name in BENCHES:
        if args.only and name not in args.only:
            results[name] = None
            continue
        results[name], _output, elapsed[name] = run(name, args.quick)
    date = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    if args.results:
        Path(args.results).write_text(json.dumps({"results": results, "elapsed": elapsed, "quick": args.quick,
                                                  "date": date, "loads": LOADS}, indent=1, default=str))
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(render(results, elapsed, args.quick, date))
    print(f"wrote {DOC.relative_to(common.ROOT)}")
    return 0 if all(results.get(n) is not None for n in BENCHES if not args.only or n in args.only) else 1


if __name__ == "__main__":
    sys.exit(main())
