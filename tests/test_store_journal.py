"""Nothing lost when a real Jupyter server dies mid-answer: killed with SIGKILL, its restart shows the
question and the text streamed so far, unfinished; stopped with SIGTERM, its saves finish first."""

from __future__ import annotations

import json
import signal
from pathlib import Path
from typing import Any

from server_process import ServerProcess
from ws_client import receive

SETTINGS = ("--ServerApp.jpserver_extensions=mcop_extension=True", "--MCOPExtension.model=offline:20")
LONG_QUESTION = "Show me all tables"  # about 700 words: some 15 s at 20 ms a word


async def stream_then_stop(server: ServerProcess, session_id: str, sig: int, words: int) -> str:
    """Ask the long question, read its text until `words` words came, then stop the server with
    `sig`: the text the client saw."""
    ws = await server.websocket(f"mcop/ws/{session_id}?protocol=2")
    try:
        await ws.write_message(json.dumps({"content": LONG_QUESTION}))
        seen = ""
        while len(seen.split()) < words:
            message = await receive(ws, timeout=30)
            assert message["type"] not in ("agent", "error"), message
            seen += message.get("delta", "")
        await server.stop(sig, timeout=30)
        return seen
    finally:
        ws.close()


async def exchanges(server: ServerProcess, session_id: str) -> list[dict[str, Any]]:
    response = await server.fetch(f"mcop/api/sessions/{session_id}/transcript")
    assert response.code == 200, response.body
    return json.loads(response.body)["exchanges"]  # type: ignore[no-any-return]


async def test_a_killed_server_keeps_the_question_and_the_text_so_far(tmp_path: Path) -> None:
    store = f"--MCOPExtension.store_path={tmp_path / 'sessions.sqlite'}"
    async with ServerProcess.start(tmp_path, *SETTINGS, store, timeout=120) as server:
        seen = await stream_then_stop(server, "killed", signal.SIGKILL, words=120)
    async with ServerProcess.start(tmp_path, *SETTINGS, store, timeout=120) as server:
        [kept] = await exchanges(server, "killed")
        ws = await server.websocket("mcop/ws/killed")
        await ws.write_message(json.dumps({"content": "Who owns the supplier table?"}))
        while (await receive(ws, timeout=30))["type"] not in ("agent", "error"):
            pass
        ws.close()
        after = await exchanges(server, "killed")
    assert kept["question"] == LONG_QUESTION and kept["unfinished"] is True and kept["error"] is None
    assert len(kept["answer"].split()) >= 20, "the text streamed so far was journaled"
    assert seen.startswith(kept["answer"]) or kept["answer"].startswith(seen)
    assert [(x["question"], x["unfinished"]) for x in after] == [
        (LONG_QUESTION, True),
        ("Who owns the supplier table?", False),
    ]  # the session goes on after the unfinished answer


async def test_stopping_the_server_lets_its_saves_finish(tmp_path: Path) -> None:
    store = f"--MCOPExtension.store_path={tmp_path / 'sessions.sqlite'}"
    async with ServerProcess.start(tmp_path, *SETTINGS, store, timeout=120) as server:
        seen = await stream_then_stop(server, "stopped", signal.SIGTERM, words=30)
    log = (tmp_path / "server.log").read_text()
    assert "Task was destroyed" not in log and "Traceback" not in log
    async with ServerProcess.start(tmp_path, *SETTINGS, store, timeout=120) as server:
        [kept] = await exchanges(server, "stopped")
    assert kept["error"] == "The server stopped; the answer was not finished."
    assert kept["unfinished"] is False and kept["answer"].startswith(seen[:20])
