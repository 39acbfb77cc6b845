"""Score an answer on facts: names, counts, lists and join paths found in its text, never wording."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .cases import Expect

LONG_LIST = 10
"""A list longer than this passes with its total and a correct first part (see the README)."""
SHOWN_OF_LONG = 5


@dataclass(frozen=True)
class Verdict:
    passed: bool
    missing: tuple[str, ...]
    """What the answer lacked (or got wrong), one short line each."""


@functools.cache
def _name_pattern(name: str) -> re.Pattern[str]:
    return re.compile(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])", re.IGNORECASE)


def names_in(text: str, name: str) -> list[int]:
    """Where `name` occurs in `text` as a whole name (not inside a longer identifier), any case."""
    return [m.start() for m in _name_pattern(name).finditer(text)]


def _numbers(text: str) -> set[int]:
    """The numbers the text states, list numbering ("1. ", "12) ") left out."""
    body = re.sub(r"(?m)^\s*\d+[.)]\s", " ", text)
    return {
        int(m.replace(",", ""))
        for m in re.findall(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?!\d)|(?<![\w.])\d+(?![\w])", body)
    }


def _list_ok(text: str, items: tuple[str, ...], expect: Expect, catalog: Iterable[str]) -> list[str]:
    named = [
        i for i in items if names_in(text, i) or (not expect.tables_listed and i.lower() in text.lower())
    ]
    problems: list[str] = []
    total = expect.total if expect.total is not None else len(items)
    if len(items) <= LONG_LIST:
        absent = [i for i in items if i not in named]
        if absent:
            problems.append("does not name " + ", ".join(absent))
    else:
        if total not in _numbers(text):
            problems.append(f"does not state the total {total}")
        if len(named) < SHOWN_OF_LONG:
            problems.append(f"names {len(named)} of the {len(items)} items (at least {SHOWN_OF_LONG} needed)")
    if expect.tables_listed:
        fine = set(items) | set(expect.allowed)
        wrong = [t for t in listed(text, catalog) if t not in fine]
        if len(wrong) > max(3, len(items)):
            problems.append(f"also lists {len(wrong)} tables outside the answer, e.g. {', '.join(wrong[:3])}")
    return problems


_ITEM_LINE = re.compile(r"\s*(?:[-*\u2022]|\d+[.)]|\|)")


def listed(text: str, catalog: Iterable[str]) -> list[str]:
    """The tables an answer lists: on each list line (a bullet, a number, a table row), the catalog
    name that comes first. Names inside an item's description are not counted as listed."""
    names = list(catalog)
    out: list[str] = []
    for line in text.splitlines():
        if not _ITEM_LINE.match(line):
            continue
        hits = [(m.start(), n) for n in names if (m := _name_pattern(n).search(line))]
        if hits:
            out.append(min(hits)[1])
    return sorted(set(out))


def _in_order(text: str, path: tuple[str, ...]) -> bool:
    """The path is written out: its tables in order on one line ("A → B → C", "A and B are directly
    related") or in one fenced block (a SQL join), not gathered from all over an answer."""
    pieces = text.splitlines() + re.findall(r"```.*?```", text, flags=re.S)
    for piece in pieces:
        at = -1
        for table in path:
            later = [p for p in names_in(piece, table) if p > at]
            if not later:
                break
            at = later[0]
        else:
            return True
    return False


def score(text: str, expect: Expect, catalog: Iterable[str]) -> Verdict:
    """Does `text` state every fact of `expect`? `catalog` is every table name, for the list rule."""
    tables = list(catalog)
    missing = [f"does not name {n}" for n in expect.names if not names_in(text, n)]
    missing += [f"does not mention {p}" for p in expect.phrases if p.lower() not in text.lower()]
    if expect.counts and not set(expect.counts) & _numbers(text):
        missing.append("does not state the count " + " or ".join(map(str, expect.counts)))
    if expect.lists:
        attempts = [_list_ok(text, items, expect, tables) for items in expect.lists]
        if all(attempts):
            fewest: list[str] = min(attempts, key=len)
            missing.extend(fewest)
    if expect.path and not (_in_order(text, expect.path) or _in_order(text, expect.path[::-1])):
        missing.append("does not give the path " + " -> ".join(expect.path))
    return Verdict(not missing, tuple(missing))
