"""``pyst-sim agi``: run one simulated AGI call and print its transcript.

Usage::

    pyst-sim agi [options] SCRIPT [ARGS...]
    pyst-sim agi [options] --fastagi agi://127.0.0.1:4573/ivr [ARGS...]
    pyst-sim agi --scenario calls.yaml [SCRIPT [ARGS...] | --fastagi URL]

Options come before SCRIPT (everything after it goes to the script as ``agi_arg_N``).
Exit status: 0 the call completed (whatever its ``AGISTATUS``), 1 a scenario's expectations
failed, 2 the call could not run (no such script, no FastAGI server, the app stopped
answering, a bad scenario).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from typing import Any, Literal, TextIO

__all__ = ["add_arguments", "run"]


# Options may follow SCRIPT and its arguments (`pyst-sim agi ivr.py --dtmf 2`): the
# dispatcher parses this command with parse_intermixed_args.
INTERMIXED = True


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``pyst-sim agi``."""
    parser.description = (
        "Simulate one call into an AGI script or FastAGI server and print the transcript "
        "(simulated times, every command and reply)."
    )
    parser.add_argument("script", nargs="?", metavar="SCRIPT", help="a classic AGI script")
    parser.add_argument(
        "args",
        nargs="*",
        metavar="ARGS",
        help="AGI() arguments (agi_arg_N); options may come before or after them, and "
        "'--' ends the options when an argument starts with '-'",
    )
    parser.add_argument("--fastagi", metavar="URL", help="connect to this agi:// URL instead")
    parser.add_argument(
        "--scenario", metavar="FILE", help="run the call cases of this scenario file"
    )
    parser.add_argument("--callerid", metavar="NUM", help="the caller's number")
    parser.add_argument("--name", metavar="NAME", help="the caller's name")
    parser.add_argument(
        "--dtmf", metavar="DIGITS", default="", help="keys the caller types when asked"
    )
    parser.add_argument(
        "--hangup-at", metavar="SECONDS", type=float, help="the caller hangs up then (simulated)"
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of generated values")
    parser.add_argument("--context", default="default", help="agi_context")
    parser.add_argument("--extension", default="s", help="agi_extension")
    parser.add_argument(
        "--strict-sounds", action="store_true",
        help="only core prompts exist (missing ones answer as Asterisk does)",
    )
    parser.add_argument(
        "--timeout", type=float, default=30.0, help="wall seconds to wait for each command"
    )
    parser.add_argument("--no-events", action="store_true", help="print commands and replies only")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run the call described by ``args``; returns the exit status."""
    stream = out if out is not None else sys.stdout
    if args.scenario:
        return _run_scenario(args, stream)
    if bool(args.script) == bool(args.fastagi):
        print("pyst-sim agi: give a SCRIPT or --fastagi URL (one of them)", file=stream)
        return 2
    from pyst_sim.agi import Caller, SoundLibrary, simulate_call
    from pyst_sim.errors import SimulatorError

    try:
        caller = Caller(
            callerid=args.callerid, name=args.name, dtmf=args.dtmf, hangup_at=args.hangup_at
        )
    except (TypeError, ValueError) as exc:
        print(f"pyst-sim agi: {exc}", file=stream)
        return 2
    app = args.fastagi or args.script
    try:
        record = simulate_call(
            app, *args.args, caller=caller, seed=args.seed, timeout=args.timeout,
            context=args.context, extension=args.extension,
            sounds=SoundLibrary(strict=args.strict_sounds),
        )
    except SimulatorError as exc:
        partial = getattr(exc, "record", None)
        if partial is not None:
            print(partial.format(events=not args.no_events), file=stream)
        print(f"pyst-sim agi: {exc}", file=stream)
        return 2
    print(record.format(events=not args.no_events), file=stream)
    return 0


def _override_app(case: Any, args: argparse.Namespace) -> Any:
    """The case with its app replaced by the command line's SCRIPT or --fastagi URL."""
    if not (args.script or args.fastagi):
        return case
    from pyst_sim.scenario.model import AppSpec

    kind: Literal["script", "fastagi"] = "fastagi" if args.fastagi else "script"
    target = args.fastagi or args.script
    app = case.app
    if app is None:
        app = AppSpec(kind=kind, target=target, where=case.where, args=tuple(args.args))
    else:
        app = dataclasses.replace(app, kind=kind, target=target, args=tuple(args.args))
    return dataclasses.replace(case, app=app)


def _run_scenario(args: argparse.Namespace, stream: TextIO) -> int:
    try:
        from pyst_sim.errors import ScenarioError
        from pyst_sim.scenario.loader import load_scenario
        from pyst_sim.scenario.runner import ScenarioRunner
    except ImportError as exc:
        print(f"pyst-sim agi: scenario files are not supported here ({exc})", file=stream)
        return 2
    try:
        scenario = load_scenario(args.scenario)
    except (ScenarioError, OSError) as exc:
        print(f"pyst-sim agi: {exc}", file=stream)
        return 2
    cases = [case for case in scenario.cases if case.kind == "call"]
    if not cases:
        print(f"pyst-sim agi: {args.scenario} has no call cases", file=stream)
        return 2
    failed = False
    with ScenarioRunner() as runner:
        for case in cases:
            try:
                result = runner.run(_override_app(case, args))
            except NotImplementedError as exc:
                print(f"pyst-sim agi: the scenario runner cannot run calls yet ({exc})",
                      file=stream)
                return 2
            except ScenarioError as exc:
                print(f"pyst-sim agi: {exc}", file=stream)
                return 2
            status = "PASSED" if result.ok else "FAILED"
            print(f"== {case.id}: {status}", file=stream)
            for line in result.transcript:
                print(line, file=stream)
            if not result.ok:
                failed = True
                print(str(result.failure()), file=stream)
    return 1 if failed else 0
