"""Ask every case through the real explorer and score the answers on facts.

Run with:
    .venv/bin/python -m benchmarks.understanding.schemas     # once: build the application schemas
    .venv/bin/python -m benchmarks.understanding.run         # offline model, every built catalog
    .venv/bin/python -m benchmarks.understanding.run --model openai:gpt-4o-mini --catalog oscar

Prints the pass rate per family and overall, and p50/p95 seconds per question; writes every result
and the failures to `benchmarks/understanding/results/` (not committed).
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import json
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from mcop_kernel import ExplorerSession, session_config
from mcop_kernel.protocol import AgentEvent, ErrorEvent

from .cases import Case
from .facts import CatalogFacts
from .scoring import Verdict, score
from .suite import PER_FAMILY, SEED, cases, catalogs

RESULTS = Path(__file__).resolve().parent / "results"
QUESTION_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class Outcome:
    case: Case
    answer: str
    diagram: str
    seconds: float
    verdict: Verdict


async def ask(session: ExplorerSession, question: str) -> tuple[str, str]:
    """The final answer's text and diagram ("" when none); an error event's text as the answer."""
    async for event in session.ask(question):
        if isinstance(event, AgentEvent):
            return event.content, event.diagram or ""
        if isinstance(event, ErrorEvent):
            return f"[error] {event.content}", ""
    return "", ""


async def run_catalog(facts: CatalogFacts, chosen: list[Case], model: str) -> list[Outcome]:
    """Each case in a fresh session (no history), over one shared catalog and agent."""
    config = session_config(model=model, catalog=facts.spec or None, timeout=QUESTION_TIMEOUT_S)
    read = getattr(config.catalog, "snapshot", None)
    if callable(read):
        pending = read()  # read the catalog once, before timing questions
        if inspect.isawaitable(pending):
            await pending
    names = sorted(facts.tables)
    outcomes: list[Outcome] = []
    for i, case in enumerate(chosen):
        session = await ExplorerSession.open(f"understanding-{facts.label}-{i}", config)
        started = time.perf_counter()
        try:
            text, diagram = await asyncio.wait_for(ask(session, case.question), QUESTION_TIMEOUT_S + 5)
        except TimeoutError:
            text, diagram = "[timeout]", ""
        seconds = time.perf_counter() - started
        outcomes.append(Outcome(case, text, diagram, seconds, score(text, case.expect, names)))
    return outcomes


def _percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(outcomes: list[Outcome]) -> dict[str, object]:
    """Pass rates per family, per catalog and overall, and the time per question."""
    by_family: dict[str, list[bool]] = defaultdict(list)
    by_catalog: dict[str, list[bool]] = defaultdict(list)
    by_form: dict[str, list[bool]] = defaultdict(list)
    for o in outcomes:
        by_family[o.case.family].append(o.verdict.passed)
        by_catalog[o.case.catalog].append(o.verdict.passed)
        parts = o.case.style.split("+")
        by_form[next((p for p in parts if p in ("loose", "typo")), "exact")].append(o.verdict.passed)
        for habit in {"kwtypo", "opener", "closer"} & set(parts):
            by_form[habit].append(o.verdict.passed)
    seconds = [o.seconds for o in outcomes]
    passed = sum(o.verdict.passed for o in outcomes)
    return {
        "overall": {"passed": passed, "cases": len(outcomes), "rate": passed / max(1, len(outcomes))},
        "families": {
            f: {"passed": sum(v), "cases": len(v), "rate": sum(v) / len(v)}
            for f, v in sorted(by_family.items())
        },
        "catalogs": {
            c: {"passed": sum(v), "cases": len(v), "rate": sum(v) / len(v)}
            for c, v in sorted(by_catalog.items())
        },
        "forms": {
            f: {"passed": sum(v), "cases": len(v), "rate": sum(v) / len(v)}
            for f, v in sorted(by_form.items())
        },
        "seconds": {"p50": _percentile(seconds, 50), "p95": _percentile(seconds, 95)},
    }


def _print(summary: dict[str, object]) -> None:
    families = summary["families"]
    assert isinstance(families, dict)
    print(f"{'family':<16}{'passed':>8}{'cases':>7}{'rate':>8}")
    for name, row in families.items():
        print(f"{name:<16}{row['passed']:>8}{row['cases']:>7}{row['rate']:>8.0%}")
    overall, catalogs_, seconds = summary["overall"], summary["catalogs"], summary["seconds"]
    assert isinstance(overall, dict) and isinstance(catalogs_, dict) and isinstance(seconds, dict)
    print(f"{'overall':<16}{overall['passed']:>8}{overall['cases']:>7}{overall['rate']:>8.0%}")
    print("per catalog: " + ", ".join(f"{c} {r['passed']}/{r['cases']}" for c, r in catalogs_.items()))
    forms = summary["forms"]
    assert isinstance(forms, dict)
    print("by wording: " + ", ".join(f"{f} {r['passed']}/{r['cases']}" for f, r in forms.items()))
    print(f"seconds per question: p50 {seconds['p50']:.3f}, p95 {seconds['p95']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Score the explorer's understanding of questions on facts.")
    parser.add_argument("--model", default="offline", help="any model string session_config takes")
    parser.add_argument("--catalog", action="append", help="sample or an application (default: all built)")
    parser.add_argument("--family", action="append", help="only these families")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--per-family", type=int, default=PER_FAMILY)
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--gaps", action="store_true", help="print failures as tests' KNOWN_GAPS entries")
    args = parser.parse_args(argv)
    found, absent = catalogs(args.catalog)
    if absent:
        print(f"not built (run benchmarks.understanding.schemas): {', '.join(absent)}", file=sys.stderr)
    outcomes: list[Outcome] = []
    for facts in found:
        chosen = [
            c for c in cases(facts, args.seed, args.per_family) if not args.family or c.family in args.family
        ]
        outcomes += asyncio.run(run_catalog(facts, chosen, args.model))
    summary = report(outcomes)
    summary.update(model=args.model, seed=args.seed, per_family=args.per_family)
    _print(summary)
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [asdict(o) for o in outcomes]
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2))
    (args.out / "results.json").write_text(json.dumps(rows, indent=1))
    failures = [r for r in rows if not r["verdict"]["passed"]]
    (args.out / "failures.json").write_text(json.dumps(failures, indent=1))
    print(f"{len(failures)} failures written to {args.out / 'failures.json'}")
    if args.gaps:
        for o in outcomes:
            if not o.verdict.passed:
                print(f"    {o.case.catalog + ': ' + o.case.question!r},")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
