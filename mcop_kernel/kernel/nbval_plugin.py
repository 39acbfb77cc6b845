"""A pytest plugin: under nbval's `--nbval-current-env`, a notebook written for a kernel of another
language (the MCOP kernel's notebooks) runs in that kernel, not in this environment's Python.

nbval's `--nbval-current-env` starts the current environment's Python kernel for every notebook,
whatever kernel the notebook names: right for Python tutorials (the code under test, not some other
installed Python), meaningless for a notebook whose cells are questions. Enabled with
`-p mcop_kernel.kernel.nbval_plugin` (the project's pytest settings do).
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path
from typing import Any

import pytest
from nbval.kernel import RunningKernel  # type: ignore[import-untyped]
from nbval.plugin import IPyNbFile  # type: ignore[import-untyped]


class OwnKernelNotebook(IPyNbFile):  # type: ignore[misc]
    """nbval's notebook file, started in the kernel its metadata names when that is not Python."""

    def setup(self) -> None:
        spec: dict[str, Any] = self.nb.metadata.get("kernelspec", {})
        language = str(spec.get("language", "python")).lower()
        if not self.config.option.nbval_current_env or language == "python" or not spec.get("name"):
            super().setup()
            return
        self.kernel = RunningKernel(
            spec["name"],
            cwd=str(self.fspath.dirname),
            startup_timeout=self.config.option.nbval_kernel_startup_timeout,
        )
        self.setup_sanitize_files()


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Generator[None, list[Any], list[Any]]:
    collected = yield
    return [
        OwnKernelNotebook.from_parent(parent, path=file_path) if type(item) is IPyNbFile else item
        for item in collected
    ]
