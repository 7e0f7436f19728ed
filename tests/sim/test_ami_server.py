"""The fake AMI server wired in memory: sessions over an in-memory transport, no sockets.

Each test runs in one event loop (``run``); a :class:`Client` feeds bytes to a session and
parses what it writes with the AMI core in the client role.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from pyst.ami.messages import Action, Event, Message, Response
from pyst.ami.protocol import AMIConnection, Role
from pyst_sim.ami_server import (
    ANY_VALUE,
    AMISession,
    Broadcast,
    Delay,
    FakeAMIServer,
)
from pyst_sim.errors import ExpectationError
from pyst_sim.expectations import ECHO
from pyst_sim.state.pbx import PBX

MANAGER_CONF = """\
[general]
enabled = yes
channelvars = FOO

[admin]
secret = secret
read = all
write = all

[limited]
secret = limited
read = call
write = originate

[solo]
secret = solo
read = all
write = all
allowmultiplelogin = no

[filtered]
secret = f
read = all
write = all
eventfilter = Event: UserEvent
eventfilter = !UserEvent: skip

[denied]
secret = d
read = all
write = all
deny = 0.0.0.0/0.0.0.0
permit = 10.0.0.0/255.0.0.0
"""

EXTENSIONS_CONF = """\
[globals]
G1 = one

[test]
exten => s,1,Answer()
 same => n,Set(X=${G1})
 same => n(lbl),Wait(1)
 same => n,Hangup()

[park]
exten => s,1,Answer()
 same => n,Echo()

[busy]
exten => s,1,Busy(1)

