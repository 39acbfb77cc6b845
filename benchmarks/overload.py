"""Overload: many clients each ask for a long answer at the same moment, against a real Jupyter server.

Run with:
    python benchmarks/overload.py                          # 200 clients x 2,000 tokens; limit off, then 16
    python benchmarks/overload.py --clients 30 --limits off,4 --tokens 500

For each value of `MCOPExtension.max_running_answers` in `--limits` ("off" is a limit no load
reaches, i.e. every answer runs at once, as before the limit existed) it starts a Jupyter server with
the extension and the synthetic model (`synthetic:TOKENS`: a scripted stream of TOKENS words, no
tools), opens every v2 WebSocket first, then sends one question on each at once and reads to the
end. A client's answer is *finished* when the final message and its deltas both hold the full text,
*timeout* or *error* when the server ended it with that error, *waiting* when it was still in line
(not started) at the run's deadline, and *lost* otherwise (a started answer with no final message, a
dropped connection, or a text that is not the full answer). Meanwhile a
thread of its own samples JupyterLab's REST API (`GET /api/status` and `GET /api/contents`, one
every 50 ms on one keep-alive connection) and reports its latency. Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import secrets
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from transport_procs import Child, free_port, stop_all
from websockets.asyncio.client import ClientConnection, connect

from mcop_kernel.config import SyntheticStream

OFF = 100_000
"""The limit "off" stands for: more answers than any run asks for."""
REST_PATHS = ("/api/status", "/api/contents")


@dataclass
class Outcome:
    """What one client saw."""

    kind: str = "lost"
    """finished, timeout, error or lost"""
    detail: str = ""
    queued: int | None = None
    """The position the server first gave it in the line (v2 `queued`), None if it never waited."""
    first_token: float | None = None
    total: float | None = None


@dataclass
class Run:
    limit: str
    outcomes: list[Outcome] = field(default_factory=list)
    rest: list[float] = field(default_factory=list)
    rest_failures: int = 0
    wall: float = 0.0


def _server(opts: argparse.Namespace, limit: int, workdir: Path) -> tuple[Child, int, str]:
    port, token = free_port(), secrets.token_hex(16)
    argv = [
        *(sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1"),
        *(f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--ServerApp.open_browser=False"),
        *(
            f"--IdentityProvider.token={token}",
            "--ServerApp.allow_root=True",
            f"--ServerApp.root_dir={workdir}",
        ),
        "--ServerApp.jpserver_extensions=mcop_extension=True",
        f"--MCOPExtension.model=synthetic:{opts.tokens}:{opts.delay_ms:g}",
        f"--MCOPExtension.store_path={workdir / f'sessions-{limit}.sqlite'}",
        f"--MCOPExtension.max_running_answers={limit}",
        f"--MCOPExtension.answer_timeout={opts.answer_timeout:g}",
    ]
    env = {"JUPYTER_RUNTIME_DIR": str(workdir / "runtime"), "JUPYTER_DATA_DIR": str(workdir / "data")}
    return Child(f"jupyter-{limit}", argv, workdir / f"server-{limit}.log", env), port, token


def sample_rest(port: int, token: str, stop: threading.Event, run: Run, interval: float = 0.05) -> None:
    """In a thread: GET the REST paths in turn until `stop`, recording each latency in seconds."""
    headers = {"Authorization": f"token {token}"}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    n = 0
    while not stop.is_set() and n < 20_000:
        path = REST_PATHS[n % len(REST_PATHS)]
        n += 1
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            ok = False
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        elapsed = time.perf_counter() - started
        run.rest.append(elapsed)
        run.rest_failures += not ok
        stop.wait(max(0.0, interval - elapsed))
    conn.close()


async def _open(url: str, token: str) -> ClientConnection:
    return await connect(
        url,
        additional_headers={"Authorization": f"token {token}"},
        compression=None,
        proxy=None,
        open_timeout=60,
        ping_interval=None,
        close_timeout=2,
        max_size=None,
    )


async def _read(ws: ClientConnection, expected: str, asked: float, outcome: Outcome) -> None:
    deltas: list[str] = []
    async for raw in ws:
        message = json.loads(raw)
        kind = message.get("type")
        if kind == "queued" and outcome.queued is None:
            outcome.queued = int(message["position"])
        elif kind == "agent_partial":
            if outcome.first_token is None:
                outcome.first_token = time.perf_counter() - asked
            deltas.append(message["delta"])
        elif kind in ("agent", "error"):
            outcome.total = time.perf_counter() - asked
            text = "".join(deltas)
            if kind == "error":
                code = str(message.get("code"))
                consistent = expected.startswith(text)
                outcome.kind = "timeout" if code == "timeout" and consistent else "error"
                outcome.detail = code if consistent else f"{code}, and partials not a prefix of the answer"
            elif message["content"] == expected and text == expected:
                outcome.kind = "finished"
            else:
                outcome.detail = f"text of {len(text)} characters, final {len(message['content'])}"
            return
    outcome.detail = f"connection closed ({ws.close_code})"


async def load(port: int, token: str, opts: argparse.Namespace, name: str) -> list[Outcome]:
    """Every client connected first, then all asked at once; bounded by `opts.load_deadline`."""
    expected = "".join(SyntheticStream(opts.tokens).words())
    urls = [f"ws://127.0.0.1:{port}/mcop/ws/{name}-{i}?protocol=2" for i in range(opts.clients)]
    opened = await asyncio.gather(*(_open(url, token) for url in urls), return_exceptions=True)
    outcomes = [Outcome() for _ in urls]
    readers = []
    question = json.dumps({"content": "go"})
    for ws, outcome in zip(opened, outcomes, strict=True):
        if isinstance(ws, BaseException):
            outcome.kind, outcome.detail = "error", f"connect: {type(ws).__name__}"
            continue
        await ws.send(question)  # in order: the server's line is the order of asking
        readers.append(asyncio.ensure_future(_read(ws, expected, time.perf_counter(), outcome)))
    try:
        if readers:
            await asyncio.wait(readers, timeout=opts.load_deadline)
    finally:
        for reader in readers:
            reader.cancel()
        sockets = [ws for ws in opened if isinstance(ws, ClientConnection)]
        with contextlib.suppress(Exception):
            await asyncio.wait_for(
                asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True), 10
            )
    for outcome in outcomes:
        if outcome.kind == "lost" and not outcome.detail and outcome.first_token is None:
            outcome.kind = "waiting"  # still in line when the run's deadline came: not started, not lost
        elif outcome.kind == "lost" and not outcome.detail:
            outcome.detail = f"no final message within {opts.load_deadline:g} s"
    return outcomes


async def measure(opts: argparse.Namespace, limit_name: str, workdir: Path) -> Run:
    limit = OFF if limit_name == "off" else int(limit_name)
    run = Run(limit_name)
    child, port, token = _server(opts, limit, workdir)
    try:
        await child.wait_listening(port, timeout=120)
        await child.wait_idle(timeout=30)
        warm = await load_one(port, token, opts)
        if warm.kind != "finished":
            raise RuntimeError(f"the warm-up answer failed: {warm.detail}\n{child.log_tail()}")
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rest, args=(port, token, stop, run), daemon=True)
        started = time.perf_counter()
        sampler.start()
        try:
            run.outcomes = await load(port, token, opts, f"load-{limit_name}")
        finally:
            run.wall = time.perf_counter() - started
            stop.set()
            sampler.join(15)
    finally:
        child.stop()
    return run


async def load_one(port: int, token: str, opts: argparse.Namespace) -> Outcome:
    one = argparse.Namespace(**{**vars(opts), "clients": 1, "load_deadline": 60.0})
    return (await load(port, token, one, "warmup"))[0]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def render(runs: list[Run], opts: argparse.Namespace) -> str:
    lines = [
        f"{opts.clients} clients x {opts.tokens:,} tokens"
        + (f" at {1000 / opts.delay_ms:g} tokens/s" if opts.delay_ms else " as fast as possible")
        + f", answer_timeout {opts.answer_timeout:g} s",
        "| max_running_answers | finished | timeout | error | lost | waiting | answer p50 / p99 | queued "
        "| REST p50 | REST p99 | REST max | wall |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        kinds = ("finished", "timeout", "error", "lost", "waiting")
        count = {k: sum(o.kind == k for o in run.outcomes) for k in kinds}
        totals = [o.total for o in run.outcomes if o.total is not None]
        queued = sum(o.queued is not None for o in run.outcomes)
        ms = [1000 * r for r in run.rest]
        fails = f" ({run.rest_failures} failed)" if run.rest_failures else ""
        lines.append(
            f"| {run.limit} | {count['finished']} | {count['timeout']} | {count['error']} | {count['lost']} "
            f"| {count['waiting']} "
            f"| {percentile(totals, 50):.1f} s / {percentile(totals, 99):.1f} s | {queued} "
            f"| {percentile(ms, 50):.1f} ms | {percentile(ms, 99):.1f} ms "
            f"| {max(ms, default=0):.0f} ms{fails} "
            f"| {run.wall:.0f} s |"
        )
    for run in runs:
        odd = sorted({o.detail for o in run.outcomes if o.kind in ("error", "lost")})
        if odd:
            lines.append(f"limit {run.limit}, errors and losses: {'; '.join(odd[:5])}")
        if run.rest:
            mean = statistics.mean(run.rest) * 1000
            lines.append(f"limit {run.limit}: {len(run.rest)} REST samples, mean {mean:.1f} ms")
    return "\n".join(lines)


async def main_async(opts: argparse.Namespace) -> list[Run]:
    runs = []
    with tempfile.TemporaryDirectory(prefix="mcop-overload-") as tmp:
        for limit in [x.strip() for x in opts.limits.split(",") if x.strip()]:
            runs.append(await measure(opts, limit, Path(tmp)))
            print(render(runs[-1:], opts), flush=True)
    return runs


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--clients", type=int, default=200)
    args.add_argument("--tokens", type=int, default=2000)
    args.add_argument("--delay-ms", type=float, default=0.0, help="pause between tokens (default 0)")
    args.add_argument("--limits", default="off,16", help='values of max_running_answers; "off": no limit')
    args.add_argument("--answer-timeout", type=float, default=30.0)
    args.add_argument("--load-deadline", type=float, default=600.0, help="seconds a load may take in all")
    opts = args.parse_args()
    try:
        runs = asyncio.run(main_async(opts))
    finally:
        stop_all()
    print("\n" + render(runs, opts))


if __name__ == "__main__":
    main()
