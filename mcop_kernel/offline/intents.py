"""Reading a data steward's question: what kind of catalog question it is (its grammar), and what it names."""

from __future__ import annotations

from dataclasses import replace

from ..catalog.models import LineageDirection
from . import column_cues as cc
from . import cues as c
from . import grammar as g
from . import value_kinds
from .bare_reading import read_without_catalog
from .framing import Frame, frame
from .intent_model import TABLE_KINDS, Context, Intent, IntentKind, SearchScope
from .phrases import phrase_of, refers_back
from .reading import Reading, read
from .shapes import (
    column_question,
    fallback,
    join_to_role,
    kind_compound,
    kind_phrase,
    unknown_table,
    value_words_only,
    with_tables,
    without_loose_value_words,
)
from .subsets import counted_subset, follows_up, lacked_of, lacking, named_column_word, share_of
from .vocabulary import EXACT, Vocabulary

__all__ = ["TABLE_KINDS", "Context", "Intent", "IntentKind", "SearchScope", "parse_question"]


def parse_question(question: str, context: Context | None = None, vocab: Vocabulary | None = None) -> Intent:
    """Read one question against the catalog's vocabulary (or, without one, its words), resolving `it`,
    `its` and `this table` against `context`."""
    context = context or Context()
    reading = read(question, vocab) if vocab is not None else read_without_catalog(question)
    framed = frame(reading)
    intent = _classify(framed.reading, context, vocab, framed.frame)
    greeting = _greeting(reading.masked())
    if intent.kind == "help" and greeting and not intent.greeting:
        intent = replace(intent, greeting=greeting, phrase="")
    examples = tuple(sorted(vocab.examples.items())) if vocab is not None else ()
    return replace(intent, examples=examples)


def _greeting(low: str) -> str:
    return "Hello!" if c.GREETING.search(low) else "You're welcome!" if c.THANKS.search(low) else ""


