"""The explorer's tools, called through the real agent as a model calls them: names, schemas, answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic_ai import models
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from test_steward import BARE, SHOP

from mcop_kernel.agent import NO_SNAPSHOT, TOOLS, ExplorerDeps, build_agent
from mcop_kernel.catalog import JoinPath, SnapshotCatalog, sample_catalog
from mcop_kernel.catalog.sample import bundled_snapshot

models.ALLOW_MODEL_REQUESTS = False

CONTRACT: dict[str, tuple[set[str], set[str]]] = {
    # tool: (arguments it takes, keys every result has)
    "list_tables": (
        {"type", "domain", "offset", "limit", "area", "order", "certified"},
        {"items", "total", "offset", "limit"},
    ),
    "search_catalog": ({"query", "limit", "scope"}, {"query", "hits"}),
    "describe_table": ({"table"}, {"name", "columns", "classification", "certified", "row_count"}),
    "find_relationships": ({"table", "depth"}, {"table", "depth", "tables", "relationships"}),
    "show_er_diagram": (
        {"tables", "depth", "mode"},
        {"diagram", "focus", "tables", "relationships", "omitted", "note", "not_found"},
    ),
    "find_join_path": (
        {"start", "end"},
        {"start", "end", "tables", "steps", "sql", "warning", "alternative"},
    ),
    "trace_lineage": ({"table", "direction", "depth"}, {"center", "edges", "diagram", "omitted"}),
    "lookup_term": ({"term"}, {"name", "definition"}),
    "get_owner": ({"table"}, {"table", "owner", "steward"}),
    "catalog_summary": (
        set(),
        {"title", "tables", "by_type", "columns", "foreign_keys", "terms", "lineage_edges", "domains"}
        | {"schemas", "areas", "people", "holds"},
    ),
    "table_references": ({"table", "limit"}, {"table", "referenced_by", "references"}),
    "get_keys": ({"table"}, {"table", "primary_key", "unique", "foreign_keys"}),
    "find_tables_lacking": ({"what", "limit"}, {"what", "tables", "count", "total", "coverage"}),
    "documentation_coverage": (
        set(),
        {
            "tables",
            "columns",
            "table_descriptions",
            "column_descriptions",
            "owners",
            "stewards",
            "terms_linked",
        },
    ),
    "find_relationships_of_kind": ({"kind", "limit"}, {"kind", "relationships", "tables", "count"}),
    "find_columns": ({"name", "limit", "kind"}, {"query", "columns", "count", "tables"}),
    "largest_tables": ({"limit"}, {"tables", "known", "total"}),
    "assets_of_person": ({"person", "limit"}, {"person", "owns", "stewards", "terms"}),
    "impact_analysis": (
        {"table", "depth", "limit"},
        {"table", "downstream", "referenced_by", "people_to_tell", "note"},
    ),
    "table_status": (
        {"table"},
        {"table", "status", "certified", "classification", "sensitive_columns", "refresh_schedule"}
        | {"last_loaded", "quality_score", "row_count", "unknown", "note"},
    ),
    "find_classified": ({"label", "limit"}, {"label", "tables", "columns", "count"}),
    "compare_tables": (
        {"first", "second"},
        {"first", "second", "shared_columns", "only_first", "only_second", "joined_by", "direct"},
    ),
    "list_glossary": ({"offset", "limit"}, {"terms", "total", "offset"}),
    "list_people": ({"limit"}, {"people", "count"}),
}
EXAMPLES: dict[str, dict[str, Any]] = {
    "list_tables": {"area": "stg", "order": "rows"},
    "search_catalog": {"query": "supplier", "scope": "column"},
    "describe_table": {"table": "supplier"},
    "find_relationships": {"table": "purchase order"},
    "show_er_diagram": {"tables": ["fact_bs_invoice", "dimv_bs_supplier"]},
    "find_join_path": {"start": "fact_bs_invoice", "end": "dimv_bs_supplier"},
    "trace_lineage": {"table": "EKPO"},
    "lookup_term": {"term": "Supplier"},
    "get_owner": {"table": "supplier"},
    "catalog_summary": {},
    "table_references": {"table": "dimv_bs_supplier"},
    "get_keys": {"table": "fact_bs_purchase_order"},
    "find_tables_lacking": {"what": "foreign_keys"},
    "documentation_coverage": {},
    "find_relationships_of_kind": {"kind": "optional"},
    "find_columns": {"name": "currency"},
    "largest_tables": {},
    "assets_of_person": {"person": "Marco Bianchi"},
    "impact_analysis": {"table": "EKPO"},
    "table_status": {"table": "dimv_bs_supplier"},
    "find_classified": {},
    "compare_tables": {"first": "fact_bs_invoice", "second": "fact_bs_payment"},
    "list_glossary": {"limit": 5},
    "list_people": {},
}


async def call(catalog: Any, tool: str, **args: Any) -> dict[str, Any]:
    """Run the explorer agent with a model that calls `tool` once and answers with its result, as JSON."""

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        returns = [p for m in messages for p in getattr(m, "parts", ()) if isinstance(p, ToolReturnPart)]
        if returns:
            return ModelResponse(parts=[TextPart(json.dumps(returns[-1].content))])
        return ModelResponse(parts=[ToolCallPart(tool, args)])

    agent = build_agent(FunctionModel(model))
    result = await agent.run("question", deps=ExplorerDeps(catalog))
    answer: dict[str, Any] = json.loads(result.output)
    return answer


@pytest.fixture(scope="module")
def sample() -> SnapshotCatalog:
    return sample_catalog()


class WithoutSnapshot:
    """A `python:` catalog written before snapshots: every Catalog question but `snapshot()`."""

    def __init__(self, inner: SnapshotCatalog) -> None:
        self._inner = inner
        self.description = "hand-written"

    def __getattr__(self, name: str) -> Any:
        if name == "snapshot":
            raise AttributeError(name)
        return getattr(self._inner, name)


# -- The contract -----------------------------------------------------------------------------------


def test_every_tool_of_the_contract_is_offered_with_its_arguments_described() -> None:
    tools = build_agent(FunctionModel(lambda m, i: ModelResponse(parts=[])))._function_toolset.tools
    assert set(tools) == set(CONTRACT) == {t.__name__ for t in TOOLS}
    for name, (arguments, _) in CONTRACT.items():
        definition = tools[name].tool_def
        schema = definition.parameters_json_schema
        assert set(schema["properties"]) == arguments, name
        assert definition.description and len(definition.description) > 40, name
        for argument, spec in schema["properties"].items():
            assert spec.get("description"), f"{name}({argument}) has no description"
    closed = {
        ("find_tables_lacking", "what"): {
            "foreign_keys",
            "owner",
            "steward",
            "description",
            "primary_key",
            "terms",
        },
        ("find_relationships_of_kind", "kind"): {
            "optional",
            "one-to-one",
            "self-referencing",
            "many-to-many",
        },
        ("show_er_diagram", "mode"): {"auto", "direct", "path", "neighbourhood"},
        ("list_tables", "order"): {"name", "rows", "columns"},
    }
    for (name, argument), choices in closed.items():
        assert set(tools[name].tool_def.parameters_json_schema["properties"][argument]["enum"]) == choices


@pytest.mark.parametrize("tool", sorted(CONTRACT))
async def test_every_tool_answers_with_the_keys_of_the_contract(sample: SnapshotCatalog, tool: str) -> None:
    result = await call(sample, tool, **EXAMPLES[tool])
    assert "error" not in result, result
    assert CONTRACT[tool][1] <= set(result)


@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("table_references", {"table": "zzz_nothing"}),
        ("get_keys", {"table": "zzz_nothing"}),
        ("impact_analysis", {"table": "zzz_nothing"}),
        ("table_status", {"table": "zzz_nothing"}),
        ("compare_tables", {"first": "fact_bs_invoice", "second": "zzz_nothing"}),
        ("assets_of_person", {"person": "Zachary Quinto"}),
        ("list_tables", {"area": "zzz_nothing"}),
    ],
)
async def test_unknown_names_answer_with_an_error_and_suggestions(
    sample: SnapshotCatalog, tool: str, args: dict[str, Any]
) -> None:
    result = await call(sample, tool, **args)
    assert result["error"] and isinstance(result["suggestions"], list)


@pytest.mark.parametrize("tool", ["catalog_summary", "find_tables_lacking", "find_columns", "table_status"])
async def test_a_catalog_without_a_snapshot_says_it_cannot_answer(sample: SnapshotCatalog, tool: str) -> None:
    catalog = WithoutSnapshot(sample)
    args = {
        "find_tables_lacking": {"what": "owner"},
        "find_columns": {"name": "x"},
        "table_status": {"table": "x"},
    }
    assert await call(catalog, tool, **args.get(tool, {})) == {"error": NO_SNAPSHOT, "suggestions": []}
    assert (await call(catalog, "list_tables"))["total"] == len(bundled_snapshot().tables)


async def test_lists_are_bounded_and_counted(sample: SnapshotCatalog) -> None:
    snap = bundled_snapshot()
    lacking = await call(sample, "find_tables_lacking", what="foreign_keys", limit=5)
    assert len(lacking["tables"]) == 5 and lacking["count"] > 5 and lacking["total"] == len(snap.tables)
    page = await call(sample, "list_tables", area="Staging", limit=10_000)
    assert page["limit"] == 200 and page["total"] == sum(1 for t in snap.tables if t.domain == "Staging")


async def test_a_source_without_steward_metadata_says_what_it_does_not_record() -> None:
    catalog = SnapshotCatalog(BARE)
    for tool, args in [
        ("find_tables_lacking", {"what": "owner"}),
        ("documentation_coverage", {}),
        ("largest_tables", {}),
        ("find_classified", {"label": "pii"}),
        ("table_status", {"table": "shop_customer"}),
        ("impact_analysis", {"table": "shop_customer"}),
    ]:
        result = await call(catalog, tool, **args)
        assert result["unknown"] and result["note"], tool
    assert "unknown" not in await call(SnapshotCatalog(SHOP), "find_tables_lacking", what="owner")


async def test_summary_counts_come_first(sample: SnapshotCatalog) -> None:
    snap = bundled_snapshot()
    summary = await call(sample, "catalog_summary")
    assert summary["tables"] == len(snap.tables)
    assert summary["by_type"]["FACT"] == sum(1 for t in snap.tables if t.type == "FACT")
    assert summary["foreign_keys"] == len(snap.relationships)


async def test_search_keeps_to_its_scope(sample: SnapshotCatalog) -> None:
    hits = (await call(sample, "search_catalog", query="supplier", scope="term"))["hits"]
    assert hits and {h["kind"] for h in hits} == {"term"}


async def test_list_tables_by_area_and_by_size() -> None:
    catalog = SnapshotCatalog(SHOP)
    page = await call(catalog, "list_tables", area="catalogue")
    assert {t["name"] for t in page["items"]} == {
        t.name for t in SHOP.tables if t.name.startswith("catalogue_")
    }
    assert page["area"] == {"kind": "area", "name": "catalogue"}
    biggest = await call(catalog, "list_tables", order="rows", limit=2)
    assert [t["name"] for t in biggest["items"]] == ["shop_order", "shop_customer"]


async def test_list_tables_widest_first_and_certified_only(sample: SnapshotCatalog) -> None:
    snapshot = bundled_snapshot()
    widest = await call(sample, "list_tables", order="columns", limit=3)
    most = max(len(t.columns) for t in snapshot.tables)
    assert widest["items"][0]["columns"] == most
    assert [t["columns"] for t in widest["items"]] == sorted(
        (t["columns"] for t in widest["items"]), reverse=True
    )
    certified = await call(sample, "list_tables", certified=True, limit=200)
    assert {t["name"] for t in certified["items"]} == {t.name for t in snapshot.tables if t.certified}
    assert certified["total"] == sum(1 for t in snapshot.tables if t.certified)


# -- Diagrams answer the question asked -------------------------------------------------------------


async def test_relationships_between_two_tables_draw_the_join_path_between_them(
    sample: SnapshotCatalog,
) -> None:
    start, end = "fact_bs_goods_receipt", "dimv_bs_country"
    path = await sample.join_path(start, end)
    assert len(path.steps) >= 2  # the pair is joined through at least one other table
    drawn = await call(sample, "show_er_diagram", tables=[start, end])
    assert drawn["mode"] == "path" and drawn["focus"] == [start, end]
    assert set(drawn["tables"]) == set(path.tables)
    hood = await sample.relationships(start, depth=1)
    near = {t.name for t in hood.tables} - set(path.tables)
    assert near and near <= set(drawn["near"])
    assert any(name in drawn["note"] for name in near)


async def test_one_table_draws_its_direct_neighbours(sample: SnapshotCatalog) -> None:
    hood = await sample.relationships("fact_bs_invoice", depth=1)
    drawn = await call(sample, "show_er_diagram", tables=["fact_bs_invoice"])
    assert drawn["mode"] == "direct" and set(drawn["tables"]) == {t.name for t in hood.tables}


async def test_the_neighbourhood_mode_draws_two_steps(sample: SnapshotCatalog) -> None:
    hood = await sample.relationships("fact_bs_purchase_order", depth=2)
    drawn = await call(sample, "show_er_diagram", tables=["fact_bs_purchase_order"], mode="neighbourhood")
    assert set(drawn["tables"]) | set(drawn["omitted"]) == {t.name for t in hood.tables}
    assert len(drawn["tables"]) > len((await sample.relationships("fact_bs_purchase_order", depth=1)).tables)


async def test_tables_no_path_joins_are_drawn_and_said_to_be_apart() -> None:
    drawn = await call(SnapshotCatalog(SHOP), "show_er_diagram", tables=["audit_log", "shop_order"])
    assert set(drawn["tables"]) == {"audit_log", "shop_order"}
    assert "No join path connects shop_order with audit_log." in drawn["note"]


# -- Join paths carry the engine's warning and alternative --------------------------------------------


class HubWarningCatalog(SnapshotCatalog):
    """A catalog whose join paths come with a hub warning and another path (as the engine gives them)."""

    async def join_path(self, start: str, end: str) -> JoinPath:
        path = await super().join_path(start, end)
        other = await super().join_path(start, start)
        return path.model_copy(update={"warning": "Joins through a hub.", "alternative": other})


async def test_find_join_path_passes_the_warning_and_the_alternative_through() -> None:
    catalog = HubWarningCatalog(SHOP)
    result = await call(catalog, "find_join_path", start="shop_order", end="shop_customer")
    assert result["tables"] == ["shop_order", "shop_customer"]
    assert result["warning"] == "Joins through a hub."
    assert result["alternative"] == {
        "tables": ["shop_order"],
        "steps": [],
        "sql": result["alternative"]["sql"],
    }
    plain = await call(SnapshotCatalog(SHOP), "find_join_path", start="shop_order", end="shop_customer")
    assert plain["warning"] == "" and plain["alternative"] is None


async def test_compare_tables_says_how_they_join() -> None:
    result = await call(SnapshotCatalog(SHOP), "compare_tables", first="shop_customer", second="shop_address")
    assert result["joined_by"] == ["shop_customer", "shop_order", "shop_address"]
    assert result["direct"] is False
