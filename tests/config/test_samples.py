"""The 101 sample configs of Asterisk 22.10.1: read, round-tripped, edited."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from pyst.config import (
    Code,
    ConfigLoader,
    LineKind,
    LoadStatus,
    parse_text,
)
from pyst.config.parser import document_lines

INVALID_SAMPLES = {
    # A key before any [category]: Asterisk rejects these three files.
    "ast_debug_tools.conf.sample",
    "dbsep.conf.sample",
    "cel_sqlite3_custom.conf.sample",
}


@pytest.fixture(scope="module")
def samples(shared_dir: Path) -> dict[str, bytes]:
    folder = shared_dir / "asterisk-sample-configs"
    files = {p.name: p.read_bytes() for p in sorted(folder.glob("*.conf.sample"))}
    assert len(files) == 101
    return files


@pytest.fixture(scope="module")
def loader(shared_dir: Path) -> ConfigLoader:
    return ConfigLoader(shared_dir / "asterisk-sample-configs")


def test_every_sample_reads_as_asterisk_does(
    samples: dict[str, bytes], loader: ConfigLoader
) -> None:
    valid = []
    for name in samples:
        loaded = loader.load(name)
        if name in INVALID_SAMPLES:
            assert loaded.status is LoadStatus.INVALID, name
            assert [d.code for d in loaded.errors] == [Code.NO_CATEGORY], name
        else:
            assert loaded.status is LoadStatus.OK, (name, loaded.errors)
            assert loaded.errors == [], name
            valid.append(name)
    assert len(valid) == 98


def test_sample_contents(loader: ConfigLoader) -> None:
    manager = loader.load("manager.conf.sample")
    assert manager.config.names() == ["general"]  # every user is commented out
    assert manager.get("general", "port") == "5038"
    say = loader.load("say.conf.sample")
    assert [t.name for t in say.config.templates] == ["digit-base", "date-base", "en-base"]
    en = say.config.category("en")
    assert en is not None and en.templates == ["en-base", "date-base", "digit-base"]
    assert en.variables[0].inherited and en.variables[0].is_object
    extensions = loader.load("extensions.conf.sample")
    assert extensions.valid and len(extensions.config.categories) == 30
    assert extensions.config.names()[:2] == ["general", "globals"]
    notify = loader.load("pjsip_notify.conf.sample")
    assert any(";" in v for c in notify.config for _, v in c.items())  # from '\;' escapes
    asterisk = loader.load("asterisk.conf.sample")
    assert [c.name for c in asterisk.config.templates] == ["directories"]
    cel = loader.load("cel_custom.conf.sample")
    assert cel.valid


def test_sample_documents_cover_every_line(samples: dict[str, bytes], loader: ConfigLoader) -> None:
    for name, data in samples.items():
        doc = loader.load(name).document
        assert doc is not None
        assert len(doc.lines) == data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
        assert [ln.lineno for ln in doc.lines] == list(range(1, len(doc.lines) + 1))


def test_document_view_agrees_with_the_resolved_view(
    samples: dict[str, bytes], loader: ConfigLoader
) -> None:
    # The document view is computed by a separate, line-by-line pass: it must find the same
    # headers and keys, on the same lines, as the resolved pass (for files without includes).
    for name in samples:
        if name in INVALID_SAMPLES:
            continue
        loaded = loader.load(name)
        doc = loaded.document
        assert doc is not None
        header_lines = [ln.lineno for ln in doc.lines if ln.kind is LineKind.CATEGORY]
        assert header_lines == [c.lineno for c in loaded.config.all_categories], name
        own_keys = [
            (v.lineno, v.name)
            for c in loaded.config.all_categories
            for v in c.variables
            if not v.inherited
        ]
        doc_keys = [(ln.lineno, ln.name) for ln in doc.lines if ln.kind is LineKind.VARIABLE]
        assert sorted(own_keys) == sorted(doc_keys), name


def test_round_trip_is_byte_identical(samples: dict[str, bytes], loader: ConfigLoader) -> None:
    for name, data in samples.items():
        doc = loader.load(name).document
        assert doc is not None
        assert doc.to_bytes() == data, name
        assert doc.lines  # materialise the document view, edit nothing
        doc.edited = True  # force a render from the lines
        assert doc.to_bytes() == data, name


def test_saving_unchanged_documents_writes_the_same_bytes(
    samples: dict[str, bytes], loader: ConfigLoader, tmp_path: Path
) -> None:
    for name, data in samples.items():
        doc = loader.load(name).document
        assert doc is not None
        doc.save(tmp_path / name)
        assert (tmp_path / name).read_bytes() == data, name


def _diff(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_edit_changes_only_the_edited_lines(
    samples: dict[str, bytes], loader: ConfigLoader
) -> None:
    edited = 0
    for name, data in samples.items():
        if name in INVALID_SAMPLES:
            continue
        loaded = loader.load(name)
        doc = loaded.document
        assert doc is not None
        target = next(
            (
                (ln, sec.name)
                for sec in doc.sections()
                for ln in doc.lines[sec.start + 1 : sec.end]
                if ln.kind is LineKind.VARIABLE and ln.op == "=" and ln.depth == 0
            ),
            None,
        )
        if target is None:
            continue
        line, category = target
        assert line.name is not None
        before_raw = line.raw
        doc.set(category, line.name, "pyst-edited")
        after = doc.to_bytes().decode("utf-8", "surrogateescape")
        diff = _diff(data.decode("utf-8", "surrogateescape"), after)
        assert diff == [f"-{before_raw}", f"+{line.raw}"], name
        assert "pyst-edited" in line.raw
        reread = parse_text(after, name)
        assert reread.status is LoadStatus.OK, name
        section = next(c for c in reread.config.all_categories if c.name == category)
        first = next(v for v in section.variables if v.name == line.name and not v.inherited)
        assert first.value == "pyst-edited", name
        # Everything else reads back unchanged (a template's edit shows in its children too).
        old_view = loaded.config.as_lists(True)
        new_view = reread.config.as_lists(True)
        assert [n for n, _ in old_view] == [n for n, _ in new_view], name
        changed = [
            (old, new)
            for (_, old_items), (_, new_items) in zip(old_view, new_view, strict=True)
            for old, new in zip(old_items, new_items, strict=True)
            if old != new
        ]
        assert changed and all(new == (line.name, "pyst-edited") for _, new in changed), name
        edited += 1
    assert edited >= 40


def test_document_view_classifies_sample_lines(loader: ConfigLoader) -> None:
    doc = loader.load("manager.conf.sample").document
    assert doc is not None
    kinds = {ln.kind for ln in doc.lines}
    assert {LineKind.BLANK, LineKind.COMMENT, LineKind.CATEGORY, LineKind.VARIABLE} <= kinds
    block = [ln for ln in doc.lines if ln.depth > 0]
    assert block and all(ln.kind in (LineKind.COMMENT, LineKind.BLANK) for ln in block)


def test_document_lines_directly() -> None:
    lines, depth = document_lines("[a](!)\n#include x\nk += v\n;-- open\n")
    assert [ln.kind for ln in lines] == [
        LineKind.CATEGORY,
        LineKind.DIRECTIVE,
        LineKind.VARIABLE,
        LineKind.COMMENT,
    ]
    assert (lines[0].name, lines[0].value) == ("a", "!")
    assert (lines[1].name, lines[1].value) == ("include", "x")
    assert (lines[2].name, lines[2].op, lines[2].value) == ("k", "+=", "v")
    assert depth == 1
