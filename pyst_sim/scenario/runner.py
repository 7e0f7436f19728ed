"""Run scenario cases against pyst-sim's simulators and check them.

:class:`ScenarioRunner` runs one case at a time: a :class:`~pyst_sim.scenario.model.CallCase`
through the AGI channel simulator (:func:`pyst_sim.agi.simulate_call`), an
:class:`~pyst_sim.scenario.model.AMICase` against a :class:`pyst_sim.ami_server.FakeAMIServer`
that the runner starts on first use (127.0.0.1, port 0) and clears between cases. The result
(:class:`CaseResult`) holds the differences found by :mod:`pyst_sim.scenario.checks` and the
case's transcript; ``result.failure()`` is the :class:`~pyst_sim.scenario.checks.ScenarioFailure`
a test raises.

Problems with the scenario itself that only show when it runs (a ``module:function`` that does
not import, an unknown Faker provider) raise :class:`~pyst_sim.errors.ScenarioError` with the
file, line and YAML of the reference.
"""

from __future__ import annotations

import asyncio
import contextlib
import difflib
import importlib
import inspect
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyst_sim.errors import ScenarioError
from pyst_sim.scenario.checks import (
    AMIOutcome,
    CallOutcome,
    Mismatch,
    ObservedAction,
    ScenarioFailure,
    check_ami,
    check_call,
)
from pyst_sim.scenario.model import (
    ActionExpect,
    AMICase,
    CallCase,
    Case,
    FakerValue,
    Message,
    ObservedCommand,
    PBXSpec,
    ProgramSpec,
    Where,
)

__all__ = [
    "AMITarget",
    "CaseResult",
    "ScenarioResponder",
    "ScenarioRunner",
    "resolve_reference",
    "run_program",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AMITarget:
    """Where an AMI program under test connects, and the account it logs in with."""

    host: str
    port: int
    username: str
    secret: str

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)


@dataclass
class CaseResult:
    """The outcome of one case: differences found (none: passed) and its transcript."""

    case: Case
    mismatches: list[Mismatch]
    transcript: tuple[str, ...] = ()
    duration: float = 0.0
    outcome: CallOutcome | AMIOutcome | None = None

    @property
    def ok(self) -> bool:
        return not self.mismatches

    def failure(self) -> ScenarioFailure:
        """The exception that reports this result (raise it in a test)."""
        title = "last wire lines" if self.case.kind == "call" else "last AMI wire lines"
        return ScenarioFailure(self.case.id, self.mismatches, self.transcript, wire_title=title)


def _scenario_error(where: Where, message: str) -> ScenarioError:
    return ScenarioError(f"{message}\n{where.snippet()}", str(where.path), where.line)


def resolve_reference(ref: str, python_path: Sequence[Path], where: Where) -> Any:
    """Import ``module:attr`` (``attr`` may be dotted), looking in ``python_path`` first.

    The folders are put at the front of ``sys.path`` (once), the way pytest's rootdir
    insertion works, so the app's own imports keep working after this call. Raises
    ``ScenarioError`` at ``where`` when the module or the attribute does not exist.
    """
    module_name, _, attr = ref.partition(":")
    for folder in reversed(python_path):
        if str(folder) not in sys.path:
            sys.path.insert(0, str(folder))
    try:
        obj: Any = importlib.import_module(module_name)
    except ImportError as exc:
        raise _scenario_error(where, f"cannot import {module_name!r} for {ref!r}: {exc}") from exc
    for part in attr.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            names = [n for n in dir(obj) if not n.startswith("_")]
            hint = difflib.get_close_matches(part, names, n=1)
            msg = f"{ref!r}: {getattr(obj, '__name__', module_name)!r} has no attribute {part!r}"
            msg += f" (did you mean {hint[0]!r}?)" if hint else ""
            raise _scenario_error(where, msg) from None
    return obj


_SIMULATOR_DIR = str(Path(__file__).resolve().parent.parent)


