"""The ChatWidget's transcript and diagram canvas as a reader uses them in JupyterLab: the transcript
follows the answer unless the reader scrolled up; Mermaid is there before the first question; the
diagram fits, zooms, pans and opens full size; diagrams follow JupyterLab's light and dark themes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from .chat_widget import ChatWidgetPage, open_chat, widget_cell
from .conftest import Artifacts, PageWatch
from .lab_server import LabServer

OpenPage = Callable[[], tuple[Page, PageWatch]]
BETWEEN = "Show relationships between fact_bs_purchase_order and suppliers"
NEIGHBOURHOOD = "Show the neighbourhood of fact_bs_purchase_order"
LINEAGE = "where does fact_bs_purchase_order come from?"

# How the drawn diagram reads: WCAG contrast of its lines and labels against what they are drawn on.
CONTRAST = """(svg) => {
  const rgb = (text) => {
    const m = /rgba?\\(([\\d.]+),\\s*([\\d.]+),\\s*([\\d.]+)(?:,\\s*([\\d.]+))?/.exec(text || '');
    return m ? {c: [+m[1], +m[2], +m[3]], a: m[4] === undefined ? 1 : +m[4]} : null;
  };
  const lum = (c) => {
    const [r, g, b] = c.map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  let background = null;
  for (let at = svg.parentElement; at && !background; at = at.parentElement) {
    const c = rgb(getComputedStyle(at).backgroundColor);
    if (c && c.a > 0.5) background = c.c;
  }
  const fillOf = (e) => { const c = rgb(getComputedStyle(e).fill); return c && c.a > 0.5 ? c.c : null; };
  const lines = [...svg.querySelectorAll('.relationshipLine, .flowchart-link')]
    .map(p => rgb(getComputedStyle(p).stroke)).filter(Boolean).map(s => ratio(s.c, background));
  const labels = [];
  for (const node of svg.querySelectorAll('g.node')) {
    const fills = [...node.querySelectorAll('path, rect, polygon')].map(fillOf).filter(Boolean);
    for (const label of node.querySelectorAll('.nodeLabel')) {
      if (!label.textContent.trim()) continue;
      const color = rgb(getComputedStyle(label).color).c;
      labels.push(Math.min(...fills.map(f => ratio(color, f)), ratio(color, background)));
    }
  }
  return {background, lines: lines.length ? Math.min(...lines) : null, lineCount: lines.length,
          labels: labels.length ? Math.min(...labels) : null, labelCount: labels.length};
}"""


def svg_count(chat: ChatWidgetPage) -> int:
    return int(chat.svg.evaluate("(svg) => svg.querySelectorAll('g.node').length"))


def viewport_scale(chat: ChatWidgetPage, testid: str = "canvas-viewport") -> float:
    return float(chat.page.get_by_test_id(testid).get_attribute("data-scale") or 0)


def test_transcript_follows_the_answer_unless_scrolled_up(
    lab: LabServer, open_page: OpenPage, artifacts: Artifacts
) -> None:
    lab.write_notebook("follow.ipynb", [widget_cell("follow-test")])
    page, _ = open_page()
    chat = open_chat(page, lab.lab_url("follow.ipynb"))
    # Mermaid is loaded when the widget is shown, before anyone asks anything.
    chat.wait_mermaid()
    assert chat.messages().count() == 0
    assert page.locator("script[data-mcop=mermaid]").count() == 1

    # The answer after its tool cards ends in view.
    chat.ask(BETWEEN).wait_final()
    page.wait_for_timeout(100)
    assert chat.messages("tool").count() >= 1, chat.describe()
    position = chat.scroll_position()
    artifacts.shot(page, "answer in view")
    assert position["scroll"] > position["height"] + 100, ("the transcript should overflow", position)
    assert position["below"] <= 2, position
    assert chat.root.get_by_test_id("jump-latest").is_hidden()

    # The reader scrolls up while the next answer streams: the transcript stays where they put it.
    stream = chat.ask(NEIGHBOURHOOD)
    stream.wait_partial()
    box = chat.transcript.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    page.wait_for_function(
        "(t) => t.scrollHeight - t.scrollTop - t.clientHeight > 150", arg=chat.transcript.element_handle()
    )
    assert stream.agent.get_attribute("data-streaming") == "true", "the answer ended before the scroll"
    left_at = chat.scroll_position()["top"]
    stream.wait_final()
    page.wait_for_timeout(200)
    artifacts.shot(page, "scrolled up while streaming")
    position = chat.scroll_position()
    assert abs(position["top"] - left_at) <= 2, (left_at, position)
    assert position["below"] > 150, position

    # "Latest" brings the end back into view, and the next answer is followed again.
    jump = chat.root.get_by_test_id("jump-latest")
    assert jump.is_visible()
    jump.click()
    page.wait_for_function(
        "(t) => t.scrollHeight - t.scrollTop - t.clientHeight <= 2", arg=chat.transcript.element_handle()
    )
    assert jump.is_hidden()
    chat.ask(LINEAGE).wait_final()
    page.wait_for_timeout(100)
    assert chat.scroll_position()["below"] <= 2, chat.scroll_position()


def test_canvas_fits_zooms_pans_and_opens_full_size(
    lab: LabServer, open_page: OpenPage, artifacts: Artifacts
) -> None:
    lab.write_notebook("zoom.ipynb", [widget_cell("zoom-test")])
    page, watch = open_page()
    chat = open_chat(page, lab.lab_url("zoom.ipynb"))
    chat.ask(NEIGHBOURHOOD).wait_final()
    chat.wait_svg()
    assert svg_count(chat) >= 12, "a large ER diagram"
    viewport = chat.root.get_by_test_id("canvas-viewport")
    view = chat.box("canvas-viewport")

    def width() -> float:
        return chat.box("canvas-svg")["width"]

    # Fitted to the canvas's width.
    fitted = width()
    assert fitted <= view["width"] + 1, (fitted, view)
    artifacts.shot(page, "fitted")

    # The wheel over a canvas not clicked yet scrolls the notebook (and says how to zoom).
    page.mouse.move(view["x"] + view["width"] / 2, view["y"] + view["height"] / 2)
    page.mouse.wheel(0, -240)
    chat.root.get_by_test_id("wheel-hint").wait_for()
    assert width() == pytest.approx(fitted, rel=0.01)

    # Buttons.
    chat.root.get_by_test_id("zoom-in").click()
    assert width() == pytest.approx(fitted * 1.25, rel=0.02)
    assert chat.root.get_by_test_id("zoom-level").inner_text().endswith("%")
    chat.root.get_by_test_id("zoom-out").click()
    assert width() == pytest.approx(fitted, rel=0.02)

    # Keys, once the canvas has focus; none reaches the notebook (0 0 would restart the kernel).
    viewport.focus()
    page.keyboard.press("+")
    page.keyboard.press("+")
    assert width() == pytest.approx(fitted * 1.25**2, rel=0.02)
    page.keyboard.press("-")
    assert width() == pytest.approx(fitted * 1.25, rel=0.02)
    for _ in range(8):
        page.keyboard.press("+")
    x0, y0 = chat.box("canvas-svg")["x"], chat.box("canvas-svg")["y"]
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    moved = chat.box("canvas-svg")
    assert moved["x"] < x0 - 20 and moved["y"] < y0 - 20, (x0, y0, moved)
    artifacts.shot(page, "zoomed and panned")
    page.keyboard.press("0")
    page.keyboard.press("0")
    assert width() == pytest.approx(fitted, rel=0.02)
    page.wait_for_timeout(300)
    assert page.locator(".jp-Dialog").count() == 0, "a key reached JupyterLab's shortcuts"

    # Once the canvas has focus the wheel zooms at the pointer; dragging pans.
    page.mouse.move(view["x"] + view["width"] / 2, view["y"] + view["height"] / 2)
    page.mouse.wheel(0, -240)
    page.wait_for_timeout(100)
    assert width() > fitted * 1.3, (width(), fitted)
    before = chat.box("canvas-svg")
    page.mouse.down()
    page.mouse.move(view["x"] + view["width"] / 2 + 80, view["y"] + view["height"] / 2 + 40, steps=4)
    page.mouse.up()
    after = chat.box("canvas-svg")
    assert after["x"] == pytest.approx(before["x"] + 80, abs=3), (before, after)
    chat.root.get_by_test_id("zoom-fit").click()
    assert width() == pytest.approx(fitted, rel=0.02)

    # Full size: a window-sized view with the same controls; Escape closes it.
    chat.root.get_by_test_id("expand-button").click()
    overlay = page.get_by_test_id("diagram-overlay")
    overlay.wait_for()
    full = chat.box("overlay-viewport")
    size = page.viewport_size
    assert size is not None and full["width"] >= 0.9 * size["width"], (full, size)
    assert overlay.get_by_test_id("canvas-svg").count() == 1
    assert width() <= full["width"] + 1
    # A table name becomes as large as the page's own text within a few steps.
    for _ in range(12):
        if viewport_scale(chat, "overlay-viewport") >= 1:
            break
        page.keyboard.press("+")
    label = overlay.locator(".nodeLabel", has_text="fact_bs_purchase_order").first
    label_box = label.bounding_box()
    assert label_box is not None and label_box["height"] >= 12, label_box
    # ...and the zoom keeps the diagram under the view's centre, not empty space.
    drawn = chat.box("canvas-svg")
    cx, cy = full["x"] + full["width"] / 2, full["y"] + full["height"] / 2
    assert drawn["x"] < cx < drawn["x"] + drawn["width"], (drawn, full)
    assert drawn["y"] < cy < drawn["y"] + drawn["height"], (drawn, full)
    artifacts.shot(page, "full size zoomed")
    page.keyboard.press("Escape")
    overlay.wait_for(state="detached")
    assert viewport.get_by_test_id("canvas-svg").count() == 1
    assert chat.root.get_by_test_id("expand-button").evaluate("(b) => b === document.activeElement")
    chat.root.get_by_test_id("expand-button").click()
    page.get_by_test_id("overlay-close").click()
    overlay.wait_for(state="detached")
    assert watch.page_errors == [], watch.page_errors


@pytest.fixture
def themed_lab(tmp_path: Path, artifacts: Artifacts) -> Iterator[LabServer]:
    """A server of the test's own: the theme a test chooses is saved in the server's settings."""
    server = LabServer.create(tmp_path / "lab", model="offline")
    artifacts.logs.append(("server", server.log_path))
    server.start()
    yield server
    server.stop()


def change_theme(page: Page, theme: str, light: bool) -> None:
    page.evaluate("(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
    page.wait_for_function(
        "(light) => document.body.dataset.jpThemeLight === String(light)", arg=light, timeout=20_000
    )


def wait_redrawn(chat: ChatWidgetPage, theme: str) -> None:
    """Wait until the canvas shows an SVG drawn after the one marked `__old`, for `theme`."""
    chat.page.wait_for_function(
        """([canvas, theme]) => {
          const svg = document.querySelector('[data-testid=canvas-svg]');
          return canvas.dataset.theme === theme && canvas.dataset.state === 'rendered' && svg && !svg.__old;
        }""",
        arg=[chat.canvas.element_handle(), theme],
        timeout=20_000,
    )


def test_diagrams_follow_the_jupyterlab_theme(
    themed_lab: LabServer, open_page: OpenPage, artifacts: Artifacts
) -> None:
    themed_lab.write_notebook("theme.ipynb", [widget_cell("theme-test")])
    page, _ = open_page()
    chat = open_chat(page, themed_lab.lab_url("theme.ipynb"))
    chat.ask(BETWEEN).wait_final()
    chat.wait_svg()
    assert chat.canvas.get_attribute("data-theme") == "light"
    light = chat.svg.evaluate(CONTRAST)
    assert light["lineCount"] >= 1 and light["lines"] >= 3, light

    # JupyterLab Dark: the diagram is drawn again, its lines and labels readable on the dark canvas.
    chat.svg.evaluate("(svg) => { svg.__old = true; }")
    change_theme(page, "JupyterLab Dark", light=False)
    wait_redrawn(chat, "dark")
    artifacts.shot(page, "er diagram dark")
    dark = chat.svg.evaluate(CONTRAST)
    assert sum(dark["background"]) < 3 * 100, dark  # drawn against a dark background
    assert dark["lineCount"] >= 1 and dark["lines"] >= 3, dark
    assert dark["labelCount"] >= 2 and dark["labels"] >= 4.5, dark

    # A lineage flowchart asked in the dark theme reads as well.
    chat.ask(LINEAGE).wait_final()
    page.wait_for_function(
        "(canvas) => canvas.dataset.state === 'rendered' && !!canvas.querySelector('.flowchart-link')",
        arg=chat.canvas.element_handle(),
    )
    flow = chat.svg.evaluate(CONTRAST)
    artifacts.shot(page, "lineage dark")
    assert flow["lineCount"] >= 1 and flow["lines"] >= 3, flow
    assert flow["labelCount"] >= 2 and flow["labels"] >= 4.5, flow

    # Back to light: drawn again in light colours.
    chat.svg.evaluate("(svg) => { svg.__old = true; }")
    change_theme(page, "JupyterLab Light", light=True)
    wait_redrawn(chat, "light")
    back = chat.svg.evaluate(CONTRAST)
    assert sum(back["background"]) > 3 * 200, back
    assert back["lines"] >= 3 and back["labels"] >= 4.5, back
