"""The README's main command, run as a newcomer would: it starts JupyterLab on the first tutorial."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

import pytest

REPO = Path(__file__).resolve().parent.parent
TUTORIAL = "01-getting-started.ipynb"
URL = re.compile(r"(http://127\.0\.0\.1:\d+/\S*)")
START_TIMEOUT = 120.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _read_url(stream: IO[str], deadline: float, seen: list[str]) -> str:
    """The first URL Jupyter prints for the user to open, within the deadline."""
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        found = URL.search(line)
        if found and "token=" in found.group(1):
            return found.group(1)
    raise AssertionError("JupyterLab printed no URL to open:\n" + "".join(seen[-40:]))


def _get(url: str, wait: float = 30.0) -> tuple[int, str]:
    """GET `url`; Jupyter prints its URL a moment before it listens, so a refusal is retried a while."""
    deadline = time.monotonic() + wait
    while True:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.URLError as exc:
            if not isinstance(exc.reason, ConnectionRefusedError) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.skipif(sys.platform == "win32", reason="scripts/start.sh is a bash script")
def test_the_main_command_opens_the_first_tutorial(tmp_path: Path) -> None:
    port = _free_port()
    env = os.environ | {
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTER_DATA_DIR": str(tmp_path / "data"),
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "BROWSER": "true",
    }
    command = ["bash", "scripts/start.sh", "--no-browser", "--ip", "127.0.0.1", "--port", str(port)]
    proc = subprocess.Popen(
        command,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    seen: list[str] = []
    try:
        assert proc.stdout is not None
        url = _read_url(proc.stdout, time.monotonic() + START_TIMEOUT, seen)
        assert f"/lab/tree/{TUTORIAL}?token=" in url, url
        status, page = _get(url)
        assert status == 200 and "JupyterLab" in page
        base, _, token = url.partition(f"lab/tree/{TUTORIAL}?token=")
        status, body = _get(f"{base}api/contents/{TUTORIAL}?content=0&token={token}")
        assert status == 200 and json.loads(body)["type"] == "notebook"
        status, body = _get(f"{base}mcop/api/info?token={token}")
        info = json.loads(body)
        assert info["ready"] is True, info
        assert "offline" in json.dumps(info["model"]) and "sample" in json.dumps(info["catalog"]).lower()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        if proc.stdout is not None:
            seen.extend(proc.stdout.readlines())
            proc.stdout.close()
    log = "".join(seen)
    # What a newcomer reads as a failure must not be there.
    assert "Traceback" not in log and "Fail to get yarn configuration" not in log, log[-4000:]
