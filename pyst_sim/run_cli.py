"""``pyst-sim run SCENARIO...``: run scenario files without pytest.

Each case (call or AMI session, per parameter case) runs against the simulators; the command
prints one line per case and, for failures, the same report pytest shows (YAML lines, diff,
last wire lines). Exit status: 0 all passed, 1 a case failed, 2 a scenario is invalid or a path
matches nothing.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

__all__ = ["add_arguments", "run"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``pyst-sim run``."""
    parser.add_argument(
        "scenarios", nargs="+", metavar="SCENARIO",
        help="scenario file, folder (every *.yaml starting with 'pyst-scenario:') or glob",
    )
    parser.add_argument(
        "-k", dest="keyword", metavar="TEXT", default=None,
        help="run only cases whose id (file::name[case]) contains TEXT",
    )
    parser.add_argument("-x", "--exitfirst", action="store_true", help="stop at the first failure")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="print failures only")
    verbosity.add_argument(
        "-v", "--verbose", action="store_true", help="print the transcript of every case"
    )


def _label(path: Path, case_id: str) -> str:
    try:
        shown = path.relative_to(Path.cwd())
    except ValueError:
        shown = path
    return f"{shown}::{case_id}"


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Run the scenarios named in ``args``; returns the exit status."""
    from pyst_sim.errors import ScenarioError
    from pyst_sim.scenario.loader import find_scenario_files, load_scenario
    from pyst_sim.scenario.runner import ScenarioRunner

    stream = out if out is not None else sys.stdout
    try:
        files = find_scenario_files(args.scenarios)
    except FileNotFoundError as exc:
        print(f"pyst-sim run: {exc}", file=stream)
        return 2
    scenarios = []
    invalid = 0
    for f in files:
        try:
            scenarios.append(load_scenario(f))
        except ScenarioError as exc:
            print(f"INVALID {exc}", file=stream)
            invalid += 1
    counts = {"passed": 0, "failed": 0, "skipped": 0, "xfailed": 0, "xpassed": 0}
    started = time.perf_counter()
    stop = False
    with ScenarioRunner() as runner:
        for sc in scenarios:
            for case in sc.cases:
                label = _label(sc.path, case.id)
                if args.keyword and args.keyword not in label:
                    continue
                if args.list:
                    print(label, file=stream)
                    continue
                if case.skip is not None:
                    counts["skipped"] += 1
                    if not args.quiet:
                        print(f"SKIP  {label}" + (f" ({case.skip})" if case.skip else ""),
                              file=stream)
                    continue
                t0 = time.perf_counter()
                try:
                    result = runner.run(case)
                    ok = result.ok
                    report = "" if ok else result.failure().render()
                    transcript = result.transcript
                except ScenarioError as exc:
                    ok, report, transcript = False, str(exc), ()
                ms = (time.perf_counter() - t0) * 1000
                if case.xfail is not None:
                    status = "XPASS" if ok else "XFAIL"
                    counts["xpassed" if ok else "xfailed"] += 1
                    failed = ok  # strict: an unexpected pass is a failure
                else:
                    status = "PASS " if ok else "FAIL "
                    counts["passed" if ok else "failed"] += 1
                    failed = not ok
                if failed or not args.quiet:
                    print(f"{status} {label} ({ms:.1f} ms)", file=stream)
                if failed and report:
                    print(_indent(report), file=stream)
                if args.verbose and transcript:
                    print(_indent("\n".join(transcript)), file=stream)
                if failed and args.exitfirst:
                    stop = True
                    break
            if stop:
                break
    if args.list:
        return 2 if invalid else 0
    elapsed = time.perf_counter() - started
    parts = [f"{n} {k}" for k, n in counts.items() if n]
    if invalid:
        parts.append(f"{invalid} invalid")
    print(f"{', '.join(parts) or 'no cases'} in {elapsed:.2f} s", file=stream)
    if invalid:
        return 2
    return 1 if counts["failed"] or counts["xpassed"] else 0


def _indent(text: str) -> str:
    return "\n".join(("    " + line) if line else "" for line in text.splitlines())
