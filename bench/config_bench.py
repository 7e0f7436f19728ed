"""Config reading speed: pyst.config vs pyst2 0.5.1 (``asterisk.config``) and asterisklint 0.4.3.

Input: the 101 ``*.conf.sample`` files of Asterisk 22.10.1 (``shared/asterisk-sample-configs``,
16,860 lines). pyst2 cannot read 10 of them (templates, block comments, a Latin-1 byte...), so
every reader is timed on the 91 files pyst2 reads (14,606 lines); one extra row times pyst.config
on all 101.

One pass reads every file of the set from disk; a measurement is ``PASSES`` passes in a row (20,
or 3 with ``--quick``; 5 for asterisklint, which is ten times slower). The readers take turns,
``TRIALS`` times (5, or 1 with ``--quick``), and each keeps its fastest measurement, so that a
burst of load on a shared machine hits everyone alike. ``lines/s`` is lines read per second of
wall time.

What each row runs:

* ``pyst2 0.5.1 Config``: ``asterisk.config.Config(path)`` (open, readlines, its ``Line``,
  ``Category`` and ``Item`` objects for every line).
* ``pyst.config load``: ``ConfigLoader(dir).load(name)``: glob/stat/read as Asterisk does, the
  resolved view (categories, keys, inheritance) and the diagnostics. The document view is kept
  as the file text and only split into line objects when asked for.
* ``pyst.config load + document``: the same, then ``document.lines`` (every line classified).
* ``pyst.config Config (pyst2 API)``: ``pyst.config.Config(path)``, pyst2's object model built on
  the new reader (resolved view, document view and pyst2 objects for every line).
* ``asterisklint 0.4.3``: ``FileConfigParser().include(path)`` then iterating its contexts, with
  its messages muted.
* ``... text in memory`` rows: the parsers alone, without the file system: every file is read
  once beforehand, then pyst2's ``Config`` gets its ``raw_lines`` from memory (its ``load`` is
  replaced; ``parse`` is its own) and pyst.config runs ``parse_text`` on the text.

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
PASSES = 20
QUICK_PASSES = 3
TRIALS = 5
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


def run(quick: bool | None = None) -> list[dict[str, Any]]:
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

    slow = min(passes, SLOW_PASSES)
    readers: list[tuple[str, Callable[[Path], object] | None, list[Path], int]] = [
        (BASELINE, pyst2, common, passes),
        ("pyst.config load", load, common, passes),
        ("pyst.config load + document", load_document, common, passes),
        ("pyst.config Config (pyst2 API)", compat, common, passes),
        ("asterisklint 0.4.3", lint, common, slow),
        ("pyst.config load, all 101 files", load, every, passes),
        ("pyst2 0.5.1 Config, text in memory", pyst2_memory, common, passes),
        ("pyst.config parse_text, text in memory", parse_memory, common, passes),
    ]
    best: dict[str, float] = {}
    for _ in range(trials):
        for name, reader, paths, count in readers:
            if reader is None:
                continue
            gc.collect()
            start = time.perf_counter()
            for _ in range(count):
                for path in paths:
                    reader(path)
            elapsed = time.perf_counter() - start
            best[name] = min(best.get(name, math.inf), elapsed)
    rows: list[dict[str, Any]] = []
    for name, reader, paths, count in readers:
        lines = _count_lines(paths)
        seconds = best.get(name, math.nan)
        rows.append(
            {
                "reader": name,
                "files": len(paths),
                "lines": lines,
                "passes": count,
                "seconds": seconds,
                METRIC: lines * count / seconds if reader is not None else math.nan,
            }
        )
    return rows


def main() -> int:
    rows = run(quick="--quick" in sys.argv[1:])
    try:
        from bench import Table, format_table, machine_header

        print(machine_header())
        print(format_table(Table("config", rows, METRIC, BASELINE)))
    except ImportError:  # pragma: no cover - run as a plain script
        base = next(r[METRIC] for r in rows if r["reader"] == BASELINE)
        for row in rows:
            ratio = row[METRIC] / base if base == base else math.nan
            print(f"{row['reader']:34} {row[METRIC]:>12,.0f} lines/s  {ratio:5.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
