"""Calls of the fake AMI server: Originate, the dialplan running on channels, hangups.

The event sequences follow what a real Asterisk 22.10.1 sent for an asynchronous Originate of
a Local channel (``shared/captures/e1_originate_local_playback.jsonl``):

1. ``Newchannel`` for ``;1`` (Down) and ``;2`` (Ring), ``Newexten`` of ``;1`` running
   ``AppDial2(Outgoing Line)``, the ``VarSet`` of each ``Variable``, ``NewCallerid`` and
   ``NewConnectedLine`` when a CallerID was given (``;1`` first, then ``;2``), ``LocalBridge``
   and ``DialBegin``;
2. ``;2`` runs the dialplan at the Local channel's destination: ``Newexten`` per priority;
   ``Answer`` gives ``Newstate`` Up for ``;2``, ``DeviceStateChange`` INUSE, ``Newstate`` Up
   for ``;1``, ``DialEnd`` ANSWER, ``DeviceStateChange`` INUSE, then ``OriginateResponse``;
   ``Answer`` then takes 0.5 s (as ``ast_answer`` did in the capture);
3. ``;1`` runs the Originate's application (no events) or its Context/Exten/Priority;
4. ``Hangup()`` on ``;2``: ``SoftHangupRequest`` (``;2``), ``HangupRequest`` (``;1``),
   ``Hangup`` for both, two ``DeviceStateChange`` NOT_INUSE.

Other channel technologies (``PJSIP/100``...) have no real endpoint behind them: they answer
by default (``PBX.endpoints`` can make one busy, unanswered, congested or failing).

Durations (``Wait``, prompts, the answer delay) go through the server's ``time_scale``.
Applications emulated: Answer, Wait, Playback, Hangup, NoOp, Verbose, Log, Set, MSet, Goto,
GotoIf, Ringing, Progress, Busy, Congestion, Echo, MusicOnHold, UserEvent, Queue (the caller
waits in the queue; members are not rung), AGI (FastAGI through the AGI simulator). Others
hang the channel up with a warning, as Asterisk does for an application it does not have.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyst_sim.agi.functions import check_condition, parse_callerid
from pyst_sim.ami.functions import set_variable, substitute
from pyst_sim.ami.perms import event_authority
from pyst_sim.state.channels import Channel, ChannelState

if TYPE_CHECKING:
    from pyst_sim.ami_server import FakeAMIServer
    from pyst_sim.state.pbx import PBX

__all__ = ["CAUSES", "CallEngine", "OriginateOutcome", "OriginateRequest"]

logger = logging.getLogger(__name__)

#: Hangup cause texts (``ast_cause2str``) for the causes the fake produces.
CAUSES = {
    0: "Unknown",
    1: "Unallocated (unassigned) number",
    3: "No route to destination",
    16: "Normal Clearing",
    17: "User busy",
    18: "No user responding",
    19: "User alerting, no answer",
    21: "Call Rejected",
    34: "Circuit/channel congestion",
}

#: Originate ``Reason`` values (AST_CONTROL_*).
REASON_FAILED, REASON_HANGUP, REASON_RINGING, REASON_ANSWERED = 0, 1, 3, 4
REASON_BUSY, REASON_CONGESTION = 5, 8

_ANSWER_DELAY = 0.5


@dataclass
class OriginateRequest:
    """What an ``Originate`` action asked for (already checked)."""

    channel: str
    context: str = ""
    exten: str = ""
    priority: int = 1
    application: str = ""
    data: str = ""
    timeout: float | None = 30.0
    callerid_name: str = ""
    callerid_num: str = ""
    variables: list[tuple[str, str]] = field(default_factory=list)
    account: str = ""
    channel_id: str = ""
    other_channel_id: str = ""


@dataclass
class OriginateOutcome:
    """How the dial attempt ended: ``reason`` is the OriginateResponse ``Reason``."""

    success: bool
    reason: int
    channel: Channel | None = None


@dataclass
class _Pending:
    """An originated call waiting for its answer."""

    req: OriginateRequest
    done: Callable[[OriginateOutcome], None]
    timer: Any


class _Hungup(Exception):
    """The channel running the dialplan was hung up."""


class CallEngine:
    """Runs the calls of one fake server (on its event loop)."""

    def __init__(self, server: FakeAMIServer) -> None:
        self.server = server
        self._runners: dict[Channel, asyncio.Task[Any]] = {}
        self._answered: dict[Channel, _Pending] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self.applications: dict[str, Callable[[CallEngine, Channel, str], Awaitable[str | None]]]
        self.applications = {}

    @property
    def pbx(self) -> PBX:
        return self.server.pbx

    # -- plumbing ------------------------------------------------------------------------

    def publish(self, name: str, fields: Sequence[tuple[str, str]]) -> None:
        self.pbx.publish(name, event_authority(name), fields)

    def chan_event(
        self, name: str, chan: Channel, *extra: tuple[str, str], prefix: str = ""
    ) -> None:
        self.publish(name, [*self.pbx.snapshot(chan, prefix), *extra])

    def sleep(self, seconds: float) -> Awaitable[None]:
        return self.server.sleep(seconds)

    def _spawn(self, coro: Awaitable[Any], chan: Channel | None = None) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        if chan is not None:
            self._runners[chan] = task
            task.add_done_callback(functools.partial(self._drop_runner, chan))
        return task

    def _drop_runner(self, chan: Channel, task: asyncio.Task[Any]) -> None:
        if self._runners.get(chan) is task:
            del self._runners[chan]
        if not task.cancelled() and task.exception() is not None:
            logger.error("call on %s failed", chan.name, exc_info=task.exception())
            self.server._problem(f"channel {chan.name}: {task.exception()!r}")

    async def shutdown(self) -> None:
        """Cancel every running call (server stop)."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        for task in tasks:
            try:
                await asyncio.wait_for(task, 2)
            except BaseException:
                pass
        self._runners.clear()
        self._drop_pending()

    def _drop_pending(self) -> None:
        for pending in self._answered.values():
            if pending.timer is not None:
                pending.timer.cancel()
        self._answered.clear()

    def reset(self) -> None:
        """Cancel every call without waiting (``clear()``)."""
        for task in list(self._tasks):
            task.cancel()
        self._runners.clear()
        self._drop_pending()

    # -- channels ------------------------------------------------------------------------

    def _new_channel(
        self,
        name: str,
        uniqueid: str,
        linkedid: str,
        state: int,
        context: str,
        exten: str,
        tech: str,
    ) -> Channel:
        chan = Channel(
            name,
            uniqueid,
            linkedid or uniqueid,
            state=state,
            context=context,
            exten=exten,
            priority=1,
            created=self.pbx.clock(),
            tech=tech,
        )
        self.pbx.registry.add(chan)
        return chan

    def set_state(self, chan: Channel, state: int) -> None:
        if chan.state != state:
            chan.state = state
            self.chan_event("Newstate", chan)

    def set_var(self, chan: Channel, name: str, value: str) -> None:
        if name.endswith(")"):
            set_variable(self.pbx, chan, name, value)
            return
        chan.variables[name] = value
        self.chan_event("VarSet", chan, ("Variable", name), ("Value", value))

    @staticmethod
    def device_of(chan: Channel) -> str:
        """The device of a channel: the name without sequence number and ``;n``."""
        base = chan.name.split(";", 1)[0]
        head, dash, tail = base.rpartition("-")
        return head if dash and len(tail) == 8 else base

    def _device_state(self, chan: Channel, state: str) -> None:
        self.publish("DeviceStateChange", [("Device", self.device_of(chan)), ("State", state)])

    # -- originate -----------------------------------------------------------------------

    async def originate(self, req: OriginateRequest) -> OriginateOutcome:
        """Place the call; returns once it is answered or has failed (the call goes on)."""
        future: asyncio.Future[OriginateOutcome] = asyncio.get_running_loop().create_future()

        def done(outcome: OriginateOutcome) -> None:
            if not future.done():
                future.set_result(outcome)

        self.start_originate(req, done)
        return await future

    def start_originate(
        self, req: OriginateRequest, done: Callable[[OriginateOutcome], None]
    ) -> None:
        """Place the call; ``done(outcome)`` is called (synchronously, before the answering
        channel goes on with its dialplan) once it is answered or has failed."""
        tech, _, resource = req.channel.partition("/")
        self.pbx.counters.processed_calls += 1
        if tech.lower() == "local":
            self._originate_local(req, resource, done)
        else:
            self._spawn(self._originate_endpoint(req, tech, resource, done))

    def _caller_ids(self, chan: Channel, req: OriginateRequest) -> None:
        if req.callerid_num or req.callerid_name:
            chan.callerid_num, chan.callerid_name = req.callerid_num, req.callerid_name
            self.chan_event(
                "NewCallerid", chan, ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")
            )
            chan.connected_num, chan.connected_name = req.callerid_num, req.callerid_name
            self.chan_event("NewConnectedLine", chan)

    def _originate_local(
        self, req: OriginateRequest, resource: str, done: Callable[[OriginateOutcome], None]
    ) -> None:
        dest, _, options = resource.partition("/")
        exten, at, context = dest.partition("@")
        if not at:
            context = "default"
        if not self.pbx.dialplan.exists(context, exten, 1, req.callerid_num or None):
            # core_local: "No such extension/context ... while calling Local channel".
            logger.info("Local/%s: no such extension", dest)
            done(OriginateOutcome(False, REASON_FAILED))
            return
        seq = self.pbx.registry.next_sequence()
        uid1 = req.channel_id or self.pbx.registry.next_uniqueid()
        uid2 = req.other_channel_id or self.pbx.registry.next_uniqueid()
        base = f"Local/{exten}@{context}-{seq}"
        one = self._new_channel(base + ";1", uid1, uid1, ChannelState.DOWN, context, exten,
                                "Local")
        two = self._new_channel(base + ";2", uid2, uid1, ChannelState.RING, context, exten,
                                "Local")
        one.partner, two.partner = two, one
        one.accountcode = two.accountcode = req.account
        self.chan_event("Newchannel", one)
        self.chan_event("Newchannel", two)
        one.application, one.data = "AppDial2", "(Outgoing Line)"
        self.chan_event(
            "Newexten", one, ("Extension", exten), ("Application", "AppDial2"),
            ("AppData", "(Outgoing Line)"),
        )
        for name, value in req.variables:
            self.set_var(one, name, value)
        self._caller_ids(one, req)
        for name, value in req.variables:
            self.set_var(two, name, value)
        if req.callerid_num or req.callerid_name:
            two.callerid_num, two.callerid_name = req.callerid_num, req.callerid_name
            two.connected_num, two.connected_name = req.callerid_num, req.callerid_name
            self.chan_event(
                "NewCallerid", two, ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")
            )
            self.chan_event("NewConnectedLine", two)
        self.publish(
            "LocalBridge",
            [
                *self.pbx.snapshot(one, "LocalOne"),
                *self.pbx.snapshot(two, "LocalTwo"),
                ("Context", context),
                ("Exten", exten),
                ("LocalOptimization", "No" if "n" in options else "Yes"),
            ],
        )
        self.chan_event("DialBegin", one, ("DialString", dest), prefix="Dest")
        timer = None
        if req.timeout is not None:
            timer = self.server.call_later(req.timeout, lambda: self._no_answer(one))
        self._answered[one] = _Pending(req, done, timer)
        self._spawn(self._run_dialplan(two, context, exten, 1), two)

    def _no_answer(self, chan: Channel) -> None:
        pending = self._answered.pop(chan, None)
        if pending is None:
            return
        self.chan_event("DialEnd", chan, ("DialStatus", "NOANSWER"), prefix="Dest")
        self.hangup(chan, 19)
        pending.done(OriginateOutcome(False, REASON_RINGING, chan))

    def _after_answer(self, chan: Channel, req: OriginateRequest) -> None:
        if req.application:
            self._spawn(self._run_app_then_hangup(chan, req.application, req.data), chan)
        else:
            self._spawn(self._run_dialplan(chan, req.context, req.exten, req.priority), chan)

    async def _originate_endpoint(
        self,
        req: OriginateRequest,
        tech: str,
        resource: str,
        done: Callable[[OriginateOutcome], None],
    ) -> None:
        behaviour = self.pbx.endpoint_behaviour(req.channel)
        if behaviour == "fail" or not resource:
            done(OriginateOutcome(False, REASON_FAILED))
            return
        seq = self.pbx.registry.next_sequence()
        uid = req.channel_id or self.pbx.registry.next_uniqueid()
        chan = self._new_channel(f"{tech}/{resource}-{seq}", uid, uid, ChannelState.DOWN,
                                 "default", "s", tech)
        chan.accountcode = req.account
        self.chan_event("Newchannel", chan)
        for name, value in req.variables:
            self.set_var(chan, name, value)
        self._caller_ids(chan, req)
        self.chan_event("DialBegin", chan, ("DialString", resource), prefix="Dest")
        self.set_state(chan, ChannelState.RINGING)
        self._device_state(chan, "RINGING")
        ring = self.pbx.ring_time
        timeout = req.timeout
        if behaviour == "noanswer" or (timeout is not None and ring > timeout):
            await self.sleep(timeout if timeout is not None else ring)
            self.chan_event("DialEnd", chan, ("DialStatus", "NOANSWER"), prefix="Dest")
            self.hangup(chan, 19)
            done(OriginateOutcome(False, REASON_RINGING, chan))
            return
        await self.sleep(ring)
        if chan.hung_up:
            done(OriginateOutcome(False, REASON_HANGUP, chan))
            return
        if behaviour in ("busy", "congestion"):
            status, cause, reason = (
                ("BUSY", 17, REASON_BUSY) if behaviour == "busy"
                else ("CONGESTION", 34, REASON_CONGESTION)
            )
            self.chan_event("DialEnd", chan, ("DialStatus", status), prefix="Dest")
            self.hangup(chan, cause)
            done(OriginateOutcome(False, reason, chan))
            return
        self.set_state(chan, ChannelState.UP)
        self._device_state(chan, "INUSE")
        self.chan_event("DialEnd", chan, ("DialStatus", "ANSWER"), prefix="Dest")
        done(OriginateOutcome(True, REASON_ANSWERED, chan))
        self._after_answer(chan, req)

    # -- answering and hanging up ----------------------------------------------------------

    def answer(self, chan: Channel, *, order: str = "dialplan") -> bool:
        """Answer ``chan`` (and, for ``;2`` of a Local pair, its ``;1``); False if already up.

        ``order`` picks the event order Asterisk showed: ``dialplan`` (the ``Answer``
        application, capture e1: Newstate ;2, DeviceStateChange, Newstate ;1, DialEnd,
        DeviceStateChange, OriginateResponse) or ``agi`` (AGI ``ANSWER``, capture j1:
        Newstate ;1, Newstate ;2, DialEnd, OriginateResponse, two DeviceStateChange).
        """
        if chan.state == ChannelState.UP:
            return False
        partner = chan.partner
        if partner is None or partner.state == ChannelState.UP:
            self.set_state(chan, ChannelState.UP)
            return True
        pending = self._answered.pop(partner, None)
        if pending is not None and pending.timer is not None:
            pending.timer.cancel()
        if order == "agi":
            self.set_state(partner, ChannelState.UP)
            self.set_state(chan, ChannelState.UP)
            self.chan_event("DialEnd", partner, ("DialStatus", "ANSWER"), prefix="Dest")
            if pending is not None:
                pending.done(OriginateOutcome(True, REASON_ANSWERED, partner))
            self._device_state(chan, "INUSE")
            self._device_state(chan, "INUSE")
        else:
            self.set_state(chan, ChannelState.UP)
            self._device_state(chan, "INUSE")
            self.set_state(partner, ChannelState.UP)
            self.chan_event("DialEnd", partner, ("DialStatus", "ANSWER"), prefix="Dest")
            self._device_state(chan, "INUSE")
            if pending is not None:
                pending.done(OriginateOutcome(True, REASON_ANSWERED, partner))
        if pending is not None:
            self._after_answer(partner, pending.req)
        return True

    def hangup(
        self, chan: Channel, cause: int = 16, *, soft: bool = False, soft_cause: int | None = None
    ) -> None:
        """Hang ``chan`` up (and the other half of a Local pair), publishing the events;
        ``soft``: a ``SoftHangupRequest`` first (with ``soft_cause``, default ``cause``)."""
        if chan.hung_up:
            return
        partner = chan.partner if chan.partner is not None and not chan.partner.hung_up else None
        if soft:
            shown = cause if soft_cause is None else soft_cause
            self.chan_event("SoftHangupRequest", chan, ("Cause", str(shown)))
        if partner is not None:
            self.chan_event("HangupRequest", partner, ("Cause", str(cause)))
        doomed = [chan] if partner is None else [chan, partner]
        for c in doomed:
            c.hung_up = True
            c.hangup_cause = cause
            self.chan_event("Hangup", c, ("Cause", str(cause)),
                            ("Cause-txt", CAUSES.get(cause, "Unknown")))
        for c in doomed:
            self.pbx.registry.remove(c)
            pending = self._answered.pop(c, None)
            if pending is not None:
                if pending.timer is not None:
                    pending.timer.cancel()
                pending.done(OriginateOutcome(False, REASON_HANGUP, c))
        if partner is not None or chan.state == ChannelState.UP or chan.tech != "Local":
            for c in doomed:
                self._device_state(c, "NOT_INUSE")
        current = asyncio.current_task()
        for c in doomed:
            task = self._runners.pop(c, None)
            if task is not None and task is not current:
                task.cancel()

    def redirect(self, chan: Channel, context: str, exten: str, priority: int) -> None:
        """Move ``chan`` to context/exten/priority (its running app or dialplan stops)."""
        task = self._runners.pop(chan, None)
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        self._spawn(self._run_dialplan(chan, context, exten, priority), chan)

    # -- running ---------------------------------------------------------------------------

    async def _run_app_then_hangup(self, chan: Channel, app: str, data: str) -> None:
        chan.application, chan.data = app, data
        try:
            result = await self.run_app(chan, app, data)
        except _Hungup:
            return
        if not chan.hung_up:
            self.hangup(chan, 16 if result != "busy" else 17)

    async def _run_dialplan(self, chan: Channel, context: str, exten: str, priority: int) -> None:
        dialplan = self.pbx.dialplan
        chan.context, chan.exten, chan.priority = context, exten, priority
        steps = 0
        while not chan.hung_up:
            steps += 1
            if steps > 10_000:
                logger.warning("%s: dialplan loop, hanging up", chan.name)
                break
            found = dialplan.find(chan.context, chan.exten, chan.priority,
                                  chan.callerid_num or None)
            if found is None:
                break  # autofallthrough: the channel hangs up
            app = _registered_name(found.app)
            data = substitute(self.pbx, chan, found.data)
            chan.application, chan.data = app, data
            self.chan_event(
                "Newexten", chan, ("Extension", chan.exten), ("Application", app),
                ("AppData", data),
            )
            where = (chan.context, chan.exten, chan.priority)
            try:
                result = await self.run_app(chan, app, data)
            except _Hungup:
                return
            if result == "hangup" or chan.hung_up:
                break
            if result != "jumped" and (chan.context, chan.exten, chan.priority) == where:
                chan.priority += 1
        if not chan.hung_up:
            self.hangup(chan, 16)

    async def run_app(self, chan: Channel, app: str, data: str) -> str | None:
        """Run one application; returns ``"hangup"`` when the channel should hang up."""
        custom = self.applications.get(app.lower())
        if custom is not None:
            return await custom(self, chan, data)
        handler = _APPS.get(app.lower())
        if handler is None:
            logger.warning("No application '%s' for %s", app, chan.name)
            return "hangup"
        return await handler(self, chan, data)


