"""``pyst-sim run``: scenario files without pytest (listing, filtering, exit statuses)."""

from __future__ import annotations

import argparse
import io
import textwrap
from pathlib import Path

import pytest

from pyst_sim import run_cli


def invoke(*argv: str) -> tuple[int, str]:
    parser = argparse.ArgumentParser(prog="pyst-sim run")
    run_cli.add_arguments(parser)
    args = parser.parse_args(list(argv))
    out = io.StringIO()
    return run_cli.run(args, out=out), out.getvalue()


def write(folder: Path, name: str, text: str) -> Path:
    p = folder / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


LISTED = """\
pyst-scenario: 1
app: {handler: "m:f"}
calls:
  - name: one
  - name: two
    parametrize: [{id: a, x: "1"}, {id: b, x: "2"}]
    caller: {dnid: "{{x}}"}
  - name: skipped
    skip: later
"""


def test_list_and_filter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "s.yaml", LISTED)
    code, out = invoke("s.yaml", "--list")
    assert code == 0
    assert out.splitlines() == ["s.yaml::one", "s.yaml::two[a]", "s.yaml::two[b]",
                                "s.yaml::skipped"]
    code, out = invoke(str(tmp_path), "--list", "-k", "two[")
    assert out.splitlines() == ["s.yaml::two[a]", "s.yaml::two[b]"]


def test_skips_are_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "s.yaml", LISTED)
    code, out = invoke("s.yaml", "-k", "skipped")
    assert code == 0
    assert out.splitlines()[0] == "SKIP  s.yaml::skipped (later)"
    assert out.splitlines()[-1].startswith("1 skipped in ")


def test_invalid_scenario_exits_2_with_file_line(tmp_path: Path) -> None:
    bad = write(tmp_path, "bad.yaml", "pyst-scenario: 1\ncalls:\n  - nmae: x\n")
    code, out = invoke(str(bad))
    assert code == 2
    assert f"INVALID {bad}:3: calls[0].nmae: unknown key 'nmae' (did you mean 'name'?)" in out
    assert "1 invalid" in out.splitlines()[-1]


def test_no_match_exits_2(tmp_path: Path) -> None:
    code, out = invoke(str(tmp_path / "nothing-*.yaml"))
    assert code == 2
    assert "no such file, folder or glob match" in out


RUNNING = """\
pyst-scenario: 1
app: {handler: "cli_apps_for_run:app"}
calls:
  - name: passes
    expect: {variables: {X: "1"}}
  - name: fails
    expect: {variables: {X: "2"}}
  - name: expected-to-fail
    xfail: known
    expect: {variables: {X: "3"}}
  - name: wrongly-xfail
    xfail: true
  - name: broken-ref
    app: {handler: "cli_apps_for_run:nope"}
"""


def test_run_reports_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    write(tmp_path, "cli_apps_for_run.py", "def app(agi):\n    agi.set_variable('X', '1')\n")
    write(tmp_path, "s.yaml", RUNNING)
    code, out = invoke("s.yaml", "-v")
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("PASS  s.yaml::passes (")
    assert "    " + "    0.000  > SET VARIABLE X 1" in out  # -v prints transcripts
    assert any(line.startswith("FAIL  s.yaml::fails") for line in lines)
    assert "s.yaml:7: variable X: expected \"2\", got '1'" in out
    assert any(line.startswith("XFAIL s.yaml::expected-to-fail") for line in lines)
    assert any(line.startswith("XPASS s.yaml::wrongly-xfail") for line in lines)
    assert "has no attribute 'nope'" in out
    assert lines[-1].startswith("1 passed, 2 failed, 1 xfailed, 1 xpassed in ")
    code, out = invoke("s.yaml", "-q", "-x")
    assert code == 1
    assert "PASS" not in out and out.count("FAIL ") == 1
    code, out = invoke("s.yaml", "-q", "-k", "passes")
    assert code == 0 and out.splitlines()[-1].startswith("1 passed in ")
