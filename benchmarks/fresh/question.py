"""A question, what its answer must state, and the scorer that checks the facts an answer states."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .schema import Schema

LIST_IN_FULL = 10  # a list this long or shorter must be given in full; longer: its count and a part
PART_OF_LONG_LIST = 5
EXTRA_TABLES = 6  # tables an answer about tables may name beyond the expected ones (context, the subject)


@dataclass(frozen=True)
class Expect:
    names: tuple[str, ...] = ()  # every one must be named
    some: tuple[str, ...] = ()  # at least `at_least` of these must be named
    at_least: int = 0
    count: int | None = None  # this number must be stated
    words: tuple[str, ...] = ()  # every one of these phrases must appear (people, classifications)
    path: tuple[str, str, int] | None = None  # start, end, fewest joins
    about_tables: bool = False  # the facts are table names: an answer naming most tables is not one
    context: tuple[str, ...] = ()  # tables a right answer may name besides (a person's stewarded ones)


@dataclass(frozen=True)
class Question:
    catalog: str
    family: str
    style: str
    question: str
    expect: Expect
    before: tuple[str, ...] = field(default=())


def listed(items: set[str] | list[str], tables: bool = True) -> Expect:
    """A list's expectation: in full when short, else its count and a part of it."""
    ordered = tuple(sorted(items))
    if len(ordered) <= LIST_IN_FULL:
        return Expect(names=ordered, about_tables=tables)
    return Expect(count=len(ordered), some=ordered, at_least=PART_OF_LONG_LIST, about_tables=tables)


def _named(text: str, name: str) -> bool:
    pattern = r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])"
    return re.search(pattern, text, re.IGNORECASE) is not None


def mentioned_tables(text: str, schema: Schema) -> set[str]:
    return {t for t in schema.tables if _named(text, t)}


@dataclass(frozen=True)
class Verdict:
    passed: bool
    missing: tuple[str, ...]


def score(text: str, expect: Expect, schema: Schema) -> Verdict:
    """Whether an answer states the expected facts (names, counts, a join path), never its wording."""
    missing: list[str] = [n for n in expect.names if not _named(text, n)]
    if expect.some:
        found = sum(_named(text, n) for n in expect.some)
        if found < expect.at_least:
            missing.append(f"{expect.at_least - found} more of {len(expect.some)}")
    if expect.count is not None and not re.search(rf"(?<![\w.]){expect.count}(?![\w.])", text):
        missing.append(f"count {expect.count}")
    missing += [f"'{w}'" for w in expect.words if not _named(text, w)]
    mentioned = mentioned_tables(text, schema)
    if expect.about_tables:
        allowed = len(set(expect.names) | set(expect.some) | set(expect.context)) + EXTRA_TABLES
        if len(mentioned) > allowed:
            missing.append(f"names {len(mentioned)} tables, at most {allowed} fit")
    if expect.path:
        start, end, fewest = expect.path
        hops = schema.distance(start, end, allowed=mentioned | {start, end})
        if not (_named(text, start) and _named(text, end)) or hops is None or hops > fewest + 2:
            missing.append(f"a path {start} → {end} of at most {fewest + 2} joins")
        elif len(mentioned) > min(len(schema.tables) // 2, 2 * fewest + 12):  # room for an alternative
            missing.append(f"names {len(mentioned)} tables for a {fewest}-join path")
    return Verdict(not missing, tuple(missing))
