"""pytest plugin and scenario throughput: scenario items per second and fixture costs.

Table 1 -- scenario items per second, run by pytest (``pytest --pyst-scenario FILE``) in a
subprocess, with ``-n 0`` and ``-n 2`` (pytest-xdist). A generated scenario holds N calls of a
10-command IVR (answer, prompt, menu, set/get variables, verbose, Dial, hang up): in-process
handler calls, and the same IVR as a stdin/stdout AGI script (a Python subprocess per call).
The rate is marginal: (N2 - N1) / (time(N2) - time(N1)), so pytest's and the workers' start-up
is left out (it is reported apart, as the time of the smaller run).

Table 2 -- cost per case. ``runner``: :class:`~pyst_sim.scenario.runner.ScenarioRunner` on an
in-process call, no pytest (the "scenario test under 20 ms in-process" target); ``pytest``:
the marginal cost of one in-process scenario item in a pytest run (-n 0); ``fake_ami`` and
``agi_call``: marginal cost per test of a test that uses the fixture (and, for ``agi_call``,
makes one 3-command call), minus the cost of an empty test.

Run: ``python -m bench plugin`` (``--quick`` for smaller N) or ``python bench/plugin_bench.py``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

try:
    from bench import Table, quick_mode
except ImportError:  # run as a script from the bench folder
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from bench import Table, quick_mode

IVR = '''\
from pyst.agi import AGI


def ivr(agi):
    agi.answer()
    agi.stream_file("welcome")
    choice = agi.get_data("main-menu", timeout=3000, max_digits=1)
    agi.set_variable("CHOICE", choice)
    agi.verbose(f"caller chose {choice}", 3)
    agi.set_variable("ROUTE", "sales" if choice == "1" else "support")
    agi.get_variable("ROUTE")
    agi.appexec("Dial", "PJSIP/sales,20")
    agi.get_variable("DIALSTATUS")
    agi.hangup()


if __name__ == "__main__":
    ivr(AGI())
'''

CALL = """\
  - name: call-{i}
    caller: {{callerid: "555{i:04d}", dtmf: "1"}}
    expect:
      commands:
        - ANSWER
        - STREAM FILE welcome ""
        - GET DATA main-menu 3000 1
        - SET VARIABLE CHOICE 1
        - 'VERBOSE "caller chose 1" 3'
        - SET VARIABLE ROUTE sales
        - GET VARIABLE ROUTE
        - EXEC Dial PJSIP/sales,20
        - GET VARIABLE DIALSTATUS
        - HANGUP
      variables: {{CHOICE: "1", DIALSTATUS: NOANSWER}}
      hung_up_by: app
