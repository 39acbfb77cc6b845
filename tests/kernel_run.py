"""Running cells in a real kernel for tests, keeping every iopub message (display updates included).

Usage::

    from kernel_run import execute

    nb, client = execute(["from mcop_kernel import Explorer", "Explorer().ask('Show me all tables')"])
    client.updates(1)  # the text/plain of each update_display_data the second cell sent
"""

from __future__ import annotations

from typing import Any

import nbformat
from nbclient import NotebookClient
from nbformat import NotebookNode


class RecordingClient(NotebookClient):
    """nbclient applies `update_display_data` to the outputs it keeps; this also keeps every message."""

    def __init__(self, nb: NotebookNode, **kwargs: Any):
        super().__init__(nb, **kwargs)
        self.messages: list[tuple[int, dict[str, Any]]] = []

    def process_message(self, msg: dict[str, Any], cell: NotebookNode, cell_index: int) -> Any:
        self.messages.append((cell_index, msg))
        return super().process_message(msg, cell, cell_index)

    def of(self, cell_index: int, msg_type: str) -> list[dict[str, Any]]:
        """The contents of the messages of `msg_type` that cell `cell_index` sent."""
        return [m["content"] for i, m in self.messages if i == cell_index and m["msg_type"] == msg_type]

    def updates(self, cell_index: int) -> list[str]:
        """The text/plain of every display update cell `cell_index` sent."""
        return [content["data"]["text/plain"] for content in self.of(cell_index, "update_display_data")]


def execute(cells: list[str], timeout: int = 60) -> tuple[NotebookNode, RecordingClient]:
    """Run the cells in a fresh python3 kernel (this environment's) and return the executed notebook."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    client = RecordingClient(nb, timeout=timeout, kernel_name="python3")
    client.execute()
    return nb, client
