"""The hot-path shortcuts give what the general paths give: the SCRIPT role's one-step
``200 result=`` reply, and the command methods' checked ``AGICommand`` construction."""

from __future__ import annotations

import dataclasses

import pytest

from pyst.agi import AGIConnection, AGIEnvironment, AGIReply, Role
from pyst.agi.commands import _line
from pyst.agi.messages import AGICommand, _valid_command
from pyst.agi.protocol import NEED_DATA, State
from pyst.errors import LocalProtocolError, RemoteProtocolError

# (wire, (result, data, extra, text)) as Asterisk means them (PROTOCOL.md §2.3): data runs to
# the last ")" that ends the line or comes before " key=".
REPLIES = [
    (b"200 result=0\n", ("0", None, {}, None)),
    (b"200 result=1 (Local/bench-00000001;2)\n", ("1", "Local/bench-00000001;2", {}, None)),
    (b"200 result=0 endpos=2000\n", ("0", None, {"endpos": "2000"}, None)),
    (b"200 result=-1 (hangup)\n", ("-1", "hangup", {}, None)),
    (b"200 result= (timeout)\n", ("", "timeout", {}, None)),
    (b"200 result=1 ()\n", ("1", "", {}, None)),
    (b"200 result=1 (a) b)\n", ("1", "a) b", {}, None)),
    (b"200 result=1 (a) b) endpos=7 x=y free text\n",
     ("1", "a) b", {"endpos": "7", "x": "y"}, "free text")),
    (b"200 result=1 (\xff\xfe not utf-8)\n", ("1", "\udcff\udcfe not utf-8", {}, None)),
    (b"200 result=\n", ("", None, {}, None)),
    (b"200 result=1 x)\n", ("1", None, {}, "x)")),
]


def awaiting(command: str = "GET VARIABLE X") -> AGIConnection:
    conn = AGIConnection(Role.SCRIPT)
    conn.receive_data(AGIEnvironment.build(request="agi://h/x", channel="PJSIP/1-1").to_bytes())
    conn.next_event()
    conn.send(AGICommand(command))
    return conn


@pytest.mark.parametrize(("wire", "fields"), REPLIES)
@pytest.mark.parametrize("pieces", ["whole", "bytewise", "with the next line"])
def test_reply_fast_path_reads_what_asterisk_means(
    wire: bytes, fields: tuple[str, str | None, dict[str, str], str | None], pieces: str
) -> None:
    conn = awaiting()
    result, data, extra, text = fields
    expected = AGIReply(200, result, data, extra, text)
    if pieces == "bytewise":
        for byte in wire[:-1]:
            conn.receive_data(bytes([byte]))
            assert conn.next_event() is NEED_DATA
        conn.receive_data(wire[-1:])
    else:
        conn.receive_data(wire + (b"HANGUP\n" if pieces == "with the next line" else b""))
    reply = conn.next_event()
    assert reply == expected
    assert isinstance(reply, AGIReply)
    assert reply == AGIReply.parse(wire.decode("utf-8", "surrogateescape"))
    assert reply.raw == wire.decode("utf-8", "surrogateescape") and reply.to_bytes() == wire
    assert conn.state is State.READY and conn.awaiting_reply_to is None
    assert conn.has_pending_input is (pieces == "with the next line")


def test_a_200_line_nobody_asked_for_still_raises() -> None:
    conn = awaiting()
    conn.receive_data(b"200 result=0\n200 result=1\n")
    assert isinstance(conn.next_event(), AGIReply)
    with pytest.raises(RemoteProtocolError, match="READY"):
        conn.next_event()


def test_a_usage_block_still_reads_as_one_reply() -> None:
    conn = awaiting()
    conn.receive_data(b"520-Invalid command syntax.  Proper usage follows:\nUsage: x\n"
                      b"520 End of proper usage.\n")
    reply = conn.next_event()
    assert isinstance(reply, AGIReply) and reply.code == 520 and reply.usage == "Usage: x"


def test_valid_command_is_the_constructors_object() -> None:
    fast, slow = _valid_command("STREAM FILE beep \"\""), AGICommand('STREAM FILE beep ""')
    assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert fast.to_bytes() == slow.to_bytes() and fast.words == slow.words
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.line = "NOOP"  # type: ignore[misc]


@pytest.mark.parametrize("tokens", [("a\nb",), ("a\x00b",)])
def test_line_still_refuses_what_no_command_line_can_carry(tokens: tuple[str, ...]) -> None:
    with pytest.raises(LocalProtocolError):
        _line("STREAM FILE", *tokens)


def test_line_builds_what_the_constructor_builds() -> None:
    assert _line("ANSWER") == AGICommand("ANSWER")
    assert _line("SET VARIABLE", "FOO", '"bar"') == AGICommand('SET VARIABLE FOO "bar"')
    assert type(_line("NOOP")) is AGICommand
