"""Answers in a terminal: Markdown rendered with colour as it streams (plain text when piped), tool
activity and errors on stderr, and the diagram saved, printed or announced in one line. A view of
the answer so far (`fold`), as a notebook cell is: it draws the fold's state, never reads events."""

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

from .display import View, call_text, diagram_summary, mermaid_fence, result_summary
from .fold import AnswerSoFar, Failure
from .protocol import Event, ProtocolError

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


class TerminalView:
    """One answer in a terminal, drawn from the answer so far (`fold.AnswerSoFar`) as it grows: text
    to `out` (Markdown rendered when `out` is a terminal, as written otherwise), a line on `err` per
    tool call and per result, and the error (unless `errors` is off: a kernel reports it itself).
    A `display.View`, like a notebook cell's view."""

    def __init__(
        self,
        out: TextIO,
        err: TextIO,
        *,
        show_tools: bool = True,
        rich: bool | None = None,
        errors: bool = True,
    ):
        self.out, self.err, self.show_tools, self.errors = out, err, show_tools, errors
        self.rich = out.isatty() if rich is None else rich
        self.markdown = MarkdownStream(Console(file=out)) if self.rich else None
        self.mid_line = False
        self._text = ""
        self._calls = 0
        self._results: set[int] = set()
        self._error = False

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

    def show(self, event: Event | None, progress: AnswerSoFar) -> None:
        """Draw what `progress` holds that is not on the screen yet (`event` is not read)."""
        if progress.text.startswith(self._text) and len(progress.text) > len(self._text):
            self._write(progress.text[len(self._text) :])
            self._text = progress.text
        for index, tool in enumerate(progress.tools):
            if not self.show_tools:
                break
            if index >= self._calls:
                self._calls = index + 1
                if not tool.result:  # a result read without its call is shown as the result alone
                    self.note(f"  [tool] {call_text(tool.name, tool.args)}")
            if tool.result and index not in self._results:
                self._results.add(index)
                self.note(f"  [tool] {tool.name}: {result_summary(tool.result)}")
        if progress.error and self.errors and not self._error:
            self._error = True
            self.note(f"Error: {progress.error}")

    def _write(self, delta: str) -> None:
        if self.markdown is not None:
            self.markdown.add(delta)
        else:
            self.out.write(delta)
            self.out.flush()
            self.mid_line = not delta.endswith("\n")

    def due(self) -> float | None:
        return None  # a terminal takes every change at once

    def flush(self) -> None:
        pass

    def finish(self, answer: AnswerSoFar) -> None:
        """End the answer's text (the diagram is the caller's choice: see `diagram`); the next answer
        starts afresh."""
        self.show(None, answer)
        if self.markdown is not None:
            self.markdown.settle()
            self.markdown = MarkdownStream(self.markdown.console)
        elif self.mid_line:
            self.out.write("\n")
            self.mid_line = False
        self.out.flush()
        self._text, self._calls, self._results, self._error = "", 0, set(), False

    def diagram(self, source: str | None, *, target: str | None, mermaid: bool) -> None:
        """Save the answer's diagram to `target`, or print it as a ```mermaid block, or say in one
        line that there is one and how to get it."""
        if not source:
            return
        what = diagram_summary(source)
        if target:
            Path(target).write_text(source + "\n", encoding="utf-8")
            self.err.write(f"Diagram: {what} saved to {target}\n")
        if mermaid:
            self.out.write(f"\n{mermaid_fence(source)}\n")
            self.out.flush()
        elif not target and self.show_tools:
            self.err.write(f"Diagram: {what} (save it with --diagram-out FILE or print it with --mermaid)\n")
        self.err.flush()


async def answer(session: ExplorerSession, question: str, view: View) -> AnswerSoFar:
    """Ask, fold the answer's events and show them in `view` as they arrive (Ctrl-C cancels the
    answer); the answer folded. A question the session refuses raises ProtocolError."""
    so_far = AnswerSoFar(question)
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGINT, session.cancel)
    try:
        async for event in session.ask(question):
            so_far.add(event)
            view.show(event, so_far)
    except ProtocolError:
        raise  # refused before it began: there is no answer to end
    except BaseException:
        _end(so_far, view, Failure("Answer cancelled.", "cancelled"))
        raise
    else:
        _end(so_far, view, Failure("The answer ended without its final message.", "internal_error"))
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
    return so_far


def _end(so_far: AnswerSoFar, view: View, unfinished: Failure) -> None:
    if not so_far.done:
        so_far.add(unfinished)
        view.show(None, so_far)
    view.finish(so_far)


class TextView(TerminalView):
    """A script or a terminal IPython (`Explorer.ask`): the answer on stdout as it streams (rendered
    in a terminal), tool calls and errors on stderr, and the diagram after it in a ```mermaid fence."""

    def __init__(self, out: TextIO | None = None, err: TextIO | None = None):
        super().__init__(out or sys.stdout, err or sys.stderr)

    def finish(self, answer: AnswerSoFar) -> None:
        super().finish(answer)
        if answer.diagram and not answer.error:
            self.out.write(f"\n{mermaid_fence(answer.diagram)}\n")
            self.out.flush()
