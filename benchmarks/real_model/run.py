"""The understanding benchmark's questions asked of a real language model, scored next to the offline
model's answers to the same questions.

Run with:
    .venv/bin/python -m benchmarks.real_model.run                     # SmolLM2 on a local server
    .venv/bin/python -m benchmarks.real_model.run --per-family 3
    .venv/bin/python -m benchmarks.real_model.run --model ollama:qwen2.5:7b --per-family 8

Without --model it starts llama-cpp-python's OpenAI-compatible server on 127.0.0.1 with
SmolLM2-135M-Instruct (the `local-model` extra; see local_server.py), points OPENAI_BASE_URL at it and
asks `openai-chat:smollm2` with the small-model settings (compact tools, one round of calls), then
stops the server. With --model it asks that model as configured by the environment (OPENAI_BASE_URL,
OLLAMA_BASE_URL, keys, MCOP_MODEL_SETTINGS), as the explorer would. A 135M model checks the
plumbing (tool calls, streaming, history over a real server), not the quality of answers.

Prints, per family and overall, the pass rate of the offline model and of the real one, and how many
of the real model's answers were errors or timeouts rather than wrong answers; writes both runs'
answers to `benchmarks/real_model/results/` (not committed).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import asdict
from pathlib import Path

from benchmarks.understanding import run as understanding
from benchmarks.understanding.cases import Case
from benchmarks.understanding.facts import CatalogFacts
from benchmarks.understanding.run import Outcome, report, run_catalog
from benchmarks.understanding.suite import SEED, cases, catalogs

from .local_server import MODEL, SMALL_MODEL_SETTINGS, LocalModelServer, missing

RESULTS = Path(__file__).resolve().parent / "results"
PER_FAMILY = 2
"""Questions per family by default (the sample's steward-only families get twice as many)."""


@contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """The environment with `values` set (None: unset) for the block, restored after."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def kind(outcome: Outcome) -> str:
    """passed, wrong, error (the model or its server failed) or timeout."""
    if outcome.verdict.passed:
        return "passed"
    if outcome.answer.startswith(("[timeout]", "[error] Request timeout (")):  # the session's own timeout
        return "timeout"
    return "error" if outcome.answer.startswith("[error]") else "wrong"


Chosen = dict[str, tuple[CatalogFacts, list[Case]]]


def ask_all(chosen: Chosen, model: str) -> list[Outcome]:
    """Every chosen case asked of `model`, catalog by catalog (as the understanding benchmark asks)."""
    outcomes: list[Outcome] = []
    for facts, its_cases in chosen.values():
        outcomes += asyncio.run(run_catalog(facts, its_cases, model))
    return outcomes


def table(offline: list[Outcome], real: list[Outcome], model: str) -> list[str]:
    """Per family: cases, the offline model's passes, the real model's passes, errors and timeouts."""
    width = max(12, len(model) + 2)

    def row(name: str, off: list[Outcome], on: list[Outcome]) -> str:
        kinds = [kind(o) for o in on]
        passed = sum(o.verdict.passed for o in off)
        counts = f"{kinds.count('passed'):>{width}}{kinds.count('error'):>8}{kinds.count('timeout'):>10}"
        return f"{name:<16}{len(off):>6}{passed:>9}{counts}"

    lines = [f"{'family':<16}{'cases':>6}{'offline':>9}{model:>{width}}{'errors':>8}{'timeouts':>10}"]
    for family in sorted({o.case.family for o in offline}):
        lines.append(row(family, *([o for o in run if o.case.family == family] for run in (offline, real))))
    lines.append(row("overall", offline, real))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="any model string (default: SmolLM2 on a local server)")
    parser.add_argument("--catalog", action="append", help="sample (default) or a built application")
    parser.add_argument("--family", action="append", help="only these families")
    parser.add_argument("--per-family", type=int, default=PER_FAMILY)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--timeout", type=float, default=understanding.QUESTION_TIMEOUT_S, help="per question"
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    if args.model is None and missing():
        print(f"The local model cannot start: {missing()}. Or pass --model.", file=sys.stderr)
        return 2
    understanding.QUESTION_TIMEOUT_S = args.timeout  # run_catalog's answer timeout
    found, absent = catalogs(args.catalog or ["sample"])
    if absent:
        print(f"not built (run benchmarks.understanding.schemas): {', '.join(absent)}", file=sys.stderr)
    wanted = set(args.family or ())
    chosen: Chosen = {
        facts.label: (
            facts,
            [c for c in cases(facts, args.seed, args.per_family) if c.family in wanted or not wanted],
        )
        for facts in found
    }
    count = sum(len(c) for _, c in chosen.values())
    with environment(MCOP_MODEL_SETTINGS=None):  # the offline model's own tools, whatever is set
        offline = ask_all(chosen, "offline")
    args.out.mkdir(parents=True, exist_ok=True)
    with ExitStack() as stack:
        model = args.model
        started_in = 0.0
        if model is None:
            print(f"starting SmolLM2-135M-Instruct on 127.0.0.1 for {count} questions…", flush=True)
            server = stack.enter_context(LocalModelServer.start(args.out / "server.log"))
            started_in = server.started_in
            settings = os.environ.get("MCOP_MODEL_SETTINGS") or SMALL_MODEL_SETTINGS
            stack.enter_context(
                environment(OPENAI_BASE_URL=server.url, OPENAI_API_KEY=None, MCOP_MODEL_SETTINGS=settings)
            )
            model = f"openai-chat:{MODEL}"
        began = time.monotonic()
        real = ask_all(chosen, model)
        took = time.monotonic() - began
    scored = report(real)
    summary: dict[str, object] = {"offline": report(offline), model: scored}
    seconds = scored["seconds"]
    assert isinstance(seconds, dict)
    print("\n".join(table(offline, real, model)))
    print(
        f"{count} questions on {', '.join(chosen)} (seed {args.seed}, {args.per_family} a family): "
        f"{model} took {took:.0f} s (p50 {seconds['p50']:.1f} s, p95 {seconds['p95']:.1f} s a question"
        + (f"; its server started in {started_in:.1f} s" if started_in else "")
        + ")"
    )
    errors = [o for o in real if kind(o) == "error"]
    for o in errors[:5]:
        print(f"  error: {o.case.question!r}: {o.answer[:160]}")
    summary.update(model=model, seed=args.seed, per_family=args.per_family, seconds_total=took)
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    for label, outcomes in (("offline", offline), ("model", real)):
        rows = [asdict(o) | {"kind": kind(o)} for o in outcomes]
        (args.out / f"results-{label}.json").write_text(json.dumps(rows, indent=1))
    print(f"answers written to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
