"""The AGI session of a simulated channel, sans-IO: the AGI core in the ASTERISK role plus the
channel, answering commands as res_agi.c's ``run_agi`` loop does.

:class:`AGIEngine` does no I/O. A transport (:mod:`pyst_sim.agi.transports`) writes what
:meth:`~AGIEngine.start` returns, feeds what it reads to :meth:`~AGIEngine.receive_data`
(``b""`` at EOF), and performs the :data:`Action` objects :meth:`~AGIEngine.step` returns:
:class:`SendData` (write bytes), :class:`SendSignal` (SIGHUP to a local script),
:class:`WaitForExit` (reap the script and report its exit status with
:meth:`~AGIEngine.process_exited`), :class:`CloseConnection`. When
:attr:`~AGIEngine.finished`, the transport calls :meth:`~AGIEngine.finalize`.

Hang-up handling follows run_agi (PROTOCOL.md §2.5): once the channel hangs up, the next turn
of the loop switches to dead mode and, unless ``AGISIGHUP`` is false, notifies the script
(the ``HANGUP`` line for FastAGI, SIGHUP for a local script); with ``AGIEXITONHANGUP`` the AGI
then ends. When the AGI ends, the notice is sent again, except for a local script that closed
its output: Asterisk then waits for it to exit and sends nothing (pid = -1). ``AGISTATUS`` is
SUCCESS, FAILURE (a ``failure`` line, a failed command that was not a hangup, a non-zero exit
status after SUCCESS) or HANGUP.
"""

from __future__ import annotations

import enum
import logging
import signal
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pyst.agi.messages import (
    AGIEnvironment,
    AGIReply,
    CommandLine,
    ConnectionClosed,
    Failure,
    Hangup,
)
from pyst.agi.protocol import NEED_DATA, PAUSED, AGIConnection, Role
from pyst.agi.spec import COMMANDS, AGICommandSpec
from pyst.errors import LocalProtocolError
from pyst_sim.agi.channel import Channel
from pyst_sim.agi.commands import (
    HANDLERS,
    RESULT_FAILURE,
    RESULT_SHOWUSAGE,
    CommandContext,
    Outcome,
)
from pyst_sim.agi.functions import ast_false, ast_true
from pyst_sim.agi.record import TranscriptEntry
from pyst_sim.agi.usage import USAGE
from pyst_sim.errors import SimulatorError

__all__ = [
    "AGIEngine",
    "Action",
    "CloseConnection",
    "Notice",
    "SendData",
    "SendSignal",
    "WaitForExit",
]

logger = logging.getLogger(__name__)


class Notice(enum.Enum):
    """How the script hears about a hangup: the FastAGI ``HANGUP`` line, SIGHUP, or not."""

    LINE = "line"
    SIGNAL = "signal"
    NONE = "none"


@dataclass(frozen=True)
class SendData:
    """Write these bytes to the script."""

    data: bytes


@dataclass(frozen=True)
class SendSignal:
    """Send this signal to the local script."""

    signum: int = signal.SIGHUP


@dataclass(frozen=True)
class WaitForExit:
    """Wait for the local script to exit and call :meth:`AGIEngine.process_exited`;
    ``counts``: its exit status decides between SUCCESS and FAILURE."""

    counts: bool = True


@dataclass(frozen=True)
class CloseConnection:
    """Close the connection (Asterisk stops reading and writing)."""


Action = SendData | SendSignal | WaitForExit | CloseConnection


