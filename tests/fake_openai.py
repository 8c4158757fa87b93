"""A loopback OpenAI-compatible server for tests: real HTTP on 127.0.0.1, scripted replies."""
from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_TEXT = "Thanks for that. Could you tell me more about the result you achieved?"
STATUS_ERRORS = {
    400: ("invalid_request_error", "bad_request", "The request was not valid."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("invalid_request_error", "forbidden", "You are not allowed to use this model."),
    404: ("invalid_request_error", "model_not_found", "The model does not exist."),
    429: ("rate_limit_exceeded", "rate_limit_exceeded", "Rate limit reached, slow down."),
    500: ("server_error", None, "The server had an error while processing your request."),
    502: ("server_error", None, "Bad gateway."),
    503: ("server_error", None, "The engine is currently overloaded."),
}


@dataclass
class Reply:
    """One scripted answer; fields left at their defaults give a normal reply."""

    text: str | None = None
    json: dict[str, Any] | None = None
    raw_content: str | None = None
    delay_between_chunks: float = 0.0
    status: int | None = None
    retry_after: float | str | None = None
    drop_after_chunks: int | None = None
    stall_after_chunks: int | None = None
    stall_max_seconds: float = 10.0
    empty: bool = False
    usage: dict[str, int] | None = None
    finish_reason: str = "stop"


@dataclass
class RecordedRequest:
    """What the fake received, and how far it got answering."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any
    chunks_sent: int = 0
    finished: threading.Event = field(default_factory=threading.Event)
    first_chunk_sent: threading.Event = field(default_factory=threading.Event)


def instance_from_schema(schema: dict[str, Any], root: dict[str, Any] | None = None) -> Any:
    """A small valid instance of a JSON schema: mid-range numbers, "ok" strings, short arrays."""
    root = root if root is not None else schema
    if "$ref" in schema:
        ref = schema["$ref"]
        node: Any = root
        for part in ref.lstrip("#/").split("/"):
            node = node[part]
        return instance_from_schema(node, root)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return instance_from_schema(options[0], root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object" or "properties" in schema:
        props = schema.get("properties", {})
        return {name: instance_from_schema(sub, root) for name, sub in props.items()}
    if kind == "array":
        if schema.get("minItems", 0) > 0:
            return [instance_from_schema(schema.get("items", {}), root)] * schema["minItems"]
        return []
    if kind in ("integer", "number"):
        low = schema.get("minimum", 0)
        high = schema.get("maximum", low + 10)
        middle = (low + high) / 2
        return round(middle) if kind == "integer" else middle
    if kind == "boolean":
        return True
    if kind == "null":
        return None
    return "ok"


class _Server(ThreadingHTTPServer):
    daemon_threads = False
    block_on_close = True
    fake: FakeOpenAI


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5  # a client that connects and says nothing can't pin a thread
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - keep test output quiet
        pass

    # --- routing -------------------------------------------------------

    def do_GET(self) -> None:  # noqa: N802
        record = self._record(None)
        if self.path.rstrip("/") == "/v1/models":
            self._send_json(200, {"object": "list", "data": [{"id": "fake-model", "object": "model", "owned_by": "test"}]})
        else:
            self._send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
        record.finished.set()

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            body = raw.decode("utf-8", "replace")
        record = self._record(body)
        try:
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send_json(404, {"error": {"message": "not found", "type": "invalid_request_error"}})
                return
            reply = self.server.fake._next_reply()
            self._answer(record, body if isinstance(body, dict) else {}, reply)
        except (BrokenPipeError, ConnectionResetError, socket.timeout):
            self.close_connection = True
        finally:
            record.finished.set()

    def _record(self, body: Any) -> RecordedRequest:
        record = RecordedRequest(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
        with self.server.fake._lock:
            self.server.fake.requests.append(record)
        return record

    # --- answers -------------------------------------------------------

    def _answer(self, record: RecordedRequest, body: dict[str, Any], reply: Reply) -> None:
        if reply.status is not None and reply.status >= 400:
            self._send_error_reply(reply)
            return
        content = self._content_for(body, reply)
        usage = reply.usage or {
            "prompt_tokens": _count_words(json.dumps(body.get("messages", []))),
            "completion_tokens": max(1, _count_words(content)) if content else 0,
        }
        usage.setdefault("total_tokens", usage.get("prompt_tokens", 0) + usage.get("completion_tokens", 0))
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            self._stream(record, body, reply, content, usage if include_usage else None)
        else:
            self._send_json(200, _completion(body, content, usage, reply.finish_reason))

    def _content_for(self, body: dict[str, Any], reply: Reply) -> str:
        if reply.empty:
            return ""
        if reply.raw_content is not None:
            return reply.raw_content
        if reply.json is not None:
            return json.dumps(reply.json)
        if reply.text is not None:
            return reply.text
        response_format = body.get("response_format") or {}
        if response_format.get("type") == "json_schema":
            schema = (response_format.get("json_schema") or {}).get("schema") or {}
            return json.dumps(instance_from_schema(schema))
        if response_format.get("type") == "json_object":
            return "{}"
        return DEFAULT_TEXT

    def _send_error_reply(self, reply: Reply) -> None:
        status = reply.status or 500
        kind, code, message = STATUS_ERRORS.get(status, ("server_error", None, "Error."))
        headers = {}
        if reply.retry_after is not None:
            headers["retry-after"] = str(reply.retry_after)
        self._send_json(status, {"error": {"message": message, "type": kind, "param": None, "code": code}}, headers)

    def _send_json(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()
        self.close_connection = True

    def _stream(
        self, record: RecordedRequest, body: dict[str, Any], reply: Reply, content: str, usage: dict[str, int] | None
    ) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:12]}"
        model = body.get("model", "fake-model")
        pieces = _word_pieces(content)
        events = [_chunk(completion_id, model, {"role": "assistant", "content": ""}, None)]
        events += [_chunk(completion_id, model, {"content": piece}, None) for piece in pieces]
        events.append(_chunk(completion_id, model, {}, reply.finish_reason))
        if usage is not None:
            events.append({**_chunk(completion_id, model, {}, None), "choices": [], "usage": usage})
        fake = self.server.fake
        for event in events:
            if reply.drop_after_chunks is not None and record.chunks_sent >= reply.drop_after_chunks:
                self._drop()
                return
            if reply.stall_after_chunks is not None and record.chunks_sent >= reply.stall_after_chunks:
                fake._wait_for_release(reply.stall_max_seconds)
                self._drop()
                return
            if record.chunks_sent and reply.delay_between_chunks:
                if fake._stopping.wait(reply.delay_between_chunks):
                    self._drop()
                    return
            self._write_chunk(f"data: {json.dumps(event)}\n\n".encode())
            record.chunks_sent += 1
            record.first_chunk_sent.set()
        self._write_chunk(b"data: [DONE]\n\n")
        self._write_chunk(b"")  # the zero-length chunk that ends the body

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _drop(self) -> None:
        """Close the socket mid-body, as a crashed upstream or a cut connection would."""
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def _count_words(text: str) -> int:
    return len(text.split())


def _word_pieces(text: str) -> list[str]:
    """Split text into word-sized deltas that join back to the exact text."""
    pieces: list[str] = []
    current = ""
    for char in text:
        if char.isspace() and current and not current[-1].isspace():
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces


def _chunk(completion_id: str, model: str, delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
    return {
        "id": completion_id,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "logprobs": None}],
    }


def _completion(body: dict[str, Any], content: str, usage: dict[str, int], finish_reason: str) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fake-model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": finish_reason,
                "logprobs": None,
            }
        ],
        "usage": usage,
    }


class FakeOpenAI:
    """Serves /v1/chat/completions (plain and streamed) and /v1/models from a queue of Reply objects."""

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self._queue: list[Reply] = []
        self._lock = threading.Lock()
        self._release = threading.Event()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("the fake server is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self, port: int = 0) -> FakeOpenAI:
        """Serve on 127.0.0.1 (an ephemeral port unless one is given)."""
        self._stopping.clear()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="fake-openai", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release stalled handlers, stop serving and wait for every handler thread."""
        self._stopping.set()
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()  # joins handler threads (block_on_close)
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def enqueue(self, *replies: Reply) -> None:
        with self._lock:
            self._queue.extend(replies)

    def reset(self) -> None:
        with self._lock:
            self._queue.clear()
            self.requests.clear()
        self._release.clear()

    def release(self) -> None:
        """Let stalled streams end (they then close the connection)."""
        self._release.set()

    @property
    def chat_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path.rstrip("/").endswith("/chat/completions")]

    def _next_reply(self) -> Reply:
        with self._lock:
            return self._queue.pop(0) if self._queue else Reply()

    def _wait_for_release(self, max_seconds: float) -> None:
        self._release.wait(max_seconds)

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
