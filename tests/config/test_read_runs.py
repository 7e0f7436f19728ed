"""The reader's runs of lines (``_NEXT_RUN``, ``_RUN``) and what it notes for the document view.

``_Load.read_text`` splits a run of lines that matter in one go: the line a search found (or
the line it stands on) and the lines after it that start with a visible character other than
';', with the empty lines between them. Here the two regular expressions are checked against a
line-by-line statement of that rule, the line numbers and texts the reader notes for the
document view against the text, and runs that a block comment or a long line interrupts against
what Asterisk does.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings

from pyst.config import Code, Config, LoadStatus, ParseError, parse_text
from pyst.config.model import Document
from pyst.config.parser import _NEXT_RUN, _RUN
from tests.config.test_fast_path import _assert_same, _matters, lines_strategy


def _starts_run(line: str) -> bool:
    # A line that goes on a run: it starts with a visible character other than ';' (a NUL
    # counts as visible here: text with a NUL never takes this path).
    return bool(line) and not ("\x01" <= line[0] <= "\x20" or line[0] == ";")


def _run_end(lines: list[str], offsets: list[int], first: int) -> int:
    """Where the run that starts at line index ``first`` ends (the offset of its last line's
    end): later lines join while they start a run, empty lines only when a line that starts a
    run follows them."""
    last = first
    i = first + 1
    while i < len(lines):
        j = i
        while j < len(lines) and lines[j] == "" and j + 1 < len(lines):
            j += 1
        if not _starts_run(lines[j]):
            break
        last = i = j
        i += 1
    return offsets[last] + len(lines[last])


def _split(text: str) -> tuple[list[str], list[int]]:
    lines = text.split("\n")
    offsets = []
    at = 0
    for line in lines:
        offsets.append(at)
        at += len(line) + 1
    return lines, offsets


@settings(max_examples=150, deadline=None)
@given(lines_strategy)
def test_next_run_finds_the_next_line_that_matters_and_its_run(lines: list[str]) -> None:
    text = "\n".join(["first", *lines]) + "\n"
    split, offsets = _split(text)
    for index in range(len(split) - 1):
        newline = offsets[index] + len(split[index])  # search from each newline in turn
        found = _NEXT_RUN.search(text, newline)
        wanted = next(
            (i for i in range(index + 1, len(split)) if split[i] and _matters(split[i])),
            None,
        )
        if wanted is None:
            assert found is None
            continue
        assert found is not None
        assert found.start() + 1 == offsets[wanted]
        assert found.end() == _run_end(split, offsets, wanted)


@settings(max_examples=150, deadline=None)
@given(lines_strategy)
def test_run_match_from_any_line(lines: list[str]) -> None:
    text = "\n".join(lines)
    split, offsets = _split(text)
    for index, start in enumerate(offsets):
        found = _RUN.match(text, start)
        assert found is not None
        assert found.end() == _run_end(split, offsets, index)


def _noted(text: str) -> Document:
    loaded = parse_text(text, "t.conf")
    doc = loaded.documents[0]
    return doc


@settings(max_examples=150, deadline=None)
@given(lines_strategy)
def test_what_the_reader_notes_matches_the_text(lines: list[str]) -> None:
    # The line texts noted for the document view are those of the lines, and the document
    # view made from the notes is the one made from the text alone.
    text = "[general]\n" + "\n".join(lines) + "\n"
    doc = _noted(text)
    if doc._seen is None:  # a block comment changed the depth: nothing noted
        return
    split = text.split("\n")
    noted = dict(doc._seen)
    for lineno, line, *_ in doc._kv:
        noted[lineno] = line
    for lineno, line in noted.items():
        assert split[lineno - 1] == line
    # Every line that matters is noted (the reader stops looking after an error).
    if doc.stopped_at is None:
        wanted = {i for i, line in enumerate(split[:-1], 1) if line and _matters(line)}
        assert set(noted) == wanted
    fresh = Document(text, "t.conf")
    assert [(x.raw, x.lineno, x.kind, x.depth, x.name, x.op, x.value) for x in doc.lines] == [
        (x.raw, x.lineno, x.kind, x.depth, x.name, x.op, x.value) for x in fresh.lines
    ]


def test_runs_broken_by_block_comments_empty_lines_and_indented_lines() -> None:
    cases = [
        # A block comment opens in the middle of a run and closes later in it.
        "[g]\na=1\nb=2 ;-- open\nc=3\nd=4 --; e=5\nf=6\n",
        # ... and opens on the first line of a run, or on its last.
        "[g]\n;-- x\na=1\n--;\nb=2\n",
        "[g]\na=1\nb=2;--\n\nc=3\n--;d=4\ne=5\n",
        # Empty lines inside a run, at its end, and before a comment.
        "[g]\na=1\n\n\nb=2\n\n\n;c\n\nc=3\n\n",
        # Indented lines, blank-only lines and ';' lines end a run.
        "[g]\na=1\n  b=2\nc=3\n \t \nd=4\n;x\ne=5",
        # A run from the first line, with no newline at the end.
        "[g]\na=1\nb=2",
        "\ufeff[g]\na=1\n\nb=2\n",
        # A header in the middle of a run; a key before any header (an error mid-run).
        "[g]\na=1\n[h]\nb=2\n",
        "x=1\n[g]\na=1\n",
    ]
    for text in cases:
        _assert_same(text)


def test_a_long_line_ends_a_run() -> None:
    # Asterisk skips a line of 8191 bytes or more with a warning; the lines around it are read.
    long_key = "b=" + "x" * 9000
    for text in (
        f"[g]\na=1\n{long_key}\nc=3\nd=4\n",
        f"[g]\na=1\n;{'y' * 9000}\nc=3\n",
        f"[g]\n{long_key}\n\nc=3\n",
        f"[g]\na=1\n\n{long_key}\nc=3\n",
    ):
        loaded = parse_text(text, "t.conf")
        assert loaded.status is LoadStatus.OK
        [category] = loaded.config.all_categories
        keys = [(v.name, v.value, v.lineno) for v in category.variables]
        split = text.split("\n")
        wanted = [
            (line.split("=")[0], line.split("=")[1], i)
            for i, line in enumerate(split, 1)
            if "=" in line and len(line) < 8000
        ]
        assert keys == wanted
        [warning] = loaded.warnings
        assert warning.code is Code.LINE_TOO_LONG
        assert warning.line == next(i for i, line in enumerate(split, 1) if len(line) > 8000)


def _compat_view(config: Config) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    lines = [(type(x).__name__, x.number, x.get_line()) for x in config.lines]
    categories = [
        (c.name, c.number, [(i.name, i.value, i.number) for i in c.items])
        for c in [*config.categories, *config.templates]
    ]
    return lines, categories


def _compat_both_ways(path: Path) -> Config:
    # pyst2's Config from what the reader noted, and from the text alone.
    noted = Config(str(path))
    assert noted.loaded is not None and noted.loaded.document is not None
    assert noted.loaded.document._seen is not None
    plain = Config(str(path))
    assert plain.loaded is not None and plain.loaded.document is not None
    plain.loaded.document._seen = None
    plain.parse()
    assert _compat_view(noted) == _compat_view(plain)
    return noted


def test_pyst2_config_from_the_noted_lines(tmp_path: Path, shared_dir: Path) -> None:
    texts = [
        "\ufeff\n[general]\nk=v\n\n[other](!)\na => b\n",
        "\ufeff; comment\n[g]\nk = v ; c\n  x=1\n[h](g)\ny=2\n\n\n",
    ]
    for i, text in enumerate(texts):
        path = tmp_path / f"t{i}.conf"
        path.write_bytes(text.encode())
        _compat_both_ways(path)
    count = 0
    for path in sorted((shared_dir / "asterisk-sample-configs").glob("*.conf.sample"))[:40]:
        try:
            config = _compat_both_ways(path)
        except ParseError:
            continue
        count += len(config.lines)
    assert count > 1000
