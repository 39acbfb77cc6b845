"""How an answer looks: streamed into a notebook cell through a display handle, or printed to a
terminal like the `mcop` command; and the MIME bundles of the final answer and its diagram.

A notebook cell that asks gets three outputs:

1. the question. While the answer streams, this output grows (display-handle updates, at most one
   every `interval` seconds) to show tool activity and the text so far; when the answer is done it
   goes back to the question alone.
2. the final answer: tool lines and the answer as Markdown (a new output, never updated).
3. the diagram, if the answer drew one (a new output): see `diagram_bundle`.

Every output's final content is also its first content, because nbval records `display_data`
messages and ignores `update_display_data`: a notebook saved from JupyterLab (which applies the
updates) and nbval's own run then hold the same outputs.
"""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable
from typing import Any, Protocol

from .fold import AnswerSoFar, ToolCall
from .protocol import Event

MERMAID_MIME = "text/vnd.mermaid"
UPDATE_INTERVAL = 0.05
"""Seconds between two updates of a streaming cell output (the first change is shown at once)."""
CURSOR = "▍"

Bundle = dict[str, str]


# ---------------------------------------------------------------------------- text


def call_text(name: str, args: dict[str, Any], limit: int = 160) -> str:
    """`describe_table(table="suppliers")`, shortened past `limit` characters."""
    shown = ", ".join(f"{key}={json.dumps(value, ensure_ascii=False)}" for key, value in args.items())
    text = f"{name}({shown})"
    return text if len(text) <= limit else text[: limit - 2] + "…)"


def result_summary(content: str) -> str:
    """A tool's result in a few words: what it found, or its error."""
    try:
        data: Any = json.loads(content)
    except ValueError:
        data = None
    if isinstance(data, dict):
        if isinstance(data.get("error"), str):
            return "error: " + _clip(data["error"], 100)
        lists = [(key, value) for key, value in data.items() if isinstance(value, list)]
        counted = [_count(len(value), key) for key, value in lists if value][:3]
        counted = counted or [_count(0, key) for key, _ in lists[:1]]
        if counted and isinstance(data.get("total"), int) and data["total"] > len(lists[0][1]):
            counted[0] += f" of {data['total']:,}"
        if counted:
            return ", ".join(counted)
    elif isinstance(data, list):
        return _count(len(data), "items")
    return f"{len(content):,} characters"


def _count(n: int, noun: str) -> str:
    plural = noun.endswith("s") and not noun.endswith(("ss", "us", "is"))
    return f"{n:,} {noun[:-1] if n == 1 and plural else noun}"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def code(text: str) -> str:
    """`text` as a Markdown code span, whatever backticks it holds."""
    ticks = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def diagram_summary(source: str) -> str:
    """What a Mermaid diagram shows, in a few words: "erDiagram of 16 tables"."""
    lines = source.splitlines()
    kind = lines[0].split(maxsplit=1)[0] if lines and lines[0].strip() else "diagram"
    if kind == "erDiagram":
        shown = sum(1 for line in lines[1:] if line.rstrip().endswith("{"))
    elif kind in ("flowchart", "graph"):
        shown = sum(1 for line in lines[1:] if _FLOW_NODE.match(line) and "--" not in line)
    else:
        return kind
    return f"{kind} of {_count(shown, 'tables')}" if shown else kind


_FLOW_NODE = re.compile(r"\s*[\w-]+\s*[\[({]")


def mermaid_fence(source: str) -> str:
    fence = "`" * max(3, max((len(run) + 1 for run in re.findall("`{3,}", source)), default=3))
    return f"{fence}mermaid\n{source}\n{fence}"


def tool_lines(tools: list[ToolCall], *, markdown: bool, live: bool = False) -> list[str]:
    """One line per tool call: its name and arguments, then what it returned."""
    lines = []
    for tool in tools:
        call = call_text(tool.name, tool.args)
        outcome = result_summary(tool.result) if tool.result else ("…" if live else "no result")
        lines.append(f"- {code(call)} → {outcome}" if markdown else f"[tool] {call} -> {outcome}")
    return lines


