"""MCOP Explorer: ask a data catalog about tables, columns, owners, terms, relationships and lineage."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("mcop-kernel")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"

from .agent import ExplorerDeps, build_agent
from .config import ConfigError, open_catalog, resolve_model, session_config
from .protocol import AgentEvent, ErrorEvent, Event, PartialEvent, ToolEvent, ToolStartEvent, UserEvent
from .session import ExplorerSession, SessionConfig
from .store import MemoryStore, SQLiteStore

__all__ = [
    "AgentEvent",
    "ConfigError",
    "ErrorEvent",
    "Event",
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
    "open_catalog",
    "resolve_model",
    "session_config",
]
