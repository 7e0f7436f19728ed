"""AGI for pyst: pyst2's ``asterisk.agi`` API on a sans-IO protocol core.

pyst2 scripts port by importing ``pyst.agi`` instead of ``asterisk.agi``: :class:`AGI`, the
exception tree (:mod:`pyst.agi.exceptions`), ``DEFAULT_TIMEOUT``, ``DEFAULT_RECORD``,
``re_code`` and ``re_kv`` are here. On top of pyst2:

* :mod:`pyst.agi.agi` — :class:`AGI`, the blocking session (stdin/stdout, or any byte channel);
* :mod:`pyst.agi.aio` — ``AsyncAGI``, the same commands as coroutines (also reachable as
  ``pyst.agi.AsyncAGI``, imported on first use so that plain scripts do not load asyncio);
* :mod:`pyst.agi.commands` — the command methods, written once for both;
* :mod:`pyst.agi.results` — :class:`AGIResult` (pyst2's result dict, with the whole reply),
  :class:`AGIValue`, :class:`SpeechResult`;
* :mod:`pyst.agi.session` — the script-side state (environment, hangup tracking).

The protocol core (both ends of the connection):

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

import re
from typing import TYPE_CHECKING, Any

from pyst.agi.agi import AGI, ByteChannel
from pyst.agi.commands import DEFAULT_RECORD, DEFAULT_TIMEOUT, AGICommands
from pyst.agi.exceptions import (
    AGIAppError,
    AGIDBError,
    AGIDeadChannelError,
    AGIEOFHangup,
    AGIError,
    AGIException,
    AGIHangup,
    AGIHangupNotice,
    AGIInvalidCommand,
    AGIResultHangup,
    AGISIGHUPHangup,
    AGISIGPIPEHangup,
    AGIUnknownError,
    AGIUsageError,
)
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
from pyst.agi.results import AGIResult, AGIValue, SpeechMatch, SpeechResult
from pyst.agi.session import FastAGIRequest
from pyst.agi.spec import COMMANDS, AGICommandSpec, find_command, get_command

if TYPE_CHECKING:
    from pyst.agi.aio import AsyncAGI, AsyncByteChannel, StreamChannel

#: pyst2's reply regexes, kept for code that uses them (the library parses with the core).
re_code = re.compile(r"(^\d*)\s*(.*)")
re_kv = re.compile(r"(?P<key>\w+)=(?P<value>[^\s]+)\s*(?:\((?P<data>.*)\))*")


def __getattr__(name: str) -> Any:
    # AsyncAGI needs asyncio; import it only when asked for.
    if name in ("AsyncAGI", "AsyncByteChannel", "StreamChannel"):
        from pyst.agi import aio

        return getattr(aio, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AGI",
    "COMMANDS",
    "DEFAULT_RECORD",
    "DEFAULT_TIMEOUT",
    "NEED_DATA",
    "PAUSED",
    "AGIAppError",
    "AGICommand",
    "AGICommandSpec",
    "AGICommands",
    "AGIConnection",
    "AGIDBError",
    "AGIDeadChannelError",
    "AGIEOFHangup",
    "AGIEnvironment",
    "AGIError",
    "AGIException",
    "AGIHangup",
    "AGIHangupNotice",
    "AGIInvalidCommand",
    "AGIReply",
    "AGIResult",
    "AGIResultHangup",
    "AGISIGHUPHangup",
    "AGISIGPIPEHangup",
    "AGIUnknownError",
    "AGIUsageError",
    "AGIValue",
    "AsyncAGI",
    "AsyncByteChannel",
    "ByteChannel",
    "CommandLine",
    "ConnectionClosed",
    "Event",
    "Failure",
    "FastAGIRequest",
    "Hangup",
    "Message",
    "Role",
    "SpeechMatch",
    "SpeechResult",
    "State",
    "StreamChannel",
    "build_command",
    "find_command",
    "get_command",
    "quote_arg",
    "re_code",
    "re_kv",
    "split_args",
]
