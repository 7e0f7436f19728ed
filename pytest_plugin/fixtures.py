"""pytest fixtures of pyst-sim.

``fake_ami``            a running FakeAMIServer (one per session and xdist worker, on
                        127.0.0.1 port 0), cleared before each test and checked strictly at
                        teardown; with ``address``, ``username``/``secret`` and ``client``
``agi_call``            ``agi_call(app, caller=..., **options) -> CallRecord``: run a handler,
                        an AGI script or a FastAGI URL through the AGI channel simulator
``asterisk_config_dir`` a folder in ``tmp_path`` holding .conf files built from dicts or text
``asterisk_config``     ``asterisk_config(name, content) -> LoadedConfig``: the same, parsed
``ami_cassette``        record/replay of AMI traffic for this test (``--pyst-record-mode``)

Markers configure them per test: ``@pytest.mark.fake_ami(...)``,
``@pytest.mark.agi_call(...)``, ``@pytest.mark.asterisk_config({...})``,
``@pytest.mark.ami_cassette(...)``. This module imports only pytest at import time: the
simulators are imported by the fixtures that need them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pyst.config import LoadedConfig

__all__ = [
    "AGICallFactory",
    "AMICassette",
    "AsteriskConfigDir",
    "AsteriskConfigFactory",
    "FakeAMI",
    "agi_call",
    "ami_cassette",
    "asterisk_config",
    "asterisk_config_dir",
    "fake_ami",
    "fake_ami_server",
    "render_conf",
]

#: What a .conf file may be given as: its text, or {category: {key: value}} where a value may
#: be a list (repeated key) and a category may be a list of (key, value) pairs (keeps order and
#: repeats).
ConfContent = str | bytes | Mapping[str, Any]

# Keys written with "=>" (the dialplan's object lines); Asterisk reads "=" the same way.
_OBJECT_KEYS = frozenset({"exten", "same", "include", "switch", "lswitch", "eswitch", "ignorepat"})


def _conf_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def render_conf(content: Mapping[str, Any]) -> str:
    """A .conf file's text from ``{category: {key: value}}`` (see :data:`ConfContent`).

    Keys and values are escaped by :mod:`pyst.config.writer` (``;`` becomes ``\\;``); text it
    cannot write so that Asterisk reads it back raises ``ConfigValueError``. A category name
    ending in ``(!)`` is written as a template, ``(parent)`` as inheriting.
    """
    from pyst.config.writer import format_category, format_variable

    lines: list[str] = []
    for raw_name, body in content.items():
        name, template = raw_name, False
        inherits: tuple[str, ...] = ()
        if raw_name.endswith(")") and "(" in raw_name:
            name, _, opts = raw_name[:-1].partition("(")
            parts = [o.strip() for o in opts.split(",") if o.strip()]
            template = "!" in parts
            inherits = tuple(p for p in parts if p != "!")
        if lines:
            lines.append("")
        lines.append(format_category(name, template=template, inherits=inherits))
        pairs: Iterable[tuple[str, Any]]
        if isinstance(body, Mapping):
            pairs = body.items()
        elif body is None:
            pairs = ()
        else:
            pairs = [(str(k), v) for k, v in body]
        for key, value in pairs:
            values = value if isinstance(value, (list, tuple)) else [value]
            op = "=>" if key.lower() in _OBJECT_KEYS else "="
            lines.extend(format_variable(key, _conf_value(v), op) for v in values)
    return "\n".join(lines) + "\n"


class AsteriskConfigDir(os.PathLike[str]):
    """A config folder for one test; call it with ``{file name: content}`` to add files.

    It is path-like (``ConfigLoader(d)``, ``open(d / "x.conf")``); ``d.path`` is the
    :class:`~pathlib.Path`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)

    def __fspath__(self) -> str:
        return str(self.path)

    def __truediv__(self, name: str) -> Path:
        return self.path / name

    def __repr__(self) -> str:
        return f"AsteriskConfigDir({str(self.path)!r})"

    def write(self, name: str, content: ConfContent) -> Path:
        """Write one file (text, bytes or a dict for :func:`render_conf`); returns its path."""
        if "/" in name or "\\" in name or name in ("", ".", ".."):
            raise ValueError(f"a config file name, not a path: {name!r}")
        target = self.path / name
        if isinstance(content, bytes):
            target.write_bytes(content)
        elif isinstance(content, str):
            target.write_text(content, encoding="utf-8")
        else:
            target.write_text(render_conf(content), encoding="utf-8")
        return target

    def __call__(self, files: Mapping[str, ConfContent] | None = None, /, **more: ConfContent
                 ) -> Path:
        """Add files (``{"manager.conf": {...}}`` or ``manager_conf={...}``); returns the folder."""
        for name, content in {**(files or {}), **more}.items():
            self.write(name.replace("_conf", ".conf") if name.endswith("_conf") else name,
                       content)
        return self.path

    def load(self, name: str) -> LoadedConfig:
        """Parse ``name`` from this folder as Asterisk would; raises if Asterisk would not load it
        (``ConfigSyntaxError`` with file and line, ``ConfigNotFoundError``, ...)."""
        from pyst.config import ConfigLoader

        return ConfigLoader(self.path).load(name).raise_for_status()


