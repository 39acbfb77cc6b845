"""Two real Jupyter servers answering one session through one store, a SQLite file or a real
PostgreSQL server whose password comes from the environment: nothing lost, each uses the other's
context, and the password shows nowhere."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from postgres import running_postgres
from server_process import ServerProcess
from test_store_sql import CONVERSATION, prompts
from ws_client import ask, receive

from mcop_kernel.store import open_store

SETTINGS = ("--ServerApp.jpserver_extensions=mcop_extension=True",)


def calls(messages: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    return [(m["tool_name"], m["args"]) for m in messages if m["type"] == "tool_start"]


async def converse_through_two_servers(home: Path, setting: str) -> tuple[list[Any], list[Any], list[str]]:
    """Ask CONVERSATION alternately on two servers sharing a store: every answer's messages, both
    servers' transcripts of the session, and what each server says in `info` about its store."""
    for name in ("a", "b"):
        (home / name).mkdir()
    async with AsyncExitStack() as stack:
        servers = [
            await stack.enter_async_context(ServerProcess.start(home / name, *SETTINGS, setting, timeout=120))
            for name in ("a", "b")
        ]
        sockets = [await server.websocket("mcop/ws/shared?protocol=2") for server in servers]
        answers = []
        for n, question in enumerate(CONVERSATION):
            answers.append(await ask(sockets[n % 2], question, timeout=60))
        for ws in sockets:
            ws.close()
        transcripts = [
            json.loads((await s.fetch("mcop/api/sessions/shared/transcript")).body)["exchanges"]
            for s in servers
        ]
        infos = [(await s.fetch("mcop/api/info")).body.decode() for s in servers]
    return answers, transcripts, infos


def check_the_conversation(answers: list[Any], transcripts: list[Any]) -> None:
    assert [messages[-1]["type"] for messages in answers] == ["agent"] * len(CONVERSATION)
    supplier = calls(answers[0])[-1][1]["table"]
    assert calls(answers[1])[-1] == ("get_owner", {"table": supplier})  # server B used A's question
    assert calls(answers[2])[-1][1]["table"] == supplier  # and A used B's
    assert calls(answers[4])[-1] == ("list_tables", {"offset": 50})
    invoice = calls(answers[5])[-1][1]["table"]
    assert calls(answers[6])[-1] == ("table_status", {"table": invoice})
    for exchanges in transcripts:
        assert [x["question"] for x in exchanges] == CONVERSATION
        assert [x["answer"] for x in exchanges] == [messages[-1]["content"] for messages in answers]


async def test_two_servers_on_one_sqlite_file_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "sessions.sqlite"
    answers, transcripts, _ = await converse_through_two_servers(
        tmp_path, f"--MCOPExtension.store_path={path}"
    )
    check_the_conversation(answers, transcripts)
    store = open_store(path)
    assert prompts(store.load("owner", "shared").history) == CONVERSATION  # the model history too
    store.close()


async def test_two_servers_on_one_postgresql_database_lose_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_postgres() as pg:
        monkeypatch.setenv("PGPASSWORD", pg.password)  # libpq's own variable; the URL names no password
        url = pg.url(password="")
        answers, transcripts, infos = await converse_through_two_servers(
            tmp_path, f"--MCOPExtension.store_url={url}"
        )
        check_the_conversation(answers, transcripts)
        store = open_store(pg.url())
        assert prompts(store.load("owner", "shared").history) == CONVERSATION
        store.close()
    for info in infos:
        assert json.loads(info)["store"]["url"] == url and json.loads(info)["ready"] is True
    logs = [(tmp_path / name / "server.log").read_text() for name in ("a", "b")]
    assert all(pg.password not in text for text in [*infos, *logs])


async def test_a_password_in_the_store_url_is_masked_in_info_and_the_log(tmp_path: Path) -> None:
    with running_postgres() as pg:
        setting = f"--MCOPExtension.store_url={pg.url()}"
        async with ServerProcess.start(tmp_path, *SETTINGS, setting, timeout=120) as server:
            info = json.loads((await server.fetch("mcop/api/info")).body)
            ws = await server.websocket("mcop/ws/masked")
            assert (await ask(ws, "Who owns the supplier table?", timeout=60))[-1]["type"] == "agent"
            ws.close()
    assert info["ready"] is True and info["store"]["url"] == pg.url(password="***")
    assert pg.password not in json.dumps(info) and pg.password not in (tmp_path / "server.log").read_text()


async def test_a_store_that_goes_away_gives_clear_errors_and_the_server_keeps_serving(tmp_path: Path) -> None:
    with running_postgres() as pg:
        setting = f"--MCOPExtension.store_url={pg.url()}"
        async with ServerProcess.start(tmp_path, *SETTINGS, setting, timeout=120) as server:
            ws = await server.websocket("mcop/ws/before?protocol=2")
            assert (await ask(ws, "Describe the supplier table", timeout=60))[-1]["type"] == "agent"
            pg.stop()
            started = time.monotonic()
            answer = await ask(ws, "Who owns it?", timeout=60)
            notice = await receive(ws, timeout=60)
            transcript = await server.fetch("mcop/api/sessions/before/transcript")
            fresh = await server.websocket("mcop/ws/fresh")
            refused = await asyncio.wait_for(fresh.read_message(), 60)
            info = await server.fetch("mcop/api/info")
            took = time.monotonic() - started
            ws.close()
            fresh.close()
    assert answer[-1]["type"] == "agent" and "get_owner" in [m.get("tool_name") for m in answer]
    assert notice["type"] == "error" and notice["code"] == "not_saved"
    assert "could not be saved" in notice["content"] and pg.password not in notice["content"]
    assert transcript.code == 503 and b"session store" in transcript.body
    assert refused is None and fresh.close_code == 1011  # a session that cannot be read is closed, not hung
    assert info.code == 200
    assert took < 60
    assert pg.password not in (tmp_path / "server.log").read_text()
