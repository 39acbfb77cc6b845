"""The extension inside a real Jupyter server: what it says about itself, whose conversations a user
sees, refusals, origins, a free event loop, stopping and restarting, installation and bad settings."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]  # (ipykernel depends on it)
import pytest
import slow_catalog
from named_users import auth
from server_process import ServerProcess, shared_server
from tornado.httpclient import HTTPClientError, HTTPResponse
from tornado.websocket import WebSocketClientConnection
from ws_client import SESSIONS_IN, ask, closed, modes, receive, sessions_in, until_final
from ws_client import both_modes as jp_server_config

from mcop_kernel import __version__

Fetch = Callable[..., Awaitable[HTTPResponse]]
Connect = Callable[..., Awaitable[WebSocketClientConnection]]
__all__ = ["jp_server_config", "sessions_in"]  # every test with a server runs in both modes

SECRET = "sk-test-0123456789abcdefghij"
OWNER_QUESTION = "who owns the supplier table?"
token_server = shared_server()
"""Jupyter's own token login, shared by the tests below that need no settings of their own."""
named_server = shared_server("--ServerApp.identity_provider_class=named_users.NamedUsers")
"""Users with names (tests/named_users.py), shared likewise."""


async def get_json(fetch: Fetch, *parts: str, **kwargs: Any) -> dict[str, Any]:
    return json.loads((await fetch(*parts, **kwargs)).body)  # type: ignore[no-any-return]


async def questions(server: ServerProcess, session_id: str, user: str) -> list[str]:
    transcript = await get_json(
        server.request, "mcop", "api", "sessions", session_id, "transcript", headers=auth(user)
    )
    return [exchange["question"] for exchange in transcript["exchanges"]]


@pytest.fixture
def openai_key(monkeypatch: pytest.MonkeyPatch) -> str:
    """An API key in the server's environment (set before the server starts)."""
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    return SECRET


@pytest.fixture
def no_openai_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)


# ---------------------------------------------------------------------------- info


@pytest.mark.usefixtures("openai_key")
@pytest.mark.parametrize("server_model", ["offline", "openai:gpt-5-mini"])
async def test_info_says_what_the_explorer_runs_and_never_shows_a_key(
    jp_fetch: Fetch, server_model: str
) -> None:
    response = await jp_fetch("mcop", "api", "info")
    info = json.loads(response.body)
    assert info["version"] == __version__
    assert info["model"] == server_model
    assert info["catalog"] == "sample"
    assert info["protocol_versions"] == [1, 2]
    assert info["ready"] is True and info["problem"] is None
    assert SECRET not in response.body.decode() and "sk-" not in response.body.decode()


@pytest.mark.parametrize("credentials", [{"Authorization": ""}, {"Authorization": "token not-the-token"}])
async def test_info_is_refused_without_credentials(
    token_server: ServerProcess, credentials: dict[str, str]
) -> None:
    response = await token_server.request(
        "mcop", "api", "info", headers=credentials, raise_error=False, follow_redirects=False
    )
    assert response.code == 403
    assert "version" not in response.body.decode()


# ---------------------------------------------------------------------------- transcripts and users


async def test_the_transcript_lists_the_questions_and_answers(named_server: ServerProcess) -> None:
    ws = await named_server.mcop_ws("notes", headers=auth("ada"))
    answer = (await ask(ws, OWNER_QUESTION))[-1]
    transcript = await get_json(
        named_server.request, "mcop", "api", "sessions", "notes", "transcript", headers=auth("ada")
    )
    assert transcript["session_id"] == "notes" and transcript["busy"] is False
    [exchange] = transcript["exchanges"]
    assert exchange["question"] == OWNER_QUESTION
    assert exchange["answer"] == answer["content"] and "Anna Lindqvist" in exchange["answer"]
    assert exchange["error"] is None
    assert [tool["tool_name"] for tool in exchange["tools"]] == ["get_owner"]


async def test_another_user_with_the_same_session_id_has_a_session_of_their_own(
    named_server: ServerProcess,
) -> None:
    ada = await named_server.mcop_ws("team", headers=auth("ada"))
    await ask(ada, OWNER_QUESTION)
    # Bob asks for everything logged in "team" from the start: he gets only his own question.
    bob = await named_server.mcop_ws("team", params={"protocol": "2", "last_seq": "0"}, headers=auth("bob"))
    bob_saw = await ask(bob, "Show me all tables")
    assert bob_saw[0] == {"type": "user", "content": "Show me all tables", "seq": 1}
    assert OWNER_QUESTION not in json.dumps(bob_saw)
    assert await questions(named_server, "team", "bob") == ["Show me all tables"]
    assert await questions(named_server, "team", "ada") == [OWNER_QUESTION]


