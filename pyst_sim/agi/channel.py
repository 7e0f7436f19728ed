"""The simulated channel: the call model (who, where, state, variables) and the waiting
primitives the AGI commands are built from (play a prompt, wait for a digit, sleep).

One :class:`Channel` is one Asterisk channel running the AGI application. Its identity
(name, unique id, caller id, dnid, context/extension/priority, language, account code) is
given or generated from the call's seed with Faker, so runs reproduce. Time is the channel's
:class:`~pyst_sim.agi.clock.VirtualClock`; the caller's behaviour is a
:class:`~pyst_sim.agi.caller.CallerScript`; what happens is written to the
:class:`~pyst_sim.agi.record.CallRecord`.
"""

from __future__ import annotations

import enum
import logging
import math
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pyst_sim.agi.caller import DTMF_DIGITS, Caller, CallerScript
from pyst_sim.agi.clock import DEFAULT_EPOCH, VirtualClock
from pyst_sim.agi.functions import (
    c_int,
    read_function,
    retrieve_variable,
    substitute,
    write_function,
)
from pyst_sim.agi.record import CallEvent, CallRecord, ExitPoint, HungUpBy
from pyst_sim.agi.sounds import SAMPLE_RATE, SoundLibrary
from pyst_sim.state.astdb import AstDB

if TYPE_CHECKING:
    from pyst.config.dialplan import Dialplan
    from pyst_sim.agi.applications import ApplicationTable
    from pyst_sim.agi.speech import SpeechEngine

__all__ = [
    "ALL_DIGITS",
    "Channel",
    "ChannelState",
    "OtherChannel",
    "PlayOutcome",
    "Wake",
    "options_from_env",
]

logger = logging.getLogger(__name__)

#: ``AST_DIGIT_ANY``: every key stops the prompt.
ALL_DIGITS = DTMF_DIGITS


class ChannelState(enum.IntEnum):
    """``enum ast_channel_state`` (what ``CHANNEL STATUS`` answers)."""

    DOWN = 0
    RESERVED = 1
    OFFHOOK = 2
    DIALING = 3
    RING = 4
    RINGING = 5
    UP = 6
    BUSY = 7
    DIALING_OFFHOOK = 8
    PRERING = 9


_STATE_NAMES = {
    ChannelState.DOWN: "Down",
    ChannelState.RESERVED: "Rsrvd",
    ChannelState.OFFHOOK: "OffHook",
    ChannelState.DIALING: "Dialing",
    ChannelState.RING: "Ring",
    ChannelState.RINGING: "Ringing",
    ChannelState.UP: "Up",
    ChannelState.BUSY: "Busy",
    ChannelState.DIALING_OFFHOOK: "Dialing Offhook",
    ChannelState.PRERING: "Pre-ring",
}


@dataclass
class OtherChannel:
    """Another channel of the simulated PBX (for ``CHANNEL STATUS <name>``, ``HANGUP <name>``,
    ``GET FULL VARIABLE <expr> <name>``)."""

    name: str
    state: int = ChannelState.UP
    variables: dict[str, str] = field(default_factory=dict)
    uniqueid: str = ""
    hung_up: bool = False


@dataclass(frozen=True)
class Wake:
    """Why a wait on the channel ended: a ``digit``, a ``text``, a ``hangup`` or the
    ``timeout``; ``at`` is the simulated second."""

    kind: Literal["digit", "text", "hangup", "timeout"]
    at: float
    value: str = ""


@dataclass(frozen=True)
class PlayOutcome:
    """How one prompt played: ``done``, stopped by a ``digit``, by a ``hangup``, or
    ``missing``. ``position`` and ``length`` are in samples (8 kHz)."""

    status: Literal["done", "digit", "hangup", "missing"]
    position: int = 0
    length: int = 0
    digit: str = ""

    @property
    def code(self) -> int:
        """What ``ast_waitstream`` returns: 0 done, the key's ASCII code, -1 hangup/missing."""
        if self.status == "digit":
            return ord(self.digit)
        return 0 if self.status == "done" else -1


