"""The dialplan of ``extensions.conf`` as Asterisk 22 builds it, with its routing rules.

Input is the category list of a config reader: ``[(name, [(key, value, filename, lineno,
is_object), ...]), ...]`` in file order (templates already hidden, ``+=`` and inheritance
already applied). :meth:`Dialplan.from_categories` turns it into contexts, extensions and
priorities the way ``pbx/pbx_config.c:pbx_load_config`` does, and records what Asterisk would
log as :class:`DialplanDiagnostic` objects. :meth:`Dialplan.find` and friends then answer the
questions the PBX core asks (``main/pbx.c:pbx_find_extension``): which priority line runs for
this context/extension/priority/caller id, can more digits still match, what is the hint.

Behaviour matched (Asterisk 22, ``pbx/pbx_config.c``, ``main/pbx.c``, ``main/pbx_include.c``,
``main/pbx_timing.c``, ``main/callerid.c``), in short:

* ``[general]`` and ``[globals]`` (case-insensitive) are not contexts; every other category
  is, and repeated categories of one name add to the same context (context names are
  case-sensitive, as in Asterisk's context hash table).
* Globals of every ``[globals]`` category are set in order, each after ``${}`` substitution
  with the globals set so far, *before* any context is read; extension names, ``include``,
  ``ignorepat`` and ``switch`` values get the same load-time substitution.
* Extensions are kept in ``ext_cmp`` order, which is the order the default ("old")
  matcher walks them: exact names before patterns, patterns by specificity. The first
  extension that matches *and has the wanted priority* wins; after the context's own
  extensions come its includes, depth first, each context searched once per lookup.

What is not modelled: switches are recorded but never asked (there is no remote PBX to ask),
``$[...]`` expressions and dialplan functions other than ``GLOBAL()`` are not evaluated at
load time (variables Asterisk cannot resolve at load time become empty, as in Asterisk), and
``extenpatternmatchnew = yes`` (the trie matcher) is read but routing always uses the
default matcher.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Literal, NamedTuple, cast
from zoneinfo import ZoneInfo

from pyst.errors import ConfigSyntaxError

__all__ = [
    "HINT_PRIORITY",
    "ApplicationCall",
    "ConfigLine",
    "Context",
    "Dialplan",
    "DialplanDiagnostic",
    "Extension",
    "GeneralSettings",
    "Include",
    "Priority",
    "RawCategory",
    "Switch",
    "TimeSpec",
    "extension_can_match",
    "extension_cmp",
    "extension_match",
    "extension_match_more",
    "extension_sort_key",
    "split_application",
    "split_config_text",
]

logger = logging.getLogger(__name__)

#: The priority number Asterisk gives ``exten => X,hint,...`` lines (``PRIORITY_HINT``).
HINT_PRIORITY = -1

# Include-stack depth after which pbx_find_extension gives up ("Maximum PBX stack exceeded";
# AST_PBX_MAX_STACK in include/asterisk/pbx.h).
_MAX_STACK = 512

# Match modes of main/pbx.c:_extension_match_core (enum ext_match_t, masked by E_MATCH_MASK).
_MATCHMORE = 0
_CANMATCH = 1
_MATCH = 2

Severity = Literal["error", "warning"]

# What C's isspace() accepts, and the bytes config.c trims from lines (every byte <= 0x20).
_C_SPACE = " \t\n\v\f\r"
_CONF_BLANKS = "".join(chr(i) for i in range(0x21))
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _casefold(text: str) -> str:
    """strcasecmp() folding: ASCII letters only."""
    return text.translate(_ASCII_LOWER)


def _ast_true(value: str | None) -> bool:
    """main/utils.c:ast_true."""
    return value is not None and _casefold(value) in {"yes", "true", "y", "t", "1", "on"}


def _to_bytes(text: str) -> bytes:
    # Asterisk matches bytes; text comes in decoded with surrogateescape, so this round-trips.
    return text.encode("utf-8", "surrogateescape")


# --------------------------------------------------------------------------------------------
# Diagnostics and input types


@dataclass(frozen=True)
class DialplanDiagnostic:
    """Something Asterisk would log while loading the dialplan.

    ``severity`` is ``"error"`` or ``"warning"`` (Asterisk's LOG_ERROR / LOG_WARNING); the
    line concerned is always dropped for errors, and for warnings when the message says so.
    """

    severity: Severity
    message: str
    filename: str
    line: int

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.severity}: {self.message}"


class ConfigLine(NamedTuple):
    """One ``key = value`` / ``key => value`` line as the config reader hands it over."""

    key: str
    value: str
    filename: str
    lineno: int
    is_object: bool


#: One category: its name and its lines in file order. Plain tuples are accepted too.
RawCategory = tuple[str, Sequence[tuple[str, str, str, int, bool]]]


# --------------------------------------------------------------------------------------------
# Pattern matching (main/pbx.c:_extension_match_core)


def _match_core(pattern: bytes, data: bytes, mode: int) -> int:
    """0 no match, 1 match, 2 early match (a ``!`` was reached); Asterisk's return codes."""
    if not pattern.startswith(b"_"):
        # Not a pattern: exact or prefix comparison, '-' ignored on both sides.
        pat = pattern.replace(b"-", b"")
        dat = data.replace(b"-", b"")
        if len(pat) < len(dat):
            return 0
        if mode == _MATCH:
            return int(pat == dat)
        if pat.startswith(dat):
            return int(len(pat) > len(dat)) if mode == _MATCHMORE else 1
        return 0
    # In E_MATCH mode Asterisk first compares the two as patterns: "_X." matches "_X.".
    if (
        mode == _MATCH
        and data.startswith(b"_")
        and _pattern_positions(pattern[1:]) == _pattern_positions(data[1:])
    ):
        return 1
    pi, di = 1, 0
    plen, dlen = len(pattern), len(data)
    while True:
        while di < dlen and data[di] == 0x2D:  # '-' is eye candy in the data too
            di += 1
        while pi < plen and pattern[pi] == 0x2D:
            pi += 1
        if di >= dlen or pi >= plen or pattern[pi] == 0x2F:  # '/' would start a CID part
            break
        c = pattern[pi]
        d = data[di]
        if c == 0x5B:  # '[' character set
            pi += 1
            end = pattern.find(b"]", pi)
            if end < 0:
                return 0  # "Wrong usage of [] in the extension": unconditional failure
            if pi == end:
                pi += 1  # an empty set is skipped without using a data character
                continue
            found = False
            while pi < end:
                if pi + 2 < end and pattern[pi + 1] == 0x2D:
                    if pattern[pi] <= d <= pattern[pi + 2]:
                        found = True
                        break
                    pi += 3
                    continue
                if d == pattern[pi]:
                    found = True
                    break
                pi += 1
            if not found:
                return 0
            pi = end
        elif c in b"nN":
            if not 0x32 <= d <= 0x39:
                return 0
        elif c in b"xX":
            if not 0x30 <= d <= 0x39:
                return 0
        elif c in b"zZ":
            if not 0x31 <= d <= 0x39:
                return 0
        elif c == 0x2E:  # '.': one or more of anything, and here there is at least one
            return 1
        elif c == 0x21:  # '!': zero or more, early match
            return 2
        elif d != c:  # literal, case-sensitive
            return 0
        di += 1
        pi += 1
    if di < dlen:
        return 0  # data longer than the pattern
    if pi >= plen or pattern[pi] == 0x2F:
        return 0 if mode == _MATCHMORE else 1  # exact match: nothing more can follow
    if pattern[pi] == 0x21:
        return 2
    return 0 if mode == _MATCH else 1  # the pattern wants more digits


def extension_match(pattern: str, exten: str) -> bool:
    """``ast_extension_match``: does ``exten`` match ``pattern`` (``_``-prefixed or literal)?

    Pattern letters ``X`` (0-9), ``Z`` (1-9), ``N`` (2-9) in either case, sets ``[1-5a]``,
    ``.`` (one or more further characters), ``!`` (zero or more); ``-`` is ignored on both
    sides; every other character is literal and case-sensitive. Never raises.
    """
    return _match_core(_to_bytes(pattern), _to_bytes(exten), _MATCH) != 0


def extension_can_match(pattern: str, exten: str) -> bool:
    """``E_CANMATCH``: ``exten`` matches ``pattern`` now or could after more digits."""
    return _match_core(_to_bytes(pattern), _to_bytes(exten), _CANMATCH) != 0


def extension_match_more(pattern: str, exten: str) -> bool:
    """``E_MATCHMORE``: ``pattern`` could match ``exten`` plus more digits.

    A pattern ending in ``!`` that is reached answers true here (Asterisk returns its early
    match code), but :meth:`Dialplan.matchmore` treats that as final, as Asterisk does.
    """
    return _match_core(_to_bytes(pattern), _to_bytes(exten), _MATCHMORE) != 0


# --------------------------------------------------------------------------------------------
# Match order (main/pbx.c:ext_cmp, ext_cmp_pattern, ext_cmp_pattern_pos)
#
# Asterisk keeps each context's extensions sorted with ext_cmp, and the default matcher takes
# the first one that matches. The rules, as implemented below:
# * every non-pattern name sorts before every pattern; two names compare byte by byte
#   ('-' skipped, C `char` is signed, a name that ends first sorts first);
# * two patterns are compared position by position. Each position scores
#   (number of characters it accepts) * 256 + (its smallest character): a literal scores
#   0x100|c, N 0x832, Z 0x931, X 0xA30, a set [..] its size and minimum; '.' scores 0x18000,
#   '!' 0x28000 and the end of the pattern 0x30000, so a longer pattern sorts before its own
#   prefix; a '[' without ']' scores 0x40000. The lower score is more specific and wins.
#   Equal scores with different sets are ordered by the sets themselves: the one holding
#   the lowest character the other lacks comes first. Empty sets are skipped; '-' between
#   positions is ignored.
_DOT = 0x18000
_BANG = 0x28000
_END = 0x30000
_BAD_SET = 0x40000


def _bit(ch: int) -> int:
    # Asterisk's 256-bit character bitmap read as a big-endian number: lower characters are
    # more significant, and a larger bitmap sorts first (the memcmp(right, left) tie-break).
    return 1 << (255 - ch)


_N_BITS = sum(_bit(c) for c in range(0x32, 0x3A))
_X_BITS = sum(_bit(c) for c in range(0x30, 0x3A))
_Z_BITS = sum(_bit(c) for c in range(0x31, 0x3A))


def _pattern_positions(pat: bytes) -> tuple[tuple[int, int], ...]:
    """Scores of each position of a pattern body (after the ``_``), as (score, -bitmap)."""
    out: list[tuple[int, int]] = []
    i, n = 0, len(pat)
    while True:
        while i < n and pat[i] == 0x2D:
            i += 1
        if i >= n:
            out.append((_END, 0))
            return tuple(out)
        c = pat[i]
        i += 1
        if c in b"nN":
            out.append((0x0800 | 0x32, -_N_BITS))
        elif c in b"xX":
            out.append((0x0A00 | 0x30, -_X_BITS))
        elif c in b"zZ":
            out.append((0x0900 | 0x31, -_Z_BITS))
        elif c == 0x2E:
            out.append((_DOT, 0))
        elif c == 0x21:
            out.append((_BANG, 0))
        elif c != 0x5B:
            out.append((0x0100 | c, -_bit(c)))
        else:
            end = pat.find(b"]", i)
            if end < 0:
                out.append((_BAD_SET, 0))
                continue  # Asterisk goes on scoring the characters after the '['
            count, cmin, bits = 0, 0xFF, 0
            while i < end:
                c1 = c2 = pat[i]
                if i + 2 < end and pat[i + 1] == 0x2D:
                    c2 = pat[i + 2]
                    i += 2
                cmin = min(cmin, c1)  # even a reversed, empty range lowers the minimum
                for ch in range(c1, c2 + 1):
                    if not bits & _bit(ch):
                        bits |= _bit(ch)
                        count += 1
                i += 1
            i = end + 1
            if count:
                out.append(((count << 8) | cmin, -bits))


SortKey = tuple[int, tuple[object, ...]]


def extension_sort_key(name: str) -> SortKey:
    """A key that sorts extension names in Asterisk's match order (``ext_cmp``).

    Names with equal keys are the same extension to Asterisk (for example ``1-00`` and
    ``100``, or ``_1`` and ``_[1]``).
    """
    raw = _to_bytes(name)
    if not raw.startswith(b"_"):
        # Signed chars, '-' skipped, and the terminating NUL so that a prefix sorts first.
        chars = tuple(b - 256 if b >= 0x80 else b for b in raw if b != 0x2D)
        return (0, (*chars, 0))
    return (1, _pattern_positions(raw[1:]))


def extension_cmp(left: str, right: str) -> int:
    """``ast_extension_cmp``: -1 if ``left`` is tried before ``right``, 1 after, 0 if same."""
    a, b = extension_sort_key(left), extension_sort_key(right)
    if a == b:
        return 0
    return -1 if a < b else 1


# --------------------------------------------------------------------------------------------
# Small C-compatible helpers


def _scan_c_int(text: str, width: int) -> tuple[int, int] | None:
    """scanf("%<width>d"): (value, index after it) or None."""
    i, n = 0, len(text)
    while i < n and text[i] in _C_SPACE:
        i += 1
    start = i
    limit = i + width
    if i < n and text[i] in "+-":
        i += 1
    digits = i
    while i < n and i < limit and "0" <= text[i] <= "9":
        i += 1
    if i == digits:
        return None
    return int(text[start:i]), i


def _c_atoi(text: str) -> int:
    found = _scan_c_int(text, 64)
    return found[0] if found is not None else 0


def _strip_c(text: str) -> str:
    return text.strip(_C_SPACE)


def _ext_strncpy(name: str) -> str:
    """Copy an extension or CID name the way ``ext_strncpy`` does: drop spaces outside ``[]``.

    Only a pattern opens a bracketed set (Asterisk 15+), so ``1 [2 3]`` becomes ``1[23]``.
    """
    is_pattern = name.startswith("_")
    out: list[str] = []
    insquares = False
    for ch in name:
        if ch == "[":
            insquares = insquares or is_pattern
        elif ch == "]":
            insquares = False
        elif ch == " " and not insquares:
            continue
        out.append(ch)
    return "".join(out)


def _shrink_phone_number(text: str) -> str:
    """``ast_shrink_phone_number``: drop ``( )``, ``-`` outside ``[]`` and non-final ``.``."""
    out: list[str] = []
    bracketed = 0
    last = len(text) - 1
    for i, ch in enumerate(text):
        if ch == "[":
            bracketed += 1
            out.append(ch)
        elif ch == "]":
            bracketed -= 1
            out.append(ch)
        elif ch == "-":
            if bracketed:
                out.append(ch)
        elif ch == ".":
            if i == last:
                out.append(ch)
        elif ch not in "( )":
            out.append(ch)
    return "".join(out)


def _split_exten_field(value: str) -> tuple[str, str]:
    """``pbx_strsep(value, ",")``: split at the first ``,`` outside ``[...]``.

    A backslash protects the next character from the split; like Asterisk, the backslash
    itself stays in the name.
    """
    square = 0
    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        if ch == "[":
            square += 1
        elif ch == "]":
            if square:
                square -= 1
        elif ch == "\\":
            i += 1
        elif ch == "," and not square:
            return value[:i], value[i + 1 :]
        i += 1
    return value, ""


class ApplicationCall(NamedTuple):
    """An application and its argument text, split as pbx_config.c splits them."""

    app: str
    data: str
    unclosed: bool  # True when the data had no closing ')' (Asterisk warns)


def split_application(text: str) -> ApplicationCall:
    """Split ``App(args)`` as ``pbx_load_config`` does.

    The application is everything before the first ``(``; the data runs to the *last* ``)``
    (text after it is dropped), so commas and parentheses inside stay. A missing ``)`` makes
    the data run to the end (``unclosed`` is then true). Without ``(`` there is no data. If
    the application part holds ``${`` or ``$[`` (typical of hints such as
    ``DAHDI/${GLOBAL(X)}``) the whole text is the application and there is no data. Leading
    blanks of the application are skipped. Never raises.
    """
    if "(" not in text:
        return ApplicationCall(text.lstrip(_C_SPACE), "", False)
    head, _, tail = text.partition("(")
    if "${" in head or "$[" in head:
        return ApplicationCall(text.lstrip(_C_SPACE), "", False)
    close = tail.rfind(")")
    if close < 0:
        return ApplicationCall(head.lstrip(_C_SPACE), tail, True)
    return ApplicationCall(head.lstrip(_C_SPACE), tail[:close], False)


# --------------------------------------------------------------------------------------------
# Load-time variable substitution (a small part of pbx_substitute_variables_helper)


def _substring(value: str, offset: int, length: int | None) -> str:
    """``${VAR:offset:length}`` (main/pbx.c:substring)."""
    size = len(value)
    if offset < 0:
        offset = max(size + offset, 0)
    if offset >= size:
        return ""
    if length is None or length >= size - offset:
        return value[offset:]
    if length >= 0:
        return value[offset : offset + length]
    return value[offset : size + length] if size > offset - length else ""


def _substitute(text: str, lookup: Callable[[str], str | None]) -> str:
    """Replace ``${NAME}``, ``${NAME:off:len}`` and ``${GLOBAL(NAME)}``; unknown ones vanish.

    Nested references (``${${X}}``) are expanded inside out. ``$[...]`` is left as written.
    """
    if "${" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        start = text.find("${", i)
        if start < 0:
            out.append(text[i:])
            break
        out.append(text[i:start])
        j = start + 2
        depth = 1
        while j < n and depth:
            if text[j] == "{":
                depth += 1
            elif text[j] == "}":
                depth -= 1
            j += 1
        # An unterminated reference takes the rest of the text (Asterisk warns "missing '}'").
        inner = text[start + 2 : j - 1] if depth == 0 else text[start + 2 :]
        out.append(_evaluate(_substitute(inner, lookup), lookup))
        i = j
    return "".join(out)


def _evaluate(expr: str, lookup: Callable[[str], str | None]) -> str:
    name, offset, length = expr, 0, None
    depth = 0
    for k, ch in enumerate(expr):  # parse_variable_name: a ':' outside parentheses
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ":" and depth == 0:
            name = expr[:k]
            first = _scan_c_int(expr[k + 1 :], 30)
            if first is not None:
                offset = first[0]
                rest = expr[k + 1 + first[1] :]
                if rest.startswith(":"):
                    second = _scan_c_int(rest[1:], 30)
                    length = second[0] if second is not None else None
            break
    match = re.fullmatch(r"GLOBAL\((.*)\)", name)
    if match is not None:
        value = lookup(match.group(1))
    elif "(" in name:
        value = None  # other dialplan functions are not evaluated at load time
    else:
        value = lookup(name)
    return _substring(value or "", offset, length)


# --------------------------------------------------------------------------------------------
# Time-restricted includes (main/pbx_timing.c)

_WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DAY_MINUTES = 24 * 60


def _lookup_name(text: str, names: Sequence[str] | None, maximum: int) -> int:
    """``lookup_name``: 0-based index of a name or of a 1-based number, or -1."""
    if names and text and text[0] > "9":
        folded = _casefold(text)
        for index, candidate in enumerate(names):
            if folded == candidate:
                return index
    found = _scan_c_int(text, 2)
    if found is not None and 1 <= found[0] <= maximum:
        return found[0] - 1
    return -1


def _get_range(
    src: str, maximum: int, names: Sequence[str] | None, what: str, warn: Callable[[str], None]
) -> int:
    """``get_range``: a bitmask of ``maximum`` bits; ``a-b`` ranges wrap around the end."""
    if not src or src == "*":
        return (1 << maximum) - 1
    mask = 0
    for part in src.split("&"):
        first, dash, last = part.partition("-")
        start = _lookup_name(first, names, maximum)
        if start < 0:
            warn(f"Invalid {what} '{first}', skipping element")
            continue
        end = start
        if dash:
            end = _lookup_name(last, names, maximum)
            if end < 0:
                warn(f"Invalid end {what} '{last}', skipping element")
                continue
        mask |= 1 << end
        while start != end:
            mask |= 1 << start
            start = (start + 1) % maximum
    return mask


def _scan_hour_minute(text: str) -> int | None:
    """sscanf("%2d:%2d") plus the 0-23 / 0-59 check; minute of the day or None."""
    hour = _scan_c_int(text, 2)
    if hour is None or text[hour[1] : hour[1] + 1] != ":":
        return None
    minute = _scan_c_int(text[hour[1] + 1 :], 2)
    if minute is None or not (0 <= hour[0] <= 23 and 0 <= minute[0] <= 59):
        return None
    return hour[0] * 60 + minute[0]


def _get_timerange(times: str, warn: Callable[[str], None]) -> int:
    """``get_timerange``: one bit per minute of the day; ``17:00-8:00`` wraps past midnight."""
    if not times or times == "*":
        return (1 << _DAY_MINUTES) - 1
    mask = 0
    for part in times.split("&"):
        if "-" not in part:
            single = _scan_hour_minute(part)
            if single is None:
                warn(f"{part} isn't a valid time.")
                continue
            mask |= 1 << single
            continue
        first, _, last = part.partition("-")
        skip = 0  # Asterisk skips anything that is not a digit (mostly spaces) after the '-'
        while skip < len(last) and not "0" <= last[skip] <= "9":
            skip += 1
        last = last[skip:]
        if not last:
            warn(f"Invalid time range starting with '{first}-'.")
            continue
        start = _scan_hour_minute(first)
        if start is None:
            warn(f"'{first}' isn't a valid start time.")
            continue
        end = _scan_hour_minute(last)
        if end is None:
            warn(f"'{last}' isn't a valid end time.")
            continue
        while start != end:
            mask |= 1 << start
            start = (start + 1) % _DAY_MINUTES
        mask |= 1 << end
    return mask


@dataclass(frozen=True)
class TimeSpec:
    """``<times>,<weekdays>,<mdays>,<months>[,<timezone>]`` of a time-restricted include.

    Each field is ``*`` (or empty) for "any", or ``&``-separated items that are single values
    or ``a-b`` ranges which wrap around (``fri-mon``, ``22:00-6:00``, ``nov-feb``). Times are
    ``H:MM`` with one-minute resolution and both ends included; weekdays are ``sun``..``sat``
    or 1..7 (1 = Sunday); days of the month 1..31; months ``jan``..``dec`` or 1..12. Names
    are case-insensitive. ``,`` and ``|`` both separate fields; the time zone is only taken
    when there are exactly five fields. The masks hold one bit per minute of the day, per
    weekday (bit 0 = Sunday), per day of the month (bit 0 = the 1st) and per month (bit 0 =
    January).
    """

    text: str
    minutes: int
    weekdays: int
    monthdays: int
    months: int
    timezone: str | None = None

    @classmethod
    def parse(cls, text: str, warn: Callable[[str], None] | None = None) -> TimeSpec:
        """Build the masks from ``text`` as ``ast_build_timing`` does; never raises.

        Invalid items are skipped, each reported through ``warn`` with Asterisk's wording.
        """
        report: Callable[[str], None] = warn if warn is not None else (lambda _msg: None)
        parts = re.split(r"[|,]", text)
        zone: str | None = None
        if len(parts) == 5 and parts[4]:
            zone = parts[4]
        spec = cls(
            text=text,
            minutes=_get_timerange(parts[0], report),
            weekdays=(
                _get_range(parts[1], 7, _WEEKDAYS, "day of week", report)
                if len(parts) > 1
                else 0x7F
            ),
            monthdays=(
                _get_range(parts[2], 31, None, "day", report) if len(parts) > 2 else 0x7FFFFFFF
            ),
            months=(
                _get_range(parts[3], 12, _MONTHS, "month", report) if len(parts) > 3 else 0xFFF
            ),
            timezone=zone,
        )
        if zone is not None and spec._zone() is None:
            report(f"Unknown time zone '{zone}'; the time is taken as given")
        return spec

    def _zone(self) -> ZoneInfo | None:
        if self.timezone is None:
            return None
        try:
            return ZoneInfo(self.timezone)
        except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
            return None

    def matches(self, now: datetime) -> bool:
        """``ast_check_timing2``: is ``now`` inside this specification?

        Without a time zone in the spec the wall-clock fields of ``now`` are used as the
        PBX's local time, whatever zone ``now`` carries. With a (known) zone, an aware
        ``now`` is converted to it and a naive ``now`` is taken as UTC first.
        """
        zone = self._zone()
        if zone is not None:
            aware = now if now.tzinfo is not None else now.replace(tzinfo=timezone.utc)
            now = aware.astimezone(zone)
        weekday = (now.weekday() + 1) % 7  # struct tm counts from Sunday
        return bool(
            self.months >> (now.month - 1) & 1
            and self.monthdays >> (now.day - 1) & 1
            and self.weekdays >> weekday & 1
            and self.minutes >> (now.hour * 60 + now.minute) & 1
        )


# --------------------------------------------------------------------------------------------
# The model


@dataclass(frozen=True)
class Priority:
    """One priority line: what runs at (context, extension, priority).

    ``exten`` is the extension as written in the dialplan (for a pattern, the pattern), not
    the number dialled. ``priority`` is :data:`HINT_PRIORITY` for a hint, whose ``app`` is
    the device list (and ``data`` the optional presence text).
    """

    context: str
    exten: str
    priority: int
    app: str
    data: str
    label: str | None
    cidmatch: str | None
    filename: str
    lineno: int

    @property
    def is_hint(self) -> bool:
        return self.priority == HINT_PRIORITY

    @property
    def source(self) -> str:
        """``file:line`` of the defining line."""
        return f"{self.filename}:{self.lineno}"


@dataclass(frozen=True)
class Extension:
    """An extension (or pattern) of a context with all its priorities, in priority order.

    ``cidmatch`` is None when the extension has no ``/callerid`` part; an empty string means
    it only matches calls *without* caller id (``exten => 100/,1,...``).
    """

    name: str
    cidmatch: str | None
    priorities: tuple[Priority, ...]
    _by_priority: Mapping[int, Priority] = field(init=False, repr=False, compare=False)
    _by_label: Mapping[str, Priority] = field(init=False, repr=False, compare=False)
    _pattern: bytes = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        labels: dict[str, Priority] = {}
        for prio in self.priorities:
            if prio.label is not None:
                labels.setdefault(prio.label, prio)
        object.__setattr__(self, "_by_priority", {p.priority: p for p in self.priorities})
        object.__setattr__(self, "_by_label", labels)
        object.__setattr__(self, "_pattern", _to_bytes(self.name))

    @property
    def is_pattern(self) -> bool:
        return self.name.startswith("_")

    def priority(self, number: int) -> Priority | None:
        """The line with this priority number (:data:`HINT_PRIORITY` for the hint)."""
        return self._by_priority.get(number)

    def label(self, name: str) -> Priority | None:
        """The line carrying this label (labels are case-sensitive)."""
        return self._by_label.get(name)

    def matches(self, exten: str, callerid: str | None = None) -> bool:
        """Would this extension be taken for ``exten`` dialled by ``callerid``?"""
        if not _match_core(self._pattern, _to_bytes(exten), _MATCH):
            return False
        return self.cidmatch is None or _match_cid(self.cidmatch, callerid)


@dataclass(frozen=True)
class Include:
    """``include => context[,times,weekdays,mdays,months[,tz]]``.

    ``text`` is the whole value (after substitution); ``timing`` is None when the include
    always applies.
    """

    context: str
    timing: TimeSpec | None
    text: str
    filename: str
    lineno: int

    def valid_at(self, now: datetime) -> bool:
        """``include_valid``: does this include apply at ``now``?"""
        return self.timing is None or self.timing.matches(now)


@dataclass(frozen=True)
class Switch:
    """``switch``/``lswitch``/``eswitch => Module/data`` (recorded, never consulted)."""

    kind: Literal["switch", "lswitch", "eswitch"]
    module: str
    data: str
    filename: str
    lineno: int

    @property
    def evaluate_at_runtime(self) -> bool:
        """True for ``eswitch``: variables in ``data`` are expanded at each lookup."""
        return self.kind == "eswitch"


@dataclass(frozen=True)
class Context:
    """A dialplan context. ``extensions`` are in the order Asterisk tries them.

    ``filename``/``lineno`` locate the first line read into the context (``""`` and 0 for a
    context without lines).
    """

    name: str
    extensions: tuple[Extension, ...]
    includes: tuple[Include, ...]
    ignorepats: tuple[str, ...]
    switches: tuple[Switch, ...]
    autohints: bool
    filename: str
    lineno: int

    def extension(self, name: str, cidmatch: str | None = None) -> Extension | None:
        """The extension defined under this name (as Asterisk compares names), if any."""
        key = _extension_key(_ext_strncpy(name), cidmatch)
        for ext in self.extensions:
            if _extension_key(ext.name, ext.cidmatch) == key:
                return ext
        return None


@dataclass(frozen=True)
class GeneralSettings:
    """The ``[general]`` section (first one; first value of each key, names case-insensitive)."""

    static: bool = False
    writeprotect: bool = False
    autofallthrough: bool = True
    extenpatternmatchnew: bool = False
    clearglobalvars: bool = False
    overrideswitch: str | None = None
    userscontext: str = "default"
    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}), hash=False)