def _marker_files(request: pytest.FixtureRequest) -> dict[str, ConfContent]:
    files: dict[str, ConfContent] = {}
    # Closest marker last, so a function's marker overrides its class's or module's.
    for mark in reversed(list(request.node.iter_markers("asterisk_config"))):
        if mark.args:
            if len(mark.args) != 1 or not isinstance(mark.args[0], Mapping):
                raise pytest.UsageError(
                    "@pytest.mark.asterisk_config takes one mapping {file name: content}"
                )
            files.update(mark.args[0])
        files.update(mark.kwargs)
    return files


@pytest.fixture
def asterisk_config_dir(request: pytest.FixtureRequest, tmp_path: Path) -> AsteriskConfigDir:
    """A config folder (``tmp_path/asterisk``) pre-filled from ``@pytest.mark.asterisk_config``.

    Call it to add files: ``asterisk_config_dir({"manager.conf": {"admin": {"secret": "x"}}})``
    returns the folder's path. Pass it to the fakes as their config directory.
    """
    folder = AsteriskConfigDir(tmp_path / "asterisk")
    folder(_marker_files(request))
    return folder


class AsteriskConfigFactory:
    """``asterisk_config(name, content=None)``: see the fixture."""

    def __init__(self, folder: AsteriskConfigDir) -> None:
        self.folder = folder

    def __call__(self, name: str, content: ConfContent | None = None) -> LoadedConfig:
        if content is not None:
            self.folder.write(name, content)
        return self.folder.load(name)


@pytest.fixture
def asterisk_config(asterisk_config_dir: AsteriskConfigDir) -> AsteriskConfigFactory:
    """``asterisk_config(name, content=None) -> LoadedConfig``: write (if given) and parse.

    ``content`` is text or ``{category: {key: value}}``; the file goes into
    ``asterisk_config_dir`` (so ``#include`` finds its neighbours) and is read back with
    :class:`pyst.config.ConfigLoader`. Raises ``ConfigSyntaxError`` (file, line) when Asterisk
    would reject it.
    """
    return AsteriskConfigFactory(asterisk_config_dir)


# --- simulators (wired to pyst_sim's servers) -------------------------------------------------


@pytest.fixture(scope="session")
def fake_ami_server() -> Iterator[Any]:
    """The session's FakeAMIServer (one per pytest-xdist worker), on 127.0.0.1, port 0.

    Running in a background thread (:class:`~pyst_sim.ami_server.ThreadedFakeAMIServer`).
    Tests use it through ``fake_ami``, which clears it before each test.
    """
    from pyst_sim.ami_server import FakeAMIServer

    server = FakeAMIServer().start_in_thread()
    try:
        yield server
    finally:
        server.stop()


