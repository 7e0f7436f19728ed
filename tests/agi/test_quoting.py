"""Quoting and splitting as Asterisk's parse_args does it; the command table and its lookup."""

from __future__ import annotations

import ast
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

import pytest

from pyst.agi import _commands
from pyst.agi.quoting import (
    MAX_ARGS,
    MAX_WORDS,
    ascii_lower,
    build_command,
    quote_arg,
    split_args,
)
from pyst.agi.spec import (
    COMMANDS,
    COMMANDS_BY_NAME,
    AGICommandSpec,
    AGIParameter,
    find_command,
    get_command,
)
from pyst.errors import LocalProtocolError

REPO_ROOT = Path(__file__).resolve().parents[2]

# (line as Asterisk handles it, the words parse_args makes of it)
SPLIT_CASES = [
    ("ANSWER", ["ANSWER"]),
    ("ANSWER\r", ["ANSWER\r"]),  # only the \n is stripped: the CR is part of the last word
    ("  GET   VARIABLE\tX  ", ["GET", "VARIABLE", "X"]),
    ('SAY DIGITS 123 ""', ["SAY", "DIGITS", "123", ""]),
    ('""', [""]),
    ('"" ""', ["", ""]),
    ('x "" y', ["x", "", "y"]),
    ('a""b', ["ab"]),
    ('"a"b', ["ab"]),
    ('a" "b', ["a b"]),
    ('"a\tb"', ["a\tb"]),
    ("a\\ b", ["a b"]),
    ('"a\\"b"', ['a"b']),
    ('"a\\\\b"', ["a\\b"]),
    ("\\x\\y", ["xy"]),
    ('\\"start', ['"start']),
    ("a\\", ["a"]),  # a trailing lone backslash is dropped
    ("\\", []),
    ('"unterminated text', ["unterminated text"]),
    ("a\x00b c", ["a"]),  # C string: a NUL ends the line
    ("", []),
    ("   \t ", []),
    ("a\x0bb \x0cc", ["a\x0bb", "\x0cc"]),  # only space and tab separate words
    ('GET FULL VARIABLE "${CALLERID(name)} on ${CHANNEL}"',
     ["GET", "FULL", "VARIABLE", "${CALLERID(name)} on ${CHANNEL}"]),
]


@pytest.mark.parametrize(("line", "words"), SPLIT_CASES)
def test_split_args_matches_parse_args(line: str, words: list[str]) -> None:
    assert split_args(line) == words


def test_split_args_keeps_at_most_max_words() -> None:
    assert MAX_WORDS == MAX_ARGS - 1 == 127
    line = " ".join(f"w{i}" for i in range(200))
    assert split_args(line) == [f"w{i}" for i in range(MAX_WORDS)]


def test_split_args_beyond_the_limit_drops_quoted_words_and_keeps_the_last_word_growing() -> None:
    head = " ".join(f"w{i}" for i in range(MAX_WORDS - 1))
    # The 127th word may still grow (quotes and escapes included); new words are dropped,
    # whether they start with an ordinary character, an escape or a quote.
    words = split_args(head + ' last" word"\\! "dropped" \\x more ""')
    assert len(words) == MAX_WORDS
    assert words[-1] == "last word!"


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        ("abc", "abc"),
        ("12#", "12#"),
        ("${CALLERID(num)}", "${CALLERID(num)}"),
        ("", '""'),
        ("a b", '"a b"'),
        ("a\tb", '"a\tb"'),
        ('a"b', '"a\\"b"'),
        ("a\\b", '"a\\\\b"'),
        ("a\rb", '"a\rb"'),
        ("end\r", '"end\r"'),
        ("ünïcödé", "ünïcödé"),
    ],
)
def test_quote_arg(value: str, quoted: str) -> None:
    assert quote_arg(value) == quoted
    assert split_args(quoted) == [value]


@pytest.mark.parametrize("value", ["two\nlines", "\n", "nul\x00byte"])
def test_quote_arg_refuses_what_no_line_can_carry(value: str) -> None:
    with pytest.raises(LocalProtocolError):
        quote_arg(value)


def test_quote_arg_wants_str() -> None:
    with pytest.raises(TypeError):
        quote_arg(5)  # type: ignore[arg-type]


def test_a_value_cannot_smuggle_a_second_command() -> None:
    # pyst2 wrote `VERBOSE "x"` + newline + `EXEC System rm` as two commands (defect A3).
    evil = 'x"\nEXEC System "rm -rf /'
    with pytest.raises(LocalProtocolError):
        build_command("VERBOSE", evil)
    sneaky = 'x" EXEC System "rm'
    line = build_command("VERBOSE", sneaky, "1")
    assert "\n" not in line
    assert split_args(line) == ["VERBOSE", sneaky, "1"]


def test_build_command() -> None:
    assert build_command("GET VARIABLE", "CHANNEL") == "GET VARIABLE CHANNEL"
    assert build_command("SAY DIGITS", "123", "") == 'SAY DIGITS 123 ""'
    assert build_command("ANSWER") == "ANSWER"
    assert build_command("noop", *["a"] * (MAX_WORDS - 1)).count(" ") == MAX_WORDS - 1


@pytest.mark.parametrize(
    "name", ["", "GET  VARIABLE", " ANSWER", 'SAY "X"', "A\\B", "A\tB", "A\rB", "A\nB", "A\x00"]
)
def test_build_command_refuses_bad_names(name: str) -> None:
    with pytest.raises(LocalProtocolError, match="bad AGI command name"):
        build_command(name)


