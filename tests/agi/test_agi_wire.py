"""In-memory Asterisk for the AGI library tests (helpers only, imported by the other
``test_agi_*`` modules): the core's ASTERISK role behind a byte channel.

:class:`Wire` is a blocking :class:`~pyst.agi.agi.ByteChannel` (``recv``/``send``) and
:class:`AsyncWire` the asyncio one. What the script sends is read by an ASTERISK-role
:class:`~pyst.agi.protocol.AGIConnection`; each command goes to a ``responder`` that returns
the messages Asterisk writes back (replies, ``Hangup()`` lines, or :data:`CLOSE` to close the
connection). Nothing blocks: a ``recv`` with nothing to deliver fails the test instead of
hanging.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pyst.agi import (
    AGIConnection,
    AGIEnvironment,
    AGIReply,
    CommandLine,
    ConnectionClosed,
    Failure,
    Hangup,
    Role,
)
from pyst.agi.protocol import Sentinel

ENV = AGIEnvironment.build(
    request="agi://127.0.0.1/test?lang=fr",
    channel="PJSIP/100-00000001",
    uniqueid="1700000000.1",
    callerid="100",
    calleridname="Alice",
    context="from-internal",
    extension="200",
    priority=3,
    args=["one", "two words"],
)
#: A responder's answer meaning "close the connection here".
CLOSE = object()
Responder = Callable[[CommandLine], Iterable[Any]]


def ok(command: CommandLine) -> list[Any]:
    """Answer everything with ``200 result=0`` (``result=1`` for the set/get commands)."""
    if command.name in ("verbose", "set variable", "database put", "database del"):
        return [AGIReply.success(1)]
    return [AGIReply.success(0)]


def scripted(*replies: Any) -> Responder:
    """Answer the commands in order with ``replies`` (each a reply text, message, or list)."""
    queue = list(replies)

    def respond(command: CommandLine) -> list[Any]:
        assert queue, f"no reply left for {command.line!r}"
        item = queue.pop(0)
        items = item if isinstance(item, list) else [item]
        return [AGIReply.parse(i) if isinstance(i, str) else i for i in items]

    return respond


class Wire:
    """A blocking byte channel to an in-memory Asterisk (see the module docstring)."""

    def __init__(
        self,
        responder: Responder = ok,
        env: AGIEnvironment | bytes | None = ENV,
        *,
        prefix: Iterable[Any] = (),
    ) -> None:
        self.asterisk = AGIConnection(Role.ASTERISK)
        self.responder = responder
        self.pending = bytearray()
        self.closed = False
        self.commands: list[CommandLine] = []
        self.failures: list[Failure] = []
        self.sent = bytearray()
        #: Asterisk's dead mode: after a hangup, commands not allowed on a dead channel get
        #: 511 (res_agi.c, PROTOCOL.md §2.5) instead of reaching the responder.
        self.dead = False
        if isinstance(env, bytes):
            self.pending += env
            self.asterisk.send(AGIEnvironment())  # the bytes stand for it
        elif env is not None:
            self.pending += self.asterisk.send(env)
        else:
            self.closed = True
        self._deliver(prefix)

    @property
    def lines(self) -> list[str]:
        return [c.line for c in self.commands]

    def _deliver(self, messages: Iterable[Any]) -> None:
        for message in messages:
            if message is CLOSE:
                self.closed = True
            elif isinstance(message, Hangup):
                self.dead = True
                self.pending += self.asterisk.send(message)
            elif isinstance(message, bytes):
                self.pending += message
            else:
                self.pending += self.asterisk.send(message)

    def recv(self) -> bytes:
        if self.pending:
            data = bytes(self.pending)
            self.pending.clear()
            return data
        if self.closed:
            return b""
        raise AssertionError("the script waits for a reply Asterisk would not send")

    def send(self, data: bytes) -> None:
        if self.closed:
            raise BrokenPipeError(32, "Broken pipe")
        self.sent += data
        self.asterisk.receive_data(data)
        while True:
            event = self.asterisk.next_event()
            if isinstance(event, (Sentinel, ConnectionClosed)):
                return
            if isinstance(event, Failure):
                self.failures.append(event)
                return
            assert isinstance(event, CommandLine)
            self.commands.append(event)
            spec = event.command
            if self.dead and spec is not None and not spec.dead_channel_ok:
                replies: list[Any] = [AGIReply.dead_channel()]
            else:
                replies = list(self.responder(event))
            if not any(isinstance(r, AGIReply) and not r.is_provisional for r in replies):
                self.asterisk.interrupt()  # the responder sent no final reply
            self._deliver(replies)

    def hangup(self, line: bool = True) -> None:
        """Asterisk notices the hangup: dead mode, and its ``HANGUP`` line next on the wire
        (FastAGI; a local script gets SIGHUP instead: ``line=False``)."""
        self.dead = True
        if line:
            self._deliver([Hangup()])


class AsyncWire(Wire):
    """The same in-memory Asterisk as an asyncio byte channel."""

    async def recv(self) -> bytes:  # type: ignore[override]
        return Wire.recv(self)

