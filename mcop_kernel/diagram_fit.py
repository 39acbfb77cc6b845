"""What a Mermaid diagram is and how much fits: the limits, the `Diagram` model, cutting by distance."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

MERMAID_MAX_TEXT = 50_000
"""Mermaid's default `maxTextSize`: longer text is drawn as "Maximum text size in diagram exceeded"."""
MERMAID_MAX_EDGES = 500
"""Mermaid's default `maxEdges`: a flowchart with more edges fails to parse. ER diagrams are held to
it too, as a limit of what a reader (and the layout) can take in."""


class Diagram(BaseModel):
    """A Mermaid diagram and what it shows of the catalog."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["er", "lineage"]
    source: str
    tables: tuple[str, ...]
    omitted: tuple[str, ...]
    note: str


# -- Choosing what fits ----------------------------------------------------------------------------


def by_distance(names: Sequence[str], links: Iterable[tuple[str, str]], seeds: Sequence[str]) -> list[str]:
    """`names` ordered by how many links away they are from `seeds` (seeds first, in their order;
    then by distance and name; unreachable names last). Without seeds, the best-linked name is the seed."""
    neighbours: dict[str, set[str]] = {name: set() for name in names}
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)
    if not seeds and names:
        seeds = [min(names, key=lambda n: (-len(neighbours[n]), n))]
    distance = {seed: 0 for seed in seeds}
    queue = deque(seeds)
    while queue:
        current = queue.popleft()
        for nxt in sorted(neighbours[current]):
            if nxt not in distance:
                distance[nxt] = distance[current] + 1
                queue.append(nxt)
    rest = sorted((n for n in names if n not in seeds), key=lambda n: (distance.get(n, len(names) + 1), n))
    return list(dict.fromkeys(seeds)) + rest


def largest_fitting(low: int, high: int, fits: Callable[[int], bool]) -> int | None:
    """The largest n in [low, high] with fits(n), for a `fits` that holds up to some n and not after."""
    if low > high or not fits(low):
        return None
    while low < high:
        mid = (low + high + 1) // 2
        low, high = (mid, high) if fits(mid) else (low, mid - 1)
    return low


def showing_note(drawn: int, total: int, around: Sequence[str]) -> str:
    """The note's first sentence: how many tables a cut diagram shows, and around what."""
    if drawn == total:
        return ""
    where = f" around {', '.join(around[:3])}" if around else ""
    if len(around) > 3:
        where += f" and {len(around) - 3} more"
    return f"Showing {drawn} of {total} tables{where}; {total - drawn} left out."
