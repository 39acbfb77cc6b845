"""The MCOP kernels of each user that host the extension's sessions, and the answer slots they share."""

from __future__ import annotations

import asyncio
import hashlib
from typing import Any

from .answer_credits import AnswerCredits
from .kernels import KernelHost


class KernelPool:
    """The kernels of each user: `per_user` of them, a session always in the same one."""

    def __init__(self, kernel_manager: Any, settings: dict[str, Any], per_user: int, kernel_name: str):
        self.kernel_manager = kernel_manager
        self.settings = settings
        self.per_user = max(1, per_user)
        self.kernel_name = kernel_name
        self.credits = AnswerCredits(int(settings.get("max_running_answers", 16)))
        """`max_running_answers` holds across all the kernels, not in each."""
        self._users: dict[str, list[asyncio.Task[KernelHost]]] = {}

    def prestart(self, user: str) -> None:
        """Start `user`'s kernels now, so that their first question waits for none."""
        if user not in self._users:
            self._users[user] = [asyncio.ensure_future(self._started()) for _ in range(self.per_user)]

    async def _started(self) -> KernelHost:
        host = KernelHost(self.kernel_manager, self.settings, self.kernel_name, self.credits)
        await host.start()
        return host

    async def host_for(self, user: str, session_id: str) -> KernelHost:
        self.prestart(user)
        kernels = self._users[user]
        digest = hashlib.blake2b(session_id.encode(), digest_size=4).digest()
        index = int.from_bytes(digest) % len(kernels)
        if kernels[index].done() and kernels[index].exception() is not None:  # try again, not forever
            kernels[index] = asyncio.ensure_future(self._started())
        return await asyncio.shield(kernels[index])

    def hosts(self) -> list[KernelHost]:
        return [t.result() for ts in self._users.values() for t in ts if t.done() and not t.exception()]

    async def stop(self, grace: float) -> None:
        hosts = self.hosts()
        await asyncio.gather(*(h.stop(grace) for h in hosts), return_exceptions=True)
        for tasks in self._users.values():
            for task in tasks:
                task.cancel()
