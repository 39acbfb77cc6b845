"""Mermaid text for catalog names: quoted labels with entity codes, generated ids, attribute words, styles.

Every catalog name survives into the drawing: names that are not plain identifiers get a generated
Mermaid id and are shown through a quoted label, in which every character the Mermaid lexers,
Markdown or HTML could read as syntax is written as a Mermaid entity code (`#34;` for `"`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from .catalog.models import TableType

# -- Text: labels, identifiers, attribute words ---------------------------------------------------

_SAFE_PUNCTUATION = frozenset(" .,-/()'+=!?@")
_DIRECTION = re.compile(r"d(?=irection\s)", re.IGNORECASE)
STYLES: dict[str, str] = {
    "fact": "fill:#fde2c4,stroke:#c2410c",
    "dimension": "fill:#dbeafe,stroke:#1d4ed8",
    "staging": "fill:#f3f4f6,stroke:#6b7280",
    "source": "fill:#ecfccb,stroke:#4d7c0f",
    "view": "fill:#f5f3ff,stroke:#6d28d9",
}
CLASS_OF: dict[TableType, str] = {
    "FACT": "fact",
    "DIMENSION": "dimension",
    "STAGING": "staging",
    "SOURCE": "source",
    "VIEW": "view",
}
# Words the erDiagram lexer reads as keywords (it matches them case-insensitively before names).
_ER_KEYWORDS = frozenset(
    {"erdiagram", "style", "classdef", "class", "subgraph", "end", "one", "many", "only", "to", "u", "o", "x"}
    | {"acctitle", "accdescr", "direction", "default", "title"}
)


def label_text(value: str) -> str:
    """Quoted-label text: letters, digits, spaces and harmless punctuation as they are, every other
    character as a Mermaid entity code, so no lexer, Markdown or HTML reads it as syntax."""
    value = " ".join(value.split())
    text = "".join(
        c if c.isalnum() or c in _SAFE_PUNCTUATION or (c == "_" and _inside_word(value, i)) else f"#{ord(c)};"
        for i, c in enumerate(value)
    )
    # The erDiagram lexer takes any line holding "direction LR" (and TB, BT, RL) as a statement.
    return _DIRECTION.sub(lambda m: f"#{ord(m.group(0))};", text)


def _inside_word(value: str, i: int) -> bool:
    """Whether value[i] sits between two letters or digits (so Markdown reads it as a character)."""
    return 0 < i < len(value) - 1 and value[i - 1].isalnum() and value[i + 1].isalnum()


def attribute_word(value: str, *, fallback: str, prefix: str, non_ascii: bool) -> str:
    """An erDiagram attribute type or name: letters, digits and inner underscores only."""
    keep = [c if c.isalnum() and (c.isascii() or (non_ascii and c <= "\uffff")) else "_" for c in value]
    word = re.sub("_+", "_", "".join(keep)).strip("_") or fallback
    if word[0].isascii() and word[0].isdigit():
        word = f"{prefix}_{word}"
    if re.match(r"(?i)(pk|fk|uk)(?![0-9a-z_])", word):  # PK, FK and UK are key markers
        word = f"{word[:2]}_{word[2:]}"
    return word


def js_length(text: str) -> int:
    """Length as Mermaid counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def mermaid_ids(names: Iterable[str], *, keep_plain: bool) -> dict[str, str]:
    """A Mermaid id for each name: the name itself when it is a plain identifier (and `keep_plain`),
    else `t_<ascii slug>` (a hash when nothing is left of the name), unique in the diagram."""
    ordered = sorted(set(names))
    ids: dict[str, str] = {}
    if keep_plain:
        for name in ordered:
            if re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", name) and name.lower() not in _ER_KEYWORDS:
                ids[name] = name
    taken = {i.lower() for i in ids.values()}
    for name in ordered:
        if name in ids:
            continue
        slug = re.sub("[^0-9A-Za-z]+", "_", name).strip("_")[:40]
        base = f"t_{slug or hashlib.sha1(name.encode()).hexdigest()[:8]}"
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{base}_{n}"
        ids[name] = candidate
        taken.add(candidate.lower())
    return ids


def node(node_id: str, name: str) -> str:
    """A node: its id, and the catalog name as a quoted label unless the id is the name."""
    return node_id if node_id == name else f'{node_id}["{label_text(name)}"]'
