"""Questions about a part of the catalog rather than the whole: counting a qualified subset ("how many
foreign keys are optional?"), the share of tables that have something ("what share of tables have a
steward?"), a follow-up naming only an attribute ("and the pk?"), and a loose name that is a column word
("is there a vendor column anywhere?")."""

from __future__ import annotations

import re

from . import column_cues as cc
from . import cues as c
from . import grammar as g
from .intent_model import Context, Intent
from .phrases import column_slots
from .reading import Mention, Reading
from .vocabulary import EXACT, PART

_ARTICLES = frozenset(("a", "an", "any", "some", "no", "the", "one", "which"))
_COLUMN_NOUNS = frozenset(("column", "field", "attribute"))
_COLUMN_PLURALS = frozenset(("columns", "fields", "attributes"))
_SEARCHING = frozenset(("any", "some", "no"))
"""Words before "<word> columns" that ask whether such columns exist, not for one table's columns."""
_WHOLE = re.compile(r"\b(?:catalog|database|schema|total|in all|overall|altogether|every|all)\b")
"""A count of columns over the whole catalog, not of the table just discussed."""
_ISOLATED = re.compile(
    r"\b(?:isolated|orphan\w*|at all|nothing|neither|nor|incoming|(?:stand\w*|on (?:its|their) own) alone"
    r"|standalone|on (?:its|their) own|not linked|unlinked|disconnected|either way|any direction)\b"
)
"""Tables linked to nothing at all: neither referencing nor referenced."""


def counted_subset(low: str) -> Intent | None:
    """ "how many foreign keys are optional?", "how many tables have no description?": the kind of
    relationship or the thing lacking, whose answer leads with its count; None for a plain count."""
    columns_only = cc.COLUMNS.search(low) and not c.REFERENCES.search(low)
    kind = next((k for k, pattern in c.REL_KINDS if pattern.search(low)), None)
    if kind is not None and not columns_only:
        return Intent("rel_kind", what=kind)
    lacked = lacked_of(low)
    return lacking(lacked, low) if lacked is not None else None


def lacked_of(low: str) -> str | None:
    """What the tables asked for lack: named after the word of lacking ("without an owner", "no fks"),
    or a linking verb's object that is nothing ("tables that reference nothing"); None for neither."""
    lack = c.LACK.search(low)
    if lack is None:
        return None
    after = low[lack.start() :]
    lacked = next((w for w, pattern in c.LACK_WHAT if pattern.search(after)), None)
    if lacked is None and lack.group() in ("nothing", "nobody", "none"):  # "linked to nothing"
        before = " ".join(low[: lack.start()].split()[-3:])
        lacked = next((w for w, pattern in c.LACK_WHAT if pattern.search(before)), None)
    return lacked if lacked is not None else "foreign_keys" if c.LINKS_NOTHING.search(low) else None


def lacking(what: str, low: str) -> Intent:
    """Tables lacking `what`; with no foreign keys, those linked to nothing at all when that is asked."""
    alone = what == "foreign_keys" and bool(_ISOLATED.search(low)) and not c.LINKS_NOTHING.search(low)
    return Intent("lacking", what=what, order="isolated" if alone else "")


def share_of(low: str) -> Intent | None:
    """The share of tables that have (or lack) what the question names; None when it names nothing a
    table can lack (a "percentage" column is a kind of value, not a share)."""
    lacked = next((w for w, pattern in c.LACK_WHAT if pattern.search(low)), None)
    if lacked is None:
        return None
    if cc.COLUMNS.search(low) and lacked in ("description", "terms"):
        return Intent("coverage")
    negated = bool(c.HAVE_NOT.search(low))
    return Intent("lacking", what=lacked, order="share-lacking" if negated else "share")


def follows_up(reading: Reading, low: str, context: Context) -> bool:
    """A question of attribute words alone ("and the pk?", "what about the owner?", "grain?") after a turn
    about a table: it asks about that table."""
    if context.table is None:
        return False
    words = [t.low for t in reading.tokens if not t.punct and not t.quoted]
    content = [w for w in words if w in g.ATTRIBUTES or w not in g.FILLER]
    if not content or any(w not in g.ATTRIBUTES for w in content) or "tables" in content:
        return False
    counted = c.COUNT.search(low) and not (cc.COLUMNS.search(low) and not _WHOLE.search(low))
    rel_kind = any(p.search(low) for _, p in c.REL_KINDS) and not c.FOLLOW_UP.search(low)
    if c.LACK.search(low) or counted or rel_kind:
        return False
    return bool(c.FOLLOW_UP.search(low)) or len(content) <= 2


def named_column_word(reading: Reading, mention: Mention) -> bool:
    """A loose table name used as a column's word ("is there a vendor column anywhere?", "tables with a
    currency field"): an article before it and a singular column noun right after."""
    if not mention.tables:
        return False
    tokens = reading.tokens
    if any(mention.start in slot for slot in column_slots(tokens)):  # "cols called x", "a column for x"
        return True
    if mention.tables[0][0] == EXACT:
        return False
    after = tokens[mention.end].low if mention.end < len(tokens) else ""
    before = tokens[mention.start - 1].low if mention.start else ""
    if after in _COLUMN_NOUNS:
        return mention.start > 0 and before in _ARTICLES
    # "any status columns?", "stauts fields": a word that only partly (or misspelt) names a table, then
    # a plural column noun, asks for columns of that word, not a table's columns
    if after not in _COLUMN_PLURALS:
        return False
    loose = mention.tables[0][0] >= PART or mention.mended
    return before in _SEARCHING or (loose and (not before or before in _ARTICLES or before in g.FILLER))
