"""Variables and dialplan functions for the fake AMI server (``Getvar``, ``Setvar``, ``${}`` in
dialplan application data), evaluated by the AGI simulator's implementation
(:mod:`pyst_sim.agi.functions`) so both fakes read ``GLOBAL()``, ``STRFTIME()``, ``DB()``,
``CALLERID()``... the same way.

:class:`FunctionChannel` adapts a :class:`~pyst_sim.state.channels.Channel` of the PBX (or no
channel: Asterisk then reads functions on a dummy channel) to what those functions read.
"""

from __future__ import annotations

import random
from collections.abc import MutableMapping

from pyst_sim.agi import functions as _f
from pyst_sim.state.channels import Channel, state_desc
from pyst_sim.state.pbx import PBX

__all__ = ["FunctionChannel", "get_variable", "set_variable", "substitute"]


class _Clock:
    def __init__(self, pbx: PBX) -> None:
        self._pbx = pbx

    @property
    def unix_time(self) -> float:
        return self._pbx.clock()


class FunctionChannel:
    """A channel as :mod:`pyst_sim.agi.functions` sees it (``chan`` None: a dummy channel)."""

    def __init__(self, pbx: PBX, chan: Channel | None, *, rng: random.Random | None = None):
        self._pbx = pbx
        self._chan = chan
        self.astdb = pbx.astdb
        self.globals: MutableMapping[str, str] = pbx.globals
        self.clock = _Clock(pbx)
        self.random = rng or random.Random(0)
        self.timezone = "UTC"
        self.callerid_ani = ""
        self.callingpres = 0
        self.callingani2 = 0
        self.callington = 0
        self.callingtns = 0
        self.dnid = chan.dialed if chan is not None else ""
        self.rdnis = ""
        self.musicclass = ""
        self.hangupsource = ""
        self._dummy_vars: dict[str, str] = {}

    def __getattr__(self, name: str) -> object:
        # Channel attributes (name, uniqueid, context, exten, callerid_num...) come from the
        # PBX channel; a dummy channel has empty ones.
        chan = self.__dict__.get("_chan")
        if chan is not None and hasattr(chan, name):
            return getattr(chan, name)
        defaults: dict[str, object] = {
            "name": "",
            "uniqueid": "",
            "linkedid": "",
            "context": "default",
            "exten": "s",
            "priority": 1,
            "language": "en",
            "accountcode": "",
            "callerid_num": "",
            "callerid_name": "",
            "hung_up": False,
        }
        if name in defaults:
            return defaults[name]
        raise AttributeError(name)

    def __setattr__(self, name: str, value: object) -> None:
        chan = self.__dict__.get("_chan")
        if chan is not None and not name.startswith("_") and hasattr(chan, name):
            setattr(chan, name, value)
        else:
            object.__setattr__(self, name, value)

    @property
    def channel_type(self) -> str:
        chan = self._chan
        return chan.tech if chan is not None else ""

    @property
    def state_name(self) -> str:
        chan = self._chan
        return state_desc(chan.state) if chan is not None else "Down"

    @property
    def hangupcause(self) -> int:
        chan = self._chan
        return chan.hangup_cause if chan is not None else 0

    def get_local_variable(self, name: str) -> str | None:
        chan = self._chan
        if chan is None:
            return self._dummy_vars.get(name)
        return chan.get_variable(name)

    def set_variable(self, name: str, value: str) -> None:
        chan = self._chan
        if chan is None:
            self._dummy_vars[name] = value
        else:
            chan.variables[name] = value


def get_variable(pbx: PBX, chan: Channel | None, name: str) -> str:
    """What ``Getvar`` answers: a function call (name ending in ``)``) or a variable of the
    channel (then the globals); unset reads as empty."""
    ctx = FunctionChannel(pbx, chan)
    if name.endswith(")"):
        value = _f.read_function(ctx, name)  # type: ignore[arg-type]
    else:
        value = _f.retrieve_variable(ctx, name)  # type: ignore[arg-type]
    return value or ""


def set_variable(pbx: PBX, chan: Channel | None, name: str, value: str) -> bool:
    """``pbx_builtin_setvar_helper``: a function write, a channel variable, or a global when
    there is no channel. Returns False when a function cannot be written."""
    if name.endswith(")"):
        return _f.write_function(FunctionChannel(pbx, chan), name, value)  # type: ignore[arg-type]
    if chan is None:
        pbx.globals[name] = value
    else:
        chan.variables[name] = value
    return True


def substitute(pbx: PBX, chan: Channel | None, text: str) -> str:
    """``${...}``/``$[...]`` substitution as the dialplan does it before running an app."""
    if "$" not in text:
        return text
    return _f.substitute(FunctionChannel(pbx, chan), text)  # type: ignore[arg-type]
