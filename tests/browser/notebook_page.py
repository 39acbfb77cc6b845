"""Driving a notebook open in JupyterLab or Notebook 7 (both expose `window.jupyterapp` when started
with `expose_app_in_browser`), every wait bounded.

Usage::

    open_notebook(page, server.lab_url("chat.ipynb"))     # or server.notebook_url(...)
    run_all_cells(page)                                   # returns when every cell ran, kernel idle
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Page

APP_READY = """(path) => {
  const app = window.jupyterapp;
  const panel = app && app.shell && app.shell.currentWidget;
  return !!(panel && panel.sessionContext && panel.content && panel.content.widgets
    && panel.context && panel.context.path === path);
}"""

KERNEL_IDLE = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle';
}"""

RUN_ALL = """async () => {
  const app = window.jupyterapp;
  const panel = app.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  await app.commands.execute('notebook:run-all-cells');
}"""

ALL_EXECUTED = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  return panel.content.widgets.every(c => c.model.type !== 'code' || c.model.executionCount !== null);
}"""


def notebook_path(url: str) -> str:
    """The notebook's path in the server's root, from a Lab (`.../tree/PATH`) or Notebook 7
    (`/notebooks/PATH`) URL."""
    path = urlsplit(url).path
    marker = "/tree/" if "/tree/" in path else "/notebooks/"
    return unquote(path.split(marker, 1)[1])


def open_notebook(page: Page, url: str, timeout_ms: float = 30_000) -> None:
    """Load the front end at `url` and wait until the notebook panel and its kernel are ready."""
    page.goto(url, timeout=timeout_ms)
    page.wait_for_function(APP_READY, arg=notebook_path(url), timeout=timeout_ms)
    page.wait_for_function(KERNEL_IDLE, timeout=timeout_ms)


def run_all_cells(page: Page, timeout_ms: float = 60_000) -> None:
    """`notebook:run-all-cells`, then wait until every code cell has an execution count and the
    kernel is idle."""
    page.evaluate(RUN_ALL)
    page.wait_for_function(ALL_EXECUTED, timeout=timeout_ms)
    page.wait_for_function(KERNEL_IDLE, timeout=timeout_ms)


def app_name(page: Page) -> str:
    return str(page.evaluate("() => window.jupyterapp.name"))


def hide_side_panels(page: Page) -> None:
    """More room for the notebook in screenshots (JupyterLab only; Notebook 7 has none open)."""
    page.evaluate(
        """() => {
      const app = window.jupyterapp;
      if (app.commands.hasCommand('application:toggle-left-area') && !app.shell.leftCollapsed) {
        return app.commands.execute('application:toggle-left-area');
      }
    }"""
    )


def cell_outputs(page: Page) -> list[dict[str, Any]]:
    """Every rendered output: its classes and inner HTML (for assertions and failure messages)."""
    return list(
        page.evaluate(
            """() => [...document.querySelectorAll('.jp-OutputArea-output, .jp-MarkdownOutput')]
                 .map(e => ({cls: e.className, html: e.innerHTML.slice(0, 2000), text: e.innerText}))"""
        )
    )