class FakeAMI:
    """What the ``fake_ami`` fixture gives a test: the server, its address and clients.

    Every attribute of :class:`~pyst_sim.ami_server.FakeAMIServer` is reachable
    (``expect_action``, ``emit_event``, ``pbx``, ``log``, ``check``...). ``host``, ``port``,
    ``address``, ``username`` and ``secret`` say where and as whom to connect; ``client`` is
    a logged-in :class:`pyst.ami.blocking.BlockingAMIClient` made on first use, and
    :meth:`connect` makes more. Clients are closed at teardown.
    """

    def __init__(self, server: Any, username: str, secret: str) -> None:
        self.server = server
        self.username = username
        self.secret = secret
        self._clients: list[Any] = []
        self._client: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.server, name)

    def __repr__(self) -> str:
        return f"<FakeAMI {self.host}:{self.port} as {self.username}>"

    @property
    def host(self) -> str:
        return str(self.server.address[0])

    @property
    def port(self) -> int:
        return int(self.server.address[1])

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    def connect(self, *, login: bool = True, **options: Any) -> Any:
        """A new :class:`~pyst.ami.blocking.BlockingAMIClient`, logged in unless ``login`` is
        false; ``options`` go to its constructor (``timeout``...)."""
        from pyst.ami.blocking import BlockingAMIClient

        client = BlockingAMIClient(self.host, self.port, **options)
        client.connect()
        self._clients.append(client)
        if login:
            client.login(self.username, self.secret)
        return client

    @property
    def client(self) -> Any:
        """A logged-in blocking client, connected on first use."""
        if self._client is None or not self._client.connected:
            self._client = self.connect()
        return self._client

    def close_clients(self) -> None:
        for client in self._clients:
            try:
                client.close()
            except Exception:  # a client the test broke on purpose
                continue
        self._clients.clear()
        self._client = None


_FAKE_AMI_OPTIONS = {"users", "strict", "require_expectations", "time_scale",
                     "auth_failure_delay", "config_dir"}


@pytest.fixture
def fake_ami(request: pytest.FixtureRequest, fake_ami_server: Any) -> Iterator[FakeAMI]:
    """A running fake AMI server for this test, cleared before it and checked after it.

    The session's server (port 0, one per xdist worker) is cleared (expectations, log,
    sessions, PBX state); ``@pytest.mark.fake_ami(...)`` sets ``users`` (``{"name": "secret"}``
    or ``{"name": {"secret": ..., "read": ..., "write": ...}}``; the first one is the
    fixture's login), ``strict`` (default true: at teardown :meth:`check` raises
    :class:`~pyst_sim.errors.ExpectationError` for unmet expectations and actions the fake
    does not emulate, which pytest reports as an error of the test), ``require_expectations``,
    ``time_scale``, ``auth_failure_delay`` and ``config_dir``. With ``config_dir``, or a
    ``@pytest.mark.asterisk_config`` marker, the test gets its own server reading that folder
    (manager.conf, extensions.conf, queues.conf).
    """
    options = _marker_kwargs(request, "fake_ami")
    unknown = set(options) - _FAKE_AMI_OPTIONS
    if unknown:
        raise pytest.UsageError(
            f"@pytest.mark.fake_ami: unknown option(s) {', '.join(sorted(unknown))} "
            f"(known: {', '.join(sorted(_FAKE_AMI_OPTIONS))})"
        )
    config_dir = options.get("config_dir")
    if config_dir is None and request.node.get_closest_marker("asterisk_config") is not None:
        config_dir = request.getfixturevalue("asterisk_config_dir").path
    dedicated = None
    if config_dir is not None:
        from pyst_sim.ami_server import FakeAMIServer

        dedicated = FakeAMIServer(os.fspath(config_dir)).start_in_thread()
        server = dedicated
    else:
        server = fake_ami_server
        server.clear()
    saved = {k: getattr(server, k) for k in ("require_expectations", "time_scale",
                                              "auth_failure_delay")}
    responders = list(server.responders)
    for key in saved:
        if key in options:
            setattr(server.server, key, options[key])
    users = dict(options.get("users") or {})
    for name, spec in users.items():
        if isinstance(spec, str):
            server.pbx.add_user(name, spec)
        else:
            spec = dict(spec)
            server.pbx.add_user(name, str(spec.pop("secret", "")), **spec)
    if users:
        username = next(iter(users))
        first = users[username]
        secret = first if isinstance(first, str) else str(dict(first).get("secret", ""))
    else:
        existing = next(iter(server.pbx.users.values()), None)
        username = existing.name if existing is not None else "admin"
        secret = (existing.secret or "") if existing is not None else "secret"
    handle = FakeAMI(server, username, secret)
    try:
        yield handle
        handle.close_clients()
        if options.get("strict", True):
            server.check()
    finally:
        handle.close_clients()
        for r in server.responders:
            if r not in responders:
                server.remove_responder(r)
        for key, value in saved.items():
            setattr(server.server, key, value)
        if dedicated is not None:
            dedicated.stop()


