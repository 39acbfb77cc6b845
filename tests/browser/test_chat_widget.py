"""The ChatWidget in JupyterLab and Notebook 7, as a user uses it: type a question, watch the answer
stream in with its tool cards, see the ER diagram drawn; the server stopped mid-answer and started
again; catalog text holding HTML shown as text."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from mcop_kernel.catalog.sample import sample_catalog

from . import xss_catalog
from .chat_widget import open_chat, widget_cell
from .conftest import Artifacts, PageWatch
from .diagram_sources import run_async
from .lab_server import LabServer

QUESTION = "Show relationships between fact_bs_purchase_order and suppliers"
OpenPage = Callable[[], tuple[Page, PageWatch]]


def resolve_table(name: str) -> str:
    """The table the sample catalog takes `name` for ("suppliers": dimv_bs_supplier)."""

    async def resolve() -> str:
        return await sample_catalog().resolve_table(name)

    return run_async(resolve)


@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_answer_streams_with_tool_card_and_diagram(
    front_end: str, lab: LabServer, open_page: OpenPage, artifacts: Artifacts
) -> None:
    session_id = "browser-test" if front_end == "lab" else "browser-test-notebook7"
    notebook = f"chat-{front_end}.ipynb"
    lab.write_notebook(notebook, [widget_cell(session_id)])
    page, watch = open_page()
    url = lab.lab_url(notebook) if front_end == "lab" else lab.notebook_url(notebook)
    chat = open_chat(page, url)
    assert page.evaluate("() => window.jupyterapp.name") == (
        "JupyterLab" if front_end == "lab" else "Jupyter Notebook"
    )
    assert chat.root.get_attribute("data-mode") == "server", chat.describe()
    assert chat.root.locator("[data-testid=catalog]").inner_text() == "Catalog: sample"
    artifacts.shot(page, "connected")

    stream = chat.ask(QUESTION)
    partial = stream.wait_partial()
    artifacts.shot(page, "streaming")
    answer = stream.wait_final()
    artifacts.shot(page, "final answer")

    # The question, then text visible (and growing) before the final answer.
    assert chat.messages("user").last.inner_text() == QUESTION
    lengths = stream.partial_lengths()
    assert partial["cursor"] and partial["len"] > 0
    assert len(lengths) >= 3 and lengths[0] < len(answer), (lengths, len(answer))
    # A tool card for the tools the answer used, finished.
    tools = chat.messages("tool")
    assert tools.count() >= 1, chat.describe()
    names = tools.get_by_test_id("tool-name").all_inner_texts()
    assert "show_er_diagram" in names, names
    assert all(s == "done" for s in tools.evaluate_all("(cards) => cards.map(c => c.dataset.status)"))
    # The final answer: cursor gone, nothing running, no error.
    assert stream.agent.get_by_test_id("streaming-cursor").count() == 0
    assert chat.root.get_by_test_id("stop-button").is_hidden()
    assert "fact_bs_purchase_order" in answer
    assert chat.messages("error").count() == 0, chat.describe()
    # The ER diagram, drawn in the canvas, names both tables.
    supplier = resolve_table("suppliers")
    text = chat.wait_svg()
    artifacts.shot(page, "diagram")
    assert "fact_bs_purchase_order" in text and supplier in text, text[:2000]
    assert chat.svg.bounding_box() is not None
    assert watch.dialogs == []
    if front_end == "lab":  # Notebook 7 reports errors of its own on every load
        assert watch.page_errors == [], watch.page_errors


@pytest.fixture
def own_lab(tmp_path: Path, request: pytest.FixtureRequest, artifacts: Artifacts) -> Iterator[LabServer]:
    """A server of the test's own (it is stopped, or has its own catalog): `indirect` parameters are
    extra `jupyter lab` arguments."""
    extra = tuple(getattr(request, "param", ()))
    server = LabServer.create(tmp_path / "lab", model="offline:15", extra_args=extra)
    artifacts.logs.append(("server", server.log_path))
    yield server
    server.stop()


def dismiss_lab_dialogs(page: Page) -> None:
    """JupyterLab's own "Server Connection Error" dialog (its kernel connection was lost too)."""
    for button in page.locator(
        ".jp-Dialog .jp-Dialog-button.jp-mod-accept, .jp-Dialog .jp-Dialog-button"
    ).all():
        if button.is_visible():
            button.click()
            break


def test_reconnects_after_server_restart(
    own_lab: LabServer, open_page: OpenPage, artifacts: Artifacts
) -> None:
    session_id = "restart-test"
    own_lab.write_notebook("restart.ipynb", [widget_cell(session_id)])
    own_lab.start()
    page, _ = open_page()
    chat = open_chat(page, own_lab.lab_url("restart.ipynb"))

    stream = chat.ask(QUESTION)
    stream.wait_partial()
    artifacts.shot(page, "answering")
    own_lab.stop()
    assert chat.wait_state("reconnecting", "disconnected", timeout_ms=10_000) in (
        "reconnecting",
        "disconnected",
    )
    stream.wait_final(timeout_ms=10_000)  # the server ended the answer as it stopped
    seen = stream.agent.inner_text().strip()
    errors = chat.messages("error").all_inner_texts()
    artifacts.shot(page, "server stopped")
    assert seen, chat.describe()

    own_lab.start()  # same port, same store, same cookie secret
    chat.wait_state("connected", timeout_ms=30_000)
    dismiss_lab_dialogs(page)
    artifacts.shot(page, "reconnected")
    # Still there after the reconnection, and nothing shown twice.
    assert chat.messages("user").all_inner_texts() == [QUESTION]
    assert chat.messages("agent").all_inner_texts() == [stream.agent.inner_text()]
    assert stream.agent.inner_text().strip() == seen
    # What the server kept matches what the widget shows.
    [exchange] = own_lab.fetch_json(f"mcop/api/sessions/{session_id}/transcript")["exchanges"]
    assert exchange["question"] == QUESTION
    if exchange["error"]:  # it stopped mid-answer (the usual case), else it finished in time
        assert errors == [exchange["error"]], (errors, exchange)
    else:
        assert exchange["answer"].strip() == seen

    # The connection works: a new question is answered in full.
    again = chat.ask("who owns the supplier table?")
    assert "owned by" in again.wait_final()
    artifacts.shot(page, "answered after restart")

    # A page opened now replays the transcript: both questions, the error, the second answer.
    replay, _ = open_page()
    replayed = open_chat(replay, own_lab.lab_url("restart.ipynb"))
    assert replayed.messages("user").all_inner_texts() == [QUESTION, "who owns the supplier table?"]
    assert replayed.messages("error").all_inner_texts() == errors
    assert "owned by" in replayed.messages("agent").last.inner_text()
    artifacts.shot(replay, "transcript replayed")


