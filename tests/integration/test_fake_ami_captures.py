"""Real Asterisk 22.10.1 traffic replayed against the fake AMI server.

For every AMI connection of every capture in ``shared/captures``, the client's bytes are sent
to a :class:`FakeAMIServer` loaded with ``shared/captures/config``, one recorded client chunk
at a time; after each chunk we read as many messages as real Asterisk sent before the
client's next chunk, then compare them structurally with what Asterisk sent: message kinds
and names in order, header names in order, and values, after normalising what differs per
run (uniqueids and linkedids are renamed in order of appearance, so the links between
channels are still checked; channel sequence numbers; timestamps; session ids; ports; the
boot and reload times). Whether the server closes the connection is compared too.
"""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from pyst.ami.messages import Banner, Event, Message, Response
from pyst.ami.protocol import AMIConnection, ConnectionClosed, Role
from pyst_sim.ami_server import FakeAMIServer
from pyst_sim.captures import Capture, load_capture

AMI_FLOWS = [
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

# What varies from run to run (whole values replaced by a placeholder).
_VOLATILE = {
    "timestamp", "uptime", "lastreload", "eventtv", "sessiontv", "sessionid", "localaddress",
    "remoteaddress", "corestartupdate", "corestartuptime", "corereloaddate", "corereloadtime",
    "commandid", "challenge",
}
_SEQ = re.compile(r"-[0-9a-f]{8}(?=;\d|$)")
_UNIQUE = re.compile(r"^\d{9,11}\.\d+$")


class _Normaliser:
    def __init__(self) -> None:
        self.ids: dict[str, str] = {}

    def value(self, name: str, value: str) -> str:
        key = name.lower()
        if key in _VOLATILE:
            return "<volatile>"
        if _UNIQUE.match(value):
            return self.ids.setdefault(value, f"<id{len(self.ids)}>")
        return _SEQ.sub("-<seq>", value)

    def message(self, msg: Message) -> tuple[str, tuple[tuple[str, str], ...]]:
        kind = type(msg).__name__
        return kind, tuple((n, self.value(n, v)) for n, v in msg.fields)


def _split(capture: Capture, conn: str) -> list[tuple[bytes, int]]:
    """Each client chunk with the number of messages Asterisk sent before the next one."""
    out: list[tuple[bytes, int]] = []
    parser = AMIConnection(Role.CLIENT)
    pending = 0
    for rec in capture.records:
        if rec.type != "data" or rec.conn != conn:
            continue
        if rec.dir == "c2s":
            if out:
                out[-1] = (out[-1][0], pending)
            out.append((rec.data, 0))
            pending = 0
        else:
            pending += sum(
                1 for m in parser.receive(rec.data) if isinstance(m, (Response, Event, Message))
                and not isinstance(m, Banner)
            )
    if out:
        out[-1] = (out[-1][0], pending)
    return out


def _expected(capture: Capture, conn: str) -> tuple[list[Message], bool]:
    parser = AMIConnection(Role.CLIENT)
    messages = [m for m in parser.receive(capture.stream(conn, "s2c"))
                if isinstance(m, Message)]
    closed = any(
        r.type == "close" and r.conn == conn and r.raw.get("by") == "server"
        for r in capture.records
    )
    return messages, closed


async def _replay_connection(
    server: FakeAMIServer, capture: Capture, conn: str
) -> tuple[list[Message], bool]:
    reader, writer = await asyncio.wait_for(asyncio.open_connection(*server.address), 5)
    parser = AMIConnection(Role.CLIENT)
    got: list[Message] = []
    closed = False

    async def read_until(count: int) -> None:
        nonlocal closed
        while len(got) < count and not closed:
            data = await asyncio.wait_for(reader.read(65536), 5)
            for event in parser.receive(data):
                if isinstance(event, ConnectionClosed):
                    closed = True
                elif isinstance(event, Message):
                    got.append(event)

    try:
        want = 0
        for chunk, replies in _split(capture, conn):
            writer.write(chunk)
            await writer.drain()
            want += replies
            await read_until(want)
        if not closed:
            # Did the server close after the last reply? (Logoff, failed login.)
            try:
                data = await asyncio.wait_for(reader.read(65536), 0.3)
            except asyncio.TimeoutError:
                data = None
            if data == b"":
                closed = True
            elif data:
                for event in parser.receive(data):
                    if isinstance(event, Message):
                        got.append(event)
    finally:
        writer.close()
    return got, closed


async def _fastagi_script(agi_side: Capture, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
    """The FastAGI server of the capture: read the environment block, then send the recorded
    commands one by one, each after the previous reply; half-close at the end, as the capture
    tool did."""
    buffer = b""
    while b"\n\n" not in buffer:
        buffer += await asyncio.wait_for(reader.read(65536), 5)
    buffer = buffer.split(b"\n\n", 1)[1]
    for command in agi_side.chunks("agi", "agi2ast"):
        writer.write(command)
        # A reply ends with a line "NNN ..." (the 520 block ends with "520 End of ...");
        # unsolicited "HANGUP" lines are skipped.
        while True:
            while b"\n" not in buffer:
                buffer += await asyncio.wait_for(reader.read(65536), 5)
            line, _, buffer = buffer.partition(b"\n")
            if re.match(rb"^\d{3} ", line):
                break
    writer.write_eof()
    while await asyncio.wait_for(reader.read(65536), 5):
        pass
    writer.close()


def _run(capture: Capture, config: Path, agi_side: Capture | None = None) -> list[str]:
    """Replay every AMI connection; returns the differences (empty: the flow matches)."""

    async def main() -> list[str]:
        problems: list[str] = []
        async with FakeAMIServer(config, time_scale=0, auth_failure_delay=0) as server:
            fastagi = None
            if agi_side is not None:
                from pyst_sim.ami.agi_bridge import FastAGIRunner

                fastagi = await asyncio.start_server(
                    lambda r, w: _fastagi_script(agi_side, r, w), "127.0.0.1", 0)
                port = fastagi.sockets[0].getsockname()[1]
                server.pbx.agi_runner = FastAGIRunner(
                    redirect={"127.0.0.1:4573": ("127.0.0.1", port)})
                # The capture machine had only beep and digits/* as sounds (captures README).
                server.pbx.strict_sounds = True
            for conn in capture.connections():
                if conn == "agi":
                    continue
                want, want_closed = _expected(capture, conn)
                got, got_closed = await _replay_connection(server, capture, conn)
                norm_a, norm_b = _Normaliser(), _Normaliser()
                expected = [norm_a.message(m) for m in want]
                actual = [norm_b.message(m) for m in got]
                if expected != actual:
                    problems.append(_diff(conn, expected, actual))
                if want_closed != got_closed:
                    problems.append(f"{conn}: server closed: expected {want_closed}, "
                                    f"got {got_closed}")
            if fastagi is not None:
                fastagi.close()
        return problems

    return asyncio.run(asyncio.wait_for(main(), 60))


def _diff(conn: str, expected: list[object], actual: list[object]) -> str:
    import difflib

    def lines(msgs: list[object]) -> list[str]:
        out = []
        for kind, fields in msgs:  # type: ignore[misc]
            out.append(f"[{kind}]")
            out.extend(f"  {n}: {v}" for n, v in fields)
        return out

    diff = difflib.unified_diff(lines(expected), lines(actual), "asterisk", "fake", lineterm="",
                                n=2)
    return f"{conn}:\n" + "\n".join(list(diff)[:80])


@pytest.mark.parametrize("flow", AMI_FLOWS)
def test_capture_flow_matches(flow: str, shared_dir: Path) -> None:
    capture = load_capture(shared_dir / "captures" / f"{flow}.jsonl")
    agi_side = None
    if flow == "j1_fastagi_ami_side":
        # The FastAGI script of the same run drives the AGI the fake's dialplan starts.
        agi_side = load_capture(shared_dir / "captures" / "j1_fastagi_agi_side.jsonl")
    problems = _run(capture, shared_dir / "captures" / "config", agi_side)
    assert not problems, "\n\n".join(problems)


def test_replay_detects_a_difference(shared_dir: Path) -> None:
    """The comparison is not blind: a capture with one changed value no longer matches."""
    from dataclasses import replace

    capture = load_capture(shared_dir / "captures" / "b1_ping_coresettings_corestatus.jsonl")
    records = tuple(
        replace(r, data=r.data.replace(b"CoreCDRenabled: Yes", b"CoreCDRenabled: No"))
        if r.dir == "s2c" else r
        for r in capture.records
    )
    changed = Capture(capture.path, capture.meta, records)
    problems = _run(changed, shared_dir / "captures" / "config")
    assert problems and "CoreCDRenabled" in problems[0]