[noanswer]
exten => s,1,Wait(100)
"""

QUEUES_CONF = """\
[support]
strategy = ringall
member => Local/100@members/n,0,Agent 100
"""


def run(coro: Awaitable[Any], timeout: float = 10) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout))  # type: ignore[arg-type]


class MemoryTransport(asyncio.Transport):
    """Collects what the session writes."""

    def __init__(self, peer: tuple[str, int] = ("127.0.0.1", 40000)) -> None:
        super().__init__()
        self.data = bytearray()
        self.closed = False
        self.peer = peer
        self.buffered = 0

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": self.peer, "sockname": ("127.0.0.1", 5038)}.get(name, default)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        assert not self.closed, "write after close"
        self.data += data

    def set_write_buffer_limits(self, high: int | None = None, low: int | None = None) -> None:
        pass

    def get_write_buffer_size(self) -> int:
        return self.buffered

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def abort(self) -> None:
        self.closed = True


class Client:
    """One in-memory AMI client of a server."""

    def __init__(self, server: FakeAMIServer, peer: tuple[str, int] = ("127.0.0.1", 40000)):
        self.transport = MemoryTransport(peer)
        self.session: AMISession = server.connect_transport(self.transport)
        self.parser = AMIConnection(Role.CLIENT)
        self.messages: list[Any] = []
        self._seen = 0

    def _drain(self) -> None:
        data = bytes(self.transport.data[self._seen :])
        self._seen = len(self.transport.data)
        if data:
            self.messages.extend(self.parser.receive(data))

    def send(self, action: Action | bytes) -> None:
        data = action if isinstance(action, bytes) else action.to_bytes()
        self.session.data_received(data)

    async def settle(self, rounds: int = 20) -> None:
        for _ in range(rounds):
            await asyncio.sleep(0)
        self._drain()

    async def ask(self, name: str, count: int = 1, **headers: Any) -> list[Message]:
        """Send an action; return the next ``count`` messages."""
        start = len([m for m in self.messages if isinstance(m, Message)])
        self.send(Action.make(name, **headers))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        i = 0
        while loop.time() < deadline:
            i += 1
            await asyncio.sleep(0 if i < 200 else 0.002)
            self._drain()
            got = [m for m in self.messages if isinstance(m, Message)][start:]
            if len(got) >= count:
                return got[:count]
        raise AssertionError(f"no reply to {name}: {self.messages[-3:]}")

    async def one(self, name: str, **headers: Any) -> Message:
        """Send an action; return its response (events in between are kept)."""
        start = len([m for m in self.messages if isinstance(m, Message)])
        for count in range(1, 200):
            got = await self.ask(name, count, **headers) if count == 1 else await self._more(
                start, count)
            if isinstance(got[-1], Response):
                return got[-1]
        raise AssertionError(f"no response to {name}")

    async def _more(self, start: int, count: int) -> list[Message]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + 5
        while loop.time() < deadline:
            self._drain()
            got = [m for m in self.messages if isinstance(m, Message)][start:]
            if len(got) >= count:
                return got[:count]
            await asyncio.sleep(0.001)
        raise AssertionError("no more messages")

    async def login(self, user: str = "admin", secret: str = "secret", **extra: Any) -> Message:
        return (await self.ask("Login", Username=user, Secret=secret, **extra))[0]

    def events(self, name: str | None = None) -> list[Event]:
        self._drain()
        return [
            m for m in self.messages
            if isinstance(m, Event) and (name is None or m.name == name)
        ]

    @property
    def closed(self) -> bool:
        return self.transport.closed


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    (tmp_path / "manager.conf").write_text(MANAGER_CONF)
    (tmp_path / "extensions.conf").write_text(EXTENSIONS_CONF)
    (tmp_path / "queues.conf").write_text(QUEUES_CONF)
    return tmp_path


def make(conf: Path, **kwargs: Any) -> FakeAMIServer:
    kwargs.setdefault("time_scale", 0)
    kwargs.setdefault("auth_failure_delay", 0)
    return FakeAMIServer(conf, **kwargs)


def scenario(conf: Path, **kwargs: Any) -> Callable[[Callable[..., Awaitable[Any]]], Any]:
    """Run ``body(server)`` in a loop with a server made from ``conf``."""

    def deco(body: Callable[..., Awaitable[Any]]) -> Any:
        async def main() -> Any:
            server = make(conf, **kwargs)
            try:
                return await body(server)
            finally:
                await server.stop()

        return run(main())

    return deco


# --- session basics ------------------------------------------------------------------------


def test_banner_and_version(conf: Path) -> None:
    @scenario(conf, ami_version="9.0.0")
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        assert bytes(c.transport.data) == b"Asterisk Call Manager/9.0.0\r\n"


def test_login_plain_success_and_events(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        other = Client(server)
        await other.login()
        c = Client(server)
        reply = await c.ask("Login", 3, ActionID="x", Username="ADMIN", Secret="secret")
        assert reply[0].fields == (("Response", "Success"), ("ActionID", "x"),
                                   ("Message", "Authentication accepted"))
        assert [m.name for m in reply[1:]] == ["FullyBooted", "SuccessfulAuth"]
        assert reply[1]["Privilege"] == "system,all"
        assert reply[2]["Privilege"] == "security,all"
        assert reply[2]["AccountID"] == "ADMIN"
        await other.settle()
        # The security event is broadcast: the other admin session sees it too.
        assert len(other.events("SuccessfulAuth")) == 2
        again = await c.one("Login", Username="admin", Secret="secret")
        assert again["Message"] == "Already authenticated"


def test_login_events_off_sends_no_events(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login(Events="off")
        await c.settle()
        assert c.events() == []
        assert c.session.event_mask == 0


def test_login_failures_close_after_the_delay(conf: Path) -> None:
    @scenario(conf, auth_failure_delay=0.05)
    async def _(server: FakeAMIServer) -> None:
        watcher = Client(server)
        await watcher.login()
        loop = asyncio.get_running_loop()
        for user, secret, event in (("admin", "wrong", "InvalidPassword"),
                                    ("nosuch", "x", "InvalidAccountID"),
                                    ("denied", "d", "InvalidPassword")):
            c = Client(server)
            start = loop.time()
            reply = await c.one("Login", ActionID="a1", Username=user, Secret=secret)
            assert loop.time() - start >= 0.05
            assert reply.fields == (("Response", "Error"), ("ActionID", "a1"),
                                    ("Message", "Authentication failed"))
            assert c.closed
            await watcher.settle()
            assert watcher.events(event), event


def test_md5_challenge_login(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        bad = await c.one("Challenge", AuthType="plain")
        assert bad["Message"] == "Must specify AuthType"
        challenge = (await c.one("Challenge", AuthType="MD5"))["Challenge"]
        assert challenge.isdigit()
        assert (await c.one("Challenge", AuthType="md5"))["Challenge"] == challenge
        key = hashlib.md5((challenge + "secret").encode()).hexdigest()
        ok = await c.one("Login", AuthType="MD5", Username="admin", Key=key)
        assert ok["Message"] == "Authentication accepted"
        c2 = Client(server)
        no_challenge = await c2.one("Login", AuthType="MD5", Username="admin", Key=key)
        assert no_challenge["Message"] == "Authentication failed"


def test_only_login_logoff_challenge_before_authentication(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        for name in ("Ping", "CoreStatus", "NoSuchAction", "Command"):
            assert (await c.one(name))["Message"] == "Permission denied"
        bye = await c.one("Logoff", ActionID="z")
        assert bye.fields == (("Response", "Goodbye"), ("ActionID", "z"),
                              ("Message", "Thanks for all the fish."))
        await c.settle()
        assert c.closed


def test_write_permissions_per_action(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login("limited", "limited")
        assert (await c.one("Command", Command="core show version"))["Message"] == (
            "Permission denied")
        assert (await c.one("Ping"))["Ping"] == "Pong"  # authority 0: anyone
        forbidden = await c.one("Originate", Channel="Local/s@test", Application="System",
                                Data="rm -rf /")
        assert forbidden["Message"] == "Originate Access Forbidden: app or data blacklisted"
        unknown = await c.one("NoSuchAction")
        assert unknown["Message"] == (
            "Invalid/unknown command: NoSuchAction. Use Action: ListCommands to show "
            "available commands.")


def test_read_classes_filter_events(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        admin, limited = Client(server), Client(server)
        await admin.login()
        await limited.login("limited", "limited")
        server.emit_event("UserEvent", UserEvent="u")          # user class
        server.emit_event("Newstate", Channel="x")              # call class
        server.emit_event("Odd", Privilege="call,system,all")  # both: limited lacks system
        await admin.settle()
        await limited.settle()
        assert [e.name for e in admin.events() if e.name in ("UserEvent", "Newstate", "Odd")] \
            == ["UserEvent", "Newstate", "Odd"]
        assert [e.name for e in limited.events()] == ["Newstate"]
        assert limited.events("Newstate")[0]["Privilege"] == "call,all"


def test_events_action_masks(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        assert (await c.one("Events", EventMask="off"))["Events"] == "Off"
        server.emit_event("UserEvent", UserEvent="hidden")
        assert (await c.one("Events", EventMask="user"))["Events"] == "On"
        server.emit_event("UserEvent", UserEvent="shown")
        server.emit_event("Newstate", Channel="x")
        assert (await c.one("Events", EventMask="nonsense"))["Events"] == "Off"
        assert (await c.one("Events", EventMask="64"))["Events"] == "On"
        assert (await c.one("Events"))["Message"] == "Invalid event mask"
        assert (await c.one("Events", EventMask="on"))["Events"] == "On"
        await c.settle()
        assert [e["UserEvent"] for e in c.events("UserEvent")] == ["shown"]
        assert c.events("Newstate") == []


def test_filter_action_legacy_and_advanced(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login(Events="off")
        await c.one("Events", EventMask="on")
        ok = await c.one("Filter", Operation="Add", Filter="Event: UserEvent")
        assert ok["Message"] == "Success"
        ok = await c.one("Filter", Operation="Add", Filter="!UserEvent: no.*")
        ok = await c.one("Filter", Operation="Add",
                         MatchCriteria="action(exclude),header(Extra),method(starts_with)",
                         Filter="drop")
        assert ok["Response"] == "Success"
        for name in ("yes1", "no1", "yes2"):
            server.emit_event("UserEvent", UserEvent=name)
        server.emit_event("UserEvent", UserEvent="yes3", Extra="dropme")
        server.emit_event("Newstate", Channel="x")
        await c.settle()
        assert [e["UserEvent"] for e in c.events()] == ["yes1", "yes2"]
        assert (await c.one("Filter", Operation="Remove"))["Message"] == "Unknown operation"
        bad = await c.one("Filter", Operation="Add", Filter="(unclosed")
        assert bad["Message"].startswith("Filter did not compile")
        bad = await c.one("Filter", Operation="Add", MatchCriteria="method(bogus)", Filter="x")
        assert bad["Message"].startswith("Filter was formatted incorrectly")
        bad = await c.one("Filter", Operation="Add", MatchCriteria="name(X),method(none)",
                          Filter="x")
        assert bad["Message"].startswith("Filter was formatted incorrectly")


def test_advanced_name_filter_and_manager_conf_eventfilter(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login(Events="off")
        await c.one("Filter", Operation="Add", MatchCriteria="name(Hangup)")
        await c.one("Events", EventMask="on")
        server.emit_event("Hangup", Channel="a")
        server.emit_event("Newstate", Channel="b")
        await c.settle()
        assert [e.name for e in c.events()] == ["Hangup"]
        f = Client(server)
        await f.login("filtered", "f", Events="off")
        await f.one("Events", EventMask="on")
        server.emit_event("UserEvent", UserEvent="keep")
        server.emit_event("UserEvent", UserEvent="skip")
        server.emit_event("Newstate", Channel="b")
        await f.settle()
        assert [e.get("UserEvent") for e in f.events()] == ["keep"]


def test_framing_errors(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        c.send(b"Action: Ping\r\nActionID: long\r\nX: " + b"y" * 2000 + b"\r\n\r\n")
        c.send(b"Action: Ping\r\nActionID: many\r\n" + b"H: v\r\n" * 200 + b"\r\n")
        c.send(b"ActionID: none\r\n\r\n")
        c.send(b"action: ping\nactionid: lf\n\n")
        await c.settle()
        replies = [m for m in c.messages if isinstance(m, Response)][1:]
        assert [(r.get("ActionID"), r.get("Message")) for r in replies[:3]] == [
            ("long", "Failed to parse message: line too long"),
            ("many", "Too many lines in message or allocation failure"),
            ("none", "Missing action in request"),
        ]
        assert replies[3]["ActionID"] == "lf" and replies[3]["Ping"] == "Pong"
        assert [x.source for x in server.log][-4:] == ["framing", "framing", "builtin",
                                                       "builtin"]


def test_multiple_login_refused(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        a, b = Client(server), Client(server)
        await a.login("solo", "solo")
        reply = await b.one("Login", Username="solo", Secret="solo")
        assert reply["Message"] == "Login Already In Use"
        await b.settle()
        assert b.closed


# --- information actions -----------------------------------------------------------------


def test_core_actions_and_listcommands(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        before = time.time_ns() // 1000
        ping = await c.one("Ping", ActionID="p")
        after = time.time_ns() // 1000
        assert [n for n, _ in ping.fields] == ["Response", "ActionID", "Ping", "Timestamp"]
        # Asterisk's %ld.%06lu of a timeval: whole microseconds, taken while answering.
        assert re.fullmatch(r"\d+\.\d{6}", ping["Timestamp"])
        assert before <= int(ping["Timestamp"].replace(".", "")) <= after
        settings = await c.one("CoreSettings")
        assert settings["AMIversion"] == "11.0.0" and settings["AsteriskVersion"] == "22.10.1"
        status = await c.one("CoreStatus")
        assert status["CoreCurrentCalls"] == "0"
        commands = await c.one("ListCommands")
        assert commands["Ping"] == "Keepalive command. (Priv: <none>)"
        assert commands["Originate"] == "Originate a call. (Priv: originate,all)"
        assert commands["GetConfig"] == "Retrieve configuration. (Priv: system,config,all)"
        limited = Client(server)
        await limited.login("limited", "limited")
        listed = await limited.one("ListCommands")
        assert "Originate" in listed and "Command" not in listed


def test_command_action(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        r = await c.one("Command", Command="core show version")
        assert r.output == ("Asterisk 22.10.1 built by root @ vm on a x86_64 running Linux on "
                            "2026-11-28 21:34:44 UTC",)
        r = await c.one("Command", Command="dialplan show test")
        assert r.output[0] == "[ Context 'test' created by 'pbx_config' ]"
        assert r.output[3].strip().startswith("3. [lbl]Wait(1)")
        assert r.output[-1] == "-= 1 extension (4 priorities) in 1 context. =-"
        r = await c.one("Command", Command="dialplan show nope")
        assert r.status == "Error"
        assert r.output == ("There is no existence of 'nope' context",)
        r = await c.one("Command", Command="database put fam key val")
        assert r.output == ("Updated database successfully",)
        r = await c.one("Command", Command="database show fam")
        assert r.output[0].startswith("/fam/key") and r.output[-1] == "1 result found."
        r = await c.one("Command", Command="database get fam key")
        assert r.output == ("Value: val",)
        r = await c.one("Command", Command="queue show support")
        assert r.output[0].startswith("support has 0 calls")
        r = await c.one("Command", Command="module load foo.so")
        assert r["Message"] == "Command blacklisted"
        r = await c.one("Command", Command="core show uptime seconds")
        assert r.output[0].startswith("System uptime: ")
        r = await c.one("Command", Command="manager show connected")
        assert r.output[-1] == "1 users connected."
        r = await c.one("Command", Command="frobnicate")
        assert r.status == "Error" and "core show help frobnicate" in r.output[0]


def test_getvar_setvar_globals_channels_and_functions(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        assert (await c.one("Getvar", Variable="G1"))["Value"] == "one"
        await c.one("Setvar", Variable="G2", Value="two")
        assert server.pbx.globals["G2"] == "two"
        assert (await c.one("Getvar", Variable="GLOBAL(G2)"))["Value"] == "two"
        await c.one("DBPut", Family="f", Key="k", Val="v")
        assert (await c.one("Getvar", Variable="DB(f/k)"))["Value"] == "v"
        assert (await c.one("Getvar", Variable="LEN(abcd)"))["Value"] == "4"
        r = await c.one("Originate", Channel="Local/s@park", Application="Echo")
        assert r["Message"] == "Originate successfully queued"
        chan = next(ch for ch in server.pbx.registry if ch.name.endswith(";1"))
        set_ = await c.one("Setvar", Channel=chan.name, Variable="FOO", Value="bar")
        assert set_["Message"] == "Variable Set"
        await c.settle()
        varset = c.events("VarSet")[-1]
        assert varset["Variable"] == "FOO" and varset["ChanVariable"] == "FOO=bar"
        got = await c.one("Getvar", Channel=chan.name, Variable="FOO")
        assert got["Value"] == "bar"
        assert (await c.one("Getvar", Channel=chan.name, Variable="CHANNEL"))["Value"] == (
            chan.name)


def test_astdb_actions(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login(Events="off")
        assert (await c.one("DBPut", Family="fam", Key="a/b", Val="1"))["Message"] == (
            "Updated database successfully")
        await c.one("DBPut", Family="fam", Key="c", Val="2")
        assert (await c.one("DBPut", Key="x"))["Message"] == "No family specified"
        got = await c.ask("DBGet", 3, ActionID="g", Family="fam", Key="a/b")
        assert got[0]["EventList"] == "start" and got[0]["Message"] == "Result will follow"
        assert got[1].fields == (("Event", "DBGetResponse"), ("Family", "fam"), ("Key", "a/b"),
                                 ("Val", "1"), ("ActionID", "g"))
        assert got[2].fields == (("Event", "DBGetComplete"), ("ActionID", "g"),
                                 ("EventList", "Complete"), ("ListItems", "1"))
        missing = await c.one("DBGet", Family="fam", Key="zz")
        assert missing["Message"] == "Database entry not found"
        tree = await c.ask("DBGetTree", 4, Family="fam")
        assert [m.get("Key") for m in tree[1:3]] == ["/fam/a/b", "/fam/c"]
        assert tree[3]["ListItems"] == "2"
        assert (await c.one("DBDel", Family="fam", Key="c"))["Message"] == (
            "Key deleted successfully")
        assert (await c.one("DBDel", Family="fam", Key="c"))["Message"] == (
            "Database entry could not be deleted")
        assert (await c.one("DBDelTree", Family="fam"))["Message"] == (
            "Key tree deleted successfully")
        assert (await c.one("DBDelTree", Family="fam"))["Response"] == "Error"
        assert len(server.pbx.astdb) == 0


def test_userevent_copies_headers(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        got = await c.ask("UserEvent", 2, ActionID="u1", UserEvent="Mine", H1="v: 1", H2="")
        assert got[0]["Message"] == "Event Sent"
        assert got[1].fields == (("Event", "UserEvent"), ("Privilege", "user,all"),
                                 ("UserEvent", "Mine"), ("ActionID", "u1"), ("H1", "v: 1"),
                                 ("H2", ""))


# --- calls -------------------------------------------------------------------------------


def test_async_originate_event_sequence_and_status(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        r = await c.one("Originate", ActionID="o1", Channel="Local/s@park", Context="park",
                        Exten="s", Priority="1", CallerID='"Bob" <200>', Async="yes",
                        Variable="A=1,B=2")
        assert r["Message"] == "Originate successfully queued"
        for _ in range(50):
            await c.settle()
            if c.events("OriginateResponse"):
                break
        resp = c.events("OriginateResponse")[0]
        assert [n for n, _ in resp.fields] == [
            "Event", "Privilege", "ActionID", "Response", "Channel", "Context", "Exten",
            "Reason", "Uniqueid", "CallerIDNum", "CallerIDName"]
        assert resp["Response"] == "Success" and resp["Reason"] == "4"
        assert resp["CallerIDName"] == "Bob"
        names = [e.name for e in c.events()]
        assert names[2: names.index("OriginateResponse") + 1] == [
            "Newchannel", "Newchannel", "Newexten", "VarSet", "VarSet", "NewCallerid",
            "NewConnectedLine", "VarSet", "VarSet", "NewCallerid", "NewConnectedLine",
            "LocalBridge", "DialBegin", "Newexten", "Newstate", "DeviceStateChange", "Newstate",
            "DialEnd", "DeviceStateChange", "OriginateResponse"]
        # ;1 runs the park context (Answer, Wait(100)): it stays up.
        channels = await c.ask("CoreShowChannels", 4, ActionID="l")
        assert channels[0]["Message"] == "Channels will follow"
        items = [m for m in channels if m.name == "CoreShowChannel"]
        assert len(items) == 2 and items[0]["ActionID"] == "l"
        assert channels[-1]["ListItems"] == "2"
        status = await c.ask("Status", 4, ActionID="s", Variables="A")
        assert status[1].fields[:2] == (("Event", "Status"), ("Privilege", "Call"))
        assert status[1]["Variable"] == "A=1" and status[1].fields[-1] == ("ActionID", "s")
        assert status[-1]["Items"] == "2"
        one = next(ch for ch in server.pbx.registry if ch.name.endswith(";1"))
        assert one.application == "Echo" and one.context == "park"
        core = await c.one("Command", Command="core show channels")
        assert core.output[-3:] == ("2 active channels", "1 active call", "1 call processed")
        hung = await c.one("Hangup", Channel=one.name)
        assert hung["Message"] == "Channel Hungup"
        await c.settle()
        assert len(server.pbx.registry) == 0
        assert [e["Cause-txt"] for e in c.events("Hangup")] == ["Normal Clearing"] * 2


def test_sync_originate_and_failures(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login(Events="off")
        ok = await c.one("Originate", Channel="Local/s@test", Application="Wait", Data="1")
        assert ok["Message"] == "Originate successfully queued"
        busy = await c.one("Originate", Channel="Local/s@busy", Application="Wait", Data="1")
        assert busy["Message"] == "Originate failed"
        nowhere = await c.one("Originate", Channel="Local/nosuch@test", Application="Wait")
        assert nowhere["Message"] == "Originate failed"
        slow = await c.one("Originate", Channel="Local/s@noanswer", Application="Wait",
                           Timeout="5000")
        assert slow["Message"] == "Originate failed"
        assert (await c.one("Originate", Channel="Local/s@test", Timeout="x",
                            Application="Wait"))["Message"] == "Invalid timeout"
        assert (await c.one("Originate", Channel="nochannel", Application="Wait"))[
            "Message"] == "Invalid channel"
        assert (await c.one("Originate", Channel="Local/s@test", Context="test", Exten="zz",
                            Priority="1"))["Message"] == "Extension does not exist."
        assert (await c.one("Originate", Channel="Local/s@test", Context="test", Exten="s",
                            Priority="lbl", Async="1"))["Response"] == "Success"


def test_endpoint_channels(conf: Path) -> None:
    pbx = PBX.from_config_dir(conf)
    pbx.endpoints.update({"PJSIP/busy": "busy", "SIP": "fail", "PJSIP/slow": "noanswer"})

    async def main() -> None:
        server = FakeAMIServer(pbx=pbx, time_scale=0, auth_failure_delay=0)
        try:
            c = Client(server)
            await c.login()
            for chan, reason in (("PJSIP/100", "4"), ("PJSIP/busy", "5"), ("SIP/1", "0"),
                                 ("PJSIP/slow", "3")):
                await c.one("Originate", Channel=chan, Application="Wait", Data="1",
                            Async="true", ActionID=chan, Timeout="1000")
                for _ in range(50):
                    await c.settle()
                    if any(e["ActionID"] == chan for e in c.events("OriginateResponse")):
                        break
                got = next(e for e in c.events("OriginateResponse") if e["ActionID"] == chan)
                assert got["Reason"] == reason, chan
            assert {e["DialStatus"] for e in c.events("DialEnd")} == {"ANSWER", "BUSY",
                                                                       "NOANSWER"}
        finally:
            await server.stop()

    run(main())


def test_redirect_and_regex_hangup(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        await c.one("Originate", Channel="Local/s@park", Application="Echo")
        two = next(ch for ch in server.pbx.registry if ch.name.endswith(";2"))
        assert (await c.one("Redirect", Channel=two.name))["Message"] == "Context not specified"
        assert (await c.one("Redirect", Channel="nope", Context="test", Exten="s",
                            Priority="1"))["Message"] == "Channel does not exist: nope"
        assert (await c.one("Redirect", Channel=two.name, Context="test", Exten="s",
                            Priority="bogus"))["Message"] == "Priority is invalid"
        ok = await c.one("Redirect", Channel=two.name, Context="test", Exten="s",
                         Priority="lbl")
        assert ok["Message"] == "Redirect successful"
        await c.settle(100)
        apps = [e["Application"] for e in c.events("Newexten") if e["Channel"] == two.name]
        assert apps[-2:] == ["Wait", "Hangup"]
        await c.one("Originate", Channel="Local/s@park", Application="Echo")
        got = await c.ask("Hangup", 4, Channel="/park/")
        assert got[0]["Message"] == "Channels hung up will follow"
        assert [m.name for m in got[1:]] == ["ChannelHungup", "ChannelHungup",
                                             "ChannelsHungupListComplete"]
        assert (await c.one("Hangup", Channel="nope"))["Message"] == "No such channel"
        assert (await c.one("Hangup"))["Message"] == "No channel specified"


def test_queue_actions(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        status = await c.ask("QueueStatus", 4, ActionID="q")
        assert [m.name for m in status] == ["Success", "QueueParams", "QueueMember",
                                            "QueueStatusComplete"]
        assert status[1].fields[-1] == ("ActionID", "q")
        assert status[2]["Name"] == "Agent 100" and status[2]["Membership"] == "static"
        assert status[-1]["ListItems"] == "2"  # the events between the ack and the complete
        added = await c.one("QueueAdd", Queue="support", Interface="PJSIP/200",
                            MemberName="Bob")
        assert added["Message"] == "Added interface to queue"
        again = await c.one("QueueAdd", Queue="support", Interface="PJSIP/200")
        assert again["Message"] == "Unable to add interface: Already there"
        assert (await c.one("QueueAdd", Queue="none", Interface="x"))["Message"] == (
            "Unable to add interface to queue: No such queue")
        paused = await c.one("QueuePause", Interface="PJSIP/200", Paused="true",
                             Reason="lunch")
        assert paused["Message"] == "Interface paused successfully"
        summary = await c.ask("QueueSummary", 3)
        assert summary[1]["LoggedIn"] == "2" and summary[1]["Available"] == "1"
        assert summary[-1]["ListItems"] == "1"
        assert (await c.one("QueueRemove", Queue="support",
                            Interface="Local/100@members/n"))["Message"] == "Member not dynamic"
        assert (await c.one("QueueRemove", Queue="support", Interface="PJSIP/200"))[
            "Message"] == "Removed interface from queue"
        await c.settle()
        assert [e.name for e in c.events() if e.name.startswith("QueueMember") and e.name !=
                "QueueMember"] == [
            "QueueMemberAdded", "QueueMemberPause", "QueueMemberRemoved"]
        assert c.events("QueueMemberPause")[0]["PausedReason"] == "lunch"


def test_config_actions(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        got = await c.one("GetConfig", Filename="queues.conf")
        assert got.fields[1:] == (("Category-000000", "support"),
                                  ("Line-000000-000000", "strategy=ringall"),
                                  ("Line-000000-000001",
                                   "member=Local/100@members/n,0,Agent 100"))
        js = await c.one("GetConfigJSON", Filename="queues.conf")
        assert js["JSON"].startswith('{"support":{"strategy":"ringall"')
        cats = await c.one("ListCategories", Filename="manager.conf")
        assert cats["Category-000000"] == "general"
        assert (await c.one("GetConfig", Filename="nope.conf"))["Message"] == (
            "Config file not found")
        assert (await c.one("GetConfig", Filename="/etc/passwd"))["Message"] == (
            "File requires escalated privileges")
        none = await c.one("GetConfig", Filename="queues.conf", Category="zzz")
        assert none.bare_lines == ((1, "No categories found"),)
        upd = await c.one("UpdateConfig", SrcFilename="queues.conf", DstFilename="queues.conf",
                          **{"Action-000000": "Update", "Cat-000000": "support",
                             "Var-000000": "strategy", "Value-000000": "leastrecent",
                             "Action-000001": "NewCat", "Cat-000001": "sales",
                             "Action-000002": "Append", "Cat-000002": "sales",
                             "Var-000002": "strategy", "Value-000002": "ringall"},
                          Reload="yes")
        assert upd.fields == (("Response", "Success"),)
        text = (conf / "queues.conf").read_text()
        assert "strategy = leastrecent" in text or "strategy=leastrecent" in text
        assert "[sales]" in text
        assert server.pbx.queues.get("sales") is not None
        bad = await c.one("UpdateConfig", SrcFilename="queues.conf", DstFilename="q2.conf",
                          **{"Action-000000": "Update", "Cat-000000": "nocat",
                             "Var-000000": "x", "Value-000000": "y"})
        assert bad["Message"] == "Given category does not exist"
        bad = await c.one("UpdateConfig", SrcFilename="queues.conf")
        assert bad["Message"] == "Filename not specified"


def test_not_emulated_action_is_reported(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        r = await c.one("MixMonitor", Channel="x", File="y")
        assert r.fields[0] == ("Response", "Error")
        assert r["Message"] == "Action 'MixMonitor' is not emulated by pyst-sim"
        with pytest.raises(ExpectationError, match="MixMonitor"):
            server.check()
        server.clear(sessions=False, state=False)
        server.check()


# --- scripting -----------------------------------------------------------------------------


def test_expectations_kinds_replies_and_check(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        server.expect_action("Ping").respond_with(Ping="Scripted")
        server.expect_oneshot_action("Originate", Channel=re.compile(r"Local/\d+@.*")) \
            .respond_with(Message="Originate successfully queued") \
            .then_emit("OriginateResponse", ActionID=ECHO, Response="Success", Reason="4") \
            .then_send("Private", Note=lambda a: a["Channel"])
        server.expect_ordered_action("UserEvent", UserEvent="first")
        server.expect_ordered_action("UserEvent", UserEvent="second").respond_with_error("no")
        assert (await c.one("Ping"))["Ping"] == "Scripted"
        assert (await c.one("Ping"))["Ping"] == "Scripted"  # permanent
        got = await c.ask("Originate", 3, ActionID="o", Channel="Local/100@x")
        assert [m.name for m in got] == ["Success", "Private", "OriginateResponse"]
        assert got[1]["Note"] == "Local/100@x"
        assert got[2]["ActionID"] == "o" and got[2]["Privilege"] == "call,all"
        # Oneshot used: the next Originate goes to the built-in emulation.
        fallback = await c.one("Originate", Channel="Local/100@x", Application="Wait")
        assert fallback["Message"] == "Originate failed"
        # Out of order: "second" before "first".
        bad = await c.one("UserEvent", UserEvent="second")
        assert bad["Message"].startswith("pyst-sim: action out of order")
        first = await c.ask("UserEvent", 2, UserEvent="first")  # passes through: built-in
        assert first[0]["Message"] == "Event Sent"
        with pytest.raises(ExpectationError) as info:
            server.check()
        text = str(info.value)
        assert "arrived out of order" in text
        assert "- UserEvent: first" in text and "+ UserEvent: second" in text
        sources = [x.source for x in server.log if x.action.name == "Ping"]
        assert sources == ["expectation", "expectation"]
        assert [a["Ping"] for a in [x.response for x in server.log if x.action.name == "Ping"]
                if a is not None] == ["Scripted", "Scripted"]


def test_unmet_and_unexpected_show_closest_and_diff(conf: Path) -> None:
    @scenario(conf, require_expectations=True)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        server.expect_oneshot_action("Setvar", Variable="A", Value=ANY_VALUE)
        server.expect_oneshot_action("Hangup", Channel=None)
        await c.one("Setvar", Variable="B", Value="1")
        with pytest.raises(ExpectationError) as info:
            server.check()
        text = str(info.value)
        assert "unexpected action" in text and "Variable: B" in text
        assert "closest: <oneshot expectation Setvar(Variable=A, Value=ANY_VALUE)" in text
        assert "  - Variable: A\n  + Variable: B" in text
        assert "unmet: <oneshot expectation Hangup(Channel=(absent))" in text
        assert isinstance(info.value, AssertionError)


def test_respond_with_messages_lists_and_handlers(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        server.expect_action("Agents").respond_with_list(
            "Agents", [{"Agent": "1"}, {"Agent": "2"}], message="Agents will follow",
            complete="AgentsComplete")
        got = await c.ask("Agents", 4, ActionID="ag")
        assert [m.get("Agent") for m in got[1:3]] == ["1", "2"]
        assert got[3].fields == (("Event", "AgentsComplete"), ("ActionID", "ag"),
                                 ("EventList", "Complete"), ("ListItems", "2"))
        server.expect_action("MixMonitor").respond_with(
            Response.make("Success", Message="Started"))
        got = await c.ask("MixMonitor", ActionID="m")
        assert got[0].fields == (("Response", "Success"), ("ActionID", "m"),
                                 ("Message", "Started"))
        server.expect_action("StopMixMonitor").respond_with_handler(
            lambda session, action: [Response.make("Success", ActionID=action.action_id or "",
                                                   Session=str(session.id))])
        got = await c.ask("StopMixMonitor", ActionID="s")
        assert got[0]["Session"] == str(c.session.id)
        server.expect_action("Park").respond_with(Message="later").then_wait(0.5).then_close()
        await c.ask("Park")
        await c.settle(50)
        assert c.closed
        server.check()


def test_responders_chain(conf: Path) -> None:
    class Mine:
        def __init__(self) -> None:
            self.seen: list[str] = []

        def respond(self, session: AMISession, action: Action) -> Any:
            self.seen.append(action.name)
            if action.name == "Login":
                return [Response.make("Success", ActionID=action.action_id or "x",
                                      Message="Authentication accepted")]
            if action.name == "Ping":
                return [Response.make("Success", Ping="Responder"),
                        Broadcast(Event.make("UserEvent", UserEvent="fromresponder")),
                        Delay(0.1)]
            if action.name == "Later":
                async def later() -> Any:
                    await asyncio.sleep(0)
                    return [Response.make("Success", Message="async")]
                return later()
            if action.name == "Logoff":
                return [Response.make("Goodbye", Message="bye")]
            return None

    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        mine = Mine()
        server.add_responder(mine)
        c = Client(server)
        await c.one("Login", Username="anyone", Secret="whatever")
        assert c.session.authenticated and c.session.username == "anyone"
        got = await c.ask("Ping", 2)
        assert got[0]["Ping"] == "Responder" and got[1]["UserEvent"] == "fromresponder"
        assert (await c.one("Later"))["Message"] == "async"
        assert (await c.one("CoreStatus"))["CoreCurrentCalls"] == "0"  # not mine: built-in
        assert (await c.one("Logoff"))["Message"] == "bye"
        await c.settle()
        assert c.closed
        assert server.responders == [mine]
        server.remove_responder(mine)
        assert server.responders == []


def test_clear_resets_state_and_sessions(conf: Path) -> None:
    @scenario(conf)
    async def _(server: FakeAMIServer) -> None:
        c = Client(server)
        await c.login()
        await c.one("DBPut", Family="f", Key="k", Val="v")
        await c.one("Setvar", Variable="G1", Value="changed")
        await c.one("Originate", Channel="Local/s@park", Application="Echo")
        server.expect_oneshot_action("Ping")
        server.clear()
        await c.settle()
        assert c.closed
        assert len(server.pbx.astdb) == 0 and server.pbx.globals["G1"] == "one"
        assert len(server.pbx.registry) == 0
        assert server.expectations == [] and server.log == []
        server.check()


def test_options_timestampevents_systemname_disabledevents_channelvars(tmp_path: Path) -> None:
    (tmp_path / "manager.conf").write_text(
        "[general]\ntimestampevents = yes\ndisabledevents = Newstate\nchannelvars = FOO,BAR\n"
        "[admin]\nsecret = s\nread = all\nwrite = all\n")
    (tmp_path / "extensions.conf").write_text("[c]\nexten => s,1,Wait(100)\n")

    async def main() -> None:
        server = FakeAMIServer(tmp_path, time_scale=0, auth_failure_delay=0)
        server.pbx.identity = type(server.pbx.identity)(system_name="box")
        try:
            c = Client(server)
            await c.login("admin", "s")
            await c.one("Originate", Channel="Local/s@c", Application="Echo",
                        Variable="FOO=x", Async="1")
            await c.settle(50)
            new = c.events("Newchannel")[0]
            names = [n for n, _ in new.fields]
            assert names[:4] == ["Event", "Privilege", "Timestamp", "SystemName"]
            assert names[-2:] == ["ChanVariable", "ChanVariable"]
            assert c.events("Newstate") == []
        finally:
            await server.stop()

    run(main())


def test_users_argument_and_default_user() -> None:
    async def main() -> None:
        server = FakeAMIServer(users={"bob": {"secret": "b", "read": "call", "write": "call"},
                                      "eve": "e"}, time_scale=0, auth_failure_delay=0)
        try:
            c = Client(server)
            await c.login("bob", "b")
            assert c.session.read_mask == 2
            d = Client(server)
            await d.login("eve", "e")
            assert d.session.write_mask != 0
        finally:
            await server.stop()
        plain = FakeAMIServer(time_scale=0)
        assert plain.pbx.user("admin") is not None

    run(main())


def test_virtual_time_orders_timers() -> None:
    async def main() -> list[str]:
        server = FakeAMIServer(time_scale=0)
        server._loop = asyncio.get_running_loop()
        order: list[str] = []

        async def after(seconds: float, tag: str) -> None:
            await server.sleep(seconds)
            order.append(tag)

        timer = server.call_later(1.5, lambda: order.append("cancelled"))
        timer.cancel()
        await asyncio.gather(after(3, "c"), after(1, "a"), after(2, "b"))
        return order

    assert run(main()) == ["a", "b", "c"]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        FakeAMIServer(time_scale=-1)
