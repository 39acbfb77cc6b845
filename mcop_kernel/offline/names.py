"""What the names of one catalog name: the `Vocabulary` a question is read against, and its keys."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ..catalog.models import TableType
from ..catalog.words import singular

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+\d*|[A-Z0-9]+")
RANK: dict[str, int] = {"FACT": 0, "DIMENSION": 0, "TABLE": 0, "VIEW": 1, "STAGING": 2, "SOURCE": 3}
"""Marts first: "purchase order" means the fact table, not its staging copy or the source-system table."""

EXACT, DISPLAY, LOOSE, PART, TERM = 0, 10, 20, 30, 40
"""How a key names a table, best first: its name, its display name, its name without the catalog's
common prefixes or app label and convention ending (LOOSE + one for each prefix word dropped beyond
the first), a word within it (the tail of that, or a word run together inside it), a glossary term
whose name is the table's display name."""


@lru_cache(maxsize=1 << 16)
def split_words(text: str) -> tuple[str, ...]:
    """Words at `_`, spaces, punctuation and case changes, lower-cased: `EmailAddr` -> (email, addr)."""
    return tuple(w.lower() for w in _WORD.findall(text))


@lru_cache(maxsize=1 << 16)
def key(text: str) -> str:
    """The comparable form of a name: `Purchase_Orders`, `purchase orders`, `PurchaseOrder` agree."""
    return " ".join(singular(w) for w in split_words(text))


@dataclass(frozen=True)
class TableFacts:
    """What tells one table from another in a clarifying question."""

    name: str
    type: TableType
    domain: str
    description: str
    rank: int


ROLE_SYNONYMS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(
        ("customer", "client", "buyer", "shopper", "purchaser", "member", "account", "person", "subscriber"),
        ("customer", "client", "user", "account", "member", "person"),
    ),
    **dict.fromkeys(("author", "creator", "writer", "editor", "poster"), ("author", "owner", "user")),
    **dict.fromkeys(("employee", "staff", "worker"), ("employee", "staff", "user")),
    **dict.fromkeys(("seller", "vendor", "merchant"), ("seller", "vendor", "supplier", "partner")),
}
"""Role words a steward uses for the party a row belongs to, and the names schemas commonly give it."""


@dataclass
class Vocabulary:
    """Keys (see `key`) for every name in one catalog snapshot, and what each names."""

    tables: dict[str, TableFacts] = field(default_factory=dict)
    exact: dict[str, str] = field(default_factory=dict)
    table_keys: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    squashed: dict[str, str] = field(default_factory=dict)
    """A one-word table key (`kbitem`) by its letters, for words a question writes apart."""
    terms: dict[str, str] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)
    domains: dict[str, str] = field(default_factory=dict)
    areas: dict[str, str] = field(default_factory=dict)
    """Keys of name-prefix areas and app labels (`django ledger`, and `ledger` alone where no other
    label ends so), schemas and systems -> the area as the catalog writes it."""
    columns: dict[str, int] = field(default_factory=Counter)
    words: set[str] = field(default_factory=set)
    word_list: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    prefixes: frozenset[str] = frozenset()
    examples: dict[str, str] = field(default_factory=dict)
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)
    """A foreign key's role word (`customer` of `customer_id`) -> (the table it points at, the column)."""
    column_roles: dict[str, tuple[str, str]] | None = None
    """A word that opens column names (`buyer` of `buyer_email`) -> (the table most such columns are in,
    one column), for role words no foreign key bears; read from `find_column_roles` when first asked
    (it reads every column, which few questions need)."""
    find_column_roles: Callable[[], dict[str, tuple[str, str]]] | None = None

    def role(self, word: str) -> tuple[str, str] | None:
        """The table a role word names, and how: through foreign keys (`user` -> the table `user_id`
        points at), a common synonym of one (a customer or client is usually a user), or the columns
        it opens (`buyer` -> the table of `buyer_email`)."""
        word = singular(word)
        for candidate in (word, *ROLE_SYNONYMS.get(word, ())):
            found = self.roles.get(candidate)
            if found is not None:
                return found[0], f"the table foreign keys such as `{found[1]}` point at"
            tables = self.candidates(candidate)
            if tables and tables[0][0] < PART:
                return tables[0][1], ""
        if self.column_roles is None:
            self.column_roles = self.find_column_roles() if self.find_column_roles else {}
        named = self.column_roles.get(word)
        return (named[0], f"the table whose columns such as `{named[1]}` name it") if named else None

    def candidates(self, span_key: str, table_type: TableType | None = None) -> list[tuple[int, str]]:
        """Tables a key names, best first: (how it names them, name)."""
        found = self.table_keys.get(span_key)
        if found is None and " " in span_key:  # "kb items" for `kbitem`: the words as the name runs them
            found = self.table_keys.get(self.squashed.get(span_key.replace(" ", ""), ""))
        found = found or {}
        ranked = sorted(
            found.items(), key=lambda item: (item[1], self.tables[item[0]].rank, len(item[0]), item[0])
        )
        pairs = [(quality, name) for name, quality in ranked]
        if table_type is not None:
            typed = [p for p in pairs if self.tables[p[1]].type == table_type]
            return typed or pairs
        return pairs