# --- applications -------------------------------------------------------------------------

_NAMES = {
    n.lower(): n
    for n in (
        "Answer", "Wait", "Playback", "Hangup", "NoOp", "Verbose", "Log", "Set", "MSet", "Goto",
        "GotoIf", "Ringing", "Progress", "Busy", "Congestion", "Echo", "MusicOnHold",
        "UserEvent", "Queue", "AGI", "Background",
    )
}


def _registered_name(app: str) -> str:
    return _NAMES.get(app.lower(), app)


def _float(text: str, default: float = 0.0) -> float:
    try:
        return float(text.strip()) if text.strip() else default
    except ValueError:
        return default


async def _app_answer(eng: CallEngine, chan: Channel, data: str) -> str | None:
    if eng.answer(chan):
        await eng.sleep(_ANSWER_DELAY)
    return None


async def _app_wait(eng: CallEngine, chan: Channel, data: str) -> str | None:
    await eng.sleep(_float(data))
    return None


async def _app_playback(eng: CallEngine, chan: Channel, data: str) -> str | None:
    files, _, options = data.partition(",")
    if chan.state != ChannelState.UP and "noanswer" not in options:
        eng.answer(chan)
    status = "SUCCESS"
    for name in files.split("&"):
        length = eng.pbx.sound_length(name.strip())
        if length is None:
            status = "FAILED"
            break
        await eng.sleep(length)
    eng.set_var(chan, "PLAYBACKSTATUS", status)
    return None