#: Records of the calls a test made (shown in its report when it fails).
CALLS_KEY = pytest.StashKey[list[Any]]()


def _marker_kwargs(request: pytest.FixtureRequest, name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for mark in reversed(list(request.node.iter_markers(name))):
        if mark.args:
            raise pytest.UsageError(f"@pytest.mark.{name} takes keyword arguments only")
        out.update(mark.kwargs)
    return out


def seed_for(nodeid: str) -> int:
    """A seed that is the same for a test on every run (its node id's CRC-32)."""
    import zlib

    return zlib.crc32(nodeid.encode("utf-8"))


_CALLER_SHORTCUTS = ("callerid", "dtmf", "hangup_at", "hangup_on_prompt", "hangup_delay",
                     "texts", "talk")


class AGICallFactory:
    """``agi_call(app, *args, caller=None, **options) -> CallRecord``.

    ``app``: a handler (sync or async callable), a script path (or ``[script, args...]``), an
    ``agi://`` URL, or a ``"module:function"`` string. ``caller``: a
    :class:`pyst_sim.agi.Caller`, a mapping of its arguments, or the caller id as a string;
    ``callerid``, ``dtmf``, ``hangup_at``, ``hangup_on_prompt``, ``hangup_delay``, ``texts`` and
    ``talk`` may also be given directly.
    ``options`` are :func:`pyst_sim.agi.simulate_call`'s (``seed``, ``sounds``,
    ``applications``, ``context``, ``variables``...), after the defaults from
    ``@pytest.mark.agi_call(...)``. The seed defaults to one derived from the test's id, so a
    test sees the same generated caller ids and channel names on every run. What the app
    raises is raised here (``raise_errors=False`` keeps it in ``record.error``).
    """

    def __init__(self, nodeid: str, defaults: Mapping[str, Any], astdb: Any,
                 records: list[Any]) -> None:
        self.nodeid = nodeid
        self.defaults = dict(defaults)
        self.astdb = astdb
        self.records = records

    def __call__(self, app: Any, *args: str, caller: Any = None, **options: Any) -> Any:
        from pyst_sim.agi import Caller, simulate_call

        merged = {**self.defaults, **options}
        if caller is None:
            caller = merged.pop("caller", None)
        else:
            merged.pop("caller", None)
        # Shortcuts: agi_call(app, callerid="555", dtmf="12") builds the Caller.
        shortcuts = {k: merged.pop(k) for k in _CALLER_SHORTCUTS if k in merged}
        if isinstance(caller, str):
            caller = {"callerid": caller}
        if isinstance(caller, Caller):
            if shortcuts:
                raise TypeError(
                    f"give {', '.join(shortcuts)} in the Caller, or pass the caller as a dict"
                )
        elif caller is not None or shortcuts:
            caller = Caller(**{**dict(caller or {}), **shortcuts})
        if caller is not None:
            merged["caller"] = caller
        merged.setdefault("seed", seed_for(self.nodeid))
        merged.setdefault("timeout", 10.0)
        if self.astdb is not None:
            merged.setdefault("astdb", self.astdb)
        if isinstance(app, str) and ":" in app and not app.lower().startswith(("agi://",
                                                                                "hagi://")):
            app = _import_ref(app)
        record = simulate_call(app, *args, **merged)
        self.records.append(record)
        return record


def _import_ref(ref: str) -> Any:
    import importlib

    module_name, _, attr = ref.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.fixture
def agi_call(request: pytest.FixtureRequest) -> AGICallFactory:
    """A factory running one AGI call through the simulator: ``agi_call(app, caller=...)``.

    See :class:`AGICallFactory`. When the test also uses ``fake_ami``, calls share its AstDB,
    so what the app writes with ``DATABASE PUT`` is what AMI's ``DBGet`` reads. The
    transcripts of the test's calls are added to its report when it fails.
    """
    astdb = None
    if "fake_ami" in request.fixturenames:
        fake = request.getfixturevalue("fake_ami")
        astdb = getattr(getattr(fake, "pbx", None), "astdb", None)
    records: list[Any] = []
    request.node.stash[CALLS_KEY] = records
    return AGICallFactory(request.node.nodeid, _marker_kwargs(request, "agi_call"), astdb,
                          records)


class AMICassette:
    """What ``ami_cassette`` gives a test: where to connect and the cassette in use.

    ``address``/``host``/``port``: the server the code under test must use (the fake AMI
    server replaying the cassette, or the recording proxy); ``path``: the cassette file;
    ``mode``: the record mode; ``recording``: whether this run records.
    """

    def __init__(self, path: Path, mode: str, address: tuple[str, int], recording: bool,
                 username: str, secret: str) -> None:
        self.path = path
        self.mode = mode
        self.address = address
        self.recording = recording
        self.username = username
        self.secret = secret

    @property
    def host(self) -> str:
        return self.address[0]

    @property
    def port(self) -> int:
        return self.address[1]

    def __repr__(self) -> str:
        verb = "recording" if self.recording else "replaying"
        return f"<AMICassette {verb} {self.path} ({self.mode}) at {self.host}:{self.port}>"


class _ReplayExceptLogin:
    """The cassette answers every action (a mismatch is an error, as vcrpy's mode none), except
    the login: the fake authenticates the test's own credentials (recordings mask secrets)."""

    def __init__(self, path: Path) -> None:
        from pyst_sim.replay import CassetteResponder

        self.inner = CassetteResponder(path)

    def __repr__(self) -> str:
        return repr(self.inner)

    def respond(self, session: Any, action: Any) -> Any:
        if action.name.lower() in ("login", "challenge"):
            return None
        return self.inner.respond(session, action)


def cassette_path(request: pytest.FixtureRequest, name: str | None = None) -> Path:
    """``<test folder>/<pyst_cassette_dir>/<module>/<test name>.yaml`` (or ``name`` there)."""
    folder = Path(request.node.path).parent / str(request.config.getini("pyst_cassette_dir"))
    module = Path(request.node.path).stem
    if name is not None:
        p = Path(name)
        return p if p.is_absolute() else Path(request.node.path).parent / p
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in request.node.name)
    return folder / module / f"{safe}.yaml"