class AGIEngine:
    """Answers one AGI session on ``channel``.

    Args:
        channel: the simulated channel (its record receives the transcript).
        request: ``agi_request`` (script path, ``agi://`` URL...).
        args: the AGI() arguments after the script (``agi_arg_1``...).
        notice: how hang-ups are notified.
        network: FastAGI environment (``agi_network*`` lines); None: from ``request``.
        usage: usage texts by command name for ``520`` replies (default: :data:`USAGE`).
        commands: the command table, in registration order.
    """

    def __init__(
        self,
        channel: Channel,
        *,
        request: str,
        args: Sequence[str] = (),
        notice: Notice = Notice.LINE,
        network: bool | None = None,
        usage: Mapping[str, str] | None = None,
        commands: Sequence[AGICommandSpec] = COMMANDS,
    ) -> None:
        self.channel = channel
        self.request = request
        self.args = tuple(args)
        self.notice = notice
        self.network = network
        self.usage = dict(USAGE) if usage is None else {**USAGE, **usage}
        self.conn = AGIConnection(Role.ASTERISK, commands=commands)
        # run_agi reads both variables once, when the AGI starts.
        self.send_sighup = not ast_false(channel.get_variable("AGISIGHUP"))
        self.exit_on_hangup = ast_true(channel.get_variable("AGIEXITONHANGUP"))
        self.dead = channel.hung_up
        self.status = "SUCCESS"
        self.finished = False
        self.context = CommandContext(channel, speech_engines=channel.speech_engines)
        self._final = False

    def __repr__(self) -> str:
        state = "finished" if self.finished else ("dead" if self.dead else "live")
        return f"<AGIEngine {self.request} {state} {self.status}>"

    # --- I/O-free interface -----------------------------------------------------------------

    def start(self) -> list[Action]:
        """The environment block (the first thing Asterisk writes)."""
        chan = self.channel
        env = AGIEnvironment.build(
            request=self.request,
            channel=chan.name,
            language=chan.language,
            channel_type=chan.channel_type,
            uniqueid=chan.uniqueid,
            version=chan.version,
            callerid=chan.callerid_num or "unknown",
            calleridname=chan.callerid_name or "unknown",
            callingpres=chan.callingpres,
            callingani2=chan.callingani2,
            callington=chan.callington,
            callingtns=chan.callingtns,
            dnid=chan.dnid or "unknown",
            rdnis=chan.rdnis or "unknown",
            context=chan.context,
            extension=chan.exten,
            priority=chan.priority,
            accountcode=chan.accountcode,
            threadid=chan.threadid,
            args=self.args,
            network=self.network,
        )
        chan.record.env = env
        return [SendData(self.conn.send(env))]

    def receive_data(self, data: bytes) -> None:
        """Bytes from the script; ``b""`` when it closed its side."""
        if not self.conn.peer_closed:
            self.conn.receive_data(data)

    def step(self) -> list[Action]:
        """Answer every complete command received so far; the actions to perform."""
        actions: list[Action] = []
        while not self.finished:
            event = self.conn.next_event()
            if event is NEED_DATA or event is PAUSED:
                break
            if isinstance(event, CommandLine):
                actions += self._command(event)
            elif isinstance(event, Failure):
                # run_agi: a line starting with "failure" ends the AGI with FAILURE.
                self.status = "FAILURE"
                self.channel.event("note", f"script sent {event.line!r}")
                actions += self._end(eof=False)
            elif isinstance(event, ConnectionClosed):
                actions += self._end(eof=True)
        return actions

    def abort(self, reason: str) -> list[Action]:
        """End the session now (the script stopped answering); the actions to perform."""
        if self.finished:
            return []
        self.channel.event("note", reason)
        self.finished = True
        actions: list[Action] = []
        if self.notice is Notice.SIGNAL:
            actions.append(SendSignal())
        actions.append(CloseConnection())
        if self.notice is Notice.SIGNAL:
            actions.append(WaitForExit(counts=False))
        return actions

    def process_exited(self, code: int | None, counts: bool = True) -> None:
        """The local script exited with ``code`` (None: it had to be killed)."""
        self.channel.record.exit_code = code
        if counts and self.status == "SUCCESS" and code != 0:
            self.status = "FAILURE"

    def finalize(self, wall_time: float = 0.0) -> None:
        """Write the final state of the call into its record (idempotent)."""
        chan = self.channel
        record = chan.record
        if not self._final:
            chan.set_variable("AGISTATUS", self.status)
            record.variables_set.pop("AGISTATUS", None)
            self._final = True
        record.agi_status = self.status
        record.variables = chan.variables
        record.exit_point = chan.exit_point
        record.hung_up_by = chan.hung_up_by
        record.duration = chan.clock.now
        record.wall_time = wall_time
        record.unused_dtmf = chan.script.remaining_dtmf()
        record.final_state = chan.state

    # --- internals ------------------------------------------------------------------------

    def _command(self, event: CommandLine) -> list[Action]:
        chan = self.channel
        started = chan.clock.now
        seq = chan.record.next_seq()
        chan.script.listen_from(started)
        spec = event.command
        outcome: Outcome
        if spec is None:
            outcome = Outcome([AGIReply.invalid_command()])
        elif self.dead and not spec.dead_channel_ok:
            outcome = Outcome([AGIReply.dead_channel()])
        elif not spec.accepts(len(event.args)):
            outcome = Outcome(status=RESULT_SHOWUSAGE)
        else:
            self.context.pending_input = self.conn.has_pending_input
            self.context.dead = self.dead
            try:
                outcome = HANDLERS[spec.name](self.context, event.args)
            except LocalProtocolError as exc:
                # A value with a newline (a variable, an AstDB entry): Asterisk would write it
                # as is and break the protocol; no script could read that reply.
                raise SimulatorError(
                    f"cannot answer {event.line!r}: the reply cannot be written ({exc})"
                ) from exc
        actions: list[Action] = []
        reply_text: str | None
        if outcome.interrupted:
            self.conn.interrupt()
            reply_text = None
        else:
            replies = list(outcome.replies)
            if outcome.status == RESULT_SHOWUSAGE and spec is not None:
                replies.append(AGIReply.usage_error(self.usage.get(spec.name)))
            finals = [r for r in replies if not r.is_provisional]
            data = bytearray()
            for reply in replies:
                if reply.is_provisional or reply is finals[-1]:
                    data += self.conn.send(reply)
                else:
                    # EXEC of an application returning 1: its 200 line, then the 520 block;
                    # the core allows one final reply per command, so this one is written
                    # as is.
                    data += reply.to_bytes()
            actions.append(SendData(bytes(data)))
            reply_text = "".join(r.to_text() for r in replies)[:-1]
        if outcome.status == RESULT_FAILURE and (self.dead or not chan.hung_up):
            # run_agi: a failed command sets FAILURE unless the failure was the hangup.
            self.status = "FAILURE"
        chan.record.transcript.append(
            TranscriptEntry(
                started, event.line, reply_text, chan.clock.now,
                spec.name if spec is not None else None, event.args,
                seq, chan.record.next_seq(),
            )
        )
        if not self.dead and chan.check_hangup():
            notices = self._hung_up()
            # SIGHUP goes out before the reply: the j1 capture saw the signal arrive before
            # the script read the "200 result=1" of HANGUP, and a script that exits right
            # after reading it would otherwise die of the signal while shutting down.
            signals: list[Action] = [a for a in notices if isinstance(a, SendSignal)]
            others: list[Action] = [a for a in notices if not isinstance(a, SendSignal)]
            actions = signals + actions + others
        return actions

    def _hung_up(self) -> list[Action]:
        """run_agi's ``needhup``: dead mode, the notice, maybe the end of the AGI."""
        self.dead = True
        if self.status == "SUCCESS":
            self.status = "HANGUP"
        actions = self._notify("hangup")
        if self.exit_on_hangup:
            actions += self._end(eof=False)
        return actions

    def _notify(self, why: str) -> list[Action]:
        if not self.send_sighup or self.notice is Notice.NONE:
            return []
        if self.notice is Notice.LINE:
            self.channel.event("notice", f"HANGUP line ({why})")
            return [SendData(self.conn.send(Hangup()))]
        self.channel.event("notice", f"SIGHUP ({why})")
        return [SendSignal()]

    def _end(self, *, eof: bool) -> list[Action]:
        self.finished = True
        if self.notice is Notice.SIGNAL and eof:
            # The script closed its output: Asterisk waits for it (pid becomes -1, so no
            # SIGHUP follows) and its exit status may turn SUCCESS into FAILURE.
            return [WaitForExit(counts=True), CloseConnection()]
        actions = self._notify("end of AGI")
        actions.append(CloseConnection())
        if self.notice is Notice.SIGNAL:
            actions.append(WaitForExit(counts=False))
        return actions