def _extension_key(name: str, cidmatch: str | None) -> tuple[SortKey, int, SortKey | tuple[()]]:
    """Sort/identity key of an extension: ext_cmp of the names, then the caller-id part.

    add_extension2 puts an extension *with* a CID match before the same name without one,
    and orders CID matches among themselves with ext_cmp.
    """
    if cidmatch is None:
        return (extension_sort_key(name), 1, ())
    return (extension_sort_key(name), 0, extension_sort_key(cidmatch))


def _match_cid(cidpattern: str, callerid: str | None) -> bool:
    """``matchcid``: an empty CID pattern matches only calls without caller id."""
    if not callerid:
        return not cidpattern
    return _match_core(_to_bytes(cidpattern), _to_bytes(callerid), _MATCH) != 0


def _default_clock() -> datetime:
    return datetime.now().astimezone()


class Dialplan:
    """The contexts of an ``extensions.conf`` and Asterisk's routing over them.

    Build one with :meth:`from_categories` (from a config reader) or :meth:`from_text`.
    ``clock`` gives "now" for time-restricted includes when a lookup passes no ``now``.
    """

    def __init__(
        self,
        contexts: Mapping[str, Context],
        globals_: Mapping[str, str],
        general: GeneralSettings,
        diagnostics: Sequence[DialplanDiagnostic] = (),
        *,
        clock: Callable[[], datetime] = _default_clock,
    ) -> None:
        self.contexts: Mapping[str, Context] = MappingProxyType(dict(contexts))
        self.globals: Mapping[str, str] = MappingProxyType(dict(globals_))
        self.general = general
        self.diagnostics: tuple[DialplanDiagnostic, ...] = tuple(diagnostics)
        self._clock = clock

    def __repr__(self) -> str:
        return f"<Dialplan {len(self.contexts)} contexts, {len(self.diagnostics)} diagnostics>"

    # ---- construction ----------------------------------------------------------------------

    @classmethod
    def from_categories(
        cls,
        categories: Iterable[RawCategory],
        *,
        clock: Callable[[], datetime] = _default_clock,
    ) -> Dialplan:
        """Build the dialplan from a config reader's categories, as ``pbx_load_config`` does.

        Never raises for dialplan content: every problem becomes a diagnostic (and the
        offending line is skipped where Asterisk skips it).
        """
        builder = _Builder()
        builder.load([(name, list(lines)) for name, lines in categories])
        return cls(
            {name: ctx.freeze() for name, ctx in builder.contexts.items()},
            builder.globals,
            builder.general,
            builder.diagnostics,
            clock=clock,
        )

    @classmethod
    def from_text(
        cls,
        text: str,
        filename: str = "extensions.conf",
        *,
        reader: Callable[[str, str], Iterable[RawCategory]] | None = None,
        clock: Callable[[], datetime] = _default_clock,
    ) -> Dialplan:
        """Build the dialplan from the text of one ``extensions.conf``.

        ``reader(text, filename)`` turns text into categories. By default the project's
        config reader is used if it offers ``pyst.config.categories_from_text`` with that
        signature; otherwise the small built-in :func:`split_config_text` (no ``#include``).

        Raises :class:`~pyst.errors.ConfigSyntaxError` when the reader finds the file invalid.
        """
        chosen = reader if reader is not None else _default_reader()
        return cls.from_categories(chosen(text, filename), clock=clock)

    # ---- routing ---------------------------------------------------------------------------

    def find(
        self,
        context: str,
        exten: str,
        priority: int = 1,
        callerid: str | None = None,
        *,
        now: datetime | None = None,
    ) -> Priority | None:
        """The line Asterisk runs for ``context``/``exten``/``priority``, or None.

        Searches the context's extensions in match order (the first that matches, passes
        the caller-id match and has this priority wins), then its includes in order, depth
        first, skipping includes whose time spec excludes ``now``; each context is searched
        at most once per lookup, which also stops include loops.
        """
        return self._lookup(context, exten, priority, None, callerid, _MATCH, now)

    def exists(
        self,
        context: str,
        exten: str,
        priority: int = 1,
        callerid: str | None = None,
        *,
        now: datetime | None = None,
    ) -> bool:
        """``ast_exists_extension``."""
        return self.find(context, exten, priority, callerid, now=now) is not None

    def find_label(
        self,
        context: str,
        exten: str,
        label: str,
        callerid: str | None = None,
        *,
        now: datetime | None = None,
    ) -> Priority | None:
        """The line labelled ``label`` for ``exten`` (``ast_findlabel_extension``), or None."""
        return self._lookup(context, exten, 0, label, callerid, _MATCH, now)

    def next_priority(
        self,
        context: str,
        exten: str,
        priority: int,
        callerid: str | None = None,
        *,
        now: datetime | None = None,
    ) -> Priority | None:
        """The line after ``priority``: Asterisk simply looks up ``priority + 1`` again."""
        return self.find(context, exten, priority + 1, callerid, now=now)

    def can_match(
        self,
        context: str,
        exten: str,
        priority: int = 1,
        callerid: str | None = None,
        *,
        now: datetime | None = None,
    ) -> bool:
        """``ast_canmatch_extension``: ``exten`` matches now or may after more digits."""
        found = self._lookup(context, exten, priority, None, callerid, _CANMATCH, now)
        return found is not None

    def matchmore(
        self,
        context: str,
        exten: str,
        priority: int = 1,
        callerid: str | None = None,
        *,
        now: datetime | None = None,
    ) -> bool:
        """``ast_matchmore_extension``: could more digits still lead to a match?

        A matching pattern ending in ``!`` ends the search of its context with "no", which
        is how ``!`` makes digit collection stop early.
        """
        found = self._lookup(context, exten, priority, None, callerid, _MATCHMORE, now)
        return found is not None

    def hint(self, context: str, exten: str, *, now: datetime | None = None) -> str | None:
        """``ast_get_hint``: the device list of the hint for ``exten``, or None.

        Looked up like a priority (patterns and includes apply) with no caller id.
        """
        found = self._lookup(context, exten, HINT_PRIORITY, None, "", _MATCH, now)
        return found.app if found is not None else None

    def ignore_pattern(self, context: str, digits: str) -> bool:
        """``ast_ignore_pattern``: keep dial tone after ``digits`` (own ignorepats only)."""
        ctx = self.contexts.get(context)
        return ctx is not None and any(extension_match(p, digits) for p in ctx.ignorepats)

    def _lookup(
        self,
        context: str,
        exten: str,
        priority: int,
        label: str | None,
        callerid: str | None,
        mode: int,
        now: datetime | None,
    ) -> Priority | None:
        clock: list[datetime] = [now] if now is not None else []

        def current_time() -> datetime:
            if not clock:
                clock.append(self._clock())
            return clock[0]

        stack: list[str] = []
        return self._search(
            context, _to_bytes(exten), priority, label, callerid, mode, current_time, stack
        )

    def _search(
        self,
        context: str,
        data: bytes,
        priority: int,
        label: str | None,
        callerid: str | None,
        mode: int,
        now: Callable[[], datetime],
        stack: list[str],
    ) -> Priority | None:
        # main/pbx.c:pbx_find_extension with the default matcher.
        if len(stack) >= _MAX_STACK:
            logger.warning("Maximum PBX stack exceeded")
            return None
        folded = _casefold(context)
        if any(_casefold(seen) == folded for seen in stack):
            return None
        ctx = self.contexts.get(context)
        if ctx is None:
            return None
        for ext in ctx.extensions:
            result = _match_core(ext._pattern, data, mode)
            if not result or (ext.cidmatch is not None and not _match_cid(ext.cidmatch, callerid)):
                continue
            if result == 2 and mode == _MATCHMORE:
                return None  # '!' reached: the decision is final for this context
            found = ext.label(label) if label is not None else ext.priority(priority)
            if found is not None:
                return found
        # Switches would be asked here; there is nothing to ask, so they never match.
        stack.append(ctx.name)
        for inc in ctx.includes:
            if inc.timing is None or inc.timing.matches(now()):
                found = self._search(inc.context, data, priority, label, callerid, mode, now, stack)
                if found is not None:
                    return found
        return None


