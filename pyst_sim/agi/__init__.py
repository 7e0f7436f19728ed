"""The AGI channel simulator: a fake Asterisk channel that runs an AGI app and answers its
commands as Asterisk 22.10.1 does, in simulated time.

Quick start::

    from pyst_sim.agi import Caller, simulate_call

    def ivr(agi):                      # a pyst.agi.AGI (pyst2's method names)
        agi.answer()
        digits = agi.get_data("enter-account", timeout=5000, max_digits=4)
        agi.set_variable("ACCOUNT", digits)

    call = simulate_call(ivr, caller=Caller(callerid="5551234", dtmf="1234"))
    assert call.variables["ACCOUNT"] == "1234"
    print(call.format())

The app may also be a script path (run as a classic AGI child process) or an ``agi://`` URL
(a FastAGI server); see :func:`simulate_call`. The pieces: :mod:`~pyst_sim.agi.channel` (the
call model), :mod:`~pyst_sim.agi.caller` (the caller's behaviour),
:mod:`~pyst_sim.agi.commands` (the 47 commands), :mod:`~pyst_sim.agi.engine` (the sans-IO
session), :mod:`~pyst_sim.agi.transports` (sockets, pipes), :mod:`~pyst_sim.agi.record` (the
transcript and assertions), :mod:`~pyst_sim.agi.sounds`, :mod:`~pyst_sim.agi.applications`,
:mod:`~pyst_sim.agi.functions`, :mod:`~pyst_sim.agi.speech`, :mod:`~pyst_sim.agi.clock`.
"""

from __future__ import annotations

from pyst_sim.agi.applications import ApplicationTable, AppResult, dial_outcome
from pyst_sim.agi.caller import Caller, Press, Text
from pyst_sim.agi.channel import Channel, ChannelState, OtherChannel, options_from_env
from pyst_sim.agi.clock import VirtualClock
from pyst_sim.agi.engine import AGIEngine, Notice
from pyst_sim.agi.memory import InMemoryCall
from pyst_sim.agi.record import AppRun, CallEvent, CallRecord, ExitPoint, Recording, TranscriptEntry
from pyst_sim.agi.simulate import DEFAULT_TIMEOUT, simulate_call, simulate_call_async
from pyst_sim.agi.sounds import SoundLibrary
from pyst_sim.agi.speech import SpeechEngine, SpeechResult
from pyst_sim.agi.transports import AGITimeoutError
from pyst_sim.agi.usage import CAPTURED_USAGE, USAGE

__all__ = [
    "CAPTURED_USAGE",
    "DEFAULT_TIMEOUT",
    "USAGE",
    "AGIEngine",
    "AGITimeoutError",
    "AppResult",
    "AppRun",
    "ApplicationTable",
    "CallEvent",
    "CallRecord",
    "Caller",
    "Channel",
    "ChannelState",
    "ExitPoint",
    "InMemoryCall",
    "Notice",
    "OtherChannel",
    "Press",
    "Recording",
    "SoundLibrary",
    "SpeechEngine",
    "SpeechResult",
    "Text",
    "TranscriptEntry",
    "VirtualClock",
    "dial_outcome",
    "options_from_env",
    "simulate_call",
    "simulate_call_async",
]
