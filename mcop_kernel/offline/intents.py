"""Reading a data steward's question: which kind of catalog question it is, and what it names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..catalog.models import LineageDirection, TableType
from . import vocabulary as vocab

IntentKind = Literal[
    "list", "describe", "search", "relationships", "join", "lineage", "owner", "term", "help", "clarify"
]

SearchScope = Literal["table", "column", "term"]


@dataclass(frozen=True)
class Context:
    """What earlier turns settled: the table last talked about, the last kind of question, and where
    the last table listing stopped (`next_offset` is None when it was complete)."""

    table: str | None = None
    kind: IntentKind | None = None
    next_offset: int | None = None
    table_type: TableType | None = None
    domain: str | None = None


@dataclass(frozen=True)
class Intent:
    """One question, read: its kind and what it names. `phrase` is a search query or glossary term (or,
    for `help`, the words it did not understand); `scope` narrows a search to tables or columns;
    `asked` is the kind a `clarify` intent could not complete for want of a table; `greeting` opens
    a `help` answer."""

    kind: IntentKind
    tables: tuple[str, ...] = ()
    phrase: str = ""
    table_type: TableType | None = None
    domain: str | None = None
    direction: LineageDirection = "both"
    offset: int = 0
    asked: IntentKind | None = None
    greeting: str = ""
    scope: SearchScope | None = None


_TOKEN = re.compile(
    r"""“([^”]+)”|"([^"]+)"|`([^`]+)`|(?<![\w'])'([^']+)'(?![\w'])|(\w[\w\-./']*)|([,;:?!()&])"""
)
_TABLE_KINDS: frozenset[IntentKind] = frozenset({"describe", "relationships", "join", "lineage", "owner"})


@dataclass(frozen=True)
class _Token:
    text: str
    quoted: bool = False
    punct: bool = False

    @property
    def low(self) -> str:
        return self.text.lower()


