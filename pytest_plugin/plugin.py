"""pytest hooks of pyst-sim: options, ini settings, markers, scenario collection, fixtures.

Loaded by pytest through the ``pytest11`` entry point (``pyst_sim``). It must never break a
pytest run that does not use it: this module imports only pytest and the light
:mod:`pytest_plugin.collection` / :mod:`pytest_plugin.fixtures` modules; the loader, jsonschema
and the simulators are imported when a scenario or a fixture is actually used.

Options and ini settings:

``--pyst-scenario PATH``        scenario file, folder or glob to run (repeatable)
``--pyst-record-mode MODE``     cassette mode for ``ami_cassette``: none, once, new_episodes, all
``--pyst-ami-upstream H:P``     the real AMI that ``ami_cassette`` records from
``pyst_scenario_files``         ini: glob patterns of scenario files collected from testpaths
                                like test modules (e.g. ``*.pyst.yaml``); empty: off
``pyst_record_mode``            ini: default for ``--pyst-record-mode`` (default ``none``)
``pyst_cassette_dir``           ini: folder of cassettes, beside each test file (``cassettes``)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pytest_plugin import collection
from pytest_plugin.fixtures import (  # noqa: F401  (registers the fixtures with this plugin)
    CALLS_KEY,
    agi_call,
    ami_cassette,
    asterisk_config,
    asterisk_config_dir,
    fake_ami,
    fake_ami_server,
)

RECORD_MODES = ("none", "once", "new_episodes", "all")

MARKERS = (
    "pyst_sim: test uses the pyst-sim fake Asterisk (set on every scenario item)",
    "fake_ami(**options): options of the fake_ami fixture for this test: users "
    "(list of (username, secret) or dicts), strict (bool, default True: unexpected actions "
    "fail the test at teardown)",
    "agi_call(**defaults): default keyword arguments of agi_call(...) for this test "
    "(seed, caller, sounds, ...)",
    "asterisk_config(files): .conf files for asterisk_config_dir / asterisk_config / fake_ami: "
    "a mapping file name -> text or {category: {key: value}}",
    "ami_cassette(path=None, record_mode=None): cassette of this test for ami_cassette "
    "(default: <pyst_cassette_dir>/<module>/<test>.yaml beside the test file)",
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pyst-sim", "pyst-sim: fake Asterisk for AGI/AMI tests")
    group.addoption(
        "--pyst-scenario",
        action="append",
        default=[],
        metavar="PATH",
        help="run pyst-sim scenario files (file, directory or glob) as tests; repeatable",
    )
    group.addoption(
        "--pyst-record-mode",
        choices=RECORD_MODES,
        default=None,
        help="ami_cassette mode: none (replay only), once (record if the cassette is missing), "
        "new_episodes (record what is not in it), all (always record); default: the "
        "pyst_record_mode ini value, else none",
    )
    group.addoption(
        "--pyst-ami-upstream",
        metavar="HOST:PORT",
        default=None,
        help="real AMI server that ami_cassette records from (record modes other than none)",
    )
    parser.addini(
        "pyst_scenario_files",
        type="args",
        default=[],
        help="glob patterns of pyst-sim scenario files collected from testpaths "
        "(e.g. *.pyst.yaml); empty: scenarios run only with --pyst-scenario",
    )
    parser.addini("pyst_record_mode", default="none", help="default --pyst-record-mode")
    parser.addini(
        "pyst_cassette_dir",
        default="cassettes",
        help="folder (beside each test file) holding ami_cassette cassettes",
    )


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    mode = config.getoption("pyst_record_mode") or config.getini("pyst_record_mode")
    if mode not in RECORD_MODES:
        raise pytest.UsageError(
            f"pyst_record_mode = {mode!r}: choose one of {', '.join(RECORD_MODES)}"
        )
    collection.configure(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    collection.unconfigure(config)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return collection.collect_file(file_path, parent)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report = outcome.get_result()
    if report.failed:
        records = item.stash.get(CALLS_KEY, None)
        for i, record in enumerate(records or (), 1):
            title = "pyst-sim call" if len(records or ()) == 1 else f"pyst-sim call {i}"
            report.sections.append((title, record.format()))


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    requested = config.stash.get(collection.REQUESTED_KEY, frozenset())
    if not requested:
        return None
    noun = "file" if len(requested) == 1 else "files"
    return [f"pyst-sim: {len(requested)} scenario {noun}"]
