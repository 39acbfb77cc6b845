"""Scoring on facts an answer states, never on its wording: names present as whole words, a count
as a number, a value quoted, a join path that really connects. A dump of the catalog fails."""

from __future__ import annotations

import itertools
import re
from collections import deque
from dataclasses import dataclass, field

from .schema import Schema

LIST_IN_FULL = 10
"""A list of at most this many items must be given in full; a longer one by its count and at least
`SOME` of its items (or in full)."""
SOME = 5
_NEGATED = re.compile(
    r"\b(not|isn't|is not|no|never|un)[\s-]*(yet\s+)?certified|uncertified|\bnot\b[^.\n]{0,30}certif", re.I
)


def has(text: str, name: str) -> bool:
    """`name` in `text` as a whole word (underscores and letters are part of a word), any case."""
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", text, re.I) is not None


def has_number(text: str, number: float) -> bool:
    shown = f"{number:g}" if isinstance(number, float) else str(number)
    forms = {shown, f"{number:,}"} if isinstance(number, int) else {shown}
    return any(re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d]|[.,]\d)", text) for f in forms)


@dataclass
class Check:
    names: tuple[str, ...] = ()
    """Every one must be present."""
    lists: tuple[tuple[str, ...], ...] = ()
    """Alternative readings of a list question: one of them must be stated (see LIST_IN_FULL)."""
    counts: tuple[int, ...] = ()
    """One of these numbers must be present."""
    values: tuple[str, ...] = ()
    """Each one present as written (case and spacing aside), or all its words and numbers."""
    definition: str = ""
    """Seven in ten of its words of four letters or more present."""
    path: tuple[str, str, int] | None = None
    """Tables the answer names must connect these two over foreign keys in at most this many joins."""
    certified: bool | None = None
    optional: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    """(every foreign-key column, the nullable ones): naming all without saying which may be null fails."""
    max_tables: int | None = None
    """Naming more of the catalog's tables than this is a dump, not an answer."""
    allowed: frozenset[str] = frozenset()
    """Tables not counted against `max_tables` (those the expected tables' descriptions name)."""
    notes: list[str] = field(default_factory=list)

    def oracle(self, schema: Schema) -> str:
        """An answer that states exactly the facts, plainly: every case must pass its own oracle."""
        parts = [", ".join(f"`{n}`" for n in self.names)]
        if self.lists:
            items = self.lists[0]
            parts.append(f"{len(items)} in all: " + ", ".join(f"`{i}`" for i in items))
        parts += [str(n) for n in self.counts[:1]] + list(self.values) + [self.definition]
        if self.path is not None:
            start, end, _most = self.path
            route = _shortest(schema, start, end)
            parts.append(" → ".join(f"`{t}`" for t in route))
        if self.certified is not None:
            parts.append("It is certified." if self.certified else "It is not certified.")
        if self.optional is not None:
            parts.append("(these may be null: zero or one row)")
        return "\n".join(p for p in parts if p)

    def judge(self, text: str, schema: Schema) -> tuple[bool, str]:
        missing = [n for n in self.names if not has(text, n)]
        if missing:
            return False, "missing " + ", ".join(missing[:6])
        if self.lists:
            verdicts = [_list_ok(text, items) for items in self.lists]
            if not any(ok for ok, _ in verdicts):
                return False, verdicts[0][1]
        if self.counts and not any(has_number(text, n) for n in self.counts):
            return False, f"no count {' or '.join(map(str, self.counts))}"
        for value in self.values:
            if not _value_ok(text, value):
                return False, f"missing value {value!r}"
        if self.definition:
            words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", self.definition)}
            found = sum(1 for w in words if w in text.lower())
            if words and found < 0.7 * len(words):
                return False, f"definition: {found}/{len(words)} words"
        if self.path is not None:
            ok, why = _path_ok(text, schema, *self.path)
            if not ok:
                return False, why
        if self.certified is not None:
            negated = _NEGATED.search(text) is not None
            if self.certified and (negated or not re.search(r"certified", text, re.I)):
                return False, "does not say it is certified"
            if (
                not self.certified
                and not negated
                and not re.search(r"candidate|under review|draft", text, re.I)
            ):
                return False, "does not say it is not certified"
        if self.optional is not None:
            every, nullable = self.optional
            marked = re.search(r"optional|nullable|null|zero|\|o|o\||may be empty|can be empty", text, re.I)
            if set(every) > set(nullable) and all(has(text, c) for c in every) and not marked:
                return False, "names every foreign key without telling the optional ones"
        if self.max_tables is not None:
            named = sum(1 for t in schema.tables if t not in self.allowed and has(text, t))
            if named > self.max_tables:
                return False, f"a dump: names {named} tables (at most {self.max_tables} expected)"
        return True, ""


