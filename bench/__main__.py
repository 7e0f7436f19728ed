"""Run the benchmarks: ``python -m bench [NAME...] [--quick] [--list] [--json PATH]``.

Benchmarks are the modules ``bench/<name>_bench.py``; NAME is ``<name>`` (``ami_parse``) or the
module name (``ami_parse_bench``). Without names every benchmark runs, in file-name order.
A module whose ``run()`` returns plain rows may set ``METRIC`` (a column name), ``BASELINE``
(the first-column value of the reference row) and ``LOWER_IS_BETTER`` to get a ratio column.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from bench import QUICK_ENV, Table, format_table, machine_header

SUFFIX = "_bench"


def discover() -> list[str]:
    """Short names of every ``bench/*_bench.py`` module, sorted."""
    here = Path(__file__).resolve().parent
    return sorted(p.stem[: -len(SUFFIX)] for p in here.glob(f"*{SUFFIX}.py"))


def _short(name: str) -> str:
    name = name.removesuffix(".py")
    return name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name


def run_one(name: str, quick: bool) -> list[Table]:
    """Import ``bench.<name>_bench`` and call its ``run``; returns its tables."""
    module = importlib.import_module(f"bench.{name}{SUFFIX}")
    run = module.run
    try:
        accepts_quick = "quick" in inspect.signature(run).parameters
    except (TypeError, ValueError):
        accepts_quick = False
    result = run(quick=quick) if accepts_quick else run()
    tables = Table.coerce(result, name)
    # Plain rows get their ratio column from module attributes, when the module sets them.
    for table in tables:
        if table.metric is None and table.baseline is None:
            table.metric = getattr(module, "METRIC", None)
            table.baseline = getattr(module, "BASELINE", None)
            table.lower_is_better = bool(getattr(module, "LOWER_IS_BETTER", False))
    return tables


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help="benchmarks to run (default all)")
    parser.add_argument("--quick", action="store_true", help="short run (smaller data, 1 repeat)")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and exit")
    parser.add_argument("--json", metavar="PATH", help="also write the tables as JSON to PATH")
    args = parser.parse_args(argv)

    available = discover()
    if args.list:
        print("\n".join(available))
        return 0
    wanted = [_short(n) for n in args.names] or available
    unknown = [n for n in wanted if n not in available]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; have {', '.join(available)}")
    if args.quick:
        # For benchmarks whose run() takes no arguments (they read bench.quick_mode()).
        os.environ[QUICK_ENV] = "1"

    print(machine_header() + ("  [quick]" if args.quick else ""), flush=True)
    failed: list[str] = []
    dump: dict[str, Any] = {}
    for name in wanted:
        print(f"\n== {name}", flush=True)
        start = time.perf_counter()
        try:
            tables = run_one(name, args.quick)
        except Exception:
            traceback.print_exc()
            failed.append(name)
            continue
        for table in tables:
            print()
            print(format_table(table), flush=True)
        print(f"({name}: {time.perf_counter() - start:.1f} s)", flush=True)
        dump[name] = [vars(t) for t in tables]
    if args.json:
        Path(args.json).write_text(json.dumps(dump, indent=2, default=str) + "\n", encoding="utf-8")
    if failed:
        print(f"\nFAILED: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
