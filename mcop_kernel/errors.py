"""What users read when something fails: settings that cannot be used, and model servers out of reach.

Nothing here imports the agent stack, so the `mcop` command can report a bad setting without it.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

from .secrets import redact


class OneLineError(Exception):
    """A mistake in a setting or a server out of reach, not in the code: IPython shows it as one
    line (its message says what to do), not as a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


class ConfigError(OneLineError, ValueError):
    """A model or catalog setting that cannot be used; the message says how to fix it."""


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """`exc` and the exceptions it was raised from, outermost first (bounded: chains can loop)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(seen) < 20:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


_CONNECTION_ERRORS = {"ModelConnectionError", "APIConnectionError", "ConnectError", "ConnectTimeout"}


def _why(exc: BaseException) -> str | None:
    """How a request failed to reach its server, in a few words; None when it reached it."""
    causes = list(_chain(exc))
    if not any(_names(c) & _CONNECTION_ERRORS or isinstance(c, OSError) for c in causes):
        return None
    for cause in reversed(causes):  # the innermost cause says the most
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        if isinstance(cause, socket.gaierror):
            return "the host name was not found"
        if isinstance(cause, TimeoutError) or "Timeout" in type(cause).__name__:
            return "no answer in time"
        if isinstance(cause, ConnectionResetError):
            return "the connection was reset"
    return "the connection failed"


def unreachable_model(exc: BaseException, model: object) -> str | None:
    """The message for a model request that never reached its server, naming the URL it tried and
    what to check (secrets masked); None for any other failure."""
    why = _why(exc)
    if why is None:
        return None
    system = str(getattr(model, "system", "") or "")
    name = str(getattr(model, "model_name", "") or "")
    label = f"{system}:{name}" if system and name else (system or name or "the model")
    url = str(getattr(model, "base_url", "") or "").rstrip("/")
    where = f"the model server at {redact(url)}" if url else "the model server"
    if system == "ollama":
        hint = "Is Ollama running? Set OLLAMA_BASE_URL to its address."
    elif system == "azure":
        hint = "Check AZURE_OPENAI_ENDPOINT and the network."
    elif os.environ.get("OPENAI_BASE_URL") and system == "openai":
        hint = "Is the server running? Set OPENAI_BASE_URL to its address."
    else:
        hint = "Check the network (and any proxy settings)."
    return f"Could not reach {where} ({label}): {why}. {hint}"
