"""What a Binder user gets, rehearsed with the Python of an environment that postBuild installed.

Run by tests/test_binder.py inside a network namespace with only a loopback interface (no network):

    BINDER_PYTHON tests/binder_rehearsal.py REPO_COPY HOME

Starts that environment's `jupyter lab` in the repository copy, as the Binder image does, opens the
launch path and the extension's endpoints, runs every tutorial with nbclient on that environment's
kernel, stops the server by its PID and prints one JSON line `RESULT {...}` with what it saw.
Only the standard library, Jupyter and nbclient are used: the Binder environment has no test tools.
"""

from __future__ import annotations

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
from pathlib import Path
from typing import Any

LAUNCH_PATH = "lab/tree/notebooks/01-getting-started.ipynb"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str, token: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def wait_until_up(base: str, token: str, server: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with code {server.returncode}")
        try:
            if get(base + "api/status", token)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"jupyter lab did not answer within {timeout:g} s")


def run_notebooks(repo: Path) -> dict[str, Any]:
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    results: dict[str, Any] = {}
    for path in sorted((repo / "notebooks").glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        kernel = notebook.metadata.get("kernelspec", {}).get("name", "python3")  # as Binder's Lab runs it
        client = NotebookClient(
            notebook, timeout=120, kernel_name=kernel, resources={"metadata": {"path": str(path.parent)}}
        )
        try:
            client.execute()
            error = None
        except CellExecutionError as exc:
            error = str(exc).strip().splitlines()[-1][:300]
        text = "".join(
            output.get("text", "") + output.get("data", {}).get("text/plain", "")
            for cell in notebook.cells
            if cell.cell_type == "code"
            for output in cell.get("outputs", [])
        )
        results[path.name] = {"error": error, "output": text[:20_000]}
    return results


def main() -> None:
    repo, home = Path(sys.argv[1]), Path(sys.argv[2])
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}/"
    jupyter = Path(sys.executable).with_name("jupyter")
    env = os.environ | {"HOME": str(home), "JUPYTER_RUNTIME_DIR": str(home / "runtime")}
    command = [str(jupyter), "lab", "--no-browser", "--allow-root", "--ip=127.0.0.1", f"--port={port}"]
    command += ["--ServerApp.port_retries=0", f"--IdentityProvider.token={token}"]
    with open(home / "lab.log", "wb") as log:
        server = subprocess.Popen(command, cwd=repo, env=env, stdout=log, stderr=subprocess.STDOUT)
    result: dict[str, Any] = {}
    try:
        wait_until_up(base, token, server)
        status, page = get(base + LAUNCH_PATH, token)
        result["launch_path"] = {"status": status, "is_lab": b"jupyter-config-data" in page}
        status, body = get(base + "mcop/api/info", token)
        result["info"] = json.loads(body) if status == 200 else {"status": status}
        status, body = get(base + "static/mcop_extension/mermaid.min.js", token)
        result["mermaid"] = {"status": status, "bytes": len(body)}
        os.environ.update(env)
        result["notebooks"] = run_notebooks(repo)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(10)
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
