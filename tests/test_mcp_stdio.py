"""`mcop mcp` as an MCP client starts it: a subprocess spoken to over stdio by the MCP SDK's own client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from mcop_kernel.agent import build_agent
from mcop_kernel.catalog.sample import bundled_snapshot
from mcop_kernel.catalog.synthetic import synthetic_snapshot, write_sqlite

MCOP = str(Path(sys.executable).with_name("mcop"))
TABLES = {table.name for table in bundled_snapshot().tables}


def server(*args: str) -> Client:
    return Client(StdioServerParameters(command=MCOP, args=["mcp", *args]), mode="legacy")


def agent_tool_definitions() -> dict[str, dict[str, Any]]:
    """What the explorer agent's model is offered, by name."""
    tools = build_agent()._function_toolset.tools
    return {
        name: {"description": t.tool_def.description, "schema": t.tool_def.parameters_json_schema}
        for name, t in tools.items()
    }


async def test_mcop_mcp_offers_the_agents_tools_and_answers_with_the_catalog() -> None:
    async with server() as client:
        listed = (await client.list_tools()).tools
        offered = {t.name: {"description": t.description, "schema": t.input_schema} for t in listed}
        assert offered == agent_tool_definitions()
        assert all(t.annotations and t.annotations.read_only_hint for t in listed)

        described = await client.call_tool("describe_table", {"table": "suppliers"})
        table = json.loads(described.content[0].text)  # type: ignore[union-attr]
        assert not described.is_error and table["name"] == "dimv_bs_supplier" and table["columns"]
        assert described.structured_content == table

        unknown = await client.call_tool("get_owner", {"table": "purchase_thing"})
        answer = unknown.structured_content
        assert unknown.is_error and "purchase_thing" in answer["error"]
        assert answer["suggestions"] and set(answer["suggestions"]) <= TABLES

        drawn = await client.call_tool("show_er_diagram", {"tables": ["fact_bs_invoice", "dimv_bs_supplier"]})
        assert drawn.structured_content["mermaid"].startswith("erDiagram")
        assert "fact_bs_invoice" in drawn.structured_content["mermaid"]

        path = await client.call_tool(
            "find_join_path", {"start": "fact_bs_invoice", "end": "dimv_bs_supplier"}
        )
        assert "JOIN" in path.structured_content["sql"]

        wrong = await client.call_tool("find_tables_lacking", {"what": "colour"})
        assert wrong.is_error and "what" in wrong.content[0].text  # type: ignore[union-attr]
        missing = await client.call_tool("drop_table", {"table": "x"})
        assert missing.is_error and "list_tables" in missing.content[0].text  # type: ignore[union-attr]


async def test_mcop_mcp_serves_the_catalog_it_is_given(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.db"
    write_sqlite(synthetic_snapshot(tables=60, columns=600, foreign_keys=90), database)
    async with server("--catalog", f"sql:sqlite:///{database}") as client:
        summary = (await client.call_tool("catalog_summary", {})).structured_content
        assert summary["tables"] == 60
        page = (await client.call_tool("list_tables", {"offset": 50, "limit": 20})).structured_content
        assert page["total"] == 60 and len(page["items"]) == 10


def test_a_catalog_it_cannot_use_is_said_on_stderr_and_nothing_on_stdout() -> None:
    done = subprocess.run(
        [MCOP, "mcp", "--catalog", "nowhere:at-all"],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert "Unknown catalog" in done.stderr


@pytest.mark.parametrize("line", ["not json at all"])
def test_stdout_carries_only_the_protocol(line: str) -> None:
    hello = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    }
    listing = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}
    talk = "\n".join(
        [
            json.dumps(hello),
            json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}),
            line,
            json.dumps(listing),
        ]
    )
    done = subprocess.run([MCOP, "mcp"], input=talk + "\n", capture_output=True, text=True, timeout=120)
    replies = [json.loads(reply) for reply in done.stdout.splitlines()]  # every line is a JSON-RPC message
    assert done.returncode == 0
    assert replies[0]["result"]["serverInfo"]["name"] == "mcop-explorer"
    assert any(
        len(reply.get("result", {}).get("tools", [])) == len(agent_tool_definitions()) for reply in replies
    )
