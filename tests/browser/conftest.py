"""Fixtures for the browser tests: Debian's Chromium driven by Playwright, `jupyter lab` servers with
the MCOP extension, and a folder of screenshots per test under test-artifacts/browser/.

The tests need /usr/bin/chromium (`apt-get install -y chromium`; .ci/run installs it). Playwright's
own browser download is not used. Without Chromium they fail, never skip.
"""

from __future__ import annotations

import asyncio
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, Playwright, sync_playwright

from .chromium import ChromiumMissing, launch
from .lab_server import LabServer

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts" / "browser"


@pytest.fixture
def jp_asyncio_loop() -> Iterator[asyncio.AbstractEventLoop]:
    """Replaces pytest-jupyter's autouse fixture of the same name for these (synchronous) tests.

    Playwright's sync API runs its own event loop and leaves it marked as the thread's running loop
    between calls; pytest-jupyter's fixture would adopt that loop and close it after every test.
    A private loop, never set as the thread's, keeps the two apart."""
    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture
def jp_server_cleanup() -> None:
    """Replaces pytest-jupyter's autouse clean-up of its in-process ServerApp: these tests start
    `jupyter lab` in processes of their own and never create one."""


@pytest.fixture(scope="package")
def playwright_driver() -> Iterator[Playwright]:
    """Package-scoped, not session-scoped: while it runs, the thread has a running event loop
    (Playwright's), which the asynchronous tests outside this package must not see."""
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(
    playwright_driver: Playwright, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BrowserContext]:
    """One Chromium for the whole run (a persistent context in a fresh profile); tests open pages."""
    try:
        context = launch(playwright_driver, tmp_path_factory.mktemp("chromium-profile"))
    except ChromiumMissing as exc:
        pytest.fail(str(exc), pytrace=False)
    context.set_default_timeout(30_000)
    yield context
    context.close()


@dataclass
class PageWatch:
    """What a page did besides rendering: dialogs (dismissed), console errors, uncaught errors."""

    dialogs: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)


@dataclass
class Artifacts:
    """Screenshots of the test's steps, `test-artifacts/browser/<test>/<NN>-<step>.png`."""

    folder: Path
    count: int = 0
    logs: list[tuple[str, Path]] = field(default_factory=list)

    def shot(self, page: Page, step: str, **kwargs: Any) -> Path:
        self.count += 1
        path = self.folder / f"{self.count:02d}-{re.sub(r'[^a-z0-9]+', '-', step.lower()).strip('-')}.png"
        page.screenshot(path=str(path), **kwargs)
        return path


@pytest.fixture
def artifacts(request: pytest.FixtureRequest) -> Iterator[Artifacts]:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name)
    folder = ARTIFACTS / name
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    result = Artifacts(folder)
    yield result
    for label, log in result.logs:
        if log.exists():
            shutil.copyfile(log, folder / f"{label}.log")


@pytest.fixture
def open_page(
    browser: BrowserContext, artifacts: Artifacts
) -> Iterator[Callable[[], tuple[Page, PageWatch]]]:
    """New tabs whose dialogs are recorded and dismissed, and whose console errors are kept (and
    written to the test's artifacts folder)."""
    pages: list[tuple[Page, PageWatch]] = []

    def new_page() -> tuple[Page, PageWatch]:
        page, watch = browser.new_page(), PageWatch()

        def on_dialog(dialog: Dialog) -> None:
            watch.dialogs.append(f"{dialog.type}: {dialog.message}")
            dialog.dismiss()

        def on_console(message: ConsoleMessage) -> None:
            if message.type == "error":
                watch.console_errors.append(message.text)

        page.on("dialog", on_dialog)
        page.on("console", on_console)
        page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
        pages.append((page, watch))
        return page, watch

    yield new_page
    for i, (page, watch) in enumerate(pages):
        lines = [f"dialog: {d}" for d in watch.dialogs]
        lines += [f"console error: {e}" for e in watch.console_errors]
        lines += [f"page error: {e}" for e in watch.page_errors]
        if lines:
            (artifacts.folder / f"page{i + 1}-console.txt").write_text("\n".join(lines) + "\n")
        if not page.is_closed():
            page.close()


@pytest.fixture(scope="package")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """`jupyter lab` with the extension on the offline model typing 15 ms a word (so partial text is
    seen before the final answer), shared by the tests that do not stop it."""
    server = LabServer.create(tmp_path_factory.mktemp("lab"), model="offline:15")
    server.start()
    yield server
    server.stop()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(server.log_path, ARTIFACTS / "shared-lab-server.log")
