"""Ask the held-out questions through the real explorer and score the answers on facts.

Run with:
    .venv/bin/python -m benchmarks.heldout.run --build      # first time: builds the accounting schema
    .venv/bin/python -m benchmarks.heldout.run               # offline model, every catalog
    .venv/bin/python -m benchmarks.heldout.run --model openai:gpt-4o-mini --catalog clinic

Prints the pass rate per intent, per catalog and overall; writes the failures (question, expected
facts, answer) to `benchmarks/heldout/results/failures.json` (not committed).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import random
import sys
import time
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

from benchmarks.understanding.facts import CatalogFacts
from benchmarks.understanding.run import QUESTION_TIMEOUT_S, ask
from benchmarks.understanding.scoring import score
from mcop_kernel import ExplorerSession, session_config

from .catalogs import LABELS, column_types, load
from .questions import Question
from .steward import steward_questions
from .suite import schema_questions

RESULTS = Path(__file__).resolve().parent / "results"
SEED = 1101


def questions(facts: CatalogFacts, apps: dict[str, str], seed: int = SEED) -> list[Question]:
    """The held-out set for one catalog: the same seed gives the same questions."""
    rng = random.Random(f"{seed}:{facts.label}")
    if facts.has_steward_metadata:
        return schema_questions(facts, apps, column_types(facts), rng, n=1) + steward_questions(facts, rng)
    return schema_questions(facts, apps, column_types(facts), rng, n=2)


async def run_catalog(facts: CatalogFacts, chosen: list[Question], model: str) -> list[dict[str, object]]:
    """Each question in a fresh session; a follow-up's earlier turns are asked first, unscored."""
    config = session_config(model=model, catalog=facts.spec or None, timeout=QUESTION_TIMEOUT_S)
    read = getattr(config.catalog, "snapshot", None)
    if callable(read):
        pending = read()
        if inspect.isawaitable(pending):
            await pending
    names = sorted(facts.tables)
    rows: list[dict[str, object]] = []
    for i, q in enumerate(chosen):
        session = await ExplorerSession.open(f"heldout-{facts.label}-{i}", config)
        started = time.perf_counter()
        try:
            for turn in q.before:
                await asyncio.wait_for(ask(session, turn), QUESTION_TIMEOUT_S + 5)
            text, _ = await asyncio.wait_for(ask(session, q.question), QUESTION_TIMEOUT_S + 5)
        except TimeoutError:
            text = "[timeout]"
        verdict = score(text, q.expect, names)
        rows.append(
            {
                **asdict(q),
                "answer": text,
                "seconds": round(time.perf_counter() - started, 3),
                "passed": verdict.passed,
                "missing": list(verdict.missing),
            }
        )
    return rows


def _table(title: str, groups: dict[str, list[bool]]) -> None:
    print(f"{title:<14}{'passed':>8}{'asked':>7}{'rate':>8}")
    for name, marks in sorted(groups.items()):
        print(f"{name:<14}{sum(marks):>8}{len(marks):>7}{sum(marks) / len(marks):>8.0%}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the explorer on held-out steward questions.")
    parser.add_argument("--model", default="offline", help="any model string session_config takes")
    parser.add_argument("--catalog", action="append", choices=LABELS, help="default: all four")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--build", action="store_true", help="build the accounting schema if missing")
    parser.add_argument("--list", action="store_true", help="print the questions, ask nothing")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    rows: list[dict[str, object]] = []
    for label in args.catalog or LABELS:
        loaded = load(label, args.build)
        if loaded is None:
            print(
                f"{label}: not built (run with --build, or benchmarks.understanding.schemas)", file=sys.stderr
            )
            continue
        facts, apps = loaded
        chosen = questions(facts, apps, args.seed)
        if args.list:
            for q in chosen:
                print(f"{label:<9}{q.intent:<13}{' / '.join([*q.before, q.question])}")
            continue
        rows += asyncio.run(run_catalog(facts, chosen, args.model))
    if args.list or not rows:
        return 0
    by_intent: dict[str, list[bool]] = defaultdict(list)
    by_catalog: dict[str, list[bool]] = defaultdict(list)
    for r in rows:
        by_intent[str(r["intent"])].append(bool(r["passed"]))
        by_catalog[str(r["catalog"])].append(bool(r["passed"]))
    _table("intent", by_intent)
    _table("catalog", by_catalog)
    passed = sum(bool(r["passed"]) for r in rows)
    print(f"{'overall':<14}{passed:>8}{len(rows):>7}{passed / len(rows):>8.0%}   model {args.model}")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(rows, indent=1))
    failures = [r for r in rows if not r["passed"]]
    (args.out / "failures.json").write_text(json.dumps(failures, indent=1))
    print(f"{len(failures)} failures written to {args.out / 'failures.json'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
