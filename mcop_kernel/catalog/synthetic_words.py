"""The synthetic catalog's vocabulary beyond its business nouns: source-system codes, as an ERP names its
tables and fields (`bkpf`, `bukrs`), and the customer-specific `zz_` fields every installation grows.

Derived deterministically from the names they stand for (a hash, no randomness), so the same catalog
comes out for the same seed, with thousands of distinct words as a real warehouse has.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

_CONSONANTS = "bcdfghklmnprstvwz"
_VOWELS = "aeiou"
_PATTERNS = ("cvcc", "ccvc", "cvccv", "cccc", "cvcvc", "ccvcc", "vccv", "cvcc")
"""Shapes of ERP codes: mostly consonants, a vowel now and then (`bkpf`, `lifnr`, `ekko`, `matnr`)."""


def _code(text: str, attempt: int) -> str:
    digest = hashlib.sha256(f"{text}#{attempt}".encode()).digest()
    pattern = _PATTERNS[digest[0] % len(_PATTERNS)]
    letters = [
        (_CONSONANTS if kind == "c" else _VOWELS)[byte % len(_CONSONANTS if kind == "c" else _VOWELS)]
        for kind, byte in zip(pattern, digest[1:], strict=False)
    ]
    return "".join(letters)


class CodeBook:
    """Hands out codes, one per meaning, never the same code for two meanings."""

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._taken = set(reserved)
        self._codes: dict[str, str] = {}

    def code(self, meaning: str) -> str:
        """The code for `meaning` (the same every time it is asked)."""
        found = self._codes.get(meaning)
        if found is None:
            attempt = 0
            found = _code(meaning, attempt)
            while found in self._taken:
                attempt += 1
                found = _code(meaning, attempt) + (str(attempt // 8) if attempt >= 8 else "")
            self._taken.add(found)
            self._codes[meaning] = found
        return found


def source_table_code(book: CodeBook, schema: str, noun: str, qualifier: str) -> str:
    """An ERP table code for a source table holding `noun` (with its qualifier) in `schema`."""
    return book.code(f"table:{schema}:{noun}:{qualifier}")


def source_field_code(book: CodeBook, schema: str, attribute: str) -> str:
    """The ERP field code of an attribute, shared by every source table of the schema (`bukrs`)."""
    return book.code(f"field:{schema}:{attribute}")


def custom_field_code(book: CodeBook, table: str, attribute: str) -> str:
    """A field an installation added to one table (`zz_` and a code of its own)."""
    return "zz_" + book.code(f"custom:{table}:{attribute}")
