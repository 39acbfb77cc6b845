"""Overload: many clients each ask for a long answer at the same moment, against a real Jupyter server.

Run with:
    python benchmarks/overload.py                          # 200 clients x 2,000 tokens; limit off, then 16
    python benchmarks/overload.py --clients 30 --limits off,4 --tokens 500
    git worktree add --detach /tmp/before REV              # an earlier commit, side by side:
    python benchmarks/overload.py --limits 16 --rounds 3 --trees before=/tmp/before,now=. --probe

For each value of `MCOPExtension.max_running_answers` in `--limits` ("off" is a limit no load
reaches, i.e. every answer runs at once, as before the limit existed) it starts a Jupyter server with
the extension and the synthetic model (`synthetic:TOKENS`: a scripted stream of TOKENS words, no
tools), opens every v2 WebSocket first, then sends one question on each at once and reads to the
end. A client's answer is *finished* when the final message and its deltas both hold the full text,
*timeout* or *error* when the server ended it with that error, *waiting* when it was still in line
(not started) at the run's deadline, and *lost* otherwise (a started answer with no final message, a
dropped connection, or a text that is not the full answer); every message is read with the
protocol's decoder. Meanwhile a process of its own samples JupyterLab's REST API (`GET /api/status`
and `GET /api/contents`, one every 50 ms on one keep-alive connection) and reports its latency (a
thread of the load client, `--rest-in-client`, would also time the client's own busy loop and GIL).

`--trees NAME=DIR,...` runs each checkout's server in turn (DIR's packages first on PYTHONPATH,
this venv), alternating which goes first per round, and sums up medians over `--rounds`. `--probe`
loads `transport_loop_probe.py` into the server: how late its loop ran, the callbacks that held
it, and its garbage collections, during the load only. Every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import signal
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transport_procs import Child, free_port, stop_all
from transport_rest import RestSampler, sample_blocking
from websockets.asyncio.client import ClientConnection, connect

from mcop_kernel.config import SyntheticStream
from mcop_kernel.protocol_messages import AgentMessage, ErrorMessage, PartialMessage, QueuedMessage, decode

OFF = 100_000
"""The limit "off" stands for: more answers than any run asks for."""
REST_PATHS = ("/api/status", "/api/contents")
HERE = Path(__file__).resolve().parent


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
    tree: str = "this"
    outcomes: list[Outcome] = field(default_factory=list)
    rest: list[float] = field(default_factory=list)
    """Milliseconds of each REST call, from a process of its own."""
    rest_in_client: list[float] = field(default_factory=list)
    """The same calls timed from a thread of the load client (`--rest-in-client`)."""
    probe: dict[str, Any] | None = None
    wall: float = 0.0


def _server(
    opts: argparse.Namespace, limit: int, workdir: Path, tree: str, src: str
) -> tuple[Child, int, str]:
    port, token = free_port(), secrets.token_hex(16)
    name = f"{tree}-{limit}-{secrets.token_hex(2)}"
    argv = [
        *(sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1"),
        *(f"--ServerApp.port={port}", "--ServerApp.port_retries=0", "--ServerApp.open_browser=False"),
        *(
            f"--IdentityProvider.token={token}",
            "--ServerApp.allow_root=True",
            f"--ServerApp.root_dir={workdir}",
        ),
        "--ServerApp.jpserver_extensions=mcop_extension=True",
        *(["--ServerApp.jpserver_extensions=transport_loop_probe=True"] if opts.probe else []),
        f"--MCOPExtension.model=synthetic:{opts.tokens}:{opts.delay_ms:g}",
        f"--MCOPExtension.store_path={workdir / f'sessions-{name}.sqlite'}",
        f"--MCOPExtension.max_running_answers={limit}",
        f"--MCOPExtension.answer_timeout={opts.answer_timeout:g}",
    ]
    if opts.kernels:
        argv += ["--MCOPExtension.sessions_in=kernel", f"--MCOPExtension.kernels_per_user={opts.kernels}"]
    env = {"JUPYTER_RUNTIME_DIR": str(workdir / "runtime"), "JUPYTER_DATA_DIR": str(workdir / "data")}
    paths = [str(HERE)] if opts.probe else []
    if src:  # another checkout's packages first (its kernels inherit the path too)
        paths = [src, str(Path(src) / "extension"), *paths]
    if paths:
        env["PYTHONPATH"] = os.pathsep.join([*paths, os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    if opts.probe:
        env["MCOP_LOOP_PROBE"] = str(workdir / f"probe-{name}.json")
    return Child(f"jupyter-{name}", argv, workdir / f"server-{name}.log", env), port, token


def sample_rest(port: int, token: str, stop: threading.Event, run: Run) -> None:
    """In a thread of the load client (`--rest-in-client`): what the old figure measured."""
    run.rest_in_client = sample_blocking(port, token, REST_PATHS, stop.is_set)


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
        message = decode(raw)
        if isinstance(message, QueuedMessage) and outcome.queued is None:
            outcome.queued = message.position
        elif isinstance(message, PartialMessage):
            if outcome.first_token is None:
                outcome.first_token = time.perf_counter() - asked
            deltas.append(message.delta or "")
        elif isinstance(message, AgentMessage | ErrorMessage):
            outcome.total = time.perf_counter() - asked
            text = "".join(deltas)
            if isinstance(message, ErrorMessage):
                code = str(message.code)
                consistent = expected.startswith(text)
                outcome.kind = "timeout" if code == "timeout" and consistent else "error"
                outcome.detail = code if consistent else f"{code}, and partials not a prefix of the answer"
            elif message.content == expected and text == expected:
                outcome.kind = "finished"
            else:
                outcome.detail = f"text of {len(text)} characters, final {len(message.content)}"
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


async def measure(opts: argparse.Namespace, limit_name: str, tree: str, src: str, workdir: Path) -> Run:
    limit = OFF if limit_name == "off" else int(limit_name)
    run = Run(limit_name, tree)
    child, port, token = _server(opts, limit, workdir, tree, src)
    try:
        await child.wait_listening(port, timeout=120)
        print(f"server {child.name}: pid {child.pid}, port {port}", file=sys.stderr, flush=True)
        await child.wait_idle(timeout=30)
        for _ in range(max(1, opts.kernels)):
            warm = await load_one(port, token, opts)
            if warm.kind != "finished":
                raise RuntimeError(f"the warm-up answer failed: {warm.detail}\n{child.log_tail()}")
        await child.wait_idle(timeout=10)
        stop = threading.Event()
        sampler = threading.Thread(target=sample_rest, args=(port, token, stop, run), daemon=True)
        rest = RestSampler(port, token, REST_PATHS)
        if opts.probe:
            os.kill(child.pid, signal.SIGUSR1)  # the probe's figures start here
        started = time.perf_counter()
        rest.start()
        if opts.rest_in_client:
            sampler.start()
        try:
            run.outcomes = await load(port, token, opts, f"load-{limit_name}")
        finally:
            run.wall = time.perf_counter() - started
            stop.set()
            run.rest = rest.stop()
            if opts.rest_in_client:
                sampler.join(15)
        if opts.probe:
            run.probe = await _probe(child, workdir)
    finally:
        child.stop()
    return run


async def _probe(child: Child, workdir: Path) -> dict[str, Any] | None:
    """The server's loop probe figures for the load just run."""
    path = Path(child.env["MCOP_LOOP_PROBE"])
    path.unlink(missing_ok=True)
    os.kill(child.pid, signal.SIGUSR2)
    for _ in range(100):
        await asyncio.sleep(0.05)
        with contextlib.suppress(OSError, ValueError):
            data: dict[str, Any] = json.loads(path.read_text())
            return data
    return None


