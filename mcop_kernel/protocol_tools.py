"""Tool results as clients receive them: bounded, and still valid JSON that says what it left out."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

TOOL_CONTENT_LIMIT = 2_000
"""The most characters of a tool result a client receives (the model always gets all of it)."""

_SHRINK_STEPS = ((10, 400), (5, 160), (3, 80), (1, 48), (0, 32))
"""(items kept per list, characters kept per string), tried in turn until a summary fits."""


@lru_cache(maxsize=64)
def bounded_tool_content(content: str, limit: int = TOOL_CONTENT_LIMIT) -> str:
    """A tool result as clients receive it: as is up to `limit` characters; longer, valid JSON that
    keeps the scalar keys and the first items of each list, and says under `"_summary"` how long the
    result was and how many items of each list were left out (`"tables[].columns"`: summed over the
    tables shown). A result that is not JSON becomes `{"text": its beginning, "_summary": ...}`."""
    if len(content) <= limit:
        return content
    try:
        data: Any = json.loads(content)
    except ValueError:
        data = content
    for items, chars in _SHRINK_STEPS:
        left_out: dict[str, int] = {}
        summary = _summary(len(content), left_out)
        shrunk = _shrink(data, items, chars, "", left_out)
        body = {**shrunk, "_summary": summary} if isinstance(shrunk, dict) else _wrap(shrunk, summary)
        text = json.dumps(body, ensure_ascii=False)
        if len(text) <= limit:
            return text
    preview = content[: limit // 2]
    while True:  # each round halves the preview, so this ends
        text = json.dumps({"preview": preview, "_summary": _summary(len(content), {})}, ensure_ascii=False)
        if len(text) <= limit or not preview:
            return text
        preview = preview[: len(preview) // 2]


def _summary(characters: int, left_out: dict[str, int]) -> dict[str, Any]:
    return {
        "characters": characters,
        "left_out": left_out,
        "note": "Shortened for display; the model read the whole result.",
    }


def _wrap(value: Any, summary: dict[str, Any]) -> dict[str, Any]:
    return {"text" if isinstance(value, str) else "items": value, "_summary": summary}


def _shrink(value: Any, items: int, chars: int, path: str, left_out: dict[str, int]) -> Any:
    """`value` with lists cut to `items` entries (counted in `left_out` by path) and strings to `chars`."""
    if isinstance(value, str):
        return value if len(value) <= chars else value[: max(chars - 1, 0)] + "…"
    if isinstance(value, list):
        where = path or "items"
        if len(value) > items:
            left_out[where] = left_out.get(where, 0) + len(value) - items
        return [_shrink(item, items, chars, where + "[]", left_out) for item in value[:items]]
    if isinstance(value, dict):
        return {
            key: _shrink(item, items, chars, f"{path}.{key}" if path else str(key), left_out)
            for key, item in value.items()
        }
    return value
