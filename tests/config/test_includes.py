"""#include, #tryinclude and #exec through the file loader (real files under tmp_path)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pyst.config import (
    Code,
    ConfigLoader,
    ConfigNotFoundError,
    ExecResult,
    IncludeSyntaxError,
    LoadStatus,
    MemoryLoader,
    load,
    read,
)
from pyst.config.loader import expand_braces
from pyst.errors import ConfigSyntaxError, IncludeError


def write(base: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def lists(loaded: object) -> list[tuple[str, list[tuple[str, str]]]]:
    return loaded.config.as_lists(True)  # type: ignore[attr-defined, no-any-return]


def test_relative_to_config_dir_not_to_the_including_file(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "top.conf": "[a]\n#include sub/one.conf\n",
            "sub/one.conf": "[one]\n#include two.conf\n",  # looked up in tmp_path, not sub/
            "two.conf": "[two-top]\n",
            "sub/two.conf": "[two-sub]\n",
        },
    )
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert loaded.status is LoadStatus.OK
    assert [c.name for c in loaded.config] == ["a", "one", "two-top"]
    assert [Path(d.path).name for d in loaded.documents] == ["top.conf", "one.conf", "two.conf"]


def test_absolute_include(tmp_path: Path) -> None:
    other = tmp_path / "elsewhere"
    write(other, {"x.conf": "[x]\nk=1\n"})
    write(tmp_path / "etc", {"top.conf": f"[a]\n#include {other / 'x.conf'}\n"})
    loaded = ConfigLoader(tmp_path / "etc").load("top.conf")
    assert lists(loaded) == [("a", []), ("x", [("k", "1")])]


def test_quoting_forms(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "top.conf": '[a]\n#include "q.conf"\n#include <b.conf>\n#include "odd.conf\n',
            "q.conf": "[q]\n",
            "b.conf": "[b]\n",
            '"odd.conf': "[odd]\n",  # an unbalanced quote is part of the name
        },
    )
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert [c.name for c in loaded.config] == ["a", "q", "b", "odd"]


def test_glob_sorted_bytewise_and_hidden_files_skipped(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "top.conf": "[a]\n#include conf.d/*.conf\n",
            "conf.d/b.conf": "[b]\n",
            "conf.d/B.conf": "[B]\n",
            "conf.d/a.conf": "[a2]\n",
            "conf.d/.hidden.conf": "[hidden]\n",
            "conf.d/c.txt": "[txt]\n",
        },
    )
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert [c.name for c in loaded.config] == ["a", "B", "a2", "b"]


def test_braces_in_written_order(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "top.conf": "[a]\n#include {z,a,missing,m}.conf\n#include d/{y,x}*.conf\n",
            "z.conf": "[z]\n",
            "a.conf": "[a.conf]\n",
            "m.conf": "[m]\n",
            "d/x2.conf": "[x2]\n",
            "d/x1.conf": "[x1]\n",
            "d/y.conf": "[y]\n",
        },
    )
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert [c.name for c in loaded.config] == ["a", "z", "a.conf", "m", "y", "x1", "x2"]


def test_expand_braces() -> None:
    assert expand_braces("plain") == ["plain"]
    assert expand_braces("{a,b}{1,2}") == ["a1", "a2", "b1", "b2"]
    assert expand_braces("x{a,{b,c}}y") == ["xay", "xby", "xcy"]
    assert expand_braces("x{a,b") == ["x{a,b"]  # unbalanced: literal
    assert expand_braces("\\{a,b}") == ["\\{a,b}"]  # escaped brace
    assert expand_braces("{a\\,b,c}") == ["a\\,b", "c"]


def test_includer_continues_in_its_own_category(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "top.conf": "[a]\nx=1\n#include inc.conf\ny=2\n#include second.conf\n",
            "inc.conf": "z=3\n[b]\nw=4\n",  # starts inside [a], then opens [b]
            "second.conf": "v=5\n",  # starts in the configuration's current category: [b]
        },
    )
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert lists(loaded) == [
        ("a", [("x", "1"), ("z", "3"), ("y", "2")]),
        ("b", [("w", "4"), ("v", "5")]),
    ]


def test_missing_include_invalidates_top_file(tmp_path: Path) -> None:
    write(tmp_path, {"top.conf": "[a]\nk=1\n#include nope.conf\nz=2\n"})
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert loaded.status is LoadStatus.INVALID
    assert [d.code for d in loaded.diagnostics] == [Code.INCLUDE_NOT_FOUND]
    assert "config directory" in loaded.diagnostics[0].message
    with pytest.raises(IncludeSyntaxError) as info:
        loaded.raise_for_status()
    assert isinstance(info.value, ConfigSyntaxError) and isinstance(info.value, IncludeError)
    assert info.value.lineno == 3


def test_glob_without_match_is_missing(tmp_path: Path) -> None:
    write(tmp_path, {"top.conf": "[a]\n#include none/*.conf\n"})
    assert ConfigLoader(tmp_path).load("top.conf").status is LoadStatus.INVALID


def test_tryinclude_is_silent(tmp_path: Path) -> None:
    write(tmp_path, {"top.conf": "[a]\n#tryinclude nope.conf\n#tryinclude nope/*.conf\nk=1\n"})
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert loaded.status is LoadStatus.OK and loaded.diagnostics == []
    assert lists(loaded) == [("a", [("k", "1")])]


def test_error_inside_include_keeps_what_was_read(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "top.conf": "[a]\n#include bad.conf\ny=2\n",
            "bad.conf": "[b]\nk=1\n[broken\nk2=2\n",
        },
    )
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert loaded.status is LoadStatus.OK
    assert lists(loaded) == [("a", [("y", "2")]), ("b", [("k", "1")])]
    (error,) = loaded.diagnostics
    assert error.code is Code.NO_CLOSING_BRACKET and error.include_level == 2
    assert "stops reading this included file" in error.message
    bad = loaded.document_for(str(tmp_path / "bad.conf"))
    assert bad is not None and bad.stopped_at == 3


def test_depth_limit_ten(tmp_path: Path) -> None:
    files = {f"l{i}.conf": f"[l{i}]\n#include l{i + 1}.conf\nafter=yes\n" for i in range(12)}
    write(tmp_path, files)
    loaded = ConfigLoader(tmp_path).load("l0.conf")
    # l0 is level 1; l1..l10 are the ten nested levels; l10's #include fails.
    assert loaded.status is LoadStatus.OK
    assert [c.name for c in loaded.config] == [f"l{i}" for i in range(11)]
    assert [d.code for d in loaded.diagnostics] == [Code.INCLUDE_DEPTH]
    assert Path(loaded.diagnostics[0].file).name == "l10.conf"
    # l10 stopped at the include; every parent read on after it.
    assert [c.get("after") for c in loaded.config] == ["yes"] * 10 + [None]


def test_include_loop_repeats_until_the_depth_limit(tmp_path: Path) -> None:
    write(tmp_path, {"top.conf": "[a]\nk=1\n#include top.conf\n"})
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert loaded.status is LoadStatus.OK
    assert len(loaded.config.categories) == 11
    assert [d.code for d in loaded.diagnostics] == [Code.INCLUDED_AGAIN, Code.INCLUDE_DEPTH]
    assert "include loop" in loaded.diagnostics[-1].message
    assert len(loaded.documents) == 1


def test_invalid_include_leaks_a_level(tmp_path: Path) -> None:
    # ast_config_internal_load() does not give the level back after an invalid file, so ten
    # broken includes in a row exhaust the depth budget and the eleventh fails.
    body = "".join(f"#include bad{i}.conf\n" for i in range(11))
    files = {"top.conf": "[a]\n" + body}
    files.update({f"bad{i}.conf": "[x\n" for i in range(11)})
    write(tmp_path, files)
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert loaded.status is LoadStatus.INVALID
    assert [d.code for d in loaded.diagnostics] == [Code.NO_CLOSING_BRACKET] * 10 + [
        Code.INCLUDE_DEPTH
    ]


def test_errors_after_an_invalid_include_belong_to_the_top_file(tmp_path: Path) -> None:
    write(tmp_path, {"top.conf": "[a]\n#include bad.conf\n[b\n", "bad.conf": "[x\n"})
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert loaded.status is LoadStatus.INVALID
    inner, outer = loaded.diagnostics
    assert (inner.include_level, outer.include_level) == (2, 1)
    assert "rejects the configuration" in outer.message
    with pytest.raises(ConfigSyntaxError) as info:
        loaded.raise_for_status()
    assert info.value.lineno == 3 and Path(info.value.filename or "").name == "top.conf"


def test_tryinclude_past_the_depth_limit_only_warns(tmp_path: Path) -> None:
    write(tmp_path, {"top.conf": "[a]\n#tryinclude top.conf\n"})
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert loaded.status is LoadStatus.OK
    assert loaded.diagnostics[-1].code is Code.INCLUDE_DEPTH
    assert not loaded.diagnostics[-1].is_error


def test_directory_is_not_a_regular_file(tmp_path: Path) -> None:
    write(tmp_path, {"top.conf": "[a]\n#include sub\n", "sub/x": ""})
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert [d.code for d in loaded.diagnostics] == [Code.NOT_REGULAR_FILE, Code.INCLUDE_NOT_FOUND]


def test_unterminated_comment_carries_into_the_next_glob_match(tmp_path: Path) -> None:
    # One glob is one reader call: comment nesting and the current category carry over.
    write(
        tmp_path,
        {
            "top.conf": "[a]\n#include g/*.conf\n",
            "g/1.conf": "[one]\nk=1\n;-- open\n",
            "g/2.conf": "hidden=1\n--;\nshown=1\n",
        },
    )
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert lists(loaded) == [("a", []), ("one", [("k", "1"), ("shown", "1")])]
    assert [d.code for d in loaded.diagnostics] == [Code.UNTERMINATED_COMMENT]


def test_bom_only_stripped_in_the_first_glob_match(tmp_path: Path) -> None:
    write(tmp_path, {"top.conf": "[a]\n#include g/*.conf\n"})
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "1.conf").write_bytes(b"\xef\xbb\xbf[one]\n")
    (tmp_path / "g" / "2.conf").write_bytes(b"\xef\xbb\xbf[two]\n")
    loaded = ConfigLoader(tmp_path).load("top.conf")
    assert [c.name for c in loaded.config] == ["a", "one"]  # "\ufeff[two]" is not a header
    assert [d.code for d in loaded.diagnostics] == [Code.NO_EQUALS]


def test_missing_top_file(tmp_path: Path) -> None:
    loaded = ConfigLoader(tmp_path).load("nope.conf")
    assert loaded.status is LoadStatus.MISSING and loaded.document is None
    with pytest.raises(ConfigNotFoundError) as info:
        loaded.raise_for_status()
    assert isinstance(info.value, FileNotFoundError)
    with pytest.raises(FileNotFoundError):
        read(tmp_path / "nope.conf")


def test_load_and_read_helpers(tmp_path: Path) -> None:
    write(tmp_path, {"x.conf": "[a]\n#include y.conf\n", "y.conf": "[y]\n", "bad.conf": "[a\n"})
    assert [c.name for c in load(tmp_path / "x.conf").config] == ["a", "y"]
    assert read(tmp_path / "x.conf").valid
    with pytest.raises(ConfigSyntaxError) as info:
        read(tmp_path / "bad.conf")
    assert (info.value.lineno, Path(info.value.filename or "").name) == (1, "bad.conf")


def test_load_text_uses_the_config_dir(tmp_path: Path) -> None:
    write(tmp_path, {"inc.conf": "[inc]\n"})
    loaded = ConfigLoader(tmp_path).load_text("[a]\n#include inc.conf\n", "memory.conf")
    assert [c.name for c in loaded.config] == ["a", "inc"]


def test_is_restricted(tmp_path: Path) -> None:
    etc = tmp_path / "etc"
    write(etc, {"a.conf": "", "sub/b.conf": ""})
    write(tmp_path, {"outside.conf": ""})
    os.symlink(tmp_path / "outside.conf", etc / "link.conf")
    loader = ConfigLoader(etc)
    assert loader.is_restricted("a.conf") == 0
    assert loader.is_restricted(" sub/b.conf ") == 0
    assert loader.is_restricted("../outside.conf") == 1
    assert loader.is_restricted("link.conf") == 1  # symlinks are resolved
    assert loader.is_restricted(str(etc / "a.conf")) == 0
    assert loader.is_restricted("nope.conf") == -1
    assert loader.path_of("x.conf") == f"{etc}/x.conf"


def test_memory_loader_matches_the_file_loader(tmp_path: Path) -> None:
    files = {
        "top.conf": "[a]\n#include conf.d/*.conf\n#include {y,x}.conf\n#tryinclude none\n",
        "conf.d/2.conf": "[two]\n",
        "conf.d/1.conf": "[one]\n",
        "conf.d/.h.conf": "[hidden]\n",
        "x.conf": "[x]\n",
        "y.conf": "[y]\n",
    }
    write(tmp_path, files)
    on_disk = ConfigLoader(tmp_path).load("top.conf")
    in_memory = MemoryLoader(files, str(tmp_path)).load("top.conf")
    assert lists(in_memory) == lists(on_disk)
    assert [d.path for d in in_memory.documents] == [d.path for d in on_disk.documents]


def test_memory_loader_details() -> None:
    loader = MemoryLoader(
        {"a.conf": b"[a]\n#tryinclude sub\n#exec gen\n", "sub/x.conf": "[x]\n"},
        "/etc/asterisk/",
        exec_handler=lambda cmd: ExecResult(f"[{cmd}]\n"),
    )
    loaded = loader.load("a.conf")
    assert [c.name for c in loaded.config] == ["a", "gen"]
    assert loaded.diagnostics[0].code is Code.NOT_REGULAR_FILE
    assert loader.is_restricted("a.conf") == 0
    assert loader.is_restricted("sub") == 0
    assert loader.is_restricted("../passwd") == -1
    assert loader.is_restricted("/etc/asterisk/../asterisk/a.conf") == 0
    assert loader.path_of("b.conf") == "/etc/asterisk/b.conf"
    assert [c.name for c in loader.load_text("[m]\n#include sub/*.conf\n").config] == ["m", "x"]
    outside = MemoryLoader({"/tmp/x.conf": "[x]\n"}, "/etc/asterisk")
    assert outside.is_restricted("/tmp/x.conf") == 1