def _error_text(exc: BaseException, *, max_frames: int = 12) -> str:
    """A traceback of what the app raised, without the simulator's own frames."""
    te = traceback.TracebackException.from_exception(exc)
    frames = [f for f in te.stack if not f.filename.startswith(_SIMULATOR_DIR)]
    if len(frames) > max_frames:
        frames = frames[-max_frames:]  # the innermost frames say what went wrong
    te.stack = traceback.StackSummary.from_list(frames)
    return "".join(te.format()).rstrip()


def run_program(
    program: ProgramSpec, target: AMITarget, python_path: Sequence[Path]
) -> tuple[int | None, str, str, str | None]:
    """Run an AMI program against ``target``: (exit code, stdout, stderr, error or None).

    A callable is called as ``fn(target, *args)`` in a thread (a coroutine function under
    ``asyncio.run``); its return value is the exit code (an int), the output (a str), or 0
    (None). A command runs as a subprocess with ``{host}``, ``{port}``, ``{username}``,
    ``{secret}`` and ``{python}`` replaced and ``PYST_AMI_*`` set. Either is stopped after
    ``program.timeout`` seconds (the error says so).
    """
    if program.kind == "callable":
        fn = resolve_reference(program.target, python_path, program.where)
        return _run_callable(fn, target, program)
    return _run_command(program, target, python_path)


def _run_callable(
    fn: Any, target: AMITarget, program: ProgramSpec
) -> tuple[int | None, str, str, str | None]:
    box: dict[str, Any] = {}
    out = io.StringIO()

    def body() -> None:
        try:
            if inspect.iscoroutinefunction(fn):
                box["value"] = asyncio.run(fn(target, *program.args))
            else:
                value = fn(target, *program.args)
                if inspect.isawaitable(value):
                    value = asyncio.run(_await(value))
                box["value"] = value
        except BaseException as exc:  # report anything the program raised, even SystemExit
            box["error"] = exc

    thread = threading.Thread(target=body, name=f"pyst-sim program {program.target}", daemon=True)
    # What the program prints is its output, as for a command (sys.stdout is process-wide:
    # scenario cases run one at a time). stderr is left alone: the fake's own threads log
    # there.
    with contextlib.redirect_stdout(out):
        thread.start()
        thread.join(program.timeout)
    stdout, stderr = out.getvalue(), ""
    if thread.is_alive():
        return None, stdout, stderr, (
            f"{program.target} did not finish within {program.timeout:g} s"
        )
    if "error" in box:
        exc = box["error"]
        if isinstance(exc, SystemExit):
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if exc.code is not None and not isinstance(exc.code, int):
                stderr += str(exc.code)
            return code, stdout, stderr, None
        return None, stdout, stderr, f"{program.target} raised:\n{_error_text(exc)}"
    value = box.get("value")
    if isinstance(value, bool) or value is None:
        return (0 if value in (None, True) else 1), stdout, stderr, None
    if isinstance(value, int):
        return value, stdout, stderr, None
    return 0, stdout + str(value), stderr, None


async def _await(value: Any) -> Any:
    return await value


def _arg_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _run_command(
    program: ProgramSpec, target: AMITarget, python_path: Sequence[Path]
) -> tuple[int | None, str, str, str | None]:
    values = {
        "{host}": target.host,
        "{port}": str(target.port),
        "{username}": target.username,
        "{secret}": target.secret,
        "{python}": sys.executable,
    }

    def fill(text: str) -> str:
        for key, value in values.items():
            text = text.replace(key, value)
        return text

    argv = [fill(a) for a in (*program.argv, *(_arg_text(a) for a in program.args))]
    env = dict(os.environ)
    env.update({
        "PYST_AMI_HOST": target.host,
        "PYST_AMI_PORT": str(target.port),
        "PYST_AMI_USERNAME": target.username,
        "PYST_AMI_SECRET": target.secret,
    })
    # The scenario's python_path, so "{python} -m app" finds the app like a handler would.
    paths = [str(p) for p in python_path]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.update({k: fill(v) for k, v in program.env.items()})
    try:
        proc = subprocess.run(
            argv, cwd=program.cwd, env=env, capture_output=True, text=True,
            timeout=program.timeout, check=False, errors="replace",
        )
    except FileNotFoundError as exc:
        raise _scenario_error(program.where, f"cannot run {argv[0]!r}: {exc.strerror}") from exc
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout if isinstance(exc.stdout, str) else ""
        err = exc.stderr if isinstance(exc.stderr, str) else ""
        return None, out, err, f"{' '.join(argv)} did not finish within {program.timeout:g} s"
    return proc.returncode, proc.stdout, proc.stderr, None


