"""Per-byte cost of the AMI core on small messages vs one 3 MB message, both fed in 1 KB chunks.

    python bench/ami_linearity.py

A linear parser costs about the same per byte however big the message is; a parser that
re-scans its buffer on every chunk gets slower per byte as the message grows (quadratic).
Plain Python and the standard library only; pyst is imported from this checkout.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyst.ami.protocol import CLIENT, AMIConnection

CHUNK = 1024
BIG = 3 * 1024 * 1024
BANNER = b"Asterisk Call Manager/11.0.0\r\n"

SMALL_EVENT = (
    b"Event: Newchannel\r\nPrivilege: call,all\r\nChannel: Local/s@playback-test-00000000;1\r\n"
    b"ChannelState: 0\r\nChannelStateDesc: Down\r\nCallerIDNum: <unknown>\r\n"
    b"CallerIDName: <unknown>\r\nConnectedLineNum: <unknown>\r\nConnectedLineName: <unknown>\r\n"
    b"Language: en\r\nAccountCode: \r\nContext: playback-test\r\nExten: s\r\nPriority: 1\r\n"
    b"Uniqueid: 1795902187.2\r\nLinkedid: 1795902187.2\r\n\r\n"
)


def command_reply(size: int) -> bytes:
    line = b"Output:   's' =>            1. Answer()          [extensions.conf:11]\r\n"
    head = b"Response: Success\r\nActionID: big\r\nMessage: Command output follows\r\n"
    return head + line * (size // len(line)) + b"\r\n"


def legacy_reply(size: int) -> bytes:
    line = b"  's' =>            1. Answer()          [extensions.conf:11]\n"
    head = b"Response: Follows\r\nPrivilege: Command\r\nActionID: big\r\n"
    return head + line * (size // len(line)) + b"--END COMMAND--\r\n\r\n"


def run(stream: bytes, touch: bool) -> tuple[float, int]:
    """Seconds to feed ``stream`` in CHUNK-byte pieces; ``touch`` splits every message into
    fields too (the core parses lazily)."""
    conn = AMIConnection(CLIENT)
    conn.receive(BANNER)
    chunks = [stream[i : i + CHUNK] for i in range(0, len(stream), CHUNK)]
    count = 0
    start = time.perf_counter()
    for chunk in chunks:
        for message in conn.receive(chunk):
            count += 1
            if touch:
                message.fields  # type: ignore[union-attr]  # noqa: B018
    return time.perf_counter() - start, count


def best(stream: bytes, touch: bool, repeat: int = 3) -> tuple[float, int]:
    runs = [run(stream, touch) for _ in range(repeat)]
    return min(r[0] for r in runs), runs[0][1]


def main() -> None:
    small = SMALL_EVENT * (BIG // len(SMALL_EVENT))
    cases = [
        ("small events (CRLF)", small),
        ("small events (LF only)", small.replace(b"\r\n", b"\n")),
        ("one 3 MB Command reply (CRLF)", command_reply(BIG)),
        ("one 3 MB Command reply (LF only)", command_reply(BIG).replace(b"\r\n", b"\n")),
        ("one 3 MB legacy Command reply", legacy_reply(BIG)),
    ]
    print(f"Python {sys.version.split()[0]}, {CHUNK}-byte chunks, best of 3\n")
    for touch in (False, True):
        label = "framing + lazy messages" if not touch else "framing + full field split"
        print(f"== {label}")
        base = None
        for name, stream in cases:
            seconds, count = best(stream, touch)
            per_byte = seconds / len(stream) * 1e9
            if base is None:
                base = per_byte
            print(
                f"  {name:34s} {len(stream) / 1e6:5.2f} MB {count:6d} msgs "
                f"{per_byte:6.2f} ns/byte  x{per_byte / base:4.2f} vs small CRLF"
            )
        print()


if __name__ == "__main__":
    main()
