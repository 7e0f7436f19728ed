"""Scenario loading: valid files, and every kind of error with its file:line and YAML lines."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pyst_sim.errors import ScenarioError
from pyst_sim.scenario.loader import (
    find_scenario_files,
    is_scenario_file,
    load_scenario,
    load_scenario_text,
    load_yaml,
    schema,
)
from pyst_sim.scenario.matchers import AnyValue, Count, Equals, Regex
from pyst_sim.scenario.model import AMICase, CallCase, FakerValue

REPO = Path(__file__).resolve().parents[2]

GOOD = """\
pyst-scenario: 1
name: demo
seed: 7
app:
  handler: mod:fn
pbx:
  globals: {COUNTRY: 33}
  astdb: {"/cidname/5551234": Alice}
calls:
  - name: greeting
    caller:
      callerid: "5551234"
      name: {faker: name}
      dtmf:
        - {digits: 1, on_prompt: main-menu}
        - {digits: "#", at: 2.5}
      hangup: {at: 30}
    expect:
      commands:
        - ANSWER
        - STREAM FILE welcome ""
        - command: get data main-menu
          args_match: prefix
          count: 1-3
        - command: EXEC
          args: [Dial, {regex: "PJSIP/\\\\d+"}]
          reply: {startswith: "200"}
      variables: {DIALSTATUS: ANSWER, GONE: null}
      exit: {context: default, extension: s, priority: 1}
      hung_up_by: caller
      prompts: [welcome, {any: true}]
  - name: menu
    parametrize:
      - {id: alice, cid: "111", prio: 2}
      - {id: bob, cid: 222, prio: 3}
    caller: {callerid: "{{cid}}", priority: "{{prio}}", dnid: "x{{cid}}y"}
ami:
  - name: click
    program: {command: "{python} -c pass", timeout: 3}
    users: [{username: u, secret: s, read: call}]
    on_login: [{Event: Hello, Foo: [1, 2]}]
    expect:
      actions:
        - action: Originate
          headers: {Channel: PJSIP/100}
          count: ">=1"
          respond: {Response: Success, Message: queued}
          events: [{Event: OriginateResponse, Response: Success}]
      ignore: [Login]
      stdout: {contains: done}