def _list_ok(text: str, items: tuple[str, ...]) -> tuple[bool, str]:
    present = [i for i in items if has(text, i)]
    if len(present) == len(items):
        return True, ""
    if len(items) <= LIST_IN_FULL:
        return False, "missing " + ", ".join(i for i in items if i not in present)[:200]
    if has_number(text, len(items)) and len(present) >= SOME:
        return True, ""
    return (
        False,
        f"{len(present)}/{len(items)} named, count {len(items)} "
        + ("given" if has_number(text, len(items)) else "not given"),
    )


def _value_ok(text: str, value: str) -> bool:
    flat = " ".join(text.lower().split())
    if " ".join(value.lower().split()) in flat:
        return True
    parts = re.findall(r"[a-z]{3,}|\d+(?:\.\d+)?", value.lower())
    return bool(parts) and all(re.search(rf"(?<![a-z0-9]){re.escape(p)}", flat) for p in parts)


def _chains(text: str, pattern: re.Pattern[str], lower: dict[str, str]) -> list[list[str]]:
    """Runs of table names joined by arrows (`a` → `b` → `c`), in the order written."""
    found: list[list[str]] = []
    for line in text.splitlines():
        matches = list(pattern.finditer(line))
        run: list[str] = []
        for before, match in zip([None, *matches], matches, strict=False):
            gap = line[before.end() : match.start()] if before is not None else ""
            if before is not None and re.fullmatch(r"[\s`*_]*(→|->|⟶|=>|—>)[\s`*_]*", gap):
                run.append(lower[match.group(0).lower()])
                continue
            if len(run) > 1:
                found.append(run)
            run = [lower[match.group(0).lower()]]
        if len(run) > 1:
            found.append(run)
    return found


def _path_ok(text: str, schema: Schema, start: str, end: str, most: int) -> tuple[bool, str]:
    """A path stated as a chain (`a → b → c` on one line) must be that path: each step a real foreign
    key, no table twice, at most `most` joins. Without a chain, the tables named must connect the two."""
    names = sorted(schema.tables, key=len, reverse=True)
    pattern = re.compile("|".join(rf"(?<![A-Za-z0-9_]){re.escape(n)}(?![A-Za-z0-9_])" for n in names), re.I)
    lower = {n.lower(): n for n in names}
    for chain in _chains(text, pattern, lower):
        if {chain[0], chain[-1]} != {start, end}:
            continue
        if len(set(chain)) < len(chain):
            return False, "the path it states visits a table twice: " + " > ".join(chain)
        for here, there in itertools.pairwise(chain):
            if there not in schema.neighbours(here):
                return False, f"the path it states joins {here} to {there}, which no foreign key links"
        if len(chain) - 1 > most:
            return False, f"its path takes {len(chain) - 1} joins (at most {most})"
        return True, ""
    named = {t for t in schema.tables if has(text, t)}
    if start not in named or end not in named:
        return False, f"path does not name {start if start not in named else end}"
    seen = {start: 0}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for there in schema.neighbours(here):
            if there in named and there not in seen:
                seen[there] = seen[here] + 1
                queue.append(there)
    if end not in seen:
        return False, "the tables it names do not connect the two"
    if seen[end] > most:
        return False, f"its path takes {seen[end]} joins (at most {most})"
    return True, ""


def _shortest(schema: Schema, start: str, end: str) -> list[str]:
    back: dict[str, str | None] = {start: None}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for there in sorted(schema.neighbours(here)):
            if there not in back:
                back[there] = here
                queue.append(there)
    route, at = [], end if end in back else None
    while at is not None:
        route.append(at)
        at = back[at]
    return route[::-1]
