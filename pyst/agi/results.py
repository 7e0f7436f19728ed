"""What AGI commands return: pyst2's result dict, with the whole reply kept beside it.

* :class:`AGIResult` — what ``execute`` returns: pyst2's dict
  (``{'result': (value, data), 'endpos': ('2000', ''), ...}``) that also carries the parsed
  :class:`~pyst.agi.messages.AGIReply` and typed views (``endpos``, ``timeout``, ...);
* :class:`AGIValue` — a ``str`` (a digit, digits, a variable's value: what pyst2 returned) that
  also carries its :class:`AGIResult`, so ``(timeout)`` and ``endpos`` are not lost;
* :class:`SpeechResult` — the reply of ``SPEECH RECOGNIZE``;
* :func:`reply_error` — pyst2's reading of a reply (which exception, if any), fixed where pyst2
  was wrong (PYST2.md §1.5 and §7: 511, a value that is literally ``hangup``).

Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyst.agi.exceptions import (
    AGIAppError,
    AGIDeadChannelError,
    AGIError,
    AGIException,
    AGIInvalidCommand,
    AGIResultHangup,
    AGIUnknownError,
    AGIUsageError,
)
from pyst.agi.messages import AGIReply
from pyst.agi.quoting import split_args
from pyst.agi.spec import find_command

__all__ = [
    "VALUE_COMMANDS",
    "AGIResult",
    "AGIValue",
    "SpeechMatch",
    "SpeechResult",
    "digit",
    "reply_error",
]

#: Commands whose ``(data)`` is a value (a variable, an AstDB entry, received text), never a
#: status word: ``200 result=1 (hangup)`` from them means the value is the text "hangup".
VALUE_COMMANDS = frozenset({"get variable", "get full variable", "database get", "receive text"})


class AGIResult(dict[str, tuple[str, str]]):
    """The result of one command: pyst2's dict, plus the reply it was read from.

    As a dict (pyst2's shape): ``'result'`` maps to ``(value, data)`` (``('', '')`` when the
    reply has no ``result=``), and every ``key=value`` after it to ``(value, '')``::

        200 result=0 (timeout) endpos=16117  ->  {'result': ('0', 'timeout'),
                                                  'endpos': ('16117', '')}

    Unlike pyst2, ``200 result= (timeout)`` gives ``{'result': ('', 'timeout')}``: the marker
    is kept. Attributes: ``reply`` (the final :class:`AGIReply`) and ``provisional`` (the
    ``1xx`` replies before it, GOSUB's ``100 result=0 Trying...``).
    """

    __slots__ = ("provisional", "reply")

    def __init__(self, reply: AGIReply, provisional: tuple[AGIReply, ...] = ()) -> None:
        self["result"] = (reply.result or "", reply.data or "")
        extra = reply.extra
        if extra:
            for key, value in extra.items():
                if key != "result":
                    self[key] = (value, "")
        self.reply = reply
        self.provisional = provisional

    def __repr__(self) -> str:
        return f"AGIResult({dict.__repr__(self)}, code={self.reply.code})"

    def __reduce__(self) -> tuple[Any, ...]:
        # Rebuilt from the reply texts (AGIReply itself holds a mappingproxy, which does not
        # pickle), so results and the exceptions carrying them cross process boundaries.
        return (_result_from_text, (self.reply.raw, tuple(p.raw for p in self.provisional)))

    @property
    def code(self) -> int:
        """The reply code (200, 510, 511, 520, ...)."""
        return self.reply.code

    @property
    def value(self) -> str:
        """The text after ``result=`` (``''`` if none)."""
        return self.reply.result or ""

    @property
    def data(self) -> str:
        """The parenthesised part without its parentheses (``''`` if none)."""
        return self.reply.data or ""

    @property
    def result_int(self) -> int | None:
        """``result`` as an int, None when empty or not a number."""
        return self.reply.result_int

    @property
    def endpos(self) -> int | None:
        """``endpos=`` as an int (where playback or recording stopped), or None."""
        return self.reply.endpos

    @property
    def timeout(self) -> bool:
        """True when the reply said ``(timeout)``."""
        return self.reply.timeout

    @property
    def text(self) -> str:
        """Free text after the result (GOSUB's ``Gosub complete``) or of a 5xx line."""
        return self.reply.text or ""


def _result_from_text(raw: str, provisional: tuple[str, ...]) -> AGIResult:
    return AGIResult(AGIReply.parse(raw), tuple(AGIReply.parse(p) for p in provisional))


class AGIValue(str):
    """A ``str`` result (what pyst2 returned) that keeps the :class:`AGIResult` it came from.

    ``stream_file`` returns ``''`` or the digit pressed, ``get_data`` the digits; with this
    class they also tell ``endpos`` and ``timeout``. It compares, hashes and formats as the
    plain string.
    """

    result: AGIResult | None

    def __new__(cls, value: str = "", result: AGIResult | None = None) -> AGIValue:
        self = super().__new__(cls, value)
        self.result = result
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.result))

    @property
    def endpos(self) -> int | None:
        """``endpos=`` of the reply, or None."""
        return None if self.result is None else self.result.endpos

    @property
    def timeout(self) -> bool:
        """True when the reply said ``(timeout)`` (GET DATA, RECORD FILE, RECEIVE CHAR)."""
        return self.result is not None and self.result.timeout

    @property
    def data(self) -> str:
        """The reply's parenthesised part (``dtmf``, ``timeout``, ...), ``''`` if none."""
        return "" if self.result is None else self.result.data


