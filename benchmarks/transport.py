"""Streaming answers over a WebSocket: the Jupyter extension beside the original design, a bare
`websockets` server and pydantic-ai alone, with the same synthetic token stream and load client.

Run with:
    python benchmarks/transport.py                    # scenarios a, b and c, every server (minutes)
    python benchmarks/transport.py --quick            # small sizes, a smoke run (seconds)
    python benchmarks/transport.py --scenario a --servers extension,in-process --rounds 10
    python benchmarks/transport.py --servers kernel --scenario b --trees before=/tmp/before  # + kernel@before

Servers, each in its own process on 127.0.0.1 and a free port, its CPU read from /proc:
  extension   the MCOP Jupyter server extension in a real `jupyter_server`, protocol v2
              (`/mcop/ws/{session_id}?protocol=2`, token in the Authorization header)
  kernel      the same server with its sessions in one MCOP kernel (`sessions_in=kernel`);
              its CPU figure is the Jupyter server process's only, the kernel's is apart
  kernels-2   the same with two kernels (`kernels_per_user=2`), sessions spread over them
  original    the design document's FastAPI handler on uvicorn: `run_stream` + `stream_text()`
              with pydantic-ai's defaults, so the text so far every 100 ms (transport_servers.py)
  websockets  a plain `websockets` server sending v2's messages from a token list: the wire's limit
  in-process  `agent.run_stream_events()` consumed in process, no transport: pydantic-ai's limit
Scenarios: (a) 1 client x 2,000 tokens as fast as possible, repeated `--rounds` times; (b) 100
clients x 500 tokens; (c) 200 clients x 200 tokens at 50 tokens/s (20 ms per token).

The load client (this process) opens every connection, then all clients ask `{"content": "go"}` at
once and read until the `agent` message; see transport_client.py for what it measures. A Jupyter
server's REST latency meanwhile is timed by a process of its own (transport_rest.py), as a browser
would see it; `--rest-in-client` also times it from the load client's loop, which is busy reading
every WebSocket. `--trees NAME=DIR` runs each Jupyter server of another checkout too (as
`SERVER@NAME`, DIR's packages first on PYTHONPATH) in the same rounds. Rounds
alternate between the servers so machine noise hits all alike. Every wait is bounded (per-load
deadlines and `--deadline` overall), and every process started is stopped by its PID on the way
out, on errors and on Ctrl-C. A server that fails is reported and the others go on.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import importlib.util
import json
import os
import secrets
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from types import FrameType

from transport_client import Answer, describe, run_load
from transport_procs import Child, ChildFailed, free_port, stop_all
from transport_report import ServerResult, render
from transport_rest import RestSampler, percentile, poll

from mcop_kernel.config import SyntheticStream

HERE = Path(__file__).resolve().parent
LEGEND = """\
TTFT: question sent -> first agent_partial; total: -> the agent message (percentiles over answers).
messages and wire bytes: every frame received (user echo, partials, final), payload bytes, no
compression; in-process counts text events and their bytes. Server CPU: the server process's CPU
during the load (connections included) / tokens answered."""
SERVERS = ("extension", "kernel", "kernels-2", "original", "websockets", "in-process")
JUPYTER = {"extension": 0, "kernel": 1, "kernels-2": 2}
"""The Jupyter servers, and how many MCOP kernels host their sessions (0: in the server's process)."""


@dataclass(frozen=True)
class Scenario:
    key: str
    clients: int
    tokens: int
    delay_ms: float
    rounds: int

    @property
    def title(self) -> str:
        pace = f"at {1000 / self.delay_ms:g} tokens/s" if self.delay_ms else "as fast as possible"
        rounds = f", {self.rounds} rounds" if self.rounds > 1 else ""
        return f"({self.key}) {self.clients} client(s) x {self.tokens:,} tokens {pace}{rounds}"

    @property
    def budget(self) -> float:
        """Seconds one load may take before its missing answers count as errors."""
        streaming = self.tokens * self.delay_ms / 1000
        return 30 + 2 * streaming + 3 * self.clients * self.tokens * 400e-6


def scenarios(quick: bool, rounds: int, load_rounds: int) -> dict[str, Scenario]:
    if quick:
        return {
            "a": Scenario("a", 1, 200, 0, min(rounds, 3)),
            "b": Scenario("b", 10, 100, 0, 1),
            "c": Scenario("c", 20, 50, 20, 1),
        }
    return {
        "a": Scenario("a", 1, 2000, 0, rounds),
        "b": Scenario("b", 100, 500, 0, load_rounds),
        "c": Scenario("c", 200, 200, 20, load_rounds),
    }


@dataclass
class Server:
    """A server process of one scenario and how a client reaches it."""

    child: Child
    url: Callable[[str, int], str]
    headers: dict[str, str]
    rest: str | None = None
    """A JupyterLab REST endpoint of this server, timed during the load (Jupyter servers only)."""
    port: int = 0
    token: str = ""


TREES: dict[str, str] = {}
"""`--trees`: a name for each other checkout whose Jupyter servers run too, as `SERVER@NAME`."""


def kind(name: str) -> str:
    """The server a name stands for: `kernel@before` is the `kernel` server of the checkout `before`."""
    return name.partition("@")[0]


def launch(name: str, sc: Scenario, workdir: Path) -> tuple[Server, int]:
    port = free_port()
    log = workdir / f"{name}.log"
    base, _, tree = name.partition("@")
    if base in JUPYTER:
        token = secrets.token_hex(16)
        store = workdir / "s.sqlite"
        argv = [
            *(sys.executable, "-m", "jupyter_server", "--ServerApp.ip=127.0.0.1"),
            *(f"--ServerApp.port={port}", "--ServerApp.port_retries=0"),
            *(f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False"),
            *("--ServerApp.allow_root=True", f"--ServerApp.root_dir={workdir}"),
            "--ServerApp.jpserver_extensions=mcop_extension=True",  # also when not installed as enabled
            f"--MCOPExtension.model=synthetic:{sc.tokens}:{sc.delay_ms:g}",
            f"--MCOPExtension.store_path={store}",
        ]
        if JUPYTER[base]:
            kernels = f"--MCOPExtension.kernels_per_user={JUPYTER[base]}"
            argv += ["--MCOPExtension.sessions_in=kernel", kernels]
        env = {"JUPYTER_RUNTIME_DIR": str(workdir / "runtime")}
        if tree:  # the other checkout's packages first (its kernels inherit the path)
            src = TREES[tree]
            paths = [src, str(Path(src) / "extension"), os.environ.get("PYTHONPATH", "")]
            env["PYTHONPATH"] = os.pathsep.join(paths).rstrip(os.pathsep)
        child = Child(name, argv, log, env)
        return Server(
            child,
            lambda run, i: f"ws://127.0.0.1:{port}/mcop/ws/bench-{run}-{i}?protocol=2",
            {"Authorization": f"token {token}"},
            f"http://127.0.0.1:{port}/api/contents",
            port,
            token,
        ), port
    argv = [sys.executable, str(HERE / "transport_servers.py"), name, "--port", str(port)]
    argv += ["--tokens", str(sc.tokens), "--delay-ms", f"{sc.delay_ms:g}"]
    child = Child(name, argv, log)
    return Server(child, lambda run, i: f"ws://127.0.0.1:{port}/ws/bench-{run}-{i}", {}), port


async def start(name: str, sc: Scenario, workdir: Path, expected: str) -> Server:
    """A started, listening, settled (its startup work done) and warmed-up server; raises
    ChildFailed (the process stopped) if not."""
    if kind(name) in JUPYTER and importlib.util.find_spec("mcop_extension") is None:
        raise ChildFailed("mcop_extension is not importable (extension/mcop_extension not installed yet)")
    server, port = launch(name, sc, workdir)
    kernels = JUPYTER.get(kind(name), 0)
    try:
        await server.child.wait_listening(port, timeout=60)
        await server.child.wait_idle(timeout=30)
        for k in range(max(1, kernels)):  # every kernel answers once (and is there)
            url = partial(server.url, f"warmup{k}")
            warm = await run_load(url, server.headers, 2 * kernels or 1, expected, 120)
            if any(w.error for w in warm):
                failed = next(w.error for w in warm if w.error)
                raise ChildFailed(f"warm-up answer failed: {failed}\n{server.child.log_tail()}")
    except BaseException:
        server.child.stop()
        raise
    return server


async def in_process(sc: Scenario, workdir: Path, deadline: float) -> tuple[float, list[Answer]]:
    argv = [sys.executable, str(HERE / "transport_inprocess.py"), "--clients", str(sc.clients)]
    argv += ["--tokens", str(sc.tokens), "--delay-ms", f"{sc.delay_ms:g}", "--deadline", f"{deadline:g}"]
    child = Child("in-process", argv, workdir / "in-process.log")
    try:
        code = await child.wait_exit(deadline + 60)
    finally:
        child.stop()
    lines = [ln for ln in child.log_path.read_text().splitlines() if ln.startswith("RESULT ")]
    if code != 0 or not lines:
        raise ChildFailed(f"in-process runner exited with code {code}:\n{child.log_tail()}")
    data = json.loads(lines[-1].removeprefix("RESULT "))
    return float(data["cpu"]), [Answer.from_json(a) for a in data["answers"]]


async def run_scenario(
    sc: Scenario, names: list[str], ends_at: float, rest_in_client: bool = False
) -> tuple[list[ServerResult], list[str]]:
    """Each server's results, and lines on the Jupyter servers' throughput and REST latency."""
    expected = "".join(SyntheticStream(sc.tokens).words())
    results = {name: ServerResult(name, sc.tokens) for name in names}
    servers: dict[str, Server] = {}
    rest: dict[str, list[list[float]]] = {}
    """Per server, each round's REST latencies (ms), timed from a process of their own."""
    in_client: dict[str, list[float]] = {}
    rates: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="mcop-transport-") as tmp:
        workdir = Path(tmp)
        try:
            for name in names:
                if name == "in-process":
                    continue
                try:
                    servers[name] = await start(name, sc, workdir, expected)
                except Exception as exc:  # report it, go on with the others
                    results[name].failure = str(exc) if isinstance(exc, ChildFailed) else describe(exc)
            for round_ in range(sc.rounds):
                order = names[round_ % len(names) :] + names[: round_ % len(names)]
                for name in order:
                    result = results[name]
                    remaining = ends_at - time.monotonic()
                    if result.failure:
                        continue
                    if remaining < 5:
                        result.failure = "overall --deadline reached"
                        continue
                    deadline = min(sc.budget, remaining)
                    try:
                        if name == "in-process":
                            cpu, answers = await in_process(sc, workdir, deadline)
                        else:
                            server = servers[name]
                            if not server.child.running():
                                code = server.child.popen.returncode
                                raise ChildFailed(
                                    f"the server exited (code {code})\n{server.child.log_tail()}"
                                )
                            before = server.child.cpu()
                            url_for = partial(server.url, f"r{round_}")
                            stop = asyncio.Event()
                            sampler = RestSampler(server.port, server.token, ("/api/contents",))
                            timed = (
                                asyncio.ensure_future(poll(server.rest, server.headers, stop))
                                if server.rest and rest_in_client
                                else None
                            )
                            if server.rest:
                                sampler.start()
                            began = time.monotonic()
                            try:
                                answers = await run_load(
                                    url_for, server.headers, sc.clients, expected, deadline
                                )
                            finally:
                                stop.set()
                                took = sampler.stop()
                            done = sum(a.error is None for a in answers) * sc.tokens
                            rates.setdefault(name, []).append(done / (time.monotonic() - began))
                            cpu = server.child.cpu().since(before)
                            if server.rest:
                                rest.setdefault(name, []).append(took)
                            if timed is not None:
                                in_client.setdefault(name, []).extend(await timed)
                    except Exception as exc:  # report it, go on with the others
                        result.failure = str(exc) if isinstance(exc, ChildFailed) else describe(exc)
                        continue
                    result.cpu += cpu
                    result.answers += answers
                    await asyncio.sleep(0.2)  # let the last connections close before the next server
        finally:
            for server in servers.values():
                server.child.stop()
    notes = [
        rest_note(name, rounds, max(rates.get(name, [0])), in_client.get(name))
        for name, rounds in rest.items()
    ]
    return [results[name] for name in names], notes


def rest_note(name: str, rounds: list[list[float]], rate: float, in_client: list[float] | None) -> str:
    """A Jupyter server's throughput and its REST latency over all rounds, with the median and range
    of the rounds' p99 (the spread is the machine's noise)."""
    took = [t for r in rounds for t in r]
    p99s = sorted(percentile(r, 0.99) for r in rounds if r)
    spread = (
        f"; p99 per round median {statistics.median(p99s):.1f} ms, {p99s[0]:.1f}-{p99s[-1]:.1f}"
        if p99s
        else ""
    )
    client = f"; timed inside the load client p99 {percentile(in_client, 0.99):.1f} ms" if in_client else ""
    return (
        f"  {name}: aggregate {rate:,.0f} tokens/s (best round); REST GET api/contents meanwhile "
        f"p50 {percentile(took, 0.5):.1f} ms, p99 {percentile(took, 0.99):.1f} ms ({len(took)} calls"
        f"{spread}){client}"
    )


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


async def run(opts: argparse.Namespace) -> None:
    names = [n.strip() for n in opts.servers.split(",") if n.strip()]
    for tree in [t for t in opts.trees.split(",") if t.strip()]:
        label, _, src = tree.partition("=")
        TREES[label.strip()] = src.strip()
        names += [f"{n}@{label.strip()}" for n in list(names) if n in JUPYTER]
    unknown = sorted({kind(n) for n in names} - set(SERVERS))
    if unknown or not names:
        raise SystemExit(f"unknown --servers {unknown}; choose from {', '.join(SERVERS)}")
    chosen = scenarios(opts.quick, opts.rounds, opts.load_rounds)
    keys = [k.strip() for k in opts.scenario.split(",") if k.strip()]
    if not keys or any(k not in chosen for k in keys):
        raise SystemExit(f"unknown --scenario {opts.scenario!r}; choose from a, b, c")
    ends_at = time.monotonic() + opts.deadline
    versions = ", ".join(
        f"{pkg} {importlib.metadata.version(pkg)}"
        for pkg in ("pydantic-ai-slim", "jupyter_server", "tornado", "fastapi", "uvicorn", "websockets")
    )
    print(f"python benchmarks/transport.py {' '.join(sys.argv[1:])}".rstrip())
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {versions}")
    print(LEGEND, flush=True)
    for key in keys:
        sc = chosen[key]
        started = time.monotonic()
        results, notes = await run_scenario(sc, names, ends_at, opts.rest_in_client)
        print(f"\n{sc.title}  [{time.monotonic() - started:.0f} s]")
        print(render(results))
        print("\n".join(notes), flush=True)


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args.add_argument("--scenario", default="a,b,c", help="comma-separated: a, b, c")
    args.add_argument("--servers", default=",".join(SERVERS), help="comma-separated: " + ", ".join(SERVERS))
    args.add_argument("--rounds", type=int, default=5, help="rounds of scenario a (default 5)")
    args.add_argument("--load-rounds", type=int, default=1, help="rounds of scenarios b and c (default 1)")
    args.add_argument("--deadline", type=float, default=1200, help="seconds for the whole run")
    args.add_argument(
        "--trees",
        default="",
        help="NAME=DIR,...: the Jupyter servers of other checkouts too, as SERVER@NAME, in the same rounds",
    )
    args.add_argument(
        "--rest-in-client", action="store_true", help="also time REST from the load client's own loop"
    )
    opts = args.parse_args()
    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        asyncio.run(run(opts))
    except KeyboardInterrupt:
        print("\ninterrupted; stopping the servers", file=sys.stderr)
        sys.exit(130)
    finally:
        stop_all()


if __name__ == "__main__":
    main()
