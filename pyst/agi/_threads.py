"""Blocking (pyst2-style) AGI handlers run from asyncio code: shared by pyst.fastagi and
pyst.ami.asyncagi, which both let a plain function drive a call from a worker thread."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from pyst.agi.agi import AGI, ByteChannel
from pyst.agi.aio import AsyncAGI


def blocking_twin(agi: AsyncAGI, channel: ByteChannel) -> AGI:
    """A blocking :class:`AGI` over ``agi``'s connection state, reading and writing through
    ``channel`` (one that hands the I/O to the event loop). No SIGHUP handler: it runs in a
    worker thread, where none can be installed."""
    blocking = AGI(
        channel=channel,
        connection=agi.connection,
        sighup=False,
        exit_on_hangup=agi.exit_on_hangup,
        encoding=agi.encoding,
    )
    blocking.request = agi.request
    return blocking


async def run_in_thread(
    start: Callable[[Callable[[], None]], Any], work: Callable[[], object]
) -> None:
    """Run ``work()`` in the thread that ``start(job)`` starts (a new thread, a pool...) and
    wait for it without blocking the loop. What ``work`` raises is raised here; cancelling
    this coroutine does not stop the thread (the caller cuts its channel off)."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[None] = loop.create_future()

    def settle(error: BaseException | None) -> None:
        if done.done():  # cancelled meanwhile
            return
        if error is None:
            done.set_result(None)
        else:
            done.set_exception(error)

    def job() -> None:
        error: BaseException | None = None
        try:
            work()
        except BaseException as exc:  # reported in the loop
            error = exc
        with contextlib.suppress(RuntimeError):  # the loop is gone: nobody waits
            loop.call_soon_threadsafe(settle, error)

    start(job)
    await done