async def _app_hangup(eng: CallEngine, chan: Channel, data: str) -> str | None:
    cause = int(data) if data.strip().isdigit() else 16
    eng.hangup(chan, cause, soft=True)
    return "hangup"


async def _app_noop(eng: CallEngine, chan: Channel, data: str) -> str | None:
    return None


async def _app_set(eng: CallEngine, chan: Channel, data: str) -> str | None:
    name, eq, value = data.partition("=")
    if eq and name:
        eng.set_var(chan, name.strip(), value)
    return None


async def _app_mset(eng: CallEngine, chan: Channel, data: str) -> str | None:
    for item in data.split(","):
        await _app_set(eng, chan, item)
    return None


def _goto(eng: CallEngine, chan: Channel, target: str) -> None:
    parts = [p.strip() for p in target.split(",")]
    if len(parts) == 1:
        context, exten, prio = chan.context, chan.exten, parts[0]
    elif len(parts) == 2:
        context, exten, prio = chan.context, parts[0], parts[1]
    else:
        context, exten, prio = parts[0], parts[1], parts[2]
    if prio.isdigit():
        number = int(prio)
    else:
        found = eng.pbx.dialplan.find_label(context, exten, prio)
        number = found.priority if found is not None else -1
    if number > 0:
        chan.context, chan.exten, chan.priority = context, exten, number


