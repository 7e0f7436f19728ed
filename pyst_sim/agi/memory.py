"""Drive a simulated call from Python, in memory, one command at a time (no threads, no
sockets): handy for testing the simulator itself and for exploring how Asterisk answers.

::

    call = InMemoryCall(caller=Caller(dtmf="42"))
    call.send("ANSWER").result            # '0'
    call.send("GET DATA beep 3000 2")     # AGIReply(code=200, result='42')
    record = call.close()                 # the script closes its side: the AGI ends
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pyst.agi.messages import AGICommand, AGIEnvironment, AGIReply, ConnectionClosed, Hangup
from pyst.agi.protocol import AGIConnection, Role, Sentinel
from pyst_sim.agi.channel import Channel
from pyst_sim.agi.engine import (
    Action,
    AGIEngine,
    CloseConnection,
    Notice,
    SendData,
    SendSignal,
    WaitForExit,
)
from pyst_sim.agi.record import CallRecord

__all__ = ["InMemoryCall"]


class InMemoryCall:
    """A call whose script side is this object.

    Args:
        request, args, notice, network, usage: as for :class:`~pyst_sim.agi.engine.AGIEngine`
            (default: a FastAGI-style session with the ``HANGUP`` line).
        exit_code: the exit status reported if the engine waits for a "script" to exit.
        channel_options: the call model (:class:`~pyst_sim.agi.channel.Channel`).
    """

    def __init__(
        self,
        *,
        request: str = "agi://127.0.0.1/test",
        args: Sequence[str] = (),
        notice: Notice = Notice.LINE,
        network: bool | None = None,
        usage: Mapping[str, str] | None = None,
        exit_code: int = 0,
        **channel_options: Any,
    ) -> None:
        self.channel = Channel(**channel_options)
        self.engine = AGIEngine(
            self.channel, request=request, args=args, notice=notice, network=network,
            usage=usage,
        )
        self.script = AGIConnection(Role.SCRIPT)
        self.exit_code = exit_code
        #: Signals the engine sent (classic AGI), bytes it wrote, HANGUP lines seen.
        self.signals: list[int] = []
        self.output = bytearray()
        self.hangup_lines = 0
        self.closed = False
        self._raw = False
        self._perform(self.engine.start())
        env = self.script.next_event()
        assert isinstance(env, AGIEnvironment)
        self.env: AGIEnvironment = env

    @property
    def record(self) -> CallRecord:
        """The call's record (final after :meth:`close`)."""
        return self.channel.record

    def _perform(self, actions: list[Action]) -> None:
        for action in actions:
            if isinstance(action, SendData):
                self.output += action.data
                if not self.script.peer_closed:
                    self.script.receive_data(action.data)
            elif isinstance(action, SendSignal):
                self.signals.append(action.signum)
            elif isinstance(action, WaitForExit):
                self.engine.process_exited(self.exit_code, action.counts)
            elif isinstance(action, CloseConnection):
                self.closed = True
                if not self.script.peer_closed:
                    self.script.receive_data(b"")

    def _reply(self) -> AGIReply | None:
        """The next final reply, then any HANGUP lines already written after it."""
        found: AGIReply | None = None
        while True:
            event = self.script.next_event()
            if isinstance(event, (Sentinel, ConnectionClosed)):
                return found
            if isinstance(event, Hangup):
                self.hangup_lines += 1
            elif isinstance(event, AGIReply) and not event.is_provisional:
                found = event

    def send(self, line: str) -> AGIReply | None:
        """Send one command line; its final reply (None if it got none: the AGI ended).

        Raises:
            LocalProtocolError: the line cannot be sent (newline, a reply still due...).
        """
        if self.closed or self._raw:
            return None
        data = self.script.send(AGICommand(line))
        self.engine.receive_data(data)
        self._perform(self.engine.step())
        return self._reply()

    def send_raw(self, data: bytes) -> bytes:
        """Feed raw bytes (several commands at once, broken lines...) and return what the
        simulated Asterisk wrote in answer, bypassing the script-side protocol checks (after
        this, :meth:`send` answers None: the script side is out of step)."""
        before = len(self.output)
        self._raw = True
        self.engine.receive_data(data)
        actions = self.engine.step()
        for action in actions:
            if isinstance(action, SendData):
                self.output += action.data
            else:
                self._perform([action])
        return bytes(self.output[before:])

    def close(self) -> CallRecord:
        """Close the script's side (EOF): the AGI ends; returns the final record."""
        if not self.engine.finished:
            self.engine.receive_data(b"")
            self._perform(self.engine.step())
        if not self._raw:
            self._reply()  # count the last HANGUP line, if any
        self.engine.finalize()
        return self.record
