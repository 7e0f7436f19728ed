"""Variables, ``${...}`` substitution, ``$[...]`` expressions and dialplan functions, as
``GET VARIABLE`` / ``GET FULL VARIABLE`` / ``SET VARIABLE`` see them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyst_sim.agi import Caller, Channel
from pyst_sim.agi.functions import (
    ast_false,
    ast_true,
    atoi,
    c_int,
    check_condition,
    evaluate_expression,
    parse_callerid,
)
from pyst_sim.state import AstDB


@pytest.fixture
def chan() -> Channel:
    return Channel(
        name="PJSIP/100-0000002a", uniqueid="1767225600.7", threadid=1, context="ivr",
        extension="100", priority=2, caller=Caller(callerid="5551234", name="Ann Smith"),
        dnid="100", rdnis="200", variables={"FOO": "hello world", "N": "7", "LIST": "a-b-c-d"},
        globals_={"GLOBALVAR": "g"}, astdb=AstDB({"/cfg/lang": "fr"}), seed=3,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${FOO}", "hello world"),
        ("${FOO:6}", "world"),
        ("${FOO:-5}", "world"),
        ("${FOO:0:5}", "hello"),
        ("${FOO:1:-1}", "ello worl"),
        ("${FOO:99}", ""),
        ("${NOPE}", ""),
        ("x${N}y", "x7y"),
        ("${CHANNEL}", "PJSIP/100-0000002a"),
        ("${UNIQUEID}", "1767225600.7"),
        ("${EXTEN}@${CONTEXT}:${PRIORITY}", "100@ivr:2"),
        ("${CALLINGPRES}${HANGUPCAUSE}", "00"),
        ("${GLOBALVAR}", "g"),
        ("${GLOBAL(GLOBALVAR)}", "g"),
        ("${EPOCH}", "1767225600"),
        ("${CALLERID(num)}", "5551234"),
        ("${CALLERID(name)}", "Ann Smith"),
        ("${CALLERID(all)}", '"Ann Smith" <5551234>'),
        ("${CALLERID(dnid)}/${CALLERID(rdnis)}/${CALLERID(ani)}", "100/200/5551234"),
        ("${CHANNEL(name)}|${CHANNEL(state)}|${CHANNEL(language)}", "PJSIP/100-0000002a|Ring|en"),
        ("${CHANNEL(channeltype)}|${CHANNEL(checkhangup)}", "PJSIP|0"),
        ("${DB(cfg/lang)}|${DB(cfg/none)}|${DB_EXISTS(cfg/lang)}", "fr||1"),
        ("${LEN(${FOO})}", "11"),
        ("${TOUPPER(${FOO})}|${TOLOWER(ABC)}", "HELLO WORLD|abc"),
        ("${IF($[${N} > 5]?big:small)}", "big"),
        ("${IF($[${N} > 50]?big:small)}", "small"),
        ("${ISNULL(${NOPE})}${EXISTS(${FOO})}", "11"),
        ("${CUT(LIST,-,2)}|${CUT(LIST,-,2-3)}|${CUT(LIST,-,3-)}", "b|b-c|c-d"),
        ("${FIELDQTY(LIST,-)}|${REPLACE(LIST,-,_)}", "4|a_b_c_d"),
        ("${STRFTIME(0,UTC,%Y-%m-%d)}", "1970-01-01"),
        ("${EVAL(FOO)}", "hello world"),
        ("${NOSUCHFUNC(x)}", ""),
        ("${callerid(num)}", ""),  # function names are case-sensitive
        ("$[1 + 2 * 3]", "7"),
        ("$[(1 + 2) * 3]", "9"),
        ("$[10 / 4]", "2.5"),
        ("$[7 % 3]", "1"),
        ("$[${N} = 7]", "1"),
        ('$["abc" = "abd"]', "0"),
        ("$[abc < abd]", "1"),
        ("$[1 | 0]", "1"),
        ("$[0 | x]", "x"),
        ("$[1 & 0]", "0"),
        ("$[!0]", "1"),
        ("$[-3 + 1]", "-2"),
        ("$[1 ? yes :: no]", "yes"),
        ("$[0 ? yes :: no]", "no"),
        ('$[abc123 =~ "[0-9]+"]', "3"),
        ('$[abc123 =~ "([a-z]+)"]', "abc"),
        ('$[abc =~ "[0-9]"]', "0"),
        ("$[a ~~ b]", "ab"),
        ("$[1 +]", ""),  # syntax error
        ("$[1 / 0]", ""),
        ("$ not a reference", "$ not a reference"),
        ("${FOO", "hello world"),  # missing '}': the rest of the text is the name
    ],
)
def test_substitute(chan: Channel, text: str, expected: str) -> None:
    assert chan.substitute(text) == expected


def test_nested_references(chan: Channel) -> None:
    chan.set_variable("WHICH", "FOO")
    assert chan.substitute("${${WHICH}}") == "hello world"


def test_get_variable(chan: Channel) -> None:
    assert chan.get_variable("FOO") == "hello world"
    assert chan.get_variable("foo") is None  # names are case-sensitive
    assert chan.get_variable("HINT") is None
    assert chan.get_variable("SYSTEMNAME") is None
    assert chan.get_variable("ENTITYID") is not None
    assert chan.get_variable("CALLERID(num)") == "5551234"
    assert chan.get_variable("UNKNOWN(x)") is None
    assert chan.get_variable("IF(nope)") is None


def test_functions_written(chan: Channel) -> None:
    chan.set_variable("CALLERID(name)", "Bob")
    chan.set_variable("CALLERID(all)", '"Carl" <777>')
    assert (chan.callerid_name, chan.callerid_num) == ("Carl", "777")
    chan.set_variable("CALLERID(ani)", "1")
    chan.set_variable("CALLERID(dnid)", "2")
    chan.set_variable("CALLERID(rdnis)", "3")
    chan.set_variable("CALLERID(num)", "4")
    assert (chan.callerid_ani, chan.dnid, chan.rdnis, chan.callerid_num) == ("1", "2", "3", "4")
    chan.set_variable("CHANNEL(language)", "de")
    chan.set_variable("CHANNEL(musicclass)", "jazz")
    chan.set_variable("CHANNEL(accountcode)", "acct")
    assert (chan.language, chan.musicclass, chan.accountcode) == ("de", "jazz", "acct")
    chan.set_variable("DB(cfg/new)", "v")
    assert chan.astdb.get("cfg", "new") == "v"
    chan.set_variable("GLOBAL(G2)", "x")
    assert chan.globals["G2"] == "x"
    chan.set_variable("LEN(x)", "read-only")  # logged, ignored
    assert chan.substitute("${SET(Z=1)}${Z}") == "11"
    assert chan.substitute("${DB_DELETE(cfg/new)}|${DB(cfg/new)}") == "v|"
    assert chan.substitute("${DB_EXISTS(cfg/new)}|${DB_RESULT}") == "0|"


def test_rand_is_seeded() -> None:
    values = [Channel(seed=5, name="a/b", uniqueid="1", threadid=1,
                      caller=Caller(callerid="1", name="n")).substitute("${RAND(1,1000)}")
              for _ in range(2)]
    assert values[0] == values[1]
    assert 1 <= int(values[0]) <= 1000


def test_inheritance_marks_are_ignored_by_lookups(chan: Channel) -> None:
    chan.set_variable("__X", "1")
    chan.set_variable("_Y", "2")
    assert (chan.get_variable("X"), chan.get_variable("Y")) == ("1", "2")
    chan.delete_variable("_Y")
    assert chan.get_variable("Y") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('"Bob" <123>', ("Bob", "123")),
        ("Bob <123>", ("Bob", "123")),
        ("<123>", ("", "123")),
        ("Bob <123", ("Bob", "123")),
        ("(555) 123-4567", (None, "5551234567")),
        ("Alice", ("Alice", None)),
        ('"5551234"', ("5551234", None)),
    ],
)
def test_parse_callerid(value: str, expected: tuple[str | None, str | None]) -> None:
    assert parse_callerid(value) == expected


def test_c_number_parsing() -> None:
    assert c_int("  42abc") == 42
    assert c_int("-7") == -7
    assert c_int("x") is None
    assert c_int("99999999999") == 2**31 - 1
    assert atoi("") == 0
    assert check_condition("") is False
    assert check_condition("0") is False
    assert check_condition("2") is True
    assert check_condition("abc") is True
    assert ast_true("Yes") and ast_true("on") and not ast_true(None) and not ast_true("x")
    assert ast_false("no") and ast_false("OFF") and not ast_false(None)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="${}[]():ABC 1+-", max_size=30))
def test_substitution_never_raises(text: str) -> None:
    chan = Channel(name="a/b", uniqueid="1", threadid=1, caller=Caller(callerid="1", name="n"),
                   variables={"A": "1", "B": "${A}"})
    assert isinstance(chan.substitute(text), str)
    assert isinstance(evaluate_expression(text), str)
