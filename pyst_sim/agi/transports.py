"""How the simulated Asterisk reaches the AGI app: a socket (FastAGI, or a socketpair for an
in-process handler) or a child process's pipes (a classic AGI script), and the loop that
drives an :class:`~pyst_sim.agi.engine.AGIEngine` over either.

Everything here is bounded in wall time: a read waits at most ``timeout`` seconds for the
app (then the session is aborted and :class:`AGITimeoutError` raised by the caller), a script
that does not exit is killed, writes to an app that stopped reading give up.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import selectors
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Protocol
from urllib.parse import urlsplit

from pyst_sim.agi.engine import (
    Action,
    AGIEngine,
    CloseConnection,
    SendData,
    SendSignal,
    WaitForExit,
)
from pyst_sim.agi.record import CallRecord
from pyst_sim.errors import SimulatorError

__all__ = [
    "ASTERISK_ENV",
    "FASTAGI_PORT",
    "AGITimeoutError",
    "ProcessTransport",
    "SocketTransport",
    "Transport",
    "connect_fastagi",
    "drive",
    "start_script",
]

#: Asterisk's default FastAGI port (``AGI_PORT``).
FASTAGI_PORT = 4573
#: Seconds Asterisk tries to connect to a FastAGI server (``MAX_AGI_CONNECT``).
CONNECT_TIMEOUT = 2.0
_READ = 65536
_PIPE_CHUNK = 512
logger = logging.getLogger(__name__)

#: The variables Asterisk puts in a local script's environment (``launch_script``), with the
#: default paths of a source install.
ASTERISK_ENV: Mapping[str, str] = {
    "AST_CONFIG_DIR": "/etc/asterisk",
    "AST_CONFIG_FILE": "/etc/asterisk/asterisk.conf",
    "AST_MODULE_DIR": "/usr/lib/asterisk/modules",
    "AST_SPOOL_DIR": "/var/spool/asterisk",
    "AST_MONITOR_DIR": "/var/spool/asterisk/monitor",
    "AST_VAR_DIR": "/var/lib/asterisk",
    "AST_DATA_DIR": "/var/lib/asterisk",
    "AST_LOG_DIR": "/var/log/asterisk",
    "AST_AGI_DIR": "/var/lib/asterisk/agi-bin",
    "AST_KEY_DIR": "/var/lib/asterisk/keys",
    "AST_RUN_DIR": "/var/run/asterisk",
}


class AGITimeoutError(SimulatorError, TimeoutError):
    """The AGI app stopped answering (no command within the wall-clock timeout), or did not
    finish; ``record`` is the call so far."""

    def __init__(self, message: str, record: CallRecord | None = None) -> None:
        super().__init__(message)
        self.record = record


class Transport(Protocol):
    """What :func:`drive` needs from a connection to the app."""

    def send(self, data: bytes) -> None:
        """Write ``data``; a connection the app closed is not an error."""

    def recv(self, timeout: float) -> bytes | None:
        """Up to 64 KiB from the app; ``b""`` at EOF, None after ``timeout`` seconds."""

    def signal(self, signum: int) -> None:
        """Signal the app (local scripts only)."""

    def wait_exit(self, timeout: float) -> int | None:
        """The app's exit status (local scripts; None: none, or it had to be killed)."""

    def close(self) -> None:
        """Close the connection (idempotent)."""


class SocketTransport:
    """A connected socket (FastAGI client side, or one end of a socketpair)."""

    def __init__(self, sock: socket.socket, *, write_timeout: float = 10.0) -> None:
        self.sock = sock
        self.write_timeout = write_timeout
        self.closed = False

    def send(self, data: bytes) -> None:
        if self.closed:
            return
        try:
            self.sock.settimeout(self.write_timeout)
            self.sock.sendall(data)
        except OSError:
            # The app closed its end (or stopped reading): Asterisk's write fails the same way
            # and the session ends when the read side sees EOF.
            pass

    def recv(self, timeout: float) -> bytes | None:
        if self.closed:
            return b""
        try:
            self.sock.settimeout(timeout)
            return self.sock.recv(_READ)
        except TimeoutError:
            return None
        except OSError:
            return b""

    def signal(self, signum: int) -> None:
        """Sockets carry no signals."""

    def wait_exit(self, timeout: float) -> int | None:
        return None

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()


