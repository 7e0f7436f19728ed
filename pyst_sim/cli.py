"""``pyst-sim``: one command-line entry point with subcommands.

Each subcommand lives in its own module, imported only when that subcommand runs (so
``pyst-sim --help`` stays fast and a broken optional part cannot break the others). A module
named in ``SUBCOMMANDS`` provides ``add_arguments(parser)`` and ``run(args) -> int``, or else
``main(argv) -> int`` doing its own parsing.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from pyst._version import __version__

# name -> (module, one-line help). Kept in the order `--help` shows them.
SUBCOMMANDS: dict[str, tuple[str, str]] = {}


def register(name: str, module: str, help_text: str) -> None:
    """Add a subcommand (used by the table below; tests may register more)."""
    SUBCOMMANDS[name] = (module, help_text)


register("ami", "pyst_sim.ami_cli", "run the fake AMI server (Asterisk 22 manager interface)")
register("run", "pyst_sim.run_cli", "run scenario files without pytest")
register("agi", "pyst_sim.agi_cli", "simulate one AGI call and print its transcript")
register(
    "record",
    "pyst_sim.record_cli",
    "record AMI traffic through a transparent proxy into a cassette",
)
register(
    "replay", "pyst_sim.replay_cli", "serve a cassette, capture or raw trace as an AMI server"
)
register(
    "lint-config",
    "pyst.config.lint",
    "check Asterisk .conf files as Asterisk reads them; print file:line diagnostics",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pyst-sim",
        description=(
            "A fake Asterisk for tests: run an AMI server emulator, simulate AGI calls, "
            "record and replay AMI traffic, check config files, run scenario files."
        ),
        epilog="Run 'pyst-sim COMMAND --help' for a command's options and examples.",
    )
    parser.add_argument("--version", action="version", version=f"pyst-sim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in SUBCOMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        # Arguments are added only for the chosen command (see main), so an import
        # problem in one subcommand never breaks `--help` of the others.
        sp.set_defaults(_module=module_name)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``pyst-sim``; returns the process exit status."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # First pass: find the command without parsing its options.
    if not args_list or args_list[0] in ("-h", "--help", "--version"):
        parser.parse_args(args_list or ["--help"])
        return 0
    name = args_list[0]
    if name not in SUBCOMMANDS:
        parser.error(f"unknown command {name!r} (choose from {', '.join(SUBCOMMANDS)})")
    module_name, help_text = SUBCOMMANDS[name]
    module = importlib.import_module(module_name)
    if not hasattr(module, "add_arguments"):
        # A module with its own argument parsing: ``main(argv) -> int``.
        return int(module.main(args_list[1:]))
    sp = argparse.ArgumentParser(prog=f"pyst-sim {name}", description=help_text)
    module.add_arguments(sp)
    if getattr(module, "INTERMIXED", False):
        args = sp.parse_intermixed_args(args_list[1:])
    else:
        args = sp.parse_args(args_list[1:])
    return int(module.run(args))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
