"""AstDB: Asterisk's family/key database, as main/db.c and the AMI/AGI front ends see it.

Asterisk stores every entry under the path ``/family/key`` (the key may itself contain ``/``).
``DBGetTree``/``database show`` list full paths; ``DBDelTree`` with a key removes that key and
everything below ``/family/key/``; without a key the whole family goes. One instance is shared by
a fake AMI server and the AGI simulators of one test, so both ends see the same data.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping


class AstDB:
    """A thread-safe in-memory AstDB (AMI runs on an event loop, AGI handlers may be threads)."""

    def __init__(self, initial: Mapping[str, str] | None = None) -> None:
        """``initial`` maps full paths (``"/family/key"`` or ``"family/key"``) to values."""
        self._data: dict[str, str] = {}
        self._lock = threading.Lock()
        for path, value in (initial or {}).items():
            family, _, key = path.strip("/").partition("/")
            self.put(family, key, value)

    @staticmethod
    def _path(family: str, key: str) -> str:
        return f"/{family}/{key}"

    def put(self, family: str, key: str, value: str) -> None:
        """Store a value (``DBPut``, ``DATABASE PUT``)."""
        with self._lock:
            self._data[self._path(family, key)] = value

    def get(self, family: str, key: str) -> str | None:
        """The value, or None when the entry does not exist."""
        with self._lock:
            return self._data.get(self._path(family, key))

    def delete(self, family: str, key: str) -> bool:
        """Remove one entry; False when it did not exist (AMI: entry could not be deleted)."""
        with self._lock:
            return self._data.pop(self._path(family, key), None) is not None

    def deltree(self, family: str, key: str | None = None) -> int:
        """Remove a family, or a key and everything below it; returns how many were removed."""
        prefix = self._path(family, key) if key else f"/{family}"
        with self._lock:
            doomed = [p for p in self._data if p == prefix or p.startswith(prefix + "/")]
            for p in doomed:
                del self._data[p]
        return len(doomed)

    def tree(self, family: str | None = None, key: str | None = None) -> list[tuple[str, str]]:
        """``(full path, value)`` pairs below family[/key], sorted like Asterisk's SQLite order."""
        if family:
            prefix = self._path(family, key) if key else f"/{family}"
        else:
            prefix = ""
        with self._lock:
            items = [
                (p, v)
                for p, v in self._data.items()
                if not prefix or p == prefix or p.startswith(prefix + "/")
            ]
        return sorted(items)

    def __len__(self) -> int:
        return len(self._data)

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(sorted(self._data))

    def as_dict(self) -> dict[str, str]:
        """A snapshot ``{full path: value}``."""
        with self._lock:
            return dict(self._data)
