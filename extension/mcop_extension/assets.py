"""Where the chat widget's Mermaid comes from: the copy a wheel carries, else the repository's npm install."""

from __future__ import annotations

from pathlib import Path

MERMAID = "mermaid.min.js"
PACKAGED = Path(__file__).resolve().parent / "static"
"""Filled by the wheel build (hatch_build.py) from npm; absent in a source checkout."""
DEVELOPMENT = Path(__file__).resolve().parents[2] / "node_modules" / "mermaid" / "dist"
"""`npm ci` in the repository, for the editable (development) install."""


def mermaid_dirs() -> list[str]:
    """The directory to serve `mermaid.min.js` from, as the extension's `static_paths` (empty when
    Mermaid is nowhere: the widget then shows diagrams as Mermaid source)."""
    for directory in (PACKAGED, DEVELOPMENT):
        if (directory / MERMAID).is_file():
            return [str(directory)]
    return []
