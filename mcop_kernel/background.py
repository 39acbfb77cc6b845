"""The thread an `Explorer`'s session lives on: a daemon thread running an event loop of its own, and
the hand-off of an answer's events from that loop to the thread or task that asked."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any, Protocol, TypeVar

from .fold import Failure, Item
from .local_sessions import local_sessions
from .protocol import FINAL_KINDS, Event, ProtocolError
from .remote import ServerConnectionError
from .secrets import redact
from .session import ExplorerSession, SessionConfig

log = logging.getLogger(__name__)
T = TypeVar("T")


class Backend(Protocol):
    """Where an Explorer's answers come from: a session in this process (`InProcess`) or on a Jupyter
    server (`remote.RemoteSession`). Used only on the runner's loop."""

    def ask(self, question: str) -> AsyncIterator[Event]: ...

    def cancel(self) -> object: ...

    async def close(self) -> None: ...


class InProcess:
    """An `ExplorerSession` in this process, opened on first use."""

    def __init__(self, config: SessionConfig, session_id: str):
        self.config, self.session_id = config, session_id
        self._session: ExplorerSession | None = None

    async def ask(self, question: str) -> AsyncIterator[Event]:
        if self._session is None:
            self._session = await local_sessions.open(self.session_id, lambda: self.config)
        async for event in self._session.ask(question):
            yield event

    def cancel(self) -> None:
        if self._session is not None:
            self._session.cancel()

    async def close(self) -> None:
        if self._session is not None:
            await local_sessions.close(self._session)


class Runner:
    """A daemon thread running the event loop that owns one backend. Everything async happens on
    it, whatever loop the caller runs (ipykernel's, a test's) or none."""

    def __init__(self, backend: Backend, name: str):
        self.backend = backend
        self.loop = asyncio.new_event_loop()
        self._stopping = False
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        loop = self.loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
            tasks = asyncio.all_tasks(loop)
            for task in tasks:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*tasks, return_exceptions=True))
            loop.run_until_complete(loop.shutdown_asyncgens())
            with contextlib.suppress(RuntimeError):  # no new threads while the interpreter exits
                loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            loop.close()

    def submit(self, coroutine: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        if self._stopping:
            coroutine.close()
            raise RuntimeError("This Explorer is closed.")
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def call(self, function: Callable[[], object]) -> None:
        with contextlib.suppress(RuntimeError):  # the loop is closed: nothing to call
            self.loop.call_soon_threadsafe(function)

    def stop(self, timeout: float = 5.0) -> None:
        """Close the backend (a running answer ends), then the loop; waits unless called from it."""
        if self._stopping:
            return
        self._stopping = True

        async def shutdown() -> None:
            try:
                await asyncio.wait_for(self.backend.close(), timeout)
            except Exception:
                log.debug("closing the explorer's session failed", exc_info=True)
            finally:
                asyncio.get_running_loop().stop()

        self.call(lambda: self.loop.create_task(shutdown()))
        if threading.current_thread() is not self.thread:
            self.thread.join(timeout + 1)


class Inbox:
    """Items from the runner's loop to the asking thread or task, in order."""

    def __init__(self, wake: Callable[[], object]):
        self.items: deque[Item] = deque()
        self._wake = wake

    def put(self, item: Item) -> None:
        self.items.append(item)
        with contextlib.suppress(RuntimeError):  # the asker's loop is gone
            self._wake()


async def produce(backend: Backend, question: str, put: Callable[[Item], None]) -> None:
    """On the runner's loop: the answer's events, always ending with exactly one final item."""
    final = False
    try:
        async for event in backend.ask(question):
            put(event)
            final = final or event.kind in FINAL_KINDS
        if not final:
            put(Failure("The answer ended without a result.", "internal_error"))
    except ProtocolError as refusal:
        put(Failure(refusal.message, refusal.code))
    except ServerConnectionError as exc:
        put(Failure(str(exc), "connection_error"))
    except asyncio.CancelledError:
        put(Failure("The explorer was closed before the answer was finished.", "cancelled"))
        raise
    except Exception as exc:
        log.debug("answer failed", exc_info=True)
        put(Failure(f"Unexpected error: {redact(str(exc) or type(exc).__name__)}", "internal_error"))