async def _app_goto(eng: CallEngine, chan: Channel, data: str) -> str | None:
    _goto(eng, chan, data)
    return None


async def _app_gotoif(eng: CallEngine, chan: Channel, data: str) -> str | None:
    cond, sep, rest = data.partition("?")
    if not sep:
        return None
    yes, _, no = rest.partition(":")
    target = yes if check_condition(cond) else no
    if target:
        _goto(eng, chan, target)
    return None


async def _app_ringing(eng: CallEngine, chan: Channel, data: str) -> str | None:
    if chan.state != ChannelState.UP:
        eng.set_state(chan, ChannelState.RINGING)
    return None


async def _app_busy(eng: CallEngine, chan: Channel, data: str) -> str | None:
    eng.set_state(chan, ChannelState.BUSY)
    await eng.sleep(_float(data))
    eng.hangup(chan, 17)
    return "hangup"


async def _app_congestion(eng: CallEngine, chan: Channel, data: str) -> str | None:
    await eng.sleep(_float(data))
    eng.hangup(chan, 34)
    return "hangup"


async def _app_forever(eng: CallEngine, chan: Channel, data: str) -> str | None:
    if chan.state != ChannelState.UP:
        eng.answer(chan)
    duration = data.split(",")[1] if "," in data else ""
    if duration.strip():
        await eng.sleep(_float(duration))
        return None
    await asyncio.get_running_loop().create_future()  # until hung up (cancelled)
    return None


