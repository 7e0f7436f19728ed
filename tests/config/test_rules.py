"""One small case per reader rule (PROTOCOL.md §3.2-3.6 and the observed behaviour of §3.9).

Each case gives the text, the expected load status, the resolved view (templates included,
marked with a trailing ``(!)``) and the diagnostic codes in order. The expectations are
Asterisk 22's outcome, not ours: where Asterisk has a quirk, the case pins the quirk.
"""

from __future__ import annotations

import pytest

from pyst.config import Code, LoadStatus, parse_text
from pyst.config.model import ResolvedConfig

OK = LoadStatus.OK
INVALID = LoadStatus.INVALID


def view(config: ResolvedConfig) -> list[tuple[str, list[tuple[str, str]]]]:
    return [(c.name + ("(!)" if c.is_template else ""), c.items()) for c in config.all_categories]


CASES: list[tuple[str, str, LoadStatus, list[tuple[str, list[tuple[str, str]]]], list[Code]]] = [
    # --- §3.2 comments ---
    ("line comment", "[a]\nk=v ; note\n", OK, [("a", [("k", "v")])], []),
    ("comment inside quotes", '[a]\nk="a;b"\n', OK, [("a", [("k", '"a')])], []),
    ("escaped semicolon", "[a]\nk=a\\;b\n", OK, [("a", [("k", "a;b")])], []),
    ("escaped backslash semicolon", "[a]\nk=a\\\\;b\n", OK, [("a", [("k", "a\\;b")])], []),
    ("other backslashes kept", "[a]\nk=a\\nb\\\\\n", OK, [("a", [("k", "a\\nb\\\\")])], []),
    ("escape in key", "[a]\nk\\;x=1\n", OK, [("a", [("k;x", "1")])], []),
    ("escape in category", "[a\\;b]\nk=1\n", OK, [("a;b", [("k", "1")])], []),
    (
        "block comment over lines",
        "[a]\nx=1\n;--\ny=2\n--;\nz=3\n",
        OK,
        [("a", [("x", "1"), ("z", "3")])],
        [],
    ),
    (
        "block comment inside a line joins text",
        "[a]\nx=1 ;-- c --; tail\n",
        OK,
        [("a", [("x", "1  tail")])],
        [],
    ),
    (
        "text after a closing marker",
        "[a]\n;-- start\nstill comment --; k=2\n",
        OK,
        [("a", [("k", "2")])],
        [],
    ),
    (
        "nested block comments",
        "[a]\n;-- one ;-- two --; still one\nk=1\n--;\nz=2\n",
        OK,
        [("a", [("z", "2")])],
        [],
    ),
    (
        "';--;' opens a block",
        "[a]\nx=1\n;--;\ny=2\n",
        OK,
        [("a", [("x", "1")])],
        [Code.UNTERMINATED_COMMENT],
    ),
    ("';---' is a line comment", "[a]\n;-----\nx=1\n", OK, [("a", [("x", "1")])], []),
    (
        "unterminated block hides the rest",
        "[a]\nx=1\n;-- open\ny=2\n[b]\n",
        OK,
        [("a", [("x", "1")])],
        [Code.UNTERMINATED_COMMENT],
    ),
    (
        "stray closer: the line keeps its text, later lines are ignored",
        "[a]\nx=1 --; more\ny=2\n[b]\n",
        OK,
        [("a", [("x", "1 --; more")])],
        [Code.STRAY_COMMENT_END],
    ),
    (
        "stray closer: an opener brings the counter back to zero",
        "[a]\nx=1 --;\ny=2\n;--\nz=3\n",
        OK,
        [("a", [("x", "1 --;"), ("z", "3")])],
        [Code.STRAY_COMMENT_END],
    ),
    # --- §3.3 whitespace and quoting ---
    (
        "blanks around key and value",
        "[a]\n  k   =   v  \t\n",
        OK,
        [("a", [("k", "v")])],
        [],
    ),
    ("quotes kept", '[a]\nk = "a b"\n', OK, [("a", [("k", '"a b"')])], []),
    (
        "unicode spaces are not blanks",
        "[a]\nk=\u00a0v\u00a0\n",
        OK,
        [("a", [("k", "\u00a0v\u00a0")])],
        [],
    ),
    ("control bytes are blanks", "[a]\n\x01k\x02=\x03v\x04\n", OK, [("a", [("k", "v")])], []),
    ("no variable expansion", "[a]\nk=${X}\n", OK, [("a", [("k", "${X}")])], []),
    ("no line continuation", "[a]\nk=a\\\nz=b\n", OK, [("a", [("k", "a\\"), ("z", "b")])], []),
    # --- line ends ---
    ("CR before LF is stripped", "[a]\r\nk=v\r\n", OK, [("a", [("k", "v")])], []),
    ("a lone CR is not a line break", "[a]\nk=a\rb\n", OK, [("a", [("k", "a\rb")])], []),
    ("NUL ends the line", "[a]\nk=v\x00;junk=1\n", OK, [("a", [("k", "v")])], []),
    ("BOM at the start is removed", "\ufeff[a]\nk=v\n", OK, [("a", [("k", "v")])], []),
    (
        "BOM elsewhere is text",
        "[a]\n\ufeffk=v\n",
        OK,
        [("a", [("\ufeffk", "v")])],
        [],
    ),
    ("no final newline", "[a]\nk=v", OK, [("a", [("k", "v")])], []),
    # --- §3.4 categories ---
    ("category name not trimmed", "[ spaced ]\nk=1\n", OK, [(" spaced ", [("k", "1")])], []),
    ("empty category name", "[]\nk=1\n", OK, [("", [("k", "1")])], []),
    (
        "text after ']' ignored",
        "[x] trailing words\nk=1\n",
        OK,
        [("x", [("k", "1")])],
        [Code.HEADER_TRAILING_TEXT],
    ),
    (
        "'[x] (!)' is not a template",
        "[x] (!)\nk=1\n",
        OK,
        [("x", [("k", "1")])],
        [Code.HEADER_TRAILING_TEXT],
    ),
    (
        "text after ')' ignored",
        "[x](!)junk\nk=1\n",
        OK,
        [("x(!)", [("k", "1")])],
        [Code.HEADER_TRAILING_TEXT],
    ),
    (
        "name cut at 79 bytes",
        "[" + "n" * 90 + "]\nk=1\n",
        OK,
        [("n" * 79, [("k", "1")])],
        [Code.NAME_TRUNCATED],
    ),
    ("missing ']'", "[x\nk=1\n", INVALID, [], [Code.NO_CLOSING_BRACKET]),
    ("missing ')'", "[x](!\nk=1\n", INVALID, [], [Code.NO_CLOSING_PAREN]),
    (
        "error stops the file",
        "[a]\nk=1\n[b\nz=2\n[c]\n",
        INVALID,
        [("a", [("k", "1")])],
        [Code.NO_CLOSING_BRACKET],
    ),
    (
        "same-name categories stay separate",
        "[a]\nk=1\n[a]\nk=2\n",
        OK,
        [("a", [("k", "1")]), ("a", [("k", "2")])],
        [],
    ),
    ("template", "[t](!)\nk=1\n", OK, [("t(!)", [("k", "1")])], []),
    (
        "append to the first category of that name",
        "[a]\nk=1\n[a]\nk=2\n[A](+)\nz=3\n",
        OK,
        [("a", [("k", "1"), ("z", "3")]), ("a", [("k", "2")])],
        [],
    ),
    (
        "append target missing",
        "[a]\nk=1\n[b](+)\nz=1\n",
        INVALID,
        [("a", [("k", "1")])],
        [Code.APPEND_TARGET_MISSING],
    ),
    (
        "append to a template is an error",
        "[t](!)\nk=1\n[t](+)\nz=1\n",
        INVALID,
        [("t(!)", [("k", "1")])],
        [Code.APPEND_TARGET_MISSING],
    ),
    (
        "'(!,+)' turns an existing category into a template",
        "[a]\nk=1\n[a](!,+)\nz=2\n",
        OK,
        [("a(!)", [("k", "1"), ("z", "2")])],
        [],
    ),
    (
        "'(+key=regex)' picks the category whose keys match",
        "[a]\ntype=x\n[a]\ntype=y\n[a](+type=^y$)\nk=2\n",
        OK,
        [("a", [("type", "x")]), ("a", [("type", "y"), ("k", "2")])],
        [],
    ),
    (
        "inherited keys come first, duplicates kept",
        "[t](!)\na=1\nb=2\n[c](t)\nb=3\nd=4\n",
        OK,
        [
            ("t(!)", [("a", "1"), ("b", "2")]),
            ("c", [("a", "1"), ("b", "2"), ("b", "3"), ("d", "4")]),
        ],
        [],
    ),
    (
        "parents in the order written",
        "[p1]\na=1\n[p2]\nb=2\n[c](p2,p1)\n",
        OK,
        [("p1", [("a", "1")]), ("p2", [("b", "2")]), ("c", [("b", "2"), ("a", "1")])],
        [],
    ),
    (
        "parents found case-insensitively",
        "[Base](!)\na=1\n[c](bASE)\n",
        OK,
        [("Base(!)", [("a", "1")]), ("c", [("a", "1")])],
        [],
    ),
    (
        "inheritance is a snapshot",
        "[p]\na=1\n[c](p)\n[p](+)\nb=2\n",
        OK,
        [("p", [("a", "1"), ("b", "2")]), ("c", [("a", "1")])],
        [],
    ),
    (
        "'[c]()' inherits from the first category",
        "[first]\na=1\n[second]\nb=2\n[c]()\n",
        OK,
        [("first", [("a", "1")]), ("second", [("b", "2")]), ("c", [("a", "1")])],
        [],
    ),
    (
        "unknown parent",
        "[c](nope)\nk=1\n",
        INVALID,
        [],
        [Code.INHERIT_TARGET_MISSING],
    ),
    (
        "parent defined later",
        "[c](p)\n[p]\n",
        INVALID,
        [],
        [Code.INHERIT_TARGET_MISSING],
    ),
    (
        "space in the option list",
        "[t1]\na=1\n[t2]\nb=2\n[c](t1, t2)\n",
        INVALID,
        [("t1", [("a", "1")]), ("t2", [("b", "2")])],
        [Code.INHERIT_TARGET_MISSING],
    ),
    # --- §3.5 variable lines ---
    ("'=>' reads like '='", "[a]\nk => v\n", OK, [("a", [("k", "v")])], []),
    ("'= >' is not an object", "[a]\nk = > v\n", OK, [("a", [("k", "> v")])], []),
    ("first '=' splits", "[a]\na=b=c\n", OK, [("a", [("a", "b=c")])], []),
    ("empty value", "[a]\nk=\n", OK, [("a", [("k", "")])], []),
    ("'+=' appends with no separator", "[a]\nk=a\nk+=b\n", OK, [("a", [("k", "ab")])], []),
    (
        "'+=' keeps the blanks written after it",
        "[a]\nk=a\nk += b\n",
        OK,
        [("a", [("k", "a b")])],
        [],
    ),
    (
        "'+=' appends to the last key of that name",
        "[a]\nk=1\nk=2\nk+=3\n",
        OK,
        [("a", [("k", "1"), ("k", "23")])],
        [],
    ),
    ("'+=' without an earlier key creates it", "[a]\nk+=1\n", OK, [("a", [("k", "1")])], []),
    (
        "'+=' with names differing in case updates the first match",
        "[a]\nA=x\na=x\na+=y\n",
        OK,
        [("a", [("a", "xy"), ("a", "x")])],
        [],
    ),
    (
        "'+=' on an inherited key",
        "[t](!)\nallow=ulaw\n[c](t)\nallow+=,alaw\n",
        OK,
        [("t(!)", [("allow", "ulaw")]), ("c", [("allow", "ulaw,alaw")])],
        [],
    ),
    (
        "key names are case-sensitive and duplicates kept",
        "[a]\nK=1\nk=2\nk=3\n",
        OK,
        [("a", [("K", "1"), ("k", "2"), ("k", "3")])],
        [],
    ),
    ("no '=' is ignored", "[a]\njunk\nk=1\n", OK, [("a", [("k", "1")])], [Code.NO_EQUALS]),
    ("no name is ignored", "[a]\n= v\nk=1\n", OK, [("a", [("k", "1")])], [Code.NO_NAME]),
    ("'+=' with no name", "[a]\n+= v\n", OK, [("a", [])], [Code.NO_NAME]),
    ("leading escape", "[a]\n\\[x]=1\n\\#y=2\n", OK, [("a", [("[x]", "1"), ("#y", "2")])], []),
    ("escaped '=' in a key", "[a]\n\\==1\n", OK, [("a", [("=", "1")])], []),
    ("escaped '+' is not '+='", "[a]\n\\+=1\n", OK, [("a", [("+", "1")])], []),
    ("backslash before a blank", "[a]\n\\ k=1\n", INVALID, [("a", [])], [Code.INVALID_ESCAPE]),
    ("backslash at the end", "[a]\n\\\n", INVALID, [("a", [])], [Code.INVALID_ESCAPE]),
    (
        "backslash before non-ASCII",
        "[a]\n\\\u00e9=1\n",
        INVALID,
        [("a", [])],
        [Code.INVALID_ESCAPE],
    ),
    ("key before any category", "k=1\n[a]\n", INVALID, [], [Code.NO_CATEGORY]),
    (
        "semicolon inside a value cuts it",
        "[a]\nexten => s,1,NoOp(a;b)\n",
        OK,
        [("a", [("exten", "s,1,NoOp(a")])],
        [Code.SEMICOLON_IN_VALUE],
    ),
    (
        "dialplan lines are plain keys",
        "[ctx]\nexten => s,1,NoOp(a\\;b)\n same => n,Hangup()\n",
        OK,
        [("ctx", [("exten", "s,1,NoOp(a;b)"), ("same", "n,Hangup()")])],
        [],
    ),
    # --- §3.6 directives (reader without file access) ---
    (
        "unknown directive",
        "[a]\n#foo bar\nk=1\n",
        OK,
        [("a", [("k", "1")])],
        [Code.UNKNOWN_DIRECTIVE],
    ),
    ("a lone '#'", "[a]\n# comment\n", OK, [("a", [])], [Code.UNKNOWN_DIRECTIVE]),
    (
        "directive without argument",
        "[a]\n#include\n",
        OK,
        [("a", [])],
        [Code.DIRECTIVE_NEEDS_ARGUMENT],
    ),
    ("#exec disabled", "[a]\n#exec /bin/echo x\n", OK, [("a", [])], [Code.EXEC_DISABLED]),
    ("#exec disabled, no argument", "[a]\n#exec\n", OK, [("a", [])], [Code.EXEC_DISABLED]),
    (
        "directive names ignore case",
        "[a]\n#INCLUDE x.conf\n",
        OK,
        [("a", [])],
        [Code.INCLUDE_NOT_FOLLOWED],
    ),
    (
        "'#include\"x\"' is an unknown directive",
        '[a]\n#include"x"\n',
        OK,
        [("a", [])],
        [Code.UNKNOWN_DIRECTIVE],
    ),
    # --- too long ---
    (
        "line over 8190 bytes skipped",
        "[a]\nk=" + "x" * 8190 + "\nz=1\n",
        OK,
        [("a", [("z", "1")])],
        [Code.LINE_TOO_LONG],
    ),
    (
        "line of exactly 8190 bytes read",
        "[a]\nk=" + "x" * 8188 + "\n",
        OK,
        [("a", [("k", "x" * 8188)])],
        [],
    ),
    (
        "long comment line skipped with a warning",
        "[a]\n;" + "x" * 9000 + "\nz=1\n",
        OK,
        [("a", [("z", "1")])],
        [Code.LINE_TOO_LONG],
    ),
    (
        "long line counted in bytes",
        "[a]\nk=" + "\u00e9" * 4095 + "\nz=1\n",
        OK,
        [("a", [("z", "1")])],
        [Code.LINE_TOO_LONG],
    ),
    (
        "a NUL inside a long line makes fgets() read the rest as new lines",
        "[a]\nk=v\x00" + "x" * 8200 + "=late\n",
        OK,
        [("a", [("k", "v"), ("x" * 13, "late")])],  # 8191-byte chunks: 4 + 8187, then 13
        [],
    ),
    ("empty text", "", OK, [], []),
    ("only comments", "; nothing\n\n;-- block --;\n", OK, [], []),
]


