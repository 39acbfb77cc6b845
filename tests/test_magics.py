"""`%load_ext mcop_kernel`, `%mcop`, `%%mcop` and `%mcop_config` in a real kernel: the answers stream
into the cell like `Explorer.ask`, one default explorer keeps the conversation, failures show cleanly."""

from __future__ import annotations

import itertools

import pytest
from kernel_run import RecordingClient, execute
from nbformat import NotebookNode
from pydantic_ai import models

from mcop_kernel.magics import MagicUsageError, keep_question_marks, parse_settings

models.ALLOW_MODEL_REQUESTS = False

RELATIONSHIPS = "Show relationships between fact_bs_purchase_order and suppliers"
CELLS = [
    "%load_ext mcop_kernel",
    "%mcop Show me all tables",
    "%%mcop\nCan you describe the table\nnonexistent_xyz?",
    "a = %mcop who owns the supplier table?\nprint(a.tools[0].name)",
    "%mcop who owns it?",
    "%mcop_config model=synthetic:500:10 timeout=0.3\n%mcop hello",
    f"%mcop_config model=offline:2 timeout=30\n%mcop {RELATIONSHIPS}",
    "%mcop_config colour=blue\n%mcop_config model=nope\n%mcop\n%mcop_config",
]


@pytest.fixture(scope="module")
def run() -> tuple[list[list[NotebookNode]], RecordingClient]:
    nb, client = execute(CELLS)
    return [cell.outputs for cell in nb.cells], client


def texts(outputs: list[NotebookNode], mime: str = "text/plain") -> list[str]:
    return [o["data"][mime] if "data" in o else o.get("text", o.get("ename", "")) for o in outputs]


def test_mcop_answers_in_the_cell(run: tuple[list[list[NotebookNode]], RecordingClient]) -> None:
    outputs, _ = run
    assert outputs[0] == []
    question, answer = texts(outputs[1], "text/markdown")
    assert question == "**Question:** Show me all tables"
    assert answer.startswith("- `list_tables()` → 50 items of 71\n\nHere are the available tables:")
    assert "fact_bs_purchase_order (FACT)" in answer


def test_the_cell_magic_asks_the_cell_text(run: tuple[list[list[NotebookNode]], RecordingClient]) -> None:
    outputs, _ = run
    question, answer = texts(outputs[2])
    assert question == "Question: Can you describe the table\nnonexistent_xyz?"
    assert "nonexistent_xyz" in answer  # the whole cell was the question


def test_one_default_explorer_keeps_the_conversation(
    run: tuple[list[list[NotebookNode]], RecordingClient],
) -> None:
    outputs, _ = run
    *shown, printed = texts(outputs[3])
    assert "`dimv_bs_supplier` is owned by **Anna Lindqvist**" in shown[1]
    assert printed == "get_owner\n"  # `a = %mcop ...` kept the Answer and showed it only once
    _, follow_up = texts(outputs[4])
    assert "`dimv_bs_supplier` is owned by" in follow_up


def test_a_timeout_shows_as_a_message_not_a_traceback(
    run: tuple[list[list[NotebookNode]], RecordingClient],
) -> None:
    outputs, _ = run
    settings, _question, answer = texts(outputs[5])
    assert settings == "Explorer(model='synthetic:500:10', catalog='sample')\n"
    assert answer.startswith("token0 token1")
    assert answer.endswith("\n\nError: Request timeout (0.3s). Please try a simpler query.")
    assert all(o.output_type != "error" for cell in outputs for o in cell)


def test_magics_stream_with_display_updates(run: tuple[list[list[NotebookNode]], RecordingClient]) -> None:
    outputs, client = run
    streaming = client.updates(6)[:-1]
    assert len(streaming) >= 3
    assert all(len(later) >= len(earlier) for earlier, later in itertools.pairwise(streaming))
    _settings, _question, _answer, diagram = outputs[6]
    assert diagram["data"]["text/vnd.mermaid"].startswith("erDiagram")
    assert "dimv_bs_supplier ||--o{ fact_bs_purchase_order" in diagram["data"]["text/vnd.mermaid"]


def test_wrong_use_says_how_to_use_them(run: tuple[list[list[NotebookNode]], RecordingClient]) -> None:
    outputs, _ = run
    [printed] = texts(outputs[7])
    unknown, bad_model, empty, current = printed.splitlines()
    assert unknown.startswith("Unknown setting 'colour=blue'. Usage: %mcop_config [model=SPEC]")
    assert bad_model.startswith("Error: Unknown model 'nope'.")
    assert empty == "Ask a question: %mcop Show me all tables (or put it in a %%mcop cell)."
    assert current == "Explorer(model='offline:2', catalog='sample')"


def test_a_question_mark_at_the_end_asks_instead_of_opening_help() -> None:
    lines = ["x = 1\n", "a = %mcop who owns 'it'?\n", "  %mcop  who?  \n", "%mcop?\n", "%mcop list tables\n"]
    assert keep_question_marks(lines) == [
        "x = 1\n",
        "a = get_ipython().run_line_magic('mcop', \"who owns 'it'?\")\n",
        "  get_ipython().run_line_magic('mcop', 'who?')\n",
        "%mcop?\n",  # help about the magic itself
        "%mcop list tables\n",
    ]
    assert keep_question_marks(["%%mcop\n", "%mcop who?\n"]) == ["%%mcop\n", "%mcop who?\n"]


def test_settings_parse_into_explorer_arguments() -> None:
    assert parse_settings("model=offline:10 catalog=sample timeout=5 session=s1") == {
        "model": "offline:10",
        "catalog": "sample",
        "timeout": 5.0,
        "session_id": "s1",
    }
    assert parse_settings("server='http://127.0.0.1:8888/' token=abc") == {
        "server": "http://127.0.0.1:8888/",
        "token": "abc",
    }
    with pytest.raises(MagicUsageError, match="timeout must be a number"):
        parse_settings("timeout=soon")
    with pytest.raises(MagicUsageError, match="Unknown setting 'model'"):
        parse_settings("model")
