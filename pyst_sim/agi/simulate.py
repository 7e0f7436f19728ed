"""``simulate_call``: run one AGI call against the simulated Asterisk and get its record.

The app under test is one of:

* a **callable** ``handler(agi)``: run in-process. The simulator runs in a background thread
  and talks to the handler over a socketpair; the handler runs in the calling thread and gets
  a :class:`pyst.agi.AGI` (pyst2's method names) built over its end of the pair (or what
  ``agi_factory(sock)`` makes of it). A coroutine function gets a
  :class:`pyst.agi.aio.AsyncAGI` (``agi_factory`` then is ``async (reader, writer)``).
  In-process sessions behave like FastAGI (hang-ups are the ``HANGUP`` line);
* a **script** path (``str``/``PathLike``), or a list ``[script, arg...]``: a classic AGI
  script run as a child process (stdin/stdout, Asterisk's environment variables, SIGHUP on
  hang-up); ``.py`` scripts run with the current Python;
* an ``agi://host[:port]/script?query`` **URL**: the simulator connects to that FastAGI
  server as Asterisk does.

``args`` after the app become ``agi_arg_1``...; keywords configure the call
(:class:`~pyst_sim.agi.channel.Channel`: ``caller``, ``seed``, ``astdb``, ``sounds``,
``applications``, ``dialplan``, ``variables``, ``context``, ``extension``...).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import socket
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from pyst.errors import AGIHangup
from pyst_sim.agi.channel import Channel
from pyst_sim.agi.engine import AGIEngine, Notice
from pyst_sim.agi.record import CallRecord
from pyst_sim.agi.transports import (
    AGITimeoutError,
    SocketTransport,
    connect_fastagi,
    drive,
    start_script,
)
from pyst_sim.errors import SimulatorError

__all__ = ["DEFAULT_TIMEOUT", "simulate_call", "simulate_call_async"]

#: Seconds of wall time the simulator waits for the app's next command.
DEFAULT_TIMEOUT = 30.0

App = Callable[..., Any] | str | os.PathLike[str] | Sequence[str]


class _SocketChannel:
    """A :class:`pyst.agi.ByteChannel` over a socket (recv blocks up to the socket timeout)."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def recv(self) -> bytes:
        return self.sock.recv(65536)

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)


def _default_sync_factory(sock: socket.socket) -> Any:
    try:
        from pyst.agi import AGI
    except ImportError:  # pragma: no cover - pyst.agi.AGI ships with pyst
        from pyst_sim.agi.client import SimpleAGI

        return SimpleAGI(sock)
    return AGI(channel=_SocketChannel(sock), sighup=False)


