"""`mcop report` as a steward runs it, and `jupyter console --kernel mcop` in a real terminal (a pty)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest

from mcop_kernel.kernel.report import build_notebook, read_questions

BIN = Path(sys.executable).parent
TIMEOUT = 120


def env(home: Path) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("MCOP_", "JPY_SESSION"))}
    return clean | {"MCOP_HOME": str(home)}


def test_questions_become_a_title_cell_and_one_cell_each() -> None:
    questions = read_questions("Show me all tables\n\n# skipped\n  Who owns suppliers?  \n%catalog sample\n")
    assert questions == ["Show me all tables", "Who owns suppliers?", "%catalog sample"]
    notebook = build_notebook(questions, "Weekly review", model="offline:5")
    assert notebook.metadata.kernelspec.name == "mcop"
    assert [cell.cell_type for cell in notebook.cells] == ["markdown", "code", "code", "code", "code"]
    assert notebook.cells[0].source.startswith("# Weekly review")
    assert notebook.cells[1].source == "%model offline:5"


def test_mcop_report_writes_and_runs_the_notebook(tmp_path: Path) -> None:
    questions = tmp_path / "supplier-review.txt"
    questions.write_text(
        "How many tables are there?\n%catalog nowhere:at-all\nWho owns the supplier table?\n"
    )
    output = tmp_path / "out" / "findings.ipynb"
    done = subprocess.run(
        [str(BIN / "mcop"), "report", str(questions), "-o", str(output)],
        env=env(tmp_path),
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 1, done.stderr  # one cell failed; the others were still asked
    assert "3 questions, 2 answered, 1 failed" in done.stderr
    notebook = json.loads(output.read_text())
    assert notebook["metadata"]["kernelspec"]["name"] == "mcop"
    cells = notebook["cells"]
    assert cells[0]["cell_type"] == "markdown" and "".join(cells[0]["source"]).startswith("# Supplier review")
    first, failed, last = cells[1:]
    results = [o for o in first["outputs"] if o["output_type"] == "execute_result"]
    assert results and "71 tables" in "".join(results[0]["data"]["text/plain"])
    assert [o["ename"] for o in failed["outputs"] if o["output_type"] == "error"] == ["ConfigError"]
    answer = "".join(
        next(o for o in last["outputs"] if o["output_type"] == "execute_result")["data"]["text/plain"]
    )
    assert "get_owner" in answer and "dimv_bs_supplier" in answer
    assert [c["execution_count"] for c in cells[1:]] == [1, 2, 3]


def test_mcop_report_refuses_a_file_without_questions(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("# nothing yet\n\n")
    done = subprocess.run(
        [str(BIN / "mcop"), "report", str(empty)],
        env=env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "holds no questions" in done.stderr
    assert not (tmp_path / "empty.ipynb").exists()


@pytest.mark.skipif(not (BIN / "jupyter-console").exists(), reason="jupyter-console is not installed")
def test_jupyter_console_streams_an_answer_completes_and_quits(tmp_path: Path) -> None:
    console = pexpect.spawn(
        str(BIN / "jupyter"),
        ["console", "--kernel", "mcop", "--ZMQCompleter.timeout=60"],  # a loaded CI machine is slow
        env=env(tmp_path) | {"TERM": "xterm-256color"},
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(40, 160),
    )
    try:
        console.expect("MCOP Explorer: ask the data catalog")  # the kernel's banner
        console.expect(r"In \[\S*1\S*\]: ")
        console.send("Who owns dimv_bs_supp\t")  # Tab: the line becomes the table, and a menu shows both
        console.expect("dimv_bs_supplier_address")
        console.send("\r")  # the answer streams as text, as `mcop ask` prints it: no display updates here
        console.expect(r"\[tool\] get_owner\(table=\"dimv_bs_supplier\"\)")
        console.expect(r"`dimv_bs_supplier` is owned by \*\*")
        console.expect(r"In \[\S*2\S*\]: ")
        console.sendline("%catalog nowhere:at-all")
        console.expect("ConfigError: Unknown catalog")
        console.expect(r"In \[\S*3\S*\]: ")
        console.sendcontrol("d")
        console.expect(r"\(\[y\]/n\)")
        console.sendline("y")
        console.expect(pexpect.EOF)
    finally:
        console.close(force=True)
