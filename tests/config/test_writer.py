"""Editing documents: only the edited lines change, and the result reads back as intended."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from pyst.config import ConfigValueError, Document, LineKind, load, parse_text, save, writer


def doc_of(text: str) -> Document:
    loaded = parse_text(text, "t.conf")
    assert loaded.document is not None
    return loaded.document


def reread(doc: Document) -> list[tuple[str, list[tuple[str, str]]]]:
    return parse_text(doc.text()).config.as_lists(True)


def test_set_keeps_spacing_and_comment() -> None:
    doc = doc_of("[general]\n  port   =   5038   ; the port\nbindaddr=0.0.0.0\n")
    doc.set("general", "port", "5039")
    doc.set("GENERAL", "BINDADDR", "127.0.0.1")
    assert doc.text() == "[general]\n  port   =   5039   ; the port\nbindaddr=127.0.0.1\n"


def test_set_object_lines() -> None:
    doc = doc_of("[ctx]\nexten => s,1,NoOp()\nsame=n,Hangup()\n")
    doc.set("ctx", "exten", "s,1,Answer()")
    doc.set("ctx", "same", "n,Wait(1)", is_object=True)
    assert doc.text() == "[ctx]\nexten => s,1,Answer()\nsame=>n,Wait(1)\n"
    doc.set("ctx", "exten", "s,1,Answer()", is_object=False)
    assert doc.lines[1].raw == "exten = s,1,Answer()"
    loaded = parse_text(doc.text())
    assert [v.is_object for v in loaded.config.categories[0].variables] == [False, True]


def test_set_removes_append_continuations() -> None:
    doc = doc_of("[a]\nallow=ulaw\nallow+=,alaw\nallow += ,gsm\nother=1\nallow=g722\n")
    doc.set("a", "allow", "opus")
    assert doc.text() == "[a]\nallow=opus\nother=1\nallow=g722\n"
    doc2 = doc_of("[a]\nk+=only\n")
    doc2.set("a", "k", "v")
    assert doc2.text() == "[a]\nk=v\n"


def test_set_adds_missing_key_in_the_style_of_neighbours() -> None:
    doc = doc_of("[a]\n    x=>1\n    y=>2\n; trailing comment\n\n[b]\nz = 1\n")
    doc.set("a", "new", "v")
    assert doc.text() == "[a]\n    x=>1\n    y=>2\n    new=v\n; trailing comment\n\n[b]\nz = 1\n"
    doc.set("b", "w", "2")
    assert doc.text().endswith("[b]\nz = 1\nw = 2\n")


def test_set_adds_missing_category() -> None:
    doc = doc_of("[a]\nk = 1\n")
    doc.set("fresh", "x", "y")
    assert doc.text() == "[a]\nk = 1\n\n[fresh]\nx = y\n"
    assert reread(doc) == [("a", [("k", "1")]), ("fresh", [("x", "y")])]
    with pytest.raises(ConfigValueError):
        doc.set("fresh", "x", "y", nth=3)


def test_add_remove_duplicates() -> None:
    doc = doc_of("[peer]\nallow=ulaw\ndeny=all\n")
    doc.add("peer", "allow", "alaw")
    doc.add("peer", "extension", "100", is_object=True)
    assert doc.text() == "[peer]\nallow=ulaw\ndeny=all\nallow=alaw\nextension=>100\n"
    assert doc.remove("peer", "allow", value="ulaw") == 1
    assert doc.remove("peer", "ALLOW") == 1
    assert doc.remove("peer", "allow") == 0
    assert doc.remove("nope", "allow") == 0
    assert doc.text() == "[peer]\ndeny=all\nextension=>100\n"
    with pytest.raises(ConfigValueError):
        doc.add("nope", "k", "v")


def test_values_and_keys_are_escaped() -> None:
    doc = doc_of("[a]\nk=1\n")
    doc.set("a", "k", "NoOp(a;b)")
    doc.add("a", "[weird]", "x")
    doc.add("a", "#hash", "y")
    doc.add("a", ";semi", "z")
    doc.add("a", "back\\slash", "\\")
    doc.add("a", "plus+", ">gt")
    doc.add("a", "=eq", "v")
    text = doc.text()
    assert "k=NoOp(a\\;b)" in text
    assert reread(doc) == [
        (
            "a",
            [
                ("k", "NoOp(a;b)"),
                ("[weird]", "x"),
                ("#hash", "y"),
                (";semi", "z"),
                ("back\\slash", "\\"),
                ("plus+", ">gt"),
                ("=eq", "v"),
            ],
        )
    ]


def test_unwritable_text_is_refused() -> None:
    doc = doc_of("[a]\nk=1\n")
    for key, value in [
        ("k", "two\nlines"),
        ("k", " padded"),
        ("k", "nul\x00"),
        ("", "v"),
        ("a=b", "v"),
        (" k", "v"),
    ]:
        with pytest.raises(ConfigValueError):
            doc.set("a", key, value)
    for name in ["a]b", "x" * 80, "new\nline"]:
        with pytest.raises(ConfigValueError):
            doc.add_category(name)
    with pytest.raises(ConfigValueError):
        doc.add_category("c", inherits=["bad parent"])
    with pytest.raises(ConfigValueError):
        writer.format_variable("k", "v", "+=")
    assert doc.text() == "[a]\nk=1\n"


def test_block_comments_survive_edits() -> None:
    text = "[a]\nx=1 ;-- note --; tail\ny=2 ;-- open\nstill comment\n--; z=3\nw=4\n"
    doc = doc_of(text)
    assert reread(doc) == [("a", [("x", "1  tail"), ("y", "2"), ("z", "3"), ("w", "4")])]
    doc.set("a", "x", "10")
    doc.set("a", "y", "20")
    doc.set("a", "z", "30")
    assert doc.text() == ("[a]\nx=10 ;-- note --;\ny=20 ;-- open\nstill comment\n--; z=30\nw=4\n")
    assert reread(doc) == [("a", [("x", "10"), ("y", "20"), ("z", "30"), ("w", "4")])]
    doc.remove("a", "y")  # the line opens a block: the comment stays, the key goes
    assert doc.text() == "[a]\nx=10 ;-- note --;\n;-- open\nstill comment\n--; z=30\nw=4\n"
    assert reread(doc) == [("a", [("x", "10"), ("z", "30"), ("w", "4")])]


def test_insertions_skip_open_block_comments() -> None:
    doc = doc_of("[a]\nk=1 ;-- open\ncomment\n--;\n[b]\n")
    doc.add("a", "n", "2")
    assert doc.text() == "[a]\nk=1 ;-- open\ncomment\n--;\nn=2\n[b]\n"
    hidden = doc_of("[a]\nk=1\n;-- never closed\n")
    with pytest.raises(ConfigValueError):
        hidden.add_category("b")


def test_crlf_and_missing_final_newline() -> None:
    doc = doc_of("[a]\r\nk = 1\r\n")
    doc.set("a", "k", "2")
    doc.add("a", "n", "3")
    assert doc.to_bytes() == b"[a]\r\nk = 2\r\nn = 3\r\n"
    tail = doc_of("[a]\nk=1")
    tail.add("a", "n", "2")
    assert tail.text() == "[a]\nk=1\nn=2\n"
    tail2 = doc_of("[a]\nk=1")
    tail2.set("a", "k", "9")
    assert tail2.text() == "[a]\nk=9"


def test_add_and_remove_categories() -> None:
    doc = doc_of("; header\n[a]\nk=1\n\n; about b\n[b]\nz=2\n")
    doc.add_category("t", [("x", "1")], template=True)
    doc.add_category("c", [("y", "2")], inherits=["t", "a"])
    assert doc.text().endswith("\n[t](!)\nx=1\n\n[c](t,a)\ny=2\n")
    assert reread(doc) == [
        ("a", [("k", "1")]),
        ("b", [("z", "2")]),
        ("t", [("x", "1")]),
        ("c", [("x", "1"), ("k", "1"), ("y", "2")]),
    ]
    doc.remove_category("a")
    assert doc.text().startswith("; header\n\n; about b\n[b]\nz=2\n")
    doc.remove_category("c")
    assert doc.text() == "; header\n\n; about b\n[b]\nz=2\n\n[t](!)\nx=1\n"
    with pytest.raises(ConfigValueError):
        doc.remove_category("nope")
    straddle = doc_of("[a]\nk=1 ;-- open\n[b]\n--;\n")
    with pytest.raises(ConfigValueError):
        straddle.remove_category("a")


def test_sections_and_nth() -> None:
    doc = doc_of("[a]\nk=1\n[b]\n[a]\nk=2\n")
    assert [(s.name, s.start, s.end) for s in doc.sections()] == [
        ("a", 0, 2),
        ("b", 2, 3),
        ("a", 3, 5),
    ]
    doc.set("a", "k", "two", nth=1)
    assert doc.text() == "[a]\nk=1\n[b]\n[a]\nk=two\n"
    assert [ln.value for ln in doc.variables("a", nth=1)] == ["two"]
    assert doc.variables("zzz") == []
    assert doc.section("a", nth=2) is None


def test_untouched_document_text_is_the_original() -> None:
    text = "[a]\nk=1 \t; spacing\n;-- block\n--;\n"
    doc = doc_of(text)
    assert doc.text() is doc.original_text
    assert [ln.kind for ln in doc.lines] == [
        LineKind.CATEGORY,
        LineKind.VARIABLE,
        LineKind.COMMENT,
        LineKind.COMMENT,
    ]
    assert repr(doc.lines[0]).startswith("<DocLine 1 category")
    assert Document.from_bytes(b"[x]\n\xff\n").to_bytes() == b"[x]\n\xff\n"


def test_save_is_atomic_and_keeps_permissions(tmp_path: Path) -> None:
    path = tmp_path / "x.conf"
    path.write_text("[a]\nk=1\n")
    os.chmod(path, 0o640)
    loaded = load(path)
    doc = loaded.document
    assert doc is not None
    doc.set("a", "k", "2")
    doc.save()
    assert path.read_text() == "[a]\nk=2\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    other = tmp_path / "copy.conf"
    save(doc, other)
    assert other.read_bytes() == path.read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".pyst-")] == []
    with pytest.raises(OSError):
        save(doc, tmp_path / "missing-dir" / "x.conf")


def test_writer_helpers() -> None:
    assert writer.escape_value("a;b") == "a\\;b"
    assert writer.escape_name("\\x") == "\\\\x"
    assert writer.format_category("c", template=True, append=True) == "[c](!,+)"
    assert writer.format_variable("k+", "v", style=writer.LineStyle("", "", "")) == "k+ =v"
    assert writer.style_of("   k => v ; c") == writer.LineStyle("   ", " ", " ")
    assert writer.style_of("; only a comment") is None
    assert writer.style_of("no equals") is None
    assert writer.replace_value("; comment", 0, "v") is None
    assert writer.replace_value("k=1;c", 0, "a\\") == "k=a\\ ;c"
    assert writer.render([], True) == ""
