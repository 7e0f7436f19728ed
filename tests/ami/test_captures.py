"""Real Asterisk 22.10.1 traffic (shared/captures) through both roles of the core.

Asterisk -> client bytes (s2c) go through the CLIENT role, client -> Asterisk bytes (c2s)
through the SERVER role; each stream whole, one byte at a time, and in the chunks that were
really received. Every blank-line-terminated block must come out as one message, and writing
the messages back must give the exact stream.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pyst.ami.messages import Action, Banner, Event, Message, Response
from pyst.ami.protocol import CLIENT, SERVER, AMIConnection, ConnectionClosed, ReceivedEvent
from pyst_sim.captures import Capture, find_shared_dir, load_capture

AMI_CAPTURES = [
    "a1_login_success_logoff",
    "a2_login_failure",
    "b1_ping_coresettings_corestatus",
    "c1_command",
    "d1_getvar_setvar",
    "e1_originate_local_playback",
    "h1_errors",
    "i1_userevent",
    "j1_fastagi_ami_side",
]


def _load(shared_dir: Path, name: str) -> Capture:
    return load_capture(shared_dir / "captures" / f"{name}.jsonl")


def _connections() -> list[tuple[str, str]]:
    # Parametrise by connection at collection time; without ../shared the tests still collect
    # (one "c1" each) and the shared_dir fixture skips them.
    shared = find_shared_dir(Path(__file__).resolve().parent)
    out = []
    for name in AMI_CAPTURES:
        conns = ["c1"]
        if shared is not None:
            conns = load_capture(shared / "captures" / f"{name}.jsonl").connections()
        out.extend((name, conn) for conn in conns)
    return out


CONNECTIONS = _connections()


def _blocks(stream: bytes) -> list[bytes]:
    """Blank-line-terminated blocks, found independently of the parser: line by line."""
    blocks, current = [], b""
    for line in re.findall(rb"[^\n]*\n", stream):
        current += line
        if line in (b"\r\n", b"\n"):
            blocks.append(current)
            current = b""
    assert current == b"", "capture streams end on a message boundary"
    return blocks


def _parse(role: object, chunks: list[bytes]) -> list[ReceivedEvent]:
    conn = AMIConnection(CLIENT if role == "client" else SERVER)
    out: list[ReceivedEvent] = []
    for chunk in chunks:
        out += conn.receive(chunk)
    out += conn.receive(b"")
    assert out[-1] == ConnectionClosed(b"")
    return out[:-1]


def _three_ways(role: str, chunks: list[bytes]) -> list[ReceivedEvent]:
    stream = b"".join(chunks)
    whole = _parse(role, [stream])
    assert _parse(role, [bytes([b]) for b in stream]) == whole
    assert _parse(role, chunks) == whole
    return whole


def _rewrite(message: ReceivedEvent, original: bytes) -> bytes:
    assert isinstance(message, (Banner, Message))
    if isinstance(message, Banner):
        return message.to_bytes()
    eol = "\r\n" if original.endswith(b"\r\n\r\n") or original == b"\r\n" else "\n"
    return message.to_bytes(eol=eol)


@pytest.mark.parametrize(("name", "conn"), CONNECTIONS)
def test_s2c_through_the_client_role(shared_dir: Path, name: str, conn: str) -> None:
    cap = _load(shared_dir, name)
    chunks = cap.chunks(conn, "s2c")
    stream = b"".join(chunks)
    messages = _three_ways("client", chunks)
    banner_end = stream.index(b"\n") + 1
    blocks = _blocks(stream[banner_end:])
    assert messages[0] == Banner("Asterisk Call Manager/11.0.0")
    assert len(messages) == 1 + len(blocks)
    assert all(isinstance(m, (Response, Event)) for m in messages[1:])
    # Each message written back gives its exact bytes; all together, the exact stream.
    rewritten = [_rewrite(m, b) for m, b in zip(messages[1:], blocks, strict=True)]
    assert rewritten == blocks
    assert messages[0].to_bytes() + b"".join(rewritten) == stream  # type: ignore[union-attr]
    # And from the fields alone (no received lines kept), wherever no value starts with a
    # blank (Asterisk's reader drops those blanks; indented CLI lines do).
    for message, block in zip(messages[1:], blocks, strict=True):
        assert isinstance(message, Message)
        rebuilt = type(message)(message.fields, bare_lines=message.bare_lines)
        if b":  " not in block and b":\t" not in block:
            assert rebuilt.to_bytes() == block
        assert rebuilt == message


@pytest.mark.parametrize(("name", "conn"), CONNECTIONS)
def test_c2s_through_the_server_role(shared_dir: Path, name: str, conn: str) -> None:
    cap = _load(shared_dir, name)
    chunks = cap.chunks(conn, "c2s")
    stream = b"".join(chunks)
    messages = _three_ways("server", chunks)
    blocks = _blocks(stream)
    assert len(messages) == len(blocks)
    assert all(type(m) is Action for m in messages)
    assert [_rewrite(m, b) for m, b in zip(messages, blocks, strict=True)] == blocks


def _s2c(shared_dir: Path, name: str, conn: str = "c1") -> list[ReceivedEvent]:
    return _parse("client", _load(shared_dir, name).chunks(conn, "s2c"))


def _c2s(shared_dir: Path, name: str, conn: str = "c1") -> list[ReceivedEvent]:
    return _parse("server", _load(shared_dir, name).chunks(conn, "c2s"))


def test_banner_version(shared_dir: Path) -> None:
    banner = _s2c(shared_dir, "a1_login_success_logoff")[0]
    assert isinstance(banner, Banner)
    assert banner.text == "Asterisk Call Manager/11.0.0"
    assert banner.version == "11.0.0"


def test_c1_command_output(shared_dir: Path) -> None:
    msgs = _s2c(shared_dir, "c1_command")
    by_id = {m.action_id: m for m in msgs if isinstance(m, Response)}
    version = by_id["c1-002"]
    assert isinstance(version, Response)
    assert version.message == "Command output follows"
    assert version.output == (
        "Asterisk 22.10.1 built by root @ vm on a x86_64 running Linux on 2026-11-28 21:34:44 UTC",
    )
    channels = by_id["c1-003"]
    assert isinstance(channels, Response)
    assert channels.output[1:] == ("0 active channels", "0 active calls", "0 calls processed")
    assert channels.output[0].startswith("Channel ") and channels.output[0].endswith("  ")
    unknown = by_id["c1-004"]
    assert isinstance(unknown, Response) and unknown.is_error
    assert unknown.output[0].startswith("No such command 'foo bar baz'")
    dialplan = by_id["c1-005"]
    assert isinstance(dialplan, Response)
    out = dialplan.output
    assert out[0] == "[ Context 'playback-test' created by 'pbx_config' ]"
    assert out[1].startswith("  's' =>            1. Answer()")  # indentation kept
    assert out[2].startswith("                    2. Wait(1)")
    assert out[5] == ""  # "Output: " is an empty CLI line
    assert out[6] == "-= 1 extension (4 priorities) in 1 context. =-"
    assert len(out) == 7
    missing = by_id["c1-006"]
    assert isinstance(missing, Response) and missing.message == "No command provided"


def test_h1_unusual_client_bytes(shared_dir: Path) -> None:
    actions = _c2s(shared_dir, "h1_errors")
    by_id = {a.action_id: a for a in actions if isinstance(a, Action)}
    lf_only = by_id["lf-only-1"]
    assert isinstance(lf_only, Action)
    assert lf_only.name == "Ping"
    assert lf_only.fields == (("Action", "Ping"), ("ActionID", "lf-only-1"))
    lower = by_id["lower-1"]
    assert isinstance(lower, Action) and lower.name == "ping" and lower.get("ActionID") == "lower-1"
    no_action = by_id["noaction-1"]
    assert isinstance(no_action, Action) and no_action.name == "" and no_action["Foo"] == "bar"
    empty = by_id["emptyaction-1"]
    assert isinstance(empty, Action) and empty.name == "" and empty.get("Action") == ""


def test_e1_originate_response_is_an_event(shared_dir: Path) -> None:
    msgs = _s2c(shared_dir, "e1_originate_local_playback")
    (orig,) = [m for m in msgs if isinstance(m, Event) and m.name == "OriginateResponse"]
    assert isinstance(orig, Event)
    assert orig.action_id == "c1-002"
    assert orig["Response"] == "Success" and orig["Reason"] == "4"
    assert [m.name for m in msgs if isinstance(m, Event)][:2] == ["FullyBooted", "SuccessfulAuth"]


def test_d1_empty_values(shared_dir: Path) -> None:
    msgs = _s2c(shared_dir, "d1_getvar_setvar")
    by_id = {m.action_id: m for m in msgs if isinstance(m, Response)}
    assert by_id["c1-006"]["Value"] == ""
    assert by_id["c1-004"]["Value"] == "hello world"
    assert by_id["c1-009"]["Variable"] == "STRFTIME(0,UTC,%Y)"
    setvar = _c2s(shared_dir, "d1_getvar_setvar")[4]
    assert isinstance(setvar, Action) and setvar.get("Value") == ""


def test_i1_userevent_headers(shared_dir: Path) -> None:
    msgs = _s2c(shared_dir, "i1_userevent")
    user = [m for m in msgs if isinstance(m, Event) and m.name == "UserEvent"]
    assert user[0]["Header2"] == "value: with colon"
    assert user[0]["Header3"] == ""
    assert user[0].action_id == "c1-002"
    assert user[1]["UserEvent"] == "" and user[1].action_id == "c1-003"


def test_a2_two_connections_both_refused(shared_dir: Path) -> None:
    for conn in ("c1", "c2"):
        msgs = _s2c(shared_dir, "a2_login_failure", conn)
        assert isinstance(msgs[1], Response)
        assert msgs[1].is_error and msgs[1].message == "Authentication failed"


def test_b1_ping_without_action_id(shared_dir: Path) -> None:
    msgs = _s2c(shared_dir, "b1_ping_coresettings_corestatus")
    pings = [m for m in msgs if isinstance(m, Response) and m.get("Ping") == "Pong"]
    assert [p.action_id for p in pings] == ["c1-002", None]
    settings = next(m for m in msgs if isinstance(m, Response) and "AMIversion" in m)
    assert settings["SystemName"] == "" and settings["AMIversion"] == "11.0.0"