def test_build_command_refuses_failure_and_too_many_words() -> None:
    with pytest.raises(LocalProtocolError, match="failure"):
        build_command("FAILURE")
    with pytest.raises(LocalProtocolError, match="127"):
        build_command("noop", *["a"] * MAX_WORDS)


def test_ascii_lower_folds_ascii_only() -> None:
    assert ascii_lower("GeT vAriAbLe") == "get variable"
    assert ascii_lower("\u212a") == "\u212a"  # Kelvin sign; str.lower() would give "k"


# --- the command table -----------------------------------------------------------------------


def test_table_has_the_47_commands_of_asterisk_22() -> None:
    assert len(COMMANDS) == 47
    assert len(COMMANDS_BY_NAME) == 47
    assert all(c.name == " ".join(c.words) for c in COMMANDS)
    assert get_command("say digits").syntax == "SAY DIGITS <number> <escape_digits>"
    gosub = get_command("GoSub")
    assert (gosub.module, gosub.min_args, gosub.max_args) == ("app_stack", 3, 4)
    assert gosub.parameters[0] == AGIParameter(1, "context", True)
    assert get_command("GET   FULL variable").name == "get full variable"
    with pytest.raises(KeyError, match="no AGI command"):
        get_command("make coffee")
    with pytest.raises(TypeError):
        COMMANDS_BY_NAME["x"] = COMMANDS[0]  # type: ignore[index]


def test_no_command_is_a_prefix_of_another_so_table_order_cannot_matter() -> None:
    for a in COMMANDS:
        for b in COMMANDS:
            if a is not b:
                assert b.words[: len(a.words)] != a.words, (a.name, b.name)


def test_dead_flags_and_argument_ranges() -> None:
    dead = {c.name for c in COMMANDS if c.dead_channel_ok}
    assert {"noop", "get variable", "exec", "verbose"} <= dead
    assert "answer" not in dead
    say = get_command("say digits")
    assert [say.accepts(n) for n in range(4)] == [False, False, True, False]
    assert get_command("exec").accepts(50)


@pytest.mark.parametrize(
    ("words", "name", "args"),
    [
        (["ANSWER"], "answer", []),
        (["get", "VARIABLE", "x", "y"], "get variable", ["x", "y"]),
        (["GET", "FULL", "VARIABLE", "${X}"], "get full variable", ["${X}"]),
        (["say", "datetime", "1", "#"], "say datetime", ["1", "#"]),
        (["say", "date", "1", "#"], "say date", ["1", "#"]),
        (["NOOP", "with", "args"], "noop", ["with", "args"]),
        (["SAY"], None, None),  # fewer words than any "say ..." command
        (["FOO", "BAR"], None, None),
        ([], None, None),
        (["ANSWER\r"], None, None),
        (["asyncagi", "brea\u212a"], None, None),  # strcasecmp folds ASCII only
    ],
)
def test_find_command(words: list[str], name: str | None, args: list[str] | None) -> None:
    found = find_command(words)
    if name is None:
        assert found is None
    else:
        assert found is not None
        assert (found[0].name, found[1]) == (name, args)


def test_find_command_first_registered_match_wins() -> None:
    def spec(*words: str) -> AGICommandSpec:
        return AGICommandSpec(
            " ".join(words), words, "", "", "", (), 0, None, False, "m", "h", "f"
        )

    short, long = spec("a"), spec("a", "b")
    assert find_command(["A", "b", "c"], [short, long]) == (short, ["b", "c"])
    assert find_command(["A", "b", "c"], [long, short]) == (long, ["c"])


# --- the generated table ---------------------------------------------------------------------


def _generator() -> ModuleType:
    path = REPO_ROOT / "tools" / "gen_agi_commands.py"
    spec = importlib.util.spec_from_file_location("gen_agi_commands", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_agi_commands", module)
    spec.loader.exec_module(module)
    return module


def test_generated_table_is_what_the_json_gives(shared_dir: Path) -> None:
    json_path = shared_dir / "spec" / "agi_commands.json"
    spec = json.loads(json_path.read_text(encoding="utf-8"))
    gen = _generator()
    assert list(_commands.COMMAND_ROWS) == gen.rows_from_spec(spec)
    assert Path(_commands.__file__).read_text(encoding="utf-8") == gen.render(spec)
    assert gen.main(["--spec", str(json_path), "--check"]) == 0
    names = {c["name"] for c in spec["commands"]}
    assert {c.name for c in COMMANDS} == names
    assert {c.name for c in COMMANDS if c.dead_channel_ok} == set(
        spec["_meta"]["dead_channel_capable"]
    )


def test_generator_writes_and_checks(shared_dir: Path, tmp_path: Path) -> None:
    json_path = shared_dir / "spec" / "agi_commands.json"
    out = tmp_path / "_commands.py"
    gen = _generator()
    args = ["--spec", str(json_path), "--output", str(out)]
    assert gen.main([*args, "--check"]) == 1  # missing file
    assert gen.main(args) == 0
    assert gen.main([*args, "--check"]) == 0
    out.write_text(out.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    assert gen.main([*args, "--check"]) == 1


# --- sans-IO: the core modules import no I/O machinery ---------------------------------------

_FORBIDDEN = {"socket", "asyncio", "threading", "selectors", "select", "subprocess", "ssl"}


@pytest.mark.parametrize(
    "module", ["__init__", "messages", "protocol", "quoting", "spec", "_commands"]
)
def test_core_module_imports_no_io(module: str) -> None:
    path = REPO_ROOT / "pyst" / "agi" / f"{module}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert not imported & _FORBIDDEN
    assert imported <= {"__future__", "pyst", "codecs", "collections", "dataclasses", "enum",
                        "logging", "re", "types", "typing"}
