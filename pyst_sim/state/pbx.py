"""The simulated PBX: what a fake Asterisk knows and changes, in one object.

:class:`PBX` owns the AstDB, the global variables, the live channels, the queues, the
dialplan and the manager users, loaded from a config directory (``manager.conf``,
``extensions.conf``, ``queues.conf``, read with :mod:`pyst.config`) or built in code::

    pbx = PBX.from_config_dir("tests/asterisk")
    pbx = PBX(users={"admin": ManagerUser("admin", secret="secret", read_mask=ALL, ...)})

Events: whatever changes the PBX (a channel is created, a variable set...) is published to the
subscribers (:meth:`PBX.subscribe`) as ``(name, class mask, fields)``; the fake AMI server
turns them into ``Event:`` blocks for its sessions. The PBX does no I/O besides reading (and,
for ``UpdateConfig``, writing) files of its config directory, and is thread-safe where the AGI
simulator may share it (AstDB, globals, channels, queues).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyst.config import ConfigLoader, LoadStatus, MemoryLoader
from pyst.config.dialplan import Dialplan
from pyst.config.files import ManagerConfig, ManagerUser, manager_config, queues_config
from pyst_sim.state.astdb import AstDB
from pyst_sim.state.channels import Channel, ChannelRegistry
from pyst_sim.state.globals import GlobalVariables
from pyst_sim.state.queues import Queues

__all__ = ["PBX", "EventSink", "Identity", "ManagerConfig", "ManagerUser"]

logger = logging.getLogger(__name__)

#: ``(event name, class mask, fields after Event/Privilege)`` -> None.
EventSink = Callable[[str, int, Sequence[tuple[str, str]]], None]


@dataclass(frozen=True)
class Identity:
    """What the fake says it is (``core show version``, ``CoreSettings``, AGI's agi_version)."""

    asterisk_version: str = "22.10.1"
    ami_version: str = "11.0.0"
    build: str = "built by root @ vm on a x86_64 running Linux on 2026-11-28 21:34:44 UTC"
    system_name: str = ""
    run_user: str = ""
    run_group: str = ""

    @property
    def version_line(self) -> str:
        """``core show version`` output."""
        return f"Asterisk {self.asterisk_version} {self.build}"


@dataclass
class Counters:
    """Call counters (``core show channels`` / ``CoreStatus``)."""

    processed_calls: int = 0


def _empty_dialplan() -> Dialplan:
    return Dialplan.from_categories([])


@dataclass(eq=False)
class PBX:
    """The state of one simulated Asterisk.

    Args:
        users: manager users by name (any case); merged over ``manager`` (manager.conf).
        manager: manager.conf settings (``timestampevents``, ``channelvars``...).
        dialplan: the dialplan (extensions.conf); its ``[globals]`` seed ``globals``.
        astdb, globals, channels, queues: shared state (new empty ones by default).
        config_dir: where ``GetConfig``/``UpdateConfig`` read and write files.
        clock: Unix time (uniqueids, ``Timestamp``, uptime).
        identity: versions and names the fake reports.
        sounds: prompt lengths in seconds (``Playback``); missing prompts fail when
            ``strict_sounds``, else play ``default_sound_length`` seconds.
        endpoints: how originated non-Local channels behave, by channel (``PJSIP/100``) or
            technology (``PJSIP``): ``answer``, ``busy``, ``noanswer``, ``congestion`` or
            ``fail``; others do ``default_endpoint``, after ringing ``ring_time`` seconds.
        agi_runner: ``async f(engine, channel, args) -> AGISTATUS`` running the ``AGI``
            application (None: AGI fails with ``AGISTATUS=FAILURE``).
    """

    users: dict[str, ManagerUser] = field(default_factory=dict)
    manager: ManagerConfig = field(default_factory=ManagerConfig)
    dialplan: Dialplan = field(default_factory=_empty_dialplan)
    astdb: AstDB = field(default_factory=AstDB)
    globals: GlobalVariables = field(default_factory=GlobalVariables)
    channels: ChannelRegistry | None = None
    queues: Queues = field(default_factory=Queues)
    config_dir: str | None = None
    clock: Callable[[], float] = time.time
    identity: Identity = field(default_factory=Identity)
    sounds: dict[str, float] = field(default_factory=lambda: {"beep": 0.25})
    strict_sounds: bool = False
    default_sound_length: float = 1.0
    config_files: Mapping[str, str] | None = None
    endpoints: dict[str, str] = field(default_factory=dict)
    default_endpoint: str = "answer"
    ring_time: float = 0.0
    agi_runner: Callable[..., Any] | None = None

    def __post_init__(self) -> None:
        if self.channels is None:
            self.channels = ChannelRegistry(clock=self.clock)
        merged: dict[str, ManagerUser] = dict(self.manager.users)
        merged.update({name.lower(): user for name, user in self.users.items()})
        self.users = merged
        for name, value in self.dialplan.globals.items():
            self.globals.setdefault(name, value)
        self.started = self.clock()
        self.reloaded = self.started
        self.counters = Counters()
        self._sinks: list[EventSink] = []
        self._lock = threading.Lock()
        if self.config_files is not None:
            self._loader: ConfigLoader | MemoryLoader | None = MemoryLoader(
                dict(self.config_files)
            )
        elif self.config_dir is not None:
            self._loader = ConfigLoader(self.config_dir)
        else:
            self._loader = None

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def from_config_dir(
        cls, config_dir: str | os.PathLike[str], **kwargs: object
    ) -> PBX:
        """Load manager.conf, extensions.conf and queues.conf from ``config_dir`` (each one
        optional). Raises :class:`~pyst.errors.ConfigError` subclasses (with file and line)
        for a file Asterisk would refuse to load, ``FileNotFoundError`` or
        ``NotADirectoryError`` when ``config_dir`` is not a folder (a mistyped path would
        otherwise serve the defaults without a word)."""
        directory = os.fspath(config_dir)
        if not os.path.isdir(directory):
            if os.path.exists(directory):
                raise NotADirectoryError(f"config directory {directory!r} is not a directory")
            raise FileNotFoundError(f"config directory {directory!r} does not exist")
        loader = ConfigLoader(directory)
        manager = ManagerConfig()
        dialplan = _empty_dialplan()
        queues = Queues()
        loaded = loader.load("manager.conf")
        if loaded.status is not LoadStatus.MISSING:
            manager = manager_config(loaded.raise_for_status())
        loaded = loader.load("extensions.conf")
        if loaded.status is not LoadStatus.MISSING:
            dialplan = Dialplan.from_categories(loaded.raise_for_status().config.raw_categories())
        loaded = loader.load("queues.conf")
        if loaded.status is not LoadStatus.MISSING:
            clock = kwargs.get("clock", time.time)
            now = int(clock()) if callable(clock) else 0
            queues = Queues.from_config(queues_config(loaded.raise_for_status()), now=now)
        return cls(
            manager=manager,
            dialplan=dialplan,
            queues=queues,
            config_dir=str(Path(directory).resolve()),
            **kwargs,  # type: ignore[arg-type]
        )

    # -- config files ------------------------------------------------------------------------

    @property
    def config_loader(self) -> ConfigLoader | MemoryLoader | None:
        """The loader ``GetConfig`` and friends read through (None: no config directory)."""
        return self._loader

    # -- users -----------------------------------------------------------------------------

    def user(self, name: str) -> ManagerUser | None:
        """The manager user called ``name`` (case-insensitive), or None."""
        return self.users.get(name.lower())

    def add_user(
        self,
        name: str,
        secret: str,
        *,
        read: str = "all",
        write: str = "all",
        **options: object,
    ) -> ManagerUser:
        """Add (or replace) a manager user with ``read``/``write`` class lists."""
        from pyst.config.files import permission_mask

        user = ManagerUser(
            name,
            secret=secret,
            read=[r.strip() for r in read.split(",") if r.strip()],
            write=[w.strip() for w in write.split(",") if w.strip()],
            read_mask=permission_mask(read),
            write_mask=permission_mask(write),
            **options,  # type: ignore[arg-type]
        )
        self.users[name.lower()] = user
        return user

    # -- events ----------------------------------------------------------------------------

    def subscribe(self, sink: EventSink) -> None:
        """Receive every event the PBX publishes."""
        with self._lock:
            self._sinks.append(sink)

    def unsubscribe(self, sink: EventSink) -> None:
        """Stop receiving events (no error if not subscribed)."""
        with self._lock:
            if sink in self._sinks:
                self._sinks.remove(sink)

    def publish(self, name: str, mask: int, fields: Sequence[tuple[str, str]]) -> None:
        """Send an event to every subscriber (``disabledevents`` of manager.conf are dropped,
        as Asterisk never generates them)."""
        if self.manager.disabledevents and name in self.manager.disabledevents:
            return
        for sink in list(self._sinks):
            sink(name, mask, fields)

    # -- channels --------------------------------------------------------------------------

    @property
    def registry(self) -> ChannelRegistry:
        """The live channels (never None after construction)."""
        assert self.channels is not None
        return self.channels

    def channel(self, name: str) -> Channel | None:
        """A live channel by name or uniqueid."""
        return self.registry.get(name)

    def snapshot(self, chan: Channel, prefix: str = "") -> list[tuple[str, str]]:
        """The channel block of an event, with manager.conf ``channelvars``."""
        return chan.snapshot(prefix, self.manager.channelvars)

    def sound_length(self, name: str) -> float | None:
        """Seconds a prompt plays, or None if it does not exist."""
        if name in self.sounds:
            return self.sounds[name]
        if self.strict_sounds:
            return None
        return self.default_sound_length

    def endpoint_behaviour(self, channel: str) -> str:
        """How an originated ``channel`` (``TECH/resource``) behaves (see ``endpoints``)."""
        lowered = {k.lower(): v for k, v in self.endpoints.items()}
        key = channel.lower()
        if key in lowered:
            return lowered[key]
        tech = key.partition("/")[0]
        return lowered.get(tech, self.default_endpoint)

    def uptime(self) -> int:
        """Whole seconds since the PBX started."""
        return int(self.clock() - self.started)
