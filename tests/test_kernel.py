"""The MCOP kernel driven through jupyter_client, as JupyterLab drives it: a question cell streams
its answer as display updates and ends in an execute_result; errors are error messages; Interrupt
cancels the answer and the kernel goes on; Tab and Shift-Tab answer from the catalog; a restarted
kernel of the same notebook continues its conversation."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

from mcop_kernel.kernel.console import text_front_end

TIMEOUT = 60.0
Message = dict[str, Any]


def kernel_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MCOP_", "JPY_SESSION"))}
    return env | {"MCOP_HOME": str(home)} | extra


def start(env: dict[str, str]) -> tuple[KernelManager, BlockingKernelClient]:
    km = KernelManager(kernel_name="mcop")
    km.start_kernel(env=env)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def stop(km: KernelManager, kc: BlockingKernelClient) -> None:
    kc.stop_channels()
    km.shutdown_kernel(now=True)


def collect(kc: BlockingKernelClient, msg_id: str, *, until_idle: bool = True) -> Iterator[Message]:
    """The IOPub messages answering `msg_id`, up to its idle status."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        msg = kc.get_iopub_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        yield msg
        if until_idle and msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return
    raise AssertionError("the kernel never went idle")


def reply_to(kc: BlockingKernelClient, msg_id: str) -> Message:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        msg = kc.get_shell_msg(timeout=TIMEOUT)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
    raise AssertionError("no reply")


def run(kc: BlockingKernelClient, code: str) -> tuple[list[Message], Message]:
    msg_id = kc.execute(code)
    messages = list(collect(kc, msg_id))
    return messages, reply_to(kc, msg_id)["content"]


def kinds(messages: list[Message]) -> list[str]:
    return [m["msg_type"] for m in messages]


@pytest.fixture(scope="module")
def kernel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[KernelManager, BlockingKernelClient]]:
    home = tmp_path_factory.mktemp("mcop-home")
    # A word every 10 ms: an answer lasts longer than one display update (50 ms), however fast the
    # machine, so the live updates a reader sees are there to check.
    env = kernel_env(
        home, MCOP_SESSION="kernel-tests", MCOP_MODEL="offline:10", OPENAI_BASE_URL="http://127.0.0.1:9/v1"
    )
    km, kc = start(env)
    yield km, kc
    stop(km, kc)


@pytest.fixture
def kc(kernel: tuple[KernelManager, BlockingKernelClient]) -> BlockingKernelClient:
    return kernel[1]


def test_kernel_info_names_the_explorer(kc: BlockingKernelClient) -> None:
    kc.kernel_info()
    info = kc.get_shell_msg(timeout=TIMEOUT)["content"]
    assert info["implementation"] == "mcop"
    assert info["language_info"]["name"] == "mcop"
    assert "debugger" not in info["supported_features"]


def test_a_question_streams_then_ends_in_an_execute_result(kc: BlockingKernelClient) -> None:
    messages, reply = run(kc, "Which tables reference suppliers?")
    order = kinds(messages)
    assert order[:3] == ["status", "execute_input", "display_data"]
    assert order[-2:] == ["execute_result", "status"]
    assert messages[0]["content"]["execution_state"] == "busy"
    first = messages[2]["content"]
    display_id = first["transient"]["display_id"]
    assert first["data"]["text/plain"] == "Question: Which tables reference suppliers?"
    updates = [m["content"] for m in messages if m["msg_type"] == "update_display_data"]
    assert updates and all(u["transient"]["display_id"] == display_id for u in updates)
    assert any("table_references" in u["data"]["text/markdown"] for u in updates)  # a tool line, live
    assert updates[-1]["data"] == first["data"]  # the output ends as it began: the question
    result = messages[-2]["content"]
    assert result["execution_count"] == reply["execution_count"] == messages[1]["content"]["execution_count"]
    assert result["data"]["text/plain"].startswith("[tool] table_references(")
    assert "dimv_bs_supplier" in result["data"]["text/markdown"]
    assert reply["status"] == "ok"


def test_a_diagram_is_a_mermaid_output(kc: BlockingKernelClient) -> None:
    messages, reply = run(kc, "Show relationships between fact_bs_purchase_order and suppliers")
    assert reply["status"] == "ok"
    diagrams = [m["content"]["data"] for m in messages if "text/vnd.mermaid" in m["content"].get("data", {})]
    assert len(diagrams) == 1
    assert diagrams[0]["text/vnd.mermaid"].startswith("erDiagram")
    assert diagrams[0]["text/markdown"].startswith("```mermaid\nerDiagram")
    assert kinds(messages).index("execute_result") < kinds(messages).index("display_data", 3)


