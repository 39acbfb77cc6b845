"""The catalog's names for a question being typed: Tab completions (tables, `table.column`, glossary
terms, magics) and the description Shift-Tab shows for the name under the cursor."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..catalog.models import Column, GlossaryTerm, Table
from ..catalog.snapshot import CatalogSnapshot

MAX_MATCHES = 200
MAX_TERM_WORDS = 4
"""A glossary term is completed from up to this many words before the cursor ("purchase or")."""
_NAME_CHAR = re.compile(r"[\w.$#@-]")
_WORD_SPLIT = re.compile(r"[^0-9a-z]+")
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&])")

MAGICS: dict[str, str] = {
    "%model": "%model SPEC — the model that answers: offline, openai:MODEL, openai-chat:MODEL, "
    "azure:DEPLOYMENT, ollama:MODEL, or any pydantic-ai model string",
    "%catalog": "%catalog SPEC — the catalog to explore: sample, sql:URL, collibra:URL, "
    "python:MODULE:FACTORY",
    "%timeout": "%timeout SECONDS — how long an answer may take",
    "%session": "%session [ID] — show this notebook's conversation, or continue the one named ID",
    "%help": "%help — what a cell can hold",
}
SETTING_VALUES: dict[str, tuple[str, ...]] = {
    "%model": ("offline", "openai:", "openai-chat:", "azure:", "ollama:", "anthropic:"),
    "%catalog": ("sample", "sql:", "collibra:", "python:"),
}


@dataclass(frozen=True)
class Completion:
    """What Tab offers: `matches` replace `code[start:end]`; `kinds[i]` says what `matches[i]` is."""

    start: int
    end: int
    matches: list[str]
    kinds: list[str]


def md_text(text: str) -> str:
    """Catalog text for a Markdown output, shown as written: never markup, never HTML."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _words(name: str) -> list[str]:
    return [word for word in _WORD_SPLIT.split(name.lower()) if word]


class CatalogNames:
    """The names of one catalog snapshot, indexed for completion and description."""

    def __init__(self, snapshot: CatalogSnapshot):
        self.tables: dict[str, Table] = {}
        for table in snapshot.tables:
            self.tables.setdefault(table.name.lower(), table)
        self.terms: dict[str, GlossaryTerm] = {}
        self._term_names: dict[str, str] = {}
        """Each term's name and synonyms, by their lower case, as the catalog writes them."""
        for term in snapshot.terms:
            for name in (term.name, *term.synonyms):
                self.terms.setdefault(name.lower(), term)
                self._term_names.setdefault(name.lower(), name)
        self._columns = [(table, column) for table in snapshot.tables for column in table.columns]

    # ------------------------------------------------------------------ Tab

    def complete(self, code: str, cursor: int) -> Completion:
        cursor = max(0, min(cursor, len(code)))
        line_start = code.rfind("\n", 0, cursor) + 1
        line = code[line_start:cursor]
        if line.lstrip().startswith("%"):
            return self._complete_magic(line_start, line, cursor)
        start = cursor
        while start > line_start and _NAME_CHAR.match(code[start - 1]):
            start -= 1
        token = code[start:cursor]
        matches: list[tuple[str, str]] = []
        if "." in token:
            matches = self._columns_of(token)
        elif token:
            matches = self._names(token)
        phrase = self._term_phrase(code, line_start, cursor)
        if phrase is not None:  # "purchase or" completes "Purchase Order": the phrase is replaced
            start, terms = phrase
            matches = [*terms, *(m for m in matches if m not in terms)]
        unique = list(dict.fromkeys(matches))[:MAX_MATCHES]
        return Completion(start, cursor, [m for m, _ in unique], [k for _, k in unique])

    def _names(self, token: str) -> list[tuple[str, str]]:
        """Tables and terms whose name starts with `token`, then those with a word that does, then
        `table.column` for columns whose name starts with it."""
        low = token.lower()
        first: list[tuple[str, str]] = []
        later: list[tuple[str, str]] = []
        for name, table in sorted(self.tables.items()):
            if name.startswith(low):
                first.append((table.name, "table"))
            elif any(word.startswith(low) for word in _words(name)):
                later.append((table.name, "table"))
        for name, shown in sorted(self._term_names.items()):
            if name.startswith(low):
                first.append((shown, "term"))
            elif any(word.startswith(low) for word in _words(name)):
                later.append((shown, "term"))
        columns = [
            (f"{table.name}.{column.name}", "column")
            for table, column in self._columns
            if column.name.lower().startswith(low)
        ]
        return first + later + columns

    def _columns_of(self, token: str) -> list[tuple[str, str]]:
        table_name, _, prefix = token.rpartition(".")
        table = self.tables.get(table_name.lower())
        if table is None:
            return []
        low = prefix.lower()
        return [
            (f"{table.name}.{column.name}", "column")
            for column in table.columns
            if column.name.lower().startswith(low)
        ]

    def _term_phrase(
        self, code: str, line_start: int, cursor: int
    ) -> tuple[int, list[tuple[str, str]]] | None:
        """The longest run of 2 or more words before the cursor that starts a glossary term."""
        text = code[line_start:cursor]
        if not text or text[-1].isspace():
            return None
        spans = [m.span() for m in re.finditer(r"\S+", text)]
        for count in range(min(MAX_TERM_WORDS, len(spans)), 1, -1):
            begin = spans[-count][0]
            phrase = " ".join(text[begin:].split()).lower()
            found = [
                (shown, "term") for name, shown in sorted(self._term_names.items()) if name.startswith(phrase)
            ]
            if found:
                return line_start + begin, found
        return None

    def _complete_magic(self, line_start: int, line: str, cursor: int) -> Completion:
        stripped = line.lstrip()
        offset = line_start + len(line) - len(stripped)
        name, space, value = stripped.partition(" ")
        if not space:
            found = [magic for magic in MAGICS if magic.startswith(name)]
            return Completion(offset, cursor, found, ["magic"] * len(found))
        value = value.lstrip()
        values = [v for v in SETTING_VALUES.get(name, ()) if v.startswith(value)]
        return Completion(cursor - len(value), cursor, values, ["setting"] * len(values))

    # ------------------------------------------------------------------ Shift-Tab

    def word_at(self, code: str, cursor: int) -> str:
        cursor = max(0, min(cursor, len(code)))
        start, end = cursor, cursor
        while start > 0 and _NAME_CHAR.match(code[start - 1]):
            start -= 1
        while end < len(code) and _NAME_CHAR.match(code[end]):
            end += 1
        return code[start:end].strip(".-")

    def describe(self, code: str, cursor: int) -> dict[str, str] | None:
        """A bundle (text/plain, text/markdown) describing the name under the cursor, or None."""
        word = self.word_at(code, cursor)
        low = word.lower()
        if ("%" + low) in MAGICS or low in MAGICS:
            help_text = MAGICS.get(low, MAGICS.get("%" + low, ""))
            return {"text/plain": help_text, "text/markdown": md_text(help_text)}
        if low in self.tables:
            return table_bundle(self.tables[low])
        table_name, dot, column_name = low.rpartition(".")
        if dot and table_name in self.tables:
            table = self.tables[table_name]
            for column in table.columns:
                if column.name.lower() == column_name:
                    return column_bundle(table, column)
        term = self.terms.get(low) or self._term_around(code, cursor)
        return term_bundle(term) if term is not None else None

    def _term_around(self, code: str, cursor: int) -> GlossaryTerm | None:
        """A multi-word term the cursor is inside of ("Purchase Or|der")."""
        line_start = code.rfind("\n", 0, cursor) + 1
        line_end = code.find("\n", cursor)
        line = code[line_start : len(code) if line_end < 0 else line_end].lower()
        at = cursor - line_start
        for name, term in sorted(self.terms.items(), key=lambda item: -len(item[0])):
            for match in re.finditer(re.escape(name), line):
                if match.start() <= at <= match.end():
                    return term
        return None


