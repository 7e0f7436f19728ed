"""Reading what a server subprocess prints on stderr, without blocking past a deadline."""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import time


def wait_for_stderr(
    proc: subprocess.Popen[bytes], pattern: bytes, timeout: float = 20.0
) -> tuple[re.Match[bytes] | None, bytes]:
    """Read ``proc``'s stderr until ``pattern`` matches what was read, EOF or ``timeout``
    seconds; returns the match (None if it never matched) and everything read."""
    assert proc.stderr is not None
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stderr, selectors.EVENT_READ)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not selector.select(deadline - time.monotonic()):
                break
            chunk = os.read(proc.stderr.fileno(), 4096)
            if not chunk:
                break
            buffer += chunk
            found = re.search(pattern, buffer)
            if found is not None:
                return found, buffer
    return None, buffer
