"""AMI permission classes: masks, ``Privilege:`` strings, event masks and event filters.

Everything here follows main/manager.c of Asterisk 22 (PROTOCOL.md 1.5 and 1.6):

* ``perms[]`` and ``get_perm`` come from :mod:`pyst.config.files` (the manager.conf reader), so
  ``read=``/``write=`` lines and ``Events:`` masks are read one way;
* :func:`authority_to_str` writes the ``Privilege:`` value: the labels of the set bits in table
  order, always ending in ``all`` (``call,all``); ``<none>`` for 0;
* :func:`strings_to_mask` reads an ``EventMask``/``Events`` value (digits: a raw mask;
  ``ast_false`` words: 0; ``ast_true`` words: every class; else a comma list of labels);
* :class:`EventFilter` / :func:`should_send` implement ``eventfilter`` lines and the
  ``Filter`` action, in both the legacy (``[!]regex`` over the whole event text) and the
  advanced ``action(...),name(...),header(...),method(...)`` forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pyst.config.files import PERMISSION_CLASSES, ast_false, ast_true, permission_mask

from ._spec import ACTIONS, EVENT_CLASSES

__all__ = [
    "ALL_CLASSES",
    "CLASS_BITS",
    "FILTER_COMPILE_FAIL",
    "FILTER_FORMAT_ERROR",
    "EventFilter",
    "FilterError",
    "action_authority",
    "authority_to_str",
    "class_mask",
    "event_authority",
    "get_perm",
    "should_send",
    "strings_to_mask",
]

#: Class label -> bit, in perms[] order (without ``all`` and ``none``).
CLASS_BITS: dict[str, int] = {
    label: bit for label, bit in PERMISSION_CLASSES.items() if label not in ("all", "none")
}
#: Every class bit ORed together (what ``on``/``yes`` selects).
ALL_CLASSES = 0
for _bit in PERMISSION_CLASSES.values():
    ALL_CLASSES |= _bit
# INT_MAX, the "all" entry; a session's default event mask (send_events = -1) has every bit.
EVERYTHING = PERMISSION_CLASSES["all"]

_LOWER = {label.lower(): bit for label, bit in CLASS_BITS.items()}


def get_perm(text: str | None) -> int:
    """``get_perm``: the bits a ``read=``/``write=`` value grants (``all`` gives every bit)."""
    return permission_mask(text)


def class_mask(classes: Iterable[str]) -> int:
    """The mask of class labels (any letter case); unknown labels add nothing."""
    mask = 0
    for label in classes:
        mask |= _LOWER.get(label.strip().lower(), 0)
    return mask


@lru_cache(maxsize=512)
def authority_to_str(mask: int) -> str:
    """The ``Privilege:`` text of a class mask: ``call,all``; ``<none>`` for 0."""
    if not mask:
        return "<none>"
    labels = [label for label, bit in CLASS_BITS.items() if mask & bit]
    labels.append("all")  # the INT_MAX entry matches any non-zero mask
    return ",".join(labels)


def strings_to_mask(text: str | None) -> int:
    """``strings_to_mask``: an ``Events``/``EventMask`` value; -1 when empty (an error)."""
    if not text:
        return -1
    if text.isdigit() and text.isascii():
        return min(int(text), EVERYTHING)  # atoi; kept within a C int
    if ast_false(text):
        return 0
    if ast_true(text):
        return ALL_CLASSES
    return get_perm(text)


_ACTION_MASKS = {name.lower(): class_mask(spec[0]) for name, spec in ACTIONS.items()}
_ACTION_NAMES = {name.lower(): name for name in ACTIONS}


def action_authority(name: str) -> int | None:
    """The write classes of an Asterisk 22 action (0: anyone), or None if Asterisk lacks it."""
    return _ACTION_MASKS.get(name.lower())


def action_name(name: str) -> str | None:
    """The registered spelling of an action name (``ping`` -> ``Ping``), or None."""
    return _ACTION_NAMES.get(name.lower())


# Keyed in lower case: the spec spells some names differently from the wire (NewExten /
# Newexten), and event names are matched case-insensitively here.
_EVENT_MASKS = {name.lower(): class_mask(classes) for name, classes in EVENT_CLASSES.items()}


def event_authority(name: str, default: int = CLASS_BITS["call"]) -> int:
    """The documented read class mask of an event (``default`` for undocumented ones)."""
    mask = _EVENT_MASKS.get(name.lower())
    return default if mask is None else mask


# --- event filters ----------------------------------------------------------------------------

FILTER_COMPILE_FAIL = "Filter did not compile.  Check the syntax of the filter given."
FILTER_FORMAT_ERROR = "Filter was formatted incorrectly.  Check the syntax of the filter given."

_METHODS = ("regex", "exact", "starts_with", "ends_with", "contains", "none")


class FilterError(ValueError):
    """A filter Asterisk would refuse; ``reason`` is the ``Filter`` action's error text."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


