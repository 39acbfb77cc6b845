"""Diagrams drawn from catalog facts: valid by Mermaid's own parser and renderer, faithful, bounded."""

from __future__ import annotations

import asyncio
import re
import string
from collections import deque
from collections.abc import Callable, Iterable
from itertools import pairwise

import pytest
from mermaid import MERMAID_PACKAGES, MermaidResult, check_with_mermaid

from mcop_kernel.catalog.models import Cardinality, Column, LineageEdge, LineageGraph, Relationship, Table
from mcop_kernel.catalog.models import TableType as Kind
from mcop_kernel.diagrams import (
    MERMAID_MAX_EDGES,
    MERMAID_MAX_TEXT,
    Diagram,
    cardinality_words,
    er_diagram,
    lineage_diagram,
)

TRICKY_NAMES = (
    "Lieferant Ä",
    "客户",
    "sales.orders",
    "_tmp",
    "a_b_c",
    "__dunder__ x_",
    "2019 data",
    'quote"d',
    "a[b] {c} <d> & e",
    "back\\slash `tick` *star* _under_ ~tilde~ $$x^2$$",
    "%%{init: {'theme': 'dark'}}%%",
    "x direction LR",
    "style:x#1;",
    "a:::b",
    "a ||--o{ b",
    "😀 emoji",
    "end",
    "style",
    "one-two",
    "pk",
    "o",
    "1",
    "Orders",
    "orders",
    "t_sales_orders",
    string.punctuation,
)
PAIRS = tuple(pairwise(TRICKY_NAMES))
KINDS: tuple[Kind, ...] = ("FACT", "DIMENSION", "STAGING", "SOURCE", "VIEW", "TABLE")
CARDINALITIES: tuple[Cardinality, ...] = ("many-to-one", "one-to-one", "one-to-many", "many-to-many")


def column(name: str, data_type: str = "int", description: str = "", **facts: object) -> Column:
    return Column.model_validate(
        {"id": name, "name": name, "display_name": name, "data_type": data_type, "description": description}
        | facts
    )


def table(name: str, kind: Kind = "TABLE", columns: Iterable[Column] = ()) -> Table:
    return Table(
        id=name, name=name, display_name=name, type=kind, domain="d", status="ok", columns=tuple(columns)
    )


def link(
    many: str, one: str, cardinality: Cardinality = "many-to-one", label: str = "", *, optional: bool = False
) -> Relationship:
    return Relationship(
        id=f"{many}->{one}",
        from_table=many,
        from_columns=(f"{one}_id",),
        to_table=one,
        to_columns=(f"{one}_id",),
        cardinality=cardinality,
        label=label,
        optional=optional,
    )


TRICKY_COLUMNS = (
    column("id", "decimal(18,2)", 'the "id" of *it*, _really_ ~x~ direction TB', is_primary_key=True),
    column("pk", "varchar(40)"),
    column("Order Date", "timestamp with time zone", "when"),
    column("_x_", "ARRAY<STRING>"),
    column("2nd", "1int"),
    column("Größe", "nvarchar(max)"),
    column(string.punctuation, string.punctuation, string.printable),
)


def tricky_er() -> Diagram:
    tables = [table(n, KINDS[i % 6], TRICKY_COLUMNS) for i, n in enumerate(TRICKY_NAMES)]
    labels = ("", 'has "x"', string.printable, "")
    links = [link(a, b, CARDINALITIES[i % 4], labels[i % 4]) for i, (a, b) in enumerate(PAIRS)]
    return er_diagram(tables, links, focus=[TRICKY_NAMES[0]])


def tricky_lineage() -> Diagram:
    summaries = tuple(table(n, KINDS[i % 6]).summary() for i, n in enumerate(TRICKY_NAMES))
    processes = ("", "nightly load", string.printable)
    edges = (LineageEdge(source=a, target=b, process=processes[i % 3]) for i, (a, b) in enumerate(PAIRS))
    graph = LineageGraph(
        center="sales.orders", direction="both", depth=6, tables=summaries, edges=tuple(edges)
    )
    return lineage_diagram(graph)