async def load_one(port: int, token: str, opts: argparse.Namespace) -> Outcome:
    one = argparse.Namespace(**{**vars(opts), "clients": 1, "load_deadline": 60.0})
    return (await load(port, token, one, "warmup"))[0]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def _row(run: Run) -> str:
    kinds = ("finished", "timeout", "error", "lost", "waiting")
    count = {k: sum(o.kind == k for o in run.outcomes) for k in kinds}
    totals = [o.total for o in run.outcomes if o.total is not None]
    queued = sum(o.queued is not None for o in run.outcomes)
    ms = run.rest
    cells = [
        run.limit,
        run.tree,
        *(str(count[k]) for k in kinds),
        f"{percentile(totals, 50):.1f} s / {percentile(totals, 99):.1f} s",
        str(queued),
        f"{percentile(ms, 50):.1f} ms",
        f"{percentile(ms, 99):.1f} ms",
        f"{max(ms, default=0):.0f} ms",
    ]
    if run.rest_in_client:
        cells.append(f"{percentile(run.rest_in_client, 99):.1f} ms")
    if run.probe is not None:
        lag = run.probe["lag_ms"]
        cells.append(f"{lag['p50']:.1f} / {lag['p99']:.1f} / {lag['max']:.0f} ms")
    cells.append(f"{run.wall:.0f} s")
    return "| " + " | ".join(cells) + " |"


