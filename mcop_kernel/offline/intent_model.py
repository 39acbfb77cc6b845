"""What reading a question yields: its kind (`IntentKind`), what it names (`Intent`), and what earlier
turns settled (`Context`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..catalog.models import LineageDirection, TableType

IntentKind = Literal[
    "list",
    "count",
    "describe",
    "keys",
    "references",
    "rel_kind",
    "lacking",
    "coverage",
    "largest",
    "find_columns",
    "column_kind",
    "search",
    "relationships",
    "join",
    "lineage",
    "impact",
    "owner",
    "person",
    "status",
    "classified",
    "compare",
    "glossary",
    "term",
    "people",
    "widest",
    "complete",
    "help",
    "clarify",
]
SearchScope = Literal["table", "column", "term"]
TABLE_KINDS: frozenset[IntentKind] = frozenset(
    {
        "describe",
        "keys",
        "references",
        "relationships",
        "join",
        "lineage",
        "impact",
        "owner",
        "status",
        "compare",
    }
)


@dataclass(frozen=True)
class Context:
    """What earlier turns settled: the table last talked about, the last kind of question, where the
    last table listing stopped (`next_offset` is None when it was complete) and what it listed."""

    table: str | None = None
    kind: IntentKind | None = None
    next_offset: int | None = None
    table_type: TableType | None = None
    domain: str | None = None
    area: str | None = None
    listed: tuple[str, ...] = ()
    """The tables the last answer listed (the first few), for `them` and `those` in the next question."""


@dataclass(frozen=True)
class Intent:
    """One question, read: its kind and what it names. `phrase` is a search query, glossary term, column
    name or (for `help`) the words not understood; `what` is the kind's detail (what tables lack, a kind
    of relationship or value, a classification label, `in`/`out` references, `neighbourhood`); `notes`
    say which table a loose or misspelled name was taken to mean; `choices` are the tables an ambiguous
    name could mean; `examples` are real names of the connected catalog for help texts."""

    kind: IntentKind
    tables: tuple[str, ...] = ()
    phrase: str = ""
    table_type: TableType | None = None
    domain: str | None = None
    area: str | None = None
    direction: LineageDirection = "both"
    offset: int = 0
    asked: IntentKind | None = None
    greeting: str = ""
    scope: SearchScope | None = None
    what: str = ""
    person: str = ""
    order: str = ""
    certified: bool | None = None
    notes: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    examples: tuple[tuple[str, str], ...] = ()