def procurement_er() -> Diagram:
    tables = [
        table("supplier", "DIMENSION", [column("supplier_id", is_primary_key=True)]),
        table(
            "purchase_order",
            "FACT",
            [column("supplier_id", foreign_key={"table": "supplier", "column": "id"})],
        ),
        table("order_line", "FACT"),
        table("supplier_profile", "DIMENSION"),
        table("category", "DIMENSION"),
        table("region", "DIMENSION"),
        table("buyer", "DIMENSION"),
        table("badge", "DIMENSION"),
    ]
    relationships = [
        link("purchase_order", "buyer", optional=True),
        link("badge", "buyer", "one-to-one", optional=True),
        link("purchase_order", "supplier"),
        link("order_line", "purchase_order", label="belongs to"),
        link("supplier_profile", "supplier", "one-to-one"),
        link("supplier", "category", "many-to-many"),
        link("region", "supplier", "one-to-many"),
    ]
    return er_diagram(tables, relationships, focus=["purchase_order"])


def synthetic(n: int, n_columns: int = 20, *, keys: int = 1) -> list[Table]:
    """`n` tables of `n_columns` columns, the first `keys` of them primary key columns."""
    return [
        table(
            f"schema.table_{i:04d}",
            KINDS[i % 6],
            (
                column(f"col_{j}", "decimal(18,2)", "a column", is_primary_key=j < keys)
                for j in range(n_columns)
            ),
        )
        for i in range(n)
    ]


def scattered_links(n: int) -> list[Relationship]:
    """Each table holds a foreign key to two others, scattered: about 4 links a table."""
    names = [f"schema.table_{i:04d}" for i in range(n)]
    return [link(names[i], names[(i * k + 3) % n]) for i in range(n) for k in (7, 13) if (i * k + 3) % n != i]


def big_lineage(n: int) -> LineageGraph:
    names = [f"schema.table_{i:04d}" for i in range(n)]
    edges = tuple(
        LineageEdge(source=names[i], target=names[(i * 7 + 3) % n], process=f"job {i}") for i in range(n)
    )
    return LineageGraph(
        center=names[0],
        direction="both",
        depth=6,
        tables=tuple(t.summary() for t in synthetic(n, 0)),
        edges=edges,
    )


def star_lineage(arms: int) -> LineageGraph:
    center = table("hub", "FACT")
    arms_ = [table(f"feed_{i:03d}", "SOURCE") for i in range(arms)]
    edges = tuple(LineageEdge(source=t.name, target="hub", process="load") for t in arms_)
    return LineageGraph(
        center="hub",
        direction="upstream",
        depth=1,
        tables=(center.summary(), *(t.summary() for t in arms_)),
        edges=edges,
    )


def wide_table_er() -> Diagram:
    wide = table(
        "wide", "FACT", (column(f"measure_{j}", "double", "a measure of something") for j in range(3000))
    )
    return er_diagram([wide, *synthetic(3)], [link("schema.table_0000", "wide")], focus=["wide"])


def sample_catalog_diagrams() -> dict[str, Diagram]:
    """Every table's neighbourhood and lineage in the bundled sample catalog."""
    from mcop_kernel.catalog import sample_catalog

    async def draw() -> dict[str, Diagram]:
        catalog = sample_catalog()
        page = await catalog.list_tables(limit=10_000)
        drawn: dict[str, Diagram] = {}
        for summary in page.items:
            hood = await catalog.relationships(summary.name, depth=2)
            drawn[f"sample er {summary.name}"] = er_diagram(
                hood.tables, hood.relationships, focus=[hood.center]
            )
            graph = await catalog.lineage(summary.name, direction="both", depth=6)
            drawn[f"sample lineage {summary.name}"] = lineage_diagram(graph)
        return drawn

    return asyncio.run(draw())


