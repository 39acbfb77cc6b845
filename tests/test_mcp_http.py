"""`{base_url}mcop/mcp` in a real Jupyter server, spoken to by the MCP SDK's own streamable-HTTP client:
the same tools as `mcop mcp`, behind Jupyter's token, its Authorizer and its origin rules. Every test
runs in both modes: the tools over the server's catalog, and over the catalog in the user's kernel."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.identity import User
from jupyter_server.base.handlers import JupyterHandler
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from ws_client import both_modes as jp_server_config
from ws_client import sessions_in

from mcop_kernel.tools import TOOLS

__all__ = ["jp_server_config", "sessions_in"]  # every test here runs in both modes
Open = Callable[..., Any]
ACCEPT = {"Accept": "application/json, text/event-stream"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}


@pytest.fixture
def mcp_url(jp_fetch: Any, jp_http_port: int, jp_base_url: str) -> str:
    """The endpoint's URL in the test's server (`jp_fetch` has it listen on 127.0.0.1)."""
    return f"http://127.0.0.1:{jp_http_port}{jp_base_url}mcop/mcp"


@pytest.fixture
def connect(mcp_url: str, jp_auth_header: dict[str, str]) -> Open:
    """`async with connect(mode) as client:` an MCP client of the test's server, with its token."""

    @asynccontextmanager
    async def open_client(mode: str = "auto", headers: dict[str, str] | None = None) -> AsyncIterator[Client]:
        async with (
            httpx2.AsyncClient(headers=jp_auth_header if headers is None else headers, timeout=30) as http,
            Client(streamable_http_client(mcp_url, http_client=http), mode=mode) as client,
        ):
            yield client

    return open_client


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_the_tools_answer_over_http_with_the_token(connect: Open, mode: str) -> None:
    async with connect(mode) as client:
        listed = (await client.list_tools()).tools
        assert [t.name for t in listed] == [tool.__name__ for tool in TOOLS]
        summary = await client.call_tool("catalog_summary", {})
        assert not summary.is_error and summary.structured_content["tables"] > 10
        described = await client.call_tool("describe_table", {"table": "suppliers"})
        assert json.loads(described.content[0].text)["name"] == "dimv_bs_supplier"  # type: ignore[union-attr]
        unknown = await client.call_tool("table_status", {"table": "purchase_thing"})
        assert unknown.is_error and unknown.structured_content["suggestions"]
        lineage = await client.call_tool("trace_lineage", {"table": "EKPO"})
        assert lineage.structured_content["mermaid"].startswith("flowchart")


def errors_in(group: BaseException) -> list[BaseException]:
    """The exceptions inside (nested) exception groups."""
    if isinstance(group, BaseExceptionGroup):
        return [inner for member in group.exceptions for inner in errors_in(member)]
    return [group]


async def test_without_the_token_the_endpoint_refuses(mcp_url: str, connect: Open) -> None:
    async with httpx2.AsyncClient(timeout=30) as http:
        refused = await http.post(mcp_url, json=INITIALIZE, headers=ACCEPT)
        wrong = await http.post(mcp_url, json=INITIALIZE, headers=ACCEPT | {"Authorization": "token wrong"})
        listing = await http.get(mcp_url, headers=ACCEPT)
    assert refused.status_code == wrong.status_code == listing.status_code == 403
    with pytest.raises(BaseExceptionGroup) as failed:
        async with connect("legacy", headers={}) as client:
            await client.list_tools()
    assert any(isinstance(error, MCPError) for error in errors_in(failed.value))


async def test_the_token_and_bearer_forms_both_work_and_the_answer_carries_no_secret(
    mcp_url: str, jp_auth_header: dict[str, str], caplog: pytest.LogCaptureFixture
) -> None:
    token = jp_auth_header["Authorization"].split()[-1]
    started = len(caplog.records)  # Jupyter's own start-up lines print the login URL, token and all
    async with httpx2.AsyncClient(timeout=30) as http:
        for header in (f"token {token}", f"Bearer {token}"):
            answer = await http.post(mcp_url, json=INITIALIZE, headers=ACCEPT | {"Authorization": header})
            assert answer.status_code == 200, answer.text
            assert answer.json()["result"]["serverInfo"]["name"] == "mcop-explorer"
            assert token not in answer.text and token not in str(answer.headers)
        authorized = ACCEPT | {"Authorization": f"token {token}"}
        stream = await http.get(mcp_url, headers=authorized)
        assert stream.status_code == 405 and stream.headers["Allow"] == "POST"  # no stream to open
        await http.post(mcp_url, json={"jsonrpc": "2.0"}, headers=authorized)  # not a message
    assert not [r for r in caplog.records[started:] if token in r.getMessage()]


async def test_a_login_cookie_needs_the_xsrf_token_and_the_page_s_own_origin(
    mcp_url: str, jp_base_url: str, jp_auth_header: dict[str, str]
) -> None:
    """As for every Jupyter API: a page of the server itself (cookie and XSRF token) is served; a
    request riding on the cookie alone, or from another site, is not."""
    base = mcp_url.removesuffix("mcop/mcp")
    async with httpx2.AsyncClient(timeout=30) as browser:
        await browser.get(base + "api/status", headers=jp_auth_header)  # logs in: the cookie is set
        await browser.get(base + "lab")  # a page: the XSRF cookie is set
        xsrf = {"X-XSRFToken": browser.cookies["_xsrf"]}
        cookie_only = await browser.post(mcp_url, json=INITIALIZE, headers=ACCEPT)
        other_site = await browser.post(
            mcp_url, json=INITIALIZE, headers=ACCEPT | xsrf | {"Origin": "http://elsewhere.example"}
        )
        own_page = await browser.post(mcp_url, json=INITIALIZE, headers=ACCEPT | xsrf)
    assert cookie_only.status_code == 403 and other_site.status_code in (403, 404)
    assert own_page.status_code == 200


class NoExplorer(Authorizer):
    """Everything of Jupyter's, nothing on the "mcop" resource."""

    def is_authorized(self, handler: JupyterHandler, user: User, action: str, resource: str) -> bool:
        return resource != "mcop"


@pytest.mark.parametrize("server_config", [{"ServerApp": {"authorizer_class": NoExplorer}}])
async def test_an_authorizer_that_refuses_reading_the_explorer_gets_403(
    mcp_url: str, jp_auth_header: dict[str, str]
) -> None:
    async with httpx2.AsyncClient(timeout=30, headers=jp_auth_header) as http:
        answer = await http.post(
            mcp_url, json=INITIALIZE, headers={"Accept": "application/json, text/event-stream"}
        )
        status = await http.get(mcp_url.replace("mcop/mcp", "api/status"))
    assert answer.status_code == 403 and status.status_code == 200


@pytest.mark.parametrize("server_settings", [{"catalog": "nowhere:at-all"}])
async def test_a_server_whose_catalog_cannot_be_used_says_so(
    mcp_url: str, jp_auth_header: dict[str, str]
) -> None:
    async with httpx2.AsyncClient(timeout=30, headers=jp_auth_header) as http:
        answer = await http.post(mcp_url, json=INITIALIZE, headers=ACCEPT)
    assert answer.status_code == 503 and "Unknown catalog" in answer.json()["message"]
