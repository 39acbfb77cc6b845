"""`mcop ask` and `mcop chat` stream answers to the terminal and exit with meaningful codes."""

from __future__ import annotations

import os
import pty
import select
import socket
import subprocess
import sys
import time
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


def test_a_diagram_is_announced_in_one_line_and_saved_or_printed_when_asked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    question = "Show relationships between fact_bs_purchase_order and suppliers"
    assert main(["ask", question]) == 0
    out, err = capsys.readouterr()
    assert "erDiagram" not in out and "classDef" not in out
    hint = [line for line in err.splitlines() if line.startswith("Diagram:")]
    assert len(hint) == 1 and "erDiagram of" in hint[0] and "tables" in hint[0]
    assert "--diagram-out FILE" in hint[0] and "--mermaid" in hint[0]
    assert main(["ask", question, "-q", "--mermaid"]) == 0
    out, err = capsys.readouterr()
    assert "```mermaid\nerDiagram" in out
    assert err == ""
    target = tmp_path / "er.mmd"
    assert main(["ask", question, "-q", "--diagram-out", str(target)]) == 0
    out, err = capsys.readouterr()
    assert target.read_text().startswith("erDiagram")
    assert "erDiagram" not in out
    assert err.splitlines() == [f"Diagram: {hint[0].split(': ', 1)[1].split(' (')[0]} saved to {target}"]


def test_piped_output_is_the_answers_markdown_as_written(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "Describe suppliers", "-q"]) == 0
    out = capsys.readouterr().out
    assert "`dimv_bs_supplier`" in out or "**" in out  # Markdown, not rendered
    assert "\x1b[" not in out


