"""``make demo``: the main job, end to end, with nothing but the README's command.

Part 1 reads the real Asterisk 22.10.1 captures with pyst's sans-IO cores and prints a readable
transcript of one AMI session and one FastAGI session, each message with the time its last byte
arrived. (Secrets are masked, as in every wire log of this project.)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from pyst.agi import AGICommand, AGIConnection, AGIEnvironment, AGIReply
from pyst.agi import ConnectionClosed as AGIClosed
from pyst.agi import Hangup as AGIHangupLine
from pyst.agi import Role as AGIRole
from pyst.agi.protocol import Sentinel
from pyst.ami.messages import Banner, Message
from pyst.ami.protocol import NEED_DATA, AMIConnection, ConnectionClosed, Role
from pyst_sim.captures import Capture, find_shared_dir, load_capture

MASKED_HEADERS = {"secret", "key"}


def _fmt_ami(msg: Message | Banner) -> str:
    if isinstance(msg, Banner):
        return f"Banner  {msg.text}"
    kind = type(msg).__name__
    parts = []
    for name, value in msg.fields:
        if name.lower() in MASKED_HEADERS:
            value = "********"
        parts.append(f"{name}: {value}")
    head, rest = (parts[0], parts[1:]) if parts else ("(empty)", [])
    body = "".join(f"\n{'':18}{p}" for p in rest)
    return f"{kind:<8} {head}{body}"


def ami_transcript(cap: Capture, conn: str, out: TextIO) -> int:
    """Print one AMI connection of a capture; returns the number of messages decoded."""
    client_side = AMIConnection(Role.CLIENT)  # reads what Asterisk sent
    server_side = AMIConnection(Role.SERVER)  # reads what the client sent
    count = 0
    for rec in cap.records:
        if rec.type != "data" or rec.conn != conn:
            continue
        reader, arrow = (client_side, "<-") if rec.dir == "s2c" else (server_side, "->")
        reader.receive_data(rec.data)
        while (msg := reader.next_event()) is not NEED_DATA:
            if isinstance(msg, ConnectionClosed):
                break
            count += 1
            out.write(f"{rec.t:8.3f} {arrow} {_fmt_ami(msg)}\n")
    return count


def agi_transcript(cap: Capture, conn: str, out: TextIO) -> int:
    """Print a FastAGI session as the script saw it; returns the number of events decoded."""
    script = AGIConnection(AGIRole.SCRIPT)
    count = 0
    for rec in cap.records:
        if rec.type == "shutdown_wr":
            script.send(AGIClosed())
            out.write(f"{rec.t:8.3f} -> (script half-closes the socket)\n")
            continue
        if rec.type == "close" and rec.conn == conn:
            script.receive_data(b"")
        elif rec.type != "data" or rec.conn != conn:
            continue
        elif rec.dir == "agi2ast":
            for line in rec.data.decode("utf-8", "surrogateescape").splitlines():
                script.send(AGICommand(line))
                out.write(f"{rec.t:8.3f} -> {line}\n")
            continue
        else:
            script.receive_data(rec.data)
        while not isinstance(ev := script.next_event(), Sentinel):
            count += 1
            if isinstance(ev, AGIEnvironment):
                out.write(f"{rec.t:8.3f} <- environment ({len(ev)} variables)\n")
                for name, value in ev.items():
                    out.write(f"{'':12}{name}: {value}\n")
            elif isinstance(ev, AGIReply):
                extra = f"   [usage: {ev.usage.splitlines()[0]}...]" if ev.usage else ""
                line = ev.to_text().splitlines()[-1] if ev.usage else ev.to_text().rstrip("\n")
                out.write(f"{rec.t:8.3f} <- {line}{extra}\n")
            elif isinstance(ev, AGIHangupLine):
                out.write(f"{rec.t:8.3f} <- HANGUP   (Asterisk: the channel hung up)\n")
            elif isinstance(ev, AGIClosed):
                out.write(f"{rec.t:8.3f} <- (Asterisk closed the connection)\n")
                break
    return count


def main(argv: Sequence[str] | None = None, out: TextIO = sys.stdout) -> int:
    parser = argparse.ArgumentParser(prog="python -m pyst_sim.demo", description=__doc__)
    parser.add_argument("--shared", type=Path, default=None, help="the shared/ folder")
    parser.add_argument("--ami", default="b1_ping_coresettings_corestatus", help="AMI capture")
    parser.add_argument("--agi", default="j1_fastagi_agi_side", help="AGI capture")
    args = parser.parse_args(argv)
    shared = args.shared or find_shared_dir(Path(__file__).resolve().parent)
    if shared is None:
        print("demo: the shared/ folder with the captures was not found", file=sys.stderr)
        return 2
    ami = load_capture(shared / "captures" / f"{args.ami}.jsonl")
    out.write(f"=== AMI: {ami.flow} — {ami.meta.get('description', '')}\n")
    out.write("    (<- from Asterisk, -> from the client; seconds since connect)\n")
    n_ami = sum(ami_transcript(ami, c, out) for c in ami.connections())
    agi = load_capture(shared / "captures" / f"{args.agi}.jsonl")
    out.write(f"\n=== FastAGI: {agi.flow} — {agi.meta.get('description', '')}\n")
    n_agi = agi_transcript(agi, "agi", out)
    out.write(f"\n{n_ami} AMI messages and {n_agi} AGI events decoded by the pyst cores.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
