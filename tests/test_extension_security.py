"""The extension under hostile or broken input, inside a real Jupyter server: frames that must not
poison a session, secrets and tokens that must not leave the process, limits, damaged stores,
clients that stop reading, and a deployment's Authorizer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from tornado.httpclient import HTTPResponse
from tornado.websocket import WebSocketClientConnection
from ws_client import ask, receive

from mcop_kernel.store import SQLiteStore

Fetch = Callable[..., Awaitable[HTTPResponse]]
Connect = Callable[..., Awaitable[WebSocketClientConnection]]
OWNER_QUESTION = "who owns the supplier table?"


# ---------------------------------------------------------------------------- frames that must not poison


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