def test_bad_settings_and_questions_exit_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["ask", "   "]) == 2
    assert "Empty message" in capsys.readouterr().err
    assert main(["ask", "hi", "--model", "openai:gpt-5-mini"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "needs OPENAI_API_KEY" in err
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


def mcop(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`mcop ARGS` in a new process, its stdout and stderr pipes (as a user's would be in a script)."""
    return subprocess.run(
        [sys.executable, "-m", "mcop_kernel.cli", *args],
        env=os.environ | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_missing_sqlite_file_is_reported_once_with_its_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "shop.db"
    result = mcop(["ask", "Show me all tables", "-q", "--catalog", f"sql:sqlite:///{missing}"])
    assert result.returncode == 1
    assert result.stderr.count(str(missing)) == 1, result.stderr
    assert "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert not missing.exists()


@pytest.mark.parametrize(
    ("model", "variable", "shown"),
    [
        ("ollama:llama3.2", "OLLAMA_BASE_URL", "(ollama:llama3.2)"),
        ("openai-chat:local-model", "OPENAI_BASE_URL", ""),
    ],
)
def test_an_unreachable_model_server_is_named_with_what_to_check(
    model: str, variable: str, shown: str
) -> None:
    url = f"http://steward:hunter2-secret@127.0.0.1:{closed_port()}/v1"
    result = mcop(["ask", "Show me all tables", "-q", "--model", model], env={variable: url})
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    masked = url.replace("hunter2-secret", "***")
    assert lines[0].startswith(f"Error: Could not reach the model server at {masked} {shown}".rstrip())
    assert "connection refused" in lines[0] and variable in lines[0]
    assert "hunter2" not in result.stderr + result.stdout


def test_help_lists_the_accepted_settings_and_loads_no_agent_stack() -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "mcop_kernel.cli", "ask", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    help_text = " ".join(result.stdout.split())
    for form in ("sample", "sql:URL", "collibra:URL", "python:MODULE:FACTORY"):
        assert form in help_text
    for form in ("offline", "openai:MODEL", "azure:DEPLOYMENT", "ollama:MODEL", "openai-chat:MODEL"):
        assert form in help_text
    imported = {line.split("|")[-1].strip() for line in result.stderr.splitlines() if "|" in line}
    assert "mcop_kernel" in imported  # the test can see what the command loads
    assert not {name for name in imported if name.split(".")[0] in ("pydantic_ai", "pydantic", "rich")}


def run_in_terminal(args: list[str], timeout: float = 60) -> str:
    """`mcop ARGS` with a pseudo-terminal as stdin, stdout and stderr, as a user at a terminal runs
    it (outside pytest and CI, so nothing turns third-party first-run output off for us)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_VERSION", "CI", "PYDANTIC_AI_NO_BANNER")}
    env |= {"COLUMNS": "100", "LINES": "40", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "mcop_kernel.cli", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        close_fds=True,
    )
    os.close(follower)
    output, deadline = b"", time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 65536)
                except OSError:  # the process has gone and closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            elif process.poll() is not None:
                break
    finally:
        os.close(leader)
        if process.poll() is None:
            process.kill()
        process.wait(10)
    assert process.returncode == 0, output.decode(errors="replace")
    return output.decode(errors="replace")


def test_in_a_terminal_the_answer_is_rendered_markdown_with_no_banner() -> None:
    shown = run_in_terminal(["ask", "Describe suppliers"])
    assert "\x1b[" in shown  # colour and styles
    assert "Anna Lindqvist" in shown
    assert "**Anna Lindqvist**" not in shown  # bold is drawn, not spelt out
    assert "| Column" not in shown  # the columns table is drawn as a table
    assert "logfire" not in shown.lower()  # pydantic-ai's first-run banner stays off


def test_streamed_markdown_is_redrawn_only_in_its_unfinished_block() -> None:
    from mcop_kernel.terminal import finished_blocks

    assert finished_blocks("# Title\n\nFirst para") == len("# Title\n\n")
    assert finished_blocks("no blank line yet\n") == 0
    fenced = "Intro\n\n```sql\nselect 1\n\nfrom t\n"
    assert finished_blocks(fenced) == len("Intro\n\n")  # a blank line inside a fence ends nothing
    assert finished_blocks(fenced + "```\n\nAfter") == len(fenced + "```\n\n")
    from mcop_kernel.terminal import _drawable

    assert _drawable("| Column | Ty") == ""
    assert _drawable("| Column | Type |\n|---|---|\n| a | b") == "| Column | Type |\n|---|---|\n"
    assert _drawable("Some **bold") == "Some **bold"


def test_the_terminal_draws_the_answer_so_far_whatever_the_events_came_from() -> None:
    import io

    from mcop_kernel.fold import AnswerSoFar
    from mcop_kernel.protocol import AgentEvent, Event, PartialEvent, ToolEvent, ToolStartEvent, UserEvent
    from mcop_kernel.terminal import TerminalView

    out, err = io.StringIO(), io.StringIO()
    view = TerminalView(out, err, rich=False)
    v1: list[Event] = [UserEvent("q"), ToolEvent("describe_table", '{"error": "none"}'), AgentEvent("None.")]
    answers: list[list[Event]] = [
        [  # v2 or in process: tool calls announced, then their results
            UserEvent("q"),
            PartialEvent("Let me ", "Let me "),
            PartialEvent("check.", "Let me check."),
            ToolStartEvent("list_tables", {"limit": 2}, "c1"),
            ToolEvent("list_tables", '{"tables": [1, 2]}', "c1"),
            AgentEvent("Let me check.\n\nTwo tables."),
        ],
        v1,  # a v1 server sends no tool_start
    ]
    for events in answers:
        so_far = AnswerSoFar("q")
        for event in events:
            so_far.add(event)
            view.show(event, so_far)
        view.finish(so_far)
    assert out.getvalue() == "Let me check.\n\n\nTwo tables.\nNone.\n"  # a tool line ended the first line
    assert err.getvalue().splitlines() == [
        "  [tool] list_tables(limit=2)",
        "  [tool] list_tables: 2 tables",
        "  [tool] describe_table: error: none",
    ]