# --------------------------------------------------------------------------------------------
# Loading (pbx/pbx_config.c:pbx_load_config)


class _ExtensionBuilder:
    __slots__ = ("cidmatch", "key", "labels", "name", "priorities")

    def __init__(self, name: str, cidmatch: str | None) -> None:
        self.name = name
        self.cidmatch = cidmatch
        self.key = _extension_key(name, cidmatch)
        self.priorities: dict[int, Priority] = {}
        self.labels: dict[str, Priority] = {}


class _ContextBuilder:
    def __init__(self, name: str, filename: str, lineno: int) -> None:
        self.name = name
        self.filename = filename
        self.lineno = lineno
        self.extensions: dict[object, _ExtensionBuilder] = {}
        self.includes: list[Include] = []
        self.ignorepats: list[str] = []
        self.switches: list[Switch] = []
        self.autohints = False

    def ordered(self) -> list[_ExtensionBuilder]:
        return sorted(self.extensions.values(), key=lambda e: e.key)

    def freeze(self) -> Context:
        return Context(
            name=self.name,
            extensions=tuple(
                Extension(e.name, e.cidmatch, tuple(sorted(e.priorities.values(), key=_prio)))
                for e in self.ordered()
            ),
            includes=tuple(self.includes),
            ignorepats=tuple(self.ignorepats),
            switches=tuple(self.switches),
            autohints=self.autohints,
            filename=self.filename,
            lineno=self.lineno,
        )


