"""``pyst-sim record``: a transparent AMI proxy that writes a cassette.

::

    pyst-sim record --listen 127.0.0.1:5039 --upstream pbx.example:5038 --out login.yaml

Point the client at ``--listen`` instead of at Asterisk. Bytes are forwarded unchanged; the
cassette (YAML, format in :mod:`pyst_sim.cassette`) gets both directions with their timing,
secrets masked. It is saved after every finished connection and at exit (Ctrl-C or SIGTERM).
Prints ``listening on HOST:PORT`` once ready. Exit status: 0, 1 if the upstream could not be
reached or the cassette not saved, 2 for bad arguments or an address in use.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

__all__ = ["add_arguments", "main", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``pyst-sim record``."""
    parser.add_argument(
        "--listen", default="127.0.0.1:0", metavar="HOST:PORT",
        help="where clients connect (default 127.0.0.1:0: a free port, printed at start)",
    )
    parser.add_argument(
        "--upstream", required=True, metavar="HOST:PORT",
        help="the real Asterisk AMI to forward to (port 5038 if omitted)",
    )
    parser.add_argument("--out", "-o", required=True, metavar="FILE",
                        help="the cassette to write (.yaml)")
    parser.add_argument("--append", action="store_true",
                        help="add the new sessions to an existing cassette FILE")
    parser.add_argument(
        "--mask", action="append", metavar="[ACTION:]HEADER", default=None,
        help="header whose value is a secret (repeatable; default: Secret and Login:Key)",
    )
    parser.add_argument("--no-mask", action="store_true",
                        help="keep secrets in the cassette (do not share it)")
    parser.add_argument("--connect-timeout", type=float, default=5.0, metavar="SECONDS",
                        help="how long to wait for the upstream (default 5)")


def mask_from_args(args: argparse.Namespace) -> tuple[str, ...] | None:
    """The mask spec the options ask for (``None``: mask nothing)."""
    from pyst_sim.cassette import DEFAULT_MASK

    if getattr(args, "no_mask", False):
        return None
    return tuple(args.mask) if args.mask else DEFAULT_MASK


def install_stop_signals(stop: asyncio.Event) -> None:
    """SIGINT and SIGTERM set ``stop`` (where the loop supports signal handlers)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):  # pragma: no cover - Windows, threads
            pass


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run the proxy until interrupted; returns the exit status."""
    stream = out if out is not None else sys.stdout
    try:
        return asyncio.run(_main(args, stream))
    except KeyboardInterrupt:  # pragma: no cover - signal handlers normally catch it
        return 0


async def _main(args: argparse.Namespace, out: TextIO) -> int:
    from pyst_sim.cassette import Cassette, CassetteError, load_cassette
    from pyst_sim.recorder import RecordingProxy, parse_address

    try:
        host, port = parse_address(args.listen, default_port=0)
        upstream = parse_address(args.upstream)
        cassette = None
        path = Path(args.out)
        if args.append and path.exists():
            cassette = load_cassette(path, format="cassette")
        proxy = RecordingProxy(upstream, host=host, port=port, save_to=path,
                               cassette=cassette or Cassette(source="new"),
                               mask=mask_from_args(args),
                               connect_timeout=args.connect_timeout)
        await proxy.start()
    except (ValueError, OSError, CassetteError) as exc:
        print(f"pyst-sim record: {exc}", file=sys.stderr)
        return 2
    print(f"listening on {proxy.host}:{proxy.port}", file=out, flush=True)
    print(f"recording {upstream[0]}:{upstream[1]} to {path}", file=out, flush=True)
    stop = asyncio.Event()
    install_stop_signals(stop)
    try:
        await stop.wait()
    finally:
        await proxy.stop()
    cassette = proxy.cassette
    print(f"recorded {len(cassette.sessions)} session(s), {len(cassette)} action(s) to {path}",
          file=out, flush=True)
    for error in proxy.errors:
        print(f"pyst-sim record: {error}", file=sys.stderr)
    return 1 if proxy.errors else 0


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m pyst_sim.record_cli ...`` (same as ``pyst-sim record ...``)."""
    parser = argparse.ArgumentParser(prog="pyst-sim record", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