async def test_an_unknown_token_gets_no_session(named_server: ServerProcess) -> None:
    stranger = {"Authorization": "token not-a-known-token"}
    with pytest.raises(HTTPClientError) as refusal:
        await named_server.mcop_ws("team", headers=stranger)
    assert refusal.value.code == 403
    response = await named_server.request(
        "mcop", "api", "sessions", "team", "transcript", headers=stranger, raise_error=False
    )
    assert response.code == 403


async def test_a_token_client_finds_its_conversation_again(token_server: ServerProcess) -> None:
    # With jupyter_server's own token login every request without the login cookie is a new
    # anonymous user; they are all the server's one owner and share the owner's sessions.
    ws = await token_server.mcop_ws("script")
    await ask(ws, OWNER_QUESTION)
    transcript = await get_json(token_server.request, "mcop", "api", "sessions", "script", "transcript")
    assert [exchange["question"] for exchange in transcript["exchanges"]] == [OWNER_QUESTION]
    again = await token_server.mcop_ws("script", params={"protocol": "2", "last_seq": "0"})
    assert (await receive(again)) == {"type": "user", "content": OWNER_QUESTION, "seq": 1}


# ---------------------------------------------------------------------------- session ids


@pytest.mark.parametrize(
    "session_id", ["x" * 65, "a b", "..", "-dash-first", ".dot-first", "naïve", "semi;colon"]
)
async def test_an_invalid_session_id_is_refused_with_400(
    token_server: ServerProcess, session_id: str
) -> None:
    with pytest.raises(HTTPClientError) as refusal:
        await token_server.mcop_ws(session_id)
    assert refusal.value.code == 400
    assert refusal.value.response is not None
    assert "A session id is 1-64 letters" in refusal.value.response.body.decode()
    response = await token_server.request(
        "mcop", "api", "sessions", session_id, "transcript", raise_error=False
    )
    assert response.code == 400
    assert json.loads(response.body)["message"].startswith("A session id is 1-64 letters, digits")


@pytest.mark.parametrize("session_id", ["x" * 64, "0", "a.b-c_D"])
async def test_a_valid_session_id_is_accepted(token_server: ServerProcess, session_id: str) -> None:
    await token_server.mcop_ws(session_id)
    transcript = await get_json(token_server.request, "mcop", "api", "sessions", session_id, "transcript")
    assert transcript == {"session_id": session_id, "busy": False, "exchanges": []}


# ---------------------------------------------------------------------------- origins


async def test_a_cookie_websocket_from_another_origin_is_refused(token_server: ServerProcess) -> None:
    # The login cookie's name carries the host it was set for.
    here = f"127.0.0.1:{token_server.port}"
    response = await token_server.request("mcop", "api", "info")
    [cookie] = [c.split(";")[0] for c in response.headers.get_list("Set-Cookie") if c.startswith("username-")]
    browser = {"Authorization": "", "Cookie": cookie}

    with pytest.raises(HTTPClientError) as refusal:
        await token_server.mcop_ws("page", headers=browser | {"Origin": "http://evil.example"})
    assert refusal.value.code == 403

    same_origin = await token_server.mcop_ws("page", headers=browser | {"Origin": f"http://{here}"})
    assert (await ask(same_origin, OWNER_QUESTION))[-1]["type"] == "agent"
    script = await token_server.mcop_ws(
        "page", headers={"Origin": "http://evil.example"}
    )  # the token: no origin check
    assert (await ask(script, OWNER_QUESTION))[-1]["type"] == "agent"


# ---------------------------------------------------------------------------- a free event loop


@pytest.mark.parametrize(
    ("server_model", "server_settings", "question", "at_least"),
    [
        ("offline:10", {"catalog": "python:slow_catalog:factory"}, "Describe suppliers", slow_catalog.DELAY),
        ("synthetic:2000", {}, "go", 0.0),
    ],
    ids=["blocking-catalog", "long-streams"],
)
async def test_the_server_keeps_answering_while_answers_run(
    jp_fetch: Fetch, mcop_ws: Connect, question: str, at_least: float
) -> None:
    one, two = await mcop_ws("one"), await mcop_ws("two")
    started = time.perf_counter()
    await one.write_message(json.dumps({"content": question}))
    await two.write_message(json.dumps({"content": "Show me all tables"}))
    answers = asyncio.gather(until_final(one), until_final(two))
    waits: list[float] = []
    try:
        while not answers.done():
            sent = time.perf_counter()
            await jp_fetch("api", "status")
            waits.append(time.perf_counter() - sent)
            await asyncio.sleep(0.02)
        finals = [messages[-1] for messages in await answers]
    finally:
        answers.cancel()
    assert [final["type"] for final in finals] == ["agent", "agent"]
    assert time.perf_counter() - started >= at_least  # the catalog really did block
    assert len(waits) >= 5
    assert max(waits) < 0.3, f"the server took {max(waits):.2f}s to answer /api/status"