def _blocks(*parts: str | list[str]) -> str:
    chunks = ["\n".join(part) if isinstance(part, list) else part for part in parts]
    return "\n\n".join(chunk for chunk in chunks if chunk)


# ---------------------------------------------------------------------------- bundles


def question_bundle(question: str) -> Bundle:
    return {"text/markdown": f"**Question:** {question}", "text/plain": f"Question: {question}"}


class Written(Protocol):
    """What the final bundle shows of an answer (an `Explorer` `Answer`, or the answer so far)."""

    @property
    def text(self) -> str: ...
    @property
    def tools(self) -> list[ToolCall]: ...
    @property
    def error(self) -> str | None: ...


def live_bundle(progress: AnswerSoFar) -> Bundle:
    """The question, tool activity and the text so far, while the answer streams."""
    question = question_bundle(progress.question)
    return {
        "text/markdown": _blocks(
            question["text/markdown"],
            tool_lines(progress.tools, markdown=True, live=True),
            progress.text + CURSOR,
        ),
        "text/plain": _blocks(
            question["text/plain"], tool_lines(progress.tools, markdown=False, live=True), progress.text
        ),
    }


def answer_bundle(answer: Written) -> Bundle:
    """The finished answer: tool lines, the text as Markdown, and the error if it failed."""
    error_md = f"**Error:** {answer.error}" if answer.error else ""
    error_plain = f"Error: {answer.error}" if answer.error else ""
    return {
        "text/markdown": _blocks(tool_lines(answer.tools, markdown=True), answer.text, error_md),
        "text/plain": _blocks(tool_lines(answer.tools, markdown=False), answer.text, error_plain),
    }


def diagram_bundle(source: str) -> Bundle:
    """A Mermaid diagram for every front end, in one output:

    - `text/vnd.mermaid`: the diagram's own MIME type. JupyterLab has a renderer for it, ranked 61;
      nbval compares it.
    - `text/markdown`: the source in a ```mermaid fence. JupyterLab ranks Markdown 60, so with both
      present Lab picks this one and draws the fence with the same bundled Mermaid; Notebook 7, which
      has no renderer for `text/vnd.mermaid`, draws the fence too.
    - `text/plain`: the source, for VS Code, GitHub, nbviewer and terminals, which draw neither.
    """
    return {MERMAID_MIME: source, "text/markdown": mermaid_fence(source), "text/plain": source}


# ---------------------------------------------------------------------------- views


class View(Protocol):
    """Where one answer is shown while it streams."""

    def show(self, event: Event | None, progress: AnswerSoFar) -> None:
        """Something arrived (`None`: a failure outside the session; `progress` has it)."""

    def due(self) -> float | None:
        """Seconds until a held-back change must be shown; None when nothing is held back."""

    def flush(self) -> None:
        """Show what was held back."""

    def finish(self, answer: AnswerSoFar) -> None:
        """Show the final answer."""


class NotebookView:
    """The cell's outputs (see the module docstring); updates are throttled to one per `interval`."""

    def __init__(self, question: str, interval: float = UPDATE_INTERVAL):
        from IPython.display import display  # in a notebook only: IPython takes long to import

        show: Callable[..., Any] = display
        self._display = show
        self._question = question_bundle(question)
        self._handle: Any = show(self._question, raw=True, display_id=True)
        self._interval = interval
        self._shown_at = -math.inf
        self._pending: AnswerSoFar | None = None
        self._changed = False
        self.updates = 0

    def show(self, event: Event | None, progress: AnswerSoFar) -> None:
        self._pending = progress
        if self.due() == 0:
            self.flush()

    def due(self) -> float | None:
        if self._pending is None:
            return None
        return max(0.0, self._shown_at + self._interval - time.monotonic())

    def flush(self) -> None:
        if self._pending is not None and self._handle is not None:
            self._handle.update(live_bundle(self._pending), raw=True)
            self._shown_at, self._pending, self._changed = time.monotonic(), None, True
            self.updates += 1

    def finish(self, answer: AnswerSoFar) -> None:
        self._pending = None
        if self._changed and self._handle is not None:
            self._handle.update(self._question, raw=True)
        self._display(answer_bundle(answer), raw=True)
        if answer.diagram:
            self._display(diagram_bundle(answer.diagram), raw=True)