def test_replay_keeps_the_text_of_a_stopped_answer(
    lab: LabServer, open_page: OpenPage, artifacts: Artifacts
) -> None:
    lab.write_notebook("stopped.ipynb", [widget_cell("stopped-answer")])
    page, _ = open_page()
    chat = open_chat(page, lab.lab_url("stopped.ipynb"))
    stream = chat.ask(QUESTION)
    stream.wait_partial()
    chat.root.get_by_test_id("stop-button").click()
    stream.wait_final()
    seen = stream.agent.inner_text().strip()
    assert seen and chat.messages("error").all_inner_texts() == ["Answer cancelled."], chat.describe()
    artifacts.shot(page, "stopped")

    replay, _ = open_page()
    replayed = open_chat(replay, lab.lab_url("stopped.ipynb"))
    artifacts.shot(replay, "replayed")
    assert replayed.messages("error").all_inner_texts() == ["Answer cancelled."]
    assert [m.strip() for m in replayed.messages("agent").all_inner_texts()] == [seen], replayed.describe()


@pytest.mark.parametrize(
    "own_lab", [("--MCOPExtension.catalog=python:xss_catalog:factory",)], indirect=True, ids=["xss-catalog"]
)
def test_catalog_markup_is_shown_as_text(
    own_lab: LabServer, open_page: OpenPage, artifacts: Artifacts
) -> None:
    own_lab.write_notebook("markup.ipynb", [widget_cell("markup-test")])
    own_lab.start()
    page, watch = open_page()
    chat = open_chat(page, own_lab.lab_url("markup.ipynb"))

    stream = chat.ask(f"Describe {xss_catalog.TABLE}")
    answer = stream.wait_final()
    page.wait_for_timeout(500)  # an injected image's onerror would fire by now
    shown = stream.agent.get_by_text(xss_catalog.PAYLOAD, exact=False).first
    shown.scroll_into_view_if_needed()
    assert shown.is_visible()
    artifacts.shot(page, "description with markup")

    assert xss_catalog.PAYLOAD in answer, answer[:1000]
    assert "bold?</b>" in answer, answer
    assert watch.dialogs == [], watch.dialogs
    injected = chat.root.evaluate(
        """(root) => [...root.querySelector('[data-testid=transcript]')
             .querySelectorAll('img, script, svg, [onerror], [onmouseover]')].map(e => e.outerHTML)"""
    )
    assert injected == []
    # The tool card's result (the catalog's JSON) is text too.
    assert "onerror=alert(1)" in (chat.messages("tool").first.text_content() or "")


# When the final answer's text is painted (the start of the next frame: its paint follows the frame's
# animation callbacks at once), and when the diagram's <svg> enters the canvas.
PAINT_ORDER = """(root) => {
  const transcript = root.querySelector('[data-testid=transcript]');
  const canvas = root.querySelector('[data-testid=canvas]');
  const baseline = transcript.querySelectorAll('[data-role=agent]').length;
  const order = root.__mcopPaintOrder = {finalPainted: null, svg: null};
  new MutationObserver(() => {
    const agent = transcript.querySelectorAll('[data-role=agent]')[baseline];
    if (agent && order.final === undefined && agent.dataset.streaming !== 'true') {
      order.final = performance.now();
      requestAnimationFrame(() => { order.finalPainted = performance.now(); });
    }
  }).observe(transcript, {childList: true, subtree: true, attributes: true});
  new MutationObserver(() => {
    if (order.svg === null && canvas.querySelector('[data-testid=canvas-svg]')) order.svg = performance.now();
  }).observe(canvas, {childList: true, subtree: true});
}"""


def test_final_answer_is_painted_before_the_diagram_is_drawn(
    lab: LabServer, open_page: OpenPage, artifacts: Artifacts
) -> None:
    lab.write_notebook("paint-order.ipynb", [widget_cell("paint-order")])
    page, _ = open_page()
    chat = open_chat(page, lab.lab_url("paint-order.ipynb"))
    chat.ask("what is downstream of EKPO?").wait_final()  # a first diagram: Mermaid is loaded
    chat.wait_svg()
    chat.root.evaluate(PAINT_ORDER)
    chat.ask(QUESTION).wait_final()
    chat.wait_svg()
    page.wait_for_function(
        "(root) => root.__mcopPaintOrder.finalPainted !== null", arg=chat.root.element_handle()
    )
    order = chat.root.evaluate("(root) => root.__mcopPaintOrder")
    artifacts.shot(page, "answer and diagram")
    assert order["finalPainted"] < order["svg"], order
