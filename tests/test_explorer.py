"""`Explorer`: answers streamed into a real kernel's cell outputs (display updates, then the final
answer and its diagram), nbval-stable outputs, interrupts, plain scripts, async code, and a running
Jupyter server reached over its WebSocket."""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from kernel_run import RecordingClient, execute
from nbformat import NotebookNode
from pydantic_ai import models
from scripted import failing

from mcop_kernel import Explorer
from mcop_kernel.display import MERMAID_MIME, diagram_bundle, result_summary
from mcop_kernel.protocol import bounded_tool_content
from mcop_kernel.remote import ServerAddress

models.ALLOW_MODEL_REQUESTS = False

RELATIONSHIPS = "Show relationships between fact_bs_purchase_order and suppliers"


NOTEBOOK = [
    "from pydantic_ai import models\nmodels.ALLOW_MODEL_REQUESTS = False\n"
    "from mcop_kernel import Explorer\nex = Explorer(model='offline:2')",
    f"a = ex.ask({RELATIONSHIPS!r})",
    f"Explorer().ask({RELATIONSHIPS!r})",
    "a",
    "print(repr(a.error), a.tools[0].name, len(a.diagram))",
    "b = await ex.ask_async('who owns it?')\nprint(b.text)",
    "Explorer(model='synthetic:2000:1').ask('a long answer');",
]


@pytest.fixture(scope="module")
def kernel_run() -> tuple[NotebookNode, RecordingClient]:
    return execute(NOTEBOOK)


def data(output: NotebookNode) -> dict[str, Any]:
    return dict(output.get("data", {}))


def test_ask_streams_into_the_cell_with_display_updates(
    kernel_run: tuple[NotebookNode, RecordingClient],
) -> None:
    _, client = kernel_run
    updates = [u["data"]["text/plain"] for u in client.of(1, "update_display_data")]
    streaming = updates[:-1]  # the last update puts the question back
    assert len(streaming) >= 3
    assert all(len(later) >= len(earlier) for earlier, later in itertools.pairwise(streaming))
    assert '[tool] find_relationships(table="fact_bs_purchase_order")' in streaming[-1]
    final = next(o for o in kernel_run[0].cells[1].outputs if "text/plain" in o.get("data", {}))
    answer_lines = [
        line for line in final["data"]["text/plain"].splitlines() if line and "[tool]" not in line
    ]
    assert answer_lines and answer_lines[0] in streaming[-1]  # the text streamed, tool lines and all
    assert updates[-1] == f"Question: {RELATIONSHIPS}"
    ids = {u["transient"]["display_id"] for u in client.of(1, "update_display_data")}
    assert len(ids) == 1


def test_the_final_outputs_are_the_question_the_answer_and_the_diagram(
    kernel_run: tuple[NotebookNode, RecordingClient],
) -> None:
    nb, _ = kernel_run
    question, answer, diagram = nb.cells[1].outputs
    assert data(question) == {
        "text/markdown": f"**Question:** {RELATIONSHIPS}",
        "text/plain": f"Question: {RELATIONSHIPS}",
    }
    markdown = data(answer)["text/markdown"]
    assert markdown.startswith(
        '- `find_relationships(table="fact_bs_purchase_order")` → 11 tables, 21 relationships\n'
    )
    assert (
        "Each `fact_bs_purchase_order` row references one `dimv_bs_supplier` row via `supplier_key`."
        in markdown
    )
    assert "▍" not in markdown
    source = data(diagram)[MERMAID_MIME]
    assert source.startswith("erDiagram")
    assert "fact_bs_purchase_order" in source and "dimv_bs_supplier ||--o{ fact_bs_purchase_order" in source
    assert data(diagram) == diagram_bundle(source)
    assert data(diagram)["text/markdown"] == f"```mermaid\n{source}\n```"
    assert nb.cells[4].outputs[0].text == f"None find_relationships {len(source)}\n"


def test_outputs_are_what_nbval_records_and_the_same_every_run(
    kernel_run: tuple[NotebookNode, RecordingClient],
) -> None:
    nb, client = kernel_run
    # nbval keeps display_data messages and ignores updates: they must hold the final outputs.
    for index in (1, 2):
        assert [d["data"] for d in client.of(index, "display_data")] == [
            data(o) for o in nb.cells[index].outputs
        ]
    # another Explorer, another session: the same outputs; no execute_result from `ex.ask(...)`.
    assert [data(o) for o in nb.cells[2].outputs] == [data(o) for o in nb.cells[1].outputs]
    assert client.of(2, "execute_result") == []


