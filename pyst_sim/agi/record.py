"""The record of one simulated call: every command and reply with its simulated time, what the
caller did, and the call's final state, with helpers for assertions.

A :class:`CallRecord` is filled while the call runs and handed back by
:func:`~pyst_sim.agi.simulate_call` when the call is over. Its assertion helpers raise
:class:`~pyst_sim.errors.ExpectationError` (an ``AssertionError``), which names what was
expected and shows what happened.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from pyst.agi.messages import AGIEnvironment
from pyst_sim.errors import ExpectationError

__all__ = ["AppRun", "CallEvent", "CallRecord", "ExitPoint", "Recording", "TranscriptEntry"]

HungUpBy = Literal["caller", "app"]


class ExitPoint(NamedTuple):
    """Where the dialplan goes on when the AGI returns (context, extension, priority).

    Asterisk adds 1 to the priority when the AGI application returns; ``SET PRIORITY n``
    stores ``n - 1`` while the dialplan runs, so the call goes on at ``n``.
    """

    context: str
    extension: str
    priority: int

    def __str__(self) -> str:
        return f"{self.context},{self.extension},{self.priority}"


@dataclass(frozen=True)
class TranscriptEntry:
    """One command and its reply.

    ``t`` is the simulated second the command was read, ``end`` the second the reply was sent;
    ``reply`` is the reply text without its final newline (several lines for a ``520`` block
    or gosub's ``100`` + ``200``), or None when the command got no reply (a playback cut
    short by the next command, or the AGI ending). ``name`` is the matched command
    (``"stream file"``), None for an unknown one.
    """

    t: float
    command: str
    reply: str | None
    end: float
    name: str | None = None
    args: tuple[str, ...] = ()
    seq: int = field(default=0, compare=False, repr=False)
    end_seq: int = field(default=0, compare=False, repr=False)

    @property
    def code(self) -> int | None:
        """The reply code (200, 510, 511, 520...), or None without a reply."""
        if not self.reply or not self.reply[:3].isdigit():
            return None
        return int(self.reply[:3])

    @property
    def result(self) -> str | None:
        """The text after ``result=`` in the (last) reply line, up to the next space."""
        if self.reply is None:
            return None
        last = self.reply.rsplit("\n", 1)[-1]
        marker = last.find("result=")
        if marker < 0:
            return None
        return last[marker + 7 :].split(" ", 1)[0]


@dataclass(frozen=True)
class CallEvent:
    """Something that happened on the channel, apart from commands (``kind`` says what).

    Kinds: ``prompt`` (started playing), ``dtmf`` (a key reached the app), ``dtmf-ignored``
    (a key thrown away while a prompt played), ``hangup``, ``notice`` (the ``HANGUP`` line or
    SIGHUP sent to the app), ``text``, ``verbose``, ``exec``, ``record``, ``state``, ``note``.
    """

    t: float
    kind: str
    detail: str
    seq: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Recording:
    """A ``RECORD FILE``: file, format, seconds recorded and why it ended."""

    filename: str
    format: str
    seconds: float
    ended_by: str  # "dtmf", "timeout", "silence", "hangup", "error"


@dataclass(frozen=True)
class AppRun:
    """An application run with ``EXEC`` (or inside a ``GOSUB``) and its return value."""

    t: float
    app: str
    args: str
    result: int


@dataclass
class CallRecord:
    """Everything about one simulated call (filled while it runs)."""

    env: AGIEnvironment | None = None
    transcript: list[TranscriptEntry] = field(default_factory=list)
    events: list[CallEvent] = field(default_factory=list)
    prompts_played: list[str] = field(default_factory=list)
    digits: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)
    variables_set: dict[str, str] = field(default_factory=dict)
    exit_point: ExitPoint | None = None
    hung_up_by: HungUpBy | None = None
    agi_status: str | None = None
    duration: float = 0.0
    wall_time: float = 0.0
    verbose: list[tuple[int, str]] = field(default_factory=list)
    texts_sent: list[str] = field(default_factory=list)
    recordings: list[Recording] = field(default_factory=list)
    applications: list[AppRun] = field(default_factory=list)
    unused_dtmf: str = ""
    exit_code: int | None = None
    stderr: str = ""
    error: BaseException | None = None
    final_state: int | None = None
    _seq: int = field(default=0, repr=False)

    def next_seq(self) -> int:
        """A number that orders commands, replies and events as they happened."""
        self._seq += 1
        return self._seq

    # --- views ----------------------------------------------------------------------------

    @property
    def digits_collected(self) -> str:
        """Every DTMF key the app received in a reply, in order (``GET DATA`` digits, the key
        that stopped a prompt, ``WAIT FOR DIGIT``...)."""
        return "".join(self.digits)

    @property
    def commands(self) -> list[str]:
        """The command lines the app sent, in order."""
        return [entry.command for entry in self.transcript]

    def replies_to(self, name: str) -> list[str | None]:
        """The replies to every command called ``name`` (any case: ``"get data"``)."""
        key = " ".join(name.lower().split())
        return [entry.reply for entry in self.transcript if entry.name == key]

    def played(self, prompt: str) -> bool:
        """True if ``prompt`` started playing (by name, or by its last path part)."""
        return any(p == prompt or p.endswith("/" + prompt) for p in self.prompts_played)

    # --- assertions -----------------------------------------------------------------------

    def assert_prompts(self, *prompts: str, exact: bool = True) -> None:
        """The prompts played were exactly ``prompts`` (or, with ``exact=False``, include them
        in this order).

        Raises:
            ExpectationError: with a diff of expected and played prompts.
        """
        played = self.prompts_played
        if exact:
            ok = list(prompts) == played
        else:
            it = iter(played)
            ok = all(any(p == q or q.endswith("/" + p) for q in it) for p in prompts)
        if not ok:
            diff = "\n".join(
                difflib.unified_diff(list(prompts), played, "expected", "played", lineterm="")
            )
            raise ExpectationError(f"prompts played differ:\n{diff}")

    def assert_variable(self, name: str, value: str | None) -> None:
        """The channel variable ``name`` ended as ``value`` (None: unset).

        Raises:
            ExpectationError: naming the variable, the expected and the final value.
        """
        actual = self.variables.get(name)
        if actual != value:
            raise ExpectationError(
                f"variable {name}: expected {value!r}, the call ended with {actual!r}"
            )

    def assert_exit(self, context: str, extension: str | None = None,
                    priority: int | None = None) -> None:
        """The dialplan goes on at ``context`` (and ``extension``/``priority`` if given).

        Raises:
            ExpectationError: showing the expected and the actual exit point.
        """
        point = self.exit_point
        if (
            point is None
            or point.context != context
            or (extension is not None and point.extension != extension)
            or (priority is not None and point.priority != priority)
        ):
            wanted = ",".join(
                str(x) for x in (context, extension or "*", "*" if priority is None else priority)
            )
            raise ExpectationError(f"exit point: expected {wanted}, got {point}")

    def assert_hung_up_by(self, who: HungUpBy | None) -> None:
        """``"caller"``, ``"app"`` or None (nobody: the AGI returned to the dialplan).

        Raises:
            ExpectationError: naming who hung up.
        """
        if self.hung_up_by != who:
            raise ExpectationError(f"hung up by: expected {who!r}, got {self.hung_up_by!r}")

    def assert_digits(self, digits: str) -> None:
        """The app received exactly these keys (see :attr:`digits_collected`).

        Raises:
            ExpectationError: showing both.
        """
        if self.digits_collected != digits:
            raise ExpectationError(
                f"digits collected: expected {digits!r}, got {self.digits_collected!r}"
            )

    def assert_commands(self, *names: str) -> None:
        """The app sent exactly these commands (names like ``"answer"``, ``"get data"``).

        Raises:
            ExpectationError: with a diff of the command names.
        """
        wanted = [" ".join(n.lower().split()) for n in names]
        got = [entry.name or f"<unknown: {entry.command}>" for entry in self.transcript]
        if wanted != got:
            diff = "\n".join(difflib.unified_diff(wanted, got, "expected", "sent", lineterm=""))
            raise ExpectationError(f"commands differ:\n{diff}")

    # --- text -----------------------------------------------------------------------------

    def format(self, *, events: bool = True) -> str:
        """A readable transcript: one line per command, reply and (optionally) event, with
        simulated times, then a summary."""
        rows: list[tuple[int, str]] = []
        for entry in self.transcript:
            rows.append((entry.seq, f"{entry.t:9.3f}  > {entry.command}"))
            reply = entry.reply if entry.reply is not None else "(no reply)"
            lines = reply.split("\n")
            text = "\n".join(
                f"{entry.end:9.3f}  < {line}" if i == 0 else f"{'':9}    {line}"
                for i, line in enumerate(lines)
            )
            rows.append((entry.end_seq, text))
        if events:
            for event in self.events:
                if event.kind not in ("state", "exec"):
                    rows.append((event.seq, f"{event.t:9.3f}  * {event.kind} {event.detail}"))
        rows.sort(key=lambda row: row[0])
        out = [row[1] for row in rows]
        out.append(
            f"-- {self.agi_status or 'RUNNING'}; hung up by {self.hung_up_by or 'nobody'}; "
            f"exit point {self.exit_point}; {self.duration:.3f} s simulated, "
            f"{self.wall_time * 1000:.1f} ms wall"
        )
        if self.exit_code:
            out.append(f"-- script exit status {self.exit_code}")
            if self.stderr:
                out.append(self.stderr.rstrip()[-2000:])
        if self.error is not None:
            out.append(f"-- the handler raised {self.error!r}")
        return "\n".join(out)

    def __str__(self) -> str:
        return self.format()
