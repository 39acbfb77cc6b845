"""Debian's Chromium, driven by Playwright (whose own browser download does not work here).

Usage::

    with sync_playwright() as p:
        context = launch(p, Path(tempfile.mkdtemp()))   # a persistent context in a fresh profile
        page = context.new_page()
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, Playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    # Without these Chromium keeps calling out to the (closed) network.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}
MISSING = (
    f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
    "(`apt-get install -y chromium`; .ci/run installs it). Playwright's own browser download is not used."
)


class ChromiumMissing(RuntimeError):
    pass


def launch(playwright: Playwright, user_data_dir: Path, **kwargs: Any) -> BrowserContext:
    """Chromium with the flags this machine needs, in the profile `user_data_dir` (fresh: pass an
    empty temporary directory). Keyword arguments go to `launch_persistent_context`."""
    if not CHROMIUM.exists():
        raise ChromiumMissing(MISSING)
    options: dict[str, Any] = {"viewport": VIEWPORT} | kwargs
    return playwright.chromium.launch_persistent_context(
        str(user_data_dir), executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS, **options
    )
