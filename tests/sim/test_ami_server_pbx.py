"""The PBX model behind the fake AMI server: dialplan applications, CLI commands,
UpdateConfig, variables and functions (in memory, no sockets)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from pyst_sim.ami.cli import _uptime_text, run_command
from pyst_sim.ami.functions import get_variable, set_variable, substitute
from pyst_sim.ami.perms import EventFilter, FilterError, authority_to_str, strings_to_mask
from pyst_sim.ami_server import FakeAMIServer
from pyst_sim.state.channels import Channel, ChannelRegistry, state_desc
from pyst_sim.state.globals import GlobalVariables
from pyst_sim.state.pbx import PBX
from pyst_sim.state.queues import Queue, QueueMember, Queues
from tests.sim.test_ami_server import Client, run

DIALPLAN = """\
[globals]
G = g

[apps]
exten => s,1,Answer()
 same => n,Set(A=1)
 same => n,MSet(B=2,C=3)
 same => n,Set(GLOBAL(GX)=${A}${B})
 same => n,GotoIf($[${A} = 1]?yes:no)
 same => n(no),Set(BRANCH=no)
 same => n,Hangup()
 same => n(yes),Set(BRANCH=yes)
 same => n,Goto(second,1)
exten => second,1,Ringing()
 same => n,Progress()
 same => n,Verbose(1,hi)
 same => n,UserEvent(AppEvent,Key: Value,Other: x)
 same => n,Playback(beep&missing)
 same => n,MusicOnHold(default,1)
 same => n,Goto(apps,third,1)
exten => third,1,NoSuchApp(x)

[busy]
exten => s,1,Busy()

[cong]
exten => s,1,Answer()
 same => n,Congestion()

[queue]
exten => s,1,Answer()
 same => n,Queue(support,,,,5)
 same => n,Queue(nosuch)
 same => n,Hangup(17)

[fall]
exten => s,1,Answer()

[loop]
exten => s,1,Goto(s,1)

