"""The Binder (repo2docker) files: a supported Python, this project installed, every tutorial import
met; repo2docker's own plan for the image; and the image's last step rehearsed: postBuild in a fresh
environment, then JupyterLab on the first tutorial and every tutorial run with no network."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
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
        content = json.loads(notebook.read_text())
        if content["metadata"].get("kernelspec", {}).get("language", "python") != "python":
            continue  # a notebook in the MCOP kernel: its cells are questions, not Python
        for cell in content["cells"]:
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


def test_post_build_installs_this_project() -> None:
    post_build = ROOT / "postBuild"
    assert post_build.stat().st_mode & 0o111, "repo2docker runs postBuild only when it is executable"
    assert re.search(r"pip install[^\n]* \.\s*$", post_build.read_text(), re.MULTILINE)


def test_every_tutorial_import_is_installed_by_the_project() -> None:
    imports = notebook_imports()
    assert {"mcop_kernel", "tornado", "sqlite3"} <= imports
    missing = imports - project_modules() - set(sys.stdlib_module_names)
    assert not missing, f"the notebooks import {sorted(missing)}, which installing the project does not bring"


# ---------------------------------------------------------------------------- the image, rehearsed


def test_repo2docker_installs_the_environment_then_runs_post_build_on_the_copied_repository() -> None:
    """repo2docker's own Dockerfile for this repository (generated, not built: no container engine
    is needed): the conda environment from environment.yml comes before the repository is copied,
    and postBuild runs after the copy, as the notebook user."""
    repo2docker = Path(sys.executable).with_name("repo2docker")
    generated = subprocess.run(
        [repo2docker, "--no-build", "--debug", "--user-id", "1000", "--user-name", "jovyan", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "Building conda environment for python=3.11" in generated.stderr + generated.stdout
    dockerfile = generated.stdout
    environment = dockerfile.index('env update -p ${NB_PYTHON_PREFIX} --file "environment.yml"')
    copy = dockerfile.index("src/ ${REPO_DIR}/")
    post_build = dockerfile.index("RUN ./postBuild")
    assert environment < copy < post_build
    users = re.findall(r"^USER .*$", dockerfile[:post_build], re.MULTILINE)
    assert users[-1] == "USER ${NB_USER}"


def _copy_tracked_files(destination: Path) -> None:
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60)
    for name in listed.stdout.decode().split("\0"):
        source = ROOT / name
        if name and source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)


def _isolated(argv: list[str]) -> list[str]:
    """`argv` run in a network namespace of its own: loopback only, no route out."""
    return ["unshare", "--map-root-user", "--net", "sh", "-c", 'ip link set lo up && exec "$@"', "sh", *argv]


@pytest.fixture(scope="module")
def binder_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The repository's tracked files in a fresh directory, and a fresh Python environment into
    which postBuild installed them (standing in for repo2docker's conda environment)."""
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        pytest.skip("the offline rehearsal needs util-linux's unshare and iproute2's ip")
    probe = subprocess.run(_isolated(["true"]), capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip(f"this machine refuses a network namespace: {probe.stderr.strip()[:200]}")
    root = tmp_path_factory.mktemp("binder")
    repo, env = root / "repo", root / "env"
    _copy_tracked_files(repo)
    subprocess.run([sys.executable, "-m", "venv", env], check=True, timeout=120)
    path = os.pathsep.join([str(env / "bin"), os.environ["PATH"]])
    built = subprocess.run(
        ["./postBuild"],
        cwd=repo,
        env=os.environ | {"PATH": path, "VIRTUAL_ENV": str(env)},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    return repo, env


def test_the_binder_build_opens_the_first_tutorial_and_runs_every_tutorial_with_no_network(
    binder_build: tuple[Path, Path], tmp_path: Path
) -> None:
    repo, env = binder_build
    rehearsal = subprocess.run(
        _isolated(
            [
                str(env / "bin" / "python"),
                str(ROOT / "tests" / "binder_rehearsal.py"),
                str(repo),
                str(tmp_path),
            ]
        ),
        capture_output=True,
        text=True,
        timeout=900,
    )
    lines = [line for line in rehearsal.stdout.splitlines() if line.startswith("RESULT ")]
    log = (tmp_path / "lab.log").read_text() if (tmp_path / "lab.log").exists() else ""
    assert rehearsal.returncode == 0 and lines, rehearsal.stderr[-3000:] + log[-2000:]
    seen = json.loads(lines[-1].removeprefix("RESULT "))
    assert seen["launch_path"] == {"status": 200, "is_lab": True}
    info = seen["info"]
    assert (info.get("ready"), info.get("model"), info.get("catalog")) == (True, "offline", "sample"), info
    assert seen["mermaid"]["status"] == 200 and seen["mermaid"]["bytes"] > 1_000_000
    notebooks = seen["notebooks"]
    assert sorted(notebooks) == sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert {name: result["error"] for name, result in notebooks.items()} == dict.fromkeys(notebooks)
    first = notebooks["01-getting-started.ipynb"]["output"]
    assert "Explorer(model='offline', catalog='sample')" in first
    assert "owned by **Anna Lindqvist**" in first
