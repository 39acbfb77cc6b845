"""Finding what a question names: spans of its words that match the catalog's vocabulary, longest first."""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from ..catalog.models import TableType
from ..catalog.words import singular
from . import grammar
from .tokens import Token, tokens_of
from .vocabulary import DISPLAY, EXACT, PART, Vocabulary, split_words

MAX_SPAN = 5


@dataclass(frozen=True)
class Mention:
    """A span of the question that names something in the catalog."""

    start: int
    end: int
    text: str
    tables: tuple[tuple[int, str], ...] = ()
    term: str = ""
    person: str = ""
    domain: str = ""
    area: str = ""
    column: bool = False
    table_type: TableType | None = None
    mended: bool = False
    tied: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    """Other tables the span names nearly as well (a staging or source copy), for the reader to know."""
    """Tables named equally well (the same kind of match, the same rank) as the first, when not exactly."""

    @property
    def table(self) -> str | None:
        return self.tables[0][1] if self.tables else None

    @property
    def ambiguous(self) -> tuple[str, ...]:
        """The tables this span names equally well, when it names more than one and none exactly."""
        return self.tied if len(self.tied) > 1 else ()


@dataclass
class Reading:
    """A question's tokens and the catalog names found in it."""

    tokens: list[Token]
    mentions: list[Mention] = field(default_factory=list)

    def masked(self) -> str:
        """The question in lower case with each table mention replaced by `x` (cues are read from this)."""
        out: list[str] = []
        i = 0
        by_start = {m.start: m for m in self.mentions if m.tables}
        while i < len(self.tokens):
            mention = by_start.get(i)
            if mention is not None:
                out.append("x")
                i = mention.end
                continue
            out.append(self.tokens[i].low)
            i += 1
        return " ".join(out)

    def words_outside(self) -> list[Token]:
        covered = {i for m in self.mentions for i in range(m.start, m.end)}
        return [t for i, t in enumerate(self.tokens) if i not in covered]


def read(question: str, vocab: Vocabulary) -> Reading:
    """Tokens, then mentions: each span of up to `MAX_SPAN` words, longest and most exact first."""
    tokens = tokens_of(question, vocab)
    reading = Reading(tokens)
    covered: set[int] = set()
    for size in range(min(MAX_SPAN, len(tokens)), 1, -1):
        for start in range(len(tokens) - size + 1):
            joined = tokens[start : start + size]
            if covered & set(range(start, start + size)) or any(t.punct or t.quoted for t in joined):
                continue
            name = vocab.exact.get("_".join(t.low for t in joined))
            if name is not None:
                text = " ".join(t.text for t in joined)
                reading.mentions.append(Mention(start, start + size, text, tables=((EXACT, name),)))
                covered.update(range(start, start + size))
    for i, token in enumerate(tokens):
        if i in covered:
            continue
        name = vocab.exact.get(token.low) or vocab.exact.get(token.text.lower())
        if name is not None and not token.punct and (token.quoted or not token.filler or "_" in token.text):
            reading.mentions.append(Mention(i, i + 1, token.text, tables=((EXACT, name),)))
            covered.add(i)
        elif name is None and "_" in token.text and len(token.text) > 5:
            close = process.extractOne(token.text.lower(), vocab.names, scorer=fuzz.ratio, score_cutoff=85)
            if close is not None:
                found = vocab.exact[close[0]]
                reading.mentions.append(Mention(i, i + 1, token.text, ((EXACT, found),), mended=True))
                covered.add(i)
    for size in range(min(MAX_SPAN, len(tokens)), 0, -1):
        for start in range(len(tokens) - size + 1):
            span = range(start, start + size)
            if covered & set(span):
                continue
            mention = _match(tokens, start, start + size, vocab)
            if mention is not None:
                reading.mentions.append(mention)
                covered.update(span)
    reading.mentions.sort(key=lambda m: m.start)
    return reading


def _table_slot(tokens: list[Token], start: int, end: int) -> bool:
    """Whether the grammar puts a name at `start:end`: after an article or a preposition of naming
    ("the links", "about uses"), or before `table` ("the links table")."""
    before = tokens[start - 1].low if start else ""
    after = tokens[end].low if end < len(tokens) else ""
    return before in grammar.NAME_LEADS or after in ("table", "tables")


def _match(tokens: list[Token], start: int, end: int, vocab: Vocabulary) -> Mention | None:
    span = tokens[start:end]
    if any(t.punct for t in span) or all(t.filler for t in span):
        return None
    edged = (span[0].filler and span[0].low not in grammar.TYPE_WORDS) or (
        span[-1].filler and span[-1].low not in grammar.TYPE_WORDS
    )
    if edged and (len(span) < 2 or span[0].low in grammar.FILLER - grammar.NAME_WORDS):
        return None
    text = " ".join(t.text for t in span)
    mended = any(t.mended for t in span)
    words = [singular(w) for t in span for w in (split_words(t.low) if not t.quoted else split_words(t.text))]
    span_key = " ".join(words)
    table_type: TableType | None = None
    term = vocab.terms.get(span_key, "")
    person = vocab.people.get(span_key, "") if not span[0].filler else ""
    domain = vocab.domains.get(span_key, "")
    area = vocab.areas.get(span_key, "")
    if not area and len(span) == 1 and "_" in span[0].text:  # "django_cms" for the `djangocms` label
        squashed = span_key.replace(" ", "")
        area = vocab.areas.get(squashed, "") or vocab.areas.get(singular(squashed), "")
    column = span_key in vocab.columns
    tables = vocab.candidates(span_key)
    if not tables:
        typed = [t for t in span if t.low in grammar.TYPE_WORDS]
        if typed and (span[0] in typed or span[-1] in typed) and len(typed) < len(span):
            table_type = grammar.TYPE_WORDS[typed[0].low]
            rest = span[1:] if span[0] in typed else span[:-1]
            rest_key = " ".join(singular(w) for t in rest for w in split_words(t.low))
            tables = vocab.candidates(rest_key, table_type)
    if all(t.low in grammar.TYPE_WORDS or t.filler for t in span):
        tables = []
    if edged:
        tables = [t for t in tables if t[0] < PART]
        if not tables:
            return None
        term = person = domain = area = ""
    if tables and tables[0][0] > DISPLAY and all(t.filler or t.low in grammar.CUES for t in span):
        tables = []
    if tables and tables[0][0] > DISPLAY and len(span) == 1 and not _table_slot(tokens, start, end):
        tables = (
            [] if span[0].low in grammar.VERBS else tables
        )  # "what links to x?": a verb, not `*_filelink`
    after = tokens[end].low if end < len(tokens) else ""
    if (
        tables
        and (tables[0][0] >= PART or (after == "tables" and tables[0][0] != EXACT))
        and (domain or area)
    ):
        tables = []  # "alias tables": the tables of the `djangocms_alias` area, not its `alias` table
    if not (tables or term or person or domain or area or column):
        return None
    tied: tuple[str, ...] = ()
    if len(tables) > 1 and tables[0][0] != EXACT:
        best = (tables[0][0], vocab.tables[tables[0][1]].rank)
        tied = tuple(n for q, n in tables if (q, vocab.tables[n].rank) == best)[:5]
    others = tuple(n for q, n in tables[1:] if q < PART and n not in tied)[:4]
    return Mention(
        start,
        end,
        text,
        tuple(tables[:8]),
        term,
        person,
        domain,
        area,
        column,
        table_type,
        mended,
        tied,
        others,
    )