# ---------------------------------------------------------------------------- stopping and restarting


STOPPED = "The server stopped; the answer was not finished."
PROCESS_SETTINGS = (
    "--ServerApp.jpserver_extensions=mcop_extension=True",
    "--ServerApp.identity_provider_class=named_users.NamedUsers",
)


async def stop_during_an_answer(server: ServerProcess, stop_signal: int) -> tuple[dict[str, Any], list[Any]]:
    """Ask a short question, start a long answer, stop the server with `stop_signal`: the short
    answer, and every message the client got after the signal. No process the server started
    (its kernels, with sessions in kernels) outlives it by more than a few seconds."""
    ws = await server.websocket("mcop/ws/kept")
    try:
        first = (await ask(ws, OWNER_QUESTION))[-1]
        await ws.write_message(json.dumps({"content": "Show me all tables"}))
        while (await receive(ws))["type"] != "agent_partial":
            pass  # the long answer is under way
        started = psutil.Process(server.process.pid).children(recursive=True)
        assert await server.stop(stop_signal) == (-signal.SIGKILL if stop_signal == signal.SIGKILL else 0)
        after_stop = await closed(ws)
    finally:
        ws.close()
    _, alive = psutil.wait_procs(started, timeout=15)
    assert not alive, f"{[p.cmdline() for p in alive]} outlived their server"
    return first, after_stop


@pytest.mark.parametrize(
    ("stop_signal", "mode"),
    [
        *[(sig, mode) for sig in (signal.SIGTERM, signal.SIGINT) for mode in SESSIONS_IN],
        (signal.SIGKILL, "kernel"),  # in process, test_store_journal.py kills the server mid-answer
    ],
    ids=lambda value: value if isinstance(value, str) else signal.Signals(value).name,
)
async def test_a_restarted_server_still_has_the_conversation_and_goes_on(
    tmp_path: Path, stop_signal: int, mode: str
) -> None:
    settings = (
        *PROCESS_SETTINGS,
        f"--MCOPExtension.sessions_in={mode}",
        f"--MCOPExtension.store_path={tmp_path / 'sessions.sqlite'}",
    )
    inherited = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in a job a script started with `&`
    try:
        model = "--MCOPExtension.model=offline:20"
        async with ServerProcess.start(tmp_path, *settings, model, headers=auth("ada")) as one:
            first, after_stop = await stop_during_an_answer(one, stop_signal)
    finally:
        signal.signal(signal.SIGINT, inherited)
    assert "agent" not in [message["type"] for message in after_stop]  # the connection closed mid-answer

    async with ServerProcess.start(tmp_path, *settings, headers=auth("ada")) as server:
        response = await server.fetch("mcop/api/sessions/kept/transcript")
        others = await server.fetch("mcop/api/sessions/kept/transcript", headers=auth("bob"))
        ws = await server.websocket("mcop/ws/kept?protocol=2")
        try:
            follow_up = await ask(ws, "and who owns invoices?")
        finally:
            ws.close()
    exchanges = json.loads(response.body)["exchanges"]
    assert exchanges[0]["question"] == OWNER_QUESTION and exchanges[0]["answer"] == first["content"]
    if stop_signal == signal.SIGTERM:  # the extension's stop hook ran and recorded the unfinished answer
        assert [(x["question"], x["error"]) for x in exchanges[1:]] == [("Show me all tables", STOPPED)]
    else:  # SIGKILL, or SIGINT off a terminal, which jupyter_server turns into KeyboardInterrupt: no
        # stop hooks run, and the journal kept the answer in flight, unfinished
        assert [(x["question"], x["unfinished"]) for x in exchanges[1:]] == [("Show me all tables", True)]
    assert json.loads(others.body)["exchanges"] == []
    assert follow_up[-1]["type"] == "agent"  # the session answers on after the restart


@pytest.mark.parametrize("mode", SESSIONS_IN)
async def test_stopping_the_server_tells_clients_their_answer_was_not_finished(
    tmp_path: Path, mode: str
) -> None:
    settings = (
        *PROCESS_SETTINGS,
        f"--MCOPExtension.sessions_in={mode}",
        "--MCOPExtension.model=offline:20",
        "--MCOPExtension.partial_window_ms=300",
    )
    async with ServerProcess.start(tmp_path, *settings, headers=auth("ada")) as server:
        _, after_stop = await stop_during_an_answer(server, signal.SIGTERM)
    assert after_stop[-1:] == [{"type": "error", "content": STOPPED}]


