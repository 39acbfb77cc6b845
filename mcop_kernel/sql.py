"""Example SQL written from catalog facts (never by the model): joins along a join path."""

from __future__ import annotations

import re

from .catalog.models import JoinPath

_PLAIN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def quote_identifier(name: str) -> str:
    """A SQL identifier, double-quoted only when it needs to be."""
    if _PLAIN.match(name):
        return name
    return '"' + name.replace('"', '""') + '"'


def _alias(name: str, taken: set[str]) -> str:
    base = "".join(word[0] for word in re.split(r"[^A-Za-z0-9]+", name) if word) or "t"
    base = base.lower() if base[0].isalpha() else f"t{base.lower()}"
    alias, n = base, 2
    while alias in taken:
        alias, n = f"{base}{n}", n + 1
    taken.add(alias)
    return alias


def join_sql(path: JoinPath) -> str:
    """`SELECT ... FROM a JOIN b ON ...` following every step of the path."""
    tables = path.tables
    taken: set[str] = set()
    aliases = {name: _alias(name, taken) for name in dict.fromkeys(tables)}
    lines = ["SELECT *", f"FROM {quote_identifier(tables[0])} AS {aliases[tables[0]]}"]
    for previous, step in zip(tables, path.steps, strict=False):
        joined = step.to_table if step.from_table == previous else step.from_table
        left, right = aliases[step.from_table], aliases[step.to_table]
        conditions = " AND ".join(
            f"{left}.{quote_identifier(fc)} = {right}.{quote_identifier(tc)}"
            for fc, tc in zip(step.from_columns, step.to_columns, strict=True)
        )
        lines.append(f"JOIN {quote_identifier(joined)} AS {aliases[joined]} ON {conditions}")
    return "\n".join(lines) + ";"
