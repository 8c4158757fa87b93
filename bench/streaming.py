"""Streaming: how long the app takes to pass the model's first token on to the browser's SSE stream.

The loopback fake model (tests/fake_openai.py, in this process) notes the moment it writes its first content
token; a raw-socket SSE client (also in this process, so the same clock) notes when its first `event: chunk`
arrives from gunicorn. The difference is the app's added latency. Also: the app's time from the browser's request
to its call to the model (the work done before the model is asked).

    .venv/bin/python bench/streaming.py [--turns 30] [--concurrent 4] [--db sqlite] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import re
import secrets
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import common  # noqa: E402

TARGET_MS = 50.0
CHUNK_DELAY = 0.02  # seconds between the fake model's tokens, roughly a real model's pace
STREAM_RE = re.compile(r'sse-connect="([^"]+)"')


MARKER_RE = re.compile(rb"bench-ref-[0-9a-f]{12}")
TIMINGS: dict[str, dict[str, float]] = {}  # answer marker -> when the fake got the call, sent its first token
TIMINGS_LOCK = threading.Lock()


def patch_fake() -> None:
    """Teach the fake model to note its timings, keyed by the marker ending the newest answer in the prompt."""
    from tests import fake_openai
    from tests.fake_openai import Reply, _Handler

    original_answer = _Handler._answer
    original_write = _Handler._write_chunk

    def _answer(self, record, body, reply):  # type: ignore[no-untyped-def]
        markers = MARKER_RE.findall(json.dumps(body).encode())
        self._bench_marker = markers[-1].decode() if markers else None
        self._bench_received = time.perf_counter()
        self._bench_first = None
        return original_answer(self, record, body, reply)

    def _write_chunk(self, data: bytes) -> None:
        if getattr(self, "_bench_first", 1) is None and b'"content": "' in data and b'"content": ""' not in data:
            self._bench_first = time.perf_counter()  # just before the token goes on the wire
            if self._bench_marker:
                with TIMINGS_LOCK:
                    TIMINGS[self._bench_marker] = {"received": self._bench_received, "first_token": self._bench_first}
        original_write(self, data)

    _Handler._answer = _answer  # type: ignore[method-assign]
    _Handler._write_chunk = _write_chunk  # type: ignore[method-assign]
    fake_openai.FakeOpenAI._next_reply = lambda self: Reply(delay_between_chunks=CHUNK_DELAY)  # type: ignore[method-assign]


def read_stream(port: int, path: str, cookie: str) -> dict[str, float]:
    """GET an SSE stream over a raw socket; when the request went, the first byte and first chunk came, and end."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n"
               f"Cookie: {cookie}\r\nUser-Agent: {common.USER_AGENT}\r\nConnection: close\r\n\r\n").encode()
    buffer = b""
    sent = time.perf_counter()
    sock.sendall(request)
    first_byte = first_chunk = None
    deadline = sent + 30
    try:
        while time.perf_counter() < deadline:
            data = sock.recv(65536)
            now = time.perf_counter()
            if not data:
                break
            first_byte = first_byte or now
            buffer += data
            if first_chunk is None and b"event: chunk" in buffer:
                first_chunk = now
            if b"event: done" in buffer:
                break
    finally:
        sock.close()
    if b" 200 " not in buffer.split(b"\r\n", 1)[0] or first_chunk is None or b"turn-error" in buffer:
        raise RuntimeError(f"stream {path} failed: {buffer[:600]!r}")
    return {"sent": sent, "first_byte": first_byte or 0.0, "first_chunk": first_chunk, "end": time.perf_counter()}


def direct_baseline(base_url: str, count: int) -> list[float]:
    """The same gap measured straight from the fake model to a client (no app between): the floor."""
    port = int(base_url.split(":")[2].split("/")[0])
    gaps = []
    for _ in range(count):
        marker = f"bench-ref-{secrets.token_hex(6)}"
        body = json.dumps({"model": "fake-model", "stream": True,
                           "messages": [{"role": "user", "content": marker}]}).encode()
        sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        sock.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        buffer = b""
        arrived = None
        try:
            while arrived is None:
                data = sock.recv(65536)
                if not data:
                    break
                buffer += data
                if re.search(rb'"content": "[^"]', buffer):
                    arrived = time.perf_counter()
        finally:
            sock.close()
        with TIMINGS_LOCK:
            fake = TIMINGS.pop(marker, None)
        if arrived is None or fake is None:
            raise RuntimeError("direct stream from the fake model failed")
        gaps.append((arrived - fake["first_token"]) * 1000)
    return gaps


