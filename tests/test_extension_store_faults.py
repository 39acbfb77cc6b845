"""A session store that is damaged, unusable or breaks while the server runs (a real Jupyter server):
moved aside or reported, with clear errors to clients, and the server keeps serving."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from refusals import OWNER_QUESTION
from server_process import ServerProcess
from tornado.httpclient import HTTPClientError, HTTPResponse
from tornado.websocket import WebSocketClientConnection
from ws_client import SESSIONS_IN, ask, receive, sessions_in, until_final
from ws_client import both_modes as jp_server_config

from mcop_kernel.store import Exchange, SQLiteStore

Fetch = Callable[..., Awaitable[HTTPResponse]]
Connect = Callable[..., Awaitable[WebSocketClientConnection]]
__all__ = ["jp_server_config", "sessions_in"]  # every test with a server runs in both modes


# ---------------------------------------------------------------------------- a damaged session store


def damage(path: Path, how: str) -> None:
    """Make `path` a store that is not SQLite at all, or one whose header is valid but pages damaged."""
    if how == "not-sqlite":
        path.write_bytes(b"this was never a database\n" * 200)
        return
    store = SQLiteStore(path)
    for n in range(100):
        store.save("owner", f"s{n % 5}", [], Exchange(question="q" * 400, answer="a" * 2000), n)
    store.close()
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for start in range(2 * page, len(data), 3 * page):
        data[start + 8 : start + 200] = bytes(range(192))
    path.write_bytes(bytes(data))


@pytest.fixture
def store_path(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """The server's store; `@pytest.mark.parametrize("store_path", ["not-sqlite"], indirect=True)`
    damages it before the server starts."""
    path = tmp_path / "sessions.sqlite"
    how = getattr(request, "param", None)
    if how is not None:
        damage(path, how)
    return path


@pytest.mark.parametrize("store_path", ["not-sqlite", "damaged-pages"], indirect=True)
async def test_a_damaged_store_is_moved_aside_and_the_explorer_starts_fresh(
    caplog: pytest.LogCaptureFixture, jp_fetch: Fetch, mcop_ws: Connect, store_path: Path
) -> None:
    info = json.loads((await jp_fetch("mcop", "api", "info")).body)
    assert info["ready"] is True
    moved = Path(info["store"]["recovered_from"])
    assert info["store"]["path"] == str(store_path)
    assert moved.parent == store_path.parent and moved.name.startswith("sessions.sqlite.corrupt-")
    assert moved.is_file()
    [line] = [r.getMessage() for r in caplog.get_records("setup") if " is damaged " in r.getMessage()]
    assert str(store_path) in line and str(moved) in line
    assert (await ask(await mcop_ws("fresh"), OWNER_QUESTION))[-1]["type"] == "agent"
    transcript = json.loads((await jp_fetch("mcop", "api", "sessions", "fresh", "transcript")).body)
    assert [x["question"] for x in transcript["exchanges"]] == [OWNER_QUESTION]


async def test_a_sound_store_says_it_was_not_recovered(jp_fetch: Fetch, store_path: Path) -> None:
    info = json.loads((await jp_fetch("mcop", "api", "info")).body)
    assert (info["store"]["path"], info["store"]["recovered_from"]) == (str(store_path), None)


@pytest.mark.parametrize("mode", SESSIONS_IN)
async def test_a_store_that_cannot_be_opened_is_reported_and_the_server_stops_cleanly(
    tmp_path: Path, mode: str
) -> None:
    unusable = tmp_path / "a-directory"
    unusable.mkdir()
    settings = (
        "--ServerApp.jpserver_extensions=mcop_extension=True",
        f"--MCOPExtension.sessions_in={mode}",
        f"--MCOPExtension.store_path={unusable}",
    )
    async with ServerProcess.start(tmp_path, *settings, timeout=60) as server:
        info = json.loads((await server.fetch("mcop/api/info")).body)
        assert info["ready"] is False and str(unusable) in info["problem"]
        assert "cannot be used" in info["problem"]
        with pytest.raises(HTTPClientError) as refused:
            await server.websocket("mcop/ws/any")
        assert refused.value.code == 503
        assert await server.stop() == 0
    log = (tmp_path / "server.log").read_text()
    assert "Traceback" not in log and "AttributeError" not in log


# ---------------------------------------------------------------------------- a store breaking as it runs


def break_in_place(path: Path) -> None:
    """Overwrite the store's files where they lie, its write-ahead log too, so the server's open
    connection reads them: as a disk fault or another program writing over them would leave them."""
    for part in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if part.exists():
            size = part.stat().st_size
            with part.open("r+b") as file:
                file.write(b"\0not a database any more\0" * (size // 25 + 1))


async def test_a_store_that_breaks_while_the_server_runs_gives_clear_errors_and_the_server_goes_on(
    jp_fetch: Fetch, mcop_ws: Connect, store_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ws = await mcop_ws("before", params={"protocol": "2"})
    assert (await ask(ws, OWNER_QUESTION))[-1]["type"] == "agent"
    break_in_place(store_path)

    await ws.write_message(json.dumps({"content": "Show me all tables"}))
    told = await until_final(ws)
    assert told[-1]["type"] == "agent"  # the answer itself is delivered ...
    notice = await receive(ws)  # ... then the client is told it was not kept
    assert notice["type"] == "error" and "could not be saved" in notice["content"], notice
    assert (await ask(ws, OWNER_QUESTION))[-1]["type"] == "agent"  # and the connection answers on

    fresh = await mcop_ws("after")  # a session the store must read: refused with 1011, said why
    assert await asyncio.wait_for(fresh.read_message(), 10) is None
    assert fresh.close_code == 1011 and "session store" in (fresh.close_reason or "")
    for session_id in ("after", "before"):  # transcripts are what the store has: it says it cannot
        transcript = await jp_fetch("mcop", "api", "sessions", session_id, "transcript", raise_error=False)
        assert transcript.code == 503
        assert "The session store could not be read" in json.loads(transcript.body)["message"]
    assert (await jp_fetch("mcop", "api", "info")).code == 200
    assert (await jp_fetch("api", "status")).code == 200
    assert not [r for r in caplog.records if "Uncaught exception" in r.getMessage()]


@pytest.mark.parametrize("mode", SESSIONS_IN)
async def test_an_answer_that_could_not_be_saved_is_in_the_servers_log(tmp_path: Path, mode: str) -> None:
    store = tmp_path / "sessions.sqlite"
    settings = (
        "--ServerApp.jpserver_extensions=mcop_extension=True",
        f"--MCOPExtension.sessions_in={mode}",  # in a kernel, the kernel's log: the stderr it inherited
        f"--MCOPExtension.store_path={store}",
    )
    async with ServerProcess.start(tmp_path, *settings) as server:
        ws = await server.websocket("mcop/ws/saved?protocol=2")
        try:
            assert (await ask(ws, OWNER_QUESTION))[-1]["type"] == "agent"
            break_in_place(store)
            assert (await ask(ws, "Show me all tables"))[-1]["type"] == "agent"
            assert "could not be saved" in (await receive(ws))["content"]
        finally:
            ws.close()
    log = (tmp_path / "server.log").read_text()
    assert "session saved: an answer could not be saved" in log, log[-2000:]
