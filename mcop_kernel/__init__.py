"""MCOP Explorer: ask a data catalog about tables, columns, owners, terms, relationships and lineage."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    __version__: str

    from .agent import ExplorerDeps, build_agent
    from .config import ConfigError, open_catalog, resolve_model, session_config
    from .explorer import Answer, Explorer
    from .protocol import AgentEvent, ErrorEvent, Event, PartialEvent, ToolEvent, ToolStartEvent, UserEvent
    from .session import ExplorerSession, SessionConfig
    from .store import MemoryStore, SQLiteStore
    from .widget import ChatWidget

_WHERE = {
    "AgentEvent": "protocol",
    "Answer": "explorer",
    "ChatWidget": "widget",
    "ConfigError": "errors",
    "ErrorEvent": "protocol",
    "Event": "protocol",
    "Explorer": "explorer",
    "ExplorerDeps": "agent",
    "ExplorerSession": "session",
    "MemoryStore": "store",
    "PartialEvent": "protocol",
    "SQLiteStore": "store",
    "SessionConfig": "session",
    "ToolEvent": "protocol",
    "ToolStartEvent": "protocol",
    "UserEvent": "protocol",
    "build_agent": "agent",
    "open_catalog": "config",
    "resolve_model": "config",
    "session_config": "config",
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("mcop-kernel")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0.0.0"


def __getattr__(name: str) -> Any:
    """Every name is imported on first use: `mcop --help` and the server's start-up load neither
    pydantic-ai nor the widget libraries (nor the package metadata) until they are needed."""
    if name == "__version__":
        globals()[name] = value = _version()
        return value
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


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
