"""Checks diagram sources with Mermaid itself: one Node process runs tests/mermaid_check.mjs on a batch."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import pytest
from pydantic import BaseModel

REPO = Path(__file__).resolve().parent.parent
CHECKER = REPO / "tests" / "mermaid_check.mjs"
MERMAID_PACKAGES = ("mermaid", "mermaid-11.15")
"""The Mermaid this repository pins, and 11.15: the oldest one JupyterLab 4.6 (^11.15.0) may bundle."""


class MermaidEdge(BaseModel):
    """A drawn edge: Mermaid's id for it (naming both ends) and the markers at its two ends."""

    id: str | None
    start: str | None
    end: str | None


class MermaidResult(BaseModel):
    """What Mermaid made of one source: parsed and rendered (`ok`) or Mermaid's error, and the text
    and node classes of the rendered SVG."""

    ok: bool
    error: str | None
    texts: list[str]
    classes: list[str]
    edges: list[MermaidEdge]


def check_with_mermaid(
    sources: Sequence[str], *, package: str = "mermaid", render: Sequence[bool] | None = None
) -> list[MermaidResult]:
    """Parse every source with the npm `package` (a Mermaid) and render those `render` marks (all by
    default), in one Node process. Rendering under jsdom costs 0.2-8 s a diagram; parsing, milliseconds.

    Example:
        [result] = check_with_mermaid(["erDiagram\\n  a ||--o{ b : \\"has\\""])
        assert result.ok, result.error
    """
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to check diagrams with Mermaid: install Node 20 or later.")
    if not (REPO / "node_modules" / package / "package.json").is_file():
        pytest.fail(
            f"node_modules/{package} is missing: run `npm ci` in {REPO} to install Mermaid and jsdom "
            "(the diagram tests check every diagram with Mermaid's own parser and renderer)."
        )
    items = [
        {"source": s, "render": r} for s, r in zip(sources, render or [True] * len(sources), strict=True)
    ]
    done = subprocess.run(
        [node, str(CHECKER), f"--mermaid={package}"],
        input=json.dumps(items),
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    if done.returncode != 0:
        pytest.fail(f"{CHECKER.name} failed (exit {done.returncode}):\n{done.stderr[-4000:]}")
    results = [MermaidResult.model_validate(r) for r in json.loads(done.stdout)]
    assert len(results) == len(sources)
    return results
