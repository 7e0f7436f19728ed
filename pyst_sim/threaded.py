"""Run an asyncio server on its own event-loop thread, for synchronous tests.

One controller for every server of the harness (the fake AMI server, the recording proxy, the
replay server): ``start`` waits until the server listens and re-raises its startup error,
``stop`` is idempotent, attributes of the server are reachable through the controller.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Awaitable
from typing import Any, Generic, Protocol, TypeVar

from pyst_sim.errors import SimulatorError


class AsyncServer(Protocol):
    """What the controller needs of a server: coroutine ``start`` and ``stop``."""

    async def start(self) -> Any: ...

    async def stop(self) -> Any: ...


_S = TypeVar("_S", bound=AsyncServer)


class ThreadedServer(Generic[_S]):
    """``server`` on its own event-loop thread; use as a context manager or start/stop."""

    def __init__(self, server: _S) -> None:
        self.server = server
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_requested: asyncio.Event | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.server, name)

    def start(self, timeout: float = 10.0) -> ThreadedServer[_S]:
        """Start the loop thread and the server; raises the server's startup error."""
        if self._thread is not None:
            raise SimulatorError(f"{type(self).__name__} is already running")
        ready: concurrent.futures.Future[None] = concurrent.futures.Future()

        def _run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            asyncio.set_event_loop(loop)
            try:
                loop.run_until_complete(self._main(ready))
            finally:
                with contextlib.suppress(Exception):
                    loop.run_until_complete(loop.shutdown_asyncgens())
                loop.close()

        name = f"pyst-sim-{type(self.server).__name__}-{id(self):x}"
        self._thread = threading.Thread(target=_run, name=name, daemon=True)
        self._thread.start()
        try:
            ready.result(timeout)
        except BaseException:
            self._thread.join(timeout)
            self._thread = None
            raise
        return self

    async def _main(self, ready: concurrent.futures.Future[None]) -> None:
        self._stop_requested = asyncio.Event()
        try:
            await self.server.start()
        except BaseException as exc:
            ready.set_exception(exc)
            return
        ready.set_result(None)
        try:
            await self._stop_requested.wait()
        finally:
            await self.server.stop()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server and its thread. Idempotent."""
        thread = self._thread
        if thread is None:
            return
        self._thread = None
        loop, event = self._loop, self._stop_requested
        if loop is not None and event is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(event.set)
        thread.join(timeout)

    def run(self, coro: Awaitable[Any], timeout: float = 30.0) -> Any:
        """Run a coroutine on the server's loop from this thread and return its result."""
        if self._loop is None:
            raise SimulatorError(f"{type(self).__name__} is not running")

        async def _wrap() -> Any:
            return await coro

        return asyncio.run_coroutine_threadsafe(_wrap(), self._loop).result(timeout)

    def __enter__(self) -> ThreadedServer[_S]:
        if self._thread is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