[agi]
exten => s,1,Answer()
 same => n,AGI(agi://127.0.0.1:1/x)
 same => n,Hangup()

[echo]
exten => s,1,Answer()
 same => n,Echo()

[ctx]
include => other
exten => 100,1,NoOp()
 same => n,Hangup()
exten => 100,hint,PJSIP/100
"""

QUEUES = "[support]\nmember => PJSIP/1,0,One\n"


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    (tmp_path / "extensions.conf").write_text(DIALPLAN)
    (tmp_path / "queues.conf").write_text(QUEUES)
    (tmp_path / "manager.conf").write_text(
        "[admin]\nsecret = secret\nread = all\nwrite = all\n")
    return tmp_path


async def _call(server: FakeAMIServer, c: Client, channel: str, **extra: Any) -> None:
    await c.one("Originate", Channel=channel, Application="Echo", Async="true", **extra)
    await c.settle(200)


def test_dialplan_applications(conf: Path) -> None:
    async def main() -> None:
        server = FakeAMIServer(conf, time_scale=0, auth_failure_delay=0)
        try:
            c = Client(server)
            await c.login()
            await _call(server, c, "Local/s@apps")
            for _ in range(50):
                await c.settle()
                if len(c.events("Hangup")) >= 2:
                    break
            sets = {e["Variable"]: e["Value"] for e in c.events("VarSet")}
            assert sets["A"] == "1" and sets["B"] == "2" and sets["C"] == "3"
            assert sets["BRANCH"] == "yes" and sets["PLAYBACKSTATUS"] == "SUCCESS"
            assert server.pbx.globals["GX"] == "12"
            apps = [e["Application"] for e in c.events("Newexten")]
            assert "Ringing" in apps and "UserEvent" in apps and "NoSuchApp" in apps
            user = c.events("UserEvent")[-1]
            assert user["UserEvent"] == "AppEvent" and user["Key"] == "Value"
            assert len(server.pbx.registry) == 0
        finally:
            await server.stop()

    run(main())


def test_strict_sounds_playback_fails(conf: Path) -> None:
    async def main() -> None:
        pbx = PBX.from_config_dir(conf)
        pbx.strict_sounds = True
        server = FakeAMIServer(pbx=pbx, time_scale=0)
        try:
            c = Client(server)
            await c.login()
            await _call(server, c, "Local/second@apps")
            for _ in range(50):
                await c.settle()
                if c.events("Hangup"):
                    break
            status = [e["Value"] for e in c.events("VarSet")
                      if e["Variable"] == "PLAYBACKSTATUS"]
            assert status == ["FAILED"]
        finally:
            await server.stop()

    run(main())


@pytest.mark.parametrize(
    ("context", "reason"),
    [("busy", "1"), ("cong", "4"), ("fall", "4"), ("queue", "4"), ("loop", "1"), ("agi", "4")],
)
def test_call_outcomes(conf: Path, context: str, reason: str) -> None:
    async def main() -> None:
        server = FakeAMIServer(conf, time_scale=0)
        try:
            c = Client(server)
            await c.login()
            await c.one("Originate", Channel=f"Local/s@{context}", Application="Echo",
                        Async="1", ActionID="x")
            for _ in range(100):
                await c.settle()
                if c.events("OriginateResponse") and len(server.pbx.registry) == 0:
                    break
            assert c.events("OriginateResponse")[0]["Reason"] == reason
            assert len(server.pbx.registry) == 0
            if context == "queue":
                joins = c.events("QueueCallerJoin")
                assert joins and joins[0]["Queue"] == "support"
                assert c.events("QueueCallerLeave")
                causes = [e["Cause"] for e in c.events("Hangup")]
                assert "17" in causes
            if context == "agi":
                agi = [e["Value"] for e in c.events("VarSet") if e["Variable"] == "AGISTATUS"]
                assert agi == ["FAILURE"]
        finally:
            await server.stop()

    run(main())


def test_custom_application_and_agi_runner(conf: Path) -> None:
    async def main() -> None:
        seen: list[str] = []

        async def runner(engine: Any, chan: Channel, data: str) -> str:
            seen.append(data)
            return "SUCCESS"

        pbx = PBX.from_config_dir(conf)
        pbx.agi_runner = runner
        server = FakeAMIServer(pbx=pbx, time_scale=0)

        async def custom(engine: Any, chan: Channel, data: str) -> str | None:
            seen.append("custom:" + data)
            return "hangup"

        server._builtin.calls.applications["nosuchapp"] = custom
        try:
            c = Client(server)
            await c.login()
            await _call(server, c, "Local/s@agi")
            await _call(server, c, "Local/third@apps")
            for _ in range(50):
                await c.settle()
                if len(seen) == 2:
                    break
            assert seen == ["agi://127.0.0.1:1/x", "custom:x"]
        finally:
            await server.stop()

    run(main())


def test_queue_entries_in_status_and_cli(conf: Path) -> None:
    async def main() -> None:
        server = FakeAMIServer(conf, time_scale=1)  # the caller waits 5 real seconds at most
        try:
            c = Client(server)
            await c.login()
            await c.one("Originate", Channel="Local/s@queue", Application="Echo", Async="1")
            for _ in range(300):
                await asyncio.sleep(0.01)
                if c.events("QueueCallerJoin"):
                    break
            before = len([m for m in c.messages if hasattr(m, "fields")])
            await c.one("QueueStatus", Queue="support")
            await c.settle()
            status = [m for m in c.messages if hasattr(m, "fields")][before:]
            status = [m for m in status if m.name in ("Success", "QueueParams", "QueueMember",
                                                      "QueueEntry", "QueueStatusComplete")]
            assert [m.name for m in status] == ["Success", "QueueParams", "QueueMember",
                                                "QueueEntry", "QueueStatusComplete"]
            assert status[1]["Calls"] == "1" and status[3]["Position"] == "1"
            await c.one("QueueSummary", Queue="support")
            await c.settle()
            assert c.events("QueueSummary")[-1]["Callers"] == "1"
            ok, lines = run_command(server, "queue show")
            assert ok and any(line.strip().startswith("1. Local/s@queue") for line in lines)
            await c.ask("Hangup", 1, Channel="/queue/")
        finally:
            await server.stop()

    run(main())


def test_cli_commands(conf: Path) -> None:
    async def main() -> None:
        server = FakeAMIServer(conf, time_scale=0)
        try:
            c = Client(server)
            await c.login()
            await c.one("Originate", Channel="Local/s@echo", Application="Echo", Async="1",
                        CallerID="123")
            await c.settle(100)
            ok, lines = run_command(server, "core show channels concise")
            assert ok and len(lines) == 2 and lines[0].count("!") == 13
            ok, lines = run_command(server, "core show channels verbose")
            assert ok and lines[0].startswith("Channel ") and "2 active channels" in lines
            ok, lines = run_command(server, "core show channels count")
            assert ok and lines == ["2 active channels", "1 active call", "1 call processed"]
            assert not run_command(server, "core show channels bogus")[0]
            ok, lines = run_command(server, "core show calls")
            assert lines == ["1 active call", "1 call processed"]
            ok, lines = run_command(server, "core show uptime")
            assert lines[0].startswith("System uptime: ")
            ok, lines = run_command(server, "core show settings")
            assert any("22.10.1" in line for line in lines)
            ok, lines = run_command(server, "dialplan show")
            assert ok and lines[-1].startswith("-= ") and "contexts. =-" in lines[-1]
            ok, lines = run_command(server, "dialplan show 100@ctx")
            assert ok and any("hint: PJSIP/100" in line for line in lines)
            assert any("Include =>" in line for line in lines)
            ok, lines = run_command(server, "dialplan show 999@ctx")
            assert not ok and lines == ["There is no existence of 999@ctx extension"]
            assert run_command(server, "database get a")[0] is False
            assert run_command(server, "database put a")[0] is False
            assert run_command(server, "database del a")[0] is False
            assert run_command(server, "database deltree")[0] is False
            assert run_command(server, "database get a b")[1] == ["Database entry not found."]
            run_command(server, "database put a b c")
            assert run_command(server, "database del a b")[1] == ["Database entry removed."]
            assert run_command(server, "database del a b")[1] == [
                "Database entry does not exist."]
            run_command(server, "database put a b c")
            assert run_command(server, "database deltree a")[1] == [
                "1 database entries removed."]
            assert run_command(server, "database deltree a")[1] == [
                "Database entries do not exist."]
            assert run_command(server, "queue show nosuch")[1] == ["No such queue: nosuch."]
            assert run_command(server, "module show like x")[0]
        finally:
            await server.stop()

    run(main())
    assert _uptime_text(0) == "0 seconds"
    assert _uptime_text(3661) == "1 hour, 1 minute, 1 second"
    empty = FakeAMIServer(time_scale=0)
    assert run_command(empty, "queue show")[1] == ["No queues."]


UPDATE_CONF = """\
[one]
a = 1
a = 2
b = 3

[two]
c = 4
"""


@pytest.mark.parametrize(
    ("ops", "message", "check"),
    [
        ({"Action-000000": "RenameCat", "Cat-000000": "two", "Value-000000": "deux"},
         None, lambda text: "[deux]" in text and "[two]" not in text),
        ({"Action-000000": "DelCat", "Cat-000000": "two"}, None,
         lambda text: "[two]" not in text),
        ({"Action-000000": "EmptyCat", "Cat-000000": "one"}, None,
         lambda text: "a = 1" not in text and "[one]" in text),
        ({"Action-000000": "Update", "Cat-000000": "one", "Var-000000": "a",
          "Value-000000": "9", "Match-000000": "2"}, None,
         lambda text: "a = 1" in text and "a=9" in text.replace(" ", "")),
        ({"Action-000000": "Delete", "Cat-000000": "one", "Var-000000": "b"}, None,
         lambda text: "b = 3" not in text),
        ({"Action-000000": "Insert", "Cat-000000": "two", "Var-000000": "d",
          "Value-000000": "5", "Options-000000": "object"}, None,
         lambda text: "d => 5" in text or "d=>5" in text.replace(" ", "")),
        ({"Action-000000": "Bogus", "Cat-000000": "one"}, "Unknown action command", None),
        ({"Action-000000": "Update"}, "Category not specified", None),
        ({"Action-000000": "Update", "Cat-000000": "one"},
         "Problem with category, value, or line (if required)", None),
        ({"Action-000000": "Delete", "Cat-000000": "one", "Var-000000": "zz"},
         "Delete did not complete successfully", None),
        ({"Action-000000": "Update", "Cat-000000": "one", "Var-000000": "a",
          "Value-000000": "9", "Match-000000": "nope"},
         "Update did not complete successfully", None),
        ({"Action-000000": "RenameCat", "Cat-000000": "one"},
         "Problem with category, value, or line (if required)", None),
        ({"Action-000000": "Delete", "Cat-000000": "one"},
         "Problem with category, value, or line (if required)", None),
        ({"Action-000000": "Append", "Cat-000000": "one"},
         "Problem with category, value, or line (if required)", None),
    ],
)
def test_updateconfig_operations(tmp_path: Path, ops: dict[str, str], message: str | None,
                                 check: Any) -> None:
    (tmp_path / "x.conf").write_text(UPDATE_CONF)

    async def main() -> Any:
        server = FakeAMIServer(tmp_path, time_scale=0)
        try:
            c = Client(server)
            await c.login()
            return await c.one("UpdateConfig", SrcFilename="x.conf", DstFilename="y.conf", **ops)
        finally:
            await server.stop()

    reply = run(main())
    if message is None:
        assert reply["Response"] == "Success", reply
        assert check((tmp_path / "y.conf").read_text())
    else:
        assert reply["Message"] == message


def test_updateconfig_file_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.conf").write_text("[cat\n")

    async def main() -> list[str]:
        out = []
        server = FakeAMIServer(tmp_path, time_scale=0)
        try:
            c = Client(server)
            await c.login()
            for src, dst in (("nope.conf", "y.conf"), ("bad.conf", "y.conf"),
                             ("/etc/passwd", "y.conf")):
                out.append((await c.one("UpdateConfig", SrcFilename=src, DstFilename=dst))[
                    "Message"])
        finally:
            await server.stop()
        no_dir = FakeAMIServer(time_scale=0)
        try:
            c = Client(no_dir)
            await c.login()
            out.append((await c.one("UpdateConfig", SrcFilename="a", DstFilename="b"))[
                "Message"])
            out.append((await c.one("GetConfig", Filename="a"))["Message"])
            out.append((await c.one("GetConfig"))["Message"])
        finally:
            await no_dir.stop()
        return out

    assert run(main()) == [
        "Config file not found", "Config file has invalid format",
        "File requires escalated privileges", "Config file not found",
        "Config file not found", "Filename not specified",
    ]


# --- state and helpers ----------------------------------------------------------------------


def test_registry_and_channel_model() -> None:
    reg = ChannelRegistry(clock=lambda: 1000.0, first_sequence=9, first_uniqueid=20)
    assert reg.next_sequence() == "00000009" and reg.next_uniqueid() == "1000.20"
    chan = reg.add(Channel("PJSIP/1-00000001", "1000.21", "1000.21", created=990.0))
    with pytest.raises(ValueError):
        reg.add(Channel("pjsip/1-00000001", "x", "x"))
    assert reg.get("PJSIP/1-00000001") is chan and reg.get("1000.21") is chan
    assert "pjsip/1-00000001" in reg and len(reg) == 1 and reg.names() == [chan.name]
    chan.variables["__INHERIT"] = "x"
    assert chan.get_variable("INHERIT") == "x" and chan.get_variable("NOPE") is None
    assert chan.duration(1000.0) == 10 and chan.state_desc == "Down"
    assert state_desc(42) == "Unknown"
    reg.remove(chan)
    reg.remove(chan)
    assert reg.get("nope") is None


def test_globals_and_queues_model() -> None:
    g = GlobalVariables({"A": "1"})
    g["B"] = "2"
    del g["A"]
    assert list(g) == ["B"] and len(g) == 1 and "B" in repr(g)
    queues = Queues([Queue("Q")])
    result, _ = queues.add_member("q", QueueMember("PJSIP/1"))
    assert result == "okay" and queues.get("Q").member("PJSIP/1").membername == "PJSIP/1"
    assert queues.add_member("nope", QueueMember("x"))[0] == "no such queue"
    assert queues.remove_member("nope", "x")[0] == "no such queue"
    assert queues.remove_member("q", "x")[0] == "not there"
    assert len(queues) == 1


def test_pbx_users_endpoints_and_disabled_events() -> None:
    pbx = PBX(endpoints={"PJSIP/9": "busy", "SIP": "fail"})
    user = pbx.add_user("Bob", "s", read="call,user", write="originate")
    assert pbx.user("bob") is user and user.read == ["call", "user"]
    assert pbx.endpoint_behaviour("pjsip/9") == "busy"
    assert pbx.endpoint_behaviour("SIP/1") == "fail"
    assert pbx.endpoint_behaviour("IAX2/1") == "answer"
    got: list[str] = []
    sink = lambda name, mask, fields: got.append(name)  # noqa: E731
    pbx.subscribe(sink)
    pbx.manager.disabledevents = ["Hidden"]
    pbx.publish("Hidden", 1, [])
    pbx.publish("Shown", 1, [])
    pbx.unsubscribe(sink)
    pbx.unsubscribe(sink)
    pbx.publish("After", 1, [])
    assert got == ["Shown"]
    assert pbx.sound_length("beep") == 0.25 and pbx.sound_length("other") == 1.0
    assert PBX(config_files={"extensions.conf": "[c]\n"}).config_loader is not None


def test_functions_on_dummy_and_real_channels() -> None:
    pbx = PBX()
    pbx.globals["G"] = "v"
    assert get_variable(pbx, None, "G") == "v"
    assert get_variable(pbx, None, "CALLERID(num)") == ""
    assert set_variable(pbx, None, "GLOBAL(H)", "h") and pbx.globals["H"] == "h"
    assert not set_variable(pbx, None, "LEN(x)", "1")
    assert set_variable(pbx, None, "PLAIN", "p") and pbx.globals["PLAIN"] == "p"
    chan = Channel("Local/x-00000001;1", "1.1", "1.1", callerid_num="555", tech="Local")
    assert set_variable(pbx, chan, "V", "1") and chan.variables["V"] == "1"
    assert get_variable(pbx, chan, "CALLERID(num)") == "555"
    assert get_variable(pbx, chan, "CHANNEL(state)") == "Down"
    assert set_variable(pbx, chan, "CALLERID(name)", "Al") and chan.callerid_name == "Al"
    assert substitute(pbx, chan, "${V}-${G}-${LEN(abc)}") == "1-v-3"
    assert substitute(pbx, None, "plain") == "plain"


def test_perms_helpers() -> None:
    assert authority_to_str(0) == "<none>"
    assert authority_to_str(2 | 64) == "call,user,all"
    assert strings_to_mask(None) == -1 and strings_to_mask("") == -1
    assert strings_to_mask("no") == 0 and strings_to_mask("99999999999") == 2**31 - 1
    assert strings_to_mask("call,bogus") == 2
    with pytest.raises(FilterError):
        EventFilter.parse("name(A),name(B)", "")
    with pytest.raises(FilterError):
        EventFilter.parse("action(maybe)", "")
    with pytest.raises(FilterError):
        EventFilter.parse("color(red)", "x")
    with pytest.raises(FilterError):
        EventFilter.parse("method(regex)", "")
    f = EventFilter.parse("header(Channel),method(ends_with)", "-1")
    assert f.matches("X", "Event: X\r\nChannel: a-1\r\n")
    assert not f.matches("X", "Event: X\r\nOther: a-1\r\n")
    for method, pattern, ok in (("exact", "a", True), ("contains", "b", False),
                                ("regex", "[[:digit:]]", False)):
        flt = EventFilter.parse(f"header(H),method({method})", pattern)
        assert flt.matches("E", "Event: E\r\nH: a\r\n") is ok
    assert EventFilter.parse("name(E)", "").matches("E", "")


def test_time_scaled_sleep_and_timer() -> None:
    async def main() -> bool:
        server = FakeAMIServer(time_scale=0.001)
        server._loop = asyncio.get_running_loop()
        fired = asyncio.Event()
        server.call_later(1, fired.set)
        await server.sleep(1)
        await asyncio.wait_for(fired.wait(), 2)
        return fired.is_set()

    assert run(main())
