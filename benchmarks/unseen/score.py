"""Score an answer on facts found in its text (names, counts, lists, join paths), never on wording."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

LONG_LIST = 10
"""A list longer than this passes with its total stated and at least `SHOWN_OF_LONG` items named."""
SHOWN_OF_LONG = 5
PATH_SLACK = 2
"""A join path may be this many joins longer than the shortest (a path that avoids a hub table)."""


@dataclass(frozen=True)
class Expect:
    """The facts an answer must state."""

    names: tuple[str, ...] = ()
    """Each named as a whole name (any case)."""
    phrases: tuple[str, ...] = ()
    """Each present as text (any case): a label such as "Confidential"."""
    counts: tuple[int, ...] = ()
    """At least one of these numbers stated."""
    lists: tuple[tuple[str, ...], ...] = ()
    """One of these lists given, by the list rule (all named, or total and a first part)."""
    tables_listed: bool = True
    """The list's items are the tables asked for: an answer listing more than a few others fails.
    When False (columns, search hits, people) only an answer that lists most of the catalog fails."""
    allowed: tuple[str, ...] = ()
    """Tables an answer may list beside the expected ones (the subject of the question)."""
    path: tuple[str, str, int] | None = None
    """(start, end, shortest joins): a valid chain of foreign keys from start to end."""


@dataclass(frozen=True)
class Verdict:
    passed: bool
    missing: tuple[str, ...]


@functools.cache
def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])", re.IGNORECASE)


def named(text: str, name: str) -> bool:
    """`name` occurs in `text` as a whole name, not inside a longer identifier."""
    return _pattern(name).search(text) is not None


def numbers(text: str) -> set[int]:
    """The numbers a text states, list numbering left out; `1,234` is one number."""
    body = re.sub(r"(?m)^\s*\d+[.)]\s", " ", text)
    body = re.sub(r"\w\(\d+(?:,\s*\d+)?\)", " ", body)  # a type's size, VARCHAR(36), is no count
    found = re.findall(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?!\d)|(?<![\w.,])\d+(?![\w])", body)
    return {int(n.replace(",", "")) for n in found}


_ITEM = re.compile(r"\s*(?:[-*\u2022]|\d+[.)]|\|)")


def listed(text: str, catalog: Iterable[str]) -> set[str]:
    """The tables an answer lists: the first catalog name on each bullet, numbered or table line."""
    names = list(catalog)
    out: set[str] = set()
    for line in text.splitlines():
        if _ITEM.match(line):
            hits = [(m.start(), -len(n), n) for n in names if (m := _pattern(n).search(line))]
            if hits:
                out.add(min(hits)[2])
    return out


def _list_problems(text: str, items: tuple[str, ...], expect: Expect, catalog: list[str]) -> list[str]:
    shown = [i for i in items if named(text, i)]
    problems: list[str] = []
    if len(items) <= LONG_LIST:
        absent = [i for i in items if i not in shown]
        if absent:
            problems.append("does not name " + ", ".join(absent))
    else:
        if len(items) not in numbers(text):
            problems.append(f"does not state the total {len(items)}")
        if len(shown) < SHOWN_OF_LONG:
            problems.append(f"names {len(shown)} of the {len(items)} (at least {SHOWN_OF_LONG} needed)")
    wrong = sorted(listed(text, catalog) - set(items) - set(expect.allowed))
    tolerated = max(3, len(items)) if expect.tables_listed else max(LONG_LIST, 2 * len(items))
    if len(wrong) > tolerated:
        problems.append(f"also lists {len(wrong)} other tables, e.g. {', '.join(wrong[:3])}")
    return problems


def _occurrences(piece: str, catalog: list[str]) -> list[str]:
    """Every table name the piece writes, in text order (the longest name wins at one place)."""
    spans: list[tuple[int, int, str]] = []
    for name in catalog:
        spans += [(m.start(), -len(name), name) for m in _pattern(name).finditer(piece)]
    out: list[str] = []
    taken = -1
    for at, minus_len, name in sorted(spans):
        if at >= taken:
            out.append(name)
            taken = at - minus_len
    return out


def _chain(piece: str, start: str, end: str, graph: Mapping[str, set[str]], catalog: list[str]) -> int | None:
    """The fewest joins of a chain from start to end (either way round) that the piece writes in
    order, each step a foreign key; None when it writes no such chain."""
    seq = _occurrences(piece, catalog)
    best: int | None = None
    for first, last in ((start, end), (end, start)):
        reach: list[int | None] = []
        for name in seq:
            steps = [r + 1 for i, r in enumerate(reach) if r is not None and name in graph.get(seq[i], set())]
            here = 0 if name == first else (min(steps) if steps else None)
            reach.append(here)
            if name == last and here is not None:
                best = here if best is None else min(best, here)
    return best


def _path_ok(
    text: str, path: tuple[str, str, int], graph: Mapping[str, set[str]], catalog: list[str]
) -> bool:
    start, end, shortest = path
    pieces = text.splitlines() + re.findall(r"```.*?```", text, flags=re.S)
    for piece in pieces:
        joins = _chain(piece, start, end, graph, catalog)
        if joins is not None and joins <= shortest + PATH_SLACK:
            return True
    return False


def score(text: str, expect: Expect, catalog: Iterable[str], graph: Mapping[str, set[str]]) -> Verdict:
    """Does `text` state every fact of `expect`? `graph` is the undirected foreign-key adjacency."""
    tables = list(catalog)
    missing = [f"does not name {n}" for n in expect.names if not named(text, n)]
    missing += [f"does not say {p!r}" for p in expect.phrases if p.lower() not in text.lower()]
    if expect.counts and not set(expect.counts) & numbers(text):
        missing.append("does not state " + " or ".join(map(str, expect.counts)))
    if expect.lists:
        attempts: list[list[str]] = [_list_problems(text, items, expect, tables) for items in expect.lists]
        if all(attempts):
            fewest: list[str] = min(attempts, key=len)
            missing.extend(fewest)
    if expect.path and not _path_ok(text, expect.path, graph, tables):
        start, end, shortest = expect.path
        missing.append(f"gives no join path {start} .. {end} of at most {shortest + PATH_SLACK} joins")
    return Verdict(not missing, tuple(missing))
