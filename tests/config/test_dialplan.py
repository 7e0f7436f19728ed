"""The extensions.conf dialplan model: parsing, pattern matching, match order and routing."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pyst.config
from pyst.config.dialplan import (
    HINT_PRIORITY,
    ApplicationCall,
    ConfigLine,
    Dialplan,
    DialplanDiagnostic,
    GeneralSettings,
    TimeSpec,
    extension_can_match,
    extension_cmp,
    extension_match,
    extension_match_more,
    extension_sort_key,
    split_application,
    split_config_text,
)
from pyst.errors import ConfigSyntaxError


def load(text: str) -> Dialplan:
    return Dialplan.from_text(text, reader=split_config_text)


def messages(dp: Dialplan) -> list[str]:
    return [d.message for d in dp.diagnostics]


def route(dp: Dialplan, context: str, exten: str) -> list[tuple[str, str]]:
    """The (app, data) lines Asterisk would run from priority 1 on, in order."""
    out = []
    prio = dp.find(context, exten, 1)
    while prio is not None:
        out.append((prio.app, prio.data))
        prio = dp.next_priority(context, exten, prio.priority)
    return out


# ---------------------------------------------------------------------------------------------
# Pattern matching: (pattern, extension, E_MATCH, E_CANMATCH, E_MATCHMORE)

MATCH_TABLE = [
    ("_X.", "1", False, True, True),  # '.' wants at least one more character
    ("_X.", "12", True, True, True),
    ("_X.", "", False, True, True),
    ("_NXX", "200", True, True, False),
    ("_NXX", "100", False, False, False),
    ("_NXX", "20", False, True, True),
    ("_nxx", "299", True, True, False),  # N, X, Z in either case
    ("_Zx", "10", True, True, False),
    ("_Z", "0", False, False, False),
    ("_ZXXX", "0123", False, False, False),
    ("_[1-5a]", "a", True, True, False),
    ("_[1-5a]", "3", True, True, False),
    ("_[1-5a]", "6", False, False, False),
    ("_[1-5a]", "A", False, False, False),  # set members are literal
    ("_[a-c]X", "b5", True, True, False),
    ("_[5-1]", "3", False, False, False),  # a reversed range holds nothing
    ("_1[]2", "12", True, True, False),  # an empty set is skipped
    ("_1[23", "12", False, False, False),  # '[' without ']' never matches
    ("_abc", "abc", True, True, False),  # other letters are literal ...
    ("_abc", "aBc", False, False, False),  # ... and case-sensitive
    ("_1-2-3", "123", True, True, False),  # '-' is eye candy in the pattern
    ("_123", "1-2-3", True, True, False),  # ... and in the number
    ("_[-]", "-", False, True, True),  # so a '-' in the number never reaches a set
    ("_9011.", "9011", False, True, True),
    ("_9011.", "90115", True, True, True),
    ("_X!", "1", True, True, True),  # '!' reached: early match (code 2)
    ("_X!", "", False, True, True),
    ("_!", "", True, True, True),
    ("_1!", "123", True, True, True),
    ("_stde[x]te[n]-.", "stdexten-NOANSWER", True, True, True),
    ("_f[n]-.", "fn-CONGESTION", True, True, True),
    ("_X.", "_X.", True, False, False),  # only E_MATCH compares a '_' number as a pattern
    ("_X.", "_[0-9].", True, False, False),
    ("123", "123", True, True, False),
    ("123", "12", False, True, True),
    ("123", "", False, True, True),
    ("123", "1234", False, False, False),
    ("123", "13", False, False, False),
    ("1-23", "123", True, True, False),
    ("abc", "ABC", False, False, False),
    ("s", "s", True, True, False),
    ("", "", True, True, False),
]


@pytest.mark.parametrize(("pattern", "exten", "match", "canmatch", "matchmore"), MATCH_TABLE)
def test_pattern_matching(
    pattern: str, exten: str, match: bool, canmatch: bool, matchmore: bool
) -> None:
    assert extension_match(pattern, exten) is match
    assert extension_can_match(pattern, exten) is canmatch
    assert extension_match_more(pattern, exten) is matchmore


# ---------------------------------------------------------------------------------------------
# Match order (main/pbx.c:ext_cmp): -1 means the left one is tried first.

ORDER_TABLE = [
    ("100", "_1XX", -1),  # exact names before every pattern
    ("_1XX", "_NXX", -1),  # a literal beats N
    ("_NXX", "_ZXX", -1),  # N (8 digits) beats Z (9)
    ("_ZXX", "_XXX", -1),  # Z beats X (10)
    ("_NXX", "_XXX", -1),
    ("_[2-5]X", "_NX", -1),  # a smaller set beats a larger one
    ("_[5-9]", "_[2-8]", -1),  # 5 members before 7
    ("_[2-3]", "_[3-4]", -1),  # same size: the lower first member wins
    ("_[13]", "_[12]", 1),  # same size and minimum: the set with the lower other member first
    ("_XX", "_X.", -1),  # '.' is less specific than any set
    ("_X.", "_X!", -1),  # '!' is less specific than '.'
    ("_X!", "_X", -1),  # ... but more specific than the end of the pattern
    ("_XXX", "_XX", -1),  # a longer pattern before its own prefix
    ("_7900123XXXX", "_7900XXXXXXX", -1),
    ("_1XXXXX", "_X11111", -1),  # the first difference decides
    ("_X.", "_1", 1),
    ("_.", "_!", -1),
    ("_!", "_.", 1),
    ("_1[23", "_1XX", 1),  # a broken set sorts after everything
    ("s", "_s-.", -1),
    ("12", "123", -1),  # a name that ends first sorts first
    ("2", "10", 1),  # byte order, not numeric order
    ("#", "0", -1),
    ("1-00", "100", 0),  # the same extension to Asterisk
    ("_1", "_[1]", 0),
    ("_N", "_[2-9]", 0),
    ("_n", "_N", 0),
    ("_1-2", "_12", 0),
]


@pytest.mark.parametrize(("left", "right", "expected"), ORDER_TABLE)
def test_match_order(left: str, right: str, expected: int) -> None:
    assert extension_cmp(left, right) == expected
    assert extension_cmp(right, left) == -expected


def test_sorting_a_list_follows_asterisk_order() -> None:
    names = ["_X.", "_X!", "_NXXXXXX", "_1NXXNXXXXXX", "_[1-3]XX", "_9011.", "100", "s", "_XXX"]
    assert sorted(names, key=extension_sort_key) == [
        "100",
        "s",
        "_1NXXNXXXXXX",
        "_9011.",
        "_[1-3]XX",
        "_NXXXXXX",
        "_XXX",
        "_X.",
        "_X!",
    ]


ROUTING_ORDER = """
[order]
exten => _X.,1,NoOp(any)
exten => _2XXX,1,NoOp(2XXX)
exten => _NXXX,1,NoOp(NXXX)
exten => _20[01]X,1,NoOp(20[01]X)
exten => 2001,1,NoOp(exact)
exten => _X!,1,NoOp(bang)
"""


@pytest.mark.parametrize(
    ("exten", "chosen"),
    [
        ("2001", "exact"),  # exact beats any pattern, whatever the file order
        ("2002", "20[01]X"),  # then the most specific pattern
        ("2102", "2XXX"),
        ("3102", "NXXX"),
        ("1102", "any"),
        ("55", "any"),  # '.' before '!'
        ("5", "bang"),
    ],
)
def test_routing_picks_the_most_specific_extension(exten: str, chosen: str) -> None:
    prio = load(ROUTING_ORDER).find("order", exten)
    assert prio is not None
    assert prio.data == chosen


def test_an_extension_without_the_priority_falls_through_to_the_next_match() -> None:
    # Asterisk's default matcher goes on to the next matching extension when the first one
    # lacks the wanted priority.
    dp = load("[c]\nexten => 100,1,NoOp(exact)\nexten => _1XX,2,NoOp(pattern two)\n")
    two = dp.find("c", "100", 2)
    assert two is not None
    assert (two.exten, two.data) == ("_1XX", "pattern two")
    assert dp.find("c", "100", 3) is None


# ---------------------------------------------------------------------------------------------
# Priorities


def test_priority_numbering_n_s_offsets_labels_and_same() -> None:
    dp = load(
        """