def _posix_to_python(pattern: str) -> str:
    # POSIX ERE bracket classes ([[:digit:]]) have no Python spelling; translate the common ones.
    classes = {
        "[:digit:]": r"0-9",
        "[:alpha:]": r"A-Za-z",
        "[:alnum:]": r"A-Za-z0-9",
        "[:space:]": r" \t\r\n\v\f",
        "[:upper:]": r"A-Z",
        "[:lower:]": r"a-z",
        "[:xdigit:]": r"0-9A-Fa-f",
        "[:punct:]": r"!-/:-@\[-`{-~",
    }
    for posix, python in classes.items():
        pattern = pattern.replace(posix, python)
    return pattern


@dataclass(frozen=True)
class EventFilter:
    """One compiled filter (an ``eventfilter`` line or a ``Filter`` action).

    ``exclude``: an exclude filter; ``event_name``: only events of that name (case-sensitive,
    as Asterisk's hash compare); ``header``: match only that header's value (``Name:``);
    ``method``: how ``pattern`` is compared; ``regex`` holds the compiled pattern.
    """

    exclude: bool
    method: str
    pattern: str
    event_name: str | None = None
    header: str | None = None
    regex: re.Pattern[str] | None = None

    @classmethod
    def parse(cls, criteria: str | None, pattern: str) -> EventFilter:
        """Build a filter as ``manager_add_filter`` does.

        ``criteria`` is None for the legacy form (``[!]regex``), else the text between the
        parentheses of ``eventfilter(...)`` (the ``Filter`` action's ``MatchCriteria``).
        Raises :class:`FilterError` for what Asterisk refuses.
        """
        if criteria is None:
            exclude = pattern.startswith("!")
            text = pattern[1:] if exclude else pattern
            return cls(exclude, "regex", text, regex=_compile(text))
        exclude = False
        name: str | None = None
        header: str | None = None
        method = "none"
        seen: set[str] = set()
        for option in (o.strip() for o in criteria.split(",")):
            key, paren, rest = option.partition("(")
            key = key.strip()
            if not paren or not rest.endswith(")") or key in seen:
                raise FilterError(FILTER_FORMAT_ERROR, f"bad filter option {option!r}")
            seen.add(key)
            value = rest[:-1].strip()
            if key == "action":
                if value not in ("include", "exclude"):
                    raise FilterError(FILTER_FORMAT_ERROR, f"unknown action {value!r}")
                exclude = value == "exclude"
            elif key == "name":
                name = value
            elif key == "header":
                header = value if value.endswith(":") else value + ":"
            elif key == "method":
                if value not in _METHODS:
                    raise FilterError(FILTER_FORMAT_ERROR, f"unknown method {value!r}")
                method = value
            else:
                raise FilterError(FILTER_FORMAT_ERROR, f"unknown filter option {key!r}")
        if not seen:
            raise FilterError(FILTER_FORMAT_ERROR, "no action, name, header or method")
        if not pattern and method != "none":
            raise FilterError(FILTER_FORMAT_ERROR, f"method {method!r} needs a pattern")
        if pattern and method == "none":
            raise FilterError(FILTER_FORMAT_ERROR, "method 'none' with a pattern")
        if name is None and header is None and method == "none":
            raise FilterError(FILTER_FORMAT_ERROR, "no name or header and no pattern")
        regex = _compile(pattern) if method == "regex" else None
        return cls(exclude, method, pattern, name, header, regex)

    def _match_data(self, data: str) -> bool:
        method = self.method
        if method == "regex":
            assert self.regex is not None
            return self.regex.search(data) is not None
        if method == "starts_with":
            return data.startswith(self.pattern)
        if method == "ends_with":
            return data.endswith(self.pattern)
        if method == "contains":
            return self.pattern in data
        if method == "exact":
            return data == self.pattern
        return True  # none

    def matches(self, event_name: str, text: str) -> bool:
        """Does the event (its name and its whole text, CRLF lines) match this filter?"""
        if self.event_name is not None and event_name != self.event_name:
            return False
        header = self.header
        if header is None:
            return self._match_data(text) if text else self.method == "none"
        for line in text.split("\r\n"):
            if line.startswith(header):
                value = line[len(header) :].lstrip(" \t")
                if value and self._match_data(value):
                    return True
        return False


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(_posix_to_python(pattern))
    except re.error as exc:
        raise FilterError(FILTER_COMPILE_FAIL, f"regex {pattern!r}: {exc}") from exc


def should_send(
    includes: Sequence[EventFilter], excludes: Sequence[EventFilter], name: str, text: str
) -> bool:
    """``should_send_event``: no filters, all; includes only, any match; excludes only, no
    match; both, an include match and then no exclude match."""
    if includes and not any(f.matches(name, text) for f in includes):
        return False
    return not any(f.matches(name, text) for f in excludes)