"""


def write(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    p = tmp_path / name
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def error_of(tmp_path: Path, text: str) -> ScenarioError:
    p = write(tmp_path, text)
    with pytest.raises(ScenarioError) as exc:
        load_scenario(p)
    assert exc.value.path == str(p)
    return exc.value


def test_good_file_loads(tmp_path: Path) -> None:
    sc = load_scenario(write(tmp_path, GOOD))
    assert sc.name == "demo"
    assert [c.id for c in sc.cases] == ["greeting", "menu[alice]", "menu[bob]", "click"]
    call = sc.cases[0]
    assert isinstance(call, CallCase)
    assert call.seed == 7
    assert call.where.line == 10
    assert call.pbx.globals == {"COUNTRY": "33"}
    assert call.pbx.astdb == {"cidname/5551234": "Alice"}
    assert call.caller.callerid == "5551234"
    assert call.caller.name == FakerValue("name")
    assert [d.digits for d in call.caller.dtmf] == ["1", "#"]
    assert call.caller.dtmf[0].on_prompt == "main-menu"
    assert call.caller.hangup is not None and call.caller.hangup.at == 30
    assert call.expect is not None and call.expect.commands is not None
    steps = call.expect.commands
    assert [s.name for s in steps] == ["ANSWER", "STREAM FILE", "GET DATA", "EXEC"]
    assert steps[0].args is None
    assert steps[1].args == (Equals("welcome"), Equals(""))
    assert steps[2].args_match == "prefix" and steps[2].count == Count(1, 3)
    assert steps[3].args == (Equals("Dial"), Regex("PJSIP/\\d+"))
    assert [s.where.line for s in steps] == [20, 21, 22, 25]
    assert call.expect.variables["GONE"][0].matches(None)
    assert call.expect.hung_up_by is not None and call.expect.hung_up_by[0] == "caller"
    assert call.expect.prompts is not None
    assert call.expect.prompts[0][1] == AnyValue()
    alice, bob = sc.cases[1], sc.cases[2]
    assert isinstance(alice, CallCase) and isinstance(bob, CallCase)
    assert alice.caller.callerid == "111" and alice.caller.priority == 2
    assert bob.caller.callerid == "222" and bob.caller.dnid == "x222y"
    assert alice.params == {"id": "alice", "cid": "111", "prio": 2}
    ami = sc.cases[3]
    assert isinstance(ami, AMICase) and ami.program is not None and ami.expect is not None
    assert ami.program.argv == ("{python}", "-c", "pass") and ami.program.shell
    assert ami.program.timeout == 3 and ami.program.cwd == tmp_path.resolve()
    assert ami.users[0].read == "call" and ami.users[0].write == "all"
    assert ami.on_login == ((("Event", "Hello"), ("Foo", "1"), ("Foo", "2")),)
    act = ami.expect.actions[0]
    assert act.count == Count(1, None)
    assert act.respond == ((("Response", "Success"), ("Message", "queued")),)
    assert act.matches("originate", {"channel": "PJSIP/100", "exten": "1"})
    assert not act.matches("Originate", {"channel": "PJSIP/101"})
    assert ami.expect.ignore == frozenset({"login"})
    assert ami.expect.match == "unordered"


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("pyst-scenario: 1\ncals: []\n", 2, "unknown key 'cals' (did you mean 'calls'?)"),
        (
            "pyst-scenario: 1\napp: {handler: m:f}\ncalls:\n  - name: a\n    caller:\n"
            "      callerid: '1'\n      lnaguage: en\n",
            7,
            "calls[0].caller.lnaguage: unknown key 'lnaguage' (did you mean 'language'?)",
        ),
        ("pyst-scenario: 2\ncalls: []\n", 1, "unsupported scenario version 2"),
        ("name: x\ncalls: []\n", 1, "the first key must be 'pyst-scenario: 1'"),
        ("pyst-scenario: 1\ncalls: {}\n", 2, "calls: expected a list, got a mapping"),
        (
            "pyst-scenario: 1\napp: {handler: m:f}\ncalls:\n  - expect: {match: loose}\n",
            4,
            "'loose' is not one of: exact, partial, unordered",
        ),
        (
            "pyst-scenario: 1\napp: {handler: m:f}\ncalls:\n  - expect:\n      commands:\n"
            "        - STREAM FLIE x y\n",
            6,
            "unknown AGI command 'STREAM FLIE X' (did you mean 'STREAM FILE'?)",
        ),
        (
            "pyst-scenario: 1\napp: {handler: m:f}\ncalls:\n  - expect:\n"
            "      variables: {A: {regex: a, any: true}}\n",
            5,
            "a matcher is a mapping with exactly one key",
        ),
        (
            "pyst-scenario: 1\napp: {handler: m:f}\ncalls:\n  - expect:\n"
            "      variables: {A: {regex: '(unclosed'}}\n",
            5,
            "bad regular expression '(unclosed'",
        ),
        (
            "pyst-scenario: 1\napp: {handler: m:f}\ncalls:\n  - expect:\n      commands:\n"
            "        - {command: ANSWER, count: lots}\n",
            6,
            "'lots' is not a count",
        ),
        (
            "pyst-scenario: 1\napp: {handler: nocolon}\ncalls: [{}]\n",
            2,
            "'nocolon' is not a 'module:function' reference",
        ),
        ("pyst-scenario: 1\ncalls: [{name: a}]\n", 2, "no app: give this call an app"),
        ("pyst-scenario: 1\napp: {args: [1]}\ncalls: [{}]\n", 2, "an app needs one of handler"),
        (
            "pyst-scenario: 1\napp: {handler: m:f, fastagi: 'agi://h/x'}\ncalls: [{}]\n",
            2,
            "not handler and fastagi",
        ),
        ("pyst-scenario: 1\napp: {script: nope.py}\ncalls: [{}]\n", 2, "script file not found"),
        ("pyst-scenario: 1\napp: {fastagi: 'http://x'}\ncalls: [{}]\n", 2, "not an agi:// URL"),
        ("pyst-scenario: 1\n", 1, "needs at least one entry under calls or ami"),
        (
            "pyst-scenario: 1\napp: {handler: m:f}\ncalls:\n  - name: a\n  - name: a\n",
            5,
            "duplicate item name 'a' (also at line 4)",
        ),
        (
            "pyst-scenario: 1\napp: {handler: m:f}\ncalls:\n  - caller: {dtmf: '12x'}\n",
            4,
            "not DTMF digits: '12x'",
        ),
        (
            "pyst-scenario: 1\napp: {handler: m:f}\ncalls:\n  - caller:\n"
            "      hangup: {at: 1, on_prompt: x}\n",
            5,
            "hangup needs exactly one of at or on_prompt",
        ),
        (
            "pyst-scenario: 1\nami:\n  - program: {callable: 'm:f', command: x}\n",
            3,
            "a program is a callable or a command, not both",
        ),
        ("pyst-scenario: 1\nami:\n  - name: x\n", 3, "missing required key 'program'"),
        (
            "pyst-scenario: 1\nami:\n  - program: {command: x}\n    cassette: none.yaml\n",
            4,
            "cassette file not found",
        ),
    ],
)
def test_errors_name_file_line_and_quote_yaml(
    tmp_path: Path, text: str, line: int, needle: str
) -> None:
    err = error_of(tmp_path, text)
    assert needle in str(err)
    assert err.line == line, str(err)
    first = str(err).splitlines()[0]
    assert first.startswith(f"{tmp_path / 's.yaml'}:{line}: ")
    # The offending line is quoted, marked with '>'.
    assert any(
        ln.startswith(f"> {line} |") or ln.startswith(f">  {line} |")
        for ln in str(err).splitlines()
    ), str(err)


def test_yaml_syntax_error_has_line(tmp_path: Path) -> None:
    err = error_of(tmp_path, "pyst-scenario: 1\ncalls:\n  - name: [unclosed\n  - x: 1\n")
    assert "YAML syntax error" in str(err)
    assert err.line is not None and err.line >= 3


def test_duplicate_keys_are_errors(tmp_path: Path) -> None:
    err = error_of(tmp_path, "pyst-scenario: 1\nname: a\nname: b\n")
    assert err.line == 3
    assert "duplicate key 'name' (first at line 2)" in str(err)


def test_merge_keys_and_anchors(tmp_path: Path) -> None:
    text = """\
    pyst-scenario: 1
    app: {handler: m:f}
    calls:
      - name: base
        caller: &who {callerid: "1", language: fr}
      - name: derived
        caller:
          <<: *who
          callerid: "2"
    """
    sc = load_scenario(write(tmp_path, text))
    a, b = sc.cases
    assert isinstance(a, CallCase) and isinstance(b, CallCase)
    assert (b.caller.callerid, b.caller.language) == ("2", "fr")
    assert a.caller.callerid == "1"


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ("[{id: a, x: 1}]", "unknown parameter {{y}}"),
        ("[{id: a, y: 1, z: 2}]", "parameter 'z' is never used"),
        ("[{id: a, y: 1}, {id: a, y: 2}]", "duplicate case id 'a'"),
        ("[{id: a, y: 1}, 5]", "expected a mapping of parameters"),
        ("[{id: a, y: [1]}]", "expected a string or an integer, got a list"),
    ],
)
def test_parametrize_errors(tmp_path: Path, params: str, needle: str) -> None:
    text = (
        "pyst-scenario: 1\napp: {handler: m:f}\ncalls:\n  - name: c\n"
        f"    parametrize: {params}\n    caller: {{dnid: '{{{{y}}}}'}}\n"
    )
    err = error_of(tmp_path, text)
    assert needle in str(err), str(err)


def test_relative_paths_resolve_from_the_scenario(tmp_path: Path) -> None:
    (tmp_path / "apps").mkdir()
    (tmp_path / "apps" / "ivr.py").write_text("print()\n")
    (tmp_path / "conf").mkdir()
    text = """\
    pyst-scenario: 1
    python_path: [apps]
    pbx: {config_dir: conf, config: {"extensions.conf": "[default]\\n"}}
    app: {script: apps/ivr.py, args: [fr, 2]}
    calls: [{}]
    """
    sc = load_scenario(write(tmp_path, text))
    (case,) = sc.cases
    assert isinstance(case, CallCase) and case.app is not None
    assert case.app.target == str((tmp_path / "apps" / "ivr.py").resolve())
    assert case.app.args == ("fr", "2")
    assert case.python_path == ((tmp_path / "apps").resolve(),)
    assert case.pbx.config_dir == (tmp_path / "conf").resolve()
    assert case.name == "call-1"


def test_config_names_are_file_names(tmp_path: Path) -> None:
    err = error_of(
        tmp_path,
        "pyst-scenario: 1\napp: {handler: m:f}\npbx: {config: {'../x.conf': ''}}\ncalls: [{}]\n",
    )
    assert "a config file name, not a path" in str(err)


def test_load_yaml_spans() -> None:
    doc = load_yaml("a:\n  b: [1, 2]\n  c:\n    - x\n    - y\nd: 3\n", "f.yaml")
    assert doc.data == {"a": {"b": [1, 2], "c": ["x", "y"]}, "d": 3}
    assert doc.span(("a",)).line == 2 and doc.span(("a",)).key_line == 1
    assert doc.span(("a", "c", 1)).line == 5
    assert doc.span(("a", "c")).end_line == 5
    assert doc.span(("d",)).line == 6
    # An unknown path falls back to its nearest known ancestor.
    assert doc.span(("a", "c", 1, "zzz")).line == 5


def test_empty_and_non_mapping_documents(tmp_path: Path) -> None:
    assert "empty file" in str(error_of(tmp_path, ""))
    assert "a scenario is a mapping, not a list" in str(error_of(tmp_path, "- 1\n"))
    with pytest.raises(ScenarioError, match="cannot read the scenario"):
        load_scenario(tmp_path / "missing.yaml")


def test_text_loader_takes_paths_from_the_given_name(tmp_path: Path) -> None:
    sc = load_scenario_text(
        "pyst-scenario: 1\napp: {handler: m:f}\ncalls: [{}]\n", tmp_path / "virtual.yaml"
    )
    assert sc.name == "virtual"
    assert sc.cases[0].python_path == (tmp_path.resolve(),)


def test_finding_scenario_files(tmp_path: Path) -> None:
    good = write(tmp_path, "pyst-scenario: 1\n", "a.yaml")
    (tmp_path / "sub").mkdir()
    nested = write(tmp_path / "sub", "# comment\n'pyst-scenario': 1\n", "b.yml")
    write(tmp_path, "version: 1\ninteractions: []\n", "cassette.yaml")
    write(tmp_path, "pyst-scenario: 1\n", "notes.txt")
    assert is_scenario_file(good) and is_scenario_file(nested)
    assert not is_scenario_file(tmp_path / "cassette.yaml")
    assert not is_scenario_file(tmp_path / "notes.txt")
    assert find_scenario_files([str(tmp_path)]) == [good.resolve(), nested.resolve()]
    assert find_scenario_files(["*.yaml"], tmp_path) == [good.resolve()]
    # A file named explicitly is taken even when it is not a scenario (to report it).
    assert find_scenario_files(["cassette.yaml", "a.yaml", "a.yaml"], tmp_path) == [
        (tmp_path / "cassette.yaml").resolve(),
        good.resolve(),
    ]
    with pytest.raises(FileNotFoundError, match=r"nothing\.yaml: no such file"):
        find_scenario_files(["nothing.yaml"], tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no scenario files in this folder"):
        find_scenario_files(["empty"], tmp_path)


def test_schema_is_valid_json_schema() -> None:
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema())
    shipped = json.loads((REPO / "pyst_sim" / "scenario" / "schema.json").read_text())
    assert shipped == schema()
    assert shipped["properties"]["pyst-scenario"]["const"] == 1


def test_docs_are_generated_from_the_schema() -> None:
    proc = subprocess.run(
        [sys.executable, str(REPO / "tools" / "gen_scenario_docs.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    docs = (REPO / "docs" / "scenarios.md").read_text(encoding="utf-8")
    for key in schema()["$defs"]["caller"]["properties"]:
        assert f"| `{key}` |" in docs
