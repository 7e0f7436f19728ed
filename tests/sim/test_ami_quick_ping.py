"""The fake's quick Ping: answered from the wire bytes, as the general chain answers it.

The session answers a Ping in its usual layout without the chain (no fields split, no
respond()) when nothing scripted could answer first. Whatever bytes a client sends, the
reply and the log entry must be those of the general path, which a pass-through responder
forces (a registered responder turns the quick path off).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyst.ami.messages import Action, Response
from pyst_sim.ami_server import AMISession, FakeAMIServer
from tests.sim.test_ami_server import Client, run

MANAGER_CONF = "[admin]\nsecret = secret\nread = all\nwrite = all\n"
_STAMP = re.compile(rb"Timestamp: \d+\.\d{6}\r\n")


class PassThrough:
    """A responder that answers nothing: the chain goes on to the builtin PBX."""

    def respond(self, session: AMISession, action: Action) -> None:
        return None


def _conf(tmp: Path) -> Path:
    (tmp / "manager.conf").write_text(MANAGER_CONF)
    return tmp


async def _exchange(server: FakeAMIServer, client: Client, data: bytes) -> tuple[bytes, Any]:
    """Send ``data``; the bytes written back (timestamps masked) and the last log entry."""
    before = len(client.transport.data)
    client.send(data)
    await client.settle(3)
    written = bytes(client.transport.data[before:])
    last = server.log[-1]
    return _STAMP.sub(b"Timestamp: T\r\n", written), last


def _same_entry(quick: Any, general: Any) -> None:
    assert quick.action == general.action
    assert quick.action.to_bytes() == general.action.to_bytes()
    assert quick.source == general.source == "builtin"
    assert (quick.session, quick.username) == (general.session, general.username)
    assert len(quick.replies) == len(general.replies) == 1
    q, g = quick.replies[0], general.replies[0]
    assert type(q) is type(g) is Response
    if q.get("Ping") is not None:
        assert q.get("Timestamp") and g.get("Timestamp")
    strip = [f for f in q.fields if f[0] != "Timestamp"]
    assert strip == [f for f in g.fields if f[0] != "Timestamp"]
    assert [f[0] for f in q.fields] == [f[0] for f in g.fields]


def _compare(tmp: Path, blocks: list[bytes]) -> int:
    """Send each block to a quick server and to one with the general path; both answer and
    log the same. Returns how many blocks the quick path could take."""
    taken = 0

    async def main() -> None:
        nonlocal taken
        quick = FakeAMIServer(_conf(tmp), time_scale=0, auth_failure_delay=0)
        general = FakeAMIServer(_conf(tmp), time_scale=0, auth_failure_delay=0)
        general.add_responder(PassThrough())
        try:
            qc, gc = Client(quick), Client(general)
            await qc.login(Events="off")
            await gc.login(Events="off")
            for block in blocks:
                taken += quick._builtin.quick_ping(block[:-4]) is not None
                q_bytes, q_entry = await _exchange(quick, qc, block)
                g_bytes, g_entry = await _exchange(general, gc, block)
                assert q_bytes == g_bytes, block
                _same_entry(q_entry, g_entry)
            assert quick.problems == general.problems == []
        finally:
            await quick.stop()
            await general.stop()

    run(main())
    return taken


NAMES = st.sampled_from([b"Ping", b"ping", b"PING", b"pInG", b"Ping ", b"Pong", b"Pin", b""])
BLANKS = st.sampled_from([b" ", b"", b"\t", b"  ", b" \t", b"\x01", b" \x0b"])
ID_NAMES = st.sampled_from([b"ActionID", b"actionid", b"ActionId", b"Action-ID"])
ID_VALUES = st.one_of(
    st.sampled_from([b"", b"1", b"abc 42", b"x\ry", b"\xff\xfe", b" lead", b"trail ", b"\x7f"]),
    st.binary(max_size=12).filter(lambda b: b"\n" not in b and b"\0" not in b),
)


@st.composite
def ping_blocks(draw: st.DrawFn) -> bytes:
    raw = b"Action:" + draw(BLANKS) + draw(NAMES)
    if draw(st.booleans()):
        raw += b"\r\n" + draw(ID_NAMES) + b":" + draw(BLANKS) + draw(ID_VALUES)
    if draw(st.integers(0, 5)) == 0:
        raw += b"\r\nX-Extra: 1"
    return raw + b"\r\n\r\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ping_blocks(), min_size=1, max_size=6))
def test_any_ping_like_block_is_answered_and_logged_as_the_general_path(
    tmp_path_factory: Any, blocks: list[bytes]
) -> None:
    _compare(tmp_path_factory.mktemp("conf"), blocks)


def test_the_usual_layouts_take_the_quick_path_and_match(tmp_path: Path) -> None:
    usual = [
        b"Action: Ping\r\nActionID: 1\r\n\r\n",
        b"Action: ping\r\n\r\n",
        b"Action:PING\r\nActionID:\t\xffid\r\n\r\n",
        b"Action: Ping\r\nActionID: \r\n\r\n",  # an empty id: no ActionID in the reply
        b"Action: Ping\r\nActionID: with spaces \r\n\r\n",
    ]
    assert _compare(tmp_path, usual) == len(usual)


def test_other_layouts_are_left_to_the_general_path(tmp_path: Path) -> None:
    others = [
        b"action: Ping\r\nActionID: 1\r\n\r\n",  # header names as Asterisk compares them
        b"Action: Ping\r\nactionid: 1\r\n\r\n",
        b"Action: Ping \r\n\r\n",  # not a Ping to Asterisk either
        b"Action: \x01Ping\r\n\r\n",  # a blank Asterisk skips, the pattern does not
        b"Action: Ping\r\nActionID: \x01x\r\n\r\n",
        b"Action: Ping\r\nActionID: a\rb\r\n\r\n",
        b"Action: Ping\r\nActionID: 1\r\nX: y\r\n\r\n",
        b"ActionID: 1\r\nAction: Ping\r\n\r\n",
    ]
    assert _compare(tmp_path, others) == 0


def _serve(tmp: Path, body: Callable[[FakeAMIServer, Client], Awaitable[None]],
           *responders: Any, login: bool = True) -> None:
    """Run ``body(server, client)`` with a fresh server (and ``responders``) and a client."""

    async def main() -> None:
        server = FakeAMIServer(_conf(tmp), time_scale=0, auth_failure_delay=0)
        for responder in responders:
            server.add_responder(responder)
        try:
            client = Client(server)
            if login:
                await client.login(Events="off")
            await body(server, client)
        finally:
            await server.stop()

    run(main())


def test_pipelined_pings_are_answered_in_order_with_their_ids(tmp_path: Path) -> None:
    async def body(server: FakeAMIServer, c: Client) -> None:
        c.send(b"".join(b"Action: Ping\r\nActionID: p%d\r\n\r\n" % i for i in range(50)))
        await c.settle(3)
        replies = [m for m in c.messages if isinstance(m, Response)][1:]
        assert [r.get("ActionID") for r in replies] == [f"p{i}" for i in range(50)]
        assert {r.get("Ping") for r in replies} == {"Pong"}
        logged = server.log[-50:]
        assert [e.action.get("ActionID") for e in logged] == [f"p{i}" for i in range(50)]

    _serve(tmp_path, body)


def test_no_quick_answer_when_something_scripted_may_answer(tmp_path: Path) -> None:
    async def body(server: FakeAMIServer, c: Client) -> None:
        server.expect_action("Ping").respond_with(Ping="Scripted")
        reply = await c.one("Ping", ActionID="s1")
        assert (reply.get("Ping"), reply.get("ActionID")) == ("Scripted", "s1")

    _serve(tmp_path, body)


def test_no_quick_answer_before_login(tmp_path: Path) -> None:
    async def body(server: FakeAMIServer, c: Client) -> None:
        reply = await c.one("Ping", ActionID="early")
        assert (reply.get("Response"), reply.get("Message")) == ("Error", "Permission denied")

    _serve(tmp_path, body, login=False)


class ScriptedPing:
    """A responder that answers Ping itself (as a cassette does)."""

    def respond(self, session: AMISession, action: Action) -> list[Response] | None:
        if (action.name or "").lower() != "ping":
            return None
        return [Response.make("Success", ActionID=action.action_id, Ping="FromResponder")]


def test_no_quick_answer_when_a_responder_may_answer(tmp_path: Path) -> None:
    async def body(server: FakeAMIServer, c: Client) -> None:
        reply = await c.one("Ping", ActionID="r1")
        assert (reply.get("Ping"), reply.get("ActionID")) == ("FromResponder", "r1")

    _serve(tmp_path, body, ScriptedPing())
