"""The extension under hostile or broken input, inside a real Jupyter server: frames that must not
poison a session, secrets and tokens that must not leave the process, limits, damaged stores,
clients that stop reading, and a deployment's Authorizer."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from jupyter_server.auth.authorizer import Authorizer
from jupyter_server.auth.identity import User
from jupyter_server.base.handlers import JupyterHandler
from server_process import TOKEN, ServerProcess
from tornado.httpclient import HTTPClientError, HTTPResponse
from tornado.websocket import WebSocketClientConnection
from ws_client import ask, receive, stuck_client, unread_bytes

from mcop_kernel.secrets import redact
from mcop_kernel.store import Exchange, SQLiteStore

Fetch = Callable[..., Awaitable[HTTPResponse]]
Connect = Callable[..., Awaitable[WebSocketClientConnection]]
OWNER_QUESTION = "who owns the supplier table?"
PARAMETERS = ("password", "pwd", "secret", "token", "api_key", "access_token")


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


async def test_no_secret_and_no_token_reaches_the_server_log(tmp_path: Path) -> None:
    settings = (
        "--ServerApp.jpserver_extensions=mcop_extension=True",
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


async def test_a_refused_request_carrying_the_token_leaves_no_token_in_the_log(tmp_path: Path) -> None:
    settings = ("--ServerApp.jpserver_extensions=mcop_extension=True", "--ServerApp.log_level=INFO")
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


# ---------------------------------------------------------------------------- limits, refused clearly


def ag_ui_run(*messages: dict[str, Any]) -> str:
    return json.dumps(
        {
            "threadId": "thread-1",
            "runId": "run-1",
            "state": {},
            "messages": list(messages) or [{"id": "m1", "role": "user", "content": OWNER_QUESTION}],
            "tools": [],
            "context": [],
            "forwardedProps": {},
        }
    )


async def refusal(jp_fetch: Fetch, *parts: str, **kwargs: Any) -> tuple[int, str]:
    response = await jp_fetch(*parts, raise_error=False, **kwargs)
    return response.code, json.loads(response.body)["message"]


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


async def test_an_ag_ui_tool_result_for_an_unknown_call_is_refused_with_400(jp_fetch: Fetch) -> None:
    body = ag_ui_run(
        {"id": "m1", "role": "user", "content": OWNER_QUESTION},
        {"id": "m2", "role": "tool", "content": "{}", "toolCallId": "no-such-call"},
    )
    code, message = await refusal(jp_fetch, "mcop", "ag-ui", method="POST", body=body)
    assert code == 400 and "no-such-call" in message and "not found" in message


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


@pytest.mark.parametrize("server_model", ["synthetic:200:10"])
@pytest.mark.parametrize("server_settings", [{"max_ag_ui_runs": 1}])
async def test_ag_ui_runs_beyond_the_limit_are_refused_with_429(jp_fetch: Fetch) -> None:
    started = asyncio.Event()
    first = asyncio.ensure_future(
        jp_fetch("mcop", "ag-ui", method="POST", body=ag_ui_run(), streaming_callback=lambda _: started.set())
    )
    try:
        await asyncio.wait_for(started.wait(), 10)
        code, message = await refusal(jp_fetch, "mcop", "ag-ui", method="POST", body=ag_ui_run())
        assert code == 429 and "1 AG-UI runs are already in progress (the limit is 1)" in message
        assert (await asyncio.wait_for(first, 20)).code == 200
    finally:
        first.cancel()
    assert (await jp_fetch("mcop", "ag-ui", method="POST", body=ag_ui_run())).code == 200


# ---------------------------------------------------------------------------- a client that stops reading


async def test_a_client_that_stops_reading_is_dropped_after_the_stall_timeout(tmp_path: Path) -> None:
    stall = 2.0
    settings = (
        "--ServerApp.jpserver_extensions=mcop_extension=True",
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
    assert info["store"] == {"path": str(store_path), "recovered_from": None}


async def test_a_store_that_cannot_be_opened_is_reported_and_the_server_stops_cleanly(tmp_path: Path) -> None:
    unusable = tmp_path / "a-directory"
    unusable.mkdir()
    settings = (
        "--ServerApp.jpserver_extensions=mcop_extension=True",
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
