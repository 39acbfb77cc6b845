"""A question cell in a terminal front end (`jupyter console --kernel mcop`): the answer streams as
text, drawn by the terminal's view of the answer so far (as `mcop ask` draws it), since a console
prints display data once and ignores display updates.

A kernel started by `jupyter console` (its parent process, as Linux's /proc shows it) streams as
text; `MCOP_KERNEL_OUTPUT` (`text` or `cells`) chooses for any front end and on any system.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
from collections.abc import Mapping
from pathlib import Path

from ..background import produce
from ..display import diagram_bundle
from ..explorer import Answer
from ..fold import AnswerSoFar, Item
from ..session import ExplorerSession
from ..terminal import TerminalView
from .answer import CellOutputs, Interrupt
from .cells import CellError, ename_for

CONSOLES = frozenset({"jupyter-console", "jupyter_console"})


def text_front_end(env: Mapping[str, str] = os.environ, parent: int | None = None) -> bool:
    """Whether answers should stream as text: the setting, else whether `jupyter console` started us."""
    setting = env.get("MCOP_KERNEL_OUTPUT", "").strip().lower()
    if setting in ("text", "cells"):
        return setting == "text"
    try:  # Linux's view of the process that started us (elsewhere: the setting decides)
        raw = Path(f"/proc/{os.getppid() if parent is None else parent}/cmdline").read_bytes()
    except OSError:
        return False
    command = raw.decode(errors="replace").split("\0")
    return any(Path(part).name in CONSOLES for part in command[:4])


class _Stream(io.StringIO):
    """A text stream whose writes are the cell's `stream` messages."""

    def __init__(self, outputs: CellOutputs, name: str):
        super().__init__()
        self._outputs, self._name = outputs, name

    def write(self, text: str) -> int:
        if text:
            self._outputs.send("stream", {"name": self._name, "text": text})
        return len(text)

    def isatty(self) -> bool:
        return False


async def answer_as_text(
    session: ExplorerSession, question: str, outputs: CellOutputs, interrupt: Interrupt
) -> Answer:
    """Ask and stream the answer as stdout text, tool lines on stderr, as each change arrives."""
    view = TerminalView(_Stream(outputs, "stdout"), _Stream(outputs, "stderr"), rich=False, errors=False)
    progress = AnswerSoFar(question)
    queue: asyncio.Queue[Item] = asyncio.Queue()
    interrupt.session = session
    producer = asyncio.create_task(produce(session, question, queue.put_nowait))
    try:
        while not progress.done:
            item = await queue.get()
            progress.add(item)
            interrupt.check()
            view.show(None, progress)
    finally:
        if not producer.done():
            producer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await producer
        interrupt.session = None
    view.finish(progress)
    return Answer.of(progress)


def show_text_answer(answer: Answer, outputs: CellOutputs) -> None:
    """After the streamed text: the diagram (its source, for a terminal), or the error."""
    if answer.error is not None:
        raise CellError(ename_for(answer.error_code), answer.error)
    if answer.diagram:
        outputs.display(diagram_bundle(answer.diagram))
