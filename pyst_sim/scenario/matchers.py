"""Value matchers and counts used by scenario expectations.

A scenario writes an expected value either as a plain YAML scalar (compared as text, the way the
value travels on the wire) or as a one-key mapping naming a matcher::

    Channel: PJSIP/100                 # exact text
    Channel: {regex: "PJSIP/1\\d\\d"}  # full match of a regular expression
    Uniqueid: {any: true}              # present, any value
    Variable: {one_of: [a, b]}         # any of several matchers
    Data: {contains: beep}             # substring
    Exten: {startswith: "1"}           # prefix
    Reason: {not: {regex: "^$"}}       # negation
    Foo: null                          # absent (unset variable, missing header)

Counts (how many times an action or command is expected) accept ``3``, ``"3"``, ``">3"``,
``">=3"``, ``"<3"``, ``"<=3"``, ``"2-5"``, ``"*"`` (any number) and ``"+"`` (at least one).

Matchers are immutable; ``describe()`` renders them back in scenario syntax for diffs.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MATCHER_KEYS",
    "Absent",
    "AnyValue",
    "Contains",
    "Count",
    "Equals",
    "Matcher",
    "Not",
    "OneOf",
    "Regex",
    "StartsWith",
    "as_text",
    "parse_count",
    "parse_matcher",
]


def as_text(value: object) -> str:
    """A YAML scalar as the text it stands for on the wire (``true`` -> ``"true"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Matcher:
    """Base class: ``matches(value)`` where ``value`` is the actual text, or None when absent."""

    def matches(self, value: str | None) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def __str__(self) -> str:
        return self.describe()


_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_/.@+\-]*")