async def _app_echo(eng: CallEngine, chan: Channel, data: str) -> str | None:
    await asyncio.get_running_loop().create_future()
    return None


async def _app_userevent(eng: CallEngine, chan: Channel, data: str) -> str | None:
    name, _, body = data.partition(",")
    extra = [("UserEvent", name)]
    for item in body.split(",") if body else []:
        key, sep, value = item.partition(":")
        if sep:
            extra.append((key.strip(), value.strip()))
    eng.publish("UserEvent", [*eng.pbx.snapshot(chan), *extra])
    return None


async def _app_queue(eng: CallEngine, chan: Channel, data: str) -> str | None:
    from pyst_sim.state.queues import QueueEntry

    args = data.split(",")
    queue = eng.pbx.queues.get(args[0].strip())
    if queue is None:
        eng.set_var(chan, "QUEUESTATUS", "UNKNOWN")
        return None
    entry = QueueEntry(chan.name, chan.uniqueid, chan.callerid_num, chan.callerid_name,
                       chan.connected_num, chan.connected_name, joined=eng.pbx.clock())
    queue.entries.append(entry)
    position = len(queue.entries)
    eng.chan_event("QueueCallerJoin", chan, ("Queue", queue.name), ("Position", str(position)),
                   ("Count", str(len(queue.entries))))
    timeout = _float(args[4]) if len(args) > 4 else 0.0
    status = "TIMEOUT"
    try:
        if timeout > 0:
            await eng.sleep(timeout)
        else:
            await asyncio.get_running_loop().create_future()
    finally:
        if entry in queue.entries:
            pos = queue.entries.index(entry) + 1
            queue.entries.remove(entry)
            eng.chan_event("QueueCallerLeave", chan, ("Queue", queue.name),
                           ("Count", str(len(queue.entries))), ("Position", str(pos)))
    eng.set_var(chan, "QUEUESTATUS", status)
    return None