@contextmanager
def materialize_config(pbx: PBXSpec) -> Iterator[Path | None]:
    """The case's config folder: ``config_dir`` itself, or a temporary copy with the inline files.

    Yields None when the case has no configuration.
    """
    if not pbx.config:
        yield pbx.config_dir
        return
    with tempfile.TemporaryDirectory(prefix="pyst-sim-config-") as tmp:
        folder = Path(tmp)
        if pbx.config_dir is not None:
            shutil.copytree(pbx.config_dir, folder, dirs_exist_ok=True)
        for name, text in pbx.config.items():
            (folder / name).write_text(text, encoding="utf-8")
        yield folder


def _start_fake_ami(config_dir: Path | None) -> Any:
    from pyst_sim.ami_server import FakeAMIServer

    # Scenario runs go as fast as possible: no simulated delays, no 1 s login-failure pause.
    server = FakeAMIServer(config_dir, time_scale=0.0, auth_failure_delay=0.0)
    return server.start_in_thread()


def _load_pbx_state(pbx: Any, spec: PBXSpec) -> None:
    """Put the case's globals, AstDB entries, queues and channels into the fake's PBX."""
    for name, value in spec.globals.items():
        pbx.globals[name] = value
    for path, value in spec.astdb.items():
        family, _, key = path.partition("/")
        pbx.astdb.put(family, key, value)
    if spec.queues:
        from pyst_sim.state.queues import Queue, QueueEntry, QueueMember

        now = pbx.clock()
        for q in spec.queues:
            members = [
                QueueMember(
                    str(m["interface"]),
                    membername=str(m.get("name", "")),
                    state_interface=str(m.get("state_interface", "")),
                    penalty=int(m.get("penalty", 0)),
                    paused=bool(m.get("paused", False)),
                    status=int(m.get("status", 1)),
                    calls_taken=int(m.get("calls_taken", 0)),
                )
                for m in q.get("members") or ()
            ]
            entries = [
                QueueEntry(
                    str(c["channel"]),
                    uniqueid=str(c.get("uniqueid") or f"{int(now)}.{i + 1}"),
                    callerid_num=str(c.get("callerid", "")),
                    callerid_name=str(c.get("callerid_name", "")),
                    joined=now - float(c.get("wait", 0)),
                )
                for i, c in enumerate(q.get("callers") or ())
            ]
            pbx.queues.add_queue(Queue(
                str(q["name"]), strategy=str(q.get("strategy", "ringall")),
                members=members, entries=entries,
            ))
    if spec.channels:
        from pyst_sim.state.channels import Channel as PBXChannel

        registry = pbx.registry
        for c in spec.channels:
            uniqueid = str(c.get("uniqueid") or registry.next_uniqueid())
            state = c.get("state", 6)
            registry.add(PBXChannel(
                str(c["channel"]), uniqueid, uniqueid,
                state=_channel_state(state),
                callerid_num=str(c.get("callerid", "")),
                callerid_name=str(c.get("callerid_name", "")),
                context=str(c.get("context", "default")),
                exten=str(c.get("extension", "s")),
                priority=int(c.get("priority", 1)),
                application=str(c.get("application", "")),
                data=str(c.get("data", "")),
                variables={str(k): str(v) for k, v in dict(c.get("variables") or {}).items()},
                created=pbx.clock(),
                tech=str(c["channel"]).split("/", 1)[0],
            ))


_STATES = {"down": 0, "rsrvd": 1, "offhook": 2, "dialing": 3, "ring": 4, "ringing": 5, "up": 6,
           "busy": 7, "dialing offhook": 8, "pre-ring": 9}