@pytest.mark.parametrize(
    ("text", "status", "expected", "codes"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_rule(
    text: str,
    status: LoadStatus,
    expected: list[tuple[str, list[tuple[str, str]]]],
    codes: list[Code],
) -> None:
    loaded = parse_text(text, "t.conf")
    assert loaded.status is status
    assert view(loaded.config) == expected
    assert [d.code for d in loaded.diagnostics] == codes


def test_templates_hidden_from_readers() -> None:
    loaded = parse_text("[t](!)\na=1\n[c](t)\nb=2\n")
    assert loaded.config.names() == ["c"]
    assert [c.name for c in loaded.config] == ["c"]
    assert [c.name for c in loaded.config.templates] == ["t"]
    assert loaded.config.category("t") is None
    assert loaded.config.get("t", "a") is None
    assert loaded.config.get(None, "a") == "1"  # NULL category: every category, templates too
    assert [c.name for c in loaded.config.browse(filter="TEMPLATES=include")] == ["t", "c"]
    assert [c.name for c in loaded.config.browse(filter="TEMPLATES=restrict")] == ["t"]
    assert loaded.config.all_categories[1].templates == ["t"]


def test_lookups_follow_ast_variable_retrieve() -> None:
    loaded = parse_text("[t](!)\nk=inherited\n[c](t)\nk=local\nK=upper\n[c]\nk=second\n")
    cat = loaded.config.category("C")
    assert cat is not None
    assert cat.get("k") == "inherited"  # first match: the inherited value wins
    assert cat.get_last("K") == "upper"  # case-insensitive
    assert cat.get_all("k") == ["inherited", "local", "upper"]
    assert cat.keys() == ["k"]
    assert "K" in cat and "nope" not in cat and 3 not in cat  # type: ignore[operator]
    assert loaded.config.get("c", "k") == "inherited"
    assert loaded.config.get("nope", "k", "dflt") == "dflt"
    assert loaded.get("c", "missing", "x") == "x"
    assert [v.inherited for v in cat.variables] == [True, False, False]
    assert [v.lineno for v in cat] == [2, 4, 5]
    assert len(cat) == 3 and len(loaded.config) == 2
    assert "template" not in repr(cat) and "3 keys" in repr(cat)


def test_variable_fields() -> None:
    loaded = parse_text("[ctx]\nexten => 1,1,NoOp()\nsame = n,Hangup()\n", "x.conf")
    first, second = loaded.config.categories[0].variables
    assert first == ("exten", "1,1,NoOp()", "x.conf", 2, True, False)
    assert (first.name, first.is_object, second.is_object) == ("exten", True, False)


def test_browse_filters() -> None:
    text = "[a]\ntype=endpoint\n[b]\ntype=aor\n[a]\ntype=aor\n"
    config = parse_text(text).config
    assert [(c.name, c.get("type")) for c in config.browse("A")] == [
        ("a", "endpoint"),
        ("a", "aor"),
    ]
    assert [c.name for c in config.browse(filter="type=aor")] == ["b", "a"]
    assert [c.name for c in config.browse(filter="type=aor,type=^a")] == ["b", "a"]
    assert config.browse(filter="type=[") == []  # a regex that does not compile matches nothing
    assert config.browse(filter="novalue") == []  # a test without '=' never matches
    assert config.browse(filter="TEMPLATES=bogus") == []
    assert [c.name for c in config.browse(filter='type="aor"')] == []  # quotes kept literally


def test_diagnostic_positions_and_text() -> None:
    loaded = parse_text("[a]\n  junk here\n[b\n", "f.conf")
    warning, error = loaded.diagnostics
    assert (warning.line, warning.column, warning.severity.value) == (2, 3, "warning")
    assert str(warning).startswith("f.conf:2:3: warning: ")
    assert "Asterisk ignores the line" in warning.message
    assert warning.asterisk_log == "No '=' (equal sign) in line 2 of f.conf"
    assert str(error) == (
        "f.conf:3:1: error: category header has no closing ']': Asterisk rejects the configuration"
    )
    assert error.is_error and not warning.is_error
    assert loaded.errors == [error] and loaded.warnings == [warning]
    stray = parse_text("[a]\nk=1 --; x\n").diagnostics[0]
    assert (stray.line, stray.column) == (2, 5)
    assert "ignores every later line" in stray.message


@pytest.mark.parametrize("indent", ["", "  "])
def test_long_line_inside_a_run_of_comments(indent: str) -> None:
    # The comment skipper must stop before a line Asterisk would warn about, wherever it is.
    before = "".join(f"{indent}; comment number {i}\n" for i in range(300))
    text = "[a]\n" + before + indent + ";" + "x" * 9000 + "\n" + before + "k=1\n"
    loaded = parse_text(text)
    assert [(d.code, d.line) for d in loaded.diagnostics] == [(Code.LINE_TOO_LONG, 302)]
    assert view(loaded.config) == [("a", [("k", "1")])]
    assert loaded.config.categories[0].variables[0].lineno == 603


def test_line_numbers_across_skipped_runs() -> None:
    text = "; c\n\n  ; c\n\t\n[a]\r\n;x\n\r\n   \nk=1\n;\n\n[b]\nz=2"
    loaded = parse_text(text)
    assert [(c.name, c.lineno) for c in loaded.config.all_categories] == [("a", 5), ("b", 12)]
    assert [(v.name, v.lineno) for c in loaded.config for v in c] == [("k", 9), ("z", 13)]


def test_comment_nesting_limit_does_not_hang() -> None:
    text = "[a]\n" + ";--" * 129 + "\n"
    loaded = parse_text(text)
    assert loaded.status is INVALID
    assert [d.code for d in loaded.diagnostics] == [Code.HANG]
    assert "loops forever" in loaded.diagnostics[0].message


def test_self_inheritance_through_append_does_not_hang() -> None:
    loaded = parse_text("[a]\nk=1\n[a](+,a)\n")
    assert loaded.status is INVALID
    assert [d.code for d in loaded.diagnostics] == [Code.HANG]


def test_non_ascii_text_takes_the_exact_path() -> None:
    loaded = parse_text("[caf\u00e9]\nk\u00e9 = v\u00e9 ; c\n  \u00a0x=1\n")
    assert view(loaded.config) == [("caf\u00e9", [("k\u00e9", "v\u00e9"), ("\u00a0x", "1")])]


def test_undecodable_bytes_survive() -> None:
    from pyst.config import parse_bytes

    loaded = parse_bytes(b"[a]\nk=caf\xe9\n", "latin1.conf")
    value = loaded.config.categories[0].get("k")
    assert value is not None and value.encode("utf-8", "surrogateescape") == b"caf\xe9"
