"""AGI for pyst: the sans-IO protocol core (both ends of the connection).

* :mod:`pyst.agi.protocol` — :class:`AGIConnection` (``Role.SCRIPT`` for scripts and FastAGI
  handlers, ``Role.ASTERISK`` for the channel simulator), its states and sentinels;
* :mod:`pyst.agi.messages` — the immutable messages and events (:class:`AGIEnvironment`,
  :class:`AGIReply`, :class:`AGICommand`, :class:`CommandLine`, :class:`Hangup`,
  :class:`Failure`, :class:`ConnectionClosed`);
* :mod:`pyst.agi.quoting` — :func:`quote_arg`, :func:`build_command` and :func:`split_args`
  (Asterisk's own argument splitter);
* :mod:`pyst.agi.spec` — the 47 commands of Asterisk 22.10.1 and :func:`find_command`.

Only the standard library is used, and nothing here does I/O.
"""

from __future__ import annotations

from pyst.agi.messages import (
    AGICommand,
    AGIEnvironment,
    AGIReply,
    CommandLine,
    ConnectionClosed,
    Failure,
    Hangup,
)
from pyst.agi.protocol import NEED_DATA, PAUSED, AGIConnection, Event, Message, Role, State
from pyst.agi.quoting import build_command, quote_arg, split_args
from pyst.agi.spec import COMMANDS, AGICommandSpec, find_command, get_command

__all__ = [
    "COMMANDS",
    "NEED_DATA",
    "PAUSED",
    "AGICommand",
    "AGICommandSpec",
    "AGIConnection",
    "AGIEnvironment",
    "AGIReply",
    "CommandLine",
    "ConnectionClosed",
    "Event",
    "Failure",
    "Hangup",
    "Message",
    "Role",
    "State",
    "build_command",
    "find_command",
    "get_command",
    "quote_arg",
    "split_args",
]
