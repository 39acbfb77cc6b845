"""The README's screenshot: the ChatWidget in JupyterLab after answering a question, its diagram drawn.

Run with (scripts/screenshots.sh does):
    cd tests && ../.venv/bin/python -m browser.readme_screenshot ../docs/screenshot.png
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from .chat_widget import open_chat, widget_cell
from .chromium import ChromiumMissing, launch
from .lab_server import LabServer

QUESTION = "where does fact_bs_purchase_order come from?"
"""A lineage question: its flowchart reads well at the canvas's size (an ER diagram of 16 tables does not)."""


def take(out: Path, question: str, width: int, height: int) -> None:
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
                chat.ask(question).wait_final()
                if chat.canvas.get_attribute("data-state") != "empty":
                    chat.wait_svg()
                page.mouse.move(0, 0)  # no hover effects
                out.parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(out))
                context.close()
        finally:
            server.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "out", type=Path, nargs="?", default=Path(__file__).parents[2] / "docs" / "screenshot.png"
    )
    parser.add_argument("--question", default=QUESTION)
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=760)
    args = parser.parse_args(argv)
    try:
        take(args.out.resolve(), args.question, args.width, args.height)
    except ChromiumMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
