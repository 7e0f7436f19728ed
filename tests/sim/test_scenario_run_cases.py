"""The runner on real simulators: AGI call options and AMI sessions (responder, PBX state)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from pyst_sim.errors import ScenarioError
from pyst_sim.scenario.loader import load_scenario
from pyst_sim.scenario.runner import CaseResult, ScenarioRunner

APPS = '''\
import time

from pyst.ami.blocking import BlockingAMIClient
from pyst.ami.messages import Action


def menu(agi):
    agi.answer()
    agi.stream_file("custom/hello")
    agi.set_variable("GREETING", agi.get_variable("GREETING_TEXT"))
    agi.set_variable("FROMDB", agi.database_get("cidname", agi.env["agi_callerid"]))
    agi.appexec("Transfer", "PJSIP/ops")
    agi.set_priority("done")


def slow(agi):
    agi.answer()
    time.sleep(3)


NOT_CALLABLE = 42


def crash(agi):
    raise RuntimeError("app bug")


def ami(target):
    with BlockingAMIClient(target.host, target.port) as c:
        c.login(target.username, target.secret)
        r = c.send_action(Action.make("CoreShowChannels"))
        print("channels", [e.get("Channel") for e in r.events])
        r = c.send_action(Action.make("DBGet", Family="cidname", Key="555"))
        print("dbget", [e.get("Val") for e in r.events])
        r = c.send_action(Action.make("Getvar", Variable="COUNTRY"))
        print("getvar", r.response.get("Value"))
        r = c.send_action(Action.make("SIPpeers"))
        print("peers", [e.get("ObjectName") for e in r.events], r.completion.get("ListItems"))
        r = c.send_action(Action.make("UserEvent", UserEvent="Hello"))
        print("userevent", r.response.get("Message"))
        seen = []
        while not seen or seen[-1][0] != "UserEvent":
            ev = c.get_event(timeout=2)
            if ev is None:
                break
            if ev.name != "SuccessfulAuth":  # the security event of the login
                seen.append((ev.name, ev.get("Text") or ev.get("Echo")))
        print("events", seen)
'''

SCENARIO = """\
pyst-scenario: 1
pbx:
  globals: {COUNTRY: FR}
  astdb: {cidname/555: Alice}
  config:
    extensions.conf: |
      [default]
      exten => s,1,NoOp()
       same => n(done),Hangup()
  sounds: {strict: true, lengths: {custom/hello: 2}}
  applications:
    transfer: {result: 0, variables: {TRANSFERSTATUS: SUCCESS}}
calls:
  - name: options
    app: {handler: "runner_apps:menu"}
    caller:
      callerid: "555"
      name: {faker: name}
      variables: {GREETING_TEXT: bonjour}
      context: default
      extension: s
      language: fr
      channel: PJSIP/alice-00000001
      uniqueid: "1700000000.1"
      dnid: "100"
      accountcode: acct
    expect:
      prompts: [custom/hello]
      variables: {GREETING: bonjour, FROMDB: Alice, TRANSFERSTATUS: SUCCESS}
      exit: {context: default, extension: s, priority: 2}
  - name: fastagi-function
    app: {fastagi: "agi://127.0.0.1/menu", server: "runner_apps:menu"}
    caller: {callerid: "555"}
    expect: {variables: {FROMDB: Alice}}
  - name: stuck
    app: {handler: "runner_apps:slow", timeout: 0.3}
  - name: crash
    app: {handler: "runner_apps:crash"}
ami:
  - name: state
    program: {callable: "runner_apps:ami"}
    on_login: [{Event: Greeting, Text: hi}]
    pbx:
      channels:
        - {channel: PJSIP/100-00000001, state: Up, callerid: "100", context: default}
    expect:
      actions:
        - action: SIPpeers
          respond:
            - {Response: Success, EventList: start, Message: Peer status list will follow}
            - {Event: PeerEntry, ObjectName: "100"}
            - {Event: PeerlistComplete, EventList: Complete, ListItems: 1}
        - action: UserEvent
          respond: {Message: queued}
          events: [{Event: UserEvent, UserEvent: Hello, Echo: "{UserEvent}"}]
      stdout: |
        channels ['PJSIP/100-00000001']
        dbget ['Alice']
        getvar FR
        peers ['100'] 1
        userevent queued
        events [('FullyBooted', None), ('Greeting', 'hi'), ('UserEvent', 'Hello')]
"""


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, CaseResult]]:
    folder = tmp_path_factory.mktemp("runner")
    (folder / "runner_apps.py").write_text(APPS)
    path = folder / "s.yaml"
    path.write_text(SCENARIO)
    scenario = load_scenario(path)
    with ScenarioRunner() as runner:
        yield {case.id: runner.run(case) for case in scenario.cases}


def test_call_options_reach_the_simulator(results: dict[str, CaseResult]) -> None:
    result = results["options"]
    assert result.ok, result.failure().render()
    text = "\n".join(result.transcript)
    assert "> EXEC Transfer PJSIP/ops" in text


def test_fastagi_server_from_a_function(results: dict[str, CaseResult]) -> None:
    assert results["fastagi-function"].ok, results["fastagi-function"].failure().render()


def test_app_problems_are_reported(results: dict[str, CaseResult]) -> None:
    stuck = results["stuck"]
    assert not stuck.ok
    assert stuck.mismatches[0].title == "app error"
    assert "stopped answering" in stuck.mismatches[0].message
    crash = results["crash"]
    (m,) = crash.mismatches
    assert "RuntimeError: app bug" in m.message
    assert "pyst_sim/agi" not in m.message  # the simulator's own frames are left out


def test_ami_session_state_and_responder(results: dict[str, CaseResult]) -> None:
    result = results["state"]
    assert result.ok, result.failure().render()
    wire = "\n".join(result.transcript)
    assert "Secret: ********" in wire
    assert "[session 1, scenario] Response: Success {EventList: start" in wire


def test_scenario_errors_at_run_time(tmp_path: Path) -> None:
    (tmp_path / "runner_apps2.py").write_text("NOT_CALLABLE = 42\n")
    (tmp_path / "fail.py").write_text("import sys\nsys.stderr.write('boom\\\\n')\nsys.exit(3)\n")
    path = tmp_path / "s.yaml"
    path.write_text(textwrap.dedent("""\
        pyst-scenario: 1
        calls:
          - name: not-callable
            app: {handler: "runner_apps2:NOT_CALLABLE"}
          - name: bad-server
            app: {fastagi: "agi://127.0.0.1/x", server: "runner_apps2:NOT_CALLABLE"}
          - name: exits
            app: {script: fail.py}
          - name: faker
            app: {handler: "runner_apps2:NOT_CALLABLE"}
            caller: {callerid: {faker: no_such_provider}}
        """))
    scenario = load_scenario(path)
    with ScenarioRunner() as runner:
        with pytest.raises(ScenarioError, match="is not callable"):
            runner.run(scenario.case("not-callable"))
        with pytest.raises(ScenarioError, match="neither a FastAGIServer nor a handler"):
            runner.run(scenario.case("bad-server"))
        result = runner.run(scenario.case("exits"))
        assert "the script exited with status 3:\nboom" in result.mismatches[0].message
        with pytest.raises(ScenarioError, match="unknown Faker provider"):
            runner.run(scenario.case("faker"))
