"""The connected catalog's own vocabulary, one per snapshot: built once, off the event loop, and kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

import anyio

from ..catalog.loaded import AFTER_READ
from ..catalog.snapshot import CatalogSnapshot
from .names import DISPLAY, EXACT, LOOSE, PART, ROLE_SYNONYMS, TERM, TableFacts, Vocabulary, key, split_words
from .vocabulary_build import build

__all__ = [
    "DISPLAY",
    "EXACT",
    "LOOSE",
    "PART",
    "ROLE_SYNONYMS",
    "TERM",
    "TableFacts",
    "Vocabulary",
    "build",
    "key",
    "prepare",
    "snapshot_of",
    "split_words",
    "vocabulary_of",
]

_CACHE: OrderedDict[int, tuple[CatalogSnapshot, Vocabulary]] = OrderedDict()
_CACHE_SIZE = 4
_LOCK = threading.Lock()
_BUILDING: dict[int, threading.Event] = {}


def cached(snapshot: CatalogSnapshot) -> Vocabulary | None:
    """The snapshot's vocabulary if it is built, else None (never builds)."""
    with _LOCK:
        entry = _CACHE.get(id(snapshot))
        if entry is not None and entry[0] is snapshot:
            _CACHE.move_to_end(id(snapshot))
            return entry[1]
    return None


def vocabulary_of(snapshot: CatalogSnapshot) -> Vocabulary:
    """The snapshot's vocabulary, built on first use and kept for the few most recent snapshots (the
    entry holds the snapshot itself, so an id is never reused while its vocabulary is cached). Callers
    asking for a snapshot whose vocabulary is being built in another thread wait for that build."""
    while True:
        found = cached(snapshot)
        if found is not None:
            return found
        with _LOCK:
            building = _BUILDING.get(id(snapshot))
            if building is None:
                building = _BUILDING[id(snapshot)] = threading.Event()
                mine = True
            else:
                mine = False
        if not mine:
            building.wait(120)
            continue
        try:
            vocab = build(snapshot)
            with _LOCK:
                _CACHE[id(snapshot)] = (snapshot, vocab)
                while len(_CACHE) > _CACHE_SIZE:
                    _CACHE.popitem(last=False)
            return vocab
        finally:
            with _LOCK:
                _BUILDING.pop(id(snapshot), None)
            building.set()


async def prepare(snapshot: CatalogSnapshot) -> Vocabulary:
    """The snapshot's vocabulary; the first time, built in a worker thread so the event loop (and every
    other session's answer) never waits on it."""
    found = cached(snapshot)
    return found if found is not None else await anyio.to_thread.run_sync(vocabulary_of, snapshot)


async def snapshot_of(catalog: Any) -> CatalogSnapshot | None:
    """The catalog's snapshot, whether `snapshot` is an async method or (older engines) a property, with
    its vocabulary made ready off the event loop."""
    got = getattr(catalog, "snapshot", None)
    if got is None:
        return None
    if callable(got):
        got = await got()
    if not isinstance(got, CatalogSnapshot):
        return None
    await prepare(got)
    return got


# A catalog read from its source (SQL, Collibra) builds its vocabulary in the loader's thread at once,
# so the first question does not wait for it.
AFTER_READ.append(vocabulary_of)
