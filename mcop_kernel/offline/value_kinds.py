"""Kinds of value a steward asks columns for ("money amounts", "dates"): name words and data types."""

from __future__ import annotations

from collections.abc import Iterable

from ..catalog.words import singular
from .vocabulary import split_words

VALUE_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "money": (
        (
            "amount",
            "price",
            "cost",
            "total",
            "value",
            "fee",
            "tax",
            "salary",
            "revenue",
            "balance",
            "spend",
            "spent",
            "charge",
            "discount",
            "paid",
            "payment",
            "wage",
            "income",
            "budget",
            "excl",
            "incl",
        ),
        ("decimal", "numeric", "money", "number", "float", "real", "double", "currency"),
    ),
    "date": (
        ("date", "time", "timestamp", "at", "created", "updated", "modified", "day", "year", "month"),
        ("date", "time", "timestamp", "datetime"),
    ),
    "email": (("email", "mail"), ()),
    "phone": (("phone", "telephone", "mobile", "fax", "tel"), ()),
    "address": (
        ("address", "street", "city", "postcode", "zip", "country", "line1", "line2", "state", "region"),
        (),
    ),
    "location": (("latitude", "longitude", "lat", "lng", "lon", "location", "geo", "coordinate"), ()),
    "flag": (("is", "has", "flag", "active", "enabled"), ("bool", "boolean", "bit")),
    "quantity": (("quantity", "qty", "count", "num", "stock"), ("integer", "int", "smallint", "bigint")),
    "percentage": (("percent", "percentage", "pct", "rate", "ratio", "share"), ()),
    "url": (("url", "link", "uri", "website", "href", "slug"), ()),
    "name": (("name", "title", "label"), ()),
    "identifier": (("id", "code", "key", "uuid", "guid", "ref", "reference", "sku", "number"), ()),
    "text": (
        ("description", "text", "body", "comment", "note", "notes", "content", "message"),
        ("text", "clob"),
    ),
}
"""Kinds of value a steward asks columns for, by the words their names hold and their data types."""
STRONG_TYPES: dict[str, tuple[str, ...]] = {
    "money": ("decimal", "numeric", "money", "currency"),
    "date": ("date", "time"),
    "flag": ("bool", "bit"),
}
"""Data types that say the kind on their own, whatever the column is called."""
VALUE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "money",
            "monetary",
            "amount",
            "amounts",
            "price",
            "prices",
            "pricing",
            "cost",
            "costs",
            "currency",
            "financial",
            "revenue",
            "euros",
            "dollars",
            "values",
            "fees",
            "taxes",
            "salaries",
            "charges",
            "payments",
            "totals",
        ),
        "money",
    ),
    **dict.fromkeys(
        ("date", "dates", "timestamp", "timestamps", "time", "times", "datetime", "datetimes", "when"), "date"
    ),
    **dict.fromkeys(("email", "emails", "e-mail", "mail"), "email"),
    **dict.fromkeys(("phone", "phones", "telephone", "mobile"), "phone"),
    **dict.fromkeys(("address", "addresses", "postal"), "address"),
    **dict.fromkeys(("location", "locations", "coordinates", "geographic", "geo"), "location"),
    **dict.fromkeys(("flag", "flags", "boolean", "booleans", "yes/no"), "flag"),
    **dict.fromkeys(("quantity", "quantities", "counts"), "quantity"),
    **dict.fromkeys(("percentage", "percentages", "percent", "rates", "ratios"), "percentage"),
    **dict.fromkeys(("url", "urls", "link", "links", "website"), "url"),
    **dict.fromkeys(("identifiers", "codes", "ids"), "identifier"),
    **dict.fromkeys(("free-text", "freetext", "prose"), "text"),
}
NOT_ALONE = frozenset(
    ("when", "time", "times", "values", "mail", "link", "links", "counts", "text", "descriptions")
)
"""Value words too common in other questions to make one a question about columns on their own."""


def kind_asked(words: Iterable[str]) -> str | None:
    """The kind of value a question's own words (outside catalog names) ask columns for, if any."""
    return next((VALUE_WORDS[w] for w in words if w in VALUE_WORDS and w not in NOT_ALONE), None)


def _compound_of(word: str, names: tuple[str, ...]) -> bool:
    """A word run together from others whose last is a name word of the kind (`unitprice`, `homephone`,
    `contactemail`): the last word of a compound says what it is."""
    return len(word) > 6 and any(len(n) >= 5 and word.endswith(n) for n in names)


def matches(kind: str, column: str, data_type: str) -> bool:
    """Whether a column looks like it holds the kind of value: a name word of the kind with a fitting
    (or unknown) data type, or a data type that says the kind on its own."""
    names, types = VALUE_KINDS.get(kind, ((), ()))
    words = [singular(w) for w in split_words(column)]
    low_type = data_type.lower()
    if kind == "flag":
        named = bool(words) and words[0] in ("is", "has", "can", "should")
        named = named or any(w in names[2:] for w in words)
    elif kind == "date":
        named = any(w in names for w in words if w != "at") or (len(words) > 1 and words[-1] in ("at", "on"))
    else:
        named = any(w in names for w in words)
    named = named or any(_compound_of(w, names) for w in words)
    typed = not types or not low_type or any(t in low_type for t in types)
    strong = any(t in low_type for t in STRONG_TYPES.get(kind, ()))
    if kind == "money":
        return (named and typed) or "money" in low_type or "currency" in low_type
    return (named and typed) or strong
