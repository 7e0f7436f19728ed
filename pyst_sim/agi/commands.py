"""The 47 AGI command handlers, answering as Asterisk 22.10.1 does (res/res_agi.c,
apps/app_stack.c).

Each handler gets a :class:`CommandContext` and the arguments after the command words (the
argument count was already checked against the command table: outside the range the
dispatcher answers the ``520`` usage block, as the handlers' own ``argc`` checks do). It
returns an :class:`Outcome`: the replies to send, and what Asterisk's handler returns
(``RESULT_SUCCESS``, ``RESULT_SHOWUSAGE`` -> the ``520`` block, ``RESULT_FAILURE`` -> the
AGI ends with ``AGISTATUS=FAILURE`` unless the failure came from a hangup), or that the
command was cut short by the next command and sends no reply.

Asterisk facts kept here (beyond the spec's ``result`` texts), from the j1 capture and the
source: ``DATABASE DEL`` answers 1 even for a missing key (SQLite's DELETE succeeds);
``DATABASE DELTREE`` is inverted (0 when something was deleted); ``STREAM FILE`` on a missing
file answers ``-1 endpos=<offset>`` and fails the AGI; ``RECEIVE CHAR`` on a channel that got
no text answers ``-1 (hangup)`` after the timeout, and fails the AGI; ``GET OPTION`` turns a
key pressed after the prompt that is not an escape digit, and a hangup in that wait, into 0;
``CONTROL STREAM FILE`` reports ``endpos`` in ms, -1 at the end of the file;
``EXEC`` answers the application's own return value, so an application returning 1 is
followed by the ``520`` block and one returning 2 fails the AGI.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyst.agi.messages import AGIReply
from pyst_sim.agi.applications import APP_NOT_FOUND
from pyst_sim.agi.channel import ALL_DIGITS, Channel, OtherChannel
from pyst_sim.agi.functions import ast_true, atoi, c_int, parse_callerid
from pyst_sim.agi.record import AppRun, Recording
from pyst_sim.agi.say import (
    DEFAULT_DATETIME_FORMAT,
    alpha_prompts,
    date_prompts,
    datetime_prompts,
    digit_prompts,
    number_prompts,
    phonetic_prompts,
    time_prompts,
)
from pyst_sim.agi.sounds import SAMPLE_RATE
from pyst_sim.agi.speech import SpeechSession

if TYPE_CHECKING:
    from pyst_sim.agi.speech import SpeechEngine

__all__ = [
    "HANDLERS",
    "RESULT_FAILURE",
    "RESULT_SHOWUSAGE",
    "RESULT_SUCCESS",
    "CommandContext",
    "Outcome",
]

#: What Asterisk's handlers return (``enum agi_result`` of the handler level).
RESULT_SUCCESS, RESULT_SHOWUSAGE, RESULT_FAILURE = 0, 1, 2
_GOSUB_STEP_LIMIT = 10_000
_C_LONG = re.compile(r"[ \t\n\r\f\v]*([+-]?[0-9]+)")
_C_DOUBLE = re.compile(r"[ \t\n\r\f\v]*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")


def _c_long(text: str) -> int | None:
    """``sscanf(text, "%30ld", ...) == 1``."""
    match = _C_LONG.match(text[:60])
    if match is None:
        return None
    return max(-(2**63), min(2**63 - 1, int(match.group(1))))


def _c_double(text: str) -> float | None:
    """``sscanf(text, "%30lf", ...) == 1``."""
    match = _C_DOUBLE.match(text[:60])
    return float(match.group(1)) if match else None


@dataclass
class CommandContext:
    """What a handler may use: the channel, the session's speech object, whether the script
    already sent its next command (which cuts playback short), and whether the AGI runs in
    dead mode."""

    chan: Channel
    pending_input: bool = False
    dead: bool = False
    speech: SpeechSession | None = None
    speech_engines: dict[str, SpeechEngine] = field(default_factory=dict)


@dataclass
class Outcome:
    """Replies to send (a ``1xx`` first if any) and the handler's return code.

    ``interrupted``: the command was cut short by the next command and sends nothing.
    """

    replies: list[AGIReply] = field(default_factory=list)
    status: int = RESULT_SUCCESS
    interrupted: bool = False


def _ok(result: int | str, data: str | None = None, status: int = RESULT_SUCCESS,
        **extra: int | str) -> Outcome:
    return Outcome([AGIReply.success(result, data, **extra)], status)


def _status(res: int) -> int:
    return RESULT_SUCCESS if res >= 0 else RESULT_FAILURE


USAGE = Outcome(status=RESULT_SHOWUSAGE)
INTERRUPTED = Outcome(interrupted=True)

Handler = Callable[[CommandContext, tuple[str, ...]], Outcome]


def _collect(chan: Channel, code: int) -> None:
    """The app received the key with this ASCII code in a reply."""
    if code > 0:
        chan.record.digits.append(chr(code))


def _will_play(chan: Channel, prompts: Iterable[str | tuple[str, bool]]) -> bool:
    """Whether any of these prompts would play (so a pending command can interrupt it)."""
    for item in prompts:
        name = item[0] if isinstance(item, tuple) else item
        if chan.sounds.exists(name):
            return True
    return False


# --- channel and playback ------------------------------------------------------------------


def answer(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    res = ctx.chan.answer()
    return _ok(res, status=_status(res))


def asyncagi_break(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    # Outside AsyncAGI the loop goes on (run_agi ignores AGI_RESULT_SUCCESS_ASYNC).
    return _ok(0)


def channel_status(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if not args:
        return _ok(ctx.chan.state)
    found = ctx.chan.find_channel(args[0])
    return _ok(found.state if found is not None else -1)


def stream_file(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    filename, escape = args[0], args[1]
    offset = 0
    if len(args) > 2:
        parsed = _c_long(args[2])
        if parsed is None:
            return USAGE
        offset = parsed
    if not chan.sounds.exists(filename):
        return _ok(-1, status=RESULT_FAILURE, endpos=offset)
    if ctx.pending_input:
        return INTERRUPTED
    outcome = chan.play(filename, escape, offset)
    res = outcome.code
    _collect(chan, res)
    chan.set_variable("PLAYBACKSTATUS", "SUCCESS" if res == 0 else "FAILED")
    return _ok(res, status=_status(res), endpos=outcome.position)


def control_stream_file(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    stop = args[1] or None
    skipms = 3000
    if len(args) > 2:
        parsed = c_int(args[2])
        if parsed is None:
            return USAGE
        skipms = parsed
    fwd = args[3] if len(args) > 3 and args[3] else "#"
    rev = args[4] if len(args) > 4 and args[4] else "*"
    suspend = args[5] if len(args) > 5 and args[5] else None
    offsetms = 0
    if len(args) > 6:
        parsed_offset = _c_long(args[6])
        if parsed_offset is None:
            return USAGE
        offsetms = parsed_offset
    res, samples = _control_play(chan, args[0], fwd, rev, stop, suspend, skipms, offsetms)
    endpos = int(samples / 8)  # samples -> ms, C division truncates (8 kHz assumed)
    if res > 0 and stop and chr(res) in stop:
        chan.set_variable("CPLAYBACKSTATUS", "USERSTOPPED")
        chan.set_variable("CPLAYBACKSTOPKEY", chr(res))
        _collect(chan, res)
    else:
        chan.set_variable("CPLAYBACKSTATUS", "ERROR" if res < 0 else "SUCCESS")
    chan.set_variable("CPLAYBACKOFFSET", str(endpos))
    return _ok(res, status=_status(res), endpos=endpos)


def _control_play(
    chan: Channel, filename: str, fwd: str, rev: str, stop: str | None, suspend: str | None,
    skipms: int, offsetms: int,
) -> tuple[int, int]:
    """main/app.c ``control_streamfile``: (result, position in samples; -8 = end of file)."""
    if not chan.sounds.exists(filename):
        return -1, -8
    total = chan.sounds.samples(filename)
    offset = offsetms * 8
    pos = max(0, total + offset) if offset < 0 else min(offset, total)
    skip = skipms * 8
    breaks = (stop or "") + (suspend or "")
    accept = frozenset(fwd + rev + breaks) & ALL_DIGITS
    chan.record.prompts_played.append(filename)
    chan.event("prompt", filename)
    chan.script.prompt_started(filename, chan.clock.now)
    while True:
        started = chan.clock.now
        wake = chan.wait_event((total - pos) / SAMPLE_RATE, accept=accept)
        pos = min(total, pos + round((wake.at - started) * SAMPLE_RATE))
        if wake.kind == "timeout":
            return 0, -8  # the stream closed at its end: offset -8 -> endpos -1
        if wake.kind == "hangup":
            return -1, pos
        key = wake.value
        # ast_waitstream_fr tests forward and rewind keys before the break keys.
        if key in fwd:
            pos += skip
            if pos >= total:
                pos = max(0, total - skip)
            continue
        if key in rev:
            pos = max(0, pos - skip)
            continue
        if suspend and key in suspend:
            paused_at = pos
            wake = chan.wait_event(math.inf, accept=frozenset(suspend + (stop or "")) & ALL_DIGITS)
            if wake.kind == "hangup":
                return -1, paused_at
            if stop and wake.value in stop and wake.value != suspend[0]:
                return ord(wake.value), paused_at
            pos = paused_at
            continue
        return ord(key), pos


def get_data(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    prompt = args[0]
    timeout = atoi(args[1]) if len(args) > 1 else 0
    maxlen = atoi(args[2]) if len(args) > 2 else 1024
    if ctx.pending_input and not (prompt and not chan.sounds.exists(prompt)) and (
        not chan.hung_up and maxlen != 0
    ):
        return INTERRUPTED
    code, digits = chan.read_digits(prompt or None, maxlen, timeout, timeout)
    for key in digits:
        _collect(chan, ord(key))
    if code == 1:
        return _ok(digits, "timeout")
    if code < 0:
        return _ok(-1)
    return _ok(digits)


def get_option(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    filename, escape = args[0], args[1]
    # Without a timeout the dialplan's digit timeout applies (5 s unless changed).
    timeout = atoi(args[2]) if len(args) == 3 else 5000
    if not chan.sounds.exists(filename):
        return _ok(-1, status=RESULT_FAILURE, endpos=0)
    if ctx.pending_input:
        return INTERRUPTED
    outcome = chan.play(filename, escape, asking=True)
    res = outcome.code
    if res == 0:
        wake = chan.wait_digit(timeout)
        res = ord(wake.value) if wake.kind == "digit" else (0 if wake.kind == "timeout" else -1)
        # strchr(edigits, res): a key that is not an escape digit, and -1, become 0.
        if res != 0 and (res < 0 or chr(res) not in escape):
            res = 0
    _collect(chan, res)
    return _ok(res, status=_status(res), endpos=outcome.position)


def _say(ctx: CommandContext, prompts: list[str], escape: str) -> Outcome:
    if ctx.pending_input and _will_play(ctx.chan, prompts):
        return INTERRUPTED
    res = ctx.chan.play_sequence(prompts, escape)
    _collect(ctx.chan, res)
    return _ok(res, status=_status(res))


def say_digits(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if c_int(args[0]) is None:
        return USAGE
    return _say(ctx, digit_prompts(args[0]), args[1])


def say_number(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    number = c_int(args[0])
    if number is None:
        return USAGE
    prompts = number_prompts(number)
    if abs(number) >= 1_000_000_000:
        # "Number is too big for me": whatever was said (the minus), then -1.
        outcome = _say(ctx, prompts, args[1])
        if outcome.interrupted or outcome.replies[0].result != "0":
            return outcome
        return _ok(-1, status=RESULT_FAILURE)
    return _say(ctx, prompts, args[1])


def say_alpha(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    case = "n"
    if len(args) > 2:
        first = args[2][:1].lower()
        if first and first not in "alnu":
            return USAGE
        case = first or "n"
    return _say(ctx, alpha_prompts(args[0], case), args[1])


def say_phonetic(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    return _say(ctx, phonetic_prompts(args[0]), args[1])


def _say_required(ctx: CommandContext, prompts: list[tuple[str, bool]], escape: str) -> Outcome:
    # The date and time functions do not watch the AGI socket: no interruption.
    res = ctx.chan.play_sequence(prompts, escape)
    _collect(ctx.chan, res)
    return _ok(res, status=_status(res))


def say_date(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    when = c_int(args[0])
    if when is None:
        return USAGE
    return _say_required(ctx, date_prompts(when, ctx.chan.timezone), args[1])


def say_time(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    when = c_int(args[0])
    if when is None:
        return USAGE
    return _say_required(ctx, time_prompts(when, ctx.chan.timezone), args[1])


def say_datetime(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    if len(args) > 2:
        fmt = args[2]
    else:
        fmt = "A dBY HMS" if chan.language.lower() == "de" else DEFAULT_DATETIME_FORMAT
    zone = args[3] if len(args) > 3 and args[3] else chan.timezone
    when = _c_long(args[0]) if args[0] else None
    if when is None:
        return USAGE
    return _say_required(ctx, datetime_prompts(when, fmt, zone), args[1])


def record_file(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    filename, fmt, escape = args[0], args[1], args[2]
    ms = c_int(args[3])
    if ms is None:
        return USAGE
    extra = args[4:7]
    silence = 0
    for item in extra:
        where = item.find("s")
        if where >= 0:
            text = item[where:]
            if len(text) > 2 and text.startswith("s="):
                silence = atoi(text[2:])
                silence = silence * 1000 if silence > 0 else silence
            break
    offset = 0
    res = 0
    beep = False
    if extra:
        parsed = _c_long(extra[0])
        if parsed is not None:
            offset = parsed
        elif "=" not in extra[0]:
            beep = True
    if len(extra) > 1 and "=" not in extra[1]:
        beep = True
    if beep:
        res = chan.play("beep", escape).code
    if res:
        _collect(chan, res)
        return _ok(res, "randomerror", endpos=offset)
    started = chan.clock.now
    talk = chan.script.next_talk()
    limit = math.inf if ms < 0 else ms / 1000
    stop = limit
    if silence > 0:
        stop = min(limit, talk + silence / 1000)
    wake = chan.wait_event(stop, accept=frozenset(escape) & ALL_DIGITS, asking=True)
    seconds = wake.at - started
    samples = offset + round(seconds * SAMPLE_RATE)
    if wake.kind == "digit":
        # Rewind 200 ms to chop off the key's tone.
        samples = max(0, samples - 200 * 8)
        outcome = _ok(ord(wake.value), "dtmf", endpos=samples)
        _collect(chan, ord(wake.value))
        ended = "dtmf"
    elif wake.kind == "hangup":
        outcome = _ok(-1, "hangup", status=RESULT_FAILURE, endpos=samples)
        ended = "hangup"
    else:
        ended = "timeout"
        remaining = 0
        if silence > 0 and stop < limit:
            ended = "silence"
            samples = max(0, samples - (silence - 1000) * 8)
            remaining = 0 if math.isinf(limit) else int((limit - seconds) * 1000)
        outcome = _ok(remaining, "timeout", endpos=samples)
    chan.record.recordings.append(
        Recording(filename, fmt, max(samples - offset, 0) / SAMPLE_RATE, ended)
    )
    chan.event("record", f"{filename}.{fmt} {ended}")
    chan.sounds.add(filename, samples / SAMPLE_RATE)
    return outcome


def _recv_wait(chan: Channel, timeout: int) -> str | None:
    """``ast_recvtext``: the text received, or None (timeout, hangup). 0 means no wait at
    all (``ast_remaining_ms(start, 0)`` is 0); negative waits without limit. Keys read
    meanwhile are dropped."""
    if timeout == 0 or chan.hung_up:
        return None
    duration = math.inf if timeout < 0 else timeout / 1000
    wake = chan.wait_event(duration, accept=frozenset(), asking=True, text=True)
    if wake.kind == "text":
        chan.event("text", wake.value)
        return wake.value
    return None


def receive_char(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    text = _recv_wait(ctx.chan, atoi(args[0]))
    res = -1 if text is None else (ord(text[0]) if text else 0)
    if res == 0:
        return _ok(0, "timeout")
    if res > 0:
        return _ok(res)
    return _ok(res, "hangup", status=RESULT_FAILURE)


def receive_text(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    text = _recv_wait(ctx.chan, atoi(args[0]))
    return _ok(1, text) if text is not None else _ok(-1)


def send_image(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    # No simulated channel takes images; ast_send_image's failure only counts after hangup.
    return _ok(-1 if ctx.chan.hung_up else 0)


def send_text(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if ctx.chan.hung_up:
        return _ok(-1, status=RESULT_FAILURE)
    ctx.chan.record.texts_sent.append(args[0])
    ctx.chan.event("text", f"sent {args[0]!r}")
    return _ok(0)


def tdd_mode(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    return _ok(1 if ctx.chan.tdd_capable else 0)


def wait_for_digit(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    timeout = c_int(args[0])
    if timeout is None:
        return USAGE
    if ctx.pending_input:
        # ast_waitfordigit_full returns 1 when the AGI socket is readable, and it is sent.
        return _ok(1)
    wake = ctx.chan.wait_digit(timeout)
    res = ord(wake.value) if wake.kind == "digit" else (0 if wake.kind == "timeout" else -1)
    _collect(ctx.chan, res)
    return _ok(res, status=_status(res))


# --- settings -------------------------------------------------------------------------------


def hangup(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    if not args:
        chan.hangup("app", note="HANGUP")
        return _ok(1)
    found = chan.find_channel(args[0])
    if found is None:
        return _ok(-1)
    if isinstance(found, OtherChannel):
        found.hung_up = True
        chan.event("note", f"hung up {found.name}")
    else:
        chan.hangup("app", note="HANGUP")
    return _ok(1)


def noop(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    return _ok(0)


def set_autohangup(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    seconds = _c_double(args[0])
    if seconds is None:
        return USAGE
    chan = ctx.chan
    chan.autohangup_at = chan.clock.now + seconds if seconds > 0 else None
    return _ok(0)


def set_callerid(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if args:
        name, number = parse_callerid(args[0][:255])
        ctx.chan.callerid_num = re.sub(r"[()\-. ]", "", number) if number else ""
        ctx.chan.callerid_name = name or ""
    return _ok(1)


def set_context(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    ctx.chan.context = args[0]
    return _ok(0)


def set_extension(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    ctx.chan.exten = args[0]
    return _ok(0)


def set_music(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    mode = args[0][:3].lower()
    if mode.startswith("on"):
        chan.music_on = True
        chan.musicclass = args[1] if len(args) > 1 else chan.musicclass
        chan.event("note", f"music on hold on ({chan.musicclass or 'default'})")
    elif mode == "off":
        chan.music_on = False
        chan.event("note", "music on hold off")
    return _ok(0)


def set_priority(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    number = c_int(args[0])
    if number is None:
        number = chan.resolve_priority(chan.context, chan.exten, args[0])
        if number is None or number < 1:
            return USAGE
    # ast_explicit_goto: the dialplan adds 1 when the AGI application returns.
    chan.priority = number - 1
    return _ok(0)


def set_variable(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    ctx.chan.set_variable(args[0], args[1])
    return _ok(1)


def verbose(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    level = 0
    if len(args) > 1:
        level = c_int(args[1]) or 0
    ctx.chan.record.verbose.append((level, args[0]))
    ctx.chan.event("verbose", args[0])
    return _ok(1)


# --- variables and the database ---------------------------------------------------------------


def get_variable(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    value = ctx.chan.get_variable(args[0])
    return _ok(0) if value is None else _ok(1, value)


def get_full_variable(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    target = chan.find_channel(args[1]) if len(args) > 1 else chan
    if target is None:
        return _ok(0)
    if isinstance(target, OtherChannel):
        other = target

        def lookup(match: re.Match[str]) -> str:
            name = match.group(1)
            if name == "CHANNEL":
                return other.name
            return other.variables.get(name, chan.globals.get(name, ""))

        return _ok(1, re.sub(r"\$\{([^{}]*)\}", lookup, args[0]))
    return _ok(1, chan.substitute(args[0]))


def database_del(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    # ast_db_del runs an SQL DELETE, which succeeds whether or not the key existed (j1).
    ctx.chan.astdb.delete(args[0], args[1])
    return _ok(1)


def database_deltree(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    deleted = ctx.chan.astdb.deltree(args[0], args[1] if len(args) > 1 and args[1] else None)
    return _ok(0 if deleted > 0 else 1)


def database_get(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    value = ctx.chan.astdb.get(args[0], args[1])
    return _ok(0) if value is None else _ok(1, value)


def database_put(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    ctx.chan.astdb.put(args[0], args[1], args[2])
    return _ok(1)


# --- applications -------------------------------------------------------------------------


def run_application(chan: Channel, name: str, data: str) -> int:
    """Run one application as ``pbx_exec`` would; ``APP_NOT_FOUND`` (-2) if there is none."""
    app = chan.applications.find(name)
    if app is None:
        chan.event("exec", f"{name}({data}): no such application")
        chan.record.applications.append(AppRun(chan.clock.now, name, data, APP_NOT_FOUND))
        return APP_NOT_FOUND
    started = chan.clock.now
    res = int(app(chan, data))
    chan.record.applications.append(AppRun(started, name, data, res))
    chan.event("exec", f"{name}({data}) = {res}")
    return res


def exec_(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    data = args[1] if len(args) > 1 else ""
    if ast_true(chan.get_variable("AGIEXECFULL")):
        data = chan.substitute(data)
    res = run_application(chan, args[0], data)
    outcome = _ok(res)
    # handle_exec returns the application's value as its own: 1 reads as "show usage" (the
    # 520 block follows the 200 line), 2 as a failure.
    if res == RESULT_SHOWUSAGE:
        outcome.status = RESULT_SHOWUSAGE
    elif res == RESULT_FAILURE:
        outcome.status = RESULT_FAILURE
    return outcome


def gosub(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    context, exten, label = args[0], args[1], args[2]
    not_found = Outcome(
        [AGIReply(200, "-1", text="Gosub label not found")], RESULT_FAILURE
    )
    plan = chan.dialplan
    if plan is None:
        return not_found
    cid = chan.callerid_num or None
    priority = c_int(label)
    if priority is None or priority < 1:
        line = plan.find_label(context, exten, label, cid)
        if line is None:
            return not_found
        priority = line.priority
    elif not plan.exists(context, exten, priority, cid):
        return not_found
    saved = (chan.context, chan.exten, chan.priority)
    for index, value in enumerate(args[3].split(",") if len(args) > 3 else (), 1):
        chan.set_variable(f"ARG{index}", value)
    chan.context, chan.exten, chan.priority = context, exten, priority
    abnormal = True
    for _ in range(_GOSUB_STEP_LIMIT):
        line = plan.find(chan.context, chan.exten, chan.priority, cid)
        if line is None:
            break
        data = chan.substitute(line.data)
        if line.app.lower() == "return":
            chan.set_variable("GOSUB_RETVAL", data)
            abnormal = False
            break
        if run_application(chan, line.app, data) != 0 or chan.hung_up:
            break
        chan.priority += 1
    chan.context, chan.exten, chan.priority = saved
    text = "Gosub complete" + (" (abnormal exit)" if abnormal else "")
    return Outcome([AGIReply(100, "0", text="Trying..."), AGIReply(200, "0", text=text)])


# --- speech -------------------------------------------------------------------------------


def speech_create(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if ctx.speech is not None:
        return _ok(0)
    engine = ctx.speech_engines.get(args[0])
    if engine is None:
        return _ok(0)
    ctx.speech = SpeechSession(engine)
    return _ok(1)


def speech_set(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if ctx.speech is None:
        return _ok(0)
    ctx.speech.settings[args[0]] = args[1]
    return _ok(1)


def speech_destroy(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if ctx.speech is None:
        return _ok(0)
    ctx.speech = None
    return _ok(1)


def speech_load_grammar(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if ctx.speech is None:
        return _ok(0)
    ctx.speech.grammars.add(args[0])
    return _ok(1)


def speech_unload_grammar(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if ctx.speech is None or args[0] not in ctx.speech.grammars:
        return _ok(0)
    ctx.speech.grammars.discard(args[0])
    ctx.speech.active.discard(args[0])
    return _ok(1)


def speech_activate_grammar(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if ctx.speech is None or args[0] not in ctx.speech.grammars:
        return _ok(0)
    ctx.speech.active.add(args[0])
    return _ok(1)


def speech_deactivate_grammar(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    if ctx.speech is None or args[0] not in ctx.speech.active:
        return _ok(0)
    ctx.speech.active.discard(args[0])
    return _ok(1)


def speech_recognize(ctx: CommandContext, args: tuple[str, ...]) -> Outcome:
    chan = ctx.chan
    if ctx.speech is None:
        return _ok(0)
    prompt = args[0]
    timeout = atoi(args[1])
    offset = atoi(args[2]) if len(args) > 2 else 0
    results = ctx.speech.engine.next_results()
    outcome = chan.play(prompt, ALL_DIGITS, offset * 8, asking=True)
    if outcome.status == "digit":
        _collect(chan, ord(outcome.digit))
        return _ok(1, "digit", digit=outcome.digit, endpos=0)
    if outcome.status == "hangup" or chan.hung_up:
        return _ok(1, "hangup", endpos=0)
    # After the prompt: the engine's answer after its latency, else the timeout (seconds,
    # counted once the prompt is over; 0 or less waits without limit).
    listen = ctx.speech.engine.latency if results else math.inf
    limit = timeout if timeout > 0 else math.inf
    wake = chan.wait_event(min(listen, limit), accept=ALL_DIGITS, asking=True)
    if wake.kind == "digit":
        _collect(chan, ord(wake.value))
        return _ok(1, "digit", digit=wake.value, endpos=0)
    if wake.kind == "hangup":
        return _ok(1, "hangup", endpos=0)
    if results and listen <= limit:
        fields: dict[str, int | str] = {"endpos": 0, "results": len(results)}
        for index, result in enumerate(results):
            fields[f"score{index}"] = result.score
            fields[f"text{index}"] = f'"{result.text}"'
            fields[f"grammar{index}"] = result.grammar
        reply = AGIReply(200, "1", "speech", {k: str(v) for k, v in fields.items()}, text="")
        return Outcome([reply])
    return _ok(1, "timeout", endpos=0)


HANDLERS: dict[str, Handler] = {
    "answer": answer,
    "asyncagi break": asyncagi_break,
    "channel status": channel_status,
    "control stream file": control_stream_file,
    "database del": database_del,
    "database deltree": database_deltree,
    "database get": database_get,
    "database put": database_put,
    "exec": exec_,
    "get data": get_data,
    "get full variable": get_full_variable,
    "get option": get_option,
    "get variable": get_variable,
    "gosub": gosub,
    "hangup": hangup,
    "noop": noop,
    "receive char": receive_char,
    "receive text": receive_text,
    "record file": record_file,
    "say alpha": say_alpha,
    "say date": say_date,
    "say datetime": say_datetime,
    "say digits": say_digits,
    "say number": say_number,
    "say phonetic": say_phonetic,
    "say time": say_time,
    "send image": send_image,
    "send text": send_text,
    "set autohangup": set_autohangup,
    "set callerid": set_callerid,
    "set context": set_context,
    "set extension": set_extension,
    "set music": set_music,
    "set priority": set_priority,
    "set variable": set_variable,
    "speech activate grammar": speech_activate_grammar,
    "speech create": speech_create,
    "speech deactivate grammar": speech_deactivate_grammar,
    "speech destroy": speech_destroy,
    "speech load grammar": speech_load_grammar,
    "speech recognize": speech_recognize,
    "speech set": speech_set,
    "speech unload grammar": speech_unload_grammar,
    "stream file": stream_file,
    "tdd mode": tdd_mode,
    "verbose": verbose,
    "wait for digit": wait_for_digit,
}
