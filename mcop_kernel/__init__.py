"""MCOP Explorer: ask a data catalog about tables, columns, owners, terms, relationships and lineage."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

try:
    __version__ = version("mcop-kernel")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

from .agent import ExplorerDeps, build_agent
from .config import ConfigError, open_catalog, resolve_model, session_config
from .explorer import Answer, Explorer
from .protocol import AgentEvent, ErrorEvent, Event, PartialEvent, ToolEvent, ToolStartEvent, UserEvent
from .session import ExplorerSession, SessionConfig
from .store import MemoryStore, SQLiteStore

if TYPE_CHECKING:
    from .widget import ChatWidget


def __getattr__(name: str) -> Any:
    """`ChatWidget` is imported on first use: the CLI and the server never load the widget libraries."""
    if name == "ChatWidget":
        from .widget import ChatWidget

        return ChatWidget
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AgentEvent",
    "Answer",
    "ChatWidget",
    "ConfigError",
    "ErrorEvent",
    "Event",
    "Explorer",
    "ExplorerDeps",
    "ExplorerSession",
    "MemoryStore",
    "PartialEvent",
    "SQLiteStore",
    "SessionConfig",
    "ToolEvent",
    "ToolStartEvent",
    "UserEvent",
    "__version__",
    "build_agent",
    "load_ipython_extension",
    "open_catalog",
    "resolve_model",
    "session_config",
]


def load_ipython_extension(ipython: Any) -> None:
    """`%load_ext mcop_kernel`: the `%mcop`, `%%mcop` and `%mcop_config` magics."""
    from .magics import load_ipython_extension as load

    load(ipython)
