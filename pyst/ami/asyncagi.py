"""AsyncAGI: run AGI handlers over AMI, with the same handler code as FastAGI or a script.

When the dialplan runs ``AGI(agi:async)``, Asterisk publishes ``AsyncAGIStart`` with the AGI
environment URL-encoded in ``Env``, then waits for commands sent with the ``AGI`` action
(``Channel``, ``Command``, ``CommandID``); each reply comes back URL-encoded in the
``Result`` of an ``AsyncAGIExec`` event, and ``AsyncAGIEnd`` ends the session (PROTOCOL.md 2.6;
res_agi.c ``launch_asyncagi``, ``action_add_agi_cmd``)::

    from pyst.ami.client import AMIClient
    from pyst.ami.asyncagi import AsyncAGIServer

    async def ivr(agi):                       # the same handler a FastAGIServer route takes
        await agi.answer()
        await agi.stream_file("hello-world")

    async with AMIClient("127.0.0.1", username="admin", secret="secret") as ami:
        async with AsyncAGIServer(ami, ivr):
            await asyncio.Event().wait()      # serve until cancelled

No AGI command is re-implemented here: each session is an
:class:`~pyst.agi.aio.AsyncByteChannel` (:class:`AsyncAGIChannel`) under the AGI library's own
:class:`~pyst.agi.aio.AsyncAGI` (or, for a blocking handler, :class:`~pyst.agi.agi.AGI` in a
worker thread): the decoded environment and replies are fed to its SCRIPT-role core as if they
came from a socket, and each command line it writes becomes an ``AGI`` action. So a handler
gets the same object, the same commands, the same results and the same hangup exceptions as
under FastAGI. When a handler returns, ``ASYNCAGI BREAK`` is sent so that the dialplan goes on
(as it does when an AGI script exits); ``AsyncAGIEnd`` (hangup) ends the handler's session
like the end of a FastAGI connection (:class:`~pyst.agi.exceptions.AGIEOFHangup` on the next
command).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import inspect
import logging
import threading
import urllib.parse
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from pyst.agi._threads import blocking_twin, run_in_thread
from pyst.agi.agi import AGI
from pyst.agi.aio import AsyncAGI
from pyst.agi.exceptions import AGIHangup
from pyst.agi.messages import DEFAULT_ENCODING
from pyst.agi.session import FastAGIRequest
from pyst.ami.blocking import Subscription
from pyst.ami.client import AMIClient
from pyst.ami.messages import Action, Event, _fold
from pyst.errors import PystError

__all__ = [
    "AsyncAGIChannel",
    "AsyncAGIServer",
    "AsyncHandler",
    "BlockingHandler",
    "uri_decode",
    "uri_encode",
]

logger = logging.getLogger(__name__)

AsyncHandler: TypeAlias = Callable[[AsyncAGI], Awaitable[Any]]
BlockingHandler: TypeAlias = Callable[[AGI], Any]

# _ThreadBridge: how often a worker thread waiting for a reply checks that the loop still runs.
_BRIDGE_POLL = 1.0
# ast_uri_encode() with ast_uri_http: letters, digits and -_.!~*'() stay; quote() always keeps
# letters, digits and _.-~.
_SAFE = "!*'()"


def uri_encode(data: str | bytes) -> str:
    """Encode as Asterisk encodes ``Env`` and ``Result`` (``ast_uri_encode``, ``ast_uri_http``):
    unreserved characters stay, every other byte becomes ``%XX`` (uppercase hex).

    >>> uri_encode("200 result=0\\n")
    '200%20result%3D0%0A'
    """
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data
    return urllib.parse.quote_from_bytes(raw, safe=_SAFE)


def uri_decode(text: str) -> bytes:
    """The bytes behind ``%XX`` escapes (``ast_uri_decode``: ``+`` stays ``+``)."""
    return urllib.parse.unquote_to_bytes(text)


def _is_async(handler: Callable[..., Any]) -> bool:
    target = handler
    while isinstance(target, functools.partial):
        target = target.func
    return inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(
        getattr(target, "__call__", None)  # noqa: B004  (a callable object's method)
    )


class AsyncAGIChannel:
    """The AMI side of one AsyncAGI session, as an :class:`~pyst.agi.aio.AsyncByteChannel`.

    :meth:`recv` gives the decoded environment, then each decoded ``Result``, then ``b""``
    once the session ended (``AsyncAGIEnd``, a refused command, the server stopping). :meth:`send`
    turns each command line into an ``AGI`` action with a fresh ``CommandID``.

    Args:
        client: the AMI connection.
        channel: the channel name (``Channel`` of ``AsyncAGIStart``).
        uniqueid: its ``Uniqueid`` (used in CommandIDs).
        env: the encoded ``Env`` header.
        command_timeout: how long a command may wait for its ``AsyncAGIExec`` (``None``: no
            limit; long prompts wait for the caller). When it passes the session ends.
    """

    def __init__(
        self,
        client: AMIClient,
        channel: str,
        uniqueid: str | None,
        env: str,
        *,
        command_timeout: float | None = None,
    ) -> None:
        self.client = client
        self.channel = channel
        self.uniqueid = uniqueid
        self.command_timeout = command_timeout
        self.ended = False
        #: Why the session ended, once it did.
        self.end_reason: str | None = None
        self._inbox: deque[bytes] = deque([uri_decode(env)])
        self._waiter: asyncio.Future[None] | None = None
        self._seq = 0
        self._current: str | None = None  # CommandID awaiting its AsyncAGIExec
        self._timer: asyncio.TimerHandle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.on_command: Callable[[str], None] | None = None

    # AsyncByteChannel

    async def recv(self) -> bytes:
        """The next decoded bytes; ``b""`` when the session has ended."""
        while not self._inbox:
            if self.ended:
                return b""
            self._waiter = waiter = asyncio.get_running_loop().create_future()
            try:
                await waiter
            finally:
                self._waiter = None
        return self._inbox.popleft()

    def send(self, data: bytes) -> None:
        """Send each command line of ``data`` as an ``AGI`` action.

        Raises:
            BrokenPipeError: the session has ended (the AGI layer reports the hangup).
        """
        if self.ended:
            raise BrokenPipeError(f"the AsyncAGI session on {self.channel} has ended")
        text = data.decode("utf-8", "surrogateescape")
        for line in text.split("\n"):
            if line:
                self._submit(line)

    # the AMI side

    def _submit(self, line: str) -> None:
        self._seq += 1
        command_id = f"{self.uniqueid or self.channel}-{self._seq}"
        self._current = command_id
        if self.on_command is not None:
            self.on_command(command_id)
        loop = asyncio.get_running_loop()
        task = loop.create_task(self._send_action(line, command_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if self.command_timeout is not None:
            self._timer = loop.call_later(self.command_timeout, self._expired, command_id)

    async def _send_action(self, line: str, command_id: str) -> None:
        action = Action.make("AGI", Channel=self.channel, Command=line, CommandID=command_id)
        try:
            result = await self.client.send_action(action, check=False)
        except (PystError, OSError) as exc:
            self.end(f"the AGI action for {line!r} failed: {exc}")
            return
        if result.is_error:
            message = result.response.message if result.response is not None else None
            self.end(f"Asterisk refused {line!r}: {message}")

    def _expired(self, command_id: str) -> None:
        if self._current == command_id and not self.ended:
            self.end(f"no AsyncAGIExec for {command_id} within {self.command_timeout} s")

    def exec_event(self, event: Event) -> None:
        """An ``AsyncAGIExec`` for this session: its decoded ``Result`` is the reply."""
        command_id = event.get("CommandID")
        if command_id is not None and command_id == self._current:
            self._current = None
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        result = event.get("Result")
        if result is None:
            logger.warning("AsyncAGIExec on %s without Result: %r", self.channel, event)
            return
        self._feed(uri_decode(result))

    def end(self, reason: str = "AsyncAGIEnd") -> None:
        """End the session: the AGI layer reads EOF (idempotent)."""
        if self.ended:
            return
        self.ended = True
        self.end_reason = reason
        if self._timer is not None:
            self._timer.cancel()
        logger.debug("AsyncAGI session on %s ended: %s", self.channel, reason)
        self._wake()

    def _feed(self, data: bytes) -> None:
        if data and not self.ended:
            self._inbox.append(data)
            self._wake()

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done() and not waiter.get_loop().is_closed():
            waiter.set_result(None)

    def __repr__(self) -> str:
        return f"AsyncAGIChannel({self.channel!r}, ended={self.ended})"


class _ThreadBridge:
    """A blocking :class:`~pyst.agi.agi.ByteChannel` for a worker thread, over the loop's
    :class:`AsyncAGIChannel`."""

    def __init__(self, channel: AsyncAGIChannel, loop: asyncio.AbstractEventLoop) -> None:
        self._channel = channel
        self._loop = loop

    def recv(self) -> bytes:
        loop = self._loop
        if loop.is_closed() or not loop.is_running():
            return b""  # the server is gone: that is the end of the session
        coro = self._channel.recv()
        try:
            future = asyncio.run_coroutine_threadsafe(coro, loop)
        except RuntimeError:  # the loop closed just now
            coro.close()
            return b""
        while True:
            try:
                return future.result(_BRIDGE_POLL)
            except concurrent.futures.TimeoutError:
                # Never wait for ever on a loop that stopped: that is the end of the session.
                if loop.is_closed() or not loop.is_running():
                    future.cancel()
                    return b""

    def send(self, data: bytes) -> None:
        if self._channel.ended:
            raise BrokenPipeError(f"the AsyncAGI session on {self._channel.channel} has ended")
        try:
            self._loop.call_soon_threadsafe(self._send, data)
        except RuntimeError as exc:
            raise BrokenPipeError("the event loop has stopped") from exc

    def _send(self, data: bytes) -> None:
        with contextlib.suppress(BrokenPipeError):
            self._channel.send(data)


class AsyncAGIServer:
    """Runs ``handler`` for every AsyncAGI session the AMI ``client`` sees (module docstring).

    Args:
        client: a connected (or connecting) :class:`~pyst.ami.client.AMIClient` whose user
            may read the ``agi`` class and write ``agi`` (the ``AGI`` action).
        handler: ``async def handler(agi: AsyncAGI)``, or a plain function taking a blocking
            :class:`~pyst.agi.agi.AGI` (run in a worker thread), as for FastAGI.
        blocking: force the kind of handler (default: guessed from the function).
        exit_on_hangup, encoding: as for the AGI classes.
        command_timeout: see :class:`AsyncAGIChannel`.
        break_at_end: send ``ASYNCAGI BREAK`` when the handler returns (the dialplan then
            continues; without it the channel waits for more commands until it hangs up).
        channel_filter: only sessions whose ``AsyncAGIStart`` passes this test are handled
            (several programs may share one Asterisk).

    ``stats`` counts ``started``, ``finished``, ``failed`` (handler raised; logged) and
    ``hangups``.
    """

    def __init__(
        self,
        client: AMIClient,
        handler: AsyncHandler | BlockingHandler,
        *,
        blocking: bool | None = None,
        exit_on_hangup: bool = False,
        encoding: str = DEFAULT_ENCODING,
        command_timeout: float | None = None,
        break_at_end: bool = True,
        channel_filter: Callable[[Event], bool] | None = None,
    ) -> None:
        self.client = client
        self.handler = handler
        self.blocking = not _is_async(handler) if blocking is None else blocking
        self.exit_on_hangup = exit_on_hangup
        self.encoding = encoding
        self.command_timeout = command_timeout
        self.break_at_end = break_at_end
        self.channel_filter = channel_filter
        self.sessions: dict[str, AsyncAGIChannel] = {}
        self._by_command: dict[str, AsyncAGIChannel] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._subscription: Subscription | None = None
        self.stats = {"started": 0, "finished": 0, "failed": 0, "hangups": 0}

    def start(self) -> AsyncAGIServer:
        """Subscribe to the AsyncAGI events (idempotent); returns self."""
        if self._subscription is None:
            self._subscription = self.client.on(
                ("AsyncAGIStart", "AsyncAGIExec", "AsyncAGIEnd"), self._on_event
            )
        return self

    async def stop(self, timeout: float = 10.0) -> None:
        """Unsubscribe, end every session (their handlers see the hangup) and wait up to
        ``timeout`` seconds for the handlers, then cancel those still running."""
        if self._subscription is not None:
            self._subscription.cancel()
            self._subscription = None
        for session in list(self.sessions.values()):
            session.end("the AsyncAGI server stopped")
        tasks = list(self._tasks)
        if tasks:
            _, pending = await asyncio.wait(tasks, timeout=timeout)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1.0)

    async def __aenter__(self) -> AsyncAGIServer:
        return self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @staticmethod
    def _key(event: Event) -> str:
        return event.get("Uniqueid") or event.get("Channel") or ""

    def _on_event(self, event: Event) -> None:
        name = _fold(event.name)
        if name == "asyncagistart":
            self._start_session(event)
            return
        session = None
        if name == "asyncagiexec":
            command_id = event.get("CommandID")
            if command_id is not None:
                session = self._by_command.pop(command_id, None)
            if session is None:
                session = self.sessions.get(self._key(event))
            if session is not None:
                session.exec_event(event)
        else:  # asyncagiend
            session = self.sessions.get(self._key(event))
            if session is not None:
                session.end("AsyncAGIEnd")

    def _start_session(self, event: Event) -> None:
        if self.channel_filter is not None and not self.channel_filter(event):
            return
        channel = event.get("Channel")
        env = event.get("Env")
        if not channel or env is None:
            logger.warning("AsyncAGIStart without Channel or Env: %r", event)
            return
        key = self._key(event)
        session = AsyncAGIChannel(
            self.client, channel, event.get("Uniqueid"), env,
            command_timeout=self.command_timeout,
        )
        session.on_command = functools.partial(self._command_sent, session)
        self.sessions[key] = session
        self.stats["started"] += 1
        task = asyncio.get_running_loop().create_task(self._run(key, session))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _command_sent(self, session: AsyncAGIChannel, command_id: str) -> None:
        self._by_command[command_id] = session

    async def _run(self, key: str, session: AsyncAGIChannel) -> None:
        agi = AsyncAGI(session, exit_on_hangup=self.exit_on_hangup, encoding=self.encoding)
        try:
            await agi.read_environment()
            agi.request = FastAGIRequest(agi.env.get("agi_request", "async"), "", {},
                                         peer=session.channel)
            if self.blocking:
                await self._run_blocking(agi, session)
            else:
                await self.handler(agi)  # type: ignore[arg-type]
            self.stats["finished"] += 1
        except AGIHangup as exc:
            self.stats["hangups"] += 1
            logger.debug("AsyncAGI call on %s: hangup (%r)", session.channel, exc)
        except asyncio.CancelledError:
            raise
        except Exception:
            self.stats["failed"] += 1
            logger.exception("AsyncAGI handler %r failed on %s", self.handler, session.channel)
        finally:
            if self.sessions.get(key) is session:
                del self.sessions[key]
            for command_id in [k for k, v in self._by_command.items() if v is session]:
                del self._by_command[command_id]
            if self.break_at_end and not session.ended:
                session.end("the handler returned")
                await self._break(session)

    async def _break(self, session: AsyncAGIChannel) -> None:
        # ASYNCAGI BREAK ends Asterisk's AsyncAGI loop; the dialplan goes on (res_agi.c
        # handle_asyncagi_break). Its reply (an AsyncAGIExec) is not waited for.
        action = Action.make("AGI", Channel=session.channel, Command="ASYNCAGI BREAK")
        try:
            await self.client.send_action(action, check=False)
        except (PystError, OSError) as exc:
            logger.debug("ASYNCAGI BREAK on %s not sent: %r", session.channel, exc)

    async def _run_blocking(self, agi: AsyncAGI, session: AsyncAGIChannel) -> None:
        blocking = blocking_twin(agi, _ThreadBridge(session, asyncio.get_running_loop()))

        def start(job: Callable[[], None]) -> None:
            name = f"pyst-asyncagi-{session.channel}"
            threading.Thread(target=job, name=name, daemon=True).start()

        try:
            await run_in_thread(start, functools.partial(self.handler, blocking))  # type: ignore[arg-type]
        except asyncio.CancelledError:
            session.end("cancelled")
            raise
