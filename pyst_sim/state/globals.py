"""Global dialplan variables (``[globals]`` of extensions.conf, ``Setvar`` without a channel,
``GLOBAL()``, ``Set(GLOBAL(x)=...)``). Names are case-sensitive, as in Asterisk 22."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, MutableMapping


class GlobalVariables(MutableMapping[str, str]):
    """A thread-safe ``{name: value}`` of global variables (shared by the AMI and AGI fakes)."""

    def __init__(self, initial: Mapping[str, str] | None = None) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, str] = dict(initial or {})

    def __getitem__(self, name: str) -> str:
        with self._lock:
            return self._data[name]

    def __setitem__(self, name: str, value: str) -> None:
        with self._lock:
            self._data[name] = value

    def __delitem__(self, name: str) -> None:
        with self._lock:
            del self._data[name]

    def __iter__(self) -> Iterator[str]:
        with self._lock:
            return iter(list(self._data))

    def __len__(self) -> int:
        with self._lock:
            return len(self._data)

    def snapshot(self) -> dict[str, str]:
        """A copy of every global."""
        with self._lock:
            return dict(self._data)

    def __repr__(self) -> str:
        return f"GlobalVariables({self.snapshot()!r})"
