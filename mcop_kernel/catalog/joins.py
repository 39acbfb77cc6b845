"""Join paths over foreign keys, ranked so that a path joining two tables only through a generic hub
(a users, content-type or audit table that a large share of tables reference) comes last."""

from __future__ import annotations

import heapq
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping

from .base import CatalogLookupError
from .models import JoinPath, Relationship, Table

HUB_MIN_REFERENCES = 5
"""A hub is referenced by at least this many other tables ..."""
HUB_SHARE = 0.1
"""... and by at least this share of the tables that take part in any foreign key."""
HUB_SLACK = 2
"""A path avoiding every hub is preferred when it is at most this many joins longer."""

_State = tuple[str, bool]
"""A table on a join path, and whether it was reached from a table that references it."""


class JoinGraph:
    """Every foreign key as an undirected join, and the hubs found from the graph's own shape."""

    def __init__(self, tables: Mapping[str, Table], relationships: Iterable[Relationship]) -> None:
        self._tables = tables
        self.joins: dict[str, list[tuple[str, Relationship]]] = defaultdict(list)
        referenced_by: dict[str, set[str]] = defaultdict(set)
        involved: set[str] = set()
        for rel in relationships:
            if rel.from_table in tables and rel.to_table in tables:
                self.joins[rel.from_table].append((rel.to_table, rel))
                involved |= {rel.from_table, rel.to_table}
                if rel.to_table != rel.from_table:
                    self.joins[rel.to_table].append((rel.from_table, rel))
                    referenced_by[rel.to_table].add(rel.from_table)
        for neighbours in self.joins.values():
            neighbours.sort(key=lambda pair: (pair[0], pair[1].label, pair[1].id))
        self.involved = len(involved)
        least = max(HUB_MIN_REFERENCES, HUB_SHARE * self.involved)
        self.hubs: dict[str, int] = {t: len(r) for t, r in referenced_by.items() if len(r) >= least}
        """Hub tables and how many tables reference each."""

    def path(self, first: str, last: str) -> JoinPath:
        """Fewest joins, fewest joins through a shared dimension; a path whose only link is a hub both
        sides reference is offered only when no path within HUB_SLACK joins avoids it, and then with a
        warning naming the hub and the best path that avoids it as the alternative."""
        if first == last:
            return JoinPath(start=first, end=last, steps=())
        steps = self._search(first, last, avoid_hubs=False)
        if steps is None:
            raise CatalogLookupError("join path", f"{first} -> {last}")
        crossed = self._hubs_crossed(first, steps)
        if not crossed:
            return JoinPath(start=first, end=last, steps=tuple(steps))
        clean = self._search(first, last, avoid_hubs=True)
        if clean is not None and len(clean) <= len(steps) + HUB_SLACK:
            return JoinPath(start=first, end=last, steps=tuple(clean))
        alternative = JoinPath(start=first, end=last, steps=tuple(clean)) if clean is not None else None
        return JoinPath(
            start=first,
            end=last,
            steps=tuple(steps),
            warning=self._warning(first, last, crossed, alternative),
            alternative=alternative,
        )

    def _warning(self, first: str, last: str, crossed: list[str], alternative: JoinPath | None) -> str:
        hubs = " and ".join(
            f"{hub} (referenced by {self.hubs[hub]} of {self.involved} tables)" for hub in crossed
        )
        text = (
            f"This path links {first} and {last} only through {hubs}: valid SQL, but rows match merely "
            "because they point at the same row of a table almost everything references, which is "
            "usually a coincidence rather than a real connection."
        )
        if alternative is not None:
            text += (
                f" A path that avoids it ({len(alternative.steps)} joins): {' -> '.join(alternative.tables)}."
            )
        else:
            text += " No path avoids it."
        return text

    def _hubs_crossed(self, first: str, steps: list[Relationship]) -> list[str]:
        """The hubs the path enters from a table referencing it and leaves to another one referencing it."""
        crossed: list[str] = []
        table = first
        for before, after in itertools.pairwise(steps):
            table = before.to_table if before.from_table == table else before.from_table
            entered_up = before.to_table == table and before.from_table != table
            leaves_down = after.to_table == table and after.from_table != table
            if table in self.hubs and entered_up and leaves_down and table not in crossed:
                crossed.append(table)
        return crossed

    def _search(self, first: str, last: str, *, avoid_hubs: bool) -> list[Relationship] | None:
        """Dijkstra over (table, arrived up) states by (joins, fans through a non-fact table)."""
        best: dict[_State, tuple[int, int]] = {(first, False): (0, 0)}
        came_from: dict[_State, tuple[_State, Relationship]] = {}
        queue: list[tuple[int, int, int, _State]] = [(0, 0, 0, (first, False))]
        pushed = 0
        while queue:
            steps, fans, _, state = heapq.heappop(queue)
            table, arrived_up = state
            if table == last:
                return self._walk_back(came_from, state)
            if best.get(state, (steps, fans)) < (steps, fans):
                continue
            through_dimension = arrived_up and self._tables[table].type != "FACT"
            at_hub = avoid_hubs and arrived_up and table in self.hubs
            for other, rel in self.joins.get(table, ()):
                going_up = rel.from_table == table and rel.to_table == other
                if other == table or (at_hub and not going_up):
                    continue
                cost = (steps + 1, fans + int(through_dimension and not going_up))
                following = (other, going_up)
                known = best.get(following)
                if known is None or cost < known:
                    best[following] = cost
                    came_from[following] = (state, rel)
                    pushed += 1
                    heapq.heappush(queue, (*cost, pushed, following))
        return None

    @staticmethod
    def _walk_back(came_from: dict[_State, tuple[_State, Relationship]], state: _State) -> list[Relationship]:
        steps: list[Relationship] = []
        while state in came_from:
            state, rel = came_from[state]
            steps.append(rel)
        return steps[::-1]
