"""Question shapes read once no table-specific cue decides: columns by name or kind of value, a join to a
role, the tables an intent names (`it`, ambiguity), a table name the catalog lacks, and the fallback for a
question no grammar reads."""

from __future__ import annotations

from itertools import pairwise

from ..catalog.words import singular
from . import column_cues as cc
from . import cues as c
from . import grammar as g
from . import value_kinds
from .intent_model import Context, Intent, IntentKind
from .phrases import column_phrase, column_slots, phrase_of
from .reading import Mention, Reading
from .vocabulary import EXACT, Vocabulary

_NEEDS: dict[IntentKind, int] = {"join": 2, "compare": 2}
_NAME_NOUNS = frozenset(("name", "names", "whose", "column", "field"))
_MANY: frozenset[IntentKind] = frozenset({"describe", "owner", "relationships"})
"""Kinds answered for several tables at once (`who owns them?` after a listing)."""


def fallback(reading: Reading, low: str) -> Intent:
    """A question no grammar reads: an explicit describe of an unknown name asks the tool (which suggests
    names); a column word of the catalog finds those columns; content words are searched for."""
    phrase = phrase_of(reading)
    if not phrase:
        return Intent("help")
    if c.EXPLICIT_DESCRIBE.search(low) and len(phrase.split()) <= 2:
        return Intent("describe", tables=(phrase.replace(" ", "_"),))
    column = next((m for m in reading.mentions if m.column), None)
    if column is not None:
        return Intent("find_columns", phrase=column.text)
    if c.WHAT_IS.search(low) or any(m.term or m.domain or m.area or m.person for m in reading.mentions):
        return Intent("help", phrase=phrase)
    words = [t for t in reading.tokens if not t.punct]
    bare = all(not t.filler for t in words)
    if len(phrase.split()) <= 4 and (c.ASKING.search(low) or bare):
        return Intent("search", phrase=phrase)
    return Intent("help", phrase=phrase)


def join_to_role(reading: Reading, tables: list[Mention], context: Context, vocab: Vocabulary) -> Intent:
    """A join from a table to a role ("the customer who placed them"): the table that role's foreign key
    points at, or a question back; never the table of an earlier question."""
    table = tables[0].table or ""
    mentioned = tables[0].start
    words = [(i, t) for i, t in enumerate(reading.tokens) if i not in range(tables[0].start, tables[0].end)]
    for i, token in words:
        if (
            token.filler
            or token.punct
            or token.low in g.CUES
            or token.low in g.PHRASE_CUES
            or len(token.low) < 3
        ):
            continue
        found = vocab.role(token.low)
        if found is None or found[0] == table:
            continue
        via = f" ({found[1]})" if found[1] else ""
        note = f"I took “{token.text}” to mean `{found[0]}`{via}."
        ends = (found[0], table) if i < mentioned else (table, found[0])
        return Intent("join", tables=ends, notes=(note,))
    strict = any(t.low in ("it", "its", "this", "that") and not t.quoted for t in reading.tokens)
    return with_tables("join", tables, strict, context if strict else Context(), vocab)


def kind_compound(reading: Reading, mention: Mention) -> bool:
    """A loose table match that ends a kind of value's compound ("email addresses", "phone numbers"):
    the words name a kind of column, not the table."""
    if mention.tables[0][0] == EXACT or mention.start == 0 or mention.end - mention.start > 1:
        return False
    before = reading.tokens[mention.start - 1].low
    if before in value_kinds.NOT_ALONE:
        return False
    return before in value_kinds.VALUE_WORDS or before in value_kinds.VALUE_KINDS


def value_words_only(mention: Mention) -> bool:
    """A loose table match made only of kind-of-value words ("dates", "email addresses"): in a question
    about where data is kept, it names the kind of value, not the table."""
    if mention.tables[0][0] == EXACT or mention.mended:
        return False
    words = mention.text.lower().split()
    valued = [w for w in words if w in value_kinds.VALUE_WORDS or w in value_kinds.VALUE_KINDS]
    return bool(valued) and all(w in valued or w in ("number", "numbers") for w in words)


def kind_phrase(reading: Reading, tables: list[Mention]) -> str:
    covered = {i for m in tables for i in range(m.start, m.end)}
    words = [t for i, t in enumerate(reading.tokens) if i not in covered]
    return " ".join(t.low for t in words if not t.punct and t.low in value_kinds.VALUE_WORDS) or "them"


