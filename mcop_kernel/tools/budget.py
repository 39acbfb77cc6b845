"""Keeping every tool result within a model's context: a result too large is cut, list by list, and
says what it left out and how to ask for the rest."""

from __future__ import annotations

import json
from typing import Any

MAX_RESULT_CHARS = 32_000
"""The most JSON text one tool result may take (about 8,000 tokens), for the agent's model and for
an MCP client's alike. The catalog's default pages fit well within it."""

LONGEST_TEXT = 2_000
"""A single text value longer than this (a description pasted from a document) is shortened first
when a result does not fit."""

_MAX_CUTS = 64
_NOTE_ROOM = 600
"""Characters kept free for the `truncated` and `note` a cut result gains."""


def size_of(value: Any) -> int:
    """Characters of `value` as JSON, as a model receives it."""
    return len(json.dumps(value, ensure_ascii=False, default=str))


def fit(
    result: dict[str, Any], *, next_offset: int | None = None, budget: int = MAX_RESULT_CHARS
) -> dict[str, Any]:
    """`result` itself when it fits in `budget` characters; otherwise a copy whose longest lists are
    cut until it fits, with `truncated` ({list: {"shown", "of"}}) and a `note` saying what was left
    out. `next_offset` is the offset this page started at, for a tool that pages: the note then
    names the offset of the rest."""
    size = size_of(result)
    if size <= budget:
        return result
    room = max(budget - _NOTE_ROOM, budget // 2)
    fitted = {key: _copy(value) for key, value in result.items()}
    lengths = {path: len(items) for path, items in _lists(fitted)}
    for _ in range(_MAX_CUTS):
        if size <= room:
            break
        lists = [items for _, items in _lists(fitted) if items]
        if not lists:
            break
        items = max(lists, key=size_of)  # the longest list gives up at most half at a time,
        each = max(size_of(items) / len(items), 1.0)  # so several long lists share the cut
        drop = min(max(len(items) // 2, 1), int((size - room) / each) + 1)
        del items[len(items) - drop :]
        size = size_of(fitted)
    if size > room:
        _shorten_texts(fitted)
    cut = {
        path: {"shown": len(items), "of": lengths[path]}
        for path, items in _lists(fitted)
        if len(items) < lengths[path]
    }
    if cut:
        fitted["truncated"] = cut
        notes = (_text(result.get("note")), _cut_note(cut, next_offset))
        fitted["note"] = " ".join(part for part in notes if part)
    return fitted


def _copy(value: Any) -> Any:
    """A copy deep enough to cut lists in without touching the tool's own objects."""
    if isinstance(value, dict):
        return {key: _copy(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_copy(inner) for inner in value]
    return value


def _lists(result: dict[str, Any]) -> list[tuple[str, list[Any]]]:
    """The lists of a result, top-level and one level down (`first.columns`), by their paths."""
    found: list[tuple[str, list[Any]]] = []
    for key, value in result.items():
        if isinstance(value, list):
            found.append((key, value))
        elif isinstance(value, dict):
            found.extend((f"{key}.{name}", items) for name, items in value.items() if isinstance(items, list))
    return found


def _shorten_texts(value: Any) -> None:
    """Shorten, in place, every text longer than LONGEST_TEXT inside `value`."""
    if isinstance(value, dict):
        entries: list[tuple[Any, Any]] = list(value.items())
    elif isinstance(value, list):
        entries = list(enumerate(value))
    else:
        return
    for key, inner in entries:
        if isinstance(inner, str) and len(inner) > LONGEST_TEXT:
            value[key] = inner[:LONGEST_TEXT] + "…"
        else:
            _shorten_texts(inner)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _cut_note(cut: dict[str, dict[str, int]], next_offset: int | None) -> str:
    shown = ", ".join(f"{where['shown']} of {where['of']} {path}" for path, where in cut.items())
    note = f"This result was cut to fit a model's context: it shows {shown}."
    first = next(iter(cut.values()))
    if next_offset is not None:
        return f"{note} Ask for the rest with offset={next_offset + first['shown']}."
    return f"{note} Ask for fewer (a smaller limit or depth) or a narrower question for the rest."
