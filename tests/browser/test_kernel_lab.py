"""A notebook in the MCOP kernel, in JupyterLab in Chromium: a question cell streams its answer (the
live output with tool lines and the typing cursor, then the result), Tab lists the catalog's tables
and Shift-Tab shows a table's description."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from .conftest import Artifacts, PageWatch
from .lab_server import LabServer
from .notebook_page import cell_outputs, hide_side_panels, open_notebook

QUESTION_CELL = "%model offline:40\nWhich tables reference suppliers?"  # 40 ms a word: seen streaming
TAB_CELL = "Who owns dimv_bs_supp"

RUN_ALL = "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
OUTPUT_TEXT = """(index) => {
  const cell = document.querySelectorAll('.jp-Notebook .jp-Cell')[index];
  if (!cell) return '';
  return [...cell.querySelectorAll('.jp-OutputArea-output')].map(o => o.innerText).join('\\n---\\n');
}"""


def write_mcop_notebook(lab: LabServer, name: str, cells: list[str]) -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "id": f"q{i}",
                "metadata": {},
                "source": s,
                "execution_count": None,
                "outputs": [],
            }
            for i, s in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"name": "mcop", "display_name": "MCOP Explorer", "language": "mcop"},
            "language_info": {"name": "mcop"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (lab.root / name).write_text(json.dumps(notebook, indent=1))


def output_text(page: Page, index: int) -> str:
    return str(page.evaluate(OUTPUT_TEXT, index))


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[LabServer]:
    """A server of its own, given longer to start than the shared one: the test starts a kernel
    that imports the whole explorer, on machines that may be busy."""
    server = LabServer.create(tmp_path)
    server.start(timeout=120)
    yield server
    server.stop()


def test_a_question_cell_streams_and_tab_lists_tables(
    lab: LabServer, open_page: Callable[[], tuple[Page, PageWatch]], artifacts: Artifacts
) -> None:
    write_mcop_notebook(lab, "questions.ipynb", [QUESTION_CELL, TAB_CELL])
    page, watch = open_page()
    open_notebook(page, lab.lab_url("questions.ipynb"), timeout_ms=90_000)  # the MCOP kernel is ready
    hide_side_panels(page)
    kernel = page.locator(".jp-Toolbar-kernelName").first.inner_text()
    assert "MCOP Explorer" in kernel

    page.evaluate(RUN_ALL)
    # While it streams: the question's output holds a tool line and the text so far, with the cursor.
    page.wait_for_function(
        f"() => ({OUTPUT_TEXT})(0).includes('table_references') && ({OUTPUT_TEXT})(0).includes('▍')"
    )
    artifacts.shot(page, "a question streaming")
    page.wait_for_function(f"() => ({OUTPUT_TEXT})(0).includes('fact_bs_purchase_order')", timeout=60_000)
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-Notebook .jp-Cell')[0].querySelector('.jp-InputPrompt')"
        ".innerText.includes('1')"
    )
    final = output_text(page, 0)
    assert "Question: Which tables reference suppliers?" in final, cell_outputs(page)
    assert "▍" not in final and "6 tables reference" in final
    artifacts.shot(page, "the answer")

    # Tab at the end of the second cell: JupyterLab's completer lists the catalog's tables.
    editor = page.locator(".jp-Notebook .jp-Cell").nth(1).locator(".cm-content")
    editor.click()
    page.keyboard.press("Control+End")
    page.keyboard.press("Tab")
    completer = page.locator(".jp-Completer")
    completer.wait_for(timeout=30_000)
    items = [item.split() for item in completer.locator(".jp-Completer-item").all_inner_texts()]
    artifacts.shot(page, "tab completes table names")
    assert ["t", "dimv_bs_supplier", "table"] in items, items  # each match with its kind
    assert ["t", "dimv_bs_supplier_address", "table"] in items, items
    page.keyboard.press("Escape")

    # Shift-Tab on the name: the table's description in a tooltip.
    page.keyboard.press("Control+End")
    page.keyboard.press("Shift+Tab")
    tooltip = page.locator(".jp-Tooltip")
    tooltip.wait_for(timeout=30_000)
    artifacts.shot(page, "shift-tab describes the table")
    text = tooltip.inner_text()
    assert "dimv_bs_supplier" in text and "Owner:" in text, text
    assert watch.dialogs == []