CASES: dict[str, Callable[[], Diagram]] = {
    "tricky er": tricky_er,
    "tricky lineage": tricky_lineage,
    "procurement er": procurement_er,
    "2,000 tables er": lambda: er_diagram(
        synthetic(2000), scattered_links(2000), focus=["schema.table_0000"]
    ),
    "2,000 tables er, no focus": lambda: er_diagram(synthetic(2000), scattered_links(2000)),
    "2,000 tables er, 2,000 characters": lambda: er_diagram(
        synthetic(2000), scattered_links(2000), focus=["schema.table_0042"], max_chars=2_000
    ),
    "columns before tables er": lambda: er_diagram(
        synthetic(100, 12, keys=12), scattered_links(100), focus=["schema.table_0001"]
    ),
    "keys kept er": lambda: er_diagram(synthetic(60, 30), scattered_links(60), focus=["schema.table_0001"]),
    "wide table er": wide_table_er,
    "2,000 tables lineage": lambda: lineage_diagram(big_lineage(2000)),
    "700 feeds lineage": lambda: lineage_diagram(star_lineage(700)),
}
BROKEN = {
    "label missing": "erDiagram\n  a ||--o{ b\n",
    "quote in a label": 'erDiagram\n  a["say "hi""]\n',
    "raw catalog names": "erDiagram\n  sales.orders ||--o{ 2019 data : has\n",
    "a quote in a comment": 'erDiagram\n  a {\n    int x "say "hi""\n  }\n',
    "a type with a space": "erDiagram\n  a {\n    timestamp with time zone x\n  }\n",
    "501 edges": "flowchart LR\n" + "".join(f"  a --> b{i}\n" for i in range(501)),
    "over maxTextSize": "erDiagram\n  a {\n" + '    int x "' + "y" * MERMAID_MAX_TEXT + '"\n  }\n',
}


@pytest.fixture(scope="session")
def diagrams() -> dict[str, Diagram]:
    drawn = {name: draw() for name, draw in CASES.items()}
    try:
        drawn |= sample_catalog_diagrams()
    except Exception as error:  # reported by test_sample_catalog_diagrams, not by every test
        drawn["sample catalog failed"] = Diagram(
            kind="er", source=repr(error), tables=(), omitted=(), note=""
        )
    return drawn


# Rendering under jsdom costs seconds for a big diagram, so every source is parsed (that is where
# Mermaid's grammar and limits bite) and these are also rendered, to read the text a reader sees.
RENDERED = {
    "mermaid": {"tricky er", "tricky lineage", "procurement er", "2,000 tables er", "2,000 tables lineage"},
    "mermaid-11.15": {"tricky er", "tricky lineage", "procurement er"},
}
SAMPLE_RENDERED = 6  # the first three sample tables' neighbourhoods and lineages


@pytest.fixture(scope="session", params=MERMAID_PACKAGES)
def checked(request: pytest.FixtureRequest, diagrams: dict[str, Diagram]) -> dict[str, MermaidResult]:
    """What Mermaid (each package in MERMAID_PACKAGES) makes of every diagram and broken source."""
    sources = {name: d.source for name, d in diagrams.items() if name != "sample catalog failed"}
    sample = [name for name in sources if name.startswith("sample ")][:SAMPLE_RENDERED]
    rendered = RENDERED[request.param] | set(sample if request.param == "mermaid" else ())
    sources |= {f"broken: {name}": source for name, source in BROKEN.items()}
    render = [name in rendered for name in sources]
    results = check_with_mermaid(list(sources.values()), package=request.param, render=render)
    return dict(zip(sources, results, strict=True))


def js_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def test_every_diagram_parses_and_renders_in_mermaid(checked: dict[str, MermaidResult]) -> None:
    failed = {name: r.error for name, r in checked.items() if not name.startswith("broken") and not r.ok}
    assert not failed


@pytest.mark.parametrize("name", BROKEN)
def test_the_check_rejects_broken_diagrams(checked: dict[str, MermaidResult], name: str) -> None:
    result = checked[f"broken: {name}"]
    assert not result.ok
    assert result.error


def test_rendered_labels_keep_the_catalog_names(checked: dict[str, MermaidResult]) -> None:
    er, lineage = checked["tricky er"].texts, checked["tricky lineage"].texts
    for name in TRICKY_NAMES:
        assert name in er
        assert name in lineage
    assert 'has "x"' in er and string.printable.strip() in er  # relationship labels
    assert "nightly load" in lineage and string.printable.strip() in lineage  # process labels
    # Attribute names the grammar cannot hold are sanitised; the comment then gives the real name.
    assert 'the "id" of *it*, _really_ ~x~ direction TB' in er
    assert "Order Date: when" in er and "_x_" in er and "2nd" in er
    assert f"{string.punctuation}: {' '.join(string.printable.split())}" in er
    assert {"decimal_18_2", "varchar_40", "timestamp_with_time_zone", "Größe", "Order_Date"} <= set(er)


def test_er_names_that_are_not_identifiers_get_generated_ids() -> None:
    source = tricky_er().source
    assert '\n  t_Lieferant["Lieferant Ä"]:::fact,focus {' in source
    for plain in ("orders", "Orders", "t_sales_orders"):  # a plain name is its own id
        assert re.search(rf"\n  {plain}(:::\S+)? {{\n", source)
    assert '["quote#34;d"]' in source
    assert '["2019 data"]' in source and "\n  2019" not in source