def test_an_answer_shown_again_later_is_markdown_with_the_diagram(
    kernel_run: tuple[NotebookNode, RecordingClient],
) -> None:
    nb, _ = kernel_run
    [shown] = nb.cells[3].outputs
    assert shown.output_type == "display_data"
    markdown = data(shown)["text/markdown"]
    assert markdown.startswith(f"**Question:** {RELATIONSHIPS}\n\n- `find_relationships")
    assert "```mermaid\nerDiagram" in markdown
    assert data(shown)["text/plain"].startswith(f"Answer(question={RELATIONSHIPS!r}, text='Let me look up")


def test_ask_async_works_with_top_level_await_and_keeps_the_conversation(
    kernel_run: tuple[NotebookNode, RecordingClient],
) -> None:
    nb, _ = kernel_run
    question, answer, printed = nb.cells[5].outputs
    assert data(question)["text/plain"] == "Question: who owns it?"
    assert "`fact_bs_purchase_order` is owned by **Anna Lindqvist**" in data(answer)["text/markdown"]
    assert printed.text.startswith("`fact_bs_purchase_order` is owned by")


def test_a_long_answer_sends_few_display_updates(kernel_run: tuple[NotebookNode, RecordingClient]) -> None:
    nb, client = kernel_run
    sent = [
        m["header"]["date"] for i, m in client.messages if i == 6 and m["msg_type"] == "update_display_data"
    ]
    seconds = (max(sent) - min(sent)).total_seconds()
    assert 2 <= len(sent) <= seconds / 0.05 + 2  # at most one update per 50 ms, not one per token
    assert len(sent) < 200
    _question, answer = nb.cells[6].outputs
    assert data(answer)["text/plain"].startswith("token0 token1 ")
    assert data(answer)["text/plain"].count("token") == 2000


def test_nbval_accepts_the_executed_notebook(
    kernel_run: tuple[NotebookNode, RecordingClient], tmp_path: Path
) -> None:
    nb, _ = kernel_run
    checked = nbformat.v4.new_notebook(cells=nb.cells[:3], metadata=nb.metadata)
    path = tmp_path / "explorer.ipynb"
    nbformat.write(checked, path)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval", "-p", "no:cacheprovider", "-q", str(path)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stdout[-3000:]
    assert "3 passed" in run.stdout


# ---------------------------------------------------------------------------- interrupts


@pytest.fixture
def kernel() -> Iterator[Any]:
    manager, client = start_new_kernel(kernel_name="python3")
    try:
        yield manager, client
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)


def run_cell(kernel: Any, code: str, *, interrupt_after_updates: int = 0) -> tuple[int, list[dict[str, Any]]]:
    """Execute `code`; optionally interrupt the kernel after that many display updates. Returns the
    number of updates and the other outputs' message contents."""
    manager, client = kernel
    msg_id = client.execute(code)
    updates, outputs = 0, []
    while True:
        msg = client.get_iopub_msg(timeout=20)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind = msg["msg_type"]
        if kind == "update_display_data":
            updates += 1
            if updates == interrupt_after_updates:
                manager.interrupt_kernel()
        elif kind in ("display_data", "stream", "error", "execute_result"):
            outputs.append(msg["content"] | {"kind": kind})
        elif kind == "status" and msg["content"]["execution_state"] == "idle":
            return updates, outputs


def test_interrupting_ask_cancels_the_answer_and_the_explorer_stays_usable(kernel: Any) -> None:
    run_cell(kernel, "from mcop_kernel import Explorer\nex = Explorer(model='offline:30')")
    started = time.monotonic()
    _, outputs = run_cell(kernel, f"a = ex.ask({RELATIONSHIPS!r})", interrupt_after_updates=3)
    assert time.monotonic() - started < 5  # the whole answer would take about 8 s
    _question, answer, error = outputs
    assert answer["data"]["text/plain"].startswith("Let me")  # how far it got depends on timing
    assert answer["data"]["text/plain"].endswith("\n\nError: Answer cancelled.")
    assert error["kind"] == "error" and error["ename"] == "KeyboardInterrupt"
    _, outputs = run_cell(kernel, "b = ex.ask('who owns the supplier table?')")
    assert "`dimv_bs_supplier` is owned by **Anna Lindqvist**" in outputs[1]["data"]["text/markdown"]