def _prio(p: Priority) -> int:
    return p.priority


class _Builder:
    def __init__(self) -> None:
        self.contexts: dict[str, _ContextBuilder] = {}
        self.globals: dict[str, str] = {}
        self.general = GeneralSettings()
        self.diagnostics: list[DialplanDiagnostic] = []

    def _report(self, severity: Severity, message: str, filename: str, line: int) -> None:
        self.diagnostics.append(DialplanDiagnostic(severity, message, filename, line))
        level = logging.ERROR if severity == "error" else logging.WARNING
        logger.log(level, "%s:%d: %s", filename, line, message)

    def _lookup_global(self, name: str) -> str | None:
        return self.globals.get(name)

    def _subst(self, text: str) -> str:
        return _substitute(text, self._lookup_global)

    def load(self, categories: list[tuple[str, list[tuple[str, str, str, int, bool]]]]) -> None:
        general = [c for c in categories if _casefold(c[0]) == "general"]
        if general:
            self._load_general(general[0][1])
        for name, lines in categories:
            if _casefold(name) == "globals":
                for key, value, *_ in lines:
                    self.globals[key] = self._subst(value)
        for name, lines in categories:
            if _casefold(name) not in ("general", "globals"):
                self._load_context(name, lines)
        for ctx in self.contexts.values():  # ast_context_verify_includes
            for inc in ctx.includes:
                if inc.context not in self.contexts:
                    self._report(
                        "warning",
                        f"Context '{ctx.name}' tries to include nonexistent context "
                        f"'{inc.context}'",
                        inc.filename,
                        inc.lineno,
                    )

    def _load_general(self, lines: list[tuple[str, str, str, int, bool]]) -> None:
        values: dict[str, str] = {}
        for key, value, *_ in lines:
            values.setdefault(_casefold(key), value)  # ast_variable_retrieve: first wins
        aft = values.get("autofallthrough")
        newpm = values.get("extenpatternmatchnew")
        self.general = GeneralSettings(
            static=_ast_true(values.get("static")),
            writeprotect=_ast_true(values.get("writeprotect")),
            autofallthrough=_ast_true(aft) if aft is not None else True,
            extenpatternmatchnew=_ast_true(newpm) if newpm is not None else False,
            clearglobalvars=_ast_true(values.get("clearglobalvars")),
            overrideswitch=values.get("overrideswitch") or None,
            userscontext=values.get("userscontext") or "default",
            values=MappingProxyType(values),
        )

    def _load_context(self, name: str, lines: list[tuple[str, str, str, int, bool]]) -> None:
        if name in self.contexts:
            ctx = self.contexts[name]
        else:
            first = lines[0] if lines else ("", "", "", 0, False)
            ctx = self.contexts[name] = _ContextBuilder(name, first[2], first[3])
        # The "previous line" state is reset at each category.
        state = _LineState()
        for key, value, filename, lineno, _obj in lines:
            folded = _casefold(key)
            if folded.startswith("same"):
                if not state.last_extension:
                    self._report(
                        "error",
                        f"No previous pattern in the first entry of context '{name}' to match "
                        f"'{key}'",
                        filename,
                        lineno,
                    )
                    continue
                self._exten_line(ctx, state, state.last_extension, value, filename, lineno)
            elif folded == "exten":
                ext_text, rest = _split_exten_field(value)
                realext = self._subst(ext_text)
                state.last_extension = realext
                self._exten_line(ctx, state, realext, rest, filename, lineno)
            elif folded == "include":
                self._include(ctx, self._subst(value), filename, lineno)
            elif folded == "ignorepat":
                pattern = self._subst(value)
                if any(_casefold(p) == _casefold(pattern) for p in ctx.ignorepats):
                    self._report(
                        "warning",
                        f"Unable to include ignorepat '{value}' in context '{name}'",
                        filename,
                        lineno,
                    )
                else:
                    ctx.ignorepats.append(pattern)
            elif folded in ("switch", "lswitch", "eswitch"):
                self._switch(ctx, folded, value, filename, lineno)
            elif folded == "autohints":
                ctx.autohints = _ast_true(value)
            else:
                self._report("warning", f"Unknown directive: {key} -- IGNORING", filename, lineno)

    def _include(self, ctx: _ContextBuilder, value: str, filename: str, lineno: int) -> None:
        # main/pbx_include.c:include_alloc splits at the first '|', else at the first ','.
        cut = value.find("|")
        if cut < 0:
            cut = value.find(",")
        target, timing = value, None
        if cut >= 0:
            target = value[:cut]
            spec_text = value[cut + 1 :]
            if spec_text:
                timing = TimeSpec.parse(
                    spec_text, lambda msg: self._report("warning", msg, filename, lineno)
                )
        if any(_casefold(inc.text) == _casefold(value) for inc in ctx.includes):
            self._report(
                "warning",
                f"Context '{value}' already included in '{ctx.name}' context",
                filename,
                lineno,
            )
            return
        ctx.includes.append(Include(target, timing, value, filename, lineno))

    def _switch(
        self, ctx: _ContextBuilder, kind: str, value: str, filename: str, lineno: int
    ) -> None:
        # Only 'switch' is substituted at load time; 'lswitch' is literal, 'eswitch' is
        # expanded at each lookup.
        text = self._subst(value) if kind == "switch" else value
        module, _, data = text.partition("/")
        if any(
            _casefold(s.module) == _casefold(module) and _casefold(s.data) == _casefold(data)
            for s in ctx.switches
        ):
            self._report(
                "warning",
                f"Unable to include switch '{value}' in context '{ctx.name}'",
                filename,
                lineno,
            )
            return
        sw_kind: Literal["switch", "lswitch", "eswitch"] = (
            "eswitch" if kind == "eswitch" else "lswitch" if kind == "lswitch" else "switch"
        )
        ctx.switches.append(Switch(sw_kind, module, data, filename, lineno))

    def _exten_line(
        self,
        ctx: _ContextBuilder,
        state: _LineState,
        realext: str,
        rest: str,
        filename: str,
        lineno: int,
    ) -> None:
        warn = self._report
        exten, slash, cid_text = realext.partition("/")
        cidmatch = _shrink_phone_number(cid_text) if slash else None
        pri_text, _, app_text = rest.partition(",")
        pri = _strip_c(pri_text)
        label: str | None = None
        open_paren = pri.find("(")
        if open_paren >= 0:
            label_text = pri[open_paren + 1 :]
            pri = pri[:open_paren]
            close = label_text.find(")")
            if close < 0:
                warn("warning", "Label missing trailing ')'", filename, lineno)
                return
            if label_text[close + 1 :]:
                # Asterisk cuts the priority field at '(' before looking for '+', so an
                # offset written after the label is silently lost.
                warn(
                    "warning",
                    f"Text after label '({label_text[:close]})' is ignored, as Asterisk does "
                    f"('{label_text[close + 1 :]}'); write the offset before the label",
                    filename,
                    lineno,
                )
            label = label_text[:close] or None
        pri, plus_sign, plus = pri.partition("+")
        if pri == "hint":
            ipri = HINT_PRIORITY
        elif pri in ("next", "n"):
            if state.last_priority <= -2:
                warn("warning", "Can't use 'next' priority on the first entry", filename, lineno)
                return
            ipri = state.last_priority + 1
        elif pri in ("same", "s"):
            if state.last_priority <= -2:
                warn("warning", "Can't use 'same' priority on the first entry", filename, lineno)
                return
            ipri = state.last_priority
        else:
            scanned = _scan_c_int(pri, 30)
            if scanned is None:
                ipri = _find_label_while_loading(ctx, exten, pri, cidmatch)
                if ipri < 1:
                    warn("warning", f"Invalid priority/label '{pri}'", filename, lineno)
                    return
            else:
                ipri = scanned[0]
                if ipri < 1:
                    warn("warning", f"Invalid priority '{pri}'", filename, lineno)
                    return
        call = split_application(app_text)
        if call.unclosed:
            warn(
                "warning",
                f"No closing parenthesis found? '{call.app}({call.data}'",
                filename,
                lineno,
            )
        if not ipri:
            # 'n' right after a hint line: the hint's -1 plus one is 0, and Asterisk drops
            # the line without a word. Say it here, since the result surprises.
            warn(
                "warning",
                "Priority 0 (from 'n' or 's' after a hint line) is dropped, as Asterisk does",
                filename,
                lineno,
            )
            return
        if plus_sign:
            ipri += _c_atoi(plus)
        state.last_priority = ipri
        if exten in ("_.", "_!"):
            warn(
                "warning",
                f"The use of '{exten}' for an extension is strongly discouraged and can have "
                f"unexpected behavior.  Please use '_X{exten[1]}' instead",
                filename,
                lineno,
            )
        self._add(ctx, exten, ipri, label, cidmatch, call, filename, lineno)

    def _add(
        self,
        ctx: _ContextBuilder,
        exten: str,
        priority: int,
        label: str | None,
        cidmatch: str | None,
        call: ApplicationCall,
        filename: str,
        lineno: int,
    ) -> None:
        # main/pbx.c:ast_add_extension2_lockopt and add_priority, with replace = 0.
        if not exten:
            self._report(
                "error",
                f"You have to be kidding-- add exten '' to context {ctx.name}? Figure out a "
                "name and call me back. Action ignored.",
                filename,
                lineno,
            )
            return
        app = call.app
        if priority == HINT_PRIORITY and "${" in app and not exten.startswith("_"):
            # Hints are expanded once, at load time, with EXTEN and CONTEXT known.
            def lookup(name: str) -> str | None:
                if name == "EXTEN":
                    return exten
                if name == "CONTEXT":
                    return ctx.name
                return self.globals.get(name)

            app = _substitute(app, lookup)
        name = _ext_strncpy(exten)
        cid = _ext_strncpy(cidmatch) if cidmatch is not None else None
        key = _extension_key(name, cid)
        ext = ctx.extensions.get(key)
        if ext is None:
            ext = ctx.extensions[key] = _ExtensionBuilder(name, cid)
        if priority in ext.priorities:
            alias = "" if ext.name == name else f" by aliased extension '{ext.name}'"
            self._report(
                "warning",
                f"Unable to register extension '{name}' priority {priority} in '{ctx.name}', "
                f"already in use{alias}",
                filename,
                lineno,
            )
            return
        if label is not None and label in ext.labels:
            self._report(
                "warning",
                f"Extension '{name}' priority {priority} in '{ctx.name}', label '{label}' "
                f"already in use at priority {ext.labels[label].priority}",
                filename,
                lineno,
            )
            label = None
        prio = Priority(
            context=ctx.name,
            exten=ext.name,
            priority=priority,
            app=app,
            data=call.data,
            label=label,
            cidmatch=ext.cidmatch,
            filename=filename,
            lineno=lineno,
        )
        ext.priorities[priority] = prio
        if label is not None:
            ext.labels[label] = prio


