"""Secrets and tokens never leave the process: not to a client, the store or a log line, whatever
form a password takes in a catalog URL or the environment (a real Jupyter server)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from refusals import ag_ui_run
from server_process import TOKEN, ServerProcess
from tornado.httpclient import HTTPClientError, HTTPResponse
from tornado.websocket import WebSocketClientConnection
from ws_client import SESSIONS_IN, ask, sessions_in
from ws_client import both_modes as jp_server_config

from mcop_kernel.secrets import redact

Fetch = Callable[..., Awaitable[HTTPResponse]]
Connect = Callable[..., Awaitable[WebSocketClientConnection]]
__all__ = ["jp_server_config", "sessions_in"]  # every test with a server runs in both modes
PARAMETERS = ("password", "pwd", "secret", "token", "api_key", "access_token")


# ---------------------------------------------------------------------------- secrets never leave the process

SECRET = "S3cr3t-pa55-word"
CATALOG = "sql:postgresql+psycopg://steward@127.0.0.1:9/dw"  # nothing listens on port 9


@pytest.mark.parametrize(
    "text",
    [
        f"{CATALOG}?password={SECRET}",
        f"{CATALOG}?sslmode=disable&pwd={SECRET}",
        f"{CATALOG}?secret={SECRET}#x",
        f"{CATALOG}?token={SECRET}&a=b",
        f"{CATALOG}?api_key={SECRET}",
        f"{CATALOG}?access_token={SECRET}",
        f"postgresql://steward:{SECRET}@db/dw",
        f"host=db user=steward password={SECRET} dbname=dw",
        f"Server=db;Uid=steward;Pwd={SECRET};",
        f"{{'password': '{SECRET}', 'user': 'steward'}}",
        f"GET /mcop/ws/s?protocol=9&token={SECRET} (127.0.0.1)",
    ],
)
def test_redact_masks_every_form_of_a_password(text: str) -> None:
    masked = redact(text)
    assert SECRET not in masked and "***" in masked
    assert "steward" in masked or "mcop/ws" in masked or "dw" in masked  # the rest stays readable
    assert redact(f"later, bare: {SECRET}.") == "later, bare: ***."  # once seen, masked anywhere


@pytest.mark.parametrize(
    ("server_settings", "server_env"),
    [
        *[({"catalog": f"{CATALOG}?{name}={SECRET}"}, {}) for name in PARAMETERS],
        ({"catalog": f"{CATALOG}?application_name={SECRET}"}, {"DW_SERVICE_PASSWORD": SECRET}),
    ],
    ids=[*PARAMETERS, "environment"],
)
async def test_a_catalog_password_reaches_no_client_and_no_store(
    jp_fetch: Fetch, mcop_ws: Connect, store_path: Path
) -> None:
    info = (await jp_fetch("mcop", "api", "info")).body.decode()
    assert "postgresql+psycopg://steward@127.0.0.1:9/dw?" in info and SECRET not in info
    for version in ("1", "2"):
        final = (await ask(await mcop_ws("pw", params={"protocol": version}), "Show me all tables"))[-1]
        assert final["type"] == "error" and "could not be read" in final["content"]
        assert SECRET not in json.dumps(final)
    transcript = (await jp_fetch("mcop", "api", "sessions", "pw", "transcript")).body.decode()
    assert "could not be read" in transcript and SECRET not in transcript
    assert SECRET.encode() not in store_path.read_bytes()
    ag_ui = (await jp_fetch("mcop", "ag-ui", method="POST", body=ag_ui_run())).body.decode()
    assert "RUN_ERROR" in ag_ui and SECRET not in ag_ui


@pytest.mark.parametrize("mode", SESSIONS_IN)
async def test_no_secret_and_no_token_reaches_the_server_log(tmp_path: Path, mode: str) -> None:
    settings = (  # the log holds what the kernels write too: they inherit the server's stderr
        "--ServerApp.jpserver_extensions=mcop_extension=True",
        f"--MCOPExtension.sessions_in={mode}",
        f"--MCOPExtension.catalog={CATALOG}?password={SECRET}",
        f"--MCOPExtension.store_path={tmp_path / 'sessions.sqlite'}",
    )
    async with ServerProcess.start(tmp_path, *settings, timeout=60) as server:
        assert SECRET not in (await server.fetch("mcop/api/info")).body.decode()
        refused = await server.fetch(f"mcop/api/sessions/a%20b/transcript?password={SECRET}")
        assert refused.code == 400
        ws = await server.websocket("mcop/ws/pw")
        try:
            assert (await ask(ws, "Show me all tables"))[-1]["type"] == "error"
        finally:
            ws.close()
        assert (await server.post("mcop/ag-ui", ag_ui_run())).code == 200
    log = (tmp_path / "server.log").read_text()
    assert "GET /mcop/api/sessions/a%20b/transcript?password=*** " in log
    assert SECRET not in log


@pytest.mark.parametrize("mode", SESSIONS_IN)
async def test_a_refused_request_carrying_the_token_leaves_no_token_in_the_log(
    tmp_path: Path, mode: str
) -> None:
    settings = (
        "--ServerApp.jpserver_extensions=mcop_extension=True",
        f"--MCOPExtension.sessions_in={mode}",
        "--ServerApp.log_level=INFO",
    )
    token = f"token={TOKEN}"
    async with ServerProcess.start(tmp_path, *settings, timeout=60) as server:
        for path in (
            f"mcop/ws/s?{token}&protocol=9",
            f"mcop/ws/s?last_seq=x&{token}",
            f"mcop/ws/a%20b?{token}",
        ):
            with pytest.raises(HTTPClientError) as refused:
                await server.websocket(path, headers={})
            assert refused.value.code == 400
        response = await server.fetch(f"mcop/api/sessions/a%20b/transcript?{token}", headers={"X": "-"})
        assert response.code == 400
    log = (tmp_path / "server.log").read_text()
    assert log.count("400 GET /mcop/") >= 8  # each refusal: Tornado's line and Jupyter's request line
    assert TOKEN not in log