def test_mistakes_in_a_notebook_are_one_line_each(kernel: Any, tmp_path: Path) -> None:
    run_cell(kernel, "import os\nos.environ.pop('OPENAI_API_KEY', None)\nfrom mcop_kernel import Explorer")
    _, outputs = run_cell(kernel, "Explorer(model='openai:gpt-4o')")
    [error] = outputs
    assert error["kind"] == "error" and error["ename"] == "ConfigError"
    assert error["traceback"] == [
        "ConfigError: The model 'openai:gpt-4o' needs OPENAI_API_KEY set in the environment."
    ]
    missing = tmp_path / "shop.db"
    _, outputs = run_cell(
        kernel, f"a = Explorer(catalog='sql:sqlite:///{missing}').ask('Show me all tables')"
    )
    assert [output["kind"] for output in outputs] == ["display_data", "display_data"]  # no stderr
    shown = outputs[1]["data"]["text/plain"]
    assert shown.count(str(missing)) == 1 and "does not exist" in shown


# ---------------------------------------------------------------------------- outside a kernel


def test_a_plain_script_streams_the_answer_to_stdout(tmp_path: Path) -> None:
    code = "from mcop_kernel import Explorer; Explorer().ask('who owns the supplier table?')"
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.endswith(
        "`dimv_bs_supplier` is owned by **Anna Lindqvist** (a.lindqvist@example.com), and its data steward "
        "is **Marco Bianchi** (m.bianchi@example.com).\n"
    )
    assert "[tool]" not in run.stdout and "\x1b[" not in run.stdout  # piped: the Markdown as written
    assert "[tool] get_owner(table=" in run.stderr


def test_answers_and_failures_are_returned_never_raised(capsys: pytest.CaptureFixture[str]) -> None:
    with Explorer() as explorer:
        diagram = explorer.ask(RELATIONSHIPS)
        unknown = explorer.ask("Describe the table nonexistent_xyz")
        empty = explorer.ask("   ")
    out = capsys.readouterr().out
    assert "```mermaid\nerDiagram" in out
    assert diagram.ok and diagram.diagram is not None and diagram.diagram.startswith("erDiagram")
    assert [tool.name for tool in diagram.tools] == ["find_relationships", "show_er_diagram"]
    name, args, result = diagram.tools[0]
    assert (name, args, json.loads(result)["table"]) == (
        "find_relationships",
        {"table": "fact_bs_purchase_order"},
        "fact_bs_purchase_order",
    )
    assert unknown.ok and "nonexistent_xyz" in unknown.text  # an answer about the name, not a failure
    assert (empty.error, empty.error_code) == ("Empty message", "empty_content")
    shown = diagram.text[:59] + "…"
    assert repr(diagram) == (
        f"Answer(question={RELATIONSHIPS!r}, text={shown!r} ({len(diagram.text):,} characters), "
        f"diagram=<erDiagram, {len(diagram.diagram):,} characters>, "
        "tools=['find_relationships', 'show_er_diagram'], error=None)"
    )


def test_model_errors_and_timeouts_end_the_answer_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    with Explorer(model=failing(lambda: RuntimeError("provider down"))) as explorer:
        broken = explorer.ask("Show me all tables")
    with Explorer(model="synthetic:500:10", timeout=0.2) as explorer:
        slow = explorer.ask("anything")
    assert (broken.error, broken.error_code) == ("Agent error: provider down", "model_error")
    assert (slow.error, slow.error_code) == ("Request timeout (0.2s). Please try a simpler query.", "timeout")
    assert slow.text.startswith("token0 ")
    assert "Error: Request timeout (0.2s)" in capsys.readouterr().err


async def test_ask_async_does_not_block_the_callers_loop() -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    explorer = Explorer(model="synthetic:40:5")
    try:
        answer = await explorer.ask_async("anything")
    finally:
        ticker.cancel()
        explorer.close()
    assert answer.ok and answer.text.count("token") == 40
    assert ticks >= 5


async def test_cancelling_ask_async_cancels_the_answer(capsys: pytest.CaptureFixture[str]) -> None:
    explorer = Explorer(model="offline:30")  # the relationships answer takes about 8 s
    try:
        asking = asyncio.create_task(explorer.ask_async(RELATIONSHIPS))
        await asyncio.sleep(0.3)
        asking.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asking
        started = time.monotonic()
        answer = await explorer.ask_async("who owns the supplier table?")
    finally:
        explorer.close()
    assert answer.ok and "Anna Lindqvist" in answer.text
    assert time.monotonic() - started < 3  # not queued behind the cancelled answer
    assert "Error: Answer cancelled." in capsys.readouterr().err