def render(runs: list[Run], opts: argparse.Namespace) -> str:
    head = [
        "max_running_answers", "tree", "finished", "timeout", "error", "lost", "waiting",
        "answer p50 / p99", "queued", "REST p50", "REST p99", "REST max",
    ]  # fmt: skip
    if opts.rest_in_client:
        head.append("REST p99 timed in the client")
    if opts.probe:
        head.append("loop lag p50 / p99 / max")
    head.append("wall")
    lines = [
        f"{opts.clients} clients x {opts.tokens:,} tokens"
        + (f" at {1000 / opts.delay_ms:g} tokens/s" if opts.delay_ms else " as fast as possible")
        + f", answer_timeout {opts.answer_timeout:g} s"
        + (f", sessions in {opts.kernels} kernel(s)" if opts.kernels else ", sessions in the server"),
        "| " + " | ".join(head) + " |",
        "| --- | --- |" + " ---: |" * (len(head) - 2),
        *(_row(run) for run in runs),
    ]
    for run in runs:
        odd = sorted({o.detail for o in run.outcomes if o.kind in ("error", "lost")})
        if odd:
            lines.append(f"limit {run.limit} ({run.tree}), errors and losses: {'; '.join(odd[:5])}")
    return "\n".join(lines)


def summary(runs: list[Run]) -> str:
    """Per limit and tree, the median over rounds of REST p50 / p99 (and their range), and the
    ratio of each tree's median p99 to the first tree's."""
    lines = []
    groups: dict[tuple[str, str], list[Run]] = {}
    for run in runs:
        groups.setdefault((run.limit, run.tree), []).append(run)
    first: dict[str, float] = {}
    for (limit, tree), group in groups.items():
        p99s = [percentile(r.rest, 99) for r in group]
        p50s = [percentile(r.rest, 50) for r in group]
        done = [sum(o.kind == "finished" for o in r.outcomes) for r in group]
        p99 = statistics.median(p99s)
        base = first.setdefault(limit, p99)
        spread = f"{min(p99s):.1f}-{max(p99s):.1f}"
        lines.append(
            f"limit {limit}, {tree}: {len(group)} round(s), finished {min(done)}-{max(done)}; REST p50 "
            f"median {statistics.median(p50s):.1f} ms; p99 median {p99:.1f} ms (range {spread})"
            + ("" if p99 == base or not base > 0 else f", {p99 / base:.2f}x the first tree's")
        )
        probes = [r.probe for r in group if r.probe]
        if probes:
            lag = statistics.median(p["lag_ms"]["p99"] for p in probes)
            gc2 = max((p["gc"].get("2", {}).get("max_ms", 0) for p in probes), default=0)
            objects = probes[-1].get("tracked_objects", {})
            gcs = probes[-1]["gc"]
            collections = ", ".join(
                f"gen{g} {v['n']} (max {v['max_ms']:.0f} ms)" for g, v in sorted(gcs.items())
            )
            lines.append(
                f"  loop lag p99 median {lag:.1f} ms; longest full collection {gc2:.0f} ms; collections "
                f"{collections}; objects the collector tracks: {objects.get('at_start', 0):,} as the "
                f"load began, {objects.get('now', 0):,} after"
            )
            for slow in probes[-1]["slow"][:6]:
                lines.append(
                    f"  held the loop >5 ms: {slow['n']} x {slow['callback']} "
                    f"({slow['total_ms']:.0f} ms, {slow.get('cpu_ms', 0):.0f} ms of it on a CPU)"
                )
    return "\n".join(lines)


async def main_async(opts: argparse.Namespace) -> list[Run]:
    runs = []
    trees = (
        [t.partition("=") for t in opts.trees.split(",") if t.strip()] if opts.trees else [("this", "", "")]
    )
    with tempfile.TemporaryDirectory(prefix="mcop-overload-") as tmp:
        for limit in [x.strip() for x in opts.limits.split(",") if x.strip()]:
            for round_ in range(opts.rounds):
                order = (
                    trees[round_ % len(trees) :] + trees[: round_ % len(trees)]
                )  # alternate who goes first
                for name, _, src in order:
                    runs.append(await measure(opts, limit, name, src, Path(tmp)))
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
    args.add_argument("--rounds", type=int, default=1, help="runs of each limit (and tree), alternated")
    args.add_argument(
        "--kernels", type=int, default=0, help="sessions in this many MCOP kernels (0: in the server)"
    )
    args.add_argument(
        "--trees",
        default="",
        help="NAME=DIR,...: run the servers of other checkouts too (DIR's packages first on the path)",
    )
    args.add_argument("--probe", action="store_true", help="load transport_loop_probe.py into the server")
    args.add_argument(
        "--rest-in-client", action="store_true", help="also time REST from a thread of the load client"
    )
    opts = args.parse_args()
    try:
        runs = asyncio.run(main_async(opts))
    finally:
        stop_all()
    print("\n" + render(runs, opts))
    print(summary(runs))


if __name__ == "__main__":
    main()
