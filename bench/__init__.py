"""Side-by-side benchmarks of pyst against the libraries it replaces (pyst2, panoramisk, pystrix).

Run them with ``make bench`` (or ``bench/.venv/bin/python -m bench [NAME...] [--quick]``).
Each benchmark is a module ``bench/<name>_bench.py`` with a ``run()`` function returning either a
list of row dicts, a :class:`Table`, a dict with the same keys as :class:`Table`, or a list of
tables; ``run`` may take a ``quick: bool`` keyword (short run). The runner (``bench/__main__.py``)
prints every table aligned, with a ratio column when the table names its metric and baseline.

This package also holds small helpers shared by the benchmarks: :class:`Table`, table formatting,
the machine header, best-of-N timing, and a raw stream that serves bytes in fixed chunks the way a
socket does (for peers that read through a file object).
"""

from __future__ import annotations

import datetime
import gc
import io
import os
import platform
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

__all__ = [
    "ChunkedRaw",
    "Table",
    "best_of",
    "chunked",
    "format_table",
    "format_value",
    "machine_header",
    "quick_mode",
]

T = TypeVar("T")

#: Environment variable set by ``python -m bench --quick`` for modules whose ``run`` takes no
#: arguments.
QUICK_ENV = "PYST_BENCH_QUICK"


@dataclass
class Table:
    """One result table.

    ``rows`` are dicts sharing the same keys (missing cells print empty); the first key of the
    first row labels the rows. When ``metric`` (a column name) and ``baseline`` (a row label) are
    given, the runner adds a column ``vs <baseline>`` with ``row[metric] / baseline[metric]``
    (or the inverse when ``lower_is_better``).
    """

    title: str
    rows: list[dict[str, Any]]
    metric: str | None = None
    baseline: str | None = None
    lower_is_better: bool = False
    notes: list[str] = field(default_factory=list)

    @classmethod
    def coerce(cls, obj: Any, default_title: str) -> list[Table]:
        """Turn whatever a benchmark's ``run()`` returned into a list of tables.

        Raises ``TypeError`` for anything that is not rows, a table, a dict or a list of those.
        """
        if isinstance(obj, Table):
            return [obj]
        if isinstance(obj, Mapping) and "rows" in obj:
            return [cls(**{"title": default_title, **obj})]
        if isinstance(obj, Sequence) and not isinstance(obj, (str, bytes)):
            items = list(obj)
            if all(isinstance(r, Mapping) and "rows" not in r for r in items):
                return [cls(default_title, [dict(r) for r in items])]
            tables: list[Table] = []
            for item in items:
                tables.extend(cls.coerce(item, default_title))
            return tables
        raise TypeError(f"{default_title}: run() returned {type(obj).__name__}, not rows or tables")


def quick_mode() -> bool:
    """True when the runner was asked for a short run (``--quick``)."""
    return os.environ.get(QUICK_ENV, "") not in ("", "0")


def format_value(value: Any) -> str:
    """Numbers for people: thousands separators, three significant figures for small floats."""
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN: a measurement that could not be made
            return "n/a"
        magnitude = abs(value)
        if magnitude >= 1000:
            return f"{value:,.0f}"
        if magnitude >= 100:
            return f"{value:.1f}"
        if magnitude >= 1 or magnitude == 0:
            return f"{value:.2f}"
        return f"{value:.3g}"
    return str(value)


def _ratio_column(table: Table) -> tuple[str, list[str]] | None:
    if not table.metric or table.baseline is None or not table.rows:
        return None
    label = next(iter(table.rows[0]))
    base = next((r for r in table.rows if str(r.get(label)) == table.baseline), None)
    if base is None or not isinstance(base.get(table.metric), (int, float)):
        return None
    base_value = float(base[table.metric])
    if base_value != base_value:  # the baseline could not be measured
        return None
    cells: list[str] = []
    for row in table.rows:
        value = row.get(table.metric)
        if not isinstance(value, (int, float)) or not base_value or not value or value != value:
            cells.append("")
            continue
        ratio = base_value / value if table.lower_is_better else value / base_value
        cells.append(f"{ratio:.2f}x")
    return f"vs {table.baseline}", cells


def format_table(table: Table) -> str:
    """The table as aligned text: title, header, rule, rows, then notes."""
    columns: list[str] = []
    for row in table.rows:
        for key in row:
            if key not in columns:
                columns.append(key)
    grid = [[format_value(row.get(c)) for c in columns] for row in table.rows]
    numeric = [
        all(isinstance(row.get(c), (int, float)) or row.get(c) is None for row in table.rows)
        for c in columns
    ]
    ratio = _ratio_column(table)
    if ratio is not None:
        columns.append(ratio[0])
        numeric.append(True)
        for line, cell in zip(grid, ratio[1], strict=True):
            line.append(cell)
    widths = [max([len(c)] + [len(line[i]) for line in grid]) for i, c in enumerate(columns)]

    def fmt(cells: Iterable[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            out.append(cell.rjust(widths[i]) if numeric[i] and i else cell.ljust(widths[i]))
        return "  ".join(out).rstrip()

    lines = [table.title, fmt(columns), "  ".join("-" * w for w in widths)]
    lines.extend(fmt(line) for line in grid)
    lines.extend(f"  * {note}" for note in table.notes)
    return "\n".join(lines)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_header() -> str:
    """One line of machine facts to print above the results."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        usable = os.cpu_count() or 0
    impl = platform.python_implementation()
    today = datetime.date.today().isoformat()
    return (
        f"# {today}  {impl} {platform.python_version()}  cores={os.cpu_count()} (usable {usable})"
        f"  {_cpu_model()}  {platform.system()} {platform.release()}"
    )


def best_of(repeat: int, func: Callable[[], T]) -> tuple[float, T]:
    """Run ``func`` ``repeat`` times and return (fastest wall time in seconds, its last result).

    The garbage collector is emptied before each run so that one run does not pay for the
    garbage of the previous one; it stays enabled during the run, as in real use.
    """
    best = float("inf")
    result: Any = None
    for _ in range(max(1, repeat)):
        gc.collect()
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def chunked(data: bytes, size: int) -> list[bytes]:
    """``data`` cut into ``size``-byte pieces (the last one may be shorter)."""
    return [data[i : i + size] for i in range(0, len(data), size)]


class ChunkedRaw(io.RawIOBase):
    """A raw, readable stream that hands out pre-cut chunks like a socket's ``recv``.

    Each ``readinto`` returns at most the rest of the current chunk, never more than the caller
    asked for (so a 64 KB chunk read through an 8 KB ``BufferedReader`` arrives in 8 KB reads,
    as with ``socket.makefile("rb")``). At the end it returns 0 (EOF), or raises
    ``ConnectionResetError`` when ``eof_error`` is true, for readers that only stop on an error.
    """

    def __init__(self, chunks: Sequence[bytes], *, eof_error: bool = False) -> None:
        super().__init__()
        self._chunks = chunks
        self._index = 0
        self._offset = 0
        self._eof_error = eof_error

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while self._index < len(self._chunks):
            chunk = self._chunks[self._index]
            rest = len(chunk) - self._offset
            if rest <= 0:
                self._index += 1
                self._offset = 0
                continue
            n = min(rest, len(buffer))
            buffer[:n] = chunk[self._offset : self._offset + n]
            self._offset += n
            return n
        if self._eof_error:
            raise ConnectionResetError("end of benchmark data")
        return 0
