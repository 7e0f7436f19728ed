"""Scenario files as pytest test items (one item per call or AMI session, per parameter case).

``pytest --pyst-scenario PATH`` (file, folder or glob; repeatable) and the ``pyst_scenario_files``
ini patterns bring scenario files to :func:`pytest_collect_file`; :class:`ScenarioFile` loads
one (schema errors become a collection error showing file:line and the YAML), and each
:class:`ScenarioItem` runs its case with the session's :class:`~pyst_sim.scenario.runner.
ScenarioRunner`. Only public pytest API is used (``pytest.File``, ``pytest.Item``,
``repr_failure``, ``reportinfo``, ``config.stash``).

Heavy modules (the scenario loader, jsonschema, the simulators) are imported only when a
scenario file is actually collected or run, so the plugin costs nothing in other runs.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pyst_sim.scenario.model import Case
    from pyst_sim.scenario.runner import ScenarioRunner

__all__ = [
    "ScenarioFile",
    "ScenarioItem",
    "expand_scenario_paths",
    "get_runner",
]

REQUESTED_KEY = pytest.StashKey[frozenset[Path]]()
RUNNER_KEY = pytest.StashKey["ScenarioRunner"]()


def expand_scenario_paths(specs: list[str], base: Path) -> list[Path]:
    """``--pyst-scenario`` values as scenario files (see ``find_scenario_files``).

    Raises ``pytest.UsageError`` when a value matches nothing.
    """
    from pyst_sim.scenario.loader import find_scenario_files

    try:
        return find_scenario_files(specs, base)
    except FileNotFoundError as exc:
        raise pytest.UsageError(f"--pyst-scenario {exc}") from None


def configure(config: pytest.Config) -> None:
    """Resolve ``--pyst-scenario`` and make the files part of the run's arguments."""
    specs: list[str] = config.getoption("pyst_scenario") or []
    if not specs:
        config.stash[REQUESTED_KEY] = frozenset()
        return
    files = expand_scenario_paths(specs, config.invocation_params.dir)
    config.stash[REQUESTED_KEY] = frozenset(files)
    as_args = [str(f) for f in files]
    source = getattr(config, "args_source", None)
    explicit = source is None or source == pytest.Config.ArgsSource.ARGS
    if explicit and config.args:
        # pytest ... tests/ --pyst-scenario x.yaml: both.
        config.args = [*config.args, *(a for a in as_args if a not in config.args)]
    else:
        # Only scenarios were asked for: do not also run testpaths.
        config.args = as_args


def _matches_ini(config: pytest.Config, path: Path) -> bool:
    patterns: list[str] = config.getini("pyst_scenario_files") or []
    return any(fnmatch.fnmatch(path.name, pat) for pat in patterns)


def collect_file(file_path: Path, parent: pytest.Collector) -> ScenarioFile | None:
    config = parent.config
    if file_path.suffix not in (".yaml", ".yml"):
        return None
    requested = config.stash.get(REQUESTED_KEY, frozenset())
    if file_path.resolve() in requested or _matches_ini(config, file_path):
        return ScenarioFile.from_parent(parent, path=file_path)
    return None


def get_runner(config: pytest.Config) -> ScenarioRunner:
    """The session's scenario runner (created on first use; closed at unconfigure)."""
    runner = config.stash.get(RUNNER_KEY, None)
    if runner is None:
        from pyst_sim.scenario.runner import ScenarioRunner

        runner = ScenarioRunner()
        config.stash[RUNNER_KEY] = runner
    return runner


def unconfigure(config: pytest.Config) -> None:
    runner = config.stash.get(RUNNER_KEY, None)
    if runner is not None:
        runner.close()
        del config.stash[RUNNER_KEY]


class ScenarioFile(pytest.File):
    """A scenario file: loads it and yields one item per case."""

    def collect(self) -> Iterator[ScenarioItem]:
        from pyst_sim.scenario.loader import load_scenario

        scenario = load_scenario(self.path)
        for case in scenario.cases:
            item = ScenarioItem.from_parent(self, name=case.id, case=case)
            item.add_marker(pytest.mark.pyst_sim)
            if case.skip is not None:
                item.add_marker(pytest.mark.skip(reason=case.skip or "skipped in the scenario"))
            if case.xfail is not None:
                item.add_marker(
                    pytest.mark.xfail(reason=case.xfail or "expected to fail", strict=True)
                )
            yield item

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> Any:
        from pyst_sim.errors import ScenarioError

        if isinstance(excinfo.value, ScenarioError):
            return f"invalid scenario {excinfo.value}"
        return super().repr_failure(excinfo)


class ScenarioItem(pytest.Item):
    """One case of a scenario file: a simulated call or an AMI program run."""

    def __init__(self, *, case: Case, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        runner = get_runner(self.config)
        result = runner.run(self.case)
        if not result.ok:
            # The whole transcript as a report section; the failure shows its last lines.
            if result.transcript:
                self.add_report_section(
                    "call", "pyst-sim transcript", "\n".join(result.transcript)
                )
            raise result.failure()

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None
    ) -> Any:
        from pytest_plugin.reporting import format_failure

        text = format_failure(excinfo.value, self.case)
        if text is not None:
            return text
        return super().repr_failure(excinfo, style)

    def reportinfo(self) -> tuple[Path, int, str]:
        kind = "call" if self.case.kind == "call" else "AMI session"
        return self.path, self.case.where.line - 1, f"{kind} {self.case.id}"