"""

FIXTURE_TESTS = {
    "empty": "def test_{i}():\n    pass\n",
    "fake_ami": "def test_{i}(fake_ami):\n    assert fake_ami.port\n",
    "agi_call": (
        "def app(agi):\n    agi.answer()\n    agi.set_variable('X', '1')\n    agi.hangup()\n\n"
        "def test_{i}(agi_call):\n    assert agi_call(app).variables['X'] == '1'\n"
    ),
}

QUIET = ["-q", "-p", "no:cacheprovider", "-p", "no:faker", "-p", "no:hypothesispytest"]


def _scenario(folder: Path, name: str, app: str, n: int) -> Path:
    body = "".join(CALL.format(i=i) for i in range(n))
    path = folder / f"{name}-{n}.yaml"
    path.write_text(f"pyst-scenario: 1\napp: {app}\ncalls:\n{body}", encoding="utf-8")
    return path


def _pytest(folder: Path, *args: str) -> float:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(folder), env.get("PYTHONPATH", "")])
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", *QUIET, *args], cwd=folder, env=env,
        capture_output=True, text=True, check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"pytest {' '.join(args)} failed:\n{proc.stdout[-3000:]}")
    return elapsed


def _best(runs: int, fn: Any) -> float:
    return float(min(fn() for _ in range(runs)))


def _marginal(folder: Path, small: Path, big: Path, n_small: int, n_big: int,
              extra: list[str], repeat: int) -> tuple[float, float]:
    t_small = _best(repeat, lambda: _pytest(folder, "--pyst-scenario", str(small), *extra))
    t_big = _best(repeat, lambda: _pytest(folder, "--pyst-scenario", str(big), *extra))
    # Below the noise of a shared machine the difference means nothing: n/a (NaN).
    rate = (n_big - n_small) / (t_big - t_small) if t_big > t_small * 1.05 else float("nan")
    return rate, t_small


def _runner_cost(folder: Path, n: int) -> float:
    """Milliseconds per in-process case through ScenarioRunner (median of n)."""
    sys.path.insert(0, str(folder))
    from pyst_sim.scenario.loader import load_scenario
    from pyst_sim.scenario.runner import ScenarioRunner

    scenario = load_scenario(_scenario(folder, "runner", '{handler: "bench_ivr:ivr"}', n))
    times = []
    with ScenarioRunner() as runner:
        runner.run(scenario.cases[0])  # imports, first-call set-up
        for case in scenario.cases:
            start = time.perf_counter()
            result = runner.run(case)
            times.append(time.perf_counter() - start)
            if not result.ok:
                raise RuntimeError(result.failure().render())
    return statistics.median(times) * 1000


def _fixture_costs(folder: Path, n_small: int, n_big: int, repeat: int) -> dict[str, float]:
    def run(kind: str, n: int) -> float:
        path = folder / f"test_{kind}_{n}.py"
        path.write_text("\n".join(FIXTURE_TESTS[kind].format(i=i) for i in range(n)))
        return _best(repeat, lambda: _pytest(folder, str(path)))

    per_test = {}
    for kind in FIXTURE_TESTS:
        t_small, t_big = run(kind, n_small), run(kind, n_big)
        per_test[kind] = (t_big - t_small) / (n_big - n_small) * 1000
    return {k: v - per_test["empty"] for k, v in per_test.items() if k != "empty"} | {
        "empty test": per_test["empty"]
    }


def run(quick: bool | None = None) -> list[Table]:
    quick = quick_mode() if quick is None else quick
    repeat = 1 if quick else 2
    n_proc = (10, 60) if quick else (10, 210)
    n_script = (2, 8) if quick else (4, 24)
    with tempfile.TemporaryDirectory(prefix="pyst-plugin-bench-") as tmp:
        folder = Path(tmp)
        (folder / "bench_ivr.py").write_text(IVR, encoding="utf-8")
        handler = '{handler: "bench_ivr:ivr"}'
        script = "{script: bench_ivr.py}"
        rows = []
        for label, app, (lo, hi) in (("in-process handler", handler, n_proc),
                                     ("AGI script (subprocess)", script, n_script)):
            small = _scenario(folder, "s", app, lo)
            big = _scenario(folder, "b", app, hi)
            row: dict[str, Any] = {"app": label, "items": hi}
            for workers in ("0", "2"):
                rate, start = _marginal(folder, small, big, lo, hi, ["-n", workers], repeat)
                row[f"-n {workers} items/s"] = rate
                row[f"-n {workers} start-up s"] = start
            rows.append(row)
        throughput = Table(
            "scenario items per second (pytest --pyst-scenario, marginal rate)", rows,
            notes=["start-up: wall time of the smaller run (pytest, plugin, workers, "
                   f"{n_proc[0]} or {n_script[0]} items)"],
        )
        costs = _fixture_costs(folder, 5, 45 if quick else 105, repeat)
        rate0 = rows[0]["-n 0 items/s"]
        cost_rows = [
            {"what": "scenario case, ScenarioRunner (no pytest)",
             "ms": _runner_cost(folder, 50 if quick else 200)},
            {"what": "scenario item in pytest -n 0 (marginal)",
             "ms": 1000 / rate0 if rate0 == rate0 else float("nan")},
            {"what": "fake_ami fixture per test (over an empty test)", "ms": costs["fake_ami"]},
            {"what": "agi_call fixture + one 3-command call per test",
             "ms": costs["agi_call"]},
            {"what": "empty test (pytest's own cost, for scale)", "ms": costs["empty test"]},
        ]
        per_case = Table("cost per scenario case / per test using a fixture", cost_rows,
                         notes=["target: a scenario test under 20 ms in-process"])
        return [throughput, per_case]


if __name__ == "__main__":
    from bench import format_table, machine_header

    print(machine_header())
    for table in run():
        print()
        print(format_table(table))
