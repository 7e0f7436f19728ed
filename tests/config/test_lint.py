"""The lint-config command (in-process; the ``python -m`` form is in tests/integration)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from pyst.config import Code
from pyst.config.lint import lint_file, main


def run(argv: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    status = main(argv, out)
    return status, out.getvalue()


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "ok.conf"
    path.write_text("[a]\nk=1\n")
    assert run([str(path)]) == (0, "")


def test_reports_like_a_compiler(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.conf").write_text("[a]\njunk\nk=1 --; oops\nignored\n")
    (tmp_path / "y.conf").write_text("[a]\nk=NoOp(a;b)\n[b](nope)\n")
    status, output = run(["x.conf", "y.conf"])
    assert status == 1
    lines = output.splitlines()
    assert lines == [
        "x.conf:2:1: warning: 'junk' has no '=': Asterisk ignores the line",
        "x.conf:3:5: warning: stray '--;' outside a block comment: Asterisk ignores every "
        "later line after this (its comment counter goes below zero)",
        "y.conf:2:9: warning: ';' starts a comment here, so the value is cut to 'NoOp(a' "
        "(write '\\;' for a literal semicolon)",
        "y.conf:3:1: error: [b] inherits from 'nope', which is not defined above this line: "
        "Asterisk rejects the configuration",
    ]


def test_errors_in_included_files_are_reported_with_their_file(tmp_path: Path) -> None:
    (tmp_path / "inc.conf").write_text("[inc]\n[broken\n")
    (tmp_path / "x.conf").write_text("[a]\n#include inc.conf\n")
    status, output = run([str(tmp_path / "x.conf")])
    assert status == 1
    assert output.splitlines()[0].endswith(
        "inc.conf:2:1: error: category header has no closing ']': Asterisk stops reading this "
        "included file here (what was read before stays; the including file goes on)"
    )


def test_quiet_and_missing_files(tmp_path: Path) -> None:
    (tmp_path / "w.conf").write_text("[a]\njunk\n")
    assert run(["-q", str(tmp_path / "w.conf")]) == (0, "")
    status, output = run([str(tmp_path / "missing.conf")])
    assert status == 1
    assert (
        output
        == f"{tmp_path / 'missing.conf'}: error: no such file (Asterisk: Config file not found)\n"
    )


def test_config_dir_option(tmp_path: Path) -> None:
    etc = tmp_path / "etc"
    etc.mkdir()
    (etc / "inc.conf").write_text("[inc]\n")
    (tmp_path / "x.conf").write_text("[a]\n#include inc.conf\n")
    assert run([str(tmp_path / "x.conf")])[0] == 1  # not next to the file...
    assert run(["--config-dir", str(etc), str(tmp_path / "x.conf")]) == (0, "")  # ...but here


def test_lint_file_api(tmp_path: Path) -> None:
    (tmp_path / "x.conf").write_text("k=1\n")
    (diag,) = lint_file(str(tmp_path / "x.conf"))
    assert diag.code is Code.NO_CATEGORY and diag.is_error


def test_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        main([], io.StringIO())
    assert info.value.code == 2


def test_paths_outside_the_cwd_stay_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    (tmp_path / "x.conf").write_text("[a]\njunk\n")
    status, output = run([str(tmp_path / "x.conf")])
    assert status == 0 and output.startswith(f"{tmp_path / 'x.conf'}:2:1: warning:")
    assert os.getcwd() == str(work)
