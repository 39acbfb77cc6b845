"""Answers and diagrams in plain notebook outputs (no widget): `Explorer().ask(...)` and `%mcop` in
JupyterLab and Notebook 7. JupyterLab draws the diagram with its bundled Mermaid (as an <img> of the
SVG) from the output's Markdown fence, and a bare `text/vnd.mermaid` output too; Notebook 7 draws the
fence (it has no renderer for `text/vnd.mermaid`)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page

from .conftest import Artifacts, PageWatch
from .lab_server import LabServer
from .notebook_page import cell_outputs, hide_side_panels, open_notebook, run_all_cells

QUESTION = "Show relationships between fact_bs_purchase_order and suppliers"
EXPLORER_CELL = f'from mcop_kernel import Explorer\nExplorer().ask("{QUESTION}")'
# `%load_ext` in a cell of its own: the transform that lets `%mcop ...?` end in "?" is registered by
# it, and a cell is transformed as a whole before any of it runs.
LOAD_EXT_CELL = "%load_ext mcop_kernel"
MAGIC_CELL = "%mcop who owns the supplier table?"
MIME_CELL = (
    'display({"text/vnd.mermaid": "erDiagram\\n  supplier ||--o{ purchase_order : places", '
    '"text/plain": "(a Mermaid ER diagram)"}, raw=True)'
)
FENCE = "```mermaid\nflowchart LR\n  EKKO -->|load| stg_bs_purchase_order --> fact_bs_purchase_order\n```"

MERMAID_IMAGE = ".jp-RenderedMermaid img"
# The text of the SVG that a rendered Mermaid <img> holds (`data:image/svg+xml,...`).
SVG_TEXT = """(img) => {
  const src = img.getAttribute('src') || '';
  const svg = src.startsWith('data:image/svg+xml,') ? decodeURIComponent(src.slice(19)) : '';
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  return img.naturalWidth > 0 && doc.documentElement ? doc.documentElement.textContent : '';
}"""
MERMAID_ERRORS = """() => [...document.querySelectorAll(
  '.jp-RenderedMermaid-Details, .jp-RenderedMermaid.jp-mod-warning, .jp-RenderedMermaid-Error')]
  .map(e => e.innerText)"""


def cell(page: Page, index: int) -> Locator:
    return page.locator(".jp-Notebook .jp-Cell").nth(index)


def drawn_text(page: Page, where: Locator) -> str:
    """The text of the one diagram drawn in `where` (a cell), once it is drawn."""
    image = where.locator(MERMAID_IMAGE)
    try:
        image.wait_for(timeout=20_000)
    except Exception as exc:
        raise AssertionError(f"no Mermaid drawing in the cell: {cell_outputs(page)}") from exc
    assert image.count() == 1, cell_outputs(page)
    return str(image.evaluate(SVG_TEXT))


@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_explorer_answer_and_diagram_in_outputs(
    front_end: str, lab: LabServer, open_page: Callable[[], tuple[Page, PageWatch]], artifacts: Artifacts
) -> None:
    notebook = f"outputs-{front_end}.ipynb"
    lab.write_notebook(notebook, [EXPLORER_CELL, LOAD_EXT_CELL, MAGIC_CELL, ("markdown", FENCE), MIME_CELL])
    page, watch = open_page()
    open_notebook(page, lab.lab_url(notebook) if front_end == "lab" else lab.notebook_url(notebook))
    hide_side_panels(page)
    run_all_cells(page)

    # Explorer().ask: the answer's text, then its ER diagram, drawn.
    explorer = cell(page, 0)
    text = drawn_text(page, explorer)
    explorer.locator(MERMAID_IMAGE).scroll_into_view_if_needed()
    artifacts.shot(page, "explorer answer and diagram")
    assert "fact_bs_purchase_order" in text and "dimv_bs_supplier" in text, text[:1000]
    answer = explorer.locator(".jp-OutputArea-output").all_inner_texts()
    assert any("fact_bs_purchase_order" in a and "dimv_bs_supplier" in a for a in answer), answer

    # %mcop: the answer in the output.
    magic = cell(page, 2)
    magic.scroll_into_view_if_needed()
    assert "owned by" in " ".join(magic.locator(".jp-OutputArea-output").all_inner_texts())

    # A ```mermaid Markdown fence.
    fence = cell(page, 3)
    fence.scroll_into_view_if_needed()
    assert "stg_bs_purchase_order" in drawn_text(page, fence)

    # A bare text/vnd.mermaid output: drawn by JupyterLab; Notebook 7 shows its text/plain.
    mime = cell(page, 4)
    mime.scroll_into_view_if_needed()
    if front_end == "lab":
        assert "purchase_order" in drawn_text(page, mime)
    else:
        assert "(a Mermaid ER diagram)" in mime.locator(".jp-OutputArea-output").inner_text()
    artifacts.shot(page, "magic, fence and mime outputs")

    assert page.evaluate(MERMAID_ERRORS) == [], cell_outputs(page)
    assert watch.dialogs == []
