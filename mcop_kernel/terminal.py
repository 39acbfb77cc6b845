"""Answers in a terminal: Markdown rendered with colour as it streams (plain text when piped), tool
activity and errors on stderr, and the diagram saved, printed or announced in one line."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from rich.console import Console
from rich.live import Live
from rich.markdown import Markdown

from .display import call_text, diagram_summary, mermaid_fence, result_summary
from .fold import AnswerSoFar
from .protocol import AgentEvent, ErrorEvent, Event, PartialEvent, ToolEvent, ToolStartEvent

if TYPE_CHECKING:
    from .session import ExplorerSession

REFRESHES_PER_SECOND = 8


def finished_blocks(text: str) -> int:
    """Where the last finished Markdown block of `text` ends: after its last blank line outside a
    code fence (0 if none). What comes before never changes as more text arrives."""
    end, position, fenced = 0, 0, False
    for line in text.splitlines(keepends=True):
        position += len(line)
        if not line.endswith("\n"):
            break  # a line still being written
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and not line.strip():
            end = position
    return end


def _drawable(block: str) -> str:
    """The part of an unfinished block worth drawing now: a table only from its separator line on,
    and never its half-written last row (either would show as a paragraph of pipes)."""
    if not block.lstrip().startswith("|"):
        return block
    rows = block.splitlines(keepends=True)
    if rows and not rows[-1].endswith("\n"):
        rows.pop()
    return "".join(rows) if len(rows) >= 2 else ""


class MarkdownStream:
    """Renders streamed Markdown to a terminal: finished blocks are printed once, for good; only the
    block being written is redrawn (so an answer taller than the screen scrolls as it should)."""

    def __init__(self, console: Console):
        self.console = console
        self.text = ""
        self._printed = 0
        self._blocks = 0
        self._live: Live | None = None

    def add(self, delta: str) -> None:
        self.text += delta
        done = self._printed + finished_blocks(self.text[self._printed :])
        if done > self._printed:
            self._print(self.text[self._printed : done])
            self._printed = done
        tail = _drawable(self.text[self._printed :])
        if tail.strip():
            if self._live is None:
                self._live = Live(
                    Markdown(tail),
                    console=self.console,
                    refresh_per_second=REFRESHES_PER_SECOND,
                    transient=True,
                )
                self._live.start()
            else:
                self._live.update(Markdown(tail))

    def settle(self) -> None:
        """Print what is still being redrawn, for good (before a tool line, and at the end)."""
        if self._live is not None:
            self._live.stop()
            self._live = None
        tail = self.text[self._printed :]
        if tail.strip():
            self._print(tail)
        self._printed = len(self.text)

    def _print(self, markdown: str) -> None:
        if markdown.strip():
            target = self._live.console if self._live is not None else self.console
            if self._blocks:
                target.print()  # the blank line rich puts between blocks it renders together
            target.print(Markdown(markdown))
            self._blocks += 1


class Printer:
    """Writes one answer as it streams: text to `out` (Markdown rendered when `out` is a terminal,
    as it arrives otherwise), tool activity and errors to `err`."""

    def __init__(self, out: TextIO, err: TextIO, *, show_tools: bool = True, rich: bool | None = None):
        self.out, self.err, self.show_tools = out, err, show_tools
        self.rich = out.isatty() if rich is None else rich
        self.markdown = MarkdownStream(Console(file=out)) if self.rich else None
        self.mid_line = False

    def note(self, line: str) -> None:
        """One line on `err`, after the answer text written so far."""
        if self.markdown is not None:
            self.markdown.settle()
        elif self.mid_line:
            self.out.write("\n")
            self.out.flush()
            self.mid_line = False
        self.err.write(line + "\n")
        self.err.flush()

    def show(self, event: Event) -> None:
        match event:
            case PartialEvent(delta=delta):
                if self.markdown is not None:
                    self.markdown.add(delta)
                else:
                    self.out.write(delta)
                    self.out.flush()
                    self.mid_line = not delta.endswith("\n")
            case ToolStartEvent(tool_name=name, args=args) if self.show_tools:
                self.note(f"  [tool] {call_text(name, args)}")
            case ToolEvent(tool_name=name, content=content) if self.show_tools:
                self.note(f"  [tool] {name}: {result_summary(content)}")
            case ErrorEvent(content=content):
                self.note(f"Error: {content}")
            case AgentEvent():
                self.end()

    def end(self) -> None:
        if self.markdown is not None:
            self.markdown.settle()
            self.markdown = MarkdownStream(self.markdown.console)  # the next answer starts afresh
        elif self.mid_line:
            self.out.write("\n")
            self.mid_line = False
        self.out.flush()

    def diagram(self, final: AgentEvent, *, target: str | None, mermaid: bool) -> None:
        """Save the answer's diagram to `target`, or print it as a ```mermaid block, or say in one
        line that there is one and how to get it."""
        if not final.diagram:
            return
        what = diagram_summary(final.diagram)
        if target:
            Path(target).write_text(final.diagram + "\n", encoding="utf-8")
            self.err.write(f"Diagram: {what} saved to {target}\n")
        if mermaid:
            self.out.write(f"\n```mermaid\n{final.diagram}\n```\n")
            self.out.flush()
        elif not target and self.show_tools:
            self.err.write(f"Diagram: {what} (save it with --diagram-out FILE or print it with --mermaid)\n")
        self.err.flush()


async def answer(session: ExplorerSession, question: str, printer: Printer) -> AgentEvent | ErrorEvent:
    """Ask, show the answer as it streams (Ctrl-C cancels it) and return its final event."""
    so_far = AnswerSoFar(question)
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, session.cancel)
    try:
        async for event in session.ask(question):
            printer.show(event)
            so_far.add(event)
    finally:
        printer.end()
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
    return so_far.final or ErrorEvent("No answer.", "internal_error")


class TextView:
    """A terminal or script: the answer on `out` as it streams (rendered in a terminal), tool calls
    and errors on `err`, and the diagram after the answer in a ```mermaid fence."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None):
        self._out = out or sys.stdout
        self._printer = Printer(self._out, err or sys.stderr)

    def show(self, event: Event | None, progress: AnswerSoFar) -> None:
        if event is None and progress.error:
            event = ErrorEvent(progress.error)
        if event is not None:
            self._printer.show(event)

    def due(self) -> float | None:
        return None

    def flush(self) -> None:
        pass

    def finish(self, answer: AnswerSoFar) -> None:
        self._printer.end()
        if answer.diagram:
            self._out.write(f"\n{mermaid_fence(answer.diagram)}\n")
            self._out.flush()
