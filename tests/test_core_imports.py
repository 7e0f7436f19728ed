"""The sans-IO protocol cores must not import I/O or concurrency modules (house habit 1).

Checked on the source (AST), so imports inside functions, ``if`` blocks or ``try`` blocks
count too, and a module is caught even if nothing imports it yet.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PYST = Path(__file__).resolve().parent.parent / "pyst"
FORBIDDEN = {"socket", "asyncio", "threading", "selectors", "subprocess"}
AMI_CORE = ["ami/messages.py", "ami/protocol.py", "ami/correlation.py"]
AGI_CORE = ["agi/messages.py", "agi/protocol.py", "agi/quoting.py"]  # written separately
CORE = [p for p in AMI_CORE + AGI_CORE if (PYST / p).exists()]


def forbidden_imports(source: str, filename: str) -> list[tuple[int, str]]:
    """(line, module) for every import of a forbidden module (or a submodule of one)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        found += [(node.lineno, m) for m in modules if m.split(".")[0] in FORBIDDEN]
    return found


def test_the_ami_core_exists() -> None:
    for path in AMI_CORE:
        assert (PYST / path).is_file(), path


@pytest.mark.parametrize("path", CORE)
def test_core_module_imports_no_io(path: str) -> None:
    source = (PYST / path).read_text(encoding="utf-8")
    assert forbidden_imports(source, path) == []


@pytest.mark.parametrize(
    "source",
    [
        "import socket",
        "import os, asyncio.events",
        "from threading import Lock",
        "def f():\n    import selectors\n",
        "try:\n    pass\nexcept Exception:\n    from subprocess import run\n",
        "if True:\n    import asyncio as aio\n",
    ],
)
def test_the_check_catches_nested_imports(source: str) -> None:
    assert forbidden_imports(source, "<test>")


def test_the_check_allows_other_imports() -> None:
    assert forbidden_imports("import logging\nfrom collections import deque\nfrom . import x\n",
                             "<test>") == []
