"""The reader's fast paths agree with its general path.

``_Load.read_text`` skips comment and blank lines with one regular-expression search
(``_NEXT_LINE``) and reads the common ``key = value`` and ``[name]`` lines itself; every other
line goes through ``_Load.text_line``, the line-by-line transcription of Asterisk's reader. Here
the same texts are read both ways: through ``parse_text`` (fast paths) and by handing every
line to ``text_line`` (general path only), and the results must be the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyst.config import Code, LoadedConfig, LoadStatus, parse_text
from pyst.config._text import BLANKS
from pyst.config.model import ConfigCategory, Document
from pyst.config.parser import _NEXT_LINE, _NO_INCLUDES, MAX_INCLUDE_LEVEL, _Load

# Pieces of lines, biased towards what the reader looks at: comments and block comments,
# blanks of every kind (control characters too), headers, keys, escapes, directives and
# non-ASCII text (Unicode spaces are not blanks for Asterisk).
PIECES = [
    ";",
    ";--",
    ";---",
    "--;",
    " ",
    "  ",
    "\t",
    "\r",
    "\x01",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1f",
    "\x85",
    "\xa0",
    "\u3000",
    "é",
    "[general]",
    "[t](!)",
    "[c](t)",
    "[general](+)",
    "[",
    "]",
    "(",
    ")",
    "k",
    "key",
    "v",
    "=",
    "=>",
    "+=",
    ">",
    "\\",
    "\\;",
    "#include x",
    "#tryinclude y",
    "#exec z",
    ",",
    "x",
]
lines_strategy = st.lists(st.lists(st.sampled_from(PIECES), max_size=6).map("".join), max_size=25)


def _general_read(text: str, filename: str) -> tuple[bool, _Load]:
    """Read ``text`` with the general path alone: every line through ``text_line``.

    For text without NUL bytes and long lines (what the fast paths may see); the first line
    loses its UTF-8 BOM as in ``read_text``.
    """
    load = _Load(_NO_INCLUDES, MAX_INCLUDE_LEVEL, "")
    load.level = load.nesting = 1
    load.documents[filename] = Document(text, filename)
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # after the final newline there is no line
    cat: ConfigCategory | None = None
    depth = 0
    nest: list[tuple[str, int, int]] = []
    for number, raw in enumerate(lines, 1):
        line = raw[1:] if number == 1 and raw.startswith("\ufeff") else raw
        ok, cat, depth = load.text_line(line, line, number, filename, cat, depth, nest)
        if not ok:
            return False, load
    return True, load


def _categories(categories: list[ConfigCategory]) -> list[tuple[object, ...]]:
    # Every slot, so that a category the fast path builds by hand is checked field by field.
    return [tuple(getattr(c, slot) for slot in ConfigCategory.__slots__) for c in categories]


def _assert_same(text: str, filename: str = "t.conf") -> LoadedConfig:
    fast = parse_text(text, filename)
    ok, general = _general_read(text, filename)
    assert (fast.status is LoadStatus.OK) == ok
    assert _categories(fast.config.all_categories) == _categories(general.categories)
    # (The unterminated block comment warning comes after the read, from text_file_load.)
    fast_diagnostics = [d for d in fast.diagnostics if d.code is not Code.UNTERMINATED_COMMENT]
    assert fast_diagnostics == general.diagnostics
    return fast


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines_strategy, st.booleans(), st.booleans())
def test_fast_paths_agree_with_the_general_path(
    lines: list[str], final_newline: bool, bom: bool
) -> None:
    text = ("\ufeff" if bom else "") + "\n".join(lines) + ("\n" if final_newline else "")
    _assert_same(text)


def test_fast_paths_agree_on_hand_picked_lines() -> None:
    # Each line shape the fast paths treat specially, after a header so that keys count.
    cases = [
        "k=v",
        "  key   =  value  ",
        "key=>value",
        "key = > value",
        "key =",
        "=value",
        "\x01key=v",  # a control character str.strip() leaves: the general path strips it
        "key\x01=v",
        "\x85key=v",  # a Unicode space: not a blank, part of the key
        "key=v\x01",
        "key+=more",
        "\\;key=v",
        "key=a;comment",
        "key=f(a;b)",
        "key=v ;-- block --; tail",
        "  [short]",
        "[short]  ",
        "[a]b]",
        "[with-a-name-longer-than-twenty]",
        "[\x01]",
        "\x01[x]",
        "[x]\x01",
        "   ;-- opens a block",
        ";-- opens --; closes",
        ";--- a banner, not a block",
        " \t \x0b;comment after blanks",
        "\t\t\t",
        "#include x",
    ]
    for case in cases:
        fast = _assert_same(f"[general]\n{case}\nafter=1\n")
        assert fast.documents[0].original_text.count("\n") == 3
    # A text that ends with blanks (no newline): nothing after the last key is read.
    _assert_same("[general]\nk=v\n   ")
    _assert_same("[general]\nk=v\n;c\n;c")


def test_sample_configs_read_the_same_both_ways(shared_dir: Path) -> None:
    folder = shared_dir / "asterisk-sample-configs"
    count = 0
    for path in sorted(folder.glob("*.conf.sample")):
        text = path.read_bytes().decode("utf-8", "surrogateescape")
        assert "\x00" not in text and max(map(len, text.split("\n"))) < 2040, path.name
        loaded = _assert_same(text, path.name)
        count += sum(len(c) for c in loaded.config.all_categories)
    assert count > 1000  # the keys of the whole corpus were read, not just empty files


def _matters(line: str) -> bool:
    """The rule _NEXT_LINE stands for: a line matters when, after its blanks (bytes 1 to 32),
    it has a character other than ';', or a ';' that opens a block comment (';--' not
    followed by a fourth '-')."""
    rest = line.lstrip(BLANKS.replace("\x00", ""))
    if not rest:
        return False
    if rest[0] != ";":
        return True
    return rest[1:3] == "--" and rest[3:4] != "-"


@settings(max_examples=300, deadline=None)
@given(lines_strategy)
def test_next_line_search_finds_exactly_the_lines_that_matter(lines: list[str]) -> None:
    text = "\n".join(["first", *lines]) + "\n"
    found = {m.start() + 1 for m in _NEXT_LINE.finditer(text)}
    wanted = set()
    at = 0
    for line in text.split("\n")[:-1]:
        if at and _matters(line):
            wanted.add(at)
        at += len(line) + 1
    assert found == wanted


@pytest.mark.parametrize(
    "line",
    ["", " ", "\t", ";x", " ;x", ";---", ";--", " \t;--x", "x", " x", "\x00", " \x00", "\x85"],
)
def test_next_line_search_on_single_lines(line: str) -> None:
    # The same rule, line by line, against the lookahead form the search was written from.
    lookahead = re.compile(r"\n(?![\x01-\x09\x0b-\x20]*(?:;(?!--(?!-))|\n))")
    text = f"a\n{line}\nb"
    assert bool(_NEXT_LINE.match(text, 1)) == bool(lookahead.match(text, 1)) == _matters(line)