def _classify(reading: Reading, context: Context, vocab: Vocabulary | None, framing: Frame = "") -> Intent:
    low = reading.masked()
    rest = c.OPENER.sub("", c.POLITE.sub(" ", low).strip(" !?,.")).strip(" !?,.")
    if not rest and _greeting(low):
        return Intent("help", greeting=_greeting(low))
    low = " ".join(c.ASIDE.sub(" ", rest or low).split())
    stored = bool(cc.STORED.search(low) or cc.COLUMNS.search(low))
    tables = [
        m
        for m in reading.mentions
        if m.tables
        and not kind_compound(reading, m)
        and not (stored and value_words_only(m))
        and not named_column_word(reading, m)
    ]
    if not (c.JOIN.search(low) or c.COMPARE.search(low) or c.RELATIONSHIPS.search(low)):
        tables = without_loose_value_words(tables)
    if not tables and vocab is not None:
        tables = unknown_table(reading)
    refers = refers_back(reading) or (not tables and follows_up(reading, low, context))
    table_type = next((g.TYPE_WORDS[t.low] for t in reading.words_outside() if t.low in g.TYPE_WORDS), None)
    term = next((m.term if m.mended else m.text for m in reading.mentions if m.term), "")
    person = next((m.person for m in reading.mentions if m.person and not m.tables), "")
    domain = next((m.domain for m in reading.mentions if m.domain and not m.tables), None)
    area = next((m.area for m in reading.mentions if m.area and not m.tables and not m.domain), None)
    plural = refers and any(t.low in g.PLURAL_PRONOUNS and not t.quoted for t in reading.tokens)
    named = bool(tables) or (refers and (context.table is not None or (plural and bool(context.listed))))

    def table_intent(kind: IntentKind, **extra: object) -> Intent:
        return with_tables(kind, tables, refers, context, vocab, plural=plural, **extra)

    if c.HELP.search(low) and not tables:
        return Intent("help")
    if c.SHARE.search(low) and not tables and (shared := share_of(low)) is not None:
        return shared
    if context.kind == "list" and context.next_offset is not None and c.MORE.search(low) and not tables:
        return Intent(
            "list",
            table_type=table_type or context.table_type,
            domain=domain or context.domain,
            area=area or context.area,
            offset=context.next_offset,
        )
    done = context.kind == "list" and context.next_offset is None
    if done and c.MORE.search(low) and not tables and len(low.split()) <= 4:
        return Intent("complete")
    if c.AREAS_RANKED.search(low) and not tables and not c.WIDEST.search(low):
        return Intent("count", what="areas")
    if c.WIDEST.search(low) and not tables:
        if area or domain:
            return Intent("widest", area=area, domain=domain)
        return Intent("widest", what="" if c.WIDEST_ONLY.search(low) else "biggest")
    if c.GLOSSARY.search(low) and not term and not tables:
        return Intent("glossary")
    if c.SUMMARY.search(low) and not tables and not (domain or area):
        return Intent("count", what="overview")
    any_area = next((m.area for m in reading.mentions if m.area), None)
    if any_area and c.AREA_QUESTION.search(low) and not c.ABOUT_TABLES.search(low):
        if c.COUNT.search(low):
            return Intent("count", area=any_area)
        return Intent("list", table_type=table_type, area=any_area)
    follow = context.table is not None and not tables and (refers or low.startswith(g.FOLLOW_OPENERS))
    bare = follow and all(t.punct or t.low in g.FILLER or t.low in g.KEY_WORDS for t in reading.tokens)
    bare = bare and not any(t.low in g.WHOLE_WORDS for t in reading.tokens)  # "in the whole catalog"
    own_keys = (c.REFERENCES.search(low) and not c.PARENTS_OF.search(low)) or bare
    if bare and c.COUNT.search(low) and not refers:  # "and how many fks?" after a turn about a table
        return with_tables("references", tables, True, context, vocab, plural=plural, what="count")
    if (
        c.COUNT.search(low)
        and named
        and own_keys
        and not (cc.COLUMNS.search(low) or c.REFERENCED_BY.search(low))
    ):
        return table_intent("references", what="count")  # "how many fks has it got?": its own keys
    if c.COUNT.search(low) and cc.COLUMNS.search(low) and named:
        return table_intent("describe")
    if c.LARGEST.search(low) and not tables and not c.COUNT.search(c.LARGEST.sub(" ", low)):
        if table_type or domain or area:
            return Intent("list", table_type=table_type, domain=domain, area=area, order="rows")
        return Intent("largest")
    if c.COUNT.search(low) and not tables and (subset := counted_subset(low)) is not None:
        return subset
    if c.COUNT.search(low) and not tables:
        what = "columns" if cc.COLUMNS.search(low) else "foreign_keys" if c.REFERENCES.search(low) else ""
        return Intent(
            "count",
            table_type=table_type,
            domain=domain,
            area=area,
            what=what,
            order="list" if c.THEN_LIST.search(low) else "",
        )
    if c.GLOSSARY.search(low) and not term:
        return Intent("glossary")
    if c.PEOPLE.search(low) and not named and not person:
        return Intent("people")
    if not tables and (lacked := lacked_of(low)) is not None:
        return lacking(lacked, low)
    if c.COVERAGE.search(low):
        return Intent("coverage")
    rel_kind = next((kind for kind, pattern in c.REL_KINDS if pattern.search(low)), None)
    if rel_kind is not None:
        if named:
            return table_intent("rel_kind", what=rel_kind)
        return Intent("rel_kind", what=rel_kind)
    if c.LARGEST.search(low) and not tables:
        if table_type or domain or area:
            return Intent("list", table_type=table_type, domain=domain, area=area, order="rows")
        return Intent("largest")
    if c.IMPACT.search(low) and named:
        return table_intent("impact")
    if c.COMPARE.search(low) and len(tables) + int(refers) >= 2:
        return table_intent("compare")
    if c.CERTIFIED_LIST.search(low) and not named and c.TABLES_ASKED.search(low):
        return Intent("list", table_type=table_type, certified=not c.UNCERTIFIED.search(low))
    if (classified := c.CLASSIFIED.search(low)) and not _names_a_column(low, classified.start()):
        if named:
            return table_intent("status", what="classification")
        label = next(
            (w for w in ("pii", "confidential", "personal", "sensitive", "restricted") if w in low), ""
        )
        return Intent("classified", phrase=label)
    if c.FRESHNESS.search(low) and named and not c.ROW_IDENTITY.search(low):
        return table_intent("status", what="freshness")
    if c.STATUS.search(low) and named and not c.ROW_IDENTITY.search(low):
        return table_intent("status")
    if person and not tables:
        return Intent("person", person=person)
    if c.JOIN.search(low) and len(tables) == 1 and vocab is not None and c.BOTH_ENDS.search(low):
        return join_to_role(reading, tables, context, vocab)
    if c.OWNER.search(low) and term and not named:
        return Intent("term", phrase=term)
    if c.OWNER.search(low) and (named or refers):
        return table_intent("owner")
    if c.JOIN.search(low) and (named or refers):
        return table_intent("join")
    if c.LINEAGE.search(low) and (named or refers):
        up, down = bool(c.UPSTREAM.search(low)), bool(c.DOWNSTREAM.search(low))
        direction: LineageDirection = (
            "upstream" if up and not down else "downstream" if down and not up else "both"
        )
        return table_intent("lineage", direction=direction)
    if c.KEYS.search(low) and named and not c.REFERENCES.search(low.replace("primary key", "")):
        return table_intent("keys")
    if c.REFERENCES.search(low) and (named or refers):
        inward = bool(c.REFERENCED_BY.search(low)) and not c.PARENTS.search(low)
        outward = not inward and (bool(c.PARENTS.search(low)) or "x" in low.split()[:3])
        return table_intent("references", what="in" if inward else "out" if outward else "both")
    if c.NEIGHBOURHOOD.search(low) and (named or refers):
        return table_intent("relationships", what="neighbourhood")
    if c.RELATIONSHIPS.search(low) and (named or refers):
        return table_intent("relationships")
    if framing == "topic" and not value_kinds.kind_asked(t.low for t in reading.tokens):
        phrase = phrase_of(reading)
        if phrase:
            return Intent("search", phrase=phrase, scope="table")
    valued = [m for m in tables if m.tables[0][0] != EXACT and m.text.lower() in value_kinds.VALUE_WORDS]
    if valued and len(valued) < len(tables):
        tables = [m for m in tables if m not in valued]
    in_tables = {i for m in tables for i in range(m.start, m.end)}
    kind = value_kinds.kind_asked(t.low for i, t in enumerate(reading.tokens) if i not in in_tables)
    if (
        kind
        and (tables or (refers and context.table))
        and (cc.COLUMNS.search(low) or cc.KIND_ASKED.search(low) or c.SEARCH.search(low))
    ):
        return table_intent("column_kind", what=kind, phrase=kind_phrase(reading, tables))
    columns = [m for m in reading.mentions if m.column and not m.tables]
    column = next((m for m in columns if m.text.lower() != "data"), None)  # "X data": about X
    if (
        column is not None
        and tables
        and (cc.STORED.search(low) or c.WHERE.search(low) or cc.COLUMNS.search(low))
    ):
        return table_intent("column_kind", phrase=column.text)
    if cc.VALUES.search(low) and tables and not refers and all(m.tables[0][0] != EXACT for m in tables):
        return column_question(reading, low)  # "where do we keep uploaded values?": a column, loosely a table
    if term and cc.TERM_COLUMNS.search(low):
        return Intent("term", phrase=term, what="columns")
    column_first = cc.COLUMN_OF_TABLES.search(low) or cc.COLUMN_FIRST.search(low)
    asked_columns = cc.COLUMNS.search(low) or cc.VALUES.search(low) or cc.STORED.search(low)
    if column_first or (asked_columns and not named) or (kind and not named and cc.KIND_ASKED.search(low)):
        return column_question(reading, low)
    if c.FOLLOW_UP.search(low) and tables:
        again: IntentKind = context.kind if context.kind in TABLE_KINDS else "describe"
        if again in ("join", "compare") and all(m.table == context.table for m in tables):
            again = "describe"  # "what about runs?" after a join that ended at runs: runs itself
        return table_intent(again)
    if c.TERM.search(low) and (term or not tables or vocab is None):
        phrase = term or phrase_of(reading)
        return Intent("term", phrase=phrase) if phrase else Intent("clarify", asked="term")
    if (
        c.WHAT_IS.search(low)
        and term
        and (not tables or tables[0].tables[0][0] != EXACT)
        and " a " in f" {low} "
    ):
        return Intent("term", phrase=term)
    if c.SEARCH.search(low) and not (
        named and c.DESCRIBE.search(low) and not c.SEARCH.search(low.replace("about", ""))
    ):
        if (domain or area) and c.SCOPE_TABLE.search(low):
            return Intent("list", table_type=table_type, domain=domain, area=area)
        phrase = phrase_of(reading)
        if not phrase:
            return Intent("clarify", asked="search")
        scope: SearchScope | None = "table" if c.SCOPE_TABLE.search(low) else None
        return Intent("search", phrase=phrase, scope=scope)
    if (domain or area) and not tables:
        return Intent("list", table_type=table_type, domain=domain, area=area)
    if c.LIST.search(low) and not tables:
        return Intent("list", table_type=table_type)
    if table_type is not None and not tables:
        return Intent("list", table_type=table_type)
    if named:
        return table_intent("describe")
    if framing == "describe" and (words := phrase_of(reading)) and len(words.split()) <= 2:
        return Intent("describe", tables=(words.replace(" ", "_"),))
    if term:
        return Intent("term", phrase=term)
    if c.WHAT_IS.search(low) and (words := phrase_of(reading)):
        return Intent("term", phrase=words)
    if refers:
        return Intent("clarify", asked=_asked(low))
    return fallback(reading, low)


def _asked(low: str) -> IntentKind:
    for kind, pattern in (("owner", c.OWNER), ("lineage", c.LINEAGE), ("relationships", c.RELATIONSHIPS)):
        if pattern.search(low):
            return kind  # type: ignore[return-value]
    return "describe"


def _names_a_column(low: str, at: int) -> bool:
    """Whether the word at `at` names one column ("a secret column"), not a classification asked for."""
    one = cc.ONE_COLUMN.search(low)
    return one is not None and one.start() <= at < one.end()