def _other_channels(channels: Iterable[Any] | Mapping[str, int]) -> dict[str, OtherChannel]:
    found: dict[str, OtherChannel] = {}
    items: Iterable[Any] = (
        [OtherChannel(name, int(state)) for name, state in channels.items()]
        if isinstance(channels, Mapping)
        else channels
    )
    for item in items:
        if isinstance(item, OtherChannel):
            other = item
        elif isinstance(item, Mapping):
            state = item.get("state", ChannelState.UP)
            if isinstance(state, str) and not state.isdigit():
                state = ChannelState[state.upper().replace(" ", "_")]
            other = OtherChannel(
                str(item["name"]),
                int(state),
                {str(k): str(v) for k, v in dict(item.get("variables", {})).items()},
                str(item.get("uniqueid", "")),
            )
        else:
            raise TypeError(f"channels are OtherChannel or mappings, not {item!r}")
        found[other.name.lower()] = other
    return found


class Channel:
    """The simulated channel of one AGI call.

    Identity (None: generated from ``seed`` with Faker): ``name`` (``PJSIP/101-0000000a``),
    ``uniqueid``, ``caller`` (:class:`~pyst_sim.agi.caller.Caller`: number, name and
    behaviour). Dialplan position: ``context``, ``extension``, ``priority``. Also ``dnid``,
    ``rdnis``, ``language``, ``accountcode``, the calling presentation numbers, the initial
    ``state`` (an incoming call that was not answered yet is ``RING``), ``variables`` (channel
    variables, e.g. ``AGISIGHUP``/``AGIEXITONHANGUP``), ``globals_``.

    Shared or scripted parts: ``astdb`` (share one :class:`~pyst_sim.state.astdb.AstDB` with a
    fake AMI server), ``sounds``, ``applications`` (what ``EXEC`` runs), ``dialplan`` (labels
    for ``SET PRIORITY``, ``GOSUB`` routines), ``channels`` (other channels of the PBX),
    ``speech`` (speech engines by name).

    ``locale``: the Faker locale of generated caller names.

    Timing: ``epoch`` (Unix time of the call's start), ``timezone`` (for ``SAY DATE``...),
    ``answer_delay`` (seconds ``ANSWER`` takes; the j1 capture's Local channel took 0.5 s),
    ``max_duration`` (a wait with no end, like ``WAIT FOR DIGIT -1`` with nothing left to
    press, ends with the caller hanging up at this simulated second).

    Raises:
        TypeError, ValueError: a bad argument (named in the message).
    """

    def __init__(
        self,
        *,
        caller: Caller | None = None,
        name: str | None = None,
        uniqueid: str | None = None,
        linkedid: str | None = None,
        channel_type: str | None = None,
        language: str = "en",
        accountcode: str = "",
        context: str = "default",
        extension: str = "s",
        priority: int = 1,
        dnid: str = "",
        rdnis: str = "",
        callingpres: int = 0,
        callingani2: int = 0,
        callington: int = 0,
        callingtns: int = 0,
        state: int = ChannelState.RING,
        variables: Mapping[str, str] | None = None,
        globals_: Mapping[str, str] | None = None,
        astdb: AstDB | None = None,
        sounds: SoundLibrary | None = None,
        applications: ApplicationTable | Mapping[str, Any] | None = None,
        dialplan: Dialplan | None = None,
        channels: Iterable[Any] | Mapping[str, int] = (),
        speech: Mapping[str, SpeechEngine] | None = None,
        seed: int = 0,
        epoch: float = DEFAULT_EPOCH,
        timezone: str = "UTC",
        answer_delay: float = 0.0,
        max_duration: float = 3600.0,
        tdd_capable: bool = False,
        version: str = "22.10.1",
        threadid: int | None = None,
        locale: str = "en_US",
    ) -> None:
        from pyst_sim.agi.applications import ApplicationTable

        if not isinstance(priority, int) or isinstance(priority, bool):
            raise TypeError(f"priority must be an int, not {priority!r}")
        for what, seconds in (("answer_delay", answer_delay), ("max_duration", max_duration)):
            if not math.isfinite(seconds) or seconds < 0:
                raise ValueError(f"{what} must be a finite number >= 0, not {seconds!r}")
        self.caller = caller if caller is not None else Caller()
        self.seed = seed
        self.random = random.Random(seed)
        self.clock = VirtualClock(epoch)
        generated = _generated_identity(
            seed, epoch, name, uniqueid, self.caller, threadid, locale
        )
        self.name: str = name or generated["name"]
        self.uniqueid: str = uniqueid or generated["uniqueid"]
        self.linkedid: str = linkedid or self.uniqueid
        self.channel_type: str = channel_type or self.name.split("/", 1)[0]
        self.callerid_num: str = (
            self.caller.callerid if self.caller.callerid is not None else generated["callerid"]
        )
        self.callerid_name: str = (
            self.caller.name if self.caller.name is not None else generated["calleridname"]
        )
        self.callerid_ani: str = self.callerid_num
        self.threadid: int = threadid if threadid is not None else int(generated["threadid"])
        self.language = language
        self.accountcode = accountcode
        self.context = context
        self.exten = extension
        self.priority = priority
        self.dnid = dnid
        self.rdnis = rdnis
        self.callingpres = callingpres
        self.callingani2 = callingani2
        self.callington = callington
        self.callingtns = callingtns
        self.state = int(state)
        self.version = version
        self.timezone = timezone
        self.answer_delay = float(answer_delay)
        self.max_duration = float(max_duration)
        self.tdd_capable = tdd_capable
        self.musicclass = ""
        self.music_on = False
        self.hangupcause = 0
        self.hangupsource = ""
        self.hung_up = False
        self.hung_up_by: HungUpBy | None = None
        self.autohangup_at: float | None = None
        self.astdb = astdb if astdb is not None else AstDB()
        self.sounds = sounds if sounds is not None else SoundLibrary()
        self.applications = (
            applications
            if isinstance(applications, ApplicationTable)
            else ApplicationTable(applications or {})
        )
        self.dialplan = dialplan
        self.others = _other_channels(channels)
        self.speech_engines: dict[str, SpeechEngine] = dict(speech or {})
        self.globals: dict[str, str] = dict(globals_ or {})
        self._vars: dict[str, str] = {}
        self.record = CallRecord()
        self.script = CallerScript(self.caller)
        for key, value in (variables or {}).items():
            self._store(key, value)
        if self.script.hangup_time is not None and self.script.hangup_time <= 0:
            # The caller was gone before the AGI started: it runs in dead mode.
            self.hangup("caller", note="before the AGI started")

    def __repr__(self) -> str:
        return f"<Channel {self.name} {self.state_name} t={self.clock.now:.3f}>"

    # --- identity ---------------------------------------------------------------------------

    @property
    def state_name(self) -> str:
        """The state as Asterisk names it (``Up``, ``Ring``...)."""
        try:
            return _STATE_NAMES[ChannelState(self.state)]
        except ValueError:
            return "Unknown"

    @property
    def exit_point(self) -> ExitPoint:
        """Where the dialplan goes on when the AGI returns (the priority plus one)."""
        return ExitPoint(self.context, self.exten, self.priority + 1)

    def find_channel(self, name: str) -> Channel | OtherChannel | None:
        """``ast_channel_get_by_name``: this channel or another one, by name (any case) or
        unique id; None if there is none (or it has hung up)."""
        if name.lower() == self.name.lower() or name == self.uniqueid:
            return self
        other = self.others.get(name.lower())
        if other is None:
            other = next((o for o in self.others.values() if o.uniqueid == name), None)
        return None if other is None or other.hung_up else other

    # --- variables --------------------------------------------------------------------------

    def _store(self, name: str, value: str) -> None:
        # pbx_builtin_setvar_helper keeps the "_"/"__" inheritance marks on the name, and
        # lookups compare the name without them.
        self._vars[name.lstrip("_") if name.startswith("_") else name] = value

    def get_local_variable(self, name: str) -> str | None:
        """A channel variable (no built-ins, no globals)."""
        return self._vars.get(name)

    def get_variable(self, name: str) -> str | None:
        """What ``GET VARIABLE name`` finds: a function when the name ends in ``)``, else
        built-ins, channel variables, globals; None when unset."""
        if name.endswith(")"):
            return read_function(self, name)
        return retrieve_variable(self, name)

    def set_variable(self, name: str, value: str) -> None:
        """``pbx_builtin_setvar_helper``: set a channel variable, or write a function when the
        name ends in ``)`` (``CALLERID(num)``, ``DB(fam/key)``...)."""
        if name.endswith(")"):
            if not write_function(self, name, value):
                logger.warning("function %s cannot be written (unknown or read-only)", name)
            self.record.variables_set[name] = value
            return
        self._store(name, value)
        self.record.variables_set[name.lstrip("_")] = value

    def delete_variable(self, name: str) -> None:
        """Unset a channel variable."""
        self._vars.pop(name.lstrip("_"), None)

    @property
    def variables(self) -> dict[str, str]:
        """A snapshot of the channel variables."""
        return dict(self._vars)

    def substitute(self, text: str) -> str:
        """Expand ``${...}`` and ``$[...]`` in ``text`` on this channel."""
        return substitute(self, text)

    # --- events -----------------------------------------------------------------------------

    def event(self, kind: str, detail: str) -> None:
        """Write an event to the call record at the current simulated time."""
        self.record.events.append(
            CallEvent(self.clock.now, kind, detail, self.record.next_seq())
        )

    def hangup(self, by: HungUpBy, *, cause: int = 16, note: str = "") -> None:
        """Hang the channel up (once; later calls change nothing)."""
        if self.hung_up:
            return
        self.hung_up = True
        self.hung_up_by = by
        self.hangupcause = cause
        self.hangupsource = self.name if by == "caller" else "dialplan/agi"
        self.event("hangup", f"by {by}" + (f" ({note})" if note else ""))

    def check_hangup(self) -> bool:
        """Hang up now if the caller's (or the auto-hangup's) time has come; True if the
        channel is hung up."""
        if not self.hung_up:
            due = self._next_hangup()
            if due is not None and due[0] <= self.clock.now:
                self.hangup(due[1], note=due[2])
        return self.hung_up

    def _next_hangup(self) -> tuple[float, HungUpBy, str] | None:
        options: list[tuple[float, HungUpBy, str]] = [(self.max_duration, "caller", "max_duration")]
        if self.script.hangup_time is not None:
            options.append((self.script.hangup_time, "caller", ""))
        if self.autohangup_at is not None:
            options.append((self.autohangup_at, "app", "SET AUTOHANGUP"))
        return min(options, key=lambda item: item[0])

    # --- waiting ----------------------------------------------------------------------------

    def wait_event(
        self,
        duration: float,
        *,
        accept: frozenset[str] | None = None,
        asking: bool = False,
        text: bool = False,
    ) -> Wake:
        """Let up to ``duration`` seconds pass (``math.inf``: no limit) and say what ended it.

        ``accept`` None: the channel is not read; keys pressed meanwhile wait for the next
        reader (Asterisk queues them). A set (possibly empty): keys are read; one in the set
        ends the wait, any other is thrown away, as a playing prompt does. ``asking``: the app
        is asking for input, so the caller's "when asked" keys may come. ``text``: a text
        message ends the wait. The caller hanging up ends it too.
        """
        now = self.clock.now
        if self.hung_up:
            return Wake("hangup", now)
        end = now + duration if duration > 0 else now
        script = self.script
        while True:
            now = self.clock.now
            best: tuple[float, int, str, str] | None = None  # (time, order, kind, value)

            def consider(t: float, order: int, kind: str, value: str, now: float = now) -> None:
                nonlocal best
                t = max(t, now)
                if t < end and (best is None or (t, order) < best[:2]):
                    best = (t, order, kind, value)

            if accept is not None:
                timed = script.peek_timed()
                if timed is not None:
                    consider(timed[0], 0, "timed", timed[1])
                asked = script.peek_asked(now) if asking else None
                if asked is not None and asked[1] in accept:
                    consider(asked[0], 1, "asked", asked[1])
            if text:
                timed_text = script.peek_text_timed()
                if timed_text is not None:
                    consider(timed_text[0], 2, "timed-text", timed_text[1])
                asked_text = script.peek_text_asked(now) if asking else None
                if asked_text is not None:
                    consider(asked_text[0], 3, "asked-text", asked_text[1])
            due = self._next_hangup()
            if due is not None:
                consider(due[0], 4, "hangup", due[1] + "\x00" + due[2])
            if best is None:
                if math.isinf(end):  # pragma: no cover - max_duration always bounds a wait
                    raise RuntimeError("unbounded wait")
                self.clock.advance_to(end)
                return Wake("timeout", end)
            t, _, kind, value = best
            self.clock.advance_to(t)
            if kind == "timed":
                script.pop_timed()
                if accept is not None and value in accept:
                    self.event("dtmf", value)
                    return Wake("digit", t, value)
                self.event("dtmf-ignored", value)
            elif kind == "asked":
                script.pop_asked(t)
                self.event("dtmf", value)
                return Wake("digit", t, value)
            elif kind == "timed-text":
                script.pop_text_timed()
                return Wake("text", t, value)
            elif kind == "asked-text":
                script.pop_text_asked(t)
                return Wake("text", t, value)
            else:
                who, _, note = value.partition("\x00")
                self.hangup("app" if who == "app" else "caller", note=note)
                return Wake("hangup", t)

    def sleep(self, seconds: float) -> bool:
        """Let ``seconds`` pass without reading keys (``Wait``); False if the caller hung up."""
        return self.wait_event(seconds).kind != "hangup"

    def wait_digit(self, timeout_ms: int) -> Wake:
        """``ast_waitfordigit``: wait up to ``timeout_ms`` (negative: no limit) for any key."""
        duration = math.inf if timeout_ms < 0 else timeout_ms / 1000
        return self.wait_event(duration, accept=ALL_DIGITS, asking=True)

    def play(
        self, prompt: str, escape: Iterable[str] = "", offset: int = 0, *, asking: bool = False
    ) -> PlayOutcome:
        """Play one prompt from sample ``offset``, stopped by a key in ``escape`` or a hangup
        (``ast_streamfile`` + ``ast_waitstream``). ``asking``: the prompt asks for input (``GET
        DATA``, ``GET OPTION``), so the caller's "when asked" keys may stop it."""
        if not self.sounds.exists(prompt):
            return PlayOutcome("missing", max(offset, 0))
        total = self.sounds.samples(prompt)
        start_sample = min(max(offset, 0), total)
        if self.hung_up:
            return PlayOutcome("hangup", start_sample, total)
        started = self.clock.now
        self.record.prompts_played.append(prompt)
        self.event("prompt", prompt)
        self.script.prompt_started(prompt, started)
        wake = self.wait_event(
            (total - start_sample) / SAMPLE_RATE,
            accept=frozenset(escape) & ALL_DIGITS,
            asking=asking,
        )
        position = min(total, start_sample + round((wake.at - started) * SAMPLE_RATE))
        if wake.kind == "digit":
            return PlayOutcome("digit", position, total, wake.value)
        if wake.kind == "hangup":
            return PlayOutcome("hangup", position, total)
        return PlayOutcome("done", total, total)

    def play_sequence(
        self,
        prompts: Iterable[str | tuple[str, bool]],
        escape: Iterable[str] = "",
        *,
        skip_missing: bool = True,
    ) -> int:
        """Play prompts one after the other like the ``say`` functions do; returns 0, a key's
        ASCII code, or -1 (hangup, or a missing prompt that is required: a ``(prompt, True)``
        item, or any prompt when ``skip_missing`` is False)."""
        keys = "".join(escape)
        for item in prompts:
            prompt, required = item if isinstance(item, tuple) else (item, not skip_missing)
            outcome = self.play(prompt, keys)
            if outcome.status == "missing":
                if required:
                    return -1
                continue
            if outcome.status != "done":
                return outcome.code
        return -1 if self.hung_up else 0

    def read_digits(
        self, prompt: str | None, maxlen: int, first_timeout_ms: int, timeout_ms: int,
        enders: str = "#",
    ) -> tuple[int, str]:
        """``ast_app_getdata_full`` + ``ast_readstring_full``: play ``prompt`` (any key stops
        it) and collect keys until an ender, ``maxlen`` keys or a timeout (0 or less: 6000 ms
        for the first key, 2000 ms between keys; negative: no limit).

        Returns ``(code, digits)``: code 0 complete, 1 timeout, 3 an ender before any digit,
        -1 hangup, missing prompt or ``maxlen`` 0.
        """
        if prompt and not self.sounds.exists(prompt):
            return -1, ""
        first, between = 6000, 2000
        if first_timeout_ms > 0:
            first = first_timeout_ms
        if timeout_ms > 0:
            between = timeout_ms
        if first_timeout_ms < 0:
            first = -1
        if timeout_ms < 0:
            between = -1
        if self.hung_up or maxlen == 0:
            return -1, ""
        digits: list[str] = []
        to = first
        pending_prompt = prompt
        while True:
            if pending_prompt:
                outcome = self.play(pending_prompt, ALL_DIGITS, asking=True)
                pending_prompt = None
                if outcome.status == "digit":
                    wake = Wake("digit", self.clock.now, outcome.digit)
                elif outcome.status == "hangup":
                    wake = Wake("hangup", self.clock.now)
                else:
                    wake = self.wait_digit(to)
            else:
                wake = self.wait_digit(to)
            if wake.kind == "hangup":
                return -1, ""
            if wake.kind != "digit":
                return 1, "".join(digits)
            key = wake.value
            if key in enders and not digits:
                return 3, ""
            if key not in enders:
                digits.append(key)
            if key in enders or len(digits) >= maxlen:
                return 0, "".join(digits)
            to = between

    def resolve_priority(self, context: str, exten: str, text: str) -> int | None:
        """A priority number, or a label looked up in the dialplan
        (``ast_findlabel_extension``); None when the label is unknown (or there is no
        dialplan)."""
        number = c_int(text)
        if number is not None:
            return number
        if self.dialplan is None:
            return None
        found = self.dialplan.find_label(context, exten, text.strip(), self.callerid_num or None)
        return found.priority if found is not None else None

    def answer(self) -> int:
        """``ast_answer``: 0 once the channel is up, -1 if the caller hung up first."""
        if self.state == ChannelState.UP:
            return 0
        if self.hung_up or not self.sleep(self.answer_delay):
            return -1
        self.state = ChannelState.UP
        self.event("state", "Up")
        return 0


