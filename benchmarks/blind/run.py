"""Asks every question of the set through the product as a user's program would (an in-process
`ExplorerSession` per question, the offline model unless told otherwise), scores each answer on its
facts, prints the pass rate per family, catalog and wording style, and writes every row to
`.cache/blind/results.json` (not committed).

Run with:
    .venv/bin/python -m benchmarks.blind.build      # once: the three application schemas
    .venv/bin/python -m benchmarks.blind.run        # offline model, every catalog
    .venv/bin/python -m benchmarks.blind.run --catalog pretalx --family join_path
    .venv/bin/python -m benchmarks.blind.run --list # the questions, nothing asked
    .venv/bin/python -m benchmarks.blind.run --dump # a canned dump as every answer: the scorer must fail it
    .venv/bin/python -m benchmarks.blind.run --oracle  # the facts stated plainly: all must pass
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from .build import APPS, CACHE, ROOT
from .questions import Case, Catalog, cases
from .sample import read_sample
from .schema import read_schema

RESULTS = CACHE / "results.json"


def catalogs(only: list[str] | None) -> tuple[list[Catalog], dict[str, str]]:
    found, specs = [], {}
    for app in APPS:
        if only and app.name not in only:
            continue
        if not app.database.exists():
            print(f"{app.name}: not built; run `.venv/bin/python -m benchmarks.blind.build`", file=sys.stderr)
            continue
        found.append(Catalog(app.name, read_schema(app.database, app.name), django=app.name != "mlflow"))
        specs[app.name] = f"sql:sqlite:///{app.database}"
    if not only or "sample" in only:
        steward = read_sample()
        found.append(Catalog("sample", steward.schema, steward=steward))
        specs["sample"] = "sample"
    return found, specs


async def ask_all(
    todo: list[Case], specs: dict[str, str], model: str, timeout: float
) -> list[dict[str, Any]]:
    from mcop_kernel import ExplorerSession, open_catalog, session_config

    rows: list[dict[str, Any]] = []
    configs: dict[str, Any] = {}
    for number, case in enumerate(todo):
        if case.catalog not in configs:
            configs[case.catalog] = session_config(model, open_catalog(specs[case.catalog]), timeout=timeout)
        session = await ExplorerSession.open(f"blind-{number}", configs[case.catalog])
        text, tools, kind, started = "", [], "", time.perf_counter()
        try:
            if case.before:
                async for _event in session.ask(case.before):
                    pass
            async for event in session.ask(case.question):
                if event.kind == "tool_start":
                    tools.append(event.tool_name)
                elif event.kind in ("agent", "error"):
                    text, kind = event.content, event.kind
        finally:
            await session.close()
        rows.append(_row(case, text, tools, kind, time.perf_counter() - started))
    return rows


def _row(case: Case, text: str, tools: list[str], kind: str, seconds: float) -> dict[str, Any]:
    return {
        "catalog": case.catalog,
        "family": case.family,
        "style": case.style,
        "subject": case.subject,
        "before": case.before,
        "question": case.question,
        "answer": text,
        "kind": kind,
        "tools": tools,
        "seconds": round(seconds, 3),
    }


def score(rows: list[dict[str, Any]], todo: list[Case], schemas: dict[str, Catalog]) -> None:
    for row, case in zip(rows, todo, strict=True):
        ok, why = (
            case.check.judge(row["answer"], schemas[case.catalog].schema)
            if row["kind"] != "error"
            else (False, "error")
        )
        row["passed"], row["why"] = ok, why


def report(rows: list[dict[str, Any]]) -> str:
    lines = []
    for key in ("family", "catalog", "style"):
        tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in rows:
            tally[row[key]][0] += row["passed"]
            tally[row[key]][1] += 1
        lines.append(f"\nby {key}:")
        for name, (good, total) in sorted(tally.items(), key=lambda kv: (kv[1][0] / kv[1][1], kv[0])):
            lines.append(f"  {name:<18} {good:>3}/{total:<3} {100 * good / total:5.1f}%")
    good = sum(r["passed"] for r in rows)
    lines.append(f"\noverall: {good}/{len(rows)} ({100 * good / max(1, len(rows)):.1f}%)")
    return "\n".join(lines)


def markdown(rows: list[dict[str, Any]]) -> str:
    """The figures as the README shows them: a row per family, a column per catalog."""
    names = list(dict.fromkeys(r["catalog"] for r in rows))
    tally: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        for key in (
            (row["family"], row["catalog"]),
            (row["family"], ""),
            ("overall", row["catalog"]),
            ("overall", ""),
        ):
            tally[key][0] += row["passed"]
            tally[key][1] += 1

    def cell(key: tuple[str, str]) -> str:
        good, total = tally.get(key, [0, 0])
        return f"{good}/{total}" if total else "—"

    lines = ["| family | " + " | ".join(names) + " | all |", "| --- |" + " ---: |" * (len(names) + 1)]
    families = sorted({r["family"] for r in rows})
    for family in [*families, "overall"]:
        good, total = tally[(family, "")]
        shown = f"**{family}**" if family == "overall" else f"`{family}`"
        cells = " | ".join(cell((family, n)) for n in names)
        lines.append(f"| {shown} | {cells} | {good}/{total} ({100 * good / total:.0f}%) |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="The blind understanding set: see benchmarks/blind/README.md"
    )
    parser.add_argument("--model", default="offline")
    parser.add_argument(
        "--catalog", action="append", help="mlflow, pretalx, djangocms or sample (repeatable)"
    )
    parser.add_argument("--family", action="append")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--list", action="store_true", help="print the questions; ask nothing")
    parser.add_argument("--dump", action="store_true", help="score a canned dump of the catalog instead")
    parser.add_argument("--oracle", action="store_true", help="score the facts stated plainly: must pass all")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--markdown", action="store_true", help="also print the figures as a Markdown table")
    args = parser.parse_args(argv)
    found, specs = catalogs(args.catalog)
    by_name = {c.name: c for c in found}
    todo = [c for c in cases(found, args.seed) if not args.family or c.family in args.family]
    if args.list:
        for case in todo:
            opening = f"{case.before} // " if case.before else ""
            print(f"{case.catalog:<10} {case.family:<16} {case.style:<8} {opening}{case.question}")
        print(f"{len(todo)} questions")
        return 0
    started = time.perf_counter()
    if args.dump:
        rows = [_row(c, _dump(by_name[c.catalog]), [], "agent", 0.0) for c in todo]
    elif args.oracle:
        rows = [_row(c, c.check.oracle(by_name[c.catalog].schema), [], "agent", 0.0) for c in todo]
    else:
        rows = asyncio.run(ask_all(todo, specs, args.model, args.timeout))
    score(rows, todo, by_name)
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    print(report(rows))
    if args.markdown:
        print("\n" + markdown(rows) + "\n")
    print(
        f"{len(rows)} questions in {time.perf_counter() - started:.0f} s; model {args.model}; commit {commit}"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"commit": commit, "model": args.model, "rows": rows}, indent=1))
    print(f"rows written to {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


def _dump(catalog: Catalog) -> str:
    schema = catalog.schema
    return (
        f"The catalog has {len(schema.tables)} tables and {len(schema.foreign_keys)} foreign keys: "
        + ", ".join(sorted(schema.tables))
    )


if __name__ == "__main__":
    raise SystemExit(main())
