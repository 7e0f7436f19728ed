"""Every example in scenarios/ runs green (each case is one test here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pyst_sim.scenario.loader import find_scenario_files, load_scenario
from pyst_sim.scenario.model import Case
from pyst_sim.scenario.runner import ScenarioRunner

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
CASES = [
    pytest.param(case, id=f"{path.name}::{case.id}")
    for path in find_scenario_files([str(SCENARIOS)])
    for case in load_scenario(path).cases
]


@pytest.fixture(scope="module")
def runner() -> Iterator[ScenarioRunner]:
    with ScenarioRunner() as r:
        yield r


def test_the_examples_are_there() -> None:
    names = {p.name for p in find_scenario_files([str(SCENARIOS)])}
    assert names == {"ivr.yaml", "click_to_call.yaml", "queue_monitor.yaml",
                     "cassette_replay.yaml"}
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES)
def test_example(runner: ScenarioRunner, case: Case) -> None:
    result = runner.run(case)
    assert result.ok, result.failure().render()