def options_from_env(env: Mapping[str, str]) -> dict[str, Any]:
    """:class:`Channel` keywords that reproduce a recorded environment block (replaying a
    capture): channel name, unique id, caller id, dnid/rdnis, context, extension, priority,
    language, account code, presentation numbers, thread id and version. ``unknown`` values
    become empty, as Asterisk writes ``unknown`` for them."""

    def known(key: str) -> str:
        value = env.get(key, "")
        return "" if value == "unknown" else value

    def number(key: str) -> int:
        value = env.get(key, "0")
        return int(value) if value.lstrip("-").isdigit() else 0

    options: dict[str, Any] = {
        "caller": Caller(callerid=known("agi_callerid"), name=known("agi_calleridname")),
        "dnid": known("agi_dnid"),
        "rdnis": known("agi_rdnis"),
        "callingpres": number("agi_callingpres"),
        "callingani2": number("agi_callingani2"),
        "callington": number("agi_callington"),
        "callingtns": number("agi_callingtns"),
        "priority": number("agi_priority") or 1,
        "threadid": number("agi_threadid"),
    }
    for key, option in (
        ("agi_channel", "name"), ("agi_uniqueid", "uniqueid"), ("agi_type", "channel_type"),
        ("agi_language", "language"), ("agi_accountcode", "accountcode"),
        ("agi_context", "context"), ("agi_extension", "extension"), ("agi_version", "version"),
    ):
        if key in env:
            options[option] = env[key]
    return options


