"""One question answered into a cell: the kernel's IOPub messages for it, streamed as display updates
and ended by an execute_result (or an error), with the same MIME bundles as `Explorer.ask`."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
import uuid
from collections.abc import Callable
from typing import Any

from ..background import produce
from ..display import UPDATE_INTERVAL, Bundle, answer_bundle, diagram_bundle, live_bundle, question_bundle
from ..explorer import Answer
from ..fold import AnswerSoFar, Item
from ..session import ExplorerSession
from .cells import CellError, ename_for

Send = Callable[[str, dict[str, Any]], None]
"""Publishes one IOPub message (type, content) as a reply to the cell's execute_request."""


class CellOutputs:
    """The messages a cell's outputs are made of."""

    def __init__(self, send: Send):
        self.send = send

    def display(self, bundle: Bundle, display_id: str | None = None) -> None:
        transient = {"display_id": display_id} if display_id else {}
        self.send("display_data", {"data": bundle, "metadata": {}, "transient": transient})

    def update(self, bundle: Bundle, display_id: str) -> None:
        self.send(
            "update_display_data", {"data": bundle, "metadata": {}, "transient": {"display_id": display_id}}
        )

    def result(self, bundle: Bundle, execution_count: int) -> None:
        self.send("execute_result", {"data": bundle, "metadata": {}, "execution_count": execution_count})

    def text(self, text: str, name: str = "stdout") -> None:
        self.send("stream", {"name": name, "text": text if text.endswith("\n") else text + "\n"})

    def error(self, ename: str, evalue: str) -> dict[str, Any]:
        """The error output; returns the content an execute_reply carries for it."""
        content = {"ename": ename, "evalue": evalue, "traceback": [f"{ename}: {evalue}"]}
        self.send("error", content)
        return content


class Interrupt:
    """Interrupting the kernel while it answers cancels the answer (not the kernel)."""

    def __init__(self) -> None:
        self.requested = False
        self.session: ExplorerSession | None = None

    def __call__(self) -> None:
        self.requested = True
        self.check()

    def check(self) -> None:
        """Cancel the answer if an interrupt came (an answer not streaming yet is cancelled later)."""
        if self.requested and self.session is not None:
            self.session.cancel()


async def answer_into(
    session: ExplorerSession,
    question: str,
    outputs: CellOutputs,
    interrupt: Interrupt,
    *,
    interval: float = UPDATE_INTERVAL,
) -> Answer:
    """Ask, stream the answer into the cell (the question's output grows with tool lines and text, at
    most one update every `interval` seconds), and end it the way `display.NotebookView` does: the
    question output back to the question alone, so that every output's last content is its first."""
    display_id = uuid.uuid4().hex
    question_shown = question_bundle(question)
    outputs.display(question_shown, display_id)
    progress = AnswerSoFar(question)
    queue: asyncio.Queue[Item] = asyncio.Queue()
    interrupt.session = session
    producer = asyncio.create_task(produce(session, question, queue.put_nowait))
    shown_at, pending, updated = -float("inf"), False, False
    try:
        while not progress.done:
            due = None if not pending else max(0.0, shown_at + interval - time.monotonic())
            try:
                item = await asyncio.wait_for(queue.get(), due) if due != 0 else queue.get_nowait()
            except (TimeoutError, asyncio.QueueEmpty):
                item = None
            if item is not None:
                progress.add(item)
                interrupt.check()
                pending = not progress.done
            if pending and time.monotonic() - shown_at >= interval:
                outputs.update(live_bundle(progress), display_id)
                shown_at, pending, updated = time.monotonic(), False, True
    finally:
        if not producer.done():
            producer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await producer
        interrupt.session = None
    if updated:
        outputs.update(question_shown, display_id)
    return Answer.of(progress)


def show_answer(answer: Answer, outputs: CellOutputs, execution_count: int) -> None:
    """The finished answer as the cell's result and its diagram as a Mermaid output; a failed one as
    what it had written so far and an error (raised as CellError)."""
    if answer.error is not None:
        written = dataclasses.replace(answer, error=None)
        if written.text or written.tools:
            outputs.display(answer_bundle(written))
        raise CellError(ename_for(answer.error_code), answer.error)
    outputs.result(answer_bundle(answer), execution_count)
    if answer.diagram:
        outputs.display(diagram_bundle(answer.diagram))
