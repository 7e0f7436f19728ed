"""The scenario runner's own parts: references, AMI programs, config folders, Faker values."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from pyst_sim.errors import ScenarioError
from pyst_sim.scenario.loader import load_scenario_text
from pyst_sim.scenario.model import AMICase, FakerValue, PBXSpec, ProgramSpec
from pyst_sim.scenario.runner import (
    AMITarget,
    _FakerCache,
    materialize_config,
    resolve_reference,
    run_program,
)

TARGET = AMITarget("127.0.0.1", 5038, "admin", "s3cret")

PROGRAMS = '''\
import asyncio
import sys
import time


def ok(target):
    return None


def code(target, value):
    return int(value)


def text(target):
    return f"{target.host}:{target.port} {target.username}"


def boom(target):
    raise ValueError("boom in the program")


def leave(target, status):
    sys.exit(int(status) if str(status).isdigit() else status)


async def coro(target):
    await asyncio.sleep(0)
    return 3


def returns_awaitable(target):
    return coro(target)


def hang(target):
    time.sleep(5)


class Nested:
    @staticmethod
    def fn(target):
        return True
'''


@pytest.fixture
def programs(tmp_path: Path) -> Path:
    (tmp_path / "pyst_sim_test_programs.py").write_text(PROGRAMS)
    return tmp_path


def program(tmp_path: Path, spec: str) -> ProgramSpec:
    text = f"pyst-scenario: 1\nami:\n  - program: {spec}\n"
    case = load_scenario_text(text, tmp_path / "s.yaml").cases[0]
    assert isinstance(case, AMICase) and case.program is not None
    return case.program


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("{callable: 'pyst_sim_test_programs:ok'}", (0, "", "", None)),
        ("{callable: 'pyst_sim_test_programs:code', args: [7]}", (7, "", "", None)),
        ("{callable: 'pyst_sim_test_programs:text'}", (0, "127.0.0.1:5038 admin", "", None)),
        ("{callable: 'pyst_sim_test_programs:coro'}", (3, "", "", None)),
        ("{callable: 'pyst_sim_test_programs:returns_awaitable'}", (3, "", "", None)),
        ("{callable: 'pyst_sim_test_programs:Nested.fn'}", (0, "", "", None)),
        ("{callable: 'pyst_sim_test_programs:leave', args: [4]}", (4, "", "", None)),
        ("{callable: 'pyst_sim_test_programs:leave', args: [bye]}", (1, "", "bye", None)),
    ],
)
def test_callables(programs: Path, spec: str, expected: tuple[object, ...]) -> None:
    assert run_program(program(programs, spec), TARGET, [programs]) == expected


def test_callable_errors_and_timeouts(programs: Path) -> None:
    code, _, _, error = run_program(
        program(programs, "{callable: 'pyst_sim_test_programs:boom'}"), TARGET, [programs]
    )
    assert code is None and error is not None
    assert error.startswith("pyst_sim_test_programs:boom raised:")
    assert "ValueError: boom in the program" in error
    _, _, _, error = run_program(
        program(programs, "{callable: 'pyst_sim_test_programs:hang', timeout: 0.05}"),
        TARGET,
        [programs],
    )
    assert error == "pyst_sim_test_programs:hang did not finish within 0.05 s"


def test_bad_references_name_the_yaml_line(programs: Path) -> None:
    with pytest.raises(ScenarioError) as exc:
        run_program(program(programs, "{callable: 'no_such_module_xyz:f'}"), TARGET, [programs])
    assert exc.value.line == 3
    assert "cannot import 'no_such_module_xyz'" in str(exc.value)
    with pytest.raises(ScenarioError, match=r"has no attribute 'bom' \(did you mean 'boom'\?\)"):
        run_program(program(programs, "{callable: 'pyst_sim_test_programs:bom'}"), TARGET,
                    [programs])
    where = program(programs, "{callable: 'x:y'}").where
    assert resolve_reference("os.path:join", [], where) is __import__("os").path.join


def test_commands(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """\
        import os, sys
        print(sys.argv[1:], os.environ["PYST_AMI_PORT"], os.environ["EXTRA"])
        print("err", file=sys.stderr)
        sys.exit(int(sys.argv[-1]))
        """
    )
    (tmp_path / "prog.py").write_text(script)
    spec = program(
        tmp_path,
        "{command: ['{python}', prog.py, '{host}', '{port}', '{username}', '{secret}'],"
        " args: [5], env: {EXTRA: 'port {port}'}}",
    )
    code, out, err, error = run_program(spec, TARGET, [tmp_path])
    assert (code, error) == (5, None)
    assert out == "['127.0.0.1', '5038', 'admin', 's3cret', '5'] 5038 port 5038\n"
    assert err == "err\n"
    # A command written as one string is split like a shell would.
    spec = program(tmp_path, "{command: \"{python} -c 'import sys; print(sys.argv[1])' 'a b'\"}")
    assert run_program(spec, TARGET, [])[:2] == (0, "a b\n")


def test_command_timeout_and_missing_program(tmp_path: Path) -> None:
    spec = program(tmp_path, "{command: ['{python}', -c, 'import time; time.sleep(5)'], "
                             "timeout: 0.2}")
    code, _, _, error = run_program(spec, TARGET, [])
    assert code is None and error is not None and "did not finish within 0.2 s" in error
    spec = program(tmp_path, "{command: [/no/such/binary]}")
    with pytest.raises(ScenarioError, match="cannot run '/no/such/binary'"):
        run_program(spec, TARGET, [])


def test_materialize_config(tmp_path: Path) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "manager.conf").write_text("[general]\n")
    with materialize_config(PBXSpec()) as folder:
        assert folder is None
    with materialize_config(PBXSpec(config_dir=tmp_path / "conf")) as folder:
        assert folder == tmp_path / "conf"
    spec = PBXSpec(config_dir=tmp_path / "conf", config={"queues.conf": "[q]\n"})
    with materialize_config(spec) as folder:
        assert folder is not None and folder != tmp_path / "conf"
        assert sorted(p.name for p in folder.iterdir()) == ["manager.conf", "queues.conf"]
        kept = folder
    assert not kept.exists()


def test_faker_values_are_seeded(tmp_path: Path) -> None:
    where = program(tmp_path, "{command: x}").where
    cache = _FakerCache()
    a = cache.value(FakerValue("msisdn"), 1, where)
    assert a == cache.value(FakerValue("msisdn"), 1, where)
    assert a != cache.value(FakerValue("msisdn"), 2, where)
    assert cache.value(FakerValue("first_name", "fr_FR"), 1, where)
    with pytest.raises(ScenarioError, match="unknown Faker provider 'nope'"):
        cache.value(FakerValue("nope"), 1, where)
    with pytest.raises(ScenarioError, match="unknown Faker locale"):
        cache.value(FakerValue("name", "xx_NOPE"), 1, where)


def test_target_address() -> None:
    assert TARGET.address == ("127.0.0.1", 5038)
    assert sys.executable  # the runner substitutes it for {python}