@pytest.fixture
def ami_cassette(request: pytest.FixtureRequest) -> Iterator[AMICassette]:
    """Record or replay this test's AMI traffic (vcrpy's record modes).

    The cassette is ``@pytest.mark.ami_cassette(path)`` (relative to the test file) or
    ``<pyst_cassette_dir>/<module>/<test>.yaml`` beside the test file. The mode is the
    marker's ``record_mode``, else ``--pyst-record-mode``, else the ``pyst_record_mode`` ini
    value (``none``). Replaying (``none``, or ``once`` with an existing cassette), the
    ``fake_ami`` server answers from the cassette; an action the cassette does not hold gets
    an error answer and fails the test at teardown. Recording (``once`` without a cassette,
    ``new_episodes``, ``all``), a recording proxy in front of ``--pyst-ami-upstream`` is used
    and the cassette is written at teardown.
    """
    mark = request.node.get_closest_marker("ami_cassette")
    name = mark.args[0] if mark is not None and mark.args else (
        mark.kwargs.get("path") if mark is not None else None)
    mode = (mark.kwargs.get("record_mode") if mark is not None else None) or \
        request.config.getoption("pyst_record_mode") or request.config.getini("pyst_record_mode")
    path = cassette_path(request, name)
    records = mode in ("all", "new_episodes") or (mode == "once" and not path.exists())
    if not records:
        if not path.exists():
            pytest.fail(
                f"cassette {path} does not exist; record it with --pyst-record-mode=once "
                "--pyst-ami-upstream=HOST:PORT", pytrace=False,
            )
        fake = request.getfixturevalue("fake_ami")
        fake.add_responder(_ReplayExceptLogin(path))
        yield AMICassette(path, mode, fake.address, False, fake.username, fake.secret)
        return
    upstream = request.config.getoption("pyst_ami_upstream")
    if not upstream:
        pytest.fail(f"record mode {mode!r} needs --pyst-ami-upstream=HOST:PORT to record {path}",
                    pytrace=False)
    from pyst_sim.replay import ReplayServer

    path.parent.mkdir(parents=True, exist_ok=True)
    running = ReplayServer(path, mode=mode, upstream=upstream).start_in_thread()
    try:
        yield AMICassette(path, mode, running.address, True, "", "")
    finally:
        running.stop()
