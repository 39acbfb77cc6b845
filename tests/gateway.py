"""Jupyter Enterprise Gateway on 127.0.0.1 with the MCOP kernelspec, for tests: started, stopped by PID.

Enterprise Gateway (PyPI `jupyter-enterprise-gateway`) pins its own Jupyter packages, so it lives in
an environment of its own; its kernels run this environment's Python. Tell the tests where it is::

    python -m venv /opt/eg && /opt/eg/bin/pip install jupyter-enterprise-gateway==3.3.0
    MCOP_GATEWAY=/opt/eg/bin/jupyter-enterprisegateway pytest tests/test_kernel_backed_gateway.py
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

GATEWAY = os.environ.get("MCOP_GATEWAY") or shutil.which("jupyter-enterprisegateway") or ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_kernelspec(home: Path) -> Path:
    """A kernelspec directory holding the MCOP kernel, run by this environment's Python."""
    spec = home / "gateway-kernels" / "kernels" / "mcop"
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "mcop_kernel.kernel", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "MCOP Explorer", "language": "mcop", "interrupt_mode": "signal"}
    (spec / "kernel.json").write_text(json.dumps(kernel))
    return spec.parent.parent


@asynccontextmanager
async def enterprise_gateway(home: Path, timeout: float = 60) -> AsyncIterator[str]:
    """Run Enterprise Gateway with only the MCOP kernelspec; yields its URL. Log: home/gateway.log."""
    port = free_port()
    env = os.environ | {"JUPYTER_PATH": str(write_kernelspec(home)), "JUPYTER_RUNTIME_DIR": str(home / "gw")}
    command = [
        GATEWAY,
        "--ip=127.0.0.1",
        f"--port={port}",
        "--EnterpriseGatewayApp.unauthorized_users=[]",  # root runs the tests here
        "--EnterpriseGatewayApp.list_kernels=True",
    ]
    with (home / "gateway.log").open("ab") as log:
        process = subprocess.Popen(
            command, env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and process.poll() is None:
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
                writer.close()
                break
            except OSError:
                await asyncio.sleep(0.2)
        else:
            raise RuntimeError(
                f"Enterprise Gateway did not start: {(home / 'gateway.log').read_text()[-2000:]}"
            )
        yield f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
