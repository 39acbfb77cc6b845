"""The sessions one explorer serves, by (user, session id): opened on first use, closed together."""

from __future__ import annotations

import asyncio
import re

from .session import ExplorerSession, SessionConfig
from .store import Exchange

SESSION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")


def valid_session_id(session_id: str) -> bool:
    """1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit."""
    return bool(SESSION_ID.match(session_id))


class SessionRegistry:
    """Every session belongs to the user who opened it; another user's same id is another session."""

    def __init__(self, config: SessionConfig, *, max_idle: int = 100):
        self.config = config
        self.max_idle = max_idle
        self._sessions: dict[tuple[str, str], ExplorerSession] = {}
        self._opening: dict[tuple[str, str], asyncio.Task[ExplorerSession]] = {}
        self._closed = False

    async def get(self, user: str, session_id: str) -> ExplorerSession:
        """The user's session, loading its history from the store the first time."""
        if self._closed:
            raise RuntimeError("The explorer is shutting down.")
        key = (user, session_id)
        if key in self._sessions:
            return self._sessions[key]
        self._forget_idle()
        if key not in self._opening:
            self._opening[key] = asyncio.create_task(ExplorerSession.open(session_id, self.config, user=user))
        try:
            session = await asyncio.shield(self._opening[key])
        finally:
            self._opening.pop(key, None)
        return self._sessions.setdefault(key, session)

    def find(self, user: str, session_id: str) -> ExplorerSession | None:
        return self._sessions.get((user, session_id))

    async def transcript(self, user: str, session_id: str) -> tuple[bool, list[Exchange]]:
        """Whether the session is answering here, and what was asked and answered, as the store has
        it (other servers sharing the store included, and the answer in flight, unfinished)."""
        live = self.find(user, session_id)
        saved = await self.config.calls.run(self.config.store.load, user, session_id)
        return live is not None and live.busy, saved.transcript

    def _forget_idle(self) -> None:
        """Keep at most `max_idle` sessions that nobody follows and that are not answering; their
        history is in the store and comes back when they are used again."""
        idle = [key for key, s in self._sessions.items() if not s.busy and s.followers == 0]
        for key in idle[: max(0, len(idle) - self.max_idle)]:
            del self._sessions[key]

    def __len__(self) -> int:
        return len(self._sessions)

    async def close(self, *, grace: float = 10.0) -> None:
        """Stop every running answer (clients get an error message), then wait up to `grace`
        seconds for the saves still running, so that the store can be closed after them."""
        self._closed = True
        await asyncio.gather(
            *(session.close() for session in self._sessions.values()), return_exceptions=True
        )
        await self.config.calls.drain(grace)
        self.config.calls.close()