def test_many_to_one_is_drawn_one_side_first() -> None:
    source = procurement_er().source
    assert '  supplier ||--o{ purchase_order : "supplier_id"' in source
    assert '  purchase_order ||--o{ order_line : "belongs to"' in source
    assert '  supplier ||--o| supplier_profile : "supplier_id"' in source
    assert '  supplier }o--o{ category : "category_id"' in source
    assert '  region ||--o{ supplier : "supplier_id"' in source


def test_an_optional_key_is_drawn_zero_or_one() -> None:
    """A nullable foreign key: an order references zero or one buyer (`|o`), never exactly one."""
    source = procurement_er().source
    assert '  buyer |o--o{ purchase_order : "buyer_id"' in source
    assert '  buyer |o--o| badge : "buyer_id"' in source
    rel = link("purchase_order", "buyer", optional=True)
    assert "references zero or one buyer row" in cardinality_words(rel)
    assert "references exactly one supplier row" in cardinality_words(link("purchase_order", "supplier"))


def test_mermaid_reads_the_optional_key_as_zero_or_one(checked: dict[str, MermaidResult]) -> None:
    edges = {e.id: (e.start, e.end) for e in checked["procurement er"].edges}
    [(start, end)] = [ends for id_, ends in edges.items() if re.search("buyer-.*purchase_order-", id_ or "")]
    assert "zeroOrOne" in (start or "") and "zeroOrMore" in (end or "")


def test_a_related_table_not_given_is_drawn_by_name() -> None:
    diagram = er_diagram([table("purchase_order", "FACT")], [link("purchase_order", "sales.supplier")])
    assert diagram.tables == ("purchase_order", "sales.supplier")
    assert '\n  t_sales_supplier["sales.supplier"]\n' in diagram.source
    assert '  t_sales_supplier ||--o{ purchase_order : "sales.supplier_id"' in diagram.source


def test_mermaid_puts_one_supplier_against_many_orders(checked: dict[str, MermaidResult]) -> None:
    edges = {e.id: (e.start, e.end) for e in checked["procurement er"].edges}
    [(start, end)] = [
        ends for id_, ends in edges.items() if re.search("supplier-.*purchase_order-", id_ or "")
    ]
    assert "onlyOne" in (start or "") and "zeroOrMore" in (end or "")


def test_tables_are_styled_by_type(checked: dict[str, MermaidResult]) -> None:
    er, lineage = procurement_er().source, tricky_lineage().source
    assert "purchase_order:::fact,focus {" in er and "supplier:::dimension {" in er
    assert "classDef fact " in er and "classDef dimension " in er
    assert re.search(r"\n  class \S+ staging\n", lineage) and re.search(r"\n  class \S+ source\n", lineage)
    assert re.search(r"\n  class t_sales_orders center\n", lineage)
    classes = " ".join(checked["procurement er"].classes).split()
    assert {"fact", "dimension", "focus"} <= set(classes)
    classes = " ".join(checked["tricky lineage"].classes).split()
    assert {"fact", "dimension", "staging", "source", "view", "center"} <= set(classes)


def distances(relationships: Iterable[Relationship], start: str) -> dict[str, int]:
    neighbours: dict[str, set[str]] = {}
    for r in relationships:
        neighbours.setdefault(r.from_table, set()).add(r.to_table)
        neighbours.setdefault(r.to_table, set()).add(r.from_table)
    seen, queue = {start: 0}, deque([start])
    while queue:
        current = queue.popleft()
        for nxt in neighbours.get(current, ()):
            if nxt not in seen:
                seen[nxt] = seen[current] + 1
                queue.append(nxt)
    return seen


