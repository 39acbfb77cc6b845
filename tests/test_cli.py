"""`mcop ask` and `mcop chat` stream answers to the terminal and exit with meaningful codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mcop_kernel.cli import main


def test_ask_streams_the_answer_and_shows_tool_calls(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Show me all tables"]) == 0
    out, err = capsys.readouterr()
    assert "fact_bs_purchase_order (FACT)" in out
    assert "dimv_bs_supplier (DIMENSION)" in out
    assert "[tool] list_tables" in err
    assert "[tool]" not in out


def test_the_diagram_is_printed_or_saved(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    question = "Show relationships between fact_bs_purchase_order and suppliers"
    assert main(["ask", question, "-q"]) == 0
    out, err = capsys.readouterr()
    assert "```mermaid\nerDiagram" in out
    assert err == ""
    target = tmp_path / "er.mmd"
    assert main(["ask", question, "--diagram-out", str(target)]) == 0
    out, err = capsys.readouterr()
    assert target.read_text().startswith("erDiagram")
    assert "```mermaid" not in out
    assert f"Diagram saved to {target}" in err


def test_bad_settings_and_questions_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["ask", "   "]) == 2
    assert "Empty message" in capsys.readouterr().err
    assert main(["ask", "hi", "--model", "openai:gpt-5-mini"]) == 2
    assert "needs OPENAI_API_KEY" in capsys.readouterr().err
    assert main(["ask", "hi", "--catalog", "nowhere"]) == 2
    assert "Unknown catalog 'nowhere'" in capsys.readouterr().err
    assert main(["ask", "hi", "--timeout", "0"]) == 2


def test_a_failed_answer_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "hi", "--model", "synthetic:100:50", "--timeout", "0.2"]) == 1
    assert "Request timeout (0.2s)" in capsys.readouterr().err


def run_mcop(args: list[str], stdin: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = os.environ | {"MCOP_HOME": str(home)}
    command = [sys.executable, "-m", "mcop_kernel.cli", *args]
    return subprocess.run(
        command, input=stdin, env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_chat_keeps_history_within_and_across_processes(tmp_path: Path) -> None:
    first = run_mcop(
        ["chat", "--session", "steward", "-q"], "Describe suppliers\nwho owns it?\nexit\n", tmp_path
    )
    assert first.returncode == 0, first.stderr
    assert "`dimv_bs_supplier` is owned by" in first.stdout
    assert "session steward" in first.stderr
    again = run_mcop(["chat", "--session", "steward", "-q"], "who is its steward?\n", tmp_path)
    assert again.returncode == 0, again.stderr
    assert "2 earlier questions" in again.stderr
    assert "dimv_bs_supplier" in again.stdout