def _quote(text: str) -> str:
    # Scenario syntax for a string: plain when YAML would read it back as that same string
    # (not a number, boolean or null), else a double-quoted scalar (JSON strings are valid YAML).
    if _PLAIN.fullmatch(text) and _resolves_to_str(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _resolves_to_str(text: str) -> bool:
    import yaml

    resolver = yaml.resolver.Resolver()
    tag = resolver.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
    return bool(tag == "tag:yaml.org,2002:str")


@dataclass(frozen=True)
class Equals(Matcher):
    """The value's text equals ``expected`` exactly (case-sensitive, as Asterisk compares)."""

    expected: str

    def matches(self, value: str | None) -> bool:
        return value is not None and value == self.expected

    def describe(self) -> str:
        return _quote(self.expected)


@dataclass(frozen=True)
class Regex(Matcher):
    """The whole value matches the regular expression (``re.fullmatch``)."""

    pattern: str

    def __post_init__(self) -> None:
        re.compile(self.pattern)  # fail early with re.error (the loader adds file:line)

    def matches(self, value: str | None) -> bool:
        return value is not None and re.fullmatch(self.pattern, value) is not None

    def describe(self) -> str:
        return "{regex: " + _quote(self.pattern) + "}"


@dataclass(frozen=True)
class AnyValue(Matcher):
    """Present with any value (an empty string counts as present)."""

    def matches(self, value: str | None) -> bool:
        return value is not None

    def describe(self) -> str:
        return "{any: true}"


@dataclass(frozen=True)
class Absent(Matcher):
    """Not present (a header not sent, a variable never set)."""

    def matches(self, value: str | None) -> bool:
        return value is None

    def describe(self) -> str:
        return "null"


@dataclass(frozen=True)
class Contains(Matcher):
    """The value contains ``needle``."""

    needle: str

    def matches(self, value: str | None) -> bool:
        return value is not None and self.needle in value

    def describe(self) -> str:
        return "{contains: " + _quote(self.needle) + "}"


@dataclass(frozen=True)
class StartsWith(Matcher):
    """The value starts with ``prefix``."""

    prefix: str

    def matches(self, value: str | None) -> bool:
        return value is not None and value.startswith(self.prefix)

    def describe(self) -> str:
        return "{startswith: " + _quote(self.prefix) + "}"


@dataclass(frozen=True)
class OneOf(Matcher):
    """Any of the alternatives matches."""

    options: tuple[Matcher, ...]

    def matches(self, value: str | None) -> bool:
        return any(m.matches(value) for m in self.options)

    def describe(self) -> str:
        return "{one_of: [" + ", ".join(m.describe() for m in self.options) + "]}"


@dataclass(frozen=True)
class Not(Matcher):
    """The inner matcher does not match."""

    inner: Matcher

    def matches(self, value: str | None) -> bool:
        return not self.inner.matches(value)

    def describe(self) -> str:
        return "{not: " + self.inner.describe() + "}"


#: The keys of the mapping form, in the order the docs list them.
MATCHER_KEYS = ("equals", "regex", "any", "absent", "contains", "startswith", "one_of", "not")


def parse_matcher(raw: Any) -> Matcher:
    """Build a matcher from its scenario form.

    Raises ``ValueError`` (with a message meant for the scenario author) on an unknown form or a
    bad regular expression; the loader adds the file and line.
    """
    if isinstance(raw, Matcher):
        return raw
    if raw is None:
        return Absent()
    if isinstance(raw, (str, int, float, bool)):
        return Equals(as_text(raw))
    if isinstance(raw, Mapping):
        if len(raw) != 1:
            raise ValueError(
                f"a matcher is a mapping with exactly one of {', '.join(MATCHER_KEYS)}; "
                f"got {sorted(map(str, raw))}"
            )
        ((key, arg),) = raw.items()
        if key == "equals":
            return Equals(as_text(arg))
        if key == "regex":
            if not isinstance(arg, str):
                raise ValueError("regex: expects a string")
            try:
                return Regex(arg)
            except re.error as exc:
                raise ValueError(f"bad regular expression {arg!r}: {exc}") from exc
        if key == "any":
            return AnyValue() if arg else Absent()
        if key == "absent":
            return Absent() if arg else AnyValue()
        if key == "contains":
            return Contains(as_text(arg))
        if key == "startswith":
            return StartsWith(as_text(arg))
        if key == "one_of":
            if not isinstance(arg, Sequence) or isinstance(arg, str) or not arg:
                raise ValueError("one_of: expects a non-empty list of matchers")
            return OneOf(tuple(parse_matcher(a) for a in arg))
        if key == "not":
            return Not(parse_matcher(arg))
        raise ValueError(f"unknown matcher {key!r} (known: {', '.join(MATCHER_KEYS)})")
    raise ValueError(f"cannot match against a {type(raw).__name__}")


@dataclass(frozen=True)
class Count:
    """How many times something must happen: ``low <= n <= high`` (``high`` None: no limit)."""

    low: int = 1
    high: int | None = 1

    def accepts(self, n: int) -> bool:
        return n >= self.low and (self.high is None or n <= self.high)

    def allows_more(self, n: int) -> bool:
        """Whether ``n`` occurrences still leave room for one more."""
        return self.high is None or n < self.high

    def describe(self) -> str:
        if self.high is None:
            return "any number of times" if self.low == 0 else f"at least {self.low} times"
        if self.low == self.high:
            return "once" if self.low == 1 else f"{self.low} times"
        if self.low == 0:
            return f"at most {self.high} times"
        return f"{self.low} to {self.high} times"

    @property
    def is_once(self) -> bool:
        return self.low == 1 and self.high == 1


_COUNT_RE = re.compile(r"\s*(?:(>=|<=|>|<)\s*(\d+)|(\d+)\s*-\s*(\d+)|(\d+)|(\*)|(\+))\s*")


def parse_count(raw: Any) -> Count:
    """Parse a count (see the module docstring); raises ``ValueError`` for anything else."""
    if isinstance(raw, Count):
        return raw
    if isinstance(raw, bool) or not isinstance(raw, (int, str)):
        raise ValueError(f"a count is a number or a string like '>3' or '2-5', not {raw!r}")
    if isinstance(raw, int):
        if raw < 0:
            raise ValueError(f"a count cannot be negative ({raw})")
        return Count(raw, raw)
    m = _COUNT_RE.fullmatch(raw)
    if m is None:
        raise ValueError(
            f"bad count {raw!r}: use N, '>N', '>=N', '<N', '<=N', 'N-M', '*' or '+'"
        )
    op, num, lo, hi, exact, star, plus = m.groups()
    if op is not None:
        n = int(num)
        if op == ">":
            return Count(n + 1, None)
        if op == ">=":
            return Count(n, None)
        if op == "<":
            if n == 0:
                raise ValueError(f"bad count {raw!r}: nothing is fewer than 0 times")
            return Count(0, n - 1)
        return Count(0, n)
    if lo is not None:
        low, high = int(lo), int(hi)
        if low > high:
            raise ValueError(f"bad count {raw!r}: the range is empty")
        return Count(low, high)
    if exact is not None:
        return Count(int(exact), int(exact))
    if star is not None:
        return Count(0, None)
    assert plus is not None
    return Count(1, None)
