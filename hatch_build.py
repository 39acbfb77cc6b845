"""Wheel build hook: put npm's `mermaid.min.js` into the wheel as `mcop_extension/static/`, never into git.

Mermaid comes from the npm registry (package-lock.json pins it): `npm ci` runs when node_modules lacks
it. The copy is staged under build/ and added to the wheel by `force_include`, so a source checkout
never holds a stale copy; the editable install serves node_modules/mermaid/dist directly instead
(see extension/mcop_extension/assets.py).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

MERMAID = Path("node_modules", "mermaid", "dist", "mermaid.min.js")
IN_WHEEL = "mcop_extension/static/mermaid.min.js"


class MermaidBuildHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        root = Path(self.root)
        source = root / MERMAID
        if not source.is_file():
            npm = shutil.which("npm")
            if npm is None:
                raise RuntimeError(
                    "Building the wheel needs npm (Node.js 20 or newer) to fetch Mermaid from npm."
                )
            subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=root, check=True)
        staged = root / "build" / "mermaid" / source.name
        staged.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staged)
        build_data["force_include"][str(staged)] = IN_WHEEL