@dataclass(frozen=True)
class SpeechMatch:
    """One recognition result: ``score<i>``, ``text<i>`` (unquoted), ``grammar<i>``."""

    score: int | None
    text: str
    grammar: str


@dataclass(frozen=True)
class SpeechResult:
    """``SPEECH RECOGNIZE``'s reply (res_agi.c handle_speechrecognize).

    ``status`` is the parenthesised word: ``speech`` (``matches`` holds the results),
    ``digit`` (``digit`` holds the key pressed), ``timeout`` or ``hangup``.
    """

    status: str
    endpos: int | None
    digit: str
    matches: tuple[SpeechMatch, ...]
    result: AGIResult

    @classmethod
    def from_result(cls, result: AGIResult) -> SpeechResult:
        """Read the ``results=``/``score<i>=``/``text<i>=``/``grammar<i>=`` fields."""
        extra = result.reply.extra
        matches = []
        count = extra.get("results", "0")
        for index in range(int(count) if count.isdigit() else 0):
            score = extra.get(f"score{index}", "")
            text = extra.get(f"text{index}", "")
            if len(text) >= 2 and text[0] == text[-1] == '"':
                text = text[1:-1]
            matches.append(
                SpeechMatch(
                    int(score) if score.lstrip("-").isdigit() else None,
                    text,
                    extra.get(f"grammar{index}", ""),
                )
            )
        return cls(result.data, result.endpos, extra.get("digit", ""), tuple(matches), result)


def _carries_value(line: str) -> bool:
    found = find_command(split_args(line))
    return found is not None and found[0].name in VALUE_COMMANDS


def reply_error(result: AGIResult, line: str) -> AGIException | None:
    """The exception pyst2 would raise for this reply to command ``line``, or None.

    * 200: ``(hangup)`` -> :class:`AGIResultHangup` (except from commands whose data is a
      value, :data:`VALUE_COMMANDS`); ``result=-1`` -> :class:`AGIAppError`.
    * 510 -> :class:`AGIInvalidCommand`; 511 -> :class:`AGIDeadChannelError` (pyst2:
      AGIUnknownError); 520 -> :class:`AGIUsageError` with the usage text; anything else
      (GOSUB's 503, ...) -> :class:`AGIUnknownError` ``(code, message)``.

    The exception carries ``result``. Never raises.
    """
    reply = result.reply
    exc: AGIException | None
    if reply.code == 200:
        if reply.data == "hangup" and not _carries_value(line):
            exc = AGIResultHangup("User hungup during execution")
        elif reply.result == "-1":
            exc = AGIAppError("Error executing application, or hangup")
        else:
            return None
    elif reply.code == 510:
        exc = AGIInvalidCommand(reply.text or "")
    elif reply.code == 511:
        exc = AGIDeadChannelError(f"{line!r}: {reply.text or ''}")
    elif reply.code == 520:
        exc = AGIUsageError(reply.raw, reply.usage or "")
    else:
        exc = AGIUnknownError(reply.code, "Unhandled code or undefined response")
    exc.result = result
    return exc


def digit(result: AGIResult, what: str = "digit") -> AGIValue:
    """pyst2's digit convention: ``''`` for result 0, else ``chr(result)``.

    Raises:
        AGIError: the result is not a character code (pyst2's "Unable to convert ...").
    """
    value = result.value
    if value == "0":
        return AGIValue("", result)
    try:
        return AGIValue(chr(int(value)), result)
    except (ValueError, OverflowError):
        exc = AGIError(f"Unable to convert result to {what}: {value}")
    exc.result = result
    raise exc