def _tokens(question: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(question):
        quoted = next((g for g in match.groups()[:4] if g and g.strip()), None)
        if quoted is not None:
            tokens.append(_Token(quoted.strip(), quoted=True))
        elif match.group(5):
            word = re.sub(r"'s?$", "", match.group(5).rstrip(".-/'"))
            if word:
                tokens.append(_Token(word))
        else:
            tokens.append(_Token(match.group(6), punct=True))
    return tokens


def _is_content(tokens: list[_Token], i: int, fillers: frozenset[str]) -> bool:
    token = tokens[i]
    return token.quoted or (not token.punct and token.low not in fillers)


def _is_reference(tokens: list[_Token], i: int) -> bool:
    """`it`, `its`, or `this`/`that` standing for a table (`this table`, `that one`, `who owns that?`)."""
    token = tokens[i]
    if token.quoted:
        return False
    if token.low in vocab.PRONOUNS:
        return True
    if token.low in vocab.DEMONSTRATIVES:
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        return after is None or after.punct or after.low in {"table", "one"}
    return False


def _runs(tokens: list[_Token], fillers: frozenset[str]) -> list[list[str | None]]:
    """Maximal runs of content words, grouped: runs separated only by `and`, commas or articles share a
    group. `None` stands for a reference to the table under discussion."""
    groups: list[list[str | None]] = []
    run: list[str] = []
    grouped = False

    def flush() -> None:
        nonlocal run
        if run:
            add(" ".join(run))
            run = []

    def add(item: str | None) -> None:
        nonlocal grouped
        if grouped and groups:
            groups[-1].append(item)
        else:
            groups.append([item])
        grouped = True

    for i, token in enumerate(tokens):
        if _is_content(tokens, i, fillers) and not _is_reference(tokens, i):
            run.append(token.text)
            continue
        glue = token.low == "of" and run and i + 1 < len(tokens) and _is_content(tokens, i + 1, fillers)
        if glue:
            run.append(token.text)
            continue
        flush()
        if _is_reference(tokens, i):
            add(None)
        elif token.low not in vocab.GROUPING:
            grouped = False
    flush()
    return groups


def _phrase(tokens: list[_Token]) -> str:
    """The words between the first and the last content word (a search query or a glossary term)."""
    quoted = [t.text for t in tokens if t.quoted]
    if quoted:
        return quoted[0]
    content = [i for i in range(len(tokens)) if _is_content(tokens, i, vocab.PHRASE_FILLERS)]
    if not content:
        return ""
    words = [t.text for t in tokens[content[0] : content[-1] + 1] if not t.punct or t.text == "&"]
    return " ".join(words)


def _table_like(low: str, tokens: list[_Token]) -> bool:
    return bool(re.search(r"\btable\b", low)) or any("_" in t.text for t in tokens)


def _kind(low: str) -> IntentKind | None:
    return next((kind for kind, pattern in vocab.KINDS if pattern.search(low)), None)


def parse_question(question: str, context: Context | None = None) -> Intent:
    """Read one question, resolving `it`, `its` and `this table` against `context`."""
    context = context or Context()
    text = " ".join(question.replace("’", "'").split())
    low = text.lower()
    tokens = _tokens(text)
    kind = _kind(low)
    if kind is None and context.kind == "list" and vocab.MORE.search(low):
        kind = "list"
    if kind is None and context.kind in _TABLE_KINDS and vocab.FOLLOW_UP.search(low):
        kind = context.kind
    if kind is None and vocab.WHAT_IS.search(low):
        kind = "describe" if _table_like(low, tokens) else "term"
    if kind is None and _table_like(low, tokens) and _runs(tokens, vocab.TABLE_FILLERS):
        kind = "describe"
    if kind is None:
        greeting = (
            "Hello!" if vocab.GREETING.search(low) else "You're welcome!" if vocab.THANKS.search(low) else ""
        )
        return Intent("help", phrase=_phrase(tokens), greeting=greeting)
    if kind == "list":
        return _list_intent(low, tokens, context)
    if kind in ("search", "term"):
        phrase = _phrase(tokens)
        if not phrase:
            return Intent("clarify", asked=kind)
        scope = (
            next((name for name, pattern in vocab.SCOPE if pattern.search(low)), None)
            if kind == "search"
            else None
        )
        return Intent(kind, phrase=phrase, scope=scope)
    return _table_intent(kind, low, tokens, context)


def _list_intent(low: str, tokens: list[_Token], context: Context) -> Intent:
    table_type = next((vocab.TYPE_WORDS[t.low] for t in tokens if t.low in vocab.TYPE_WORDS), None)
    runs = [item for group in _runs(tokens, vocab.LIST_FILLERS) for item in group if item is not None]
    domain = runs[0] if runs else None
    if context.kind == "list" and context.next_offset is not None and vocab.MORE.search(low):
        if table_type is None and domain is None:
            table_type, domain = context.table_type, context.domain
        return Intent("list", table_type=table_type, domain=domain, offset=context.next_offset)
    return Intent("list", table_type=table_type, domain=domain)


def _table_intent(kind: IntentKind, low: str, tokens: list[_Token], context: Context) -> Intent:
    groups = _runs(tokens, vocab.TABLE_FILLERS)
    if kind in ("relationships", "join"):
        items = [item for group in groups for item in group]
    else:
        items = groups[0] if groups else []
    if not items and context.table:
        items = [None]
    if kind == "join" and len(items) == 1 and context.table and items[0] is not None:
        items = [None, *items]
    names: list[str] = []
    for item in items:
        name = context.table if item is None else item
        if name is None:
            return Intent("clarify", asked=kind)
        if name.lower() not in (n.lower() for n in names):
            names.append(name)
    needed = 2 if kind == "join" else 1
    if len(names) < needed:
        return Intent("clarify", asked=kind, tables=tuple(names))
    if kind == "lineage":
        up, down = bool(vocab.UPSTREAM.search(low)), bool(vocab.DOWNSTREAM.search(low))
        direction: LineageDirection = (
            "upstream" if up and not down else "downstream" if down and not up else "both"
        )
        return Intent("lineage", tables=(names[0],), direction=direction)
    if kind == "join":
        return Intent("join", tables=(names[0], names[1]))
    return Intent(kind, tables=tuple(names[:4]))