def test_an_unknown_catalog_is_an_error_message_without_a_traceback(kc: BlockingKernelClient) -> None:
    messages, reply = run(kc, "%catalog nowhere:at-all")
    errors = [m["content"] for m in messages if m["msg_type"] == "error"]
    assert len(errors) == 1 and errors[0]["ename"] == "ConfigError"
    assert "Unknown catalog" in errors[0]["evalue"]
    assert errors[0]["traceback"] == [f"ConfigError: {errors[0]['evalue']}"]
    assert reply["status"] == "error" and reply["ename"] == "ConfigError"
    messages, reply = run(kc, "%catalog")  # the catalog in use is still the sample
    assert reply["status"] == "ok"
    assert (
        "Sample procurement catalog"
        in next(m for m in messages if m["msg_type"] == "stream")["content"]["text"]
    )


def test_magics_set_the_model_and_help_explains_cells(kc: BlockingKernelClient) -> None:
    messages, reply = run(kc, "%model offline\n%help")
    text = "".join(m["content"]["text"] for m in messages if m["msg_type"] == "stream")
    assert reply["status"] == "ok" and "Model: offline" in text and "%catalog SPEC" in text
    assert "execute_result" not in kinds(messages)
    _, reply = run(kc, "%model nosuchprovider")
    assert reply["status"] == "error" and reply["ename"] == "ConfigError"
    _, reply = run(kc, "%frobnicate")
    assert reply["status"] == "error" and reply["ename"] == "UsageError"


def test_a_model_that_is_down_and_a_timeout_are_error_messages(kc: BlockingKernelClient) -> None:
    _, reply = run(kc, "%model openai-chat:any-model")  # OPENAI_BASE_URL: a port nobody serves
    assert reply["status"] == "ok"
    messages, reply = run(kc, "Which tables reference suppliers?")
    assert reply["status"] == "error" and reply["ename"] == "ModelError", reply
    assert "127.0.0.1:9" in reply["evalue"] and "Traceback" not in "".join(reply["traceback"])
    assert "execute_result" not in kinds(messages)
    _, reply = run(kc, "%model offline:200\n%timeout 0.5")
    assert reply["status"] == "ok"
    _, reply = run(kc, "Describe the supplier table")
    assert reply["status"] == "error" and reply["ename"] == "Timeout" and "0.5s" in reply["evalue"]
    _, reply = run(kc, "%model offline\n%timeout 30")
    assert reply["status"] == "ok"


def test_interrupt_cancels_the_answer_and_the_kernel_goes_on(
    kernel: tuple[KernelManager, BlockingKernelClient],
) -> None:
    km, kc = kernel
    _, reply = run(kc, "%model offline:150")  # 150 ms a word: an answer that takes seconds
    assert reply["status"] == "ok"
    msg_id = kc.execute("Describe the supplier table")
    seen: list[Message] = []
    for msg in collect(kc, msg_id):
        seen.append(msg)
        if kinds(seen).count("update_display_data") == 2 and msg["msg_type"] == "update_display_data":
            km.interrupt_kernel()  # what JupyterLab's stop button does (the kernelspec's signal mode)
    reply = reply_to(kc, msg_id)["content"]
    errors = [m["content"] for m in seen if m["msg_type"] == "error"]
    assert errors and errors[0]["ename"] == "Cancelled" and "cancelled" in errors[0]["evalue"]
    assert reply["status"] == "error" and reply["ename"] == "Cancelled"
    assert "execute_result" not in kinds(seen)
    run(kc, "%model offline")
    messages, reply = run(kc, "Who owns the supplier table?")
    assert reply["status"] == "ok" and "execute_result" in kinds(messages)


def complete(kc: BlockingKernelClient, code: str, cursor: int | None = None) -> Message:
    msg_id = kc.complete(code, len(code) if cursor is None else cursor)
    content: Message = reply_to(kc, msg_id)["content"]
    return content


