"""The Binder (repo2docker) files: a supported Python, this project installed, every tutorial import met."""

from __future__ import annotations

import ast
import json
import re
import sys
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
# Distributions whose import name differs from the project name.
IMPORT_NAMES = {
    "pydantic-ai-slim": "pydantic_ai",
    "jupyter-server": "jupyter_server",
    "mcop-kernel": "mcop_kernel",
}


def notebook_imports() -> set[str]:
    modules: set[str] = set()
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(notebook.read_text())["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith("%"))
            for node in ast.walk(ast.parse(source)):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules.add(node.module.split(".")[0])
    return modules


def project_modules() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0] for requirement in project["dependencies"]}
    modules = {IMPORT_NAMES.get(name, name.replace("-", "_")) for name in names}
    return modules | {"mcop_kernel", "mcop_extension"}


def test_the_environment_pins_a_supported_python_and_node() -> None:
    environment = yaml.safe_load((ROOT / "environment.yml").read_text())
    dependencies = [d for d in environment["dependencies"] if isinstance(d, str)]
    python = next(d for d in dependencies if d.startswith("python"))
    version = tuple(int(part) for part in python.split("=")[-1].split("."))
    assert version >= (3, 11)
    assert any(d.startswith("nodejs") for d in dependencies), "Mermaid is installed from npm"
    assert "pip" in dependencies


def test_post_build_installs_this_project_and_mermaid() -> None:
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111, "repo2docker runs postBuild only when it is executable"
    commands = post_build.read_text()
    assert re.search(r"pip install[^\n]* \.\s*$", commands, re.MULTILINE)
    assert "npm ci" in commands


def test_every_tutorial_import_is_installed_by_the_project() -> None:
    imports = notebook_imports()
    assert {"mcop_kernel", "tornado", "sqlite3"} <= imports
    missing = imports - project_modules() - set(sys.stdlib_module_names)
    assert not missing, f"the notebooks import {sorted(missing)}, which installing the project does not bring"
