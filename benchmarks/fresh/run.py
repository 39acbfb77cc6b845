"""Ask the fresh questions through the real explorer and score the answers on the facts they state.

Run with:
    .venv/bin/python -m benchmarks.fresh.run --build      # first time: installs and migrates two apps
    .venv/bin/python -m benchmarks.fresh.run               # offline model, every catalog
    .venv/bin/python -m benchmarks.fresh.run --model openai:gpt-4o-mini --catalog spirit
    .venv/bin/python -m benchmarks.fresh.run --list        # print the questions, ask nothing
    .venv/bin/python -m benchmarks.fresh.run --dump        # score a canned answer: the scorer must reject it

Prints the pass rate per family, per catalog, per wording style and overall; writes every row to
`benchmarks/fresh/results/results.json` and the failures to `failures.json` (not committed).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import sys
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path
from statistics import median

from mcop_kernel import AgentEvent, ErrorEvent, ExplorerSession, ToolStartEvent, session_config

from .build import build_all
from .question import Question, score
from .schema import Schema
from .suite import LABELS, SEED, load, questions

RESULTS = Path(__file__).resolve().parent / "results"
QUESTION_TIMEOUT_S = 30.0


async def ask(session: ExplorerSession, question: str) -> tuple[str, list[str]]:
    """The answer's text (an error's message, marked) and the tools it called."""
    text, tools = "", []
    async for event in session.ask(question):
        if isinstance(event, ToolStartEvent):
            tools.append(event.tool_name)
        elif isinstance(event, AgentEvent):
            text = event.content
        elif isinstance(event, ErrorEvent):
            text = f"[error] {event.content}"
    return text, tools


async def run_catalog(schema: Schema, chosen: list[Question], model: str) -> list[dict[str, object]]:
    """Each question in a new session; a follow-up's earlier turn is asked first, not scored."""
    config = session_config(model=model, catalog=schema.spec, timeout=QUESTION_TIMEOUT_S)
    read = getattr(config.catalog, "snapshot", None)
    if callable(read):  # read the schema once, outside the first question's time
        pending = read()
        if inspect.isawaitable(pending):
            await pending
    rows: list[dict[str, object]] = []
    for i, q in enumerate(chosen):
        session = await ExplorerSession.open(f"fresh-{schema.label}-{i}", config)
        started = time.perf_counter()
        tools: list[str] = []
        try:
            for turn in q.before:
                await asyncio.wait_for(ask(session, turn), QUESTION_TIMEOUT_S + 5)
            text, tools = await asyncio.wait_for(ask(session, q.question), QUESTION_TIMEOUT_S + 5)
        except TimeoutError:
            text = "[timeout]"
        finally:
            await session.close()
        verdict = score(text, q.expect, schema)
        rows.append(
            {
                **asdict(q),
                "answer": text,
                "tools": tools,
                "seconds": round(time.perf_counter() - started, 3),
                "passed": verdict.passed,
                "missing": list(verdict.missing),
            }
        )
    return rows


def canned(schema: Schema) -> str:
    """An answer that knows nothing of the question: every table, with the table and key counts."""
    text = f"There are {len(schema.tables)} tables and {len(schema.foreign_keys)} foreign keys.\n"
    return text + "\n".join(f"- {name}" for name in schema.tables)


def dump_rows(schema: Schema, chosen: list[Question]) -> list[dict[str, object]]:
    text = canned(schema)
    return [{**asdict(q), "answer": text, "passed": score(text, q.expect, schema).passed} for q in chosen]


def _table(title: str, groups: dict[str, list[bool]]) -> None:
    print(f"{title:<20}{'passed':>7}{'asked':>7}{'rate':>7}")
    for name, marks in sorted(groups.items()):
        print(f"{name:<20}{sum(marks):>7}{len(marks):>7}{sum(marks) / len(marks):>7.0%}")


def report(rows: list[dict[str, object]], model: str) -> None:
    """The pass rate per family, per catalog, per wording style and overall."""
    for key in ("family", "catalog", "style"):
        groups: dict[str, list[bool]] = defaultdict(list)
        for r in rows:
            groups[str(r[key])].append(bool(r["passed"]))
        _table(key, groups)
        print()
    seconds = sorted(float(str(r.get("seconds", 0.0))) for r in rows)
    if seconds and seconds[-1] > 0:
        p95 = seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))]
        print(f"seconds per question (with earlier turns): median {median(seconds):.3f}, p95 {p95:.3f}")
    passed = sum(bool(r["passed"]) for r in rows)
    print(f"{'overall':<20}{passed:>7}{len(rows):>7}{passed / len(rows):>7.0%}   model {model}")


def _miss_kind(missing: list[str]) -> str:
    first = missing[0] if missing else ""
    for prefix, kind in (
        ("count", "count"),
        ("names ", "too many tables"),
        ("a path", "path"),
        ("'", "word"),
    ):
        if first.startswith(prefix):
            return kind
    return "names"


def shapes(rows: list[dict[str, object]], top: int = 12) -> None:
    """The commonest failures, grouped by family, the first tool called and what was missing."""
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for r in rows:
        if not r["passed"]:
            tools = r.get("tools") or []
            tool = str(tools[0]) if isinstance(tools, list) and tools else "no tool"
            missing = r.get("missing") or []
            kind = _miss_kind([str(m) for m in missing] if isinstance(missing, list) else [])
            groups[(str(r["family"]), tool, kind)].append(str(r["question"]))
    print("commonest failures (family, first tool, what was missing):")
    for (family, tool, kind), asked in sorted(groups.items(), key=lambda g: -len(g[1]))[:top]:
        print(f"{len(asked):>4}  {family} / {tool} / {kind}   e.g. {asked[0]!r}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the explorer on fresh steward questions.")
    parser.add_argument("--model", default="offline", help="any model string session_config takes")
    parser.add_argument("--catalog", action="append", choices=LABELS, help="default: all of them")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--build", action="store_true", help="build the schemas that are missing, then run")
    parser.add_argument("--list", action="store_true", help="print the questions, ask nothing")
    parser.add_argument("--dump", action="store_true", help="score a canned list of every table instead")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    labels = args.catalog or list(LABELS)
    if args.build and build_all([c for c in labels if c != "sample"]):
        return 1
    rows: list[dict[str, object]] = []
    for label in labels:
        schema = load(label)
        if schema is None:
            print(f"{label}: not built (run with --build)", file=sys.stderr)
            continue
        chosen = questions(schema, args.seed)
        if args.list:
            for q in chosen:
                print(f"{label:<9}{q.family:<16}{q.style:<9}{' / '.join([*q.before, q.question])}")
            continue
        rows += (
            dump_rows(schema, chosen) if args.dump else asyncio.run(run_catalog(schema, chosen, args.model))
        )
    if args.list or not rows:
        return 0
    report(rows, "canned list of every table" if args.dump else args.model)
    if args.dump:
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(rows, indent=1, ensure_ascii=False))
    failures = [r for r in rows if not r["passed"]]
    shapes(failures)
    (args.out / "failures.json").write_text(json.dumps(failures, indent=1, ensure_ascii=False))
    print(f"{len(failures)} failures written to {args.out / 'failures.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