# ---------------------------------------------------------------------------- installation and settings


def test_installing_the_package_enables_the_extension(tmp_path: Path) -> None:
    jupyter = Path(sys.executable).with_name("jupyter")
    env = os.environ | {"JUPYTER_CONFIG_DIR": str(tmp_path)}  # only what pip installed counts
    listing = subprocess.run(
        [jupyter, "server", "extension", "list"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", listing.stdout + listing.stderr)
    installed = text.split(f"Config dir: {Path(sys.prefix) / 'etc' / 'jupyter'}\n")[1].split("Config dir:")[0]
    assert re.search(r"^\s+mcop_extension enabled$", installed, re.MULTILINE)
    assert re.search(r"^\s+mcop_extension\s.*OK$", installed, re.MULTILINE)


@pytest.mark.usefixtures("no_openai_key")
@pytest.mark.parametrize("server_model", ["openai:gpt-x"])
@modes(
    kernel_bug="with sessions in kernels the server never checks the model: info says ready with no "
    "problem, and a WebSocket is upgraded and then closed with 1011 'kernel is not ready' instead of a 503"
)
async def test_a_model_that_cannot_start_leaves_the_server_up_and_says_why(
    jp_fetch: Fetch, mcop_ws: Connect
) -> None:
    assert (await jp_fetch("api", "status")).code == 200
    info = await get_json(jp_fetch, "mcop", "api", "info")
    assert info["ready"] is False and info["model"] == "openai:gpt-x"
    assert "OPENAI_API_KEY" in info["problem"]
    with pytest.raises(HTTPClientError) as refusal:
        await mcop_ws("any")
    assert refusal.value.code == 503
    response = await jp_fetch("mcop", "api", "sessions", "any", "transcript", raise_error=False)
    assert response.code == 503 and "OPENAI_API_KEY" in json.loads(response.body)["message"]


@pytest.mark.parametrize(
    "server_settings", [{"catalog": "sql:postgresql://steward:pa55-w0rd-9@127.0.0.1:9/dw"}]
)
async def test_info_never_shows_a_catalog_password(jp_fetch: Fetch) -> None:
    info = await get_json(jp_fetch, "mcop", "api", "info")
    assert info["catalog"] == "sql:postgresql://steward:***@127.0.0.1:9/dw"
    assert "pa55-w0rd-9" not in json.dumps(info)


# ---------------------------------------------------------------------------- AG-UI


def ag_ui_run(question: str) -> str:
    return json.dumps(
        {
            "threadId": "thread-1",
            "runId": "run-1",
            "state": {},
            "messages": [{"id": "m1", "role": "user", "content": question}],
            "tools": [],
            "context": [],
            "forwardedProps": {},
        }
    )


def sse_events(body: bytes) -> list[dict[str, Any]]:
    lines = body.decode().splitlines()
    return [json.loads(line.removeprefix("data: ")) for line in lines if line.startswith("data: ")]


async def test_ag_ui_clients_get_the_answer_and_the_diagram_as_ag_ui_events(
    token_server: ServerProcess,
) -> None:
    question = "Show relationships between fact_bs_purchase_order and suppliers"
    response = await token_server.request(
        "mcop", "ag-ui", method="POST", body=ag_ui_run(question), headers={"Accept": "text/event-stream"}
    )
    assert response.headers["Content-Type"].startswith("text/event-stream")
    events = sse_events(response.body)
    kinds = [event["type"] for event in events]
    assert kinds[0] == "RUN_STARTED" and kinds[-1] == "RUN_FINISHED"
    assert "TOOL_CALL_START" in kinds and "TOOL_CALL_RESULT" in kinds
    text = "".join(event["delta"] for event in events if event["type"] == "TEXT_MESSAGE_CONTENT")
    assert "dimv_bs_supplier" in text
    diagram = next(event for event in events if event["type"] == "CUSTOM")
    assert diagram["name"] == "mcop.diagram"
    assert "dimv_bs_supplier ||--o{ fact_bs_purchase_order" in diagram["value"]["source"]


async def test_a_bad_ag_ui_request_is_refused_clearly(token_server: ServerProcess) -> None:
    with pytest.raises(HTTPClientError) as refused:
        await token_server.request("mcop", "ag-ui", method="POST", body='{"messages": "nope"}')
    assert refused.value.code == 400
    with pytest.raises(HTTPClientError) as anonymous:
        await token_server.request(
            "mcop", "ag-ui", method="POST", body=ag_ui_run("hi"), headers={"Authorization": ""}
        )
    assert anonymous.value.code == 403
