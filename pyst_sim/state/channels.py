"""Channels of the simulated PBX: names, states, unique and linked ids, caller ids, variables.

What is modelled (Asterisk 22, main/channel.c, main/manager_channels.c, core_local.c):

* a channel's identity: ``Tech/resource-XXXXXXXX`` names with an 8-hex-digit sequence number
  shared by the whole PBX (Local channels come in pairs ``;1``/``;2`` with one number),
  ``Uniqueid`` ``<unix time>.<counter>`` (the counter is PBX-wide and also used by the dummy
  channels Asterisk allocates to read functions), ``Linkedid`` (the uniqueid of the oldest
  channel of the call);
* state numbers and texts (``ChannelState``/``ChannelStateDesc``), caller id and connected
  line (empty parts print as ``<unknown>``), language, account code, dialplan location,
  running application, variables;
* the snapshot block of manager events, in Asterisk's order, with an optional prefix
  (``Dest``, ``LocalOne``...), plus ``ChanVariable`` lines for manager.conf ``channelvars``.

The registry is thread-safe: the fake AMI server and AGI simulators of one test may share it.
"""

from __future__ import annotations

import enum
import itertools
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

__all__ = ["Channel", "ChannelRegistry", "ChannelState", "state_desc"]


class ChannelState(enum.IntEnum):
    """``enum ast_channel_state``."""

    DOWN = 0
    RSRVD = 1
    OFFHOOK = 2
    DIALING = 3
    RING = 4
    RINGING = 5
    UP = 6
    BUSY = 7
    DIALING_OFFHOOK = 8
    PRERING = 9


_DESC = {
    0: "Down",
    1: "Rsrvd",
    2: "OffHook",
    3: "Dialing",
    4: "Ring",
    5: "Ringing",
    6: "Up",
    7: "Busy",
    8: "Dialing Offhook",
    9: "Pre-ring",
}


def state_desc(state: int) -> str:
    """``ast_state2str``: the text of a state number (``Unknown`` for others)."""
    return _DESC.get(int(state), "Unknown")


def _or_unknown(value: str) -> str:
    return value if value else "<unknown>"


@dataclass(eq=False)
class Channel:
    """One channel. Mutate it only through the PBX (which publishes the matching events)."""

    name: str
    uniqueid: str
    linkedid: str
    state: int = ChannelState.DOWN
    callerid_num: str = ""
    callerid_name: str = ""
    connected_num: str = ""
    connected_name: str = ""
    language: str = "en"
    accountcode: str = ""
    context: str = "default"
    exten: str = "s"
    priority: int = 1
    application: str = ""
    data: str = ""
    variables: dict[str, str] = field(default_factory=dict)
    created: float = 0.0
    tech: str = ""
    dialed: str = ""
    bridge_id: str = ""
    #: The other half of a Local channel pair (``;1`` <-> ``;2``), if any.
    partner: Channel | None = field(default=None, repr=False)
    hangup_cause: int = 0
    hung_up: bool = False
    #: The AGI hung the channel up (``HANGUP``): it hangs up for good when the AGI returns.
    agi_hangup: bool = False
    #: Where an AGI left the channel (``SET CONTEXT``...): (context, exten, priority).
    agi_exit: tuple[str, str, int] | None = None

    @property
    def state_desc(self) -> str:
        """``ChannelStateDesc``."""
        return state_desc(self.state)

    def snapshot(self, prefix: str = "", channelvars: Sequence[str] = ()) -> list[tuple[str, str]]:
        """The channel block of manager events (``ast_manager_build_channel_state_string``)."""
        fields = [
            (prefix + "Channel", self.name),
            (prefix + "ChannelState", str(int(self.state))),
            (prefix + "ChannelStateDesc", state_desc(self.state)),
            (prefix + "CallerIDNum", _or_unknown(self.callerid_num)),
            (prefix + "CallerIDName", _or_unknown(self.callerid_name)),
            (prefix + "ConnectedLineNum", _or_unknown(self.connected_num)),
            (prefix + "ConnectedLineName", _or_unknown(self.connected_name)),
            (prefix + "Language", self.language),
            (prefix + "AccountCode", self.accountcode),
            (prefix + "Context", self.context),
            (prefix + "Exten", self.exten),
            (prefix + "Priority", str(self.priority)),
            (prefix + "Uniqueid", self.uniqueid),
            (prefix + "Linkedid", self.linkedid),
        ]
        for var in channelvars:
            fields.append((prefix + "ChanVariable", f"{var}={self.variables.get(var, '')}"))
        return fields

    def get_variable(self, name: str) -> str | None:
        """A channel variable (inheritance prefixes ``_``/``__`` are not part of the name)."""
        value = self.variables.get(name)
        if value is None:
            for prefix in ("__", "_"):
                value = self.variables.get(prefix + name)
                if value is not None:
                    break
        return value

    def duration(self, now: float) -> int:
        """Whole seconds since the channel was created."""
        return max(0, int(now - self.created))


class ChannelRegistry:
    """The PBX's live channels, its channel sequence and its uniqueid counter (thread-safe).

    ``clock`` gives the Unix time used in uniqueids; ``first_sequence`` and ``first_uniqueid``
    start the two counters (Asterisk starts both at 0 when it boots).
    """

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.time,
        first_sequence: int = 0,
        first_uniqueid: int = 0,
    ) -> None:
        self._clock = clock
        self._lock = threading.RLock()
        self._by_name: dict[str, Channel] = {}
        self._sequence = itertools.count(first_sequence)
        self._unique = itertools.count(first_uniqueid)

    # -- identities ----------------------------------------------------------------------

    def next_uniqueid(self) -> str:
        """``<unix time>.<counter>`` (also consumed by dummy channels, as in Asterisk)."""
        with self._lock:
            return f"{int(self._clock())}.{next(self._unique)}"

    def next_sequence(self) -> str:
        """The next channel sequence number, as 8 hex digits."""
        with self._lock:
            return f"{next(self._sequence):08x}"

    # -- membership ----------------------------------------------------------------------

    def add(self, channel: Channel) -> Channel:
        """Register a channel (raises ``ValueError`` if the name is taken)."""
        with self._lock:
            key = channel.name.lower()
            if key in self._by_name:
                raise ValueError(f"channel {channel.name!r} already exists")
            self._by_name[key] = channel
            return channel

    def remove(self, channel: Channel) -> None:
        """Forget a channel (no error if it is already gone)."""
        with self._lock:
            if self._by_name.get(channel.name.lower()) is channel:
                del self._by_name[channel.name.lower()]

    def get(self, name: str) -> Channel | None:
        """``ast_channel_get_by_name``: by name (case-insensitive) or by uniqueid."""
        with self._lock:
            found = self._by_name.get(name.lower())
            if found is not None:
                return found
            for chan in self._by_name.values():
                if chan.uniqueid == name:
                    return chan
            return None

    def __iter__(self) -> Iterator[Channel]:
        with self._lock:
            return iter(sorted(self._by_name.values(), key=lambda c: c.created))

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self.get(name) is not None

    def names(self) -> list[str]:
        """Channel names in creation order."""
        return [c.name for c in self]