class _LineState:
    __slots__ = ("last_extension", "last_priority")

    def __init__(self) -> None:
        self.last_extension = ""
        self.last_priority = -2  # Asterisk's "no previous line" value


def _find_label_while_loading(
    ctx: _ContextBuilder, exten: str, label: str, cidmatch: str | None
) -> int:
    """``ast_findlabel_extension2`` against the part of the context read so far, or -1."""
    data = _to_bytes(exten)
    for ext in ctx.ordered():
        if not _match_core(_to_bytes(ext.name), data, _MATCH):
            continue
        if ext.cidmatch is not None and not _match_cid(ext.cidmatch, cidmatch):
            continue
        found = ext.labels.get(label)
        if found is not None:
            return found.priority
    return -1


# --------------------------------------------------------------------------------------------
# Text input


def _default_reader() -> Callable[[str, str], Iterable[RawCategory]]:
    """The project's reader if it offers the documented hook, else the small splitter.

    The hook is ``pyst.config.categories_from_text(text, filename)`` returning categories in
    the :data:`RawCategory` shape; it is looked up at call time so that this module does
    not depend on the reader being there.
    """
    try:
        package = importlib.import_module("pyst.config")
    except ImportError:  # pragma: no cover - pyst.config is this module's own package
        return split_config_text
    hook = getattr(package, "categories_from_text", None)
    if callable(hook):
        return cast(Callable[[str, str], Iterable[RawCategory]], hook)
    return split_config_text


