"""Config reading speed: pyst.config vs pyst2 0.5.1 (``asterisk.config``) and asterisklint 0.4.3.

Input: the 101 ``*.conf.sample`` files of Asterisk 22.10.1 (``shared/asterisk-sample-configs``,
16,860 lines). pyst2 cannot read 10 of them (templates, block comments, a Latin-1 byte...), so
every reader is timed on the 91 files pyst2 reads (14,606 lines); one extra row times pyst.config
on all 101.

One pass reads every file of the set; a measurement is ``PASSES`` passes in a row (20, or 3 with
``--quick``; 5 for asterisklint, which is ten times slower). The readers take turns, ``TRIALS``
times (7, or 1 with ``--quick``), and each keeps its fastest measurement, so that a burst of load
on a shared machine hits everyone alike. Two clocks are read around each measurement: wall time
(``lines/s`` and the ``vs pyst2`` column) and the CPU time of this process (``cpu vs pyst2``),
which other processes on a busy shared machine disturb less. The garbage collector is emptied
before each measurement and stays on during it.

What each row runs:

* ``pyst2 0.5.1 Config``: ``asterisk.config.Config(path)`` (open, readlines, its ``Line``,
  ``Category`` and ``Item`` objects for every line). The baseline.
* ``pyst.config load``: ``ConfigLoader(dir).load(name)``: glob/stat/read as Asterisk does, the
  resolved view (categories, keys, inheritance) and the diagnostics. The document view is kept
  as the file text and only split into line objects when asked for.
* ``pyst.config load + document.lines``: the same, then ``document.lines`` (a ``DocLine`` for
  every line, classified).
* ``pyst.config Config (pyst2 API)``: ``pyst.config.Config(path)``: pyst2's ``categories`` with
  their ``Item`` objects, built from the resolved view. Its ``lines`` (and each category's
  ``comments``) are built on first use, so this row does not build them.
* ``pyst.config Config + .lines``: the same, then ``config.lines``: a pyst2 object for every line
  of the file, as pyst2 builds them up front.
* ``asterisklint 0.4.3``: ``FileConfigParser().include(path)`` then iterating its contexts, with
  its messages muted.
* ``... text in memory`` rows: the parsers alone, without the file system: every file is read
  once beforehand, then pyst2's ``Config`` gets its ``raw_lines`` from memory (its ``load`` is
  replaced; ``parse`` is its own) and pyst.config runs ``parse_text`` on the text. Compare these
  two with each other (the notes under the table give that ratio).

Readers that are not installed give an empty row (``make bench`` installs pyst2; asterisklint is
optional: ``pip install asterisklint==0.4.3``).
"""

from __future__ import annotations

import gc
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

METRIC = "lines/s"
BASELINE = "pyst2 0.5.1 Config"
MEMORY_BASELINE = "pyst2 0.5.1 Config, text in memory"
PASSES = 20
QUICK_PASSES = 3
TRIALS = 7
SLOW_PASSES = 5  # asterisklint is about ten times slower: fewer passes, same lines/s


def _sample_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    try:
        from pyst_sim.captures import find_shared_dir

        shared = find_shared_dir(here)
    except ImportError:  # pragma: no cover - pyst_sim is installed with pyst
        shared = here.parent / "shared"
    if shared is None or not (shared / "asterisk-sample-configs").is_dir():
        raise RuntimeError("shared/asterisk-sample-configs not found (set PYST_SHARED_DIR)")
    return shared / "asterisk-sample-configs"


