"""A real Jupyter server with the extension enabled (pytest-jupyter), configured per test."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic_ai import models
from server_process import OPENED
from tornado.websocket import WebSocketClientConnection
from traitlets.config import Config
from ws_client import WsFetch

pytest_plugins = ["pytest_jupyter.jupyter_server"]

models.ALLOW_MODEL_REQUESTS = False


@pytest.fixture
def server_model() -> str:
    """`MCOPExtension.model` for the test's server. Override per test by parametrizing it::

    @pytest.mark.parametrize("server_model", ["synthetic:2000:5"])
    async def test_long_answer(jp_ws_fetch): ...
    """
    return "offline"


@pytest.fixture
def server_settings() -> dict[str, Any]:
    """Further `MCOPExtension` settings (traitlet name -> value), overridden like `server_model`::

    @pytest.mark.parametrize("server_settings", [{"max_queued": 1, "answer_timeout": 0.3}])
    async def test_queue(jp_ws_fetch): ...
    """
    return {}


@pytest.fixture
def server_config() -> dict[str, Any]:
    """Config sections merged into the server's, for settings outside `MCOPExtension`::

    @pytest.mark.parametrize("server_config", [{"ServerApp": {"identity_provider_class": NamedUsers}}])
    async def test_two_users(jp_fetch): ...  # NamedUsers: tests/named_users.py
    """
    return {}


@pytest.fixture
def server_env() -> dict[str, str]:
    """Environment variables set before the test's server starts, overridden like `server_model`::

    @pytest.mark.parametrize("server_env", [{"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}])
    async def test_provider_down(mcop_ws): ...
    """
    return {}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """The SQLite file where the test's server keeps sessions (fresh per test)::

    async def test_saved(mcop_ws, store_path):
        await ws_client.ask(await mcop_ws("sid"), "Show me all tables")
        assert SQLiteStore(store_path).load("owner", "sid").transcript  # "owner": token login
    """
    return tmp_path / "sessions.sqlite"


@pytest.fixture
def jp_server_config(
    store_path: Path,
    server_model: str,
    server_settings: dict[str, Any],
    server_config: dict[str, Any],
    server_env: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> Config:
    """pytest-jupyter's server config: the extension enabled, its store in `tmp_path`, then the
    overrides above. Tests never use it directly; they ask for `jp_fetch` / `jp_ws_fetch`::

    async def test_info(jp_fetch):
        info = json.loads((await jp_fetch("mcop", "api", "info")).body)
    """
    for name, value in server_env.items():
        monkeypatch.setenv(name, value)
    config = Config(
        {
            "ServerApp": {"jpserver_extensions": {"mcop_extension": True}},
            "MCOPExtension": {"model": server_model, "store_path": str(store_path)} | server_settings,
        }
    )
    config.merge(Config(server_config))
    return config


@pytest.fixture
def mcop_ws(jp_ws_fetch: WsFetch) -> Iterator[Callable[..., Awaitable[WebSocketClientConnection]]]:
    """Connect to `{base_url}mcop/ws/{session_id}` (keyword arguments go to `jp_ws_fetch`); every
    connection is closed after the test, so none is left for the garbage collector to warn about::

    async def test_v2(mcop_ws):
        ws = await mcop_ws("my-session", params={"protocol": "2"}, headers=named_users.auth("ada"))
        messages = await ws_client.ask(ws, "Show me all tables")
    """
    opened: list[WebSocketClientConnection] = []

    async def connect(session_id: str, **kwargs: Any) -> WebSocketClientConnection:
        ws = await jp_ws_fetch("mcop", "ws", session_id, **kwargs)
        opened.append(ws)
        return ws

    yield connect
    for ws in opened:
        ws.close()


@pytest.fixture(autouse=True)
def _close_shared_server_websockets() -> Iterator[None]:
    """The WebSockets a test opened on a server its module shares (`ServerProcess.mcop_ws`) close
    when the test ends, as `mcop_ws`'s do."""
    yield
    while OPENED:
        OPENED.pop().close()
