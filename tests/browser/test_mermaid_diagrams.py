"""Every diagram the offline model can draw for the sample catalog, rendered in Chromium by the Mermaid
the extension serves to the chat widget (`{base_url}static/mcop_extension/mermaid.min.js`), with the
widget's settings (strict security level): no Mermaid error, and every drawn table named in the SVG."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from playwright.sync_api import Page

from .conftest import Artifacts, PageWatch
from .diagram_sources import offline_diagrams
from .lab_server import LabServer

MERMAID_PATH = "static/mcop_extension/mermaid.min.js"
"""Where the widget loads Mermaid from (chat.js MERMAID_PATH; the extension's static_paths)."""

BLANK = "<!doctype html><html><head><meta charset='utf-8'></head><body><div id='show'></div></body></html>"
RENDER_ALL = """async (sources) => {
  const mermaid = window.mermaid;
  mermaid.initialize({startOnLoad: false, securityLevel: 'strict', suppressErrorRendering: true});
  const failures = [];
  const t0 = performance.now();
  let slowest = {ms: 0, index: -1};
  for (let i = 0; i < sources.length; i++) {
    const {source, tables} = sources[i];
    const started = performance.now();
    try {
      const {svg} = await mermaid.render('diagram-' + i, source);
      const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
      const text = doc.documentElement.textContent;
      const missing = tables.filter(t => !text.includes(t));
      let error = null;
      if (doc.querySelector('parsererror') || !doc.querySelector('svg, g')) error = 'not an SVG';
      else if (/Syntax error|Maximum text size/.test(text)) error = text.slice(0, 200);
      else if (missing.length) error = 'tables missing from the SVG: ' + missing.join(', ');
      if (error) failures.push({i, error});
    } catch (e) {
      failures.push({i, error: String(e && e.message || e).slice(0, 500)});
    }
    const ms = performance.now() - started;
    if (ms > slowest.ms) slowest = {ms, index: i};
  }
  return {failures, ms: performance.now() - t0, slowest, version: mermaid.version || null};
}"""


def test_every_offline_diagram_renders_in_chromium(
    lab: LabServer, open_page: Callable[[], tuple[Page, PageWatch]], artifacts: Artifacts
) -> None:
    diagrams = offline_diagrams()
    assert len(diagrams) > 100
    page, watch = open_page()
    page.goto(f"{lab.url}mcop/api/info?token={lab.token}")  # the login cookie
    # A blank page on the server's origin (its API pages forbid scripts); Mermaid from the server.
    blank = f"{lab.url}mcop-browser-test-blank.html"
    page.route(blank, lambda route: route.fulfill(content_type="text/html", body=BLANK))
    page.goto(blank)
    page.add_script_tag(url=lab.url + MERMAID_PATH)
    assert page.evaluate("() => typeof window.mermaid?.render") == "function"

    started = time.monotonic()
    result = page.evaluate(RENDER_ALL, [{"source": d.source, "tables": list(d.tables)} for d in diagrams])
    seconds = time.monotonic() - started
    failures = [{"diagram": diagrams[f["i"]].label, "error": f["error"]} for f in result["failures"]]
    slowest = diagrams[result["slowest"]["index"]]
    summary = {
        "diagrams": len(diagrams),
        "er": sum(d.kind == "er" for d in diagrams),
        "lineage": sum(d.kind == "lineage" for d in diagrams),
        "failures": len(failures),
        "seconds": round(seconds, 1),
        "slowest": {"diagram": slowest.label, "ms": round(result["slowest"]["ms"])},
    }
    (artifacts.folder / "summary.json").write_text(json.dumps(summary | {"errors": failures}, indent=1))
    print(f"\nrendered {summary['diagrams']} diagrams in Chromium in {seconds:.1f} s: {summary}")

    # Show the slowest one as a user would see it.
    page.evaluate(
        """async (source) => {
          const {svg} = await window.mermaid.render('shown', source);
          document.getElementById('show').innerHTML = svg;
        }""",
        slowest.source,
    )
    artifacts.shot(page, "slowest diagram", full_page=True)

    assert failures == [], failures[:10]
    assert watch.dialogs == [] and watch.page_errors == [], watch
