"""Role words (`customer` of `customer_id`, `buyer` of `buyer_email`) and the example names help texts use."""

from __future__ import annotations

from collections import Counter, defaultdict

from ..catalog.snapshot import CatalogSnapshot
from ..catalog.words import singular
from .names import Vocabulary, split_words


def foreign_key_roles(snapshot: CatalogSnapshot) -> dict[str, tuple[str, str]]:
    """Each single-column foreign key's role (`owner_id` -> owner) and the table it most often points at."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for rel in snapshot.relationships:
        if len(rel.from_columns) == 1:
            words = split_words(rel.from_columns[0])
            if len(words) > 1 and words[-1] == "id":
                column = f"{rel.from_table}.{rel.from_columns[0]}"
                counts[(" ".join(singular(w) for w in words[:-1]), rel.to_table, column)] += 1
    roles: dict[str, tuple[str, str]] = {}
    for (role, table, column), _ in counts.most_common():
        roles.setdefault(role, (table, column))
    return roles


def column_roles(snapshot: CatalogSnapshot, vocab: Vocabulary) -> dict[str, tuple[str, str]]:
    """The first word of multi-word column names, with the table (marts first) holding most of them."""
    counts: Counter[tuple[str, str]] = Counter()
    example: dict[tuple[str, str], str] = {}
    opening: dict[str, str] = {}
    for table in snapshot.tables:
        for column in table.columns:
            word = opening.get(column.name)
            if word is None:
                words = split_words(column.name)
                word = opening[column.name] = (
                    singular(words[0]) if len(words) > 1 and len(words[0]) > 3 else ""
                )
            if word:
                pair = (word, table.name)
                counts[pair] += 1
                if pair not in example:
                    example[pair] = f"{table.name}.{column.name}"
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], vocab.tables[kv[0][1]].rank, kv[0][1]))
    roles: dict[str, tuple[str, str]] = {}
    for pair, _ in ranked:
        roles.setdefault(pair[0], (pair[1], example[pair]))
    return roles


def examples(vocab: Vocabulary, snapshot: CatalogSnapshot) -> dict[str, str]:
    """Real names of this catalog for help and clarification texts."""
    links: dict[str, set[str]] = defaultdict(set)
    for rel in snapshot.relationships:
        links[rel.from_table].add(rel.to_table)
        links[rel.to_table].add(rel.from_table)
    ranked = sorted(vocab.tables.values(), key=lambda t: (t.rank, -len(links.get(t.name, ())), t.name))
    found: dict[str, str] = {}
    if ranked:
        found["table"] = ranked[0].name
        first = links.get(ranked[0].name, set())
        other = next((t.name for t in ranked[1:] if t.name in first), None)
        found["other"] = other or (ranked[1].name if len(ranked) > 1 else ranked[0].name)
    if snapshot.terms:
        found["term"] = snapshot.terms[0].name
    people = sorted({p for p in vocab.people.values() if p})
    if people:
        found["person"] = people[0]
    domains = Counter(t.domain for t in vocab.tables.values() if t.domain)
    if domains:
        found["domain"] = domains.most_common(1)[0][0]
    if vocab.areas:
        found["area"] = sorted(vocab.areas.values())[0]
    modelled = Counter(t.type for t in vocab.tables.values() if t.type in ("FACT", "DIMENSION"))
    if modelled:
        found["type"] = modelled.most_common(1)[0][0]
    return found
