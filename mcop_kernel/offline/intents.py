"""Reading a data steward's question: what kind of catalog question it is (its grammar), and what it names."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from ..catalog.models import LineageDirection, TableType
from . import grammar as g
from . import value_kinds
from .reading import Mention, Reading, column_phrase, phrase_of, read, read_without_catalog, refers_back
from .vocabulary import EXACT, Vocabulary, singular

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
_NEEDS: dict[IntentKind, int] = {"join": 2, "compare": 2}


@dataclass(frozen=True)
class Context:
    """What earlier turns settled: the table last talked about, the last kind of question, and where
    the last table listing stopped (`next_offset` is None when it was complete)."""

    table: str | None = None
    kind: IntentKind | None = None
    next_offset: int | None = None
    table_type: TableType | None = None
    domain: str | None = None
    area: str | None = None


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


def parse_question(question: str, context: Context | None = None, vocab: Vocabulary | None = None) -> Intent:
    """Read one question against the catalog's vocabulary (or, without one, its words), resolving `it`,
    `its` and `this table` against `context`."""
    context = context or Context()
    reading = read(question, vocab) if vocab is not None else read_without_catalog(question)
    intent = _classify(reading, context, vocab)
    greeting = _greeting(reading.masked())
    if intent.kind == "help" and greeting and not intent.greeting:
        intent = replace(intent, greeting=greeting, phrase="")
    examples = tuple(sorted(vocab.examples.items())) if vocab is not None else ()
    return replace(intent, examples=examples)


def _greeting(low: str) -> str:
    return "Hello!" if g.GREETING.search(low) else "You're welcome!" if g.THANKS.search(low) else ""


def _classify(reading: Reading, context: Context, vocab: Vocabulary | None) -> Intent:
    low = reading.masked()
    rest = g.POLITE.sub(" ", low).strip(" !?,.")
    if not rest and _greeting(low):
        return Intent("help", greeting=_greeting(low))
    low = rest or low
    tables = [m for m in reading.mentions if m.tables and not _kind_compound(reading, m)]
    refers = refers_back(reading)
    table_type = next((g.TYPE_WORDS[t.low] for t in reading.words_outside() if t.low in g.TYPE_WORDS), None)
    term = next((m.term if m.mended else m.text for m in reading.mentions if m.term), "")
    person = next((m.person for m in reading.mentions if m.person and not m.tables), "")
    domain = next((m.domain for m in reading.mentions if m.domain and not m.tables), None)
    area = next((m.area for m in reading.mentions if m.area and not m.tables and not m.domain), None)
    named = bool(tables) or (refers and context.table is not None)

    def table_intent(kind: IntentKind, **extra: object) -> Intent:
        return _with_tables(kind, tables, refers, context, vocab, **extra)

    if g.HELP.search(low) and not tables:
        return Intent("help")
    if context.kind == "list" and context.next_offset is not None and g.MORE.search(low) and not tables:
        return Intent(
            "list",
            table_type=table_type or context.table_type,
            domain=domain or context.domain,
            area=area or context.area,
            offset=context.next_offset,
        )
    done = context.kind == "list" and context.next_offset is None
    if done and g.MORE.search(low) and not tables and len(low.split()) <= 4:
        return Intent("complete")
    if g.AREAS_RANKED.search(low) and not tables and not g.WIDEST.search(low):
        return Intent("count", what="areas")
    if g.WIDEST.search(low) and not tables:
        return Intent("widest", what="" if g.WIDEST_ONLY.search(low) else "biggest")
    if g.SUMMARY.search(low) and not tables and not (domain or area):
        return Intent("count", what="overview")
    any_area = next((m.area for m in reading.mentions if m.area), None)
    if any_area and g.AREA_QUESTION.search(low) and not g.ABOUT_TABLES.search(low):
        if g.COUNT.search(low):
            return Intent("count", area=any_area)
        return Intent("list", table_type=table_type, area=any_area)
    if g.COUNT.search(low) and g.COLUMNS.search(low) and tables:
        return table_intent("describe")
    if g.COUNT.search(low) and not tables:
        what = "columns" if g.COLUMNS.search(low) else "foreign_keys" if g.REFERENCES.search(low) else ""
        return Intent(
            "count",
            table_type=table_type,
            domain=domain,
            area=area,
            what=what,
            order="list" if g.THEN_LIST.search(low) else "",
        )
    if g.GLOSSARY.search(low) and not term:
        return Intent("glossary")
    if g.PEOPLE.search(low) and not named and not person:
        return Intent("people")
    lack = g.LACK.search(low)
    if lack and not tables:
        after = low[lack.start() :]
        lacked = next((w for w, pattern in g.LACK_WHAT if pattern.search(after)), None)
        if lacked is not None:
            return Intent("lacking", what=lacked)
    if g.COVERAGE.search(low):
        return Intent("coverage")
    rel_kind = next((kind for kind, pattern in g.REL_KINDS if pattern.search(low)), None)
    if rel_kind is not None:
        if named:
            return table_intent("rel_kind", what=rel_kind)
        return Intent("rel_kind", what=rel_kind)
    if g.LARGEST.search(low) and not tables:
        if table_type or domain or area:
            return Intent("list", table_type=table_type, domain=domain, area=area, order="rows")
        return Intent("largest")
    if g.IMPACT.search(low) and named:
        return table_intent("impact")
    if g.COMPARE.search(low) and len(tables) + int(refers) >= 2:
        return table_intent("compare")
    if g.CERTIFIED_LIST.search(low) and not named and g.TABLES_ASKED.search(low):
        return Intent("list", table_type=table_type, certified=not g.UNCERTIFIED.search(low))
    if g.CLASSIFIED.search(low):
        if named:
            return table_intent("status", what="classification")
        label = next(
            (w for w in ("pii", "confidential", "personal", "sensitive", "restricted") if w in low), ""
        )
        return Intent("classified", phrase=label)
    if g.STATUS.search(low) and named:
        return table_intent("status")
    if person and not tables:
        return Intent("person", person=person)
    if g.JOIN.search(low) and len(tables) == 1 and vocab is not None and g.BOTH_ENDS.search(low):
        return _join_to_role(reading, tables, context, vocab)
    if g.OWNER.search(low) and (named or refers):
        return table_intent("owner")
    if g.JOIN.search(low) and (named or refers):
        return table_intent("join")
    if g.LINEAGE.search(low) and (named or refers):
        up, down = bool(g.UPSTREAM.search(low)), bool(g.DOWNSTREAM.search(low))
        direction: LineageDirection = (
            "upstream" if up and not down else "downstream" if down and not up else "both"
        )
        return table_intent("lineage", direction=direction)
    if g.KEYS.search(low) and named and not g.REFERENCES.search(low.replace("primary key", "")):
        return table_intent("keys")
    if g.REFERENCES.search(low) and (named or refers):
        inward = bool(g.REFERENCED_BY.search(low)) and not g.PARENTS.search(low)
        outward = bool(g.PARENTS.search(low)) or "x" in low.split()[:3]
        return table_intent("references", what="in" if inward else "out" if outward else "both")
    if g.NEIGHBOURHOOD.search(low) and (named or refers):
        return table_intent("relationships", what="neighbourhood")
    if g.RELATIONSHIPS.search(low) and (named or refers):
        return table_intent("relationships")
    valued = [m for m in tables if m.tables[0][0] != EXACT and m.text.lower() in value_kinds.VALUE_WORDS]
    if valued and len(valued) < len(tables):
        tables = [m for m in tables if m not in valued]
    in_tables = {i for m in tables for i in range(m.start, m.end)}
    kind = value_kinds.kind_asked(t.low for i, t in enumerate(reading.tokens) if i not in in_tables)
    if kind and tables and (g.COLUMNS.search(low) or g.SEARCH.search(low) or g.KIND_ASKED.search(low)):
        return table_intent("column_kind", what=kind, phrase=_kind_phrase(reading, tables))
    column = next((m for m in reading.mentions if m.column and not m.tables), None)
    if (
        column is not None
        and tables
        and (g.STORED.search(low) or g.WHERE.search(low) or g.COLUMNS.search(low))
    ):
        return table_intent("column_kind", phrase=column.text)
    column_first = g.COLUMN_OF_TABLES.search(low) or g.COLUMN_FIRST.search(low)
    asked_columns = g.COLUMNS.search(low) or g.VALUES.search(low) or g.STORED.search(low)
    if column_first or (asked_columns and not named) or (kind and not named and g.KIND_ASKED.search(low)):
        return _column_question(reading, low)
    if g.FOLLOW_UP.search(low) and tables:
        return table_intent(context.kind if context.kind in TABLE_KINDS else "describe")
    if g.TERM.search(low) and (term or not tables or vocab is None):
        phrase = term or phrase_of(reading)
        return Intent("term", phrase=phrase) if phrase else Intent("clarify", asked="term")
    if (
        g.WHAT_IS.search(low)
        and term
        and (not tables or tables[0].tables[0][0] != EXACT)
        and " a " in f" {low} "
    ):
        return Intent("term", phrase=term)
    if g.SEARCH.search(low) and not (
        named and g.DESCRIBE.search(low) and not g.SEARCH.search(low.replace("about", ""))
    ):
        if (domain or area) and g.SCOPE_TABLE.search(low):
            return Intent("list", table_type=table_type, domain=domain, area=area)
        phrase = phrase_of(reading)
        if not phrase:
            return Intent("clarify", asked="search")
        scope: SearchScope | None = "table" if g.SCOPE_TABLE.search(low) else None
        return Intent("search", phrase=phrase, scope=scope)
    if (domain or area) and not tables:
        return Intent("list", table_type=table_type, domain=domain, area=area)
    if g.LIST.search(low) and not tables:
        return Intent("list", table_type=table_type)
    if table_type is not None and not tables:
        return Intent("list", table_type=table_type)
    if named:
        return table_intent("describe")
    if term:
        return Intent("term", phrase=term)
    if g.WHAT_IS.search(low) and (words := phrase_of(reading)):
        return Intent("term", phrase=words)
    if refers:
        return Intent("clarify", asked=_asked(low))
    return _fallback(reading, low)


def _fallback(reading: Reading, low: str) -> Intent:
    """A question no grammar reads: an explicit describe of an unknown name asks the tool (which suggests
    names); a column word of the catalog finds those columns; content words are searched for."""
    phrase = phrase_of(reading)
    if not phrase:
        return Intent("help")
    if g.EXPLICIT_DESCRIBE.search(low) and len(phrase.split()) <= 2:
        return Intent("describe", tables=(phrase.replace(" ", "_"),))
    column = next((m for m in reading.mentions if m.column), None)
    if column is not None:
        return Intent("find_columns", phrase=column.text)
    if g.WHAT_IS.search(low) or any(m.term or m.domain or m.area or m.person for m in reading.mentions):
        return Intent("help", phrase=phrase)
    words = [t for t in reading.tokens if not t.punct]
    bare = all(not t.filler for t in words)
    if len(phrase.split()) <= 4 and (g.ASKING.search(low) or bare):
        return Intent("search", phrase=phrase)
    return Intent("help", phrase=phrase)


def _join_to_role(reading: Reading, tables: list[Mention], context: Context, vocab: Vocabulary) -> Intent:
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
        via = f" (the table foreign keys such as `{found[1]}` point at)" if found[1] else ""
        note = f"I took “{token.text}” to mean `{found[0]}`{via}."
        ends = (found[0], table) if i < mentioned else (table, found[0])
        return Intent("join", tables=ends, notes=(note,))
    strict = any(t.low in ("it", "its", "this", "that") and not t.quoted for t in reading.tokens)
    return _with_tables("join", tables, strict, context if strict else Context(), vocab)


def _kind_compound(reading: Reading, mention: Mention) -> bool:
    """A loose table match that ends a kind of value's compound ("email addresses", "phone numbers"):
    the words name a kind of column, not the table."""
    if mention.tables[0][0] == EXACT or mention.start == 0 or mention.end - mention.start > 1:
        return False
    before = reading.tokens[mention.start - 1].low
    return before in value_kinds.VALUE_WORDS or before in value_kinds.VALUE_KINDS


def _kind_phrase(reading: Reading, tables: list[Mention]) -> str:
    covered = {i for m in tables for i in range(m.start, m.end)}
    words = [t for i, t in enumerate(reading.tokens) if i not in covered]
    return " ".join(t.low for t in words if not t.punct and t.low in value_kinds.VALUE_WORDS) or "them"


def _asked(low: str) -> IntentKind:
    for kind, pattern in (("owner", g.OWNER), ("lineage", g.LINEAGE), ("relationships", g.RELATIONSHIPS)):
        if pattern.search(low):
            return kind  # type: ignore[return-value]
    return "describe"


def _with_tables(
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
    if refers and context.table and (not tables or kind in ("join", "compare")):
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
    elif kind not in ("describe", "owner", "relationships"):
        names = names[:1]
    return Intent(kind, tables=tuple(names[:4]), notes=tuple(notes), **extra)  # type: ignore[arg-type]


def _what_tells(vocab: Vocabulary, name: str) -> str:
    facts = vocab.tables[name]
    parts = [facts.type.lower(), f"{facts.domain} domain" if facts.domain else ""]
    told = ", ".join(p for p in parts if p)
    return f"{told}: {facts.description}" if facts.description else told


def _column_question(reading: Reading, low: str) -> Intent:
    """Columns by a name (`find_columns`) or by a kind of value ("columns that hold money amounts")."""
    phrase = column_phrase(reading)
    words = phrase.lower().split()
    kind = next((value_kinds.VALUE_WORDS[w] for w in words if w in value_kinds.VALUE_WORDS), None)
    by_name = g.NAME_SEARCH.search(low) and len(words) == 1
    named_column = any(m.column for m in reading.mentions if m.text.lower() == phrase.lower())
    plural = any(w in value_kinds.VALUE_WORDS and w.endswith("s") and singular(w) != w for w in words)
    if kind is not None and not by_name and (not named_column or plural or g.KIND_CUE.search(low)):
        return Intent("column_kind", what=kind, phrase=phrase)
    if not phrase:
        return Intent("clarify", asked="search")
    if g.COLUMN_SEARCH.search(low) or g.NAME_SEARCH.search(low) or any(m.column for m in reading.mentions):
        return Intent("find_columns", phrase=phrase)
    return Intent("search", phrase=phrase, scope="column")