def _channel_state(value: object) -> int:
    if isinstance(value, int):
        return value
    text = str(value).strip().lower()
    if text.isdigit():
        return int(text)
    return _STATES.get(text, 6)


_MASKED = frozenset({"secret", "key"})


def _wire_lines(log: Sequence[Any]) -> Iterator[str]:
    """The AMI exchanges as lines: the action and what answered it (secrets masked)."""
    for x in log:
        fields = [
            f"{k}: {'********' if k.lower() in _MASKED else v}"
            for k, v in x.action.fields if k.lower() != "action"
        ]
        who = f"session {x.session}"
        yield f"-> [{who}] Action: {x.action.name}" + (f" {{{', '.join(fields)}}}" if fields
                                                         else "")
        source = _source_name(str(x.source))
        for reply in x.replies:
            pairs = list(getattr(reply, "fields", ()))  # Close and Delay items have none
            if not pairs:
                continue
            (k0, v0), rest = pairs[0], pairs[1:]
            shown = ", ".join(f"{k}: {v}" for k, v in rest if k.lower() != "actionid")
            yield f"<- [{who}, {source}] {k0}: {v0}" + (f" {{{shown}}}" if shown else "")


def _source_name(source: str) -> str:
    # What answered: "builtin", "not emulated", "expectation", or the responder's kind.
    if "CassetteResponder" in source:
        return "cassette"
    if "ScenarioResponder" in source:
        return "scenario"
    return source


def _fill(value: str, action: Any) -> str:
    """``{ActionID}``, ``{Channel}``...: the value of that header of the action, if it has it."""
    if "{" not in value:
        return value

    def repl(m: re.Match[str]) -> str:
        got = action.get(m.group(1))
        return m.group(0) if got is None else str(got)

    return _PLACEHOLDER.sub(repl, value)


_PLACEHOLDER = re.compile(r"\{([A-Za-z][\w-]*)\}")


class ScenarioResponder:
    """Answers a case's expected actions on a :class:`~pyst_sim.ami_server.FakeAMIServer`.

    An action matching an ``expect.actions`` entry that has ``respond`` gets those messages
    (``ActionID`` added after the first line when the action had one; ``{Header}`` in a value
    is the action's header) followed by the entry's ``events``, broadcast. An entry with
    ``events`` but no ``respond`` lets the fake answer and broadcasts the events after it.
    ``on_login`` events go to the session right after a successful-looking login.
    """

    def __init__(self, case: AMICase) -> None:
        self.case = case
        self.expect = case.expect.actions if case.expect is not None else ()
        self.used = [0] * len(self.expect)
        self.secrets = {u.username.lower(): u.secret for u in case.users}

    def __repr__(self) -> str:
        return f"ScenarioResponder({self.case.id!r})"

    def respond(self, session: Any, action: Any) -> list[Any] | None:
        from pyst.ami.messages import Event

        name = action.name
        if name.lower() == "login" and self.case.on_login:
            user = (action.get("Username") or "").lower()
            if user in self.secrets and (
                action.get("Secret") == self.secrets[user] or action.get("Key") is not None
            ):
                for message in self.case.on_login:
                    # Delivered after the login response (held while the action runs).
                    session.deliver(_build(message, action, Event, with_id=False).to_bytes())
            return None
        headers = {k.lower(): v for k, v in reversed(list(action.fields))}
        for i, exp in enumerate(self.expect):
            if not exp.matches(name, headers) or not exp.count.allows_more(self.used[i]):
                continue
            if exp.respond is None and not exp.events:
                return None  # only checked afterwards: the fake answers
            self.used[i] += 1
            return self._reply(session, exp, action)
        return None

    def _reply(self, session: Any, exp: ActionExpect, action: Any) -> list[Any] | None:
        from pyst.ami.messages import Event, Response
        from pyst_sim.ami_server import Broadcast

        # Broadcast events carry an ActionID only when the scenario writes one ({ActionID}).
        events = [Broadcast(_build(m, action, Event, with_id=False)) for m in exp.events]
        if exp.respond is None:
            # The fake answers; the events follow its reply (queued on the loop after it).
            for b in events:
                session.server.call_soon(session.server.broadcast, b.event)
            return None
        items: list[Any] = []
        for message in exp.respond:
            first = message[0][0].lower() if message else "response"
            cls = Event if first == "event" else Response
            items.append(_build(message, action, cls))
        return [*items, *events]


