"""Clients in other languages against the fakes: Node's asterisk-manager 0.2.0 (npm) and Perl's
Asterisk::Manager and Asterisk::AGI (asterisk-perl 1.08, Debian's libasterisk-agi-perl).

Each client runs as it would against a real Asterisk 22 (a script in ``tests/clients``, in
its own process) and prints what its library handed back; the test checks those values. The
fake AMI server is loaded with the capture machine's config (``shared/captures/config``).

``make test`` installs the clients (``make clients``: ``npm ci`` in ``tests/clients/node``, and
the Debian package when Perl lacks the modules). A machine without Node or without the Perl
modules skips these tests, naming what is missing; in CI (``CI`` set) that is a failure.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pyst_sim.agi import Caller, simulate_call
from pyst_sim.ami_server import FakeAMIServer, ThreadedFakeAMIServer
from tests.prerequisites import missing

CLIENTS = Path(__file__).resolve().parent.parent / "clients"
NODE_DIR = CLIENTS / "node"
TIMEOUT = 20
# A user for the Perl manager client: it reads one block per action, so no event may reach it.
PERL_USER = "[perl]\nsecret = camel\nread =\nwrite = all\n"


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        missing("node is not installed (Node.js runs the asterisk-manager client)")
    if not (NODE_DIR / "node_modules" / "asterisk-manager").is_dir():
        missing("asterisk-manager is not installed: run `make clients`")
    return node


def _perl(module: str) -> str:
    perl = shutil.which("perl")
    if perl is None:
        missing("perl is not installed")
    probe = subprocess.run([perl, f"-M{module}", "-e1"], capture_output=True, timeout=TIMEOUT)
    if probe.returncode != 0:
        missing(f"Perl module {module} is not installed: run `make clients` "
                 "(Debian's libasterisk-agi-perl)")
    return perl


def _run_json(argv: list[str], cwd: Path) -> dict[str, Any]:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines, f"no output; stderr: {done.stderr}"
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _in_order(seen: list[str], wanted: list[str]) -> bool:
    """Whether ``wanted`` occurs in ``seen`` in this order (other items may come between)."""
    rest = iter(seen)
    return all(name in rest for name in wanted)


@pytest.fixture
def fake(shared_dir: Path, tmp_path: Path) -> Iterator[ThreadedFakeAMIServer]:
    config = tmp_path / "config"
    shutil.copytree(shared_dir / "captures" / "config", config)
    with (config / "manager.conf").open("a") as conf:
        conf.write("\n" + PERL_USER)
    server = FakeAMIServer(config, time_scale=0.05, auth_failure_delay=0)
    with server.start_in_thread() as ami:
        yield ami
        ami.check()


def test_node_asterisk_manager(fake: ThreadedFakeAMIServer) -> None:
    node = _node()
    out = _run_json([node, "ami_flow.js", str(fake.port), "admin", "secret"], NODE_DIR)
    assert "timeout" not in out and "error" not in out, out
    # The library keys every header in lower case; an error response comes as `error`.
    assert out["ping"]["response"] == "Success" and out["ping"]["ping"] == "Pong"
    assert out["command"]["output"].startswith("Asterisk 22.10.1 built by")
    assert out["command"]["message"] == "Command output follows"
    assert out["setvar"]["message"] == "Variable Set"
    assert out["getvar"]["value"] == "js"
    assert out["originate"]["message"] == "Originate successfully queued"
    originated = out["originateresponse"]
    assert (originated["response"], originated["reason"]) == ("Success", "4")
    assert originated["actionid"] == out["originate"]["actionid"]
    assert (originated["calleridnum"], originated["calleridname"]) == ("558", "Node")
    assert out["coreshowchannels"]["eventlist"] == "start"
    assert out["listcomplete"]["listitems"] == "2"
    assert len(out["listitems"]) == 2
    assert {item["actionid"] for item in out["listitems"]} == {out["coreshowchannels"]["actionid"]}
    assert out["userevent"]["message"] == "Event Sent"
    assert (out["usereventevent"]["userevent"], out["usereventevent"]["header1"]) == (
        "NodeTest", "x")
    assert out["unknown"]["error"]["message"].startswith(
        "Invalid/unknown command: nosuchaction.")
    assert out["logoff"]["response"] == "Goodbye"
    # Events on (the library logs in asking for them): the login's, then the call's.
    events = out["events"]
    assert events[:2] == ["FullyBooted", "SuccessfulAuth"]
    assert _in_order(events, ["Newchannel", "DialBegin", "DialEnd", "OriginateResponse",
                              "CoreShowChannel", "CoreShowChannel", "CoreShowChannelsComplete",
                              "UserEvent"]), events
    assert [x.action.name for x in fake.log][:1] == ["login"]


def test_perl_asterisk_manager(fake: ThreadedFakeAMIServer) -> None:
    perl = _perl("Asterisk::Manager")
    out = _run_json([perl, "ami_flow.pl", str(fake.port), "perl", "camel"], CLIENTS / "perl")
    assert out["ping"]["Ping"] == "Pong"
    assert out["command"][:2] == ["Response: Success", "Message: Command output follows"]
    assert out["command"][2].startswith("Output: Asterisk 22.10.1 built by")
    assert out["setvar"] == {"Response": "Success", "Message": "Variable Set"}
    assert out["getvar"]["Value"] == "camel"
    # A synchronous Originate: the response comes once the call is answered.
    assert out["originate"] == {"Response": "Success", "Message": "Originate successfully queued"}
    assert out["dbput"] == {"Response": "Success", "Message": "Updated database successfully"}
    assert out["dbget"] == {"Response": "Success", "EventList": "start",
                            "Message": "Result will follow"}
    assert out["dbget_item"] == {"Event": "DBGetResponse", "Family": "perl", "Key": "k",
                                 "Val": "v"}
    assert out["dbget_complete"] == {"Event": "DBGetComplete", "EventList": "Complete",
                                     "ListItems": "1"}
    assert out["unknown"]["Response"] == "Error"
    assert out["logoff"]["Response"] == "Goodbye"
    # The library asked for an MD5 challenge, then logged in with the digest.
    names = [x.action.name for x in fake.log]
    assert names[:2] == ["Challenge", "Login"]
    assert fake.log[1].action.get("AuthType") == "MD5"


def test_perl_asterisk_agi(tmp_path: Path) -> None:
    perl = _perl("Asterisk::AGI")
    record = simulate_call(CLIENTS / "perl" / "agi_ivr.pl", caller=Caller(dtmf="1234",
                           callerid="5551234"), seed=1, timeout=TIMEOUT, interpreter=(perl,))
    assert record.error is None, record.error
    assert "ACCOUNT read back" not in record.stderr, record.stderr
    assert record.variables["ACCOUNT"] == "1234"
    assert record.variables["CALLER_SEEN"] == "5551234"
    record.assert_prompts("welcome", "enter-account", "digits/1", "digits/2", "digits/3",
                          "digits/4")
    record.assert_commands("ANSWER", "STREAM FILE", "GET DATA", "SET VARIABLE", "GET VARIABLE",
                           "SET VARIABLE", "SAY DIGITS", "VERBOSE", "HANGUP")
    assert record.verbose == [(1, "account entered")]
    assert record.agi_status == "HANGUP"
    record.assert_hung_up_by("app")