def with_tables(
    kind: IntentKind,
    tables: list[Mention],
    refers: bool,
    context: Context,
    vocab: Vocabulary | None,
    **extra: object,
) -> Intent:
    """The intent with the tables it names; `it` is the table under discussion; ambiguity asks back."""
    names: list[str] = []
    notes: list[str] = []
    plural = bool(extra.pop("plural", False))
    if refers and plural and context.listed and not tables and kind in _MANY:
        names.extend(context.listed)
    elif refers and context.table and (not tables or kind in ("join", "compare")):
        names.append(context.table)
    for mention in tables:
        if mention.ambiguous and vocab is not None:
            choices = tuple((name, _what_tells(vocab, name)) for name in mention.ambiguous)
            return Intent("clarify", asked=kind, phrase=mention.text, choices=choices)
        name = mention.table
        if name is None or name.lower() in (n.lower() for n in names):
            continue
        names.append(name)
        if vocab is not None and (mention.tables[0][0] != EXACT or mention.mended):
            others = ", ".join(f"`{o}`" for o in mention.others)
            also = f" (also close: {others})" if others else ""
            notes.append(f"I took “{mention.text}” to mean `{name}`{also}.")
    if kind == "join" and len(names) == 1 and context.table and context.table != names[0]:
        names.insert(0, context.table)
    if len(names) < _NEEDS.get(kind, 1):
        return Intent("clarify", asked=kind, tables=tuple(names))
    if kind in ("join", "compare"):
        names = names[:2]
    elif kind not in _MANY:
        names = names[:1]
    shown = 8 if kind == "owner" else 4
    return Intent(kind, tables=tuple(names[:shown]), notes=tuple(notes), **extra)  # type: ignore[arg-type]


def _what_tells(vocab: Vocabulary, name: str) -> str:
    facts = vocab.tables[name]
    parts = [facts.type.lower(), f"{facts.domain} domain" if facts.domain else ""]
    told = ", ".join(p for p in parts if p)
    return f"{told}: {facts.description}" if facts.description else told


def column_question(reading: Reading, low: str) -> Intent:
    """Columns by a name (`find_columns`) or by a kind of value ("columns that hold money amounts")."""
    phrase = column_phrase(reading)
    words = phrase.lower().split()
    name_in = cc.NAME_IN.search(low)
    if name_in and len(words) > 1:  # "columns with date in the name": the word is `date`
        words = [w for w in words if w not in _NAME_NOUNS] or words
        phrase = " ".join(words)
    kind = next((value_kinds.VALUE_WORDS[w] for w in words if w in value_kinds.VALUE_WORDS), None)
    slotted = bool(column_slots(reading.tokens))  # "a column for currency": a name, not a kind of value
    by_name = (cc.NAME_SEARCH.search(low) or name_in or cc.ONE_COLUMN.search(low) or slotted) and len(
        words
    ) == 1
    named_column = any(m.column for m in reading.mentions if m.text.lower() == phrase.lower())
    plural = any(w.endswith("s") and singular(w) != w for w in words)
    if kind is not None and not by_name and (not named_column or plural or cc.KIND_CUE.search(low)):
        return Intent("column_kind", what=kind, phrase=phrase)
    if not phrase:
        return Intent("clarify", asked="search")
    tokens = reading.tokens
    before_noun = any(  # "number columns", "the actual fields": the word names columns
        t.low == phrase and after.low in g.COLUMN_NOUNS for t, after in pairwise(tokens)
    )
    if (
        before_noun
        or cc.COLUMN_SEARCH.search(low)
        or cc.NAME_SEARCH.search(low)
        or any(m.column for m in reading.mentions)
    ):
        return Intent("find_columns", phrase=phrase)
    return Intent("search", phrase=phrase, scope="column")


def without_loose_value_words(tables: list[Mention]) -> list[Mention]:
    """A value word ("date", "amounts") that only loosely names a table, beside a table named exactly, is
    a word of the question ("what date was fact_x loaded?"), not a second table."""
    if not any(m.tables[0][0] == EXACT for m in tables):
        return tables
    return [
        m
        for m in tables
        if m.tables[0][0] == EXACT or m.end - m.start > 1 or m.text.lower() not in value_kinds.VALUE_WORDS
    ]


def unknown_table(reading: Reading) -> list[Mention]:
    """ "the page table" where the catalog has no such table: the name is still what the question is
    about, so the tool is asked and relays the names it does know."""
    tokens = reading.tokens
    covered = {i for m in reading.mentions for i in range(m.start, m.end)}
    for i in range(1, len(tokens)):
        word = tokens[i - 1]
        if tokens[i].low != "table" or i - 1 in covered or word.punct or word.filler or len(word.low) < 3:
            continue
        if word.low in g.CUES | g.NOT_TYPOS | g.PHRASE_CUES or word.low in value_kinds.VALUE_WORDS:
            continue
        if word.low in g.QUANTIFIERS or word.low.endswith("est") or not word.low.replace("_", "").isalnum():
            continue
        return [Mention(i - 1, i, word.text, tables=((EXACT, word.text),))]
    for i, token in enumerate(tokens):  # "pk for cms_treenode?": a name written as one, though unknown
        after = tokens[i + 1].low if i + 1 < len(tokens) else ""
        before = tokens[i - 1].low if i else ""
        named_like = "_" in token.text.strip("_") and token.text.replace("_", "").isalnum()
        if (
            named_like
            and i not in covered
            and after not in g.COLUMN_NOUNS
            and before not in ("a", "an", "any")
        ):
            return [Mention(i, i + 1, token.text, tables=((EXACT, token.text),))]
    return []