[ctx]
exten => 6245,1,Dial(PJSIP/a,20)
exten => 6245,n(dial),Dial(${HINT},20,rtT)
exten => 6245,n,VoiceMail(6245,u)
exten => 6245,s+1,Hangup
exten => 6245,dial+101,VoiceMail(6245,b)
exten => 7,1,NoOp(seven)
 same => n(again),NoOp(two)
 same => n+2,NoOp(five)
 same => s,NoOp(duplicate five)
 same => again+10,NoOp(twelve)
 same => 1abc,NoOp(scanf reads 1, already used)
exten => 8,n,NoOp(continues from the previous line, another extension)
exten => 9,20,NoOp(twenty)
exten => 9,n+abc,NoOp(atoi gives 0)
"""
    )
    six = dp.contexts["ctx"].extension("6245")
    assert six is not None
    assert [(p.priority, p.label, p.app) for p in six.priorities] == [
        (1, None, "Dial"),
        (2, "dial", "Dial"),
        (3, None, "VoiceMail"),
        (4, None, "Hangup"),
        (103, None, "VoiceMail"),
    ]
    seven = dp.contexts["ctx"].extension("7")
    assert seven is not None
    assert [p.priority for p in seven.priorities] == [1, 2, 5, 12]
    # 'n' counts from the previous line, even a failed one of another extension
    eight = dp.find("ctx", "8", 2)
    assert eight is not None
    assert eight.data == "continues from the previous line, another extension"
    assert [p.priority for p in dp.contexts["ctx"].extensions[-1].priorities] == [20, 21]
    assert messages(dp) == [
        "Unable to register extension '7' priority 5 in 'ctx', already in use",
        "Unable to register extension '7' priority 1 in 'ctx', already in use",
    ]
    assert dp.find_label("ctx", "7", "again") == dp.find("ctx", "7", 2)
    assert dp.find_label("ctx", "7", "nowhere") is None


def test_priority_errors_and_warnings() -> None:
    dp = load(
        """
[first]
exten => 1,n,NoOp(n first)
exten => 1,s,NoOp(s first)
 same => 1,NoOp(fine)
