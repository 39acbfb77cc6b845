"""Results and tables for benchmarks/transport.py."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from transport_client import Answer

BASELINE = "in-process"


@dataclass
class ServerResult:
    """One server's answers in one scenario, over all its rounds, and the CPU it spent on them."""

    name: str
    tokens: int
    answers: list[Answer] = field(default_factory=list)
    cpu: float = 0.0
    failure: str | None = None

    @property
    def ok(self) -> list[Answer]:
        return [a for a in self.answers if a.error is None]

    @property
    def errors(self) -> int:
        return len(self.answers) - len(self.ok)

    def ttft(self, pct: float) -> float | None:
        return percentile([a.ttft for a in self.ok if a.ttft is not None], pct)

    def total(self, pct: float) -> float | None:
        return percentile([a.total for a in self.ok if a.total is not None], pct)

    def messages(self) -> float | None:
        ok = self.ok
        return sum(a.messages for a in ok) / len(ok) if ok else None

    def wire_ratio(self) -> float | None:
        ok = self.ok
        size = sum(a.answer_bytes for a in ok)
        return sum(a.wire_bytes for a in ok) / size if size else None

    def cpu_per_token(self) -> float | None:
        tokens = len(self.ok) * self.tokens
        return self.cpu / tokens if tokens and self.cpu > 0 else None


def percentile(values: list[float], pct: float) -> float | None:
    """Nearest-rank percentile (p99 of fewer than 100 values is the largest)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    ms = seconds * 1000
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 1000 else f"{ms:,.0f} ms"


def _num(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.2f}x" if value is not None and base else "-"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [cells[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(cells[1:], widths[1:], strict=True)
        ]
        return "| " + " | ".join(padded) + " |"

    rule = ["-" * widths[0]] + ["-" * (w - 1) + ":" for w in widths[1:]]
    return [line(header), "| " + " | ".join(rule) + " |", *(line(r) for r in rows)]


def render(results: list[ServerResult]) -> str:
    """The scenario's table, the ratios to the in-process baseline, and what went wrong."""
    header = [
        "server",
        "TTFT p50",
        "TTFT p99",
        "total p99",
        "messages/answer",
        "wire bytes / answer bytes",
        "server CPU per token",
        "errors",
    ]
    rows = []
    for r in results:
        cpu = r.cpu_per_token()
        rows.append(
            [
                r.name,
                _ms(r.ttft(50)),
                _ms(r.ttft(99)),
                _ms(r.total(99)),
                _num(r.messages(), ",.1f"),
                _num(r.wire_ratio(), ",.2f"),
                "-" if cpu is None else f"{cpu * 1e6:.1f} µs",
                f"{r.errors}/{len(r.answers)}" + ("" if r.failure is None else " + failed"),
            ]
        )
    out = _table(header, rows)
    base = next((r for r in results if r.name == BASELINE and r.ok), None)
    if base is not None:
        out += ["", f"ratios vs {BASELINE}:"]
        ratio_rows = [
            [
                r.name,
                _ratio(r.ttft(50), base.ttft(50)),
                _ratio(r.ttft(99), base.ttft(99)),
                _ratio(r.total(99), base.total(99)),
                _ratio(r.cpu_per_token(), base.cpu_per_token()),
            ]
            for r in results
        ]
        out += _table(["server", "TTFT p50", "TTFT p99", "total p99", "CPU per token"], ratio_rows)
    problems = []
    for r in results:
        if r.failure:
            problems.append(f"  {r.name}: " + r.failure.replace("\n", "\n    "))
        for error, count in Counter(a.error for a in r.answers if a.error).most_common(3):
            problems.append(f"  {r.name}: {count} x {error}")
    if problems:
        out += ["", "errors:", *problems]
    return "\n".join(out)
