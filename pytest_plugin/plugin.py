"""pytest hooks of pyst-sim: command-line options, ini options and markers.

Loaded by pytest through the ``pytest11`` entry point. It must never break a pytest run that
does not use it, so it only registers options here; fixtures and collection live beside it.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("pyst-sim", "pyst-sim: fake Asterisk for AGI/AMI tests")
    group.addoption(
        "--pyst-scenario",
        action="append",
        default=[],
        metavar="PATH",
        help="run pyst-sim scenario files (file, directory or glob) as tests; repeatable",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "pyst_sim: test uses the pyst-sim fake Asterisk")
