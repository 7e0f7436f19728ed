"""Serve a cassette back to AMI clients (``pyst-sim replay``), or plug it into the fake server.

Two ways to replay a :class:`~pyst_sim.cassette.Cassette` (or a capture ``.jsonl``, or a
panoramisk-style raw trace: anything :func:`~pyst_sim.cassette.load_cassette` reads):

:class:`ReplayServer` -- a standalone AMI server that knows nothing but the cassette::

    async with ReplayServer("tests/cassettes/login.yaml") as ami:    # record mode "none"
        client = await connect(*ami.address)
        ...
    ami.check()        # ExpectationError for every action that matched nothing

It sends the recorded banner (connection *k* gets session *k*'s banner and its events from
before the first action), answers every action with the :class:`~pyst_sim.cassette.Player`
(first unused match, ActionIDs rewritten, the events that followed it), and closes the
connection where the recorded server closed it. An action that matches nothing gets
``Response: Error`` naming the mismatch (the client does not hang) and is kept for
:meth:`~pyst_sim.recorder.ServerBase.check`. Framing errors (a line over 1022 characters,
more than 128 lines) are answered by the core as Asterisk answers them. ``speed=None`` (the
default) sends everything at once; ``speed=1.0`` keeps the recorded delays, ``2.0`` halves
them. A connection's messages always keep their recorded order: a later action is answered
after the delayed events of an earlier one.

Record modes (``mode=``, see :class:`~pyst_sim.cassette.RecordMode`), which need an
``upstream`` Asterisk whenever they record:

* ``none`` -- replay only;
* ``once`` -- when the cassette file does not exist, every connection is a transparent
  recording proxy (:class:`~pyst_sim.recorder.ProxyConnection`) and the cassette is written
  at stop; when it exists, as ``none``;
* ``new_episodes`` -- replay while the actions match. At a connection's first action that
  matches nothing, the server connects to the upstream, replays that connection's earlier
  actions to it (their answers are dropped: this brings the upstream to the same state, e.g.
  logged in), and from then on the connection is a live recorded proxy: AMI is stateful, so
  once the real PBX took over, answering later actions from the cassette would mix two
  states. The live part is appended to the cassette as a new session, so the next run replays
  it. (An MD5 ``Challenge`` login cannot be brought over: the upstream issues a new
  challenge. The client then gets the upstream's error.)
* ``all`` -- every connection is a recording proxy; the file is replaced at stop.

:class:`CassetteResponder` -- a responder for :class:`~pyst_sim.ami_server.FakeAMIServer`
(``server.add_responder(CassetteResponder("x.yaml"))``): the fake server keeps its banner,
login rules and emulation; the responder answers the actions found in the cassette. With
``fallthrough=True`` the others go on to the built-in emulation, otherwise they get the
mismatch error (reported by the responder's :meth:`~CassetteResponder.check` and by the
server's ``check()``). With ``timing=True`` the recorded delays become ``Delay`` items (the
server scales them by its ``time_scale``). Events recorded before the first action are not
replayed this way (the fake server sends its own).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from pyst.ami.correlation import ActionResult, Correlator, action_id_factory
from pyst.ami.messages import (
    Action,
    BadAction,
    Banner,
    Event,
    Message,
    Response,
    make_bad_action_response,
    make_error,
)
from pyst.ami.protocol import CLIENT, SERVER, AMIConnection, ConnectionClosed
from pyst.errors import ProtocolError
from pyst_sim.cassette import (
    DEFAULT_MASK,
    Cassette,
    Masker,
    Matcher,
    MatchOn,
    Mismatch,
    Player,
    RecordMode,
    SessionRecorder,
    detect_format,
    load_cassette,
)
from pyst_sim.errors import ExpectationError, SimulatorError
from pyst_sim.recorder import ProxyConnection, ServerBase

logger = logging.getLogger(__name__)

__all__ = ["CassetteResponder", "ReplayServer"]

CassetteSource = Cassette | str | os.PathLike[str]
_SYNC_PREFIX = "pyst-sim-sync"


def _check_speed(speed: float | None) -> float | None:
    if speed is None or speed == 0:
        return None
    if speed < 0:
        raise ValueError(f"speed must be > 0 (or None/0: as fast as possible), not {speed}")
    return float(speed)


class ReplayServer(ServerBase):
    """Serve a cassette to AMI clients (see the module docstring).

    Args:
        cassette: a :class:`~pyst_sim.cassette.Cassette`, or the path of a cassette, capture or
            trace (``format`` as for :func:`~pyst_sim.cassette.load_cassette`).
        mode: ``none`` (default), ``once``, ``new_episodes`` or ``all``.
        upstream: the Asterisk to record from (``"host:port"`` or a tuple); needed when the
            mode records.
        speed: ``None`` sends at once; else recorded delays are divided by it.
        match_on, ignore_headers: see :class:`~pyst_sim.cassette.Matcher`.
        allow_playback_repeats: replay a used interaction when no unused one matches.
        replay_unsolicited: replay the events not tied to the action (default true).
        save_to: where recorded sessions are written (default: the cassette's own path when it
            is a YAML cassette).

    Raises ``FileNotFoundError`` (mode ``none`` and no such file), ``ValueError`` (bad
    arguments, a recording mode without ``upstream``, recording into a capture or trace
    without ``save_to``), :class:`~pyst_sim.cassette.CassetteError` (unreadable cassette).
    """

    def __init__(
        self,
        cassette: CassetteSource,
        *,
        mode: RecordMode | str = RecordMode.NONE,
        upstream: str | tuple[str, int] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        speed: float | None = None,
        match_on: MatchOn = ("action", "headers"),
        ignore_headers: Iterable[str] = (),
        allow_playback_repeats: bool = False,
        replay_unsolicited: bool = True,
        mask: Masker | Sequence[str] | None = DEFAULT_MASK,
        format: str = "auto",
        save_to: str | os.PathLike[str] | None = None,
        clock: Callable[[], float] = time.monotonic,
        connect_timeout: float = 5.0,
    ) -> None:
        self.mode = RecordMode(mode)
        self.speed = _check_speed(speed)
        path: Path | None
        loaded: Cassette | None
        if isinstance(cassette, Cassette):
            loaded, path = cassette, cassette.path
        else:
            path, loaded = Path(cassette), None
            if path.exists() and self.mode is not RecordMode.ALL:
                loaded = load_cassette(path, format=format, mask=mask)
            elif not path.exists() and self.mode is RecordMode.NONE:
                raise FileNotFoundError(
                    f"cassette {path} does not exist (record mode 'none' only replays; "
                    "use 'once' or 'all' with an upstream to record it)"
                )
        #: True when every connection is a recording proxy (mode all, or once/new_episodes
        #: without an existing cassette).
        self.recording_all = self.mode is RecordMode.ALL or (
            self.mode in (RecordMode.ONCE, RecordMode.NEW_EPISODES)
            and (loaded is None or not loaded.sessions)
        )
        records = self.recording_all or self.mode is RecordMode.NEW_EPISODES
        if records and upstream is None:
            raise ValueError(f"record mode {self.mode.value!r} needs an upstream to record "
                             "from (upstream='host:port')")
        if save_to is None and records:
            source = loaded.source if loaded is not None else (
                detect_format(path) if path is not None and path.exists() else "cassette")
            if source not in ("cassette", "new"):
                raise ValueError(
                    f"recording would overwrite the {source} {path}: "
                    "give save_to (a .yaml cassette path)"
                )
            save_to = path
        super().__init__(host=host, port=port, upstream=upstream if records else None,
                         mask=mask, clock=clock, connect_timeout=connect_timeout,
                         save_to=save_to)
        if self.recording_all:
            self.cassette = Cassette(path=save_to, source="new")
            self.cassette.metadata.update({
                "recorded_with": f"pyst-sim replay (record mode {self.mode.value})",
                "recorded_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "masked": list(self.masker.spec),
            })
            if self.upstream is not None:
                self.cassette.metadata["upstream"] = f"{self.upstream[0]}:{self.upstream[1]}"
        else:
            assert loaded is not None
            self.cassette = loaded
        self.record_into = self.cassette if records else None
        self.player = Player(
            self.cassette,
            matcher=Matcher(match_on, ignore_headers),
            allow_playback_repeats=allow_playback_repeats,
            replay_unsolicited=replay_unsolicited,
        )
        # New sessions (new_episodes) come after everything already recorded.
        self._episode_base = 1.0 + max(
            (s.at + max((i.at for i in s.interactions), default=0.0)
             for s in self.cassette.sessions), default=0.0)

    def _protocol(self) -> asyncio.Protocol:
        if self.recording_all:
            return ProxyConnection(self)
        return _ReplayConnection(self)

    @property
    def mismatches(self) -> list[Mismatch]:
        """Every action that matched nothing so far."""
        return list(self.player.mismatches)

    @property
    def errors(self) -> list[str]:
        """Mismatch reports and other problems (upstream unreachable...)."""
        return [str(e) for e in self.player.errors] + super().errors

    def check(self, *, require_all_played: bool = False) -> None:
        """Raise :class:`~pyst_sim.errors.ExpectationError` for mismatches and problems, and
        with ``require_all_played`` for recorded actions never played."""
        problems = self.errors
        if require_all_played and not self.recording_all:
            source = None if self.cassette.path is None else str(self.cassette.path)
            problems += [f"never played: {i.describe(source)}" for i in self.player.unplayed()]
        if problems:
            raise ExpectationError("\n\n".join(problems))


_CLOSE = None  # a queue item that closes the connection


class _ReplayConnection(asyncio.Protocol):
    """One client of a ReplayServer: the core in the SERVER role, answers from the Player."""

    def __init__(self, server: ReplayServer) -> None:
        self.server = server
        self.conn = AMIConnection(SERVER)
        self.transport: asyncio.Transport | None = None
        self.loop = asyncio.get_running_loop()
        self._queue: deque[tuple[float, bytes | None]] = deque()
        self._last_due = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._closed = False
        self._history: list[Action] = []  # actions answered from the cassette (unmasked)
        self._live: _Live | None = None

    # -- asyncio callbacks ---------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A cast, not isinstance: uvloop's transports do not subclass asyncio's.
        self.transport = cast(asyncio.Transport, transport)
        self.server._opened(self)
        session = self.server.player.next_session()
        banner = session.banner if session is not None and session.banner is not None \
            else self.server.cassette.banner
        now = self.loop.time()
        self._enqueue([(0.0, banner)], now)
        self._enqueue(self.server.player.preamble(session), now)
        if session is not None and session.closed_by == "server" and not session.interactions:
            self._enqueue([], now, session.closed_at or 0.0)

    def data_received(self, data: bytes) -> None:
        for event in self.conn.receive(data):
            if isinstance(event, Action):
                self._action(event)
            elif isinstance(event, BadAction):
                # Asterisk rejects these before running anything (get_input/do_message).
                self._enqueue([(0.0, make_bad_action_response(event))], self.loop.time())

    def eof_received(self) -> bool:
        # Asterisk ends the session when the client stops sending; whatever was still to be
        # replayed later is dropped, as it would have been.
        self.conn.receive(b"")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._queue.clear()
        if self._live is not None:
            self._live.client_gone()
        self.server._finished(self)

    def abort_connection(self) -> None:
        """Close now (the server is stopping)."""
        if self.transport is not None:
            self.transport.close()
        if self._live is not None:
            self._live.client_gone()

    # -- answering -----------------------------------------------------------------------

    def _action(self, action: Action) -> None:
        if self._live is not None:
            self._live.forward(action)
            return
        server = self.server
        if server.mode is RecordMode.NEW_EPISODES:
            it = server.player.find(action)
            if it is None:
                self._live = _Live(self, action)
                return
            playback = server.player.playback(it, action)
        else:
            result = server.player.play(action)
            if isinstance(result, Mismatch):
                self._enqueue([(0.0, result.response)], self.loop.time())
                return
            playback = result
        self._history.append(action)
        self._enqueue(playback.messages, self.loop.time(), playback.close_after)

    # -- the ordered output queue --------------------------------------------------------

    def send_now(self, message: Message | Banner) -> None:
        """Queue ``message`` after everything already queued, due now."""
        self._enqueue([(0.0, message)], self.loop.time())

    def close_soon(self) -> None:
        """Close once everything queued has gone out."""
        self._enqueue([], self.loop.time(), 0.0)

    def _serialise(self, message: Message | Banner) -> bytes:
        if isinstance(message, (Banner, Response, Event)):
            return self.conn.send(message)
        return message.to_bytes()  # a block that is neither (traces): as recorded

    def _enqueue(self, items: Iterable[tuple[float, Message | Banner]], base: float,
                 close_after: float | None = None) -> None:
        if self._closed:
            return
        speed = self.server.speed
        last = self._last_due
        for after, message in items:
            due = base + after / speed if speed else 0.0
            last = due if due > last else last
            self._queue.append((last, self._serialise(message)))
        if close_after is not None:
            due = base + close_after / speed if speed else 0.0
            last = due if due > last else last
            self._queue.append((last, _CLOSE))
        self._last_due = last
        self._pump()

    def _pump(self) -> None:
        self._timer = None
        queue = self._queue
        if self._closed or self.transport is None:
            return
        now = self.loop.time()
        out: list[bytes] = []
        while queue and queue[0][0] <= now:
            _, payload = queue.popleft()
            if payload is _CLOSE:
                if out:
                    self.transport.write(b"".join(out))
                queue.clear()
                self._closed = True  # nothing more is queued or written
                self.conn.send(ConnectionClosed())
                self.transport.close()  # Asterisk closes after Goodbye / a failed login
                if self._live is not None:
                    self._live.client_gone()
                return
            out.append(payload)
        if out:
            self.transport.write(b"".join(out))
        if queue and self._timer is None:
            self._timer = self.loop.call_at(queue[0][0], self._pump)


class _UpstreamProtocol(asyncio.Protocol):
    def __init__(self, live: _Live) -> None:
        self.live = live

    def data_received(self, data: bytes) -> None:
        self.live.from_upstream(data)

    def eof_received(self) -> bool:
        self.live.from_upstream(b"")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.live.upstream_lost()


class _Live:
    """new_episodes: the part of a replayed connection that goes to the upstream."""

    def __init__(self, owner: _ReplayConnection, first: Action) -> None:
        self.owner = owner
        self.server = owner.server
        self.conn = AMIConnection(CLIENT)
        self.correlator = Correlator(action_id_factory(_SYNC_PREFIX))
        self.transport: asyncio.Transport | None = None
        self.pending: list[Action] = [first]
        self.syncing: dict[str, Action] = {}
        self.synced = asyncio.get_running_loop().create_future()
        self.banner = asyncio.get_running_loop().create_future()
        self.recorder: SessionRecorder | None = None
        self.ready = False
        self.done = False
        self.task = asyncio.get_running_loop().create_task(self._start())

    async def _start(self) -> None:
        server = self.server
        assert server.upstream is not None
        host, port = server.upstream
        loop = asyncio.get_running_loop()
        try:
            transport, _ = await asyncio.wait_for(
                loop.create_connection(lambda: _UpstreamProtocol(self), host, port),
                server.connect_timeout,
            )
            # A cast, not isinstance: uvloop's transports do not subclass asyncio's.
            self.transport = cast(asyncio.Transport, transport)
            await asyncio.wait_for(asyncio.shield(self.banner), server.connect_timeout)
            for action in self.owner._history:
                tracked = self.correlator.track(action.with_action_id(
                    self.correlator.new_action_id()))
                assert tracked.action_id is not None
                self.syncing[tracked.action_id] = tracked
                transport.write(self.conn.send(tracked))
            if not self.syncing:
                self.synced.set_result(None)
            await asyncio.wait_for(asyncio.shield(self.synced), server.connect_timeout)
        except (OSError, asyncio.TimeoutError, ProtocolError, SimulatorError) as exc:
            self._fail(f"new_episodes: cannot bring the upstream {host}:{port} to this "
                       f"connection's state: {exc!r}")
            return
        now = server.clock()
        name = server._next_name()
        self.recorder = SessionRecorder(f"{name}-new", now,
                                        at=server._episode_base + now - server.t0,
                                        mask=server.masker)
        self.recorder.banner = self.conn.banner
        self.ready = True
        pending, self.pending = self.pending, []
        for action in pending:
            self.forward(action)

    def _fail(self, text: str) -> None:
        self.server._error(text)
        self.done = True
        reply = " ".join(f"pyst-sim replay: {text}".split())[:900]  # one AMI line
        for action in self.pending:
            self.owner.send_now(make_error(action, reply))
        self.pending = []
        if self.transport is not None:
            self.transport.close()

    def forward(self, action: Action) -> None:
        """Send a client action to the upstream (queued until the sync is done)."""
        if self.done:
            self.owner.send_now(make_error(action, "pyst-sim replay: the upstream connection "
                                                   "of this session is gone"))
            return
        if not self.ready:
            self.pending.append(action)
            return
        assert self.transport is not None and self.recorder is not None
        self.recorder.add_action(self.server.clock(), action)
        self.transport.write(self.conn.send(action))

    def from_upstream(self, data: bytes) -> None:
        try:
            events = self.conn.receive(data)
        except ProtocolError as exc:
            self._fail(f"new_episodes: the upstream broke the protocol: {exc}")
            return
        for event in events:
            if isinstance(event, Banner):
                if not self.banner.done():
                    self.banner.set_result(event)
            elif isinstance(event, ConnectionClosed):
                self.upstream_lost()
            elif isinstance(event, Message):
                self._message(event)

    def _message(self, message: Message) -> None:
        if not self.ready:
            # Answers to the replayed (sync) actions, and events meanwhile, are dropped.
            routed = self.correlator.receive(message)
            if isinstance(routed, ActionResult):
                action = self.syncing.pop(routed.action.action_id or "", None)
                if (action is not None and routed.is_error
                        and action.name.lower() in ("login", "challenge")):
                    if not self.synced.done():
                        self.synced.set_exception(SimulatorError(
                            f"the upstream refused the replayed {action.name}: "
                            f"{routed.response.message if routed.response else ''}"))
                    return
                if not self.syncing and not self.synced.done():
                    self.synced.set_result(None)
            return
        assert self.recorder is not None
        self.recorder.add_message(self.server.clock(), message)
        self.owner.send_now(message)

    def upstream_lost(self) -> None:
        if self.done:
            return
        if not self.ready:
            self._fail("new_episodes: the upstream closed the connection")
            return
        self.done = True
        assert self.recorder is not None
        self.recorder.close(self.server.clock(), "server")
        self.owner.close_soon()
        self._save()

    def client_gone(self) -> None:
        if self.transport is not None:
            self.transport.close()
        if not self.ready:
            self.task.cancel()
        if self.recorder is not None and not self.done:
            self.done = True
            self.recorder.close(self.server.clock(), "client")
            self._save()
        self.done = True

    def _save(self) -> None:
        assert self.recorder is not None
        self.server._session_recorded(self.recorder.session())


# --- FakeAMIServer responder -------------------------------------------------------------------


class CassetteResponder:
    """Answers a :class:`~pyst_sim.ami_server.FakeAMIServer`'s actions from a cassette.

    ``CassetteResponder(cassette, *, match_on=..., ignore_headers=(),
    allow_playback_repeats=False, replay_unsolicited=True, timing=False, fallthrough=False,
    format="auto", mask=DEFAULT_MASK)``; see the module docstring. ``respond`` returns the
    recorded messages (``Delay``/``Close`` items where the recording had them), the mismatch
    error, or ``None`` (``fallthrough``).
    """

    def __init__(
        self,
        cassette: CassetteSource,
        *,
        match_on: MatchOn = ("action", "headers"),
        ignore_headers: Iterable[str] = (),
        allow_playback_repeats: bool = False,
        replay_unsolicited: bool = True,
        timing: bool = False,
        fallthrough: bool = False,
        format: str = "auto",
        mask: Masker | Sequence[str] | None = DEFAULT_MASK,
    ) -> None:
        self.cassette = cassette if isinstance(cassette, Cassette) else load_cassette(
            cassette, format=format, mask=mask)
        self.player = Player(self.cassette, matcher=Matcher(match_on, ignore_headers),
                             allow_playback_repeats=allow_playback_repeats,
                             replay_unsolicited=replay_unsolicited)
        self.timing = timing
        self.fallthrough = fallthrough

    def __repr__(self) -> str:
        return f"CassetteResponder({self.cassette!r})"

    @property
    def banner(self) -> Banner:
        """The recorded greeting (give its version to the fake server: ``ami_version=``)."""
        return self.cassette.banner

    def respond(self, session: Any, action: Action) -> list[Any] | None:
        """The recorded answer to ``action`` (see the class docstring)."""
        from pyst_sim.ami_server import Close, Delay

        if self.fallthrough:
            it = self.player.find(action)
            if it is None:
                return None
            result: Any = self.player.playback(it, action)
        else:
            result = self.player.play(action)
            if isinstance(result, Mismatch):
                report = getattr(getattr(session, "server", None), "_problem", None)
                if callable(report):  # shows up in FakeAMIServer.check() too
                    report(str(result.error))
                return [result.response]
        items: list[Any] = []
        previous = 0.0
        for after, message in result.messages:
            if self.timing and after > previous:
                items.append(Delay(after - previous))
                previous = after
            items.append(message)
        if result.close_after is not None:
            if self.timing and result.close_after > previous:
                items.append(Delay(result.close_after - previous))
            items.append(Close())
        return items

    @property
    def errors(self) -> list[ExpectationError]:
        """One error per mismatch so far."""
        return self.player.errors

    def check(self, *, require_all_played: bool = False) -> None:
        """Raise :class:`~pyst_sim.errors.ExpectationError` for the mismatches (see
        :meth:`~pyst_sim.cassette.Player.check`)."""
        self.player.check(require_all_played=require_all_played)

