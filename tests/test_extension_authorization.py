"""A deployment's Authorizer decides who may read the explorer and who may ask it, inside a real
Jupyter server: a refusal is a 403 on every endpoint, and the rest of Jupyter still answers."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable

import pytest
from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.identity import User
from jupyter_server.base.handlers import JupyterHandler
from refusals import ag_ui_run, refusal
from tornado.httpclient import HTTPClientError, HTTPResponse
from tornado.websocket import WebSocketClientConnection
from ws_client import both_modes as jp_server_config
from ws_client import sessions_in

Fetch = Callable[..., Awaitable[HTTPResponse]]
Connect = Callable[..., Awaitable[WebSocketClientConnection]]
__all__ = ["jp_server_config", "sessions_in"]  # every test here runs in both modes


# ---------------------------------------------------------------------------- a deployment's Authorizer


class NoExplorer(Authorizer):
    """Everything of Jupyter's, nothing on the "mcop" resource."""

    def is_authorized(self, handler: JupyterHandler, user: User, action: str, resource: str) -> bool:
        return resource != "mcop"


class ReadOnlyExplorer(Authorizer):
    """Reading the explorer (info, transcripts) but not asking it anything."""

    def is_authorized(self, handler: JupyterHandler, user: User, action: str, resource: str) -> bool:
        return resource != "mcop" or action == "read"


def authorizer(cls: type[Authorizer]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(
        "server_config", [{"ServerApp": {"authorizer_class": cls}}], ids=[cls.__name__]
    )


async def refused_upgrade(mcop_ws: Connect, session_id: str) -> int:
    with pytest.raises(HTTPClientError) as refused:
        await mcop_ws(session_id)
    return refused.value.code


@authorizer(NoExplorer)
async def test_an_authorizer_that_refuses_the_explorer_gets_403_everywhere(
    jp_fetch: Fetch, mcop_ws: Connect
) -> None:
    assert (await jp_fetch("api", "status")).code == 200  # the rest of Jupyter answers
    assert (await refusal(jp_fetch, "mcop", "api", "info"))[0] == 403
    assert (await refusal(jp_fetch, "mcop", "api", "sessions", "s", "transcript"))[0] == 403
    assert (await refusal(jp_fetch, "mcop", "ag-ui", method="POST", body=ag_ui_run()))[0] == 403
    assert await refused_upgrade(mcop_ws, "s") == 403


@authorizer(ReadOnlyExplorer)
async def test_a_read_only_user_reads_but_cannot_ask(jp_fetch: Fetch, mcop_ws: Connect) -> None:
    info = json.loads((await jp_fetch("mcop", "api", "info")).body)
    assert info["ready"] is True
    transcript = json.loads((await jp_fetch("mcop", "api", "sessions", "s", "transcript")).body)
    assert transcript["exchanges"] == []
    code, message = await refusal(jp_fetch, "mcop", "ag-ui", method="POST", body=ag_ui_run())
    assert code == 403 and "not authorized to execute" in message
    assert await refused_upgrade(mcop_ws, "s") == 403
