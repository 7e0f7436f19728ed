"""Read the JSON-lines transcripts of real Asterisk traffic (``shared/captures/*.jsonl``).

Format (see the captures README): one JSON object per line; ``meta`` first, then ``connect``,
``data`` (exact bytes as a JSON string, or base64 in ``data_b64``), ``note``, ``close``,
``shutdown_wr``, ``signal`` and ``exit`` records. ``t`` is seconds since the start.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Record:
    """One transcript record; ``data`` is set for ``type == "data"`` records."""

    type: str
    t: float
    conn: str | None = None
    dir: str | None = None
    data: bytes = b""
    raw: dict[str, object] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Capture:
    """A whole transcript: its ``meta`` record and the rest in order."""

    path: Path
    meta: dict[str, object]
    records: tuple[Record, ...]

    @property
    def flow(self) -> str:
        return str(self.meta.get("flow", self.path.stem))

    def connections(self) -> list[str]:
        """Connection names in order of first appearance (``c1``, ``c2``, ``agi``...)."""
        seen: list[str] = []
        for r in self.records:
            if r.conn is not None and r.conn not in seen:
                seen.append(r.conn)
        return seen

    def chunks(self, conn: str, direction: str) -> list[bytes]:
        """The exact data chunks of one connection and direction, as they were received."""
        return [
            r.data
            for r in self.records
            if r.type == "data" and r.conn == conn and r.dir == direction
        ]

    def stream(self, conn: str, direction: str) -> bytes:
        """All bytes of one connection and direction, joined."""
        return b"".join(self.chunks(conn, direction))


def _record(obj: dict[str, object]) -> Record:
    data = b""
    if "data" in obj:
        data = str(obj["data"]).encode("utf-8", "surrogateescape")
    elif "data_b64" in obj:
        data = base64.b64decode(str(obj["data_b64"]))
    t = obj.get("t", 0.0)
    return Record(
        type=str(obj.get("type", "")),
        t=float(t) if isinstance(t, (int, float)) else 0.0,
        conn=str(obj["conn"]) if "conn" in obj else None,
        dir=str(obj["dir"]) if "dir" in obj else None,
        data=data,
        raw=obj,
    )


def load_capture(path: str | os.PathLike[str]) -> Capture:
    """Read one ``.jsonl`` transcript; raises ``ValueError`` naming file and line on bad JSON."""
    p = Path(path)
    meta: dict[str, object] = {}
    records: list[Record] = []
    with p.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{p}:{lineno}: not a JSON object: {exc}") from exc
            if not isinstance(obj, dict):
                raise ValueError(f"{p}:{lineno}: not a JSON object")
            if obj.get("type") == "meta":
                meta = obj
            else:
                records.append(_record(obj))
    return Capture(p, meta, tuple(records))


def find_shared_dir(start: str | os.PathLike[str] | None = None) -> Path | None:
    """Locate the project's ``shared`` folder (sibling of the repository root), or None.

    ``PYST_SHARED_DIR`` overrides the search.
    """
    env = os.environ.get("PYST_SHARED_DIR")
    if env:
        return Path(env) if Path(env).is_dir() else None
    here = Path(start) if start is not None else Path(__file__).resolve().parent
    for parent in [here, *here.parents]:
        candidate = parent / "shared"
        if (candidate / "captures").is_dir() and parent / "shared" != here:
            return candidate
    return None


def iter_captures(shared: Path) -> Iterator[Capture]:
    """Every transcript in ``shared/captures``, sorted by file name."""
    for p in sorted((shared / "captures").glob("*.jsonl")):
        yield load_capture(p)
