"""Join paths as ground truth: the one shortest chain of foreign keys between two tables."""

from __future__ import annotations

from collections import deque

from .facts import CatalogFacts


def hubs(facts: CatalogFacts) -> set[str]:
    """Tables joined to so many others that a path through them is usually a coincidence."""
    threshold = max(6, len(facts.tables) // 10)
    return {t for t in facts.tables if len(facts.neighbours(t)) >= threshold}


def unique_shortest_path(
    facts: CatalogFacts, start: str, end: str, avoid: set[str], max_steps: int
) -> tuple[str, ...] | None:
    """The tables of the shortest foreign-key path from `start` to `end` when it is the only one of
    its length, at most `max_steps` joins long, and passes through none of `avoid`; else None."""
    distance = {start: 0}
    ways = {start: 1}
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        if distance[here] >= max_steps:
            continue
        for there in sorted(facts.neighbours(here)):
            if there not in distance:
                distance[there] = distance[here] + 1
                ways[there] = ways[here]
                parent[there] = here
                queue.append(there)
            elif distance[there] == distance[here] + 1:
                ways[there] += ways[here]
    if end not in distance or ways[end] != 1:
        return None
    path = [end]
    while path[-1] != start:
        path.append(parent[path[-1]])
    path.reverse()
    if any(t in avoid for t in path[1:-1]):
        return None
    return tuple(path)
