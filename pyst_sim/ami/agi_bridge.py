"""The ``AGI()`` dialplan application of the fake AMI server, for ``agi://`` (FastAGI) URLs.

When a channel of the fake PBX runs ``AGI(agi://host[:port]/script,args...)``, the fake
connects to that FastAGI server as Asterisk does and answers the script's commands with the
AGI channel simulator's engine (:class:`pyst_sim.agi.AGIEngine`, the AGI core in the ASTERISK
role), on a simulated channel that mirrors the PBX channel (name, ids, caller id, location,
variables; the PBX's AstDB, globals and dialplan). What the commands do shows on the AMI side
as Asterisk 22.10.1 showed it (capture ``j1_fastagi_ami_side``):

* ``AGIExecStart`` (channel block, ``CommandId``, ``Command``) before each command and
  ``AGIExecEnd`` (plus ``ResultCode`` and ``Result``) after it; the result follows
  ``agi_handle_command``: 200 ``Success``; -1 ``Failure`` when the command's result is
  negative; 510 ``Invalid or unknown command``; 511 ``Command Not Permitted on a dead channel or
  intercept routine``; 520 ``Usage``; ``EXEC`` of an application returning something else than
  0 gives 200 ``Unknown Result``;
* ``ANSWER`` answers the PBX channel (``Newstate`` of both halves of a Local pair,
  ``DialEnd``, ``OriginateResponse``, ``DeviceStateChange``); variables the script sets show as
  ``VarSet``; ``HANGUP`` is a ``SoftHangupRequest`` (cause 32) and the channel goes on in dead
  mode until the script ends; ``SET CONTEXT``/``EXTENSION``/``PRIORITY`` take effect when the
  AGI returns.

The channel location in the events stays where ``AGI()`` runs, as in the capture. Durations
the simulator computes (ANSWER's delay, prompts) are slept through the server's
``time_scale``. A URL's ``host:port`` can be redirected (tests bind port 0).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from pyst.config.files import separate_args
from pyst_sim.agi.caller import Caller
from pyst_sim.agi.channel import Channel as SimChannel
from pyst_sim.agi.engine import AGIEngine, CloseConnection, Notice, SendData
from pyst_sim.agi.sounds import SoundLibrary
from pyst_sim.state.channels import Channel, ChannelState

if TYPE_CHECKING:
    from pyst_sim.ami.calls import CallEngine

__all__ = ["FastAGIRunner"]

logger = logging.getLogger(__name__)

_DEAD = "Command Not Permitted on a dead channel or intercept routine"
FASTAGI_PORT = 4573


def _result(command: str, reply: str | None) -> tuple[str, str]:
    """``ResultCode`` and ``Result`` of AGIExecEnd from the reply written to the script."""
    if reply is None:
        return "200", "Success"
    code = reply[:3]
    if code == "510":
        return "510", "Invalid or unknown command"
    if code == "511":
        return "511", _DEAD
    if code == "520":
        return "520", "Usage"
    value = ""
    if "result=" in reply:
        value = reply.split("result=", 1)[1].split(" ", 1)[0].split("\n", 1)[0]
    try:
        number = int(value)
    except ValueError:
        return "200", "Success"
    if command.split(" ", 1)[0].upper() == "EXEC":
        return ("200", "Success") if number == 0 else ("200", "Unknown Result")
    return ("-1", "Failure") if number < 0 else ("200", "Success")


class FastAGIRunner:
    """Runs ``AGI(agi://...)`` for the fake PBX (the default ``PBX.agi_runner``).

    Args:
        redirect: ``{"host:port": (host, port)}`` (or a callable ``(host, port) -> (host,
            port)``) applied to the URL's address before connecting.
        timeout: seconds to wait for the script's next command before giving up.
        seed: seeds the ``CommandId`` values.
    """

    def __init__(
        self,
        redirect: Mapping[str, tuple[str, int]]
        | Callable[[str, int], tuple[str, int]]
        | None = None,
        *,
        timeout: float = 30.0,
        seed: int | None = None,
    ) -> None:
        self.redirect = redirect
        self.timeout = timeout
        self._random = random.Random(seed)

    def _address(self, host: str, port: int) -> tuple[str, int]:
        redirect = self.redirect
        if redirect is None:
            return host, port
        if callable(redirect):
            return redirect(host, port)
        return redirect.get(f"{host}:{port}", (host, port))

    async def __call__(self, engine: CallEngine, chan: Channel, data: str) -> str:
        args = separate_args(data)
        url = args[0].strip()
        parts = urlsplit(url)
        if parts.scheme != "agi" or not parts.hostname:
            logger.warning("AGI %s: only agi:// (FastAGI) URLs are run by the fake", url)
            return "FAILURE"
        host, port = self._address(parts.hostname, parts.port or FASTAGI_PORT)
        try:
            with engine.server.hold_time():
                reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port),
                                                        self.timeout)
        except (OSError, asyncio.TimeoutError) as exc:
            logger.warning("AGI %s: cannot connect to %s:%d: %s", url, host, port, exc)
            return "FAILURE"
        try:
            return await self._session(engine, chan, url, args[1:], reader, writer)
        finally:
            writer.close()

    def _sim_channel(self, engine: CallEngine, chan: Channel) -> SimChannel:
        pbx = engine.pbx
        sounds = SoundLibrary(dict(pbx.sounds), strict=pbx.strict_sounds,
                              default_length=pbx.default_sound_length)
        return SimChannel(
            name=chan.name,
            uniqueid=chan.uniqueid,
            linkedid=chan.linkedid,
            channel_type=chan.tech or chan.name.split("/", 1)[0],
            caller=Caller(callerid=chan.callerid_num, name=chan.callerid_name),
            language=chan.language,
            accountcode=chan.accountcode,
            context=chan.context,
            extension=chan.exten,
            priority=chan.priority,
            state=chan.state,
            variables=dict(chan.variables),
            globals_=pbx.globals.snapshot(),
            astdb=pbx.astdb,
            sounds=sounds,
            dialplan=pbx.dialplan,
            epoch=pbx.clock(),
            answer_delay=0.5,
            version=pbx.identity.asterisk_version,
            threadid=140000000000000 + self._random.randrange(10**9),
        )

    async def _session(
        self,
        engine: CallEngine,
        chan: Channel,
        url: str,
        args: list[str],
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> str:
        sim = self._sim_channel(engine, chan)
        agi = AGIEngine(sim, request=url, args=args, notice=Notice.LINE, network=True)
        self._perform(agi.start(), writer)
        pending = b""
        while not agi.finished:
            try:
                with engine.server.hold_time():
                    data = await asyncio.wait_for(reader.read(65536), self.timeout)
            except (asyncio.TimeoutError, OSError):
                self._perform(agi.abort("the FastAGI script stopped answering"), writer)
                break
            if not data:
                agi.receive_data(b"")
                self._perform(agi.step(), writer)
                break
            pending += data
            # One command at a time, so each gets its own AGIExecStart/AGIExecEnd pair with
            # its effects in between.
            while pending.find(b"\n") >= 0 and not agi.finished:
                line, _, pending = pending.partition(b"\n")
                await self._command(engine, chan, sim, agi, line + b"\n", writer)
        agi.finalize()
        # SET CONTEXT/EXTENSION/PRIORITY: where the dialplan goes on (priority + 1), applied
        # by the AGI application when the AGI returns.
        chan.agi_exit = (sim.context, sim.exten, sim.priority)
        if sim.hung_up:
            chan.agi_hangup = True
        return agi.status

    async def _command(
        self,
        engine: CallEngine,
        chan: Channel,
        sim: SimChannel,
        agi: AGIEngine,
        line: bytes,
        writer: asyncio.StreamWriter,
    ) -> None:
        text = line.decode("utf-8", "surrogateescape").rstrip("\r\n")
        if not text.strip():
            agi.receive_data(line)
            self._perform(agi.step(), writer)
            return
        command_id = str(self._random.randrange(2**31))
        engine.chan_event("AGIExecStart", chan, ("CommandId", command_id), ("Command", text))
        before_vars = dict(sim.record.variables_set)
        before_state = sim.state
        before_time = sim.clock.now
        was_hung_up = sim.hung_up
        count = len(sim.record.transcript)
        agi.receive_data(line)
        actions = agi.step()
        elapsed = sim.clock.now - before_time
        if elapsed > 0:
            await engine.sleep(elapsed)
        if sim.state == ChannelState.UP and before_state != ChannelState.UP:
            engine.answer(chan, order="agi")
        for name, value in sim.record.variables_set.items():
            if before_vars.get(name) != value:
                engine.set_var(chan, name, value)
        if sim.hung_up and not was_hung_up:
            # res_agi HANGUP: ast_softhangup(chan, AST_SOFTHANGUP_EXPLICIT), cause 32 shown.
            engine.chan_event("SoftHangupRequest", chan, ("Cause", "32"))
        self._perform(actions, writer)
        entries = sim.record.transcript[count:]
        reply = entries[-1].reply if entries else None
        code, result = _result(text, reply)
        engine.chan_event("AGIExecEnd", chan, ("CommandId", command_id), ("Command", text),
                          ("ResultCode", code), ("Result", result))

    @staticmethod
    def _perform(actions: Sequence[object], writer: asyncio.StreamWriter) -> None:
        for action in actions:
            if isinstance(action, SendData):
                writer.write(action.data)
            elif isinstance(action, CloseConnection) and writer.can_write_eof():
                writer.write_eof()
