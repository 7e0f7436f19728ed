"""pyst.config parts that run subprocesses: ``#exec`` and ``python -m pyst.config.lint``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pyst.config import Code, ConfigLoader, LoadStatus


def write(base: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = base / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def lists(loaded: object) -> list[tuple[str, list[tuple[str, str]]]]:
    return loaded.config.as_lists(True)  # type: ignore[attr-defined, no-any-return]


@pytest.mark.skipif(sys.platform == "win32", reason="uses /bin/sh")
def test_exec_runs_a_program_when_enabled(tmp_path: Path) -> None:
    script = tmp_path / "gen.sh"
    script.write_text("#!/bin/sh\necho '[generated]'\necho 'k=1'\necho oops >&2\nexit 3\n")
    script.chmod(0o755)
    write(tmp_path, {"top.conf": f"[a]\n#exec {script}\n#exec </bin/true>\n"})
    off = ConfigLoader(tmp_path).load("top.conf")
    assert [d.code for d in off.diagnostics] == [Code.EXEC_DISABLED] * 2
    on = ConfigLoader(tmp_path, exec_includes=True).load("top.conf")
    assert on.status is LoadStatus.OK
    assert lists(on) == [("a", []), ("generated", [("k", "1")])]
    first, second = on.diagnostics
    assert first.code is Code.EXEC_PROBLEM and "status 3" in first.message
    assert "stderr" in first.message
    assert "no output" in second.message
    assert on.documents[1].path == f"#exec {script}"


@pytest.mark.skipif(sys.platform == "win32", reason="uses /bin/sh")
def test_exec_timeout_makes_the_file_invalid(tmp_path: Path) -> None:
    write(tmp_path, {"top.conf": "[a]\n#exec sleep 5\n"})
    loaded = ConfigLoader(tmp_path, exec_includes=True, exec_timeout=0.05).load("top.conf")
    assert loaded.status is LoadStatus.INVALID
    assert "did not run" in loaded.diagnostics[0].message


def test_lint_as_a_module(tmp_path: Path) -> None:
    (tmp_path / "good.conf").write_text("[a]\nk=1\n")
    (tmp_path / "bad.conf").write_text("[a]\njunk\n[b\n")
    good = subprocess.run(
        [sys.executable, "-m", "pyst.config.lint", "good.conf"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (good.returncode, good.stdout, good.stderr) == (0, "", "")
    bad = subprocess.run(
        [sys.executable, "-m", "pyst.config.lint", "good.conf", "bad.conf"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        "bad.conf:2:1: warning: 'junk' has no '=': Asterisk ignores the line",
        "bad.conf:3:1: error: category header has no closing ']': Asterisk rejects the "
        "configuration",
    ]
