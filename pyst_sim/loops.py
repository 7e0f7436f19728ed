"""Which event loop a standalone harness server runs on.

The fake servers are plain asyncio code and run on any asyncio loop. When they run as their
own process (``pyst-sim ami``, the benchmark), the loop is ours to pick: uvloop (libuv) spends
about half the CPU of the standard selector loop on each read-and-reply, which is what a
client waiting for each answer feels. Inside a test process the standard loop stays the
default (``ThreadedServer`` and the fixtures): its timers and debug hooks are the ones
pytest users know, and the client under test shares the interpreter anyway.

``"auto"`` means uvloop when it is installed (it is a dependency of pyst-sim where it builds:
not on Windows), else asyncio.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

from pyst_sim.errors import SimulatorError

__all__ = ["LOOP_CHOICES", "LoopName", "loop_factory", "resolve_loop", "run"]

LoopName = Literal["auto", "asyncio", "uvloop"]
LOOP_CHOICES: tuple[str, ...] = ("auto", "asyncio", "uvloop")

_T = TypeVar("_T")


def _uvloop() -> Any | None:
    try:
        return importlib.import_module("uvloop")
    except ImportError:
        return None


def resolve_loop(name: str) -> str:
    """``"asyncio"`` or ``"uvloop"`` for a choice in :data:`LOOP_CHOICES`.

    Raises :class:`~pyst_sim.errors.SimulatorError` for an unknown name, or for ``"uvloop"``
    when uvloop cannot be imported.
    """
    if name not in LOOP_CHOICES:
        choices = ", ".join(LOOP_CHOICES)
        raise SimulatorError(f"unknown event loop {name!r}: choose one of {choices}")
    if name == "asyncio":
        return "asyncio"
    if _uvloop() is None:
        if name == "uvloop":
            raise SimulatorError("event loop 'uvloop' asked for, but uvloop is not installed")
        return "asyncio"
    return "uvloop"


def loop_factory(name: str) -> Callable[[], asyncio.AbstractEventLoop]:
    """A function making a new event loop of the kind ``name`` resolves to."""
    if resolve_loop(name) == "uvloop":
        module = _uvloop()
        assert module is not None  # resolve_loop() checked the import
        factory: Callable[[], asyncio.AbstractEventLoop] = module.new_event_loop
        return factory
    return asyncio.new_event_loop


def run(main: Coroutine[Any, Any, _T], loop: str = "auto") -> _T:
    """Run ``main`` to completion on a new loop of the kind ``loop`` names (like
    :func:`asyncio.run`: async generators shut down, the loop closed)."""
    new_loop = loop_factory(loop)()
    try:
        asyncio.set_event_loop(new_loop)
        return new_loop.run_until_complete(main)
    finally:
        try:
            _cancel_all(new_loop)
            new_loop.run_until_complete(new_loop.shutdown_asyncgens())
        finally:
            asyncio.set_event_loop(None)
            new_loop.close()


def _cancel_all(loop: asyncio.AbstractEventLoop) -> None:
    # What asyncio.run does at the end: cancel what is left and let it finish.
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    if not pending:
        return
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
