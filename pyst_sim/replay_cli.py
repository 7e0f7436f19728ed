"""``pyst-sim replay``: serve a recorded cassette (or a capture, or a raw trace) as an AMI
server.

::

    pyst-sim replay tests/cassettes/login.yaml --listen 127.0.0.1:5038
    pyst-sim replay shared/captures/b1_ping_coresettings_corestatus.jsonl --speed 1
    pyst-sim replay new.yaml --record-mode once --upstream pbx.example:5038

Actions are matched to the recorded ones by name and headers (ActionID ignored and rewritten
in the answers; see :mod:`pyst_sim.cassette`). An action that matches nothing gets
``Response: Error`` naming the closest recorded action, and is reported at exit. Prints
``listening on HOST:PORT`` once ready; runs until Ctrl-C or SIGTERM. Exit status: 0, 1 if an
action matched nothing (or, with ``--require-all-played``, a recorded one was never played,
or a recording problem occurred), 2 for bad arguments, an unreadable cassette or an address
in use.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import TextIO

__all__ = ["add_arguments", "main", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``pyst-sim replay``."""

    parser.add_argument("cassette", metavar="FILE",
                        help="cassette (.yaml), capture (.jsonl) or panoramisk-style raw trace")
    parser.add_argument("--listen", default="127.0.0.1:5038", metavar="HOST:PORT",
                        help="where clients connect (default 127.0.0.1:5038; port 0: a free "
                             "one, printed at start)")
    parser.add_argument("--format", choices=("auto", "cassette", "capture", "trace"),
                        default="auto", help="how to read FILE (default: by content)")
    parser.add_argument("--record-mode", choices=("none", "once", "new_episodes", "all"),
                        default="none",
                        help="none: replay only (default); once: record if FILE does not "
                             "exist; new_episodes: record what does not match; all: always "
                             "record")
    parser.add_argument("--upstream", metavar="HOST:PORT",
                        help="the real Asterisk to record from (record modes)")
    parser.add_argument("--save-to", metavar="FILE",
                        help="where recorded sessions go (default: FILE itself)")
    timing = parser.add_mutually_exclusive_group()
    timing.add_argument("--speed", type=float, default=0.0, metavar="FACTOR",
                        help="keep the recorded delays divided by FACTOR (default 0: send "
                             "everything at once)")
    timing.add_argument("--realtime", action="store_true",
                        help="keep the recorded delays (same as --speed 1)")
    parser.add_argument("--match-on", default="action,headers", metavar="LIST",
                        help="what must match: action, headers (default action,headers)")
    parser.add_argument("--ignore-header", action="append", default=[], metavar="NAME",
                        help="header left out of the matching (repeatable; ActionID always is)")
    parser.add_argument("--allow-repeats", action="store_true",
                        help="replay an already played interaction when no unused one matches")
    parser.add_argument("--no-unsolicited", action="store_true",
                        help="replay only the replies tied to each action, not other events")
    parser.add_argument("--require-all-played", action="store_true",
                        help="exit 1 if some recorded actions were never played")
    parser.add_argument("--mask", action="append", metavar="[ACTION:]HEADER", default=None,
                        help="secret header when recording (default: Secret and Login:Key)")
    parser.add_argument("--no-mask", action="store_true", help="keep secrets when recording")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Serve until interrupted; returns the exit status."""
    stream = out if out is not None else sys.stdout
    try:
        return asyncio.run(_main(args, stream))
    except KeyboardInterrupt:  # pragma: no cover - signal handlers normally catch it
        return 0


async def _main(args: argparse.Namespace, out: TextIO) -> int:
    from pyst_sim.cassette import CassetteError
    from pyst_sim.errors import ExpectationError
    from pyst_sim.record_cli import install_stop_signals, mask_from_args
    from pyst_sim.recorder import parse_address
    from pyst_sim.replay import ReplayServer

    speed = 1.0 if args.realtime else args.speed
    match_on = tuple(m.strip() for m in args.match_on.split(",") if m.strip())
    try:
        host, port = parse_address(args.listen)
        server = ReplayServer(
            args.cassette,
            mode=args.record_mode,
            upstream=args.upstream,
            host=host,
            port=port,
            speed=speed or None,
            match_on=match_on,
            ignore_headers=args.ignore_header,
            allow_playback_repeats=args.allow_repeats,
            replay_unsolicited=not args.no_unsolicited,
            mask=mask_from_args(args),
            format=args.format,
            save_to=args.save_to,
        )
        await server.start()
    except (ValueError, OSError, CassetteError) as exc:
        print(f"pyst-sim replay: {exc}", file=sys.stderr)
        return 2
    print(f"listening on {server.host}:{server.port}", file=out, flush=True)
    what = "recording" if server.recording_all else f"replaying {len(server.cassette)} action(s)"
    print(f"{what} from {args.cassette} (record mode {server.mode.value})", file=out, flush=True)
    stop = asyncio.Event()
    install_stop_signals(stop)
    try:
        await stop.wait()
    finally:
        await server.stop()
    try:
        server.check(require_all_played=args.require_all_played)
    except ExpectationError as exc:
        print(f"pyst-sim replay: {exc}", file=sys.stderr)
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pyst_sim.replay_cli ...`` (same as ``pyst-sim replay ...``)."""
    parser = argparse.ArgumentParser(prog="pyst-sim replay", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