def _strip_comments(raw: str, depth: int) -> tuple[str, int]:
    """Remove ``;`` comments and ``;-- --;`` blocks (nesting); ``\\;`` is a literal ``;``."""
    out: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        opener = raw.startswith(";--", i) and not raw.startswith(";---", i)
        if depth:
            if raw.startswith("--;", i):
                depth -= 1
                i += 3
            elif opener:
                depth += 1
                i += 3
            else:
                i += 1
            continue
        ch = raw[i]
        if ch == "\\" and raw.startswith(";", i + 1):
            out.append(";")
            i += 2
        elif opener:
            depth += 1
            i += 3
        elif ch == ";":
            break
        else:
            out.append(ch)
            i += 1
    return "".join(out), depth


def split_config_text(text: str, filename: str = "extensions.conf") -> list[RawCategory]:
    """A small stand-in for the config reader, enough for one self-contained file.

    Handles comments (``;``, ``\\;``, nested ``;-- --;`` blocks), a leading BOM, ``[name]``
    headers with ``(!)`` templates, ``(+)`` additions and ``(parent,...)`` inheritance,
    ``=``/``=>``/``+=`` lines and a leading ``\\`` escape in names. ``#`` directives are
    ignored (no ``#include``). Templates are left out of the result.

    Raises :class:`~pyst.errors.ConfigSyntaxError` where Asterisk rejects the file: a header
    without ``]`` or options without ``)``, an unknown parent or ``(+)`` target, and a
    line before any category.
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    # [name, lines, is_template]
    categories: list[tuple[str, list[ConfigLine], list[bool]]] = []
    current: list[ConfigLine] | None = None
    depth = 0
    for lineno, raw in enumerate(text.split("\n"), 1):
        raw = raw.split("\x00", 1)[0]
        stripped, depth = _strip_comments(raw, depth)
        line = stripped.strip(_CONF_BLANKS)
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = _category_header(line, categories, filename, lineno)
            continue
        if current is None:
            raise ConfigSyntaxError("No category context for line", filename, lineno)
        start = 2 if line.startswith("\\") else 0
        eq = line.find("=", start)
        if eq < 0:
            continue  # "No '=' (equal sign)": a warning, the line is dropped
        name, value = line[:eq], line[eq + 1 :]
        is_object = value.startswith(">")
        if is_object:
            value = value[1:]
        append = name.endswith("+")
        if append:
            name = name[:-1]
        name = name.strip(_CONF_BLANKS)
        if name.startswith("\\"):
            name = name[1:]
        value = value.strip(_CONF_BLANKS)
        if not name:
            continue  # "No variable name": a warning, the line is dropped
        if append:
            for k in range(len(current) - 1, -1, -1):
                if current[k].key == name:
                    old = current[k]
                    joined = (old.value + value).rstrip(_CONF_BLANKS)
                    current[k] = old._replace(value=joined)
                    break
            else:
                current.append(ConfigLine(name, value, filename, lineno, is_object))
            continue
        current.append(ConfigLine(name, value, filename, lineno, is_object))
    return [(name, lines) for name, lines, template in categories if not template[0]]


def _category_header(
    line: str,
    categories: list[tuple[str, list[ConfigLine], list[bool]]],
    filename: str,
    lineno: int,
) -> list[ConfigLine]:
    end = line.find("]")
    if end < 0:
        raise ConfigSyntaxError("parse error: no closing ']'", filename, lineno)
    name = line[1:end][:79]
    options = line[end + 1 :]
    template, append, parents = False, False, []
    if options.startswith("("):
        close = options.find(")")
        if close < 0:
            raise ConfigSyntaxError("parse error: no closing ')'", filename, lineno)
        for token in options[1:close].split(","):
            if token == "!":
                template = True
            elif token == "+":
                append = True
            else:
                parents.append(token)
    if append:
        for other, existing, flags in categories:
            if _casefold(other) == _casefold(name) and not flags[0]:
                flags[0] = template
                return existing
        raise ConfigSyntaxError(
            f"Category addition requested, but category '{name}' does not exist",
            filename,
            lineno,
        )
    lines: list[ConfigLine] = []
    for parent in parents:
        for other, other_lines, _flags in categories:
            if _casefold(other) == _casefold(parent):
                lines.extend(other_lines)
                break
        else:
            raise ConfigSyntaxError(
                f"Inheritance requested, but category '{parent}' does not exist",
                filename,
                lineno,
            )
    categories.append((name, lines, [template]))
    return lines