def _count_lines(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        data = path.read_bytes()
        total += data.count(b"\n") + (0 if data.endswith(b"\n") or not data else 1)
    return total


def _pyst2_reader() -> Callable[[Path], object] | None:
    try:
        from asterisk.config import Config  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    return lambda path: Config(str(path))


def _pyst2_memory_reader(paths: list[Path]) -> Callable[[Path], object] | None:
    try:
        from asterisk.config import Config  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    texts: dict[str, list[str]] = {}
    for path in paths:
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            texts[str(path)] = f.readlines()

    class MemoryConfig(Config):  # type: ignore[misc, unused-ignore]
        def load(self) -> None:
            self.raw_lines = texts[self.filename]

    return lambda path: MemoryConfig(str(path))


def _asterisklint_reader() -> Callable[[Path], object] | None:
    try:
        from asterisklint import FileConfigParser  # type: ignore[import-not-found, unused-ignore]
        from asterisklint.defines import (  # type: ignore[import-not-found, unused-ignore]
            MessageDefManager,
        )
    except ImportError:
        return None
    MessageDefManager.muted = True

    def read(path: Path) -> object:
        parser = FileConfigParser()
        parser.include(str(path))
        contexts = list(parser)
        MessageDefManager.reset()  # its list of raised messages would grow across passes
        return contexts

    return read


def _readable_by(reader: Callable[[Path], object] | None, paths: list[Path]) -> list[Path]:
    if reader is None:
        return paths
    ok = []
    for path in paths:
        try:
            reader(path)
        except Exception:  # pyst2 raises ParseError, UnicodeDecodeError, ...
            continue
        ok.append(path)
    return ok


def _ratio(value: float, base: float) -> str:
    if not (value == value and base == base) or not value or not base:
        return ""
    return f"{value / base:.2f}x"


def run(quick: bool | None = None) -> Any:
    """Time every reader; one row per reader (see the module docstring)."""
    if quick is None:
        try:
            from bench import quick_mode

            quick = quick_mode()
        except ImportError:  # pragma: no cover - run as a plain script
            quick = False
    passes = QUICK_PASSES if quick else PASSES
    trials = 1 if quick else TRIALS

    from pyst.config import Config as PystConfig
    from pyst.config import ConfigLoader, parse_text

    folder = _sample_dir()
    every = sorted(folder.glob("*.conf.sample"))
    pyst2 = _pyst2_reader()
    lint = _asterisklint_reader()
    common = _readable_by(pyst2, every)
    loader = ConfigLoader(folder)
    pyst2_memory = _pyst2_memory_reader(common)
    texts = {path: path.read_bytes().decode("utf-8", "surrogateescape") for path in every}

    def parse_memory(path: Path) -> object:
        return parse_text(texts[path], path.name)

    def load(path: Path) -> object:
        return loader.load(path.name)

    def load_document(path: Path) -> object:
        document = loader.load(path.name).document
        return document.lines if document is not None else None

    def compat(path: Path) -> object:
        try:
            return PystConfig(path)
        except Exception:  # pragma: no cover - pyst2's files are valid for Asterisk too
            return None

    def compat_lines(path: Path) -> object:
        try:
            return PystConfig(path).lines
        except Exception:  # pragma: no cover - pyst2's files are valid for Asterisk too
            return None

    slow = min(passes, SLOW_PASSES)
    readers: list[tuple[str, Callable[[Path], object] | None, list[Path], int]] = [
        (BASELINE, pyst2, common, passes),
        ("pyst.config load", load, common, passes),
        ("pyst.config load + document.lines", load_document, common, passes),
        ("pyst.config Config (pyst2 API)", compat, common, passes),
        ("pyst.config Config + .lines", compat_lines, common, passes),
        ("asterisklint 0.4.3", lint, common, slow),
        ("pyst.config load, all 101 files", load, every, passes),
        (MEMORY_BASELINE, pyst2_memory, common, passes),
        ("pyst.config parse_text, text in memory", parse_memory, common, passes),
    ]
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}
    for _ in range(trials):
        for name, reader, paths, count in readers:
            if reader is None:
                continue
            gc.collect()
            start_cpu = time.process_time()
            start = time.perf_counter()
            for _ in range(count):
                for path in paths:
                    reader(path)
            elapsed = time.perf_counter() - start
            elapsed_cpu = time.process_time() - start_cpu
            wall[name] = min(wall.get(name, math.inf), elapsed)
            cpu[name] = min(cpu.get(name, math.inf), elapsed_cpu)
    rows: list[dict[str, Any]] = []
    rates: dict[str, tuple[float, float]] = {}
    for name, reader, paths, count in readers:
        lines = _count_lines(paths)
        seconds = wall.get(name, math.nan)
        cpu_seconds = cpu.get(name, math.nan)
        rate = lines * count / seconds if reader is not None else math.nan
        cpu_rate = lines * count / cpu_seconds if reader is not None and cpu_seconds else math.nan
        rates[name] = (rate, cpu_rate)
        rows.append(
            {
                "reader": name,
                "files": len(paths),
                "lines": lines,
                "passes": count,
                "seconds": seconds,
                METRIC: rate,
                "cpu lines/s": cpu_rate,
            }
        )
    base_cpu = rates.get(BASELINE, (math.nan, math.nan))[1]
    for row in rows:
        row["cpu vs pyst2"] = _ratio(rates[row["reader"]][1], base_cpu)
    notes = [
        "lines/s and 'vs pyst2' use wall time, 'cpu vs pyst2' the CPU time of this process; "
        "each is the best of the trials.",
        "'Config (pyst2 API)' builds categories and items; 'Config + .lines' also builds an "
        "object for every line, which pyst.config does on first use of .lines.",
    ]
    memory_base = rates.get(MEMORY_BASELINE)
    parse_rate = rates.get("pyst.config parse_text, text in memory")
    if memory_base is not None and parse_rate is not None:
        notes.append(
            "like for like, text in memory: parse_text vs pyst2 "
            f"{_ratio(parse_rate[0], memory_base[0])} (wall), "
            f"{_ratio(parse_rate[1], memory_base[1])} (cpu)."
        )
    try:
        from bench import Table
    except ImportError:  # pragma: no cover - run as a plain script
        return rows
    return Table("config", rows, METRIC, BASELINE, notes=notes)


def main() -> int:
    result = run(quick="--quick" in sys.argv[1:])
    try:
        from bench import Table, format_table, machine_header

        print(machine_header())
        table = result if isinstance(result, Table) else Table("config", result, METRIC, BASELINE)
        print(format_table(table))
    except ImportError:  # pragma: no cover - run as a plain script
        base = next(r[METRIC] for r in result if r["reader"] == BASELINE)
        for row in result:
            ratio = row[METRIC] / base if base == base else math.nan
            print(f"{row['reader']:40} {row[METRIC]:>12,.0f} lines/s  {ratio:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
