"""Matchers and counts: every form, their descriptions, and bad input."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pyst_sim.scenario.matchers import (
    Absent,
    AnyValue,
    Contains,
    Count,
    Equals,
    Matcher,
    Not,
    OneOf,
    Regex,
    StartsWith,
    as_text,
    parse_count,
    parse_matcher,
)


@pytest.mark.parametrize(
    ("raw", "value", "expected"),
    [
        ("PJSIP/100", "PJSIP/100", True),
        ("PJSIP/100", "pjsip/100", False),
        (5, "5", True),
        (2.0, "2", True),
        (True, "true", True),
        (None, None, True),
        (None, "", False),
        ({"equals": "{regex: x}"}, "{regex: x}", True),
        ({"regex": r"PJSIP/\d+"}, "PJSIP/100", True),
        ({"regex": r"PJSIP/\d+"}, "PJSIP/100x", False),
        ({"regex": "x"}, None, False),
        ({"any": True}, "", True),
        ({"any": True}, None, False),
        ({"any": False}, None, True),
        ({"absent": True}, None, True),
        ({"absent": False}, "x", True),
        ({"contains": "beep"}, "tt-beep-x", True),
        ({"contains": "beep"}, None, False),
        ({"startswith": 1}, "100", True),
        ({"startswith": "2"}, "100", False),
        ({"one_of": ["a", {"regex": "b+"}]}, "bbb", True),
        ({"one_of": ["a", {"regex": "b+"}]}, "c", False),
        ({"not": {"regex": "^$"}}, "x", True),
        ({"not": "x"}, "x", False),
    ],
)
def test_matcher_forms(raw: object, value: str | None, expected: bool) -> None:
    assert parse_matcher(raw).matches(value) is expected


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        ({}, "exactly one of"),
        ({"regex": "a", "any": True}, "exactly one of"),
        ({"regx": "a"}, "unknown matcher 'regx'"),
        ({"regex": 5}, "regex: expects a string"),
        ({"regex": "("}, "bad regular expression"),
        ({"one_of": []}, "non-empty list"),
        ({"one_of": "ab"}, "non-empty list"),
        ([1, 2], "cannot match against a list"),
    ],
)
def test_bad_matchers(raw: object, needle: str) -> None:
    with pytest.raises(ValueError, match=needle.replace("(", r"\(")):
        parse_matcher(raw)


def test_parse_matcher_passes_matchers_through() -> None:
    m = Regex("a")
    assert parse_matcher(m) is m
    assert str(m) == "{regex: a}"


@pytest.mark.parametrize(
    ("raw", "low", "high"),
    [
        (3, 3, 3),
        ("3", 3, 3),
        (0, 0, 0),
        (">3", 4, None),
        (">=3", 3, None),
        ("<3", 0, 2),
        ("<=3", 0, 3),
        ("2-5", 2, 5),
        (" 2 - 5 ", 2, 5),
        ("*", 0, None),
        ("+", 1, None),
    ],
)
def test_counts(raw: object, low: int, high: int | None) -> None:
    assert parse_count(raw) == Count(low, high)


@pytest.mark.parametrize("raw", ["lots", "5-2", "<0", -1, True, 1.5, "", "=3"])
def test_bad_counts(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_count(raw)


def test_count_behaviour_and_words() -> None:
    c = parse_count("2-3")
    assert [c.accepts(n) for n in range(5)] == [False, False, True, True, False]
    assert c.allows_more(2) and not c.allows_more(3)
    assert parse_count(">=1").allows_more(100)
    assert parse_count(c) is c
    assert Count().is_once and Count().describe() == "once"
    assert [parse_count(x).describe() for x in ("*", "+", 2, "<=2", "2-3")] == [
        "any number of times",
        "at least 1 times",
        "2 times",
        "at most 2 times",
        "2 to 3 times",
    ]


def test_as_text() -> None:
    assert [as_text(v) for v in (True, False, 3, 3.0, 2.5, "x")] == [
        "true",
        "false",
        "3",
        "3",
        "2.5",
        "x",
    ]


_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)
_leaf = st.one_of(
    _text.map(Equals),
    st.sampled_from([r"\d+", "a|b", "x.*"]).map(Regex),
    st.just(AnyValue()),
    st.just(Absent()),
    _text.map(Contains),
    _text.map(StartsWith),
)
_matchers = st.recursive(
    _leaf,
    lambda inner: st.one_of(
        st.lists(inner, min_size=1, max_size=3).map(lambda ms: OneOf(tuple(ms))),
        inner.map(Not),
    ),
    max_leaves=5,
)


@settings(max_examples=60, deadline=None)
@given(_matchers)
def test_describe_reads_back_as_the_same_matcher(m: Matcher) -> None:
    # describe() writes scenario syntax, so a diff shows what one would write in the file.
    assert parse_matcher(yaml.safe_load(m.describe())) == m
