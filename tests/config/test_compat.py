"""pyst2's asterisk.config API (PYST2.md §4 and §11), on the new reader."""

from __future__ import annotations

from pathlib import Path

import pytest

import pyst.config
from pyst.config import Category, Config, ConfigNotFoundError, Item, Line, ParseError
from pyst.errors import ConfigError, ConfigSyntaxError


def write(tmp_path: Path, text: str, name: str = "x.conf") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pyst2_usage(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "; top comment\n[general]\nport = 5060 ; the port\n\n; note\n[ctx]\nexten => s,1,NoOp()\n",
    )
    config = pyst.config.Config(str(path))
    assert config.filename == str(path)
    assert [c.name for c in config.categories] == ["general", "ctx"]
    general, ctx = config.categories
    port = general.items[0]
    assert (port.name, port.value, port.style) == ("port", "5060", "")  # no leading space
    assert port.comment == " the port" and port.number == 3
    exten = ctx.items[0]
    assert (exten.name, exten.value, exten.style) == ("exten", "s,1,NoOp()", ">")
    assert [type(line).__name__ for line in config.lines] == [
        "Line",
        "Category",
        "Item",
        "Line",
        "Line",
        "Category",
        "Item",
    ]
    assert config.lines[1] is general and config.lines[2] is port
    assert [c.get_line() for c in general.comments] == ["", "; note"]
    assert config.raw_lines[0] == "; top comment\n" and len(config.raw_lines) == 7
    # Unmodified objects print back as written.
    assert [str(line) for line in config.lines] == [
        "; top comment",
        "[general]",
        "port = 5060 ; the port",
        "",
        "; note",
        "[ctx]",
        "exten => s,1,NoOp()",
    ]
    port.value = "5061"
    assert port.get_line() == "port = 5061\t; the port"
    general.name = "main"
    assert general.get_line() == "[main]"


def test_gains_templates_includes_and_escapes(tmp_path: Path) -> None:
    write(tmp_path, "[inc]\nfrom=include\n", "inc.conf")
    path = write(
        tmp_path,
        "[base](!)\nallow=ulaw\n[peer](base)\nsecret=a\\;b\n;-- block\ncomment --;\n"
        "#include inc.conf\n",
    )
    config = Config(path)
    assert [c.name for c in config.categories] == ["peer", "inc"]
    assert [c.name for c in config.templates] == ["base"]
    peer = config.categories[0]
    assert [(i.name, i.value) for i in peer.items] == [("allow", "ulaw"), ("secret", "a;b")]
    assert peer.templates == ["base"] and not peer.is_template
    assert config.templates[0].is_template
    assert config.lines[3].get_line() == "secret=a\\;b"
    assert config.lines[5].get_line() == "comment --;"
    assert config.loaded is not None and len(config.loaded.documents) == 2


def test_parse_error_where_asterisk_rejects(tmp_path: Path) -> None:
    path = write(tmp_path, "[a]\nk=1\n[b\n")
    with pytest.raises(ParseError) as info:
        Config(path)
    error = info.value
    assert error.args[0] == 3 and error.line == 3
    number, reason = error.args
    assert number == 3
    assert "no closing ']'" in reason and error.strerror == reason
    assert isinstance(error, ConfigSyntaxError) and isinstance(error, ConfigError)
    assert str(error).startswith(f"{path}:3: ")
    assert str(ParseError(2, "msg")) == "line 2: msg"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigNotFoundError):
        Config(tmp_path / "missing.conf")
    with pytest.raises(IOError):
        Config(tmp_path / "missing.conf")


def test_line_category_item_classes() -> None:
    line = Line("  text ; comment  ", 4)
    assert (line.line, line.comment, line.number) == ("text", " comment", 4)
    line.comment = "new"
    assert line.get_line() == "text\t;new"
    line.line = ""
    assert line.get_line() == ";new"
    line.comment = ""
    assert line.get_line() == ""
    category = Category("[name](!) ; c", 1)
    assert (category.name, category.options, category.is_template) == ("name", "!", True)
    category.comment = "changed"
    assert category.get_line() == "[name](!)\t;changed"
    with pytest.raises(ParseError):
        Category("not a header", 2)
    with pytest.raises(ValueError):
        Category()
    built = Category(name="fresh")
    assert built.get_line() == "[fresh]"
    item = Item(name="k", value="")
    assert item.get_line() == "k = "  # pyst2 refused an empty value
    built.append(item)
    built.insert(0, Item(name="a", value="1"))
    assert [i.name for i in built.items] == ["a", "k"]
    built.pop()
    built.remove(built.items[0])
    assert built.items == [] and repr(built) == "<Category [fresh] 0 items>"
    with pytest.raises(ValueError):
        Item()
    with pytest.raises(ParseError, match="name = value"):
        Item("no equals here", 5)
    with pytest.raises(ParseError, match="missing"):
        Item("name]", 6)
    append = Item("k += more", 7)
    assert (append.name, append.value, append.style) == ("k", "more", "+")
    append.value = "other"
    assert append.get_line() == "k += other"
    obj = Item("x => y", 8)
    obj.value = "z;w"
    assert obj.get_line() == "x => z\\;w"
    odd = Item(name="bad=key", value="v")
    assert odd.get_line() == "bad=key = v"  # not writable: pyst2's plain format
    assert repr(obj) == "<Item 'x'='z;w'>"


def test_crlf_file(tmp_path: Path) -> None:
    path = tmp_path / "crlf.conf"
    path.write_bytes(b"[a]\r\nk=1\r\nlast=2")
    config = Config(path)
    assert config.raw_lines == ["[a]\r\n", "k=1\r\n", "last=2"]
    assert [(i.name, i.value) for i in config.categories[0].items] == [("k", "1"), ("last", "2")]


def test_samples_load(shared_dir: Path) -> None:
    folder = shared_dir / "asterisk-sample-configs"
    config = Config(folder / "say.conf.sample")
    assert len(config.lines) == (folder / "say.conf.sample").read_text().count("\n")
    assert config.categories[1].name == "en_GB"
    assert config.categories[1].items[0].value == "num:${SAY:0:4}"
    with pytest.raises(ParseError):
        Config(folder / "dbsep.conf.sample")
