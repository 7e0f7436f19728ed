"""Dialplan applications for ``EXEC`` (and the routines ``GOSUB`` runs), with scriptable
outcomes.

``EXEC <app> <options>`` runs the application and answers ``200 result=<its return value>``;
an application the PBX does not have gives ``result=-2`` (res_agi.c ``handle_exec``). Names
are matched case-insensitively (``pbx_findapp``). What an application does is one of:

* a built-in simulation (below);
* an :class:`AppResult` (or a sequence of them, one per run, the last repeating): take
  ``duration`` seconds, set ``variables``, return ``result``, and with ``hangup`` end the call
  (as when the far end of a ``Dial`` hangs up; the record says the caller's side hung up);
* a callable ``(channel, data) -> int`` that may use the channel's primitives
  (``channel.play``, ``channel.sleep``, ``channel.set_variable``, ``channel.hangup``...).

Built-ins: ``Answer``, ``Wait``, ``Playback`` (``&``-separated files; ``PLAYBACKSTATUS``),
``Read`` (``READSTATUS``), ``SayDigits``, ``SayNumber``, ``Set``, ``MSet``, ``Goto``, ``GotoIf``,
``NoOp``, ``Verbose``, ``Log``, ``Hangup``, ``Dial`` (rings out its timeout and sets
``DIALSTATUS=NOANSWER`` unless scripted: see :func:`dial_outcome`), ``Return`` and a few that
only return 0 (``Progress``, ``Ringing``, ``UserEvent``, ``MixMonitor``, ``StopMixMonitor``,
``StartMusicOnHold``, ``StopMusicOnHold``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pyst_sim.agi.functions import atoi, c_int, check_condition

if TYPE_CHECKING:
    from pyst_sim.agi.channel import Channel

__all__ = [
    "APP_NOT_FOUND",
    "BUILTIN_APPLICATIONS",
    "AppResult",
    "ApplicationTable",
    "dial_outcome",
    "parse_app_args",
]

#: ``handle_exec``'s answer for an application the PBX does not have.
APP_NOT_FOUND = -2

AppFunction = Callable[["Channel", str], int]


@dataclass(frozen=True)
class AppResult:
    """A scripted outcome of one application run.

    Raises (constructor):
        ValueError: a negative or non-finite ``duration``.
    """

    result: int = 0
    variables: Mapping[str, str] = field(default_factory=dict)
    hangup: bool = False
    duration: float = 0.0

    def __post_init__(self) -> None:
        if not math.isfinite(self.duration) or self.duration < 0:
            raise ValueError(f"AppResult.duration must be >= 0, not {self.duration!r}")


def dial_outcome(status: str = "ANSWER", *, ring: float = 3.0, talk: float = 30.0) -> AppResult:
    """What ``Dial`` did: ``ANSWER`` (rings ``ring`` s, talks ``talk`` s, then the far end hangs
    up, which ends the call), or ``BUSY``/``NOANSWER``/``CHANUNAVAIL``/``CONGESTION``/``CANCEL``
    (after ``ring`` s, Dial returns 0 and the dialplan goes on). Sets ``DIALSTATUS``,
    ``DIALEDTIME`` and ``ANSWEREDTIME`` as app_dial does.
    """
    status = status.upper()
    if status == "ANSWER":
        return AppResult(
            -1,
            {"DIALSTATUS": "ANSWER", "DIALEDTIME": str(int(ring + talk)),
             "ANSWEREDTIME": str(int(talk))},
            hangup=True,
            duration=ring + talk,
        )
    return AppResult(
        0, {"DIALSTATUS": status, "DIALEDTIME": str(int(ring)), "ANSWEREDTIME": ""},
        duration=ring,
    )


def parse_app_args(data: str) -> list[str]:
    """Split application data on commas like ``AST_STANDARD_APP_ARGS``: quotes group, a
    backslash escapes, parentheses and brackets keep their commas."""
    args: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for char in data:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char in "([" and not quoted:
            depth += 1
            current.append(char)
        elif char in ")]" and not quoted:
            depth = max(depth - 1, 0)
            current.append(char)
        elif char == "," and not quoted and depth == 0:
            args.append("".join(current))
            current = []
        else:
            current.append(char)
    args.append("".join(current))
    return args


# --- built-in applications ------------------------------------------------------------------


def _answer(chan: Channel, data: str) -> int:
    return chan.answer()


def _wait(chan: Channel, data: str) -> int:
    try:
        seconds = float(data.strip() or "0")
    except ValueError:
        seconds = 0.0
    if not math.isfinite(seconds) or seconds <= 0:
        return -1 if chan.hung_up else 0
    return 0 if chan.sleep(seconds) else -1


def _playback(chan: Channel, data: str) -> int:
    args = parse_app_args(data)
    files = [f for f in args[0].split("&") if f]
    status = "SUCCESS"
    for name in files:
        outcome = chan.play(name, "")
        if outcome.status == "missing":
            # app_playback: a missing file only sets the status; the next file is tried.
            status = "FAILED"
            continue
        if outcome.status == "hangup":
            chan.set_variable("PLAYBACKSTATUS", "FAILED")
            return -1
    chan.set_variable("PLAYBACKSTATUS", status)
    return 0


def _read(chan: Channel, data: str) -> int:
    args = parse_app_args(data) + [""] * 6
    var, prompt, maxdigits, _options, _attempts, timeout = args[:6]
    if not var:
        return 0
    seconds = float(timeout) if timeout.strip().replace(".", "", 1).isdigit() else 0.0
    ms = int(seconds * 1000) if seconds > 0 else 0
    code, digits = chan.read_digits(prompt.split("&")[0] or None, atoi(maxdigits) or 255, ms, ms)
    if code < 0:
        chan.set_variable("READSTATUS", "HANGUP")
        return -1
    chan.set_variable(var, digits)
    chan.set_variable("READSTATUS", "TIMEOUT" if code == 1 and not digits else "OK")
    return 0


def _say_digits(chan: Channel, data: str) -> int:
    from pyst_sim.agi.say import digit_prompts

    return 0 if chan.play_sequence(digit_prompts(data.split(",")[0]), "") >= 0 else -1


def _say_number(chan: Channel, data: str) -> int:
    from pyst_sim.agi.say import number_prompts

    value = c_int(data.split(",")[0])
    if value is None:
        return 0
    return 0 if chan.play_sequence(number_prompts(value), "") >= 0 else -1


def _set(chan: Channel, data: str) -> int:
    name, sep, value = data.partition("=")
    if sep and name.strip():
        chan.set_variable(name.strip(), value)
    return 0


def _voicemail(chan: Channel, data: str) -> int:
    # app_voicemail: plays the mailbox greeting (vm-intro unless the `s` option skips it),
    # records the caller's message and reports VMSTATUS. The simulated caller always leaves
    # a message; scripts that need USEREXIT or FAILED override the application.
    args = [*parse_app_args(data), ""]
    if not args[0].strip():
        chan.set_variable("VMSTATUS", "FAILED")
        return -1
    if "s" not in args[1]:
        outcome = chan.play("vm-intro", "")
        if outcome.status == "hangup":
            chan.set_variable("VMSTATUS", "FAILED")
            return -1
    chan.set_variable("VMSTATUS", "SUCCESS")
    return 0


def _mset(chan: Channel, data: str) -> int:
    for item in parse_app_args(data):
        _set(chan, item)
    return 0


def _goto(chan: Channel, data: str) -> int:
    parts = [p.strip() for p in parse_app_args(data)]
    if not parts or not parts[0]:
        return -1
    context, exten = chan.context, chan.exten
    if len(parts) == 3:
        context, exten = parts[0] or context, parts[1] or exten
    elif len(parts) == 2:
        exten = parts[0] or exten
    number = chan.resolve_priority(context, exten, parts[-1])
    if number is None:
        return -1
    # ast_explicit_goto: in a running dialplan the pbx adds 1 after the application.
    chan.context, chan.exten, chan.priority = context, exten, number - 1
    return 0


def _gotoif(chan: Channel, data: str) -> int:
    cond, sep, labels = data.partition("?")
    if not sep:
        return -1
    yes, _, no = labels.partition(":")
    target = yes if check_condition(cond) else no
    return _goto(chan, target) if target.strip() else 0


def _verbose(chan: Channel, data: str) -> int:
    level, sep, message = data.partition(",")
    if not sep:
        level, message = "0", data
    chan.record.verbose.append((atoi(level), message))
    return 0


def _hangup(chan: Channel, data: str) -> int:
    cause = c_int(data) if data.strip() else None
    chan.hangup("app", cause=cause or 16, note="Hangup application")
    return -1


def _dial(chan: Channel, data: str) -> int:
    args = parse_app_args(data)
    timeout = atoi(args[1]) if len(args) > 1 and args[1].strip() else 60
    if not chan.sleep(max(timeout, 0)):
        chan.set_variable("DIALSTATUS", "CANCEL")
        return -1
    chan.set_variable("DIALSTATUS", "NOANSWER")
    chan.set_variable("DIALEDTIME", str(max(timeout, 0)))
    chan.set_variable("ANSWEREDTIME", "")
    return 0


def _noop(chan: Channel, data: str) -> int:
    return 0


BUILTIN_APPLICATIONS: dict[str, AppFunction] = {
    "answer": _answer,
    "wait": _wait,
    "playback": _playback,
    "read": _read,
    "saydigits": _say_digits,
    "saynumber": _say_number,
    "set": _set,
    "mset": _mset,
    "goto": _goto,
    "gotoif": _gotoif,
    "noop": _noop,
    "verbose": _verbose,
    "log": _noop,
    "hangup": _hangup,
    "dial": _dial,
    "voicemail": _voicemail,
    "progress": _noop,
    "ringing": _noop,
    "userevent": _noop,
    "mixmonitor": _noop,
    "stopmixmonitor": _noop,
    "startmusiconhold": _noop,
    "stopmusiconhold": _noop,
}

AppSpec = AppFunction | AppResult | Sequence[AppResult] | None


class ApplicationTable:
    """The applications of the simulated PBX: the built-ins, overridden or extended by
    ``apps`` (name -> callable, :class:`AppResult`, sequence of them, or None to remove an
    application so that ``EXEC`` answers -2).

    Raises:
        TypeError: an entry is none of these.
    """

    def __init__(self, apps: Mapping[str, Any] | None = None, *, builtins: bool = True) -> None:
        self._apps: dict[str, AppFunction] = dict(BUILTIN_APPLICATIONS) if builtins else {}
        self._names: dict[str, str] = {key: key for key in self._apps}
        for name, spec in (apps or {}).items():
            self.set(name, spec)

    def set(self, name: str, spec: Any) -> None:
        """Add, replace or (``None``) remove an application."""
        key = name.lower()
        if spec is None:
            self._apps.pop(key, None)
            return
        self._apps[key] = _as_function(name, spec)
        self._names[key] = name

    def find(self, name: str) -> AppFunction | None:
        """``pbx_findapp`` (case-insensitive), or None."""
        return self._apps.get(name.lower())

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._apps

    def names(self) -> list[str]:
        """The application names, as given."""
        return sorted(self._names[key] for key in self._apps)


def _scripted(outcomes: Iterable[AppResult]) -> AppFunction:
    queue = list(outcomes)
    if not queue:
        raise TypeError("an application needs at least one AppResult")

    def run(chan: Channel, data: str) -> int:
        outcome = queue.pop(0) if len(queue) > 1 else queue[0]
        if outcome.duration and not chan.sleep(outcome.duration):
            return -1
        for key, value in outcome.variables.items():
            chan.set_variable(key, value)
        if outcome.hangup:
            chan.hangup("caller", note="ended during the application")
        return outcome.result

    return run


def _as_function(name: str, spec: Any) -> AppFunction:
    if isinstance(spec, AppResult):
        return _scripted([spec])
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        if all(isinstance(item, AppResult) for item in spec):
            return _scripted(spec)
    elif callable(spec):
        function: AppFunction = spec
        return function
    raise TypeError(
        f"application {name!r}: expected a callable (channel, data) -> int, an AppResult or a "
        f"sequence of AppResult, not {spec!r}"
    )