def _build(message: Message, action: Any, cls: Any, *, with_id: bool = True) -> Any:
    pairs = [(k, _fill(v, action)) for k, v in message]
    kind = cls.kind_header
    if pairs and pairs[0][0].lower() == kind.lower():
        head, rest = pairs[0][1], pairs[1:]
    else:
        head, rest = ("Success" if kind == "Response" else "UserEvent"), pairs
    built = cls.make(head, rest)
    action_id = action.get("ActionID")
    if with_id and action_id and built.get("ActionID") is None:
        built = built.with_action_id(action_id)
    return built


def _load_dialplan(config_dir: Path) -> Any:
    """The dialplan of ``config_dir/extensions.conf`` (None without one)."""
    path = config_dir / "extensions.conf"
    if not path.is_file():
        return None
    from pyst.config.dialplan import Dialplan

    return Dialplan.from_text(path.read_text(encoding="utf-8", errors="surrogateescape"))


def _observed(entry: Any) -> ObservedCommand:
    if entry.name is not None:
        words = tuple(w.upper() for w in entry.name.split())
        args = tuple(entry.args)
    else:
        from pyst.agi.quoting import split_args

        parts = split_args(entry.command)
        words, args = tuple(p.upper() for p in parts[:1]), tuple(parts[1:])
    return ObservedCommand(words, args, entry.command, entry.reply, entry.t)


def _call_outcome(record: Any, astdb: Any, error: str | None) -> CallOutcome:
    point = record.exit_point
    return CallOutcome(
        commands=tuple(_observed(e) for e in record.transcript),
        variables=dict(record.variables),
        exit_context=point.context if point is not None else None,
        exit_extension=point.extension if point is not None else None,
        exit_priority=str(point.priority) if point is not None else None,
        hung_up_by=record.hung_up_by,
        prompts=tuple(record.prompts_played),
        digits=record.digits_collected,
        status=record.agi_status,
        astdb={path.lstrip("/"): value for path, value in astdb.as_dict().items()},
        wire=tuple(record.format().splitlines()),
        error=error,
    )


@dataclass
class _FakerCache:
    instances: dict[str, Any] = field(default_factory=dict)

    def value(self, spec: FakerValue, seed: int, where: Where) -> str:
        locale = spec.locale or "en_US"
        fake = self.instances.get(locale)
        if fake is None:
            from faker import Faker

            try:
                fake = Faker(locale)
            except AttributeError as exc:
                raise _scenario_error(where, f"unknown Faker locale {locale!r}") from exc
            self.instances[locale] = fake
        fake.seed_instance(seed)
        provider = getattr(fake, spec.provider, None)
        if provider is None or not callable(provider):
            raise _scenario_error(where, f"unknown Faker provider {spec.provider!r}")
        return str(provider())