def user_turns(server: common.Server, email: str, sessions: list[dict[str, Any]], count: int,
               results: list[dict[str, float]]) -> None:
    """Walk one user's sessions: answer (with a marker), stream the reply, measure; until `count` are measured.

    A session's first question is streamed too but not measured: no answer of ours is in its prompt to match on.
    """
    import requests

    cookie, csrf = common.login(server.url, email, f"/practice/sessions/{sessions[0]['id']}")
    http = requests.Session()
    http.headers.update({"User-Agent": common.USER_AGENT, "Cookie": cookie})
    measured = 0
    for session in sessions:
        path = f"/practice/sessions/{session['id']}/turns/{session['pending_turn']}/stream"
        marker = None
        while path and measured < count:
            got = read_stream(server.port, path, cookie)
            if marker is not None:
                with TIMINGS_LOCK:
                    fake = TIMINGS.pop(marker, None)
                if fake is None:
                    raise RuntimeError(f"the fake model never streamed the reply to {marker}")
                results.append({**got, "fake_received": fake["received"], "fake_first_token": fake["first_token"]})
                measured += 1
            marker = f"bench-ref-{secrets.token_hex(6)}"
            response = http.post(f"{server.url}/practice/sessions/{session['id']}/answer",
                                 data={"answer": f"{common.ANSWERS[measured % 3]} {marker}", "csrf_token": csrf},
                                 headers={"HX-Request": "true", "X-CSRFToken": csrf}, timeout=30)
            match = STREAM_RE.search(response.text) if response.status_code == 200 else None
            path = match.group(1) if match else None
        if measured >= count:
            return
    raise RuntimeError(f"{email} ran out of sessions after {measured} measured turns")


def summarise(results: list[dict[str, float]]) -> dict[str, Any]:
    gap = [(r["first_chunk"] - r["fake_first_token"]) * 1000 for r in results]
    before_model = [(r["fake_received"] - r["sent"]) * 1000 for r in results]
    to_first = [(r["first_chunk"] - r["sent"]) * 1000 for r in results]
    first_byte = [(r["first_byte"] - r["sent"]) * 1000 for r in results]
    out: dict[str, Any] = {"turns": len(results)}
    for name, values in (("first_token_gap_ms", gap), ("request_to_model_call_ms", before_model),
                         ("request_to_first_token_ms", to_first), ("request_to_first_byte_ms", first_byte)):
        out[name] = {"p50": round(common.percentile(values, 50), 2), "p95": round(common.percentile(values, 95), 2),
                     "max": round(max(values), 2)}
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--concurrent", type=int, default=4, help="users streaming at once in the second pass")
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--json")
    args = parser.parse_args()

    patch_fake()
    from tests.fake_openai import FakeOpenAI

    fake = FakeOpenAI().start()
    try:
        env = common.app_env(common.database_url(args.db), llm_base_url=fake.base_url)
        app = common.make_app(env)
        common.reset_database(app)
        per_user = max(3, args.turns // 8 + 2)
        solo = common.create_users_and_sessions(app, 1, per_user, prefix="stream-solo-")
        crowd = common.create_users_and_sessions(app, args.concurrent, per_user, prefix="stream-crowd-")
        direct = direct_baseline(fake.base_url, args.turns)
        with common.gunicorn("webapp:create_app()", env, name="streaming") as server:
            single: list[dict[str, float]] = []
            email, sessions = next(iter(solo.items()))
            user_turns(server, email, sessions, args.turns, single)
            # Several users at once, each answering and streaming in turn: streams share the workers with
            # the other users' answers.
            concurrent: list[dict[str, float]] = []
            threads = [threading.Thread(target=user_turns, args=(server, e, s, args.turns // args.concurrent + 1,
                                                                  concurrent))
                       for e, s in crowd.items()]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=300)
            errors = common.server_errors(server.log_path)
    finally:
        fake.stop()

    result = {"machine": common.machine_info(), "target_ms": TARGET_MS, "chunk_delay_s": CHUNK_DELAY, "db": args.db,
              "direct_ms": {"p50": round(common.percentile(direct, 50), 2),
                            "p95": round(common.percentile(direct, 95), 2)},
              "single": summarise(single), "concurrent_users": args.concurrent,
              "concurrent": summarise(concurrent) if concurrent else None, "server_errors": errors[:20]}
    s = result["single"]
    print(f"model's first token -> browser's first SSE chunk over {s['turns']} turns: "
          f"p50 {s['first_token_gap_ms']['p50']:.1f} ms, p95 {s['first_token_gap_ms']['p95']:.1f} ms "
          f"(target < {TARGET_MS:.0f} ms: {'holds' if s['first_token_gap_ms']['p95'] < TARGET_MS else 'misses'}; "
          f"ratio p95/target {s['first_token_gap_ms']['p95'] / TARGET_MS:.2f})")
    d = result["direct_ms"]
    print(f"baseline, the fake model straight to a client: p50 {d['p50']:.2f} ms, p95 {d['p95']:.2f} ms; the app "
          f"adds {s['first_token_gap_ms']['p50'] - d['p50']:.2f} ms at p50 "
          f"(ratio {s['first_token_gap_ms']['p50'] / max(d['p50'], 0.01):.1f}x)")
    print(f"browser request -> app calls the model: p50 {s['request_to_model_call_ms']['p50']:.1f} ms, "
          f"p95 {s['request_to_model_call_ms']['p95']:.1f} ms")
    if result["concurrent"]:
        c = result["concurrent"]
        print(f"with {args.concurrent} users at once ({c['turns']} turns): p50 {c['first_token_gap_ms']['p50']:.1f} ms, "
              f"p95 {c['first_token_gap_ms']['p95']:.1f} ms")
    common.write_result(args.json, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