def _faker(seed: int, locale: str) -> Any:
    """A seeded Faker generator with only the providers used here (a full ``Faker()`` costs
    ~3 ms, which a benchmark of thousands of calls would notice).

    Raises:
        ValueError: Faker has no person names for ``locale``.
    """
    import importlib

    from faker import Generator
    from faker.providers import BaseProvider

    try:
        person = importlib.import_module(f"faker.providers.person.{locale}")
    except ImportError as exc:
        raise ValueError(f"Faker has no person provider for locale {locale!r}") from exc
    generator = Generator()
    generator.add_provider(BaseProvider)
    generator.add_provider(person.Provider)
    generator.seed_instance(seed)
    return generator


def _generated_identity(
    seed: int, epoch: float, name: str | None, uniqueid: str | None, caller: Caller,
    threadid: int | None, locale: str = "en_US",
) -> dict[str, str]:
    """Values Faker makes up from the seed, only for what was not given."""
    if name and uniqueid and caller.callerid is not None and caller.name is not None and (
        threadid is not None
    ):
        return {}
    fake = _faker(seed, locale)
    peer = fake.numerify("1##")
    return {
        "name": f"PJSIP/{peer}-{fake.random_int(1, 0xFFFF):08x}",
        "uniqueid": f"{int(epoch)}.{fake.random_int(1, 999)}",
        "callerid": fake.numerify("555#######"),
        "calleridname": f"{fake.first_name()} {fake.last_name()}",
        "threadid": str(fake.random_int(10**14, 10**15 - 1)),
    }
