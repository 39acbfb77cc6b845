"""Child processes for benchmarks/transport.py: started on 127.0.0.1, measured, and always stopped.

Every child is recorded when it starts and stopped by its PID (SIGTERM, then SIGKILL after a grace
period), whatever happens to the run. A child's CPU time is read from /proc (see CpuSample), so a
server is measured from outside, without its cooperation.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

_CLK_TCK = os.sysconf("SC_CLK_TCK")
_started: list[Child] = []


class ChildFailed(RuntimeError):
    """A child did not start, did not answer, or exited early; the message says how."""


@dataclass(frozen=True)
class CpuSample:
    """CPU seconds of a process: `threads` sums its live threads' on-CPU time from
    /proc/PID/task/*/schedstat (nanoseconds); `process` is user + system from /proc/PID/stat (clock
    ticks, 10 ms, but it keeps the time of threads that have exited)."""

    threads: float
    process: float

    def since(self, earlier: CpuSample) -> float:
        precise = self.threads - earlier.threads
        coarse = self.process - earlier.process
        # a thread that exited in between is only in the coarse figure
        return coarse if coarse > 1.05 * precise + 2 / _CLK_TCK else precise


class Child:
    """One subprocess with its output in a log file."""

    def __init__(self, name: str, argv: list[str], log_path: Path, env: dict[str, str] | None = None):
        self.name = name
        self.log_path = log_path
        self.env = dict(env or {})
        merged = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        with open(log_path, "wb") as log:
            self.popen = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=merged,
                start_new_session=True,  # Ctrl-C reaches only us; we stop the child ourselves
            )
        _started.append(self)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def running(self) -> bool:
        return self.popen.poll() is None

    def cpu(self) -> CpuSample:
        """The child's CPU time so far (all its threads); subtract two samples with `since`."""
        threads = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            with contextlib.suppress(OSError, ValueError, IndexError):
                threads += int((task / "schedstat").read_text().split()[0])
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()  # the command name may hold spaces
        return CpuSample(threads / 1e9, (int(fields[11]) + int(fields[12])) / _CLK_TCK)

    def log_tail(self, lines: int = 12) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.rstrip().splitlines()[-lines:])

    def stop(self, grace: float = 5.0) -> None:
        """SIGTERM, wait up to `grace` seconds, then SIGKILL: only this child, by its PID."""
        if self.popen.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    self.popen.kill()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.popen.wait(grace)
        if self in _started:
            _started.remove(self)

    async def wait_listening(self, port: int, timeout: float) -> None:
        """Return once 127.0.0.1:`port` accepts connections; raise ChildFailed on exit or timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise ChildFailed(f"{self.name} exited with code {self.popen.returncode}:\n{self.log_tail()}")
            try:
                _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 1.0)
            except (OSError, TimeoutError):
                await asyncio.sleep(0.1)
                continue
            writer.close()
            with contextlib.suppress(OSError):
                await writer.wait_closed()
            return
        raise ChildFailed(
            f"{self.name} did not listen on port {port} within {timeout:g} s:\n{self.log_tail()}"
        )

    async def wait_idle(self, timeout: float, quiet: float = 0.5, busy: float = 0.01) -> bool:
        """Return once the child used less than `busy` CPU seconds in `quiet` seconds: a server
        keeps working for a while after it listens (Jupyter's extensions finish starting in the
        background), which must not be counted against the first answers. False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.running():
            before = self.cpu()
            await asyncio.sleep(quiet)
            if self.cpu().since(before) < busy:
                return True
        return False

    async def wait_exit(self, timeout: float) -> int:
        """The exit code, once the child ends by itself; raise ChildFailed (and stop it) on timeout."""
        deadline = time.monotonic() + timeout
        while self.popen.poll() is None:
            if time.monotonic() > deadline:
                self.stop()
                raise ChildFailed(f"{self.name} did not finish within {timeout:g} s:\n{self.log_tail()}")
            await asyncio.sleep(0.05)
        if self in _started:
            _started.remove(self)
        return self.popen.returncode


def stop_all() -> None:
    """Stop every child still running (the last line of defence: errors, Ctrl-C, SIGTERM)."""
    for child in list(_started):
        child.stop(grace=3.0)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