def _person(person: object) -> str:
    name = getattr(person, "name", None)
    return str(name) if name else "not recorded"


def table_bundle(table: Table) -> dict[str, str]:
    """A table's name, type, description, owner and columns."""
    owner, steward = _person(table.owner), _person(table.steward)
    where = ", ".join(part for part in (table.type, table.domain, table.system, table.schema_name) if part)
    plain = [f"{table.name} ({where})"]
    if table.display_name and table.display_name != table.name:
        plain.append(table.display_name)
    plain += [table.description or "No description.", f"Owner: {owner}. Steward: {steward}.", ""]
    plain.append(f"Columns ({len(table.columns)}):")
    plain += [f"  {_column_line(column)}" for column in table.columns]
    paragraphs = [f"**{md_text(table.name)}** ({md_text(where)})"]
    if table.display_name and table.display_name != table.name:
        paragraphs.append(md_text(table.display_name))
    paragraphs += [
        md_text(table.description or "No description."),
        f"Owner: {md_text(owner)}. Steward: {md_text(steward)}.",
    ]
    rows = ["| column | type | description |", "| --- | --- | --- |"]
    rows += [
        f"| {md_text(column.name)}{' (key)' if column.is_primary_key else ''} | {md_text(column.data_type)} "
        f"| {md_text(column.description)} |"
        for column in table.columns
    ]
    return {"text/plain": "\n".join(plain), "text/markdown": "\n\n".join([*paragraphs, "\n".join(rows)])}


def _column_line(column: Column) -> str:
    key = " key" if column.is_primary_key else ""
    target = f" -> {column.foreign_key.table}.{column.foreign_key.column}" if column.foreign_key else ""
    about = f" — {column.description}" if column.description else ""
    return f"{column.name} {column.data_type}{key}{target}{about}"


def column_bundle(table: Table, column: Column) -> dict[str, str]:
    line = _column_line(column)
    plain = f"{table.name}.{line}"
    return {"text/plain": plain, "text/markdown": md_text(plain)}


def term_bundle(term: GlossaryTerm) -> dict[str, str]:
    """A glossary term: its definition, domain, steward, synonyms and columns."""
    plain = [f"{term.name} (glossary term{', ' + term.domain if term.domain else ''})", term.definition]
    if term.synonyms:
        plain.append("Synonyms: " + ", ".join(term.synonyms))
    plain.append(f"Steward: {_person(term.steward)}.")
    if term.columns:
        plain.append("Columns: " + ", ".join(term.columns))
    markdown = [
        f"**{md_text(term.name)}** (glossary term{', ' + md_text(term.domain) if term.domain else ''})"
    ]
    markdown += [md_text(line) for line in plain[1:]]
    return {"text/plain": "\n".join(plain), "text/markdown": "\n\n".join(markdown)}
