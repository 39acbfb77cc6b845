"""IPython magics: `%mcop question`, `%%mcop` (the cell is the question) and `%mcop_config`, sharing
one default `Explorer` per kernel, created on first use.

Run with:
    %load_ext mcop_kernel
    %mcop Show me all tables
    %mcop who owns the supplier table?          # a trailing "?" asks, it does not open IPython's help
    %mcop_config model=offline:10 timeout=5      # a new default explorer with these settings
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from IPython.core.magic import Magics, line_cell_magic, line_magic, magics_class

from .explorer import Answer, Explorer

SETTINGS = ("model", "catalog", "session_id", "store", "timeout", "server", "token")
USAGE = (
    "Usage: %mcop_config [model=SPEC] [catalog=SPEC] [session_id=ID] [store=FILE] [timeout=SECONDS] "
    "[server=URL] [token=TOKEN]; with no settings, shows the current ones."
)


class MagicUsageError(ValueError):
    """A magic used wrongly; the message says how to use it."""


def parse_settings(line: str) -> dict[str, Any]:
    """`model=offline:10 timeout=5` as Explorer keyword arguments."""
    settings: dict[str, Any] = {}
    for word in shlex.split(line):
        name, sep, value = word.partition("=")
        name = {"session": "session_id"}.get(name.strip(), name.strip())
        if not sep or name not in SETTINGS:
            raise MagicUsageError(f"Unknown setting {word!r}. {USAGE}")
        if name == "timeout":
            try:
                settings[name] = float(value)
            except ValueError:
                raise MagicUsageError(f"timeout must be a number of seconds, not {value!r}.") from None
        else:
            settings[name] = value or None
    return settings


@magics_class
class ExplorerMagics(Magics):
    """The magics; `explorer` is the kernel's default Explorer."""

    def __init__(self, shell: Any = None):
        super().__init__(shell)
        self.settings: dict[str, Any] = {}
        self._explorer: Explorer | None = None

    @property
    def explorer(self) -> Explorer:
        if self._explorer is None:
            self._explorer = Explorer(**self.settings)
        return self._explorer

    def _ask(self, question: str) -> Answer | None:
        question = question.strip()
        if not question:
            print("Ask a question: %mcop Show me all tables (or put it in a %%mcop cell).")
            return None
        return self.explorer.ask(question)

    @line_cell_magic
    def mcop(self, line: str, cell: str | None = None) -> Answer | None:
        """`%mcop question`, or `%%mcop` with the question as the cell: ask the data catalog; the
        answer streams into this cell's output. `a = %mcop ...` keeps the `Answer`."""
        if cell is None:
            return self._ask(line)
        if line.strip():
            print(f"%%mcop takes no options ({line.strip()!r} ignored); change settings with %mcop_config.")
        return self._ask(cell)

    @line_magic
    def mcop_config(self, line: str) -> None:
        """Change the default explorer's settings (it starts a new conversation), or show them."""
        try:
            settings = parse_settings(line)
        except MagicUsageError as exc:
            print(exc)
            return
        if not settings:
            print(self._explorer if self._explorer is not None else f"Explorer({_shown(self.settings)})")
            return
        merged = self.settings | settings
        if "server" in settings:  # a server brings its own model, catalog and store
            merged = {k: v for k, v in merged.items() if k in ("server", "token", "session_id", "timeout")}
        elif {"model", "catalog", "store"} & settings.keys():
            merged = {k: v for k, v in merged.items() if k not in ("server", "token")}
        try:
            explorer = Explorer(**merged)
        except (ValueError, OSError) as exc:
            print(f"Error: {exc}")
            return
        if self._explorer is not None:
            self._explorer.close()
        self.settings, self._explorer = merged, explorer
        print(explorer)

    def close(self) -> None:
        if self._explorer is not None:
            self._explorer.close()
            self._explorer = None


def _shown(settings: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in settings.items() if k != "token")


_LINE_MAGIC = re.compile(r"(?P<lead>\s*(?:[\w.]+\s*=\s*)?)%mcop\s+(?P<question>\S.*?)\s*")


def keep_question_marks(lines: list[str]) -> list[str]:
    """IPython reads a line that ends in `?` as a request for help (`obj?`), so `%mcop who owns it?`
    would never reach the magic. This input transform runs before IPython's help syntax and turns
    such a line into the call IPython itself makes for a line magic (`%%mcop` cells need no help)."""
    if lines and lines[0].lstrip().startswith("%%"):
        return lines
    out = []
    for line in lines:
        match = _LINE_MAGIC.fullmatch(line.rstrip("\r\n"))
        if match and match["question"].endswith("?"):
            line = f"{match['lead']}get_ipython().run_line_magic('mcop', {match['question']!r})\n"
        out.append(line)
    return out


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext mcop_kernel`."""
    ipython.register_magics(ExplorerMagics)
    if keep_question_marks not in ipython.input_transformers_cleanup:
        ipython.input_transformers_cleanup.append(keep_question_marks)
