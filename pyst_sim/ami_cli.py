"""``pyst-sim ami``: run the fake AMI server until interrupted.

::

    pyst-sim ami [--host 127.0.0.1] [--port 5038] [--config-dir DIR] [--scenario FILE]
                 [--cassette FILE] [--user NAME:SECRET] [--time-scale X]

Prints ``listening on HOST:PORT`` (with the real port, also for ``--port 0``) once
connections are accepted, then serves until SIGINT/SIGTERM. ``--cassette`` answers the
actions recorded in a cassette (:class:`pyst_sim.replay.CassetteResponder`) before the
built-in emulation; ``--scenario`` scripts the expectations of a scenario file's AMI cases
(their users, and each expected action's response and events). At exit, the problems the
server saw (actions not emulated, unmet expectations) are printed to stderr and the exit
status is 1.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import Any

from pyst.errors import ConfigError
from pyst_sim.errors import ExpectationError, SimulatorError
from pyst_sim.loops import LOOP_CHOICES, resolve_loop
from pyst_sim.loops import run as run_on_loop

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``pyst-sim ami``."""
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=5038, help="port (0: any free port)")
    parser.add_argument("--config-dir", help="folder with manager.conf, extensions.conf, "
                        "queues.conf")
    parser.add_argument("--scenario", help="scenario file whose AMI expectations to script")
    parser.add_argument("--cassette", help="cassette whose recorded answers to replay")
    parser.add_argument("--user", action="append", default=[], metavar="NAME:SECRET",
                        help="extra manager user with every permission (repeatable)")
    parser.add_argument("--time-scale", type=float, default=1.0,
                        help="multiplier of simulated durations (0: as fast as possible)")
    parser.add_argument("--auth-failure-delay", type=float, default=1.0,
                        help="seconds before 'Authentication failed' (Asterisk: 1)")
    parser.add_argument("--ami-version", default=None, help="banner version (11.0.0)")
    parser.add_argument("--loop", choices=LOOP_CHOICES, default="auto",
                        help="event loop: uvloop when installed (auto), or asyncio")


def _scenario_expectations(server: Any, path: str) -> None:
    from pyst.ami.messages import Event, Response
    from pyst_sim.scenario.loader import load_scenario
    from pyst_sim.scenario.model import AMICase

    scenario = load_scenario(path)
    for case in scenario.cases:
        if not isinstance(case, AMICase):
            continue
        for user in case.users:
            server.pbx.add_user(user.username, user.secret, read=user.read, write=user.write)
        if case.expect is None:
            continue
        for expected in case.expect.actions:
            headers = {
                name: (lambda value, m=matcher: m.matches(value))
                for name, matcher in expected.headers.items()
            }
            exp = server.expect_action(expected.action, headers)
            if expected.respond is not None:
                replies: list[Any] = []
                for message in expected.respond:
                    fields = list(message)
                    if fields and fields[0][0].lower() == "event":
                        replies.append(Event(fields))
                        continue
                    if not fields or fields[0][0].lower() != "response":
                        fields.insert(0, ("Response", "Success"))
                    replies.append(Response(fields))
                exp.respond_with(replies)
            for event in expected.events:
                exp.then_emit(Event(list(event)))


def _build(args: argparse.Namespace) -> Any:
    from pyst_sim.ami_server import FakeAMIServer

    users: dict[str, str] = {}
    for spec in args.user:
        name, sep, secret = spec.partition(":")
        if not sep or not name:
            raise ValueError(f"--user takes NAME:SECRET, not {spec!r}")
        users[name] = secret
    responder = None
    version = args.ami_version
    if args.cassette:
        from pyst_sim.replay import CassetteResponder

        if not Path(args.cassette).is_file():
            # (The reader's own OSError says only "[Errno 2] No such file or directory".)
            raise FileNotFoundError(f"cassette {args.cassette} does not exist")
        responder = CassetteResponder(args.cassette)
        version = version or responder.banner.version
    server = FakeAMIServer(
        args.config_dir,
        host=args.host,
        port=args.port,
        users=users or None,
        ami_version=version or "11.0.0",
        time_scale=args.time_scale,
        auth_failure_delay=args.auth_failure_delay,
    )
    if responder is not None:
        server.add_responder(responder)
    if args.scenario:
        _scenario_expectations(server, args.scenario)
    return server


async def _serve(server: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    await server.start()
    print(f"listening on {server.host}:{server.port}", flush=True)
    try:
        await stop.wait()
    finally:
        await server.stop()


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; 0 when nothing went wrong, 1 when the server saw problems,
    2 for bad options or files."""
    try:
        resolve_loop(args.loop)
        server = _build(args)
    except (ValueError, OSError, ConfigError, SimulatorError) as exc:
        print(f"pyst-sim ami: {exc}", file=sys.stderr)
        return 2
    try:
        run_on_loop(_serve(server), args.loop)
    except OSError as exc:
        print(f"pyst-sim ami: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # pragma: no cover - the signal handler normally takes it
        pass
    try:
        server.check()
    except ExpectationError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run as ``python -m pyst_sim.ami_cli``."""
    parser = argparse.ArgumentParser(prog="pyst-sim ami", description=__doc__.split("\n")[0])
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