def test_a_big_catalog_is_cut_to_the_focus_neighbourhood(diagrams: dict[str, Diagram]) -> None:
    diagram, everything = diagrams["2,000 tables er"], synthetic(2000)
    assert js_length(diagram.source) <= MERMAID_MAX_TEXT
    assert diagram.source.count(" ||--o{ ") <= MERMAID_MAX_EDGES
    assert sorted(diagram.tables + diagram.omitted) == sorted(t.name for t in everything)
    assert diagram.tables[0] == "schema.table_0000" and diagram.omitted
    far = distances(scattered_links(2000), "schema.table_0000")
    assert max(far[n] for n in diagram.tables) <= min(far.get(n, 99) for n in diagram.omitted)
    drawn, left = len(diagram.tables), len(diagram.omitted)
    assert diagram.note.startswith(
        f"Showing {drawn} of 2000 tables around schema.table_0000; {left} left out."
    )
    assert "Columns are drawn for schema.table_0000 only" in diagram.note
    focus_block = diagram.source.split("{\n", 1)[1].split("\n  }", 1)[0]
    assert len(focus_block.splitlines()) == 20  # every focus column
    assert diagram.source.count("{\n") == 1  # and no other table's


def test_without_focus_the_best_linked_table_is_the_center(diagrams: dict[str, Diagram]) -> None:
    diagram = diagrams["2,000 tables er, no focus"]
    assert js_length(diagram.source) <= MERMAID_MAX_TEXT and diagram.omitted
    assert diagram.note.startswith(f"Showing {len(diagram.tables)} of 2000 tables; ")


def test_a_smaller_limit_is_kept(diagrams: dict[str, Diagram]) -> None:
    diagram = diagrams["2,000 tables er, 2,000 characters"]
    assert js_length(diagram.source) <= 2_000
    assert diagram.tables[0] == "schema.table_0042"


def test_columns_of_other_tables_go_before_tables(diagrams: dict[str, Diagram]) -> None:
    diagram = diagrams["columns before tables er"]
    assert not diagram.omitted and len(diagram.tables) == 100
    assert js_length(diagram.source) <= MERMAID_MAX_TEXT
    assert diagram.note.startswith("Columns are drawn for schema.table_0001 only (")


def test_key_columns_are_kept_while_they_fit(diagrams: dict[str, Diagram]) -> None:
    diagram = diagrams["keys kept er"]
    assert not diagram.omitted
    assert diagram.note.startswith("Only key columns of the other tables are drawn (")
    assert diagram.source.count(" col_0 PK ") == 60


def test_a_table_too_wide_to_draw_shows_its_first_columns(diagrams: dict[str, Diagram]) -> None:
    diagram = diagrams["wide table er"]
    assert js_length(diagram.source) <= MERMAID_MAX_TEXT
    assert diagram.tables == ("wide",)
    assert re.fullmatch(
        r"Showing 1 of 4 tables around wide; 3 left out\. Only the first \d+ columns of wide "
        r"are drawn \(\d+ left out\)\.",
        diagram.note,
    )


def test_lineage_keeps_to_mermaid_edge_limit(diagrams: dict[str, Diagram]) -> None:
    star = diagrams["700 feeds lineage"]
    assert star.source.count(" --> ") + star.source.count(" -->|") == MERMAID_MAX_EDGES
    assert star.tables[0] == "hub" and len(star.omitted) == 200
    assert star.note == "Showing 501 of 701 tables around hub; 200 left out."
    big = diagrams["2,000 tables lineage"]
    assert js_length(big.source) <= MERMAID_MAX_TEXT and big.tables[0] == "schema.table_0000"
    assert "\n  class t_schema_table_0000 center\n" in big.source


def test_nothing_left_out_means_no_note(diagrams: dict[str, Diagram]) -> None:
    for name in ("tricky er", "tricky lineage", "procurement er"):
        assert diagrams[name].note == "" and diagrams[name].omitted == ()


def test_same_facts_same_text() -> None:
    tables, links = synthetic(300, 5), scattered_links(300)
    first = er_diagram(tables, links, focus=["schema.table_0007"], max_chars=20_000)
    again = er_diagram(tables[::-1], links[::-1], focus=["schema.table_0007"], max_chars=20_000)
    assert first == again
    assert tricky_lineage() == tricky_lineage()


def test_sample_catalog_diagrams(diagrams: dict[str, Diagram], checked: dict[str, MermaidResult]) -> None:
    assert "sample catalog failed" not in diagrams, diagrams.get("sample catalog failed")
    sample = [name for name in checked if name.startswith("sample ")]
    assert sample and all(checked[name].ok for name in sample)
    for name in sample:
        if checked[name].texts:  # rendered
            assert diagrams[name].tables[0] in checked[name].texts


def test_missing_node_modules_fail_with_the_fix() -> None:
    with pytest.raises(pytest.fail.Exception, match="run `npm ci`"):
        check_with_mermaid(["erDiagram\n"], package="mermaid-not-installed")
