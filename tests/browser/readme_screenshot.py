"""The README's screenshots of the ChatWidget in JupyterLab, each taken after the widget answered:

- `screenshot.png`: the light theme, a lineage question and its flowchart;
- `screenshot-er-fitted.png`: a large ER diagram (a table's whole neighbourhood) full size, fitted;
- `screenshot-er-zoomed.png`: the same diagram zoomed in and dragged to the table asked about;
- `screenshot-dark.png`: JupyterLab Dark, an ER diagram of two tables and what joins them.

Run with (scripts/screenshots.sh does):
    cd tests && ../.venv/bin/python -m browser.readme_screenshot ../docs
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from .chat_widget import ChatWidgetPage, open_chat, widget_cell
from .chromium import ChromiumMissing, launch
from .lab_server import LabServer

QUESTION = "where does fact_bs_purchase_order come from?"
"""A lineage question: its flowchart reads well at the canvas's size."""
FOCUS = "fact_bs_purchase_order"
LARGE_ER = f"Show the neighbourhood of {FOCUS}"
DARK_ER = f"Show relationships between {FOCUS} and suppliers"
DARK = "() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Dark'})"
MAX_ZOOM_STEPS = 12


def answer(chat: ChatWidgetPage, question: str) -> None:
    chat.ask(question).wait_final()
    if chat.canvas.get_attribute("data-state") != "empty":
        chat.wait_svg()


def shoot(page: Page, out: Path) -> None:
    page.mouse.move(0, 0)  # no hover effects
    page.wait_for_timeout(300)
    page.screenshot(path=str(out))
    print(f"wrote {out} ({out.stat().st_size // 1024} KB)")


def large_er(page: Page, chat: ChatWidgetPage, out_dir: Path) -> None:
    """The full-size view of a large ER diagram, fitted, then zoomed and dragged to FOCUS."""
    answer(chat, LARGE_ER)
    chat.root.get_by_test_id("expand-button").click()
    page.get_by_test_id("diagram-overlay").wait_for()
    shoot(page, out_dir / "screenshot-er-fitted.png")
    viewport = page.get_by_test_id("overlay-viewport")
    title = (
        page.get_by_test_id("diagram-overlay")
        .locator(".nodeLabel")
        .filter(has_text=re.compile(rf"^\s*{FOCUS}\s*$"))
        .first
    )
    # as a reader would: point at the table, wheel in, then drag it to the upper middle of the view
    for _ in range(MAX_ZOOM_STEPS):
        label = title.bounding_box()
        if not label or float(viewport.get_attribute("data-scale") or 1) >= 0.9:
            break
        page.mouse.move(label["x"] + label["width"] / 2, label["y"] + label["height"] / 2)
        page.mouse.wheel(0, -200)
        page.wait_for_timeout(50)
    label, view = title.bounding_box(), viewport.bounding_box()
    if label and view:
        page.mouse.move(label["x"] + label["width"] / 2, label["y"] + label["height"] / 2)
        page.mouse.down()
        page.mouse.move(view["x"] + view["width"] / 2, view["y"] + 40, steps=8)
        page.mouse.up()
    shoot(page, out_dir / "screenshot-er-zoomed.png")
    page.keyboard.press("Escape")


def take(out_dir: Path, question: str, width: int, height: int) -> None:
    with tempfile.TemporaryDirectory(prefix="mcop-screenshot-") as tmp:
        home = Path(tmp)
        server = LabServer.create(home / "lab", model="offline")
        server.write_notebook("explorer.ipynb", [widget_cell("readme")])
        server.start()
        try:
            with sync_playwright() as playwright:
                context = launch(playwright, home / "profile", viewport={"width": width, "height": height})
                context.set_default_timeout(30_000)
                page = context.new_page()
                chat = open_chat(page, server.lab_url("explorer.ipynb"))
                out_dir.mkdir(parents=True, exist_ok=True)
                answer(chat, question)
                shoot(page, out_dir / "screenshot.png")
                large_er(page, chat, out_dir)
                page.evaluate(DARK)
                page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
                answer(chat, DARK_ER)
                page.wait_for_function("(c) => c.dataset.theme === 'dark'", arg=chat.canvas.element_handle())
                shoot(page, out_dir / "screenshot-dark.png")
                context.close()
        finally:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, nargs="?", default=Path(__file__).parents[2] / "docs")
    parser.add_argument("--question", default=QUESTION, help="the question of the light-theme screenshot")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=760)
    args = parser.parse_args(argv)
    try:
        take(args.out_dir.resolve(), args.question, args.width, args.height)
    except ChromiumMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