async def _default_async_factory(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> Any:
    try:
        from pyst.agi.aio import AsyncAGI
    except ImportError:  # pragma: no cover - pyst.agi.aio ships with pyst
        from pyst_sim.agi.client import AsyncSimpleAGI

        return await AsyncSimpleAGI.connect(reader, writer)
    return await AsyncAGI.from_streams(reader, writer)


def _kind(app: App) -> str:
    if isinstance(app, (str, os.PathLike)):
        text = os.fspath(app)
        return "fastagi" if text.lower().startswith(("agi://", "hagi://")) else "script"
    if callable(app):
        return "async" if inspect.iscoroutinefunction(app) else "sync"
    if isinstance(app, Sequence) and app and all(isinstance(a, (str, os.PathLike)) for a in app):
        return "script"
    raise TypeError(
        f"app must be a callable, a script path, [script, args...] or an agi:// URL, not {app!r}"
    )


def _handler_name(app: Any) -> str:
    return str(getattr(app, "__name__", type(app).__name__))


def _build(
    app: App, args: Sequence[str], kind: str, request: str | None,
    notice: Notice | str | None, usage: Mapping[str, str] | None, channel_options: dict[str, Any],
) -> tuple[AGIEngine, list[str]]:
    script_args = [str(a) for a in args]
    if kind == "script" and not isinstance(app, (str, os.PathLike)):
        items = [os.fspath(a) for a in app]  # type: ignore[union-attr]
        script_args = [*items[1:], *script_args]
    channel = Channel(**channel_options)
    if kind == "fastagi":
        chosen = request or os.fspath(app)  # type: ignore[arg-type]
        default_notice = Notice.LINE
        network: bool | None = None
    elif kind == "script":
        first = app if isinstance(app, (str, os.PathLike)) else app[0]  # type: ignore[index]
        chosen = request or os.fspath(first)
        default_notice = Notice.SIGNAL
        network = False
    else:
        chosen = request or f"agi://127.0.0.1/{_handler_name(app)}"
        default_notice = Notice.LINE
        network = None
    engine = AGIEngine(
        channel,
        request=chosen,
        args=script_args,
        notice=Notice(notice) if notice is not None else default_notice,
        network=network,
        usage=usage,
    )
    return engine, script_args


def simulate_call(
    app: App,
    *args: str,
    timeout: float = DEFAULT_TIMEOUT,
    request: str | None = None,
    agi_factory: Callable[[socket.socket], Any] | None = None,
    interpreter: Sequence[str] | None = None,
    script_env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
    hangup_notice: Notice | str | None = None,
    usage: Mapping[str, str] | None = None,
    raise_errors: bool = True,
    **channel_options: Any,
) -> CallRecord:
    """Run one call of ``app`` (see the module docstring) and return its record.

    Args:
        app: the handler, script or FastAGI URL under test.
        args: the AGI() arguments after the script (``agi_arg_1``...).
        timeout: wall-clock seconds to wait for each command of the app (and for a script to
            exit, or an in-process handler to finish, once the AGI is over).
        request: ``agi_request`` (default: the script path, the URL, or
            ``agi://127.0.0.1/<handler name>``).
        agi_factory: in-process sync handlers: ``factory(sock)`` makes the object passed to
            the handler (default: :class:`pyst.agi.AGI`).
        interpreter: scripts: the command that runs the script (default: the current Python
            for ``.py`` files, else the file itself).
        script_env: scripts: extra environment variables (ours and Asterisk's ``AST_*`` are
            there already).
        cwd: scripts: the working directory.
        hangup_notice: ``"line"``, ``"signal"`` or ``"none"`` (default: SIGHUP for scripts,
            the ``HANGUP`` line otherwise).
        usage: usage texts for ``520`` replies, by command name.
        raise_errors: re-raise what an in-process handler raised (a pyst ``AGIHangup`` is
            only kept in ``record.error``).
        channel_options: the call model (:class:`~pyst_sim.agi.channel.Channel`).

    Raises:
        AGITimeoutError: the app stopped answering (``.record`` holds the call so far).
        SimulatorError: a script that does not exist or cannot start, a FastAGI server that
            does not answer, a bad URL.
        TypeError: ``app`` is none of the above, or an unknown keyword.
        Exception: whatever the in-process handler raised (with ``raise_errors``).
    """
    kind = _kind(app)
    if kind == "async":
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop()
            raise SimulatorError(
                "simulate_call() of a coroutine handler inside a running event loop: "
                "use 'await simulate_call_async(...)'"
            )
        return asyncio.run(
            simulate_call_async(
                app, *args, timeout=timeout, request=request, usage=usage,
                hangup_notice=hangup_notice, raise_errors=raise_errors, **channel_options,
            )
        )
    engine, script_args = _build(app, args, kind, request, hangup_notice, usage, channel_options)
    record = engine.channel.record
    if kind == "script":
        first = app if isinstance(app, (str, os.PathLike)) else app[0]  # type: ignore[index]
        process = start_script(
            first, script_args, interpreter=interpreter, env=script_env, cwd=cwd
        )
        try:
            problem = drive(engine, process, timeout=timeout)
        finally:
            record.stderr = process.finish(timeout)
        _check(problem, record)
        return record
    if kind == "fastagi":
        problem = drive(engine, connect_fastagi(os.fspath(app)), timeout=timeout)  # type: ignore[arg-type]
        _check(problem, record)
        return record
    handler: Callable[[Any], Any] = app  # type: ignore[assignment]
    return _run_sync_handler(handler, engine, agi_factory or _default_sync_factory, timeout,
                             raise_errors)


def _check(problem: str | None, record: CallRecord) -> None:
    if problem is not None:
        raise AGITimeoutError(problem, record)


def _run_sync_handler(
    app: Callable[[Any], Any],
    engine: AGIEngine,
    factory: Callable[[socket.socket], Any],
    timeout: float,
    raise_errors: bool,
) -> CallRecord:
    ours, theirs = socket.socketpair()
    outcome: dict[str, str | None] = {}
    failure: list[BaseException] = []

    def run_engine() -> None:
        try:
            outcome["problem"] = drive(engine, SocketTransport(ours), timeout=timeout)
        except BaseException as exc:  # handed to the caller's thread below
            failure.append(exc)

    thread = threading.Thread(target=run_engine, name="pyst-sim AGI channel", daemon=True)
    thread.start()
    error: BaseException | None = None
    # A safety net only: the simulator answers at once, or gives up after ``timeout`` and
    # closes, so the handler's reads end first that way (longer than ours, not to race it).
    theirs.settimeout(timeout + 5)
    try:
        agi = factory(theirs)
        app(agi)
    except BaseException as exc:  # reported below, after the call is wound up
        error = exc
    finally:
        with contextlib.suppress(OSError):
            theirs.shutdown(socket.SHUT_WR)
        thread.join(timeout + 5)
        theirs.close()
    record = engine.channel.record
    if thread.is_alive():  # pragma: no cover - the engine always ends after EOF
        raise AGITimeoutError("the simulated channel did not finish", record)
    if failure:
        raise failure[0]
    record.error = error
    _check(outcome.get("problem"), record)
    if error is not None and raise_errors and not isinstance(error, AGIHangup):
        raise error
    return record


async def simulate_call_async(
    app: App,
    *args: str,
    timeout: float = DEFAULT_TIMEOUT,
    request: str | None = None,
    agi_factory: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[Any]]
    | None = None,
    hangup_notice: Notice | str | None = None,
    usage: Mapping[str, str] | None = None,
    raise_errors: bool = True,
    **options: Any,
) -> CallRecord:
    """:func:`simulate_call` for asyncio code: a coroutine handler runs in the running loop;
    scripts, URLs and sync handlers run in a worker thread (so a FastAGI server on this loop
    keeps serving).

    Raises: as :func:`simulate_call`.
    """
    kind = _kind(app)
    if kind != "async":
        return await asyncio.to_thread(
            simulate_call, app, *args, timeout=timeout, request=request,
            hangup_notice=hangup_notice, usage=usage, raise_errors=raise_errors, **options,
        )
    engine, _ = _build(app, args, kind, request, hangup_notice, usage, options)
    ours, theirs = socket.socketpair()
    driver = asyncio.ensure_future(
        asyncio.to_thread(drive, engine, SocketTransport(ours), timeout=timeout)
    )
    reader, writer = await asyncio.open_connection(sock=theirs)
    factory = agi_factory or _default_async_factory
    error: BaseException | None = None
    handler: asyncio.Task[Any] | None = None
    try:
        agi = await asyncio.wait_for(factory(reader, writer), timeout)
        coroutine: Callable[[Any], Awaitable[Any]] = app  # type: ignore[assignment]
        handler = asyncio.ensure_future(coroutine(agi))
        await asyncio.wait({handler, driver}, return_when=asyncio.FIRST_COMPLETED)
        if not handler.done():
            # The AGI ended first (AGIEXITONHANGUP, a failure line): give the handler the same
            # time it would get for a command, then stop it.
            await asyncio.wait({handler}, timeout=timeout)
            if not handler.done():
                handler.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await handler
                raise AGITimeoutError("the AGI handler did not finish", engine.channel.record)
        error = handler.exception()
    except (AGITimeoutError, asyncio.CancelledError):
        raise
    except Exception as exc:
        error = exc
    finally:
        with contextlib.suppress(OSError, RuntimeError):
            if writer.can_write_eof():
                writer.write_eof()
        try:
            problem = await asyncio.wait_for(driver, timeout + 5)
        finally:
            writer.close()
            with contextlib.suppress(OSError, ConnectionError):
                await writer.wait_closed()
    record = engine.channel.record
    record.error = error
    _check(problem, record)
    if error is not None and raise_errors and not isinstance(error, AGIHangup):
        raise error
    return record
