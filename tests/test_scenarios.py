"""The original design's scenarios, end to end through a session with the default (offline) model."""

from __future__ import annotations

from pydantic_ai import models

from mcop_kernel import AgentEvent, ExplorerSession, PartialEvent, ToolEvent, UserEvent, session_config

models.ALLOW_MODEL_REQUESTS = False


async def ask(question: str) -> list[object]:
    session = await ExplorerSession.open("scenario", session_config())
    return [event async for event in session.ask(question)]


async def test_show_me_all_tables() -> None:
    events = await ask("Show me all tables")
    assert events[0] == UserEvent("Show me all tables")
    assert any(isinstance(e, PartialEvent) for e in events)
    assert any(isinstance(e, ToolEvent) and e.tool_name == "list_tables" for e in events)
    final = events[-1]
    assert isinstance(final, AgentEvent)
    assert "fact_bs_purchase_order (FACT)" in final.content
    assert "dimv_bs_supplier (DIMENSION)" in final.content
    assert final.diagram is None


async def test_relationships_end_with_an_er_diagram_of_both_tables() -> None:
    events = await ask("Show relationships between fact_bs_purchase_order and suppliers")
    kinds = [getattr(e, "kind", "") for e in events]
    first_tool, final = kinds.index("tool"), events[-1]
    assert "agent_partial" in kinds[:first_tool], "the answer starts streaming before the tool runs"
    assert "agent_partial" in kinds[first_tool:], "and goes on streaming after it"
    assert isinstance(final, AgentEvent)
    assert final.diagram is not None and final.diagram.startswith("erDiagram")
    assert "dimv_bs_supplier ||--o{ fact_bs_purchase_order" in final.diagram  # one supplier, many orders
    assert "supplier_key" in final.content
    partial_text = "".join(e.delta for e in events if isinstance(e, PartialEvent))
    assert partial_text == final.content


async def test_lineage_ends_with_a_flowchart_from_the_source_system() -> None:
    events = await ask("Where does fact_bs_purchase_order come from?")
    final = events[-1]
    assert isinstance(final, AgentEvent)
    assert final.diagram is not None and final.diagram.startswith("flowchart LR")
    assert "EKKO" in final.diagram and "stg_bs_purchase_order" in final.diagram
