"""Tool results fit a model's context on a large catalog, alike for the agent's model and an MCP
client: a list too long is cut, says what it left out, and the rest can be paged to."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from pydantic_ai import models
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel

from mcop_kernel import mcp_tools
from mcop_kernel.agent import ExplorerDeps, build_agent
from mcop_kernel.catalog import SnapshotCatalog
from mcop_kernel.catalog.snapshot import CatalogSnapshot
from mcop_kernel.catalog.synthetic import synthetic_snapshot
from mcop_kernel.mcp_tools import CatalogTools
from mcop_kernel.tools import MAX_RESULT_CHARS
from mcop_kernel.tools.budget import fit, size_of

models.ALLOW_MODEL_REQUESTS = False


@pytest.fixture(scope="module")
def snapshot() -> CatalogSnapshot:
    return synthetic_snapshot(tables=400, columns=8_000, foreign_keys=2_000)


@pytest.fixture(scope="module")
def warehouse(snapshot: CatalogSnapshot) -> SnapshotCatalog:
    return SnapshotCatalog(snapshot)


async def through_the_agent(catalog: Any, tool: str, **args: Any) -> dict[str, Any]:
    """The result the agent's model is given when it calls `tool`."""

    def model(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
        returns = [p for m in messages for p in getattr(m, "parts", ()) if isinstance(p, ToolReturnPart)]
        if returns:
            return ModelResponse(parts=[TextPart(json.dumps(returns[-1].content))])
        return ModelResponse(parts=[ToolCallPart(tool, args)])

    result = await build_agent(FunctionModel(model)).run("question", deps=ExplorerDeps(catalog))
    answer: dict[str, Any] = json.loads(result.output)
    return answer


async def through_mcp(catalog: Any, tool: str, **args: Any) -> dict[str, Any]:
    """The result an MCP client is given, as the text it reads."""
    result = await CatalogTools(catalog).call(tool, args)
    answer: dict[str, Any] = json.loads(result.content[0].text)  # type: ignore[union-attr]
    return answer


@pytest.mark.parametrize("call", [through_the_agent, through_mcp], ids=["agent", "mcp"])
async def test_a_long_page_is_cut_to_fit_and_says_where_the_rest_begins(
    warehouse: SnapshotCatalog, call: Any
) -> None:
    first = await call(warehouse, "list_tables", limit=200)
    assert size_of(first) <= MAX_RESULT_CHARS
    shown = first["truncated"]["items"]["shown"]
    assert first["total"] == 400 and 0 < shown == len(first["items"]) < 200
    assert f"offset={shown}" in first["note"]
    following = await call(warehouse, "list_tables", offset=shown, limit=200)
    seam = await call(warehouse, "list_tables", offset=shown - 1, limit=2)
    assert [t["name"] for t in seam["items"]] == [first["items"][-1]["name"], following["items"][0]["name"]]


@pytest.mark.parametrize("call", [through_the_agent, through_mcp], ids=["agent", "mcp"])
async def test_a_wide_neighbourhood_is_cut_with_a_note(
    snapshot: CatalogSnapshot, warehouse: SnapshotCatalog, call: Any
) -> None:
    referenced = Counter(c.foreign_key.table for t in snapshot.tables for c in t.columns if c.foreign_key)
    hub = referenced.most_common(1)[0][0]
    near = await call(warehouse, "find_relationships", table=hub, depth=3)
    assert size_of(near) <= MAX_RESULT_CHARS
    assert "cut to fit" in near["note"] and set(near["truncated"]) <= {"tables", "relationships"}
    assert near["truncated"]["relationships"]["of"] > len(near["relationships"])


async def test_results_that_fit_are_left_as_they_are(warehouse: SnapshotCatalog) -> None:
    page = await through_mcp(warehouse, "list_tables", limit=10)
    assert "truncated" not in page and len(page["items"]) == 10
    result = {"items": [1, 2, 3], "note": "as written"}
    assert fit(result) is result


def test_a_long_text_is_shortened_when_cutting_lists_is_not_enough() -> None:
    result = {"table": "t", "description": "x" * 50_000, "columns": [{"name": f"c{i}"} for i in range(3)]}
    fitted = fit(result, budget=4_000)
    assert size_of(fitted) <= 4_000 and fitted["description"].endswith("…")
    assert fitted["table"] == "t" and result["description"] == "x" * 50_000  # the tool's own is untouched


def test_nested_lists_are_cut_and_named_by_their_path() -> None:
    result = {"first": {"name": "a", "columns": ["col" * 20] * 400}, "second": {"name": "b", "columns": []}}
    fitted = fit(result, budget=3_000)
    assert size_of(fitted) <= 3_000 and fitted["truncated"]["first.columns"]["of"] == 400
    assert "smaller limit" in fitted["note"]


async def test_a_diagram_too_large_to_send_says_how_to_get_one_that_fits(
    snapshot: CatalogSnapshot, warehouse: SnapshotCatalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    referenced = Counter(c.foreign_key.table for t in snapshot.tables for c in t.columns if c.foreign_key)
    hub = referenced.most_common(1)[0][0]
    tools = CatalogTools(warehouse)
    drawn = (
        await tools.call("show_er_diagram", {"tables": [hub], "mode": "neighbourhood"})
    ).structured_content
    assert drawn["mermaid"].startswith("erDiagram")
    monkeypatch.setattr(mcp_tools, "MAX_RESULT_CHARS", len(drawn["mermaid"]) // 2)
    wide = (
        await tools.call("show_er_diagram", {"tables": [hub], "mode": "neighbourhood"})
    ).structured_content
    assert wide["mermaid"] is None and 'mode "direct"' in wide["note"]
    assert wide["tables"] == drawn["tables"]  # the facts still come, only the drawing is left out
