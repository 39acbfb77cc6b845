"""Sessions in the kernels of a real Jupyter Enterprise Gateway: a Jupyter server started with
`--gateway-url` relays the WebSocket to MCOP kernels that the gateway launched (see gateway.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gateway import GATEWAY, enterprise_gateway
from server_process import ServerProcess
from tornado.httpclient import AsyncHTTPClient
from ws_client import ask, receive, until_final

pytestmark = pytest.mark.skipif(
    not GATEWAY, reason="Enterprise Gateway is not installed (set MCOP_GATEWAY, see tests/gateway.py)"
)
OWNER_QUESTION = "who owns the supplier table?"


async def test_websocket_sessions_run_in_the_gateways_kernels(tmp_path: Path) -> None:
    async with enterprise_gateway(tmp_path) as gateway_url:
        settings = (
            "--ServerApp.jpserver_extensions=mcop_extension=True",
            "--MCOPExtension.sessions_in=kernel",
            f"--MCOPExtension.store_path={tmp_path / 'sessions.sqlite'}",
            "--MCOPExtension.model=synthetic:300:5",
            f"--gateway-url={gateway_url}",
        )
        async with ServerProcess.start(tmp_path, *settings) as server:
            ws = await server.websocket("mcop/ws/gw?protocol=2")
            tab = await server.websocket("mcop/ws/gw?protocol=2")
            try:
                answer = await ask(ws, "go", timeout=60)
                seen_by_tab = await until_final(tab, timeout=30)  # several tabs, one session
                await ws.write_message(json.dumps({"content": "again"}))
                assert (await receive(ws, 30))["type"] == "user"
                await ws.write_message(json.dumps({"type": "cancel"}))
                cancelled = (await until_final(ws, timeout=30))[-1]
            finally:
                ws.close()
                tab.close()
            kernels = await AsyncHTTPClient().fetch(gateway_url + "/api/kernels")
            transcript = await server.fetch("mcop/api/sessions/gw/transcript")
    assert answer[-1]["type"] == "agent" and answer[-1]["content"].startswith("token0 ")
    assert seen_by_tab[-1] == answer[-1]
    assert cancelled["type"] == "error" and cancelled["code"] == "cancelled"
    assert [k["name"] for k in json.loads(kernels.body)] == ["mcop"]  # the gateway ran the session
    assert [x["question"] for x in json.loads(transcript.body)["exchanges"]] == ["go", "again"]
