"""`jupyter lab` in a process of its own on 127.0.0.1, with the MCOP extension, for browser tests.

Usage::

    server = LabServer.create(tmp_path, model="offline:15")
    server.write_notebook("chat.ipynb", ['from mcop_kernel import ChatWidget; ChatWidget(session_id="x")'])
    server.start()                  # returns once /api/status answers (about 2 s)
    page.goto(server.lab_url("chat.ipynb"))
    server.stop()                   # SIGTERM to the PID we started, then wait (bounded)
    server.start()                  # same port, same store, same cookie secret: pages reconnect

Everything the server writes (HOME, Jupyter's config, data and runtime directories, the SQLite store,
the log `server.log`) lives under the given directory; tests/browser/ is on the server's (and its
kernels') PYTHONPATH so a test catalog module there can be named in `--MCOPExtension.catalog`.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
JUPYTER = Path(sys.executable).with_name("jupyter")

# JupyterLab asks whether to fetch Jupyter news and checks for updates; neither may touch the
# (closed) network nor put a toast over the screenshots.
_USER_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def notebook_json(cells: list[str | tuple[str, str]]) -> dict[str, Any]:
    """An nbformat 4 notebook for the venv's python3 kernel; a cell is code text, or
    `("markdown", text)`."""
    out = []
    for i, cell in enumerate(cells):
        kind, source = ("code", cell) if isinstance(cell, str) else cell
        entry: dict[str, Any] = {"cell_type": kind, "id": f"cell-{i}", "metadata": {}, "source": source}
        if kind == "code":
            entry |= {"execution_count": None, "outputs": []}
        out.append(entry)
    return {
        "cells": out,
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@dataclass
class LabServer:
    home: Path
    port: int
    token: str
    args: list[str]
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        home: Path,
        *,
        model: str = "offline:15",
        catalog: str | None = None,
        extra_args: tuple[str, ...] = (),
        port: int | None = None,
    ) -> LabServer:
        root = home / "root"
        root.mkdir(parents=True, exist_ok=True)
        settings = home / "user-settings"
        for name, value in _USER_SETTINGS.items():
            path = settings / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(value))
        args = [
            "lab",
            "--allow-root",
            "--no-browser",
            "--ip",
            "127.0.0.1",
            f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True",
            "--JupyterNotebookApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={settings}",
            f"--LabApp.workspaces_dir={home / 'workspaces'}",
            f"--MCOPExtension.store_path={home / 's.sqlite'}",
            f"--MCOPExtension.model={model}",
            *([f"--MCOPExtension.catalog={catalog}"] if catalog else []),
            *extra_args,
        ]
        server = cls(home=home, port=port or free_port(), token=secrets.token_hex(16), args=args)
        server.env = os.environ | {
            "HOME": str(home),
            "JUPYTER_CONFIG_DIR": str(home / "config"),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
            "PYTHONPATH": os.pathsep.join(p for p in (str(HERE), os.environ.get("PYTHONPATH", "")) if p),
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        }
        return server

    # -- URLs ----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def lab_url(self, notebook: str) -> str:
        """The notebook in JupyterLab, in a workspace of its own: the default workspace would reopen
        every notebook an earlier page had open, and one of those could be the current one."""
        return f"{self.url}lab/workspaces/{secrets.token_hex(4)}/tree/{notebook}?token={self.token}"

    def notebook_url(self, notebook: str) -> str:
        return f"{self.url}notebooks/{notebook}?token={self.token}"

    @property
    def root(self) -> Path:
        return self.home / "root"

    @property
    def log_path(self) -> Path:
        return self.home / "server.log"

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def write_notebook(self, name: str, cells: list[str | tuple[str, str]]) -> Path:
        path = self.root / name
        path.write_text(json.dumps(notebook_json(cells), indent=1))
        return path

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self, timeout: float = 40) -> LabServer:
        """Start `jupyter lab` (on the same port every time) and wait until it answers."""
        assert self.process is None or self.process.poll() is not None, "the server is running"
        with self.log_path.open("ab") as log:
            log.write(f"\n==== start {self.starts + 1}: port {self.port}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [
                    str(JUPYTER),
                    *self.args,
                    "--port",
                    str(self.port),
                    f"--IdentityProvider.token={self.token}",
                ],
                env=self.env,
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its kernels share its process group: cleanup by our PID
            )
        self.starts += 1
        deadline = time.monotonic() + timeout
        status = f"{self.url}api/status?token={self.token}"
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"jupyter lab exited with {self.process.returncode} while starting:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(status, timeout=2) as response:
                    if response.status == 200:
                        return self
            except (OSError, urllib.error.URLError):
                time.sleep(0.1)
        self.stop()
        raise AssertionError(f"jupyter lab did not answer within {timeout:g} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM (as a service manager stops it), wait; then SIGKILL its process group."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(5)
        # Kernels it started and did not stop (it was killed) are in its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)

    def fetch_json(self, path: str) -> Any:
        with urllib.request.urlopen(f"{self.url}{path}?token={self.token}", timeout=5) as response:
            return json.loads(response.read())