class ScenarioRunner:
    """Runs scenario cases; owns the fake AMI server it starts for AMI cases.

    ``ami_server`` lets a caller (the pytest plugin) share an already running
    :class:`~pyst_sim.ami_server.FakeAMIServer`; the runner then clears it before each AMI case
    and never stops it. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, *, ami_server: Any | None = None) -> None:
        self._server = ami_server
        self._own_server = False
        self._faker = _FakerCache()
        self._fastagi: dict[str, Any] = {}

    def __enter__(self) -> ScenarioRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop the FastAGI servers and the fake AMI server this runner started (idempotent)."""
        for running in self._fastagi.values():
            running.stop()
        self._fastagi.clear()
        if self._own_server and self._server is not None:
            self._server.stop()
        self._server = None
        self._own_server = False

    def run(self, case: Case) -> CaseResult:
        """Run ``case`` and check it; raises ``ScenarioError`` for scenario problems only."""
        start = time.perf_counter()
        out: CallOutcome | AMIOutcome
        if isinstance(case, CallCase):
            call_out = self._run_call(case)
            mismatches = check_call(case, call_out)
            out = call_out
        else:
            ami_out = self._run_ami(case)
            mismatches = check_ami(case, ami_out)
            out = ami_out
        return CaseResult(
            case=case,
            mismatches=mismatches,
            transcript=out.wire,
            duration=time.perf_counter() - start,
            outcome=out,
        )

    # -- AGI calls ------------------------------------------------------------------------

    def _run_call(self, case: CallCase) -> CallOutcome:
        from pyst.errors import AGIHangup
        from pyst_sim.agi import AGITimeoutError, simulate_call
        from pyst_sim.errors import SimulatorError

        assert case.app is not None
        app = case.app
        options = self._call_options(case)
        target: Any
        args: tuple[str, ...] = app.args
        extra: dict[str, Any] = {}
        if app.kind == "handler":
            target = resolve_reference(app.target, case.python_path, app.where)
            if not callable(target):
                raise _scenario_error(app.where, f"{app.target!r} is not callable")
        elif app.kind == "script":
            target = app.target
            extra["cwd"] = str(case.where.path.parent)
            if app.interpreter is not None:
                extra["interpreter"] = [a.replace("{python}", sys.executable)
                                        for a in app.interpreter]
            env = dict(app.env)
            paths = [str(p) for p in case.python_path]
            if os.environ.get("PYTHONPATH"):
                paths.append(os.environ["PYTHONPATH"])
            env.setdefault("PYTHONPATH", os.pathsep.join(paths))
            extra["script_env"] = env
        else:
            target = self._fastagi_url(case)
            if args:
                # FastAGI passes arguments as agi_arg_N too (AGI(agi://...,a,b)).
                extra["request"] = target
        error: str | None = None
        with materialize_config(case.pbx) as config_dir:
            if config_dir is not None:
                dialplan = _load_dialplan(config_dir)
                if dialplan is not None:
                    options["dialplan"] = dialplan
            try:
                record = simulate_call(
                    target, *args, timeout=app.timeout, raise_errors=False, **extra, **options
                )
            except AGITimeoutError as exc:
                if exc.record is None:
                    raise _scenario_error(app.where, f"{app.describe()}: {exc}") from exc
                record = exc.record
                error = f"the app stopped answering: {exc}"
            except SimulatorError as exc:
                raise _scenario_error(app.where, f"cannot run {app.describe()}: {exc}") from exc
        if record.error is not None and not isinstance(record.error, AGIHangup):
            error = f"{app.describe()} raised:\n{_error_text(record.error)}"
        elif record.exit_code is not None and record.exit_code > 0:
            error = f"the script exited with status {record.exit_code}"
            if record.stderr.strip():
                error += ":\n" + "\n".join(record.stderr.rstrip().splitlines()[-15:])
        return _call_outcome(record, options["astdb"], error)

    def _call_options(self, case: CallCase) -> dict[str, Any]:
        from pyst_sim.agi import AppResult, Caller, Press, SoundLibrary
        from pyst_sim.state.astdb import AstDB

        c = case.caller
        seed = c.seed if c.seed is not None else case.seed

        def value(v: str | FakerValue | None) -> str | None:
            if isinstance(v, FakerValue):
                return self._faker.value(v, seed, case.where)
            return v

        hangup = c.hangup
        caller = Caller(
            callerid=value(c.callerid),
            name=value(c.name),
            dtmf=[Press(d.digits, at=d.at, on_prompt=d.on_prompt, delay=d.delay, gap=d.gap)
                  for d in c.dtmf],
            hangup_at=hangup.at if hangup else None,
            hangup_on_prompt=hangup.on_prompt if hangup else None,
            hangup_delay=hangup.delay if hangup else 0.0,
            talk=c.talk or 2.0,
        )
        pbx = case.pbx
        options: dict[str, Any] = {
            "caller": caller,
            "seed": seed,
            "astdb": AstDB(pbx.astdb),
            "globals_": dict(pbx.globals),
            "variables": dict(c.variables),
        }
        for key, attr in (
            ("context", c.context), ("extension", c.extension), ("language", c.language),
            ("dnid", c.dnid), ("rdnis", c.rdnis), ("accountcode", c.accountcode),
            ("name", c.channel), ("uniqueid", c.uniqueid), ("priority", c.priority),
        ):
            if attr is not None:
                options[key] = attr
        if pbx.sounds is not None:
            options["sounds"] = SoundLibrary(dict(pbx.sounds.lengths), strict=pbx.sounds.strict)
        if pbx.applications:
            options["applications"] = {
                name: [
                    AppResult(
                        int(o.result) if o.result.lstrip("-").isdigit() else 0,
                        dict(o.variables),
                        hangup=o.hangup,
                        duration=o.duration or 0.0,
                    )
                    for o in outcomes
                ]
                for name, outcomes in pbx.applications.items()
            }
        return options

    def _fastagi_url(self, case: CallCase) -> str:
        assert case.app is not None
        app = case.app
        if app.server is None:
            return app.target
        import urllib.parse

        running = self._fastagi.get(app.server)
        if running is None:
            running = self._start_fastagi(case)
            self._fastagi[app.server] = running
        parts = urllib.parse.urlsplit(app.target)
        return urllib.parse.urlunsplit(
            (parts.scheme, f"127.0.0.1:{running.port}", parts.path, parts.query, parts.fragment)
        )

    def _start_fastagi(self, case: CallCase) -> Any:
        from pyst.fastagi import FastAGIServer, FastAGIThread

        assert case.app is not None and case.app.server is not None
        app = case.app
        obj = resolve_reference(app.server or "", case.python_path, app.where)
        if isinstance(obj, FastAGIServer):
            server = obj
            # Serve the app's own server object on a free loopback port for the test run.
            server.host = "127.0.0.1"
            server.requested_port = 0
        elif callable(obj):
            import urllib.parse

            server = FastAGIServer(host="127.0.0.1", port=0)
            path = urllib.parse.urlsplit(app.target).path.strip("/") or None
            server.add_route(path, obj)
        else:
            raise _scenario_error(
                app.where, f"{app.server!r} is neither a FastAGIServer nor a handler"
            )
        return FastAGIThread(server).start()

    # -- AMI sessions ---------------------------------------------------------------------

    def _run_ami(self, case: AMICase) -> AMIOutcome:
        assert case.program is not None
        with materialize_config(case.pbx) as config_dir:
            server, dedicated = self._ami_server(config_dir)
            try:
                return self._run_ami_on(case, server)
            finally:
                if dedicated:
                    server.stop()

    def _ami_server(self, config_dir: Path | None) -> tuple[Any, bool]:
        """(a running server for this config folder, whether it must be stopped after)."""
        if config_dir is None:
            if self._server is None:
                self._server = _start_fake_ami(None)
                self._own_server = True
            return self._server, False
        return _start_fake_ami(config_dir), True

    def _run_ami_on(self, case: AMICase, server: Any) -> AMIOutcome:
        assert case.program is not None
        server.clear()
        pbx = server.pbx
        for user in case.users:
            pbx.add_user(user.username, user.secret, read=user.read, write=user.write)
        _load_pbx_state(pbx, case.pbx)
        responders: list[Any] = [ScenarioResponder(case)]
        if case.cassette is not None:
            from pyst_sim.replay import CassetteResponder

            responders.append(CassetteResponder(case.cassette, fallthrough=True))
        for r in responders:
            server.add_responder(r)
        user = case.users[0]
        host, port = server.address
        target = AMITarget(host, port, user.username, user.secret)
        try:
            code, out, err, error = run_program(case.program, target, case.python_path)
        finally:
            for r in responders:
                server.remove_responder(r)
        log = server.log
        problems = [p for p in server.problems]
        if problems:
            extra = "fake AMI server: " + "; ".join(problems)
            error = f"{error}\n{extra}" if error else extra
        return AMIOutcome(
            actions=tuple(
                ObservedAction(x.action.name, tuple(x.action.fields)) for x in log
            ),
            exit_code=code,
            stdout=out,
            stderr=err,
            wire=tuple(_wire_lines(log)),
            error=error,
        )
