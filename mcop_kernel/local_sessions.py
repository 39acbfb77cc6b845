"""The sessions this process runs itself (not a Jupyter server's): one registry, by session id, for
the chat widget in kernel mode, `Explorer`, the magics and the MCOP kernel. The first to open an id
chooses its settings; later ones get the same session, its history and its answer in flight.

A session lives on the event loop that opened it, so the registry keeps each loop's sessions apart
(an `Explorer` runs its own loop; the widget and the MCOP kernel run on the kernel's)."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable

from .session import ExplorerSession, SessionConfig


class LocalSessions:
    """Sessions by id, per event loop; opened on first use, forgotten when closed."""

    def __init__(self) -> None:
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopSessions] = (
            weakref.WeakKeyDictionary()
        )

    def _here(self) -> _LoopSessions:
        loop = asyncio.get_running_loop()
        if loop not in self._loops:
            self._loops[loop] = _LoopSessions()
        return self._loops[loop]

    async def open(self, session_id: str, config: Callable[[], SessionConfig]) -> ExplorerSession:
        """Session `session_id`, opened with `config()` the first time (its saved history loaded)."""
        here = self._here()
        if session_id in here.sessions:
            return here.sessions[session_id]
        if session_id not in here.opening:
            here.opening[session_id] = asyncio.ensure_future(ExplorerSession.open(session_id, config()))
        try:
            session = await asyncio.shield(here.opening[session_id])
        finally:
            here.opening.pop(session_id, None)
        return here.sessions.setdefault(session_id, session)

    async def close(self, session: ExplorerSession) -> None:
        """End one session (its answer in flight ends with an error message) and forget it."""
        here = self._here()
        if here.sessions.get(session.session_id) is session:
            del here.sessions[session.session_id]
        await session.close()

    async def close_all(self) -> None:
        """End every session of this loop."""
        here = self._here()
        sessions = list(here.sessions.values())
        here.sessions.clear()
        await asyncio.gather(*(session.close() for session in sessions), return_exceptions=True)


class _LoopSessions:
    def __init__(self) -> None:
        self.sessions: dict[str, ExplorerSession] = {}
        self.opening: dict[str, asyncio.Future[ExplorerSession]] = {}


local_sessions = LocalSessions()
"""The process's registry."""