[first]
same => 2,NoOp(the state is reset at each category)
[bad]
exten => 1,1,NoOp(a)
exten => 1,0,NoOp(zero)
exten => 1,-3,NoOp(negative)
exten => 1,nolabel,NoOp(unknown label)
exten => 1,2(broken,NoOp(label without paren)
exten => 1,n(lbl)+5,NoOp(offset after label is lost)
exten => 1,n(lbl),NoOp(repeated label)
exten => 2,lbl,NoOp(a label of another extension)
exten => 3,1,NoOp(unclosed
exten => ,1,NoOp(empty)
exten => _.,1,NoOp(discouraged)
exten => _!,1,NoOp(discouraged too)
foo => bar
"""
    )
    severities = [(d.severity, d.line) for d in dp.diagnostics]
    assert severities[0] == ("warning", 3)
    assert dp.diagnostics[2] == DialplanDiagnostic(
        "error",
        "No previous pattern in the first entry of context 'first' to match 'same'",
        "extensions.conf",
        7,
    )
    assert messages(dp) == [
        "Can't use 'next' priority on the first entry",
        "Can't use 'same' priority on the first entry",
        "No previous pattern in the first entry of context 'first' to match 'same'",
        "Invalid priority '0'",
        "Invalid priority '-3'",
        "Invalid priority/label 'nolabel'",
        "Label missing trailing ')'",
        "Text after label '(lbl)' is ignored, as Asterisk does ('+5'); write the offset "
        "before the label",
        "Extension '1' priority 3 in 'bad', label 'lbl' already in use at priority 2",
        "Invalid priority/label 'lbl'",
        "No closing parenthesis found? 'NoOp(unclosed'",
        "You have to be kidding-- add exten '' to context bad? Figure out a name and call me "
        "back. Action ignored.",
        "The use of '_.' for an extension is strongly discouraged and can have unexpected "
        "behavior.  Please use '_X.' instead",
        "The use of '_!' for an extension is strongly discouraged and can have unexpected "
        "behavior.  Please use '_X!' instead",
        "Unknown directive: foo -- IGNORING",
    ]
    one = dp.contexts["bad"].extension("1")
    assert one is not None
    assert [(p.priority, p.label) for p in one.priorities] == [(1, None), (2, "lbl"), (3, None)]
    unclosed = dp.find("bad", "3")
    assert unclosed is not None
    assert (unclosed.app, unclosed.data) == ("NoOp", "unclosed")
    assert dp.find("first", "1") is not None
    assert str(dp.diagnostics[0]) == (
        "extensions.conf:3: warning: Can't use 'next' priority on the first entry"
    )


def test_labels_on_patterns_and_label_lookup_through_includes() -> None:
    dp = load(
        """
[sub]
exten => _X.,1(start),NoOp(begin)
exten => _X.,start+5,NoOp(six)
[top]
include => sub
"""
    )
    six = dp.find("top", "1234", 6)
    assert six is not None
    assert six.data == "six"
    start = dp.find_label("top", "1234", "start")
    assert start is not None
    assert (start.context, start.exten, start.priority) == ("sub", "_X.", 1)


def test_hint_line_then_n_is_dropped_like_asterisk() -> None:
    dp = load("[c]\nexten => 100,hint,PJSIP/100\nexten => 100,n,NoOp(lost)\n")
    assert dp.hint("c", "100") == "PJSIP/100"
    assert dp.find("c", "100", 0) is None
    assert messages(dp) == [
        "Priority 0 (from 'n' or 's' after a hint line) is dropped, as Asterisk does"
    ]


def test_aliased_extensions_share_priorities() -> None:
    dp = load("[c]\nexten => 1-00,1,NoOp(a)\nexten => 100,1,NoOp(b)\nexten => 100,2,NoOp(c)\n")
    ext = dp.contexts["c"].extension("100")
    assert ext is not None
    assert ext.name == "1-00"
    assert [p.data for p in ext.priorities] == ["a", "c"]
    assert messages(dp) == [
        "Unable to register extension '100' priority 1 in 'c', already in use by aliased "
        "extension '1-00'"
    ]


# ---------------------------------------------------------------------------------------------
# Applications and extension names


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Answer()", ("Answer", "", False)),
        ("Hangup", ("Hangup", "", False)),
        ("Dial(PJSIP/a,20,tT)", ("Dial", "PJSIP/a,20,tT", False)),
        ("Set(X=$[(1+2)*3])", ("Set", "X=$[(1+2)*3]", False)),  # data runs to the last ')'
        ("NoOp(a) trailing", ("NoOp", "a", False)),  # text after the last ')' is dropped
        ("NoOp(a(b)", ("NoOp", "a(b", False)),
        ("NoOp(open", ("NoOp", "open", True)),
        ("  Wait(1)", ("Wait", "1", False)),
        ("DAHDI/g0/${GLOBAL(X)}", ("DAHDI/g0/${GLOBAL(X)}", "", False)),
        ("${APP}(arg)", ("${APP}(arg)", "", False)),  # ${ before '(' keeps the whole text
        ("$[1]x(arg)", ("$[1]x(arg)", "", False)),
        ("Gosub(s,1(${EXTEN}))", ("Gosub", "s,1(${EXTEN})", False)),
        ("", ("", "", False)),
    ],
)
def test_split_application(text: str, expected: tuple[str, str, bool]) -> None:
    assert split_application(text) == ApplicationCall(*expected)


def test_extension_names_cid_and_substitution() -> None:
    dp = load(
        r"""
[globals]
EXT=5551
PREFIX=9
NESTED=EXT
[c]
exten => _[1,2]X,1,NoOp(comma inside brackets)
exten => a\,b,1,NoOp(escaped comma; the backslash stays in the name)
exten => 1 2 3,1,NoOp(spaces removed)
exten => _[1 2]9,1,NoOp(spaces kept inside a pattern set)
exten => 4 [5 6],1,NoOp(not a pattern: brackets do not protect spaces)
exten => ${EXT},1,NoOp(global)
exten => ${GLOBAL(PREFIX)}${EXT:2:1},1,NoOp(function and substring)
exten => ${${NESTED}:-2},1,NoOp(nested and negative offset)
exten => x${UNKNOWN}y,1,NoOp(unknown is empty)
exten => ${LEN(abc)}z,1,NoOp(other functions are not evaluated)
exten => 100/(555) 123-4567,1,NoOp(cid)
exten => 100,1,NoOp(no cid)
exten => 200/,1,NoOp(only without caller id)
exten => _2XX/_4XX,1,NoOp(cid pattern)
"""
    )
    names = [e.name for e in dp.contexts["c"].extensions]
    assert "_[1,2]X" in names
    assert "a\\,b" in names
    assert "123" in names
    assert "_[1 2]9" in names
    assert "4[56]" in names
    assert {"5551", "95", "51", "xy", "z"} <= set(names)
    assert dp.find("c", "1 2 3") is None  # spaces in the number are not removed
    assert dp.find("c", " 9") is not None  # a space is a member of the set
    # cid: the extension with a CID match is tried first; no caller id skips it
    cid = dp.find("c", "100", callerid="5551234567")
    assert cid is not None
    assert (cid.data, cid.cidmatch) == ("cid", "5551234567")
    plain = dp.find("c", "100", callerid="999")
    assert plain is not None
    assert plain.data == "no cid"
    nocid = dp.find("c", "100")
    assert nocid is not None
    assert nocid.data == "no cid"
    only = dp.find("c", "200")
    assert only is not None
    assert only.data == "only without caller id"
    assert dp.find("c", "200", callerid="123") is None  # neither CID match accepts 123
    cid_pattern = dp.find("c", "250", callerid="456")
    assert cid_pattern is not None
    assert cid_pattern.data == "cid pattern"
    assert dp.find("c", "250", callerid="356") is None
    ext = dp.contexts["c"].extension("100", "5551234567")
    assert ext is not None
    assert ext.matches("100", "5551234567")
    assert not ext.matches("100", None)
    assert not ext.matches("101", "5551234567")


def test_globals_are_merged_and_substituted_in_order() -> None:
    dp = load(
        """
[c]
exten => ${A},1,NoOp(globals are read before contexts)
[globals]
A=1
B=${A}2
[GLOBALS]
A=3
C=${B}${A}
"""
    )
    assert dict(dp.globals) == {"A": "3", "B": "12", "C": "123"}
    assert dp.find("c", "3") is not None


def test_general_section() -> None:
    dp = load(
        """
[general]
static=yes
STATIC=no
writeprotect=on
autofallthrough=no
extenpatternmatchnew=true
clearglobalvars=1
overrideswitch=IAX2/box
userscontext=users
[general]
static=no
"""
    )
    assert dp.general.static is True  # the first value of the first [general] wins
    assert dp.general.writeprotect is True
    assert dp.general.autofallthrough is False
    assert dp.general.extenpatternmatchnew is True
    assert dp.general.clearglobalvars is True
    assert dp.general.overrideswitch == "IAX2/box"
    assert dp.general.userscontext == "users"
    assert dp.general.values["static"] == "yes"
    assert "general" not in dp.contexts
    defaults = load("[c]\n").general
    assert defaults == GeneralSettings()
    assert (defaults.autofallthrough, defaults.userscontext) == (True, "default")


def test_switches_ignorepats_autohints() -> None:
    dp = load(
        """
[globals]
HOST=box
[c]
switch => IAX2/user@${HOST}/ctx
switch => IAX2/user@box/ctx
lswitch => Loopback/12${EXTEN}@other
eswitch => IAX2/context@${CURSERVER}
switch => DUNDi
ignorepat => 9
ignorepat => 9
ignorepat => _8X
autohints = yes
"""
    )
    ctx = dp.contexts["c"]
    assert [(s.kind, s.module, s.data) for s in ctx.switches] == [
        ("switch", "IAX2", "user@box/ctx"),
        ("lswitch", "Loopback", "12${EXTEN}@other"),
        ("eswitch", "IAX2", "context@${CURSERVER}"),
        ("switch", "DUNDi", ""),
    ]
    assert [s.evaluate_at_runtime for s in ctx.switches] == [False, False, True, False]
    assert ctx.ignorepats == ("9", "_8X")
    assert ctx.autohints is True
    assert dp.ignore_pattern("c", "9")
    assert dp.ignore_pattern("c", "85")
    assert not dp.ignore_pattern("c", "91")
    assert not dp.ignore_pattern("nowhere", "9")
    assert messages(dp) == [
        "Unable to include switch 'IAX2/user@box/ctx' in context 'c'",
        "Unable to include ignorepat '9' in context 'c'",
    ]
    # switches are never consulted
    assert dp.find("c", "123") is None


# ---------------------------------------------------------------------------------------------
# Includes and time specifications


def test_includes_are_searched_in_order_depth_first_and_loops_stop() -> None:
    dp = load(
        """
[a]
include => b
include => c
exten => 1,1,NoOp(a)
[b]
include => a
include => d
[c]
exten => 2,1,NoOp(c)
exten => 3,1,NoOp(c)
[d]
exten => 3,1,NoOp(d)
include => missing
"""
    )
    one = dp.find("a", "1")
    assert one is not None
    assert one.context == "a"
    three = dp.find("a", "3")
    assert three is not None
    assert three.context == "d"  # b's include d comes before a's include c
    two = dp.find("b", "2")
    assert two is not None
    assert two.context == "c"  # b -> a -> c
    assert dp.find("a", "4") is None
    assert dp.find("nowhere", "1") is None
    assert messages(dp) == ["Context 'd' tries to include nonexistent context 'missing'"]


def test_include_stack_limit() -> None:
    def chain(length: int) -> list[tuple[str, list[tuple[str, str, str, int, bool]]]]:
        cats = [(f"c{i}", [("include", f"c{i + 1}", "x.conf", i, True)]) for i in range(length)]
        cats.append((f"c{length}", [("exten", "1,1,NoOp(end)", "x.conf", length, True)]))
        return cats

    assert Dialplan.from_categories(chain(10)).find("c0", "1") is not None
    assert Dialplan.from_categories(chain(600)).find("c0", "1") is None  # AST_PBX_MAX_STACK


INCLUDES_WITH_TIMES = """
[main]
include => daytime,9:00-17:00,mon-fri,*,*
include => weekend|*|sat-sun|*|*
include => nights,17:02-8:58,mon-fri,*,*
include => never,25:00-26:00,*,*,*
[daytime]
exten => s,1,NoOp(day)
[weekend]
exten => s,1,NoOp(weekend)
[nights]
exten => s,1,NoOp(night)
[never]
exten => s,1,NoOp(never)
"""


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2024, 5, 13, 9, 0), "day"),  # Monday 09:00, both ends included
        (datetime(2024, 5, 17, 17, 0), "day"),  # Friday 17:00
        (datetime(2024, 5, 17, 17, 1), None),  # the gap
        (datetime(2024, 5, 17, 17, 2), "night"),
        (datetime(2024, 5, 14, 3, 0), "night"),  # wraps past midnight
        (datetime(2024, 5, 18, 12, 0), "weekend"),  # Saturday, '|' separators
        (datetime(2024, 5, 19, 23, 59), "weekend"),
    ],
)
def test_time_restricted_includes(now: datetime, expected: str | None) -> None:
    dp = load(INCLUDES_WITH_TIMES)
    found = dp.find("main", "s", now=now)
    assert (found.data if found is not None else None) == expected


def test_includes_use_the_clock_when_no_now_is_given() -> None:
    calls: list[int] = []

    def clock() -> datetime:
        calls.append(1)
        return datetime(2024, 5, 18, 12, 0)

    dp = Dialplan.from_text(INCLUDES_WITH_TIMES, reader=split_config_text, clock=clock)
    found = dp.find("main", "s")
    assert found is not None
    assert found.data == "weekend"
    assert len(calls) == 1  # read once per lookup
    inc = dp.contexts["main"].includes
    assert [i.context for i in inc] == ["daytime", "weekend", "nights", "never"]
    assert inc[1].timing is not None
    assert inc[1].timing.text == "*|sat-sun|*|*"
    assert messages(dp) == ["'25:00' isn't a valid start time."]


@pytest.mark.parametrize(
    ("spec", "now", "expected"),
    [
        ("*,*,*,*", datetime(2024, 1, 1, 0, 0), True),
        ("", datetime(2024, 1, 1, 0, 0), True),
        ("9:30,*,*,*", datetime(2024, 1, 1, 9, 30), True),  # a single minute
        ("9:30,*,*,*", datetime(2024, 1, 1, 9, 31), False),
        ("22:00-6:00", datetime(2024, 1, 1, 23, 0), True),
        ("22:00-6:00", datetime(2024, 1, 1, 6, 1), False),
        ("8:00 - 9:00", datetime(2024, 1, 1, 8, 30), True),  # spaces around '-' tolerated
        ("*,fri-mon,*,*", datetime(2024, 5, 19, 12, 0), True),  # Sunday, range wraps
        ("*,fri-mon,*,*", datetime(2024, 5, 15, 12, 0), False),  # Wednesday
        ("*,1,*,*", datetime(2024, 5, 19, 12, 0), True),  # weekday 1 is Sunday
        ("*,MON&wed,*,*", datetime(2024, 5, 15, 12, 0), True),
        ("*,*,1-15,*", datetime(2024, 5, 15, 12, 0), True),
        ("*,*,1-15,*", datetime(2024, 5, 16, 12, 0), False),
        ("*,*,28-3,*", datetime(2024, 5, 2, 12, 0), True),
        ("*,*,*,jan-mar", datetime(2024, 3, 31, 12, 0), True),
        ("*,*,*,jan-mar", datetime(2024, 4, 1, 12, 0), False),
        ("*,*,*,nov-feb", datetime(2024, 12, 24, 12, 0), True),
        ("*,*,*,12", datetime(2024, 12, 24, 12, 0), True),
        ("9:00-17:00|mon-fri|*|*", datetime(2024, 5, 13, 10, 0), True),
    ],
)
def test_time_spec_matches(spec: str, now: datetime, expected: bool) -> None:
    assert TimeSpec.parse(spec).matches(now) is expected


def test_time_spec_warnings_skip_bad_items() -> None:
    warnings: list[str] = []
    spec = TimeSpec.parse("9:00-&x&7:00-8:0x&9-10,mon-funday&&8,0&32&5-0,foo-mar", warnings.append)
    assert warnings == [
        "Invalid time range starting with '9:00-'.",
        "x isn't a valid time.",
        "'9' isn't a valid start time.",
        "Invalid end day of week 'funday', skipping element",
        "Invalid day of week '', skipping element",
        "Invalid day of week '8', skipping element",
        "Invalid day '0', skipping element",
        "Invalid day '32', skipping element",
        "Invalid end day '0', skipping element",
        "Invalid month 'foo', skipping element",
    ]
    # "7:00-8:0x" reads 8:0 as sscanf does
    assert spec.minutes == sum(1 << m for m in range(7 * 60, 8 * 60 + 1))
    assert spec.weekdays == 0
    assert spec.monthdays == 0
    assert spec.months == 0
    assert not spec.matches(datetime(2024, 1, 1, 7, 30))


def test_time_spec_time_zone() -> None:
    # Zone data comes from the system or, failing that, the `tzdata` package (dev extra).
    assert ZoneInfo("Europe/Paris").key == "Europe/Paris"
    spec = TimeSpec.parse("9:00-17:00,*,*,*,Europe/Paris")
    assert spec.timezone == "Europe/Paris"
    assert spec.matches(datetime(2024, 1, 15, 8, 30, tzinfo=timezone.utc))  # 09:30 in Paris
    assert not spec.matches(datetime(2024, 1, 15, 16, 30, tzinfo=timezone.utc))  # 17:30
    assert spec.matches(datetime(2024, 1, 15, 8, 30))  # naive is taken as UTC
    eastern = timezone(timedelta(hours=-5))
    assert spec.matches(datetime(2024, 1, 15, 3, 30, tzinfo=eastern))
    # without a zone in the spec, the wall-clock time of `now` is used as is
    assert TimeSpec.parse("9:00-17:00").matches(datetime(2024, 1, 15, 9, 30, tzinfo=eastern))
    warnings: list[str] = []
    odd = TimeSpec.parse("9:00-17:00,*,*,*,Mars/Olympus", warnings.append)
    assert warnings == ["Unknown time zone 'Mars/Olympus'; the time is taken as given"]
    assert odd.matches(datetime(2024, 1, 15, 9, 30, tzinfo=timezone.utc))
    assert TimeSpec.parse("9:00-17:00,*,*,*,Europe/Paris,extra").timezone is None


def test_duplicate_and_empty_timing_includes() -> None:
    dp = load("[a]\ninclude => b\ninclude => B\ninclude => b,\n[b]\nexten => 1,1,NoOp\n")
    assert [(i.context, i.timing) for i in dp.contexts["a"].includes] == [
        ("b", None),
        ("b", None),
    ]
    assert messages(dp) == ["Context 'B' already included in 'a' context"]
    assert dp.contexts["a"].includes[0].valid_at(datetime(2024, 1, 1))


# ---------------------------------------------------------------------------------------------
# Digit collection: can_match / matchmore


def test_can_match_and_matchmore() -> None:
    dp = load(
        """
[c]
exten => 1234,1,NoOp
exten => _5XX,1,NoOp
exten => _9011.,1,NoOp
[bang]
exten => _1!,1,NoOp
include => more
[more]
exten => _12XX,1,NoOp
"""
    )
    assert dp.can_match("c", "12")
    assert dp.matchmore("c", "12")
    assert dp.can_match("c", "1234")
    assert not dp.matchmore("c", "1234")
    assert dp.matchmore("c", "5")
    assert not dp.matchmore("c", "500")
    assert dp.matchmore("c", "9011")
    assert dp.matchmore("c", "90114")  # '.' takes any number of digits
    assert not dp.can_match("c", "7")
    # '!' reached ends the search of its context with "no more", includes unsearched
    assert not dp.matchmore("bang", "12")
    assert dp.matchmore("more", "12")
    assert dp.can_match("bang", "12")
    assert dp.exists("bang", "123")
    assert not dp.exists("c", "12")


# ---------------------------------------------------------------------------------------------
# Hints


def test_hints() -> None:
    dp = load(
        """
[globals]
DEV=PJSIP/joe
[c]
exten => 6245,hint,PJSIP/Grandstream1&PJSIP/Xlite1(Joe Schmoe)
exten => 6245,1,Dial(${HINT})
exten => 100,hint,${DEV}&Custom:${EXTEN}@${CONTEXT}
exten => _7XX,hint,PJSIP/${EXTEN}
exten => 300/555,hint,PJSIP/cid
include => more
[more]
exten => 400,hint,Queue:markq_avail
"""
    )
    assert dp.hint("c", "6245") == "PJSIP/Grandstream1&PJSIP/Xlite1"
    full = dp.find("c", "6245", HINT_PRIORITY)
    assert full is not None
    assert full.is_hint
    assert full.data == "Joe Schmoe"
    assert dp.hint("c", "100") == "PJSIP/joe&Custom:100@c"  # expanded at load time
    assert dp.hint("c", "701") == "PJSIP/${EXTEN}"  # pattern hints are not expanded
    assert dp.hint("c", "300") is None  # hints are looked up without caller id
    assert dp.hint("c", "400") == "Queue:markq_avail"
    assert dp.hint("c", "999") is None
    assert dp.find("c", "6245") is not None


# ---------------------------------------------------------------------------------------------
# Real files


def test_sample_extensions_conf(shared_dir: Path) -> None:
    text = (shared_dir / "asterisk-sample-configs" / "extensions.conf.sample").read_text()
    dp = Dialplan.from_text(text, reader=split_config_text)
    # parkedcalls comes from res_parking, not from extensions.conf
    assert messages(dp) == ["Context 'local' tries to include nonexistent context 'parkedcalls'"]
    assert dp.general.static is True
    assert dp.general.writeprotect is False
    assert dict(dp.globals) == {"CONSOLE": "Console/dsp", "TRUNK": "DAHDI/G2", "TRUNKMSD": "1"}
    assert {"demo", "default", "public", "local", "stdexten", "trunkint", "time"} <= set(
        dp.contexts
    )
    assert route(dp, "default", "s")[:5] == [
        ("Wait", "1"),
        ("Answer", ""),
        ("Set", "TIMEOUT(digit)=5"),
        ("Set", "TIMEOUT(response)=10"),
        ("BackGround", "demo-congrats"),
    ]
    instruct = dp.find_label("demo", "s", "instruct")
    assert instruct is not None
    assert (instruct.priority, instruct.app) == (6, "BackGround")
    # the _7XXX page pattern of [demo], through default's include
    page = dp.find("default", "7123")
    assert page is not None
    assert (page.context, page.exten, page.data) == ("demo", "_7XXX", "page,s,1(SIP/${EXTEN})")
    exact = dp.find("default", "7999")
    assert exact is not None
    assert exact.app == "Set"  # the exact 7999 beats _7XXX
    # stdexten's _X. subroutine starts at 50000, reachable through demo -> stdexten
    std = dp.find("public", "6000", 50000)
    assert std is not None
    assert (std.context, std.label, std.data) == ("stdexten", "stdexten", "Start stdexten")
    assert dp.find("default", "6000") is None  # nothing at priority 1 for it
    assert dp.find("stdexten", "stdexten-BUSY") is not None
    anything = dp.find("stdexten", "stdexten-FOO")
    assert anything is not None
    assert anything.exten == "_stde[x]te[n]-."
    # outbound routes: international via longdistance -> local -> trunklocal, and trunkint
    intl = dp.find("international", "9011441234567")
    assert intl is not None
    assert (intl.context, intl.app) == ("trunkint", "Gosub")
    local = route(dp, "international", "95551234")
    assert local == [("Dial", "${GLOBAL(TRUNK)}/${EXTEN:${GLOBAL(TRUNKMSD)}}")]
    tollfree = dp.find("local", "918005551234")
    assert tollfree is not None
    assert tollfree.context == "trunktollfree"
    assert dp.ignore_pattern("international", "9")
    freenum = dp.find("outbound-freenum", "1234*256")
    assert freenum is not None
    assert freenum.exten == "_XXXX*X!"
    assert dp.contexts["dundi-e164-switch"].switches[0].module == "DUNDi"
    trunkdial = route(dp, "trunkdial", "s-BUSY")
    assert trunkdial == [("PlayTones", "busy"), ("Wait", "60"), ("Hangup", "")]
    other = dp.find("trunkdial", "s-WHATEVER")
    assert other is not None
    assert other.exten == "_s-."
    mbx = dp.find("stdPrivacyexten", "1234", 60006)
    assert mbx is not None
    assert mbx.data == 'LOCAL(mbx)="${ext}"$["${cntx}" ? "@${cntx}" :: ""]'


def test_capture_config_routes(shared_dir: Path) -> None:
    text = (shared_dir / "captures" / "config" / "extensions.conf").read_text()
    dp = Dialplan.from_text(text, reader=split_config_text)
    assert dp.diagnostics == ()
    # Originate Local/s@playback-test: Answer, Wait(1), Playback(beep), Hangup
    assert route(dp, "playback-test", "s") == [
        ("Answer", ""),
        ("Wait", "1"),
        ("Playback", "beep"),
        ("Hangup", ""),
    ]
    agi = dp.find("fastagi-test", "s", 2)
    assert agi is not None
    assert (agi.app, agi.data) == ("AGI", "agi://127.0.0.1:4573/ivr,arg1,arg 2")
    assert agi.source == "extensions.conf:31"
    after = dp.find("agi-after", "1000")
    assert after is not None
    assert after.data == "after AGI ext 1000"
    assert route(dp, "queue-entry", "s")[1] == ("Queue", "support,,,,20")
    assert dp.find("playback-test", "100") is None
    assert dp.globals["GLOBALVAR1"] == "initial-value"


# ---------------------------------------------------------------------------------------------
# Input: categories, the small splitter and the reader hook


def test_from_categories_accepts_plain_tuples_and_config_lines() -> None:
    dp = Dialplan.from_categories(
        [
            ("ctx", [("exten", "s,1,Answer()", "a.conf", 3, True)]),
            ("ctx", [ConfigLine("Same", "n,Hangup()", "b.conf", 7, True)]),
            ("empty", []),
        ]
    )
    # same => in a new category has no previous exten, so only Answer is there
    assert route(dp, "ctx", "s") == [("Answer", "")]
    assert dp.diagnostics[0].filename == "b.conf"
    assert dp.contexts["empty"].extensions == ()
    assert dp.contexts["ctx"].filename == "a.conf"
    assert repr(dp) == "<Dialplan 2 contexts, 1 diagnostics>"


def test_split_config_text() -> None:
    text = (
        "\ufeff; comment\n"
        "[tpl](!)\n"
        "exten => s,1,NoOp(from template)\n"
        "[c](tpl)\n"
        "exten => s,2,NoOp(a\\;b) ; comment\n"
        "exten => s,3,NoOp(x) ;-- block\n"
        "still comment --; exten => s,4,NoOp(after block)\n"
        ";--\nexten => s,5,NoOp(hidden)\n;-- nested --;\n--;\n"
        ";--- not a block\n"
        "#include other.conf\n"
        "key += appended\n"
        "key += more\n"
        "no equal sign\n"
        " = no name\n"
        "\\[odd] = escaped\n"
        "[c](+)\n"
        "exten => s,6,NoOp(appended)\r\n"
    )
    cats = split_config_text(text, "t.conf")
    assert [name for name, _ in cats] == ["c"]
    lines = cats[0][1]
    assert [(line[0], line[1], line[3], line[4]) for line in lines] == [
        ("exten", "s,1,NoOp(from template)", 3, True),
        ("exten", "s,2,NoOp(a;b)", 5, True),
        ("exten", "s,3,NoOp(x)", 6, True),
        ("exten", "s,4,NoOp(after block)", 7, True),
        ("key", "appendedmore", 14, False),
        ("[odd]", "escaped", 18, False),
        ("exten", "s,6,NoOp(appended)", 20, True),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("exten => s,1,NoOp\n", "No category context for line"),
        ("[c\n", "parse error: no closing ']'"),
        ("[c](!\n", "parse error: no closing ')'"),
        ("[c](nope)\n", "Inheritance requested, but category 'nope' does not exist"),
        ("[c](+)\n", "Category addition requested, but category 'c' does not exist"),
    ],
)
def test_split_config_text_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigSyntaxError) as info:
        split_config_text(text, "bad.conf")
    assert info.value.message == message
    assert info.value.filename == "bad.conf"


def test_from_text_uses_the_reader_hook_when_present(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, str]] = []

    def categories_from_text(text: str, filename: str) -> list[tuple[str, list[ConfigLine]]]:
        seen.append((text, filename))
        return [("hooked", [ConfigLine("exten", "1,1,NoOp(hook)", filename, 1, True)])]

    monkeypatch.setattr(pyst.config, "categories_from_text", categories_from_text, raising=False)
    dp = Dialplan.from_text("ignored", "x.conf")
    assert seen == [("ignored", "x.conf")]
    assert dp.find("hooked", "1") is not None
    monkeypatch.setattr(pyst.config, "categories_from_text", None, raising=False)
    assert "c" in Dialplan.from_text("[c]\n").contexts  # no usable hook: the small splitter


# ---------------------------------------------------------------------------------------------
# Properties

PATTERN_CHARS = st.text(alphabet="0123456789xXnNzZ[]-.!_/#*abs ", max_size=12)


@settings(max_examples=300, deadline=None)
@given(pattern=st.one_of(PATTERN_CHARS, st.text(max_size=12)), exten=st.text(max_size=12))
def test_matcher_never_crashes(pattern: str, exten: str) -> None:
    for func in (extension_match, extension_can_match, extension_match_more):
        assert isinstance(func(pattern, exten), bool)
    assert extension_cmp(pattern, exten) == -extension_cmp(exten, pattern)
    split_application(pattern + "(" + exten)


@settings(max_examples=300, deadline=None)
@given(
    name=st.text(max_size=10).filter(lambda s: not s.startswith("_")),
    other=st.text(max_size=10),
)
def test_a_plain_extension_matches_only_itself(name: str, other: str) -> None:
    # '-' is eye candy on both sides, so "the same" means equal without dashes
    assert extension_match(name, name)
    assert extension_match(name, other) is (name.replace("-", "") == other.replace("-", ""))


@settings(max_examples=100, deadline=None)
@given(names=st.lists(PATTERN_CHARS, min_size=1, max_size=6))
def test_a_context_built_from_any_names_routes_consistently(names: list[str]) -> None:
    lines = [("exten", f"{name},1,NoOp({i})", "p.conf", i, True) for i, name in enumerate(names)]
    dp = Dialplan.from_categories([("c", lines)])
    exts = dp.contexts["c"].extensions
    keys = [extension_sort_key(e.name) for e in exts]
    assert keys == sorted(keys)
    for ext in exts:
        if not ext.is_pattern and ext.cidmatch is None:
            found = dp.find("c", ext.name)
            assert found is not None
            assert extension_cmp(found.exten, ext.name) == 0


def test_corners() -> None:
    # repeated set members count once; an empty set takes no position when sorting
    assert extension_cmp("_[11]X", "_1X") == 0
    assert extension_cmp("_1[]X", "_1X") == 0
    assert extension_cmp("_[3-15]", "_[5]") == -1  # the reversed range still lowers the minimum
    dp = load(
        """
[globals]
X=abcdef
[c]
exten => ${X:1:-2},1,NoOp(negative length)
exten => ${X:4:-3},1,NoOp(nothing left)
exten => ${X:9},1,NoOp(offset past the end)
exten => ${X:x},1,NoOp(bad offset is 0)
exten => 5/_[1-3]X-X,1,NoOp(cid set keeps its dash)
exten => 5/_[1-3]X-X,n(lbl),NoOp(labelled)
exten => 5,lbl,NoOp(label of the cid extension is not seen)
exten => 7/1.2.,1,NoOp(only a final dot is kept)
include => c2,9:00-10:00,*,*,*
[c2]
"""
    )
    assert [e.name for e in dp.contexts["c"].extensions] == ["5", "7", "abcdef", "bcd"]
    assert dp.contexts["c"].extensions[1].cidmatch == "12."
    cid = dp.contexts["c"].extensions[0]
    assert cid.cidmatch == "_[1-3]XX"  # '-' outside brackets shrunk away
    assert dp.find("c", "5", callerid="255") is not None
    assert dp.find("c", "5", callerid="455") is None
    assert dp.contexts["c"].extension("6") is None
    kidding = (
        "You have to be kidding-- add exten '' to context c? Figure out a name and call "
        "me back. Action ignored."
    )
    assert messages(dp) == [kidding, kidding, "Invalid priority/label 'lbl'"]
    assert TimeSpec.parse("*,*, 5,*").monthdays == 1 << 4  # sscanf skips the blank
    warnings: list[str] = []
    TimeSpec.parse("9:00-9:61", warnings.append)
    assert warnings == ["'9:61' isn't a valid end time."]
    # the default clock is the machine's local time: the lookup works either way
    assert (
        Dialplan.from_text("[c]\ninclude => d,*,*,*,*\n[d]\nexten => 1,1,NoOp\n").find("c", "1")
        is not None
    )
    cats = split_config_text("[a](!)\nx=1\n[b](!)\ny=2\n[c](a,b)\nz=3\n")
    assert [(k, v) for k, v, *_ in cats[0][1]] == [("x", "1"), ("y", "2"), ("z", "3")]