class ProcessTransport:
    """A child process: we write its stdin, read its stdout; stderr goes to a temporary file."""

    def __init__(
        self, proc: subprocess.Popen[bytes], stderr: IO[bytes], *, write_timeout: float = 10.0
    ) -> None:
        self.proc = proc
        self.write_timeout = write_timeout
        self._stderr = stderr
        assert proc.stdin is not None and proc.stdout is not None
        self._stdin: IO[bytes] | None = proc.stdin
        self._stdout: IO[bytes] | None = proc.stdout
        self._selector = selectors.DefaultSelector()
        self._selector.register(proc.stdout, selectors.EVENT_READ)

    def send(self, data: bytes) -> None:
        """Write to the script's stdin; give up (as on a broken pipe) if the script has not
        read for ``write_timeout`` seconds, so a script that stopped reading cannot block us."""
        if self._stdin is None:
            return
        fd = self._stdin.fileno()
        deadline = time.monotonic() + self.write_timeout
        view = memoryview(data)
        try:
            while view:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not select.select([], [fd], [], remaining)[1]:
                    logger.warning("the AGI script stopped reading its input; reply dropped")
                    return
                # At most PIPE_BUF bytes: a writable pipe takes them without blocking.
                view = view[os.write(fd, view[:_PIPE_CHUNK]) :]
        except (BrokenPipeError, ConnectionResetError):
            pass

    def recv(self, timeout: float) -> bytes | None:
        if self._stdout is None:
            return b""
        if not self._selector.select(timeout):
            return None
        try:
            return os.read(self._stdout.fileno(), _READ)
        except OSError:
            return b""

    def signal(self, signum: int) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.proc.send_signal(signum)

    def wait_exit(self, timeout: float) -> int | None:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(10)
            return None

    def close(self) -> None:
        for stream in (self._stdin, self._stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()
        if self._stdout is not None:
            self._selector.close()
        self._stdin = self._stdout = None

    def finish(self, timeout: float) -> str:
        """Close everything, kill the child if it still runs, and return its stderr text."""
        self.close()
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._stderr.seek(0)
        text = self._stderr.read().decode("utf-8", "replace")
        self._stderr.close()
        return text


def _perform(engine: AGIEngine, transport: Transport, actions: Sequence[Action],
             exit_timeout: float) -> None:
    for action in actions:
        if isinstance(action, SendData):
            transport.send(action.data)
        elif isinstance(action, SendSignal):
            transport.signal(action.signum)
        elif isinstance(action, WaitForExit):
            engine.process_exited(transport.wait_exit(exit_timeout), action.counts)
        elif isinstance(action, CloseConnection):
            transport.close()


def drive(engine: AGIEngine, transport: Transport, *, timeout: float,
          exit_timeout: float | None = None) -> str | None:
    """Run ``engine`` over ``transport`` until the AGI ends; finalises the call record.

    Returns None, or a message when the app sent nothing for ``timeout`` seconds (the session
    was then aborted). Never raises for what the app does.
    """
    started = time.perf_counter()
    wait = timeout if exit_timeout is None else exit_timeout
    problem: str | None = None
    try:
        _perform(engine, transport, engine.start(), wait)
        while True:
            _perform(engine, transport, engine.step(), wait)
            if engine.finished:
                break
            data = transport.recv(timeout)
            if data is None:
                last = engine.channel.record.transcript
                after = f" (last command: {last[-1].command!r})" if last else ""
                problem = f"the AGI app sent nothing for {timeout:g} s of wall time{after}"
                _perform(engine, transport, engine.abort(problem), wait)
                break
            engine.receive_data(data)
    finally:
        transport.close()
        engine.finalize(time.perf_counter() - started)
    return problem


# --- starting the app ---------------------------------------------------------------------------


def start_script(
    script: str | os.PathLike[str],
    args: Sequence[str],
    *,
    interpreter: Sequence[str] | None = None,
    env: Mapping[str, str] | None = None,
    cwd: str | os.PathLike[str] | None = None,
) -> ProcessTransport:
    """Start a classic AGI script with Asterisk's environment variables added to ours (so a
    coverage.py run measures the script too).

    A ``.py`` script runs with the current Python unless ``interpreter`` is given (``()``
    executes the file itself, as Asterisk does).

    Raises:
        SimulatorError: the script does not exist (Asterisk would set AGISTATUS=NOTFOUND) or
            cannot be started.
    """
    path = Path(script)
    if not path.is_file():
        raise SimulatorError(
            f"AGI script not found: {path} (Asterisk would answer AGISTATUS=NOTFOUND)"
        )
    if interpreter is None:
        interpreter = (sys.executable,) if path.suffix == ".py" else ()
    argv = [*interpreter, str(path), *args]
    child_env = dict(os.environ)
    child_env.update(ASTERISK_ENV)
    child_env.update(env or {})
    # Kept open until the call is over, then read and closed by ProcessTransport.finish().
    stderr = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr,
            env=child_env, cwd=cwd, close_fds=True, bufsize=0,
        )
    except OSError as exc:
        stderr.close()
        raise SimulatorError(f"cannot start AGI script {' '.join(argv)}: {exc}") from exc
    return ProcessTransport(proc, stderr)


def parse_fastagi_url(url: str) -> tuple[str, int]:
    """Host and port of ``agi://host[:port][/script]`` (``hagi://`` only with a port).

    Raises:
        SimulatorError: not an ``agi://`` URL, or ``hagi://`` without a port (SRV lookups are
            not simulated).
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("agi", "hagi") or not parts.hostname:
        raise SimulatorError(f"not a FastAGI URL (agi://host[:port]/script): {url!r}")
    try:
        port = parts.port
    except ValueError as exc:
        raise SimulatorError(f"bad port in {url!r}: {exc}") from exc
    if scheme == "hagi" and port is None:
        raise SimulatorError(f"{url!r}: hagi:// needs DNS SRV records; give a port instead")
    return parts.hostname, port or FASTAGI_PORT


def connect_fastagi(url: str, *, connect_timeout: float = CONNECT_TIMEOUT) -> SocketTransport:
    """Connect to the FastAGI server of ``url``, as Asterisk does (2 s per attempt).

    Raises:
        SimulatorError: bad URL, or no server answers (Asterisk would answer
            AGISTATUS=FAILURE).
    """
    host, port = parse_fastagi_url(url)
    try:
        sock = socket.create_connection((host, port), timeout=connect_timeout)
    except OSError as exc:
        raise SimulatorError(
            f"cannot connect to the FastAGI server {host}:{port} ({exc}); Asterisk would "
            f"answer AGISTATUS=FAILURE"
        ) from exc
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return SocketTransport(sock)


def sighup_available() -> bool:
    """Whether this platform can signal scripts (classic AGI needs SIGHUP)."""
    return hasattr(signal, "SIGHUP")
