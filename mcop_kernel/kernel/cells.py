"""What an MCOP kernel cell holds (magic lines, comment lines, the question), which conversation a
kernel continues, and the names its errors go by."""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath

from ..registry import valid_session_id
from .names import MAGICS

HELP = (
    """Each cell is a question about the data catalog, e.g. "Which tables reference suppliers?".
The answer streams into the cell: one line per tool the explorer calls, then the answer, then its
diagram when it drew one. The conversation goes on from cell to cell, and is kept: a restarted
kernel of the same notebook continues it.

Lines that start with % set things up (a cell may hold only these, or these and then a question):
"""
    + "\n".join(f"  {text}" for text in MAGICS.values())
    + """

Lines that start with # are comments. Tab completes table, column (table.column) and glossary
names; Shift-Tab on a name shows its description. Interrupt stops the answer being written."""
)


class CellError(Exception):
    """A cell that ends in an error: `ename` is the kind, `evalue` the message shown."""

    def __init__(self, ename: str, evalue: str):
        super().__init__(evalue)
        self.ename, self.evalue = ename, evalue


ENAMES: dict[str, str] = {
    "cancelled": "Cancelled",
    "timeout": "Timeout",
    "model_error": "ModelError",
    "tool_error": "ToolError",
    "catalog_error": "CatalogError",
    "connection_error": "ConnectionError",
    "internal_error": "ExplorerError",
}
"""The error kind a cell shows for an answer's error code; refusals of the question itself
(empty, too long, too many waiting) are a `QuestionRefused`."""


def ename_for(code: str | None) -> str:
    return ENAMES.get(code or "", "QuestionRefused")


@dataclass(frozen=True)
class Magic:
    name: str
    argument: str


@dataclass(frozen=True)
class Cell:
    magics: list[Magic] = field(default_factory=list)
    question: str = ""


def parse_cell(code: str) -> Cell:
    """Magic lines (`%model offline`) and comment lines (`# ...`) come out; what is left is the question."""
    magics: list[Magic] = []
    question: list[str] = []
    for line in code.splitlines():
        stripped = line.strip()
        if stripped.startswith("%") and not question:
            name, _, argument = stripped.partition(" ")
            magics.append(Magic(name.lower(), argument.strip()))
        elif stripped.startswith("#"):
            continue
        else:
            question.append(line)
    return Cell(magics, "\n".join(question).strip())


NEW_CONVERSATION = "a new conversation"
"""The origin of a session nothing names (nbclient, nbval, a console): kept for the kernel's life only,
since no later kernel could find it."""
_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")


def session_id_for(env: Mapping[str, str]) -> tuple[str, str]:
    """The conversation a kernel continues, and what chose it: `MCOP_SESSION` if set; else the
    notebook's own (Jupyter's server tells a notebook's kernel its path in `JPY_SESSION_NAME`, and
    tells it again on a restart); else a new conversation, kept in memory only."""
    chosen = env.get("MCOP_SESSION", "").strip()
    if chosen:
        return (chosen if valid_session_id(chosen) else _derived("session", chosen)), "MCOP_SESSION"
    path = env.get("JPY_SESSION_NAME", "").strip()
    if path:
        return _derived("nb", os.path.normpath(path), PurePath(path).stem), "the notebook's path"
    return f"kernel-{uuid.uuid4().hex[:12]}", NEW_CONVERSATION


def _derived(kind: str, text: str, readable: str = "") -> str:
    """A valid session id for any text: a readable part and a digest of the whole."""
    stem = _SLUG.sub("-", readable or text).strip("-._")[:40] or kind
    return f"{kind}-{stem}-{hashlib.sha256(text.encode()).hexdigest()[:10]}"
