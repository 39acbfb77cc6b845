"""Hostile input and clients, inside a real Jupyter server: a frame that must not poison a session,
limits refused clearly (400, 413, 429), and a client that stops reading."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from refusals import OWNER_QUESTION, ag_ui_run, refusal
from server_process import TOKEN, ServerProcess
from tornado.httpclient import HTTPClientError, HTTPResponse
from tornado.websocket import WebSocketClientConnection
from ws_client import SESSIONS_IN, ask, receive, stuck_client, unread_bytes
from ws_client import both_modes as jp_server_config

from mcop_kernel.store import SQLiteStore

Fetch = Callable[..., Awaitable[HTTPResponse]]
Connect = Callable[..., Awaitable[WebSocketClientConnection]]
__all__ = ["jp_server_config"]  # tests that take `sessions_in` by parametrize run in that mode


@pytest.fixture
def sessions_in() -> str:
    return "server"


# ---------------------------------------------------------------------------- frames that must not poison


@pytest.mark.parametrize("sessions_in", SESSIONS_IN)
async def test_a_lone_surrogate_is_refused_and_the_session_keeps_answering_and_saving(
    mcop_ws: Connect, store_path: Path
) -> None:
    frame = '{"content": "tables \\ud800"}'  # a JSON escape Python's json accepts
    v1 = await mcop_ws("surrogate")
    await v1.write_message(frame)
    refusal = await receive(v1)
    assert refusal["type"] == "error" and "lone surrogate" in refusal["content"]
    v2 = await mcop_ws("surrogate", params={"protocol": "2"})
    await v2.write_message(frame)
    assert (await receive(v2))["code"] == "invalid_content"

    assert (await ask(v1, OWNER_QUESTION))[-1]["type"] == "agent"
    another = await mcop_ws("surrogate")  # the session answers on any connection
    assert (await ask(another, "Show me all tables"))[-1]["type"] == "agent"
    store = SQLiteStore(store_path)
    try:
        saved = store.load("owner", "surrogate")
    finally:
        store.close()
    assert [x.question for x in saved.transcript] == [OWNER_QUESTION, "Show me all tables"]
    assert len(saved.history) >= 4  # both questions and answers are in the model history


async def test_a_last_seq_too_long_for_a_number_is_refused_with_400(mcop_ws: Connect) -> None:
    with pytest.raises(HTTPClientError) as refused:
        await mcop_ws("digits", params={"protocol": "2", "last_seq": "9" * 5000})
    assert refused.value.code == 400
    assert refused.value.response is not None
    assert "last_seq must be a whole number of at most 18 digits" in refused.value.response.body.decode()
    for odd in ("²", "-1", "1.5"):
        with pytest.raises(HTTPClientError) as refused:
            await mcop_ws("digits", params={"last_seq": odd})
        assert refused.value.code == 400


@pytest.mark.parametrize("sessions_in", SESSIONS_IN)
async def test_an_ag_ui_tool_result_for_an_unknown_call_is_refused_with_400(jp_fetch: Fetch) -> None:
    body = ag_ui_run(
        {"id": "m1", "role": "user", "content": OWNER_QUESTION},
        {"id": "m2", "role": "tool", "content": "{}", "toolCallId": "no-such-call"},
    )
    code, message = await refusal(jp_fetch, "mcop", "ag-ui", method="POST", body=body)
    assert code == 400 and "no-such-call" in message and "not found" in message


@pytest.mark.parametrize("sessions_in", SESSIONS_IN)
@pytest.mark.parametrize("server_settings", [{"max_question_chars": 1000}])
async def test_an_ag_ui_question_over_the_limit_is_refused(jp_fetch: Fetch) -> None:
    body = ag_ui_run({"id": "m1", "role": "user", "content": "x" * 200_000})
    code, message = await refusal(jp_fetch, "mcop", "ag-ui", method="POST", body=body)
    assert (code, message) == (400, "A question is 200,000 characters; the limit is 1,000.")
    huge = ag_ui_run(
        {"id": "m1", "role": "user", "content": "hi"},
        *[{"id": f"a{i}", "role": "assistant", "content": "y" * 100_000} for i in range(12)],
    )
    code, message = await refusal(jp_fetch, "mcop", "ag-ui", method="POST", body=huge)
    assert code == 413 and "at most 1,048,576 bytes" in message


@pytest.mark.parametrize("sessions_in", SESSIONS_IN)
@pytest.mark.parametrize("server_model", ["synthetic:200:10"])
@pytest.mark.parametrize("server_settings", [{"max_ag_ui_runs": 1}])
async def test_ag_ui_runs_beyond_the_limit_are_refused_with_429(jp_fetch: Fetch) -> None:
    started = asyncio.Event()
    first = asyncio.ensure_future(
        jp_fetch("mcop", "ag-ui", method="POST", body=ag_ui_run(), streaming_callback=lambda _: started.set())
    )
    try:
        await asyncio.wait_for(started.wait(), 60)  # a kernel that is still starting, too
        code, message = await refusal(jp_fetch, "mcop", "ag-ui", method="POST", body=ag_ui_run())
        assert code == 429 and "1 AG-UI runs are already in progress (the limit is 1)" in message
        assert (await asyncio.wait_for(first, 20)).code == 200
    finally:
        first.cancel()
    assert (await jp_fetch("mcop", "ag-ui", method="POST", body=ag_ui_run())).code == 200


# ---------------------------------------------------------------------------- a client that stops reading


@pytest.mark.parametrize("mode", SESSIONS_IN)
async def test_a_client_that_stops_reading_is_dropped_after_the_stall_timeout(
    tmp_path: Path, mode: str
) -> None:
    stall = 2.0
    settings = (
        "--ServerApp.jpserver_extensions=mcop_extension=True",
        f"--MCOPExtension.sessions_in={mode}",  # in a kernel, the kernel drops it: the server stops acking
        "--MCOPExtension.model=synthetic:20000",
        "--MCOPExtension.answer_timeout=120",
        "--MCOPExtension.partial_window_ms=0",  # v1, the text so far in every message: megabytes at once
        f"--MCOPExtension.stall_timeout={stall}",
        "--ServerApp.websocket_ping_interval=1",  # pings go out while the client is stuck
    )
    async with ServerProcess.start(tmp_path, *settings, timeout=60) as server:
        port = int(server.url.rstrip("/").rsplit(":", 1)[1])
        client = stuck_client(port, "/mcop/ws/stuck", TOKEN, "go")
        asked, dropped, log = time.monotonic(), None, tmp_path / "server.log"
        try:
            while dropped is None and time.monotonic() < asked + 60:
                await asyncio.sleep(0.05)
                if "stopped reading" in log.read_text():
                    dropped = time.monotonic()
            assert unread_bytes(client) > 64 * 1024  # it really had a backlog it did not read
            assert (await server.fetch("mcop/api/info")).code == 200
        finally:
            client.close()
    assert dropped is not None, "the stuck client was never dropped"
    assert stall <= dropped - asked <= stall + 6  # filling the buffers takes a moment, then 2 s
    text = log.read_text()
    assert text.count("stopped reading") == 1
    assert "Traceback" not in text and "CancelledError" not in text
