"""Kinds of value a steward asks columns for ("money amounts", "dates"): name words and data types."""

from __future__ import annotations

VALUE_KINDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "money": (
        (
            "amount",
            "price",
            "cost",
            "value",
            "total",
            "fee",
            "tax",
            "salary",
            "revenue",
            "balance",
            "spend",
            "charge",
            "discount",
            "paid",
            "payment",
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
    "phone": (("phone", "telephone", "mobile", "fax"), ()),
    "address": (("address", "street", "city", "postcode", "zip", "country", "line1", "line2"), ()),
    "flag": (("is", "has", "flag", "active", "enabled"), ("bool", "boolean", "bit")),
    "quantity": (("quantity", "qty", "count", "number", "num"), ("integer", "int", "smallint", "bigint")),
    "url": (("url", "link", "uri", "website"), ()),
    "name": (("name", "title", "label"), ()),
}
"""Kinds of value a steward asks columns for, by the words their names hold and their data types."""
VALUE_WORDS: dict[str, str] = {
    **dict.fromkeys(
        (
            "money",
            "monetary",
            "amount",
            "amounts",
            "price",
            "prices",
            "cost",
            "costs",
            "currency",
            "financial",
            "revenue",
            "euros",
            "dollars",
            "values",
        ),
        "money",
    ),
    **dict.fromkeys(
        ("date", "dates", "timestamp", "timestamps", "time", "times", "datetime", "when"), "date"
    ),
    **dict.fromkeys(("email", "emails", "e-mail", "mail"), "email"),
    **dict.fromkeys(("phone", "phones", "telephone", "mobile"), "phone"),
    **dict.fromkeys(("address", "addresses", "postal"), "address"),
    **dict.fromkeys(("flag", "flags", "boolean", "booleans", "yes/no"), "flag"),
    **dict.fromkeys(("quantity", "quantities", "counts"), "quantity"),
    **dict.fromkeys(("url", "urls", "link", "links", "website"), "url"),
}