def test_tool_results_are_summed_up_in_a_few_words() -> None:
    assert result_summary('{"items": [1, 2], "total": 71, "offset": 0}') == "2 items of 71"
    assert (
        result_summary('{"table": "t", "tables": [1], "relationships": [1, 2]}') == "1 table, 2 relationships"
    )
    assert result_summary('{"query": "x", "hits": []}') == "0 hits"
    assert (
        result_summary('{"error": "No table named \'x\'.", "suggestions": []}')
        == "error: No table named 'x'."
    )
    assert result_summary('{"owner": {"name": "A"}}') == "24 characters"
    assert result_summary("not json") == "8 characters"


def test_settings_are_checked_when_the_explorer_is_made() -> None:
    with pytest.raises(ValueError, match="offline:DELAY_MS"):
        Explorer(model="offline:x")
    with pytest.raises(ValueError, match="server's settings"):
        Explorer(model="offline", server="http://127.0.0.1:8888/")
    with pytest.raises(ValueError, match="session id"):
        Explorer(session_id="../etc")
    assert (
        repr(Explorer(model="offline:5", session_id="s1"))
        == "Explorer(model='offline:5', catalog='sample', session_id='s1')"
    )


def test_server_addresses_as_jupyter_prints_them() -> None:
    address = ServerAddress.parse("http://127.0.0.1:8888/lab/tree/x.ipynb?token=abc")
    assert address == ServerAddress("http://127.0.0.1:8888/", "abc")
    assert address.ws_url("s1", last_seq=4) == "ws://127.0.0.1:8888/mcop/ws/s1?protocol=2&last_seq=4"
    base = ServerAddress.parse("https://hub.example.com/user/ada", token="t")
    assert base.ws_url("s1") == "wss://hub.example.com/user/ada/mcop/ws/s1?protocol=2"


# ---------------------------------------------------------------------------- a running server


@pytest.fixture
def server(
    http_server_client: Any, jp_http_port: int, jp_base_url: str, jp_auth_header: dict[str, str]
) -> tuple[str, str]:
    """The URL and token of pytest-jupyter's server, listening (`http_server_client`) in the test's loop."""
    return f"http://localhost:{jp_http_port}{jp_base_url}", jp_auth_header["Authorization"].removeprefix(
        "token "
    )


async def test_an_explorer_on_a_server_streams_the_same_answer(
    server: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    url, token = server
    remote = await asyncio.to_thread(Explorer.connect, url, token, session_id="remote-1")
    local = Explorer()
    try:
        answer = await remote.ask_async(RELATIONSHIPS)
        expected = await local.ask_async(RELATIONSHIPS)
        follow_up = await remote.ask_async("who owns it?")
    finally:
        await asyncio.to_thread(remote.close)
        local.close()
    assert answer.ok and (answer.text, answer.diagram) == (expected.text, expected.diagram)
    assert [tool[:2] for tool in answer.tools] == [tool[:2] for tool in expected.tools]
    for remote_tool, local_tool in zip(answer.tools, expected.tools, strict=True):
        # a server sends a long result as the bounded summary every client gets
        assert remote_tool.result == bounded_tool_content(local_tool.result)
    assert "`fact_bs_purchase_order` is owned by" in follow_up.text
    assert repr(remote) == f"Explorer(server={url!r}, session_id='remote-1')"


async def test_a_refused_token_is_said_plainly(server: tuple[str, str]) -> None:
    url, _ = server
    with pytest.raises(ConnectionError, match=r"the token was refused \(HTTP 403\)"):
        await asyncio.to_thread(Explorer.connect, url, "not-the-token")
    explorer = Explorer(server=url, token="not-the-token")
    try:
        answer = await explorer.ask_async("Show me all tables")
    finally:
        await asyncio.to_thread(explorer.close)
    assert answer.error_code == "connection_error" and "the token was refused" in (answer.error or "")


@pytest.mark.parametrize("server_config", [{"ServerApp": {"jpserver_extensions": {"mcop_extension": False}}}])
async def test_a_server_without_the_extension_is_said_plainly(server: tuple[str, str]) -> None:
    with pytest.raises(ConnectionError, match="The MCOP extension is not enabled on that server"):
        await asyncio.to_thread(Explorer.connect, *server)


def test_an_unreachable_server_fails_fast(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens there once the socket is closed
    started = time.monotonic()
    with pytest.raises(ConnectionError, match=f"Cannot reach the Jupyter server at http://127.0.0.1:{port}/"):
        Explorer.connect(f"http://127.0.0.1:{port}/", "t")
    with Explorer(server=f"127.0.0.1:{port}", token="t") as explorer:
        answer = explorer.ask("Show me all tables")
    assert time.monotonic() - started < 5
    assert answer.error_code == "connection_error"
    assert "Error: Cannot reach the Jupyter server" in capsys.readouterr().err
