"""The caller's behaviour: who calls, which keys they press and when, when they hang up.

A :class:`Caller` is a description (immutable, reusable); each simulated call runs it with a
fresh :class:`CallerScript`, which the channel asks "what happens next?" while it waits.

When keys are pressed
---------------------
* ``Press("1", at=12.5)``: at 12.5 s of simulated time. Asterisk queues DTMF that arrives while
  nobody reads the channel, so a key pressed between commands (or during ``EXEC Wait``) is
  seen by the next command that reads digits. A key that arrives while a prompt plays and is
  not one of its escape digits is read and thrown away, as ``ast_waitstream`` does.
* ``Press("9", on_prompt="main-menu", delay=1.0)``: 1 s after ``main-menu`` starts playing.
  Each time a prompt starts it arms the next waiting ``on_prompt`` press for it, so pressing on
  the second play of a menu takes two presses. A prompt matches by its name or by its last
  path part (``custom/main-menu``).
* ``Press("1234")`` or the plain string ``"1234"`` (neither ``at`` nor ``on_prompt``): "when
  asked". The caller types such keys when the app asks for input: ``GET DATA``, ``GET
  OPTION``, ``WAIT FOR DIGIT``, ``RECORD FILE`` (its escape digits), ``SPEECH RECOGNIZE``, the
  ``Read`` application. The next key is pressed ``delay`` (default ``Caller.key_delay``) after
  such a command starts, the following keys ``gap`` (``Caller.digit_gap``) apart, even while
  its prompt plays. Such a caller is patient: a key the asking command would not take waits
  for one that does. Prompts that merely allow escape digits (``STREAM FILE``, ``SAY *``,
  ``CONTROL STREAM FILE``) are not "asking": stopping them takes ``at`` or ``on_prompt``.

Hang-up: ``hangup_at`` (simulated seconds) and/or ``hangup_on_prompt`` (``hangup_delay`` after
that prompt first starts). Text for ``RECEIVE CHAR``/``RECEIVE TEXT``: ``texts``, with the same
"at" / "when asked" rules. ``talk``: how long the caller speaks into each ``RECORD FILE``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["DTMF_DIGITS", "Caller", "CallerScript", "Press", "Text", "prompt_matches"]

#: The 16 DTMF keys.
DTMF_DIGITS = frozenset("0123456789*#ABCD")


def _check_time(what: str, value: float | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number of seconds, not {value!r}")
    if not math.isfinite(value) or value < 0:
        raise ValueError(f"{what} must be a finite number of seconds >= 0, not {value!r}")


def prompt_matches(pattern: str, prompt: str) -> bool:
    """True if ``prompt`` (as played) is ``pattern`` or ends with ``/pattern``."""
    return prompt == pattern or prompt.endswith("/" + pattern)


@dataclass(frozen=True)
class Press:
    """One or more DTMF keys pressed by the caller (see the module docstring for when).

    Raises (constructor):
        ValueError: empty ``digits``, a character that is not a DTMF key, both ``at`` and
            ``on_prompt``, or a negative/non-finite time.
        TypeError: a time is not a number.
    """

    digits: str
    at: float | None = None
    on_prompt: str | None = None
    delay: float | None = None
    gap: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.digits, str) or not self.digits:
            raise ValueError(f"Press needs at least one DTMF key, got {self.digits!r}")
        bad = sorted(set(self.digits) - DTMF_DIGITS)
        if bad:
            raise ValueError(
                f"Press({self.digits!r}): {''.join(bad)!r} is not a DTMF key (0-9 * # A-D)"
            )
        if self.at is not None and self.on_prompt is not None:
            raise ValueError("Press takes 'at' or 'on_prompt', not both")
        _check_time("Press.at", self.at)
        _check_time("Press.delay", self.delay)
        _check_time("Press.gap", self.gap)

    @property
    def when_asked(self) -> bool:
        """True for keys pressed when a command asks for them (no ``at``, no ``on_prompt``)."""
        return self.at is None and self.on_prompt is None


@dataclass(frozen=True)
class Text:
    """A text message sent by the caller (``RECEIVE CHAR`` / ``RECEIVE TEXT``).

    Raises (constructor):
        ValueError, TypeError: a bad ``at`` (see :class:`Press`), ``text`` is not a str or
            holds a newline (no reply line could carry it).
    """

    text: str
    at: float | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise TypeError(f"Text.text must be a str, not {self.text!r}")
        if "\n" in self.text:
            raise ValueError(f"a text message cannot hold a newline: {self.text!r}")
        _check_time("Text.at", self.at)


def _presses(dtmf: str | Sequence[Press | str]) -> tuple[Press, ...]:
    if isinstance(dtmf, str):
        return (Press(dtmf),) if dtmf else ()
    out = []
    for item in dtmf:
        if isinstance(item, Press):
            out.append(item)
        elif isinstance(item, str):
            out.append(Press(item))
        else:
            raise TypeError(f"dtmf items are Press or str, not {item!r}")
    return tuple(out)


@dataclass(frozen=True)
class Caller:
    """Who calls and what they do.

    Args:
        callerid: the caller's number (``agi_callerid``); None: generated from the call's seed.
        name: the caller's name (``agi_calleridname``); None: generated.
        dtmf: keys to press: a string (pressed when asked), or a sequence of :class:`Press`
            and strings.
        hangup_at: simulated second at which the caller hangs up.
        hangup_on_prompt: the caller hangs up ``hangup_delay`` s after this prompt starts.
        texts: text messages (strings are sent when asked; :class:`Text` may give ``at``).
        talk: seconds of speech in each ``RECORD FILE`` (a number for all, or one per
            recording; the last value repeats).
        key_delay: seconds between a command starting to listen and a "when asked" key.
        digit_gap: seconds between the keys of one :class:`Press`.

    Raises (constructor):
        ValueError, TypeError: bad keys, times or lengths.
    """

    callerid: str | None = None
    name: str | None = None
    dtmf: str | Sequence[Press | str] = ()
    hangup_at: float | None = None
    hangup_on_prompt: str | None = None
    hangup_delay: float = 0.0
    texts: Sequence[str | Text] = ()
    talk: float | Sequence[float] = 2.0
    key_delay: float = 0.5
    digit_gap: float = 0.2
    presses: tuple[Press, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "presses", _presses(self.dtmf))
        _check_time("Caller.hangup_at", self.hangup_at)
        _check_time("Caller.hangup_delay", self.hangup_delay)
        _check_time("Caller.key_delay", self.key_delay)
        _check_time("Caller.digit_gap", self.digit_gap)
        talks = [self.talk] if isinstance(self.talk, (int, float)) else list(self.talk)
        if not talks:
            raise ValueError("Caller.talk needs at least one length")
        for value in talks:
            _check_time("Caller.talk", value)
        for text in self.texts:
            if not isinstance(text, (str, Text)):
                raise TypeError(f"texts items are str or Text, not {text!r}")
            if isinstance(text, str):
                Text(text)  # the same checks


@dataclass
class _Key:
    key: str
    delay: float


class CallerScript:
    """The running state of a :class:`Caller` during one call (used by the channel)."""

    def __init__(self, caller: Caller) -> None:
        self.caller = caller
        self._timed: list[tuple[float, int, str]] = []
        self._seq = 0
        self._on_prompt: list[Press] = []
        self._asked: deque[_Key] = deque()
        self._anchor = 0.0
        for press in caller.presses:
            if press.at is not None:
                self._schedule(press, press.at)
            elif press.on_prompt is not None:
                self._on_prompt.append(press)
            else:
                first = caller.key_delay if press.delay is None else press.delay
                gap = caller.digit_gap if press.gap is None else press.gap
                for i, key in enumerate(press.digits):
                    self._asked.append(_Key(key, first if i == 0 else gap))
        self.hangup_time: float | None = caller.hangup_at
        self._hangup_prompt = caller.hangup_on_prompt
        self._texts_timed: list[tuple[float, int, str]] = []
        self._texts_asked: deque[str] = deque()
        for text in caller.texts:
            if isinstance(text, Text) and text.at is not None:
                self._texts_timed.append((text.at, len(self._texts_timed), text.text))
            else:
                self._texts_asked.append(text.text if isinstance(text, Text) else text)
        self._texts_timed.sort()
        talk = caller.talk
        self._talks = deque([float(talk)] if isinstance(talk, (int, float)) else map(float, talk))

    def _schedule(self, press: Press, start: float) -> None:
        gap = self.caller.digit_gap if press.gap is None else press.gap
        t = start + (press.delay or 0.0)
        for i, key in enumerate(press.digits):
            self._timed.append((t + i * gap, self._seq, key))
            self._seq += 1
        self._timed.sort()

    # --- DTMF --------------------------------------------------------------------------

    def peek_timed(self) -> tuple[float, str] | None:
        """The next key pressed at a fixed time: (time, key), or None."""
        if not self._timed:
            return None
        t, _, key = self._timed[0]
        return t, key

    def pop_timed(self) -> None:
        """Forget the key :meth:`peek_timed` returned."""
        self._timed.pop(0)

    def listen_from(self, t: float) -> None:
        """A command starts listening at ``t``: "when asked" keys count their delay from it."""
        self._anchor = t

    def peek_asked(self, now: float) -> tuple[float, str] | None:
        """The next "when asked" key and when it would be pressed, or None."""
        if not self._asked:
            return None
        head = self._asked[0]
        return max(now, self._anchor + head.delay), head.key

    def pop_asked(self, t: float) -> None:
        """The key :meth:`peek_asked` returned was pressed at ``t``."""
        self._asked.popleft()
        self._anchor = t

    def remaining_dtmf(self) -> str:
        """Keys the caller never got to press: timed ones, then "when asked" ones, then
        those waiting for a prompt."""
        keys = [key for _, _, key in self._timed] + [k.key for k in self._asked]
        return "".join(keys) + "".join(p.digits for p in self._on_prompt)

    # --- prompts and hang-up ------------------------------------------------------------

    def prompt_started(self, prompt: str, t: float) -> None:
        """``prompt`` started playing at ``t``: arm what waits for it."""
        for index, press in enumerate(self._on_prompt):
            if press.on_prompt is not None and prompt_matches(press.on_prompt, prompt):
                del self._on_prompt[index]
                self._schedule(press, t)
                break
        if self._hangup_prompt is not None and prompt_matches(self._hangup_prompt, prompt):
            self._hangup_prompt = None
            at = t + self.caller.hangup_delay
            if self.hangup_time is None or at < self.hangup_time:
                self.hangup_time = at

    # --- text and speech ----------------------------------------------------------------

    def peek_text_timed(self) -> tuple[float, str] | None:
        """The next text sent at a fixed time: (time, text), or None."""
        if not self._texts_timed:
            return None
        t, _, text = self._texts_timed[0]
        return t, text

    def pop_text_timed(self) -> None:
        """Forget the text :meth:`peek_text_timed` returned."""
        self._texts_timed.pop(0)

    def peek_text_asked(self, now: float) -> tuple[float, str] | None:
        """The next "when asked" text and when it would arrive, or None."""
        if not self._texts_asked:
            return None
        return max(now, self._anchor + self.caller.key_delay), self._texts_asked[0]

    def pop_text_asked(self, t: float) -> None:
        """The text :meth:`peek_text_asked` returned arrived at ``t``."""
        self._texts_asked.popleft()
        self._anchor = t

    def next_talk(self) -> float:
        """Seconds the caller speaks into the next recording (the last value repeats)."""
        if len(self._talks) > 1:
            return self._talks.popleft()
        return self._talks[0]