def test_tab_completes_tables_columns_and_terms(kc: BlockingKernelClient) -> None:
    reply = complete(kc, "Who owns dimv_bs_supp")
    assert reply["status"] == "ok" and "dimv_bs_supplier" in reply["matches"]
    assert (reply["cursor_start"], reply["cursor_end"]) == (len("Who owns "), len("Who owns dimv_bs_supp"))
    types = {t["text"]: t["type"] for t in reply["metadata"]["_jupyter_types_experimental"]}
    assert types["dimv_bs_supplier"] == "table"
    columns = complete(kc, "What is dimv_bs_supplier.")["matches"]
    assert columns and all(c.startswith("dimv_bs_supplier.") for c in columns)
    terms = complete(kc, "What is a purchase or")
    assert "Purchase Order" in terms["matches"] and terms["cursor_start"] == len("What is a ")
    assert "%model" in complete(kc, "%mo")["matches"]


def test_shift_tab_describes_the_table_under_the_cursor(kc: BlockingKernelClient) -> None:
    code = "Who owns dimv_bs_supplier?"
    reply = reply_to(kc, kc.inspect(code, code.index("bs_")))["content"]
    assert reply["status"] == "ok" and reply["found"]
    plain, markdown = reply["data"]["text/plain"], reply["data"]["text/markdown"]
    assert plain.startswith("dimv_bs_supplier (DIMENSION")
    assert "Owner: " in plain and "Columns (" in plain
    assert "| column | type | description |" in markdown
    missing = reply_to(kc, kc.inspect("zzzz qqqq", 2))["content"]
    assert missing["status"] == "ok" and not missing["found"]


def test_a_restarted_kernel_of_the_same_notebook_continues_its_conversation(tmp_path: Path) -> None:
    notebook = str(tmp_path / "steward review.ipynb")
    km, kc = start(kernel_env(tmp_path, JPY_SESSION_NAME=notebook))
    try:
        messages, _ = run(kc, "%session")
        before = next(m for m in messages if m["msg_type"] == "stream")["content"]["text"]
        assert "steward-review" in before and "0 earlier questions" in before
        _, reply = run(kc, "Describe the supplier table")
        assert reply["status"] == "ok"
        km.restart_kernel(now=True)
        kc.wait_for_ready(timeout=TIMEOUT)
        messages, _ = run(kc, "%session")
        after = next(m for m in messages if m["msg_type"] == "stream")["content"]["text"]
        assert after.split(" (")[0] == before.split(" (")[0]  # the same session id
        assert "1 earlier question;" in after
    finally:
        stop(km, kc)


def test_in_a_terminal_front_end_a_question_streams_as_text(tmp_path: Path) -> None:
    """`jupyter console` prints display data once and ignores updates: there the answer is text."""
    km, kc = start(kernel_env(tmp_path, MCOP_KERNEL_OUTPUT="text"))
    try:
        messages, reply = run(kc, "Show relationships between fact_bs_purchase_order and suppliers")
        assert reply["status"] == "ok"
        order = kinds(messages)
        assert "update_display_data" not in order and "execute_result" not in order
        streams = [m["content"] for m in messages if m["msg_type"] == "stream"]
        out = [s["text"] for s in streams if s["name"] == "stdout"]
        err = "".join(s["text"] for s in streams if s["name"] == "stderr")
        assert len(out) > 3, "the answer came in one piece, not as it was written"
        assert "dimv_bs_supplier" in "".join(out)
        assert "[tool] show_er_diagram(" in err or "[tool] find_relationships(" in err
        diagram = next(m for m in messages if m["msg_type"] == "display_data")["content"]["data"]
        assert diagram["text/plain"].startswith("erDiagram")
    finally:
        stop(km, kc)


def test_a_kernel_started_by_jupyter_console_streams_as_text(tmp_path: Path) -> None:

    console = tmp_path / "jupyter-console"  # a script, as pip installs `jupyter-console`
    console.write_text(f"#!{sys.executable}\nimport time\ntime.sleep(30)\n")
    console.chmod(0o755)
    parent = subprocess.Popen([str(console)])
    try:
        deadline = time.monotonic() + 10
        while not text_front_end({}, parent=parent.pid) and time.monotonic() < deadline:
            time.sleep(0.05)  # until the new process runs the script
        assert text_front_end({}, parent=parent.pid)
        assert not text_front_end({"MCOP_KERNEL_OUTPUT": "cells"}, parent=parent.pid)
    finally:
        parent.kill()
        parent.wait(10)
    assert not text_front_end({})  # pytest is not a console
    assert text_front_end({"MCOP_KERNEL_OUTPUT": "text"})