async def _app_agi(eng: CallEngine, chan: Channel, data: str) -> str | None:
    runner = eng.pbx.agi_runner
    if runner is None:
        from pyst_sim.ami.agi_bridge import FastAGIRunner

        runner = eng.pbx.agi_runner = FastAGIRunner()
    status = await runner(eng, chan, data)
    eng.set_var(chan, "AGISTATUS", status)
    exit_point = chan.agi_exit  # set by the runner (SET CONTEXT/EXTENSION/PRIORITY)
    chan.agi_exit = None
    if chan.agi_hangup or status == "HANGUP":
        # The channel was hung up during the AGI: pbx_run ends it (capture j1: a soft hangup
        # with cause 16 where the AGI ran, then the hangups, cause 0, at the AGI's exit point).
        eng.chan_event("SoftHangupRequest", chan, ("Cause", "16"))
        if exit_point is not None:
            chan.context, chan.exten, chan.priority = exit_point
        eng.hangup(chan, 0)
        return "hangup"
    if exit_point is not None:
        context, exten, priority = exit_point
        chan.context, chan.exten, chan.priority = context, exten, priority + 1
        return "jumped"
    return None


_APPS: dict[str, Callable[[CallEngine, Channel, str], Awaitable[str | None]]] = {
    "answer": _app_answer,
    "wait": _app_wait,
    "playback": _app_playback,
    "background": _app_playback,
    "hangup": _app_hangup,
    "noop": _app_noop,
    "verbose": _app_noop,
    "log": _app_noop,
    "set": _app_set,
    "mset": _app_mset,
    "goto": _app_goto,
    "gotoif": _app_gotoif,
    "ringing": _app_ringing,
    "progress": _app_noop,
    "busy": _app_busy,
    "congestion": _app_congestion,
    "echo": _app_echo,
    "musiconhold": _app_forever,
    "userevent": _app_userevent,
    "queue": _app_queue,
    "agi": _app_agi,
}


def parse_originate_callerid(text: str) -> tuple[str, str]:
    """``ast_callerid_parse`` of an Originate ``CallerID``: (name, number)."""
    name, number = parse_callerid(text)
    return name or "", number or ""
