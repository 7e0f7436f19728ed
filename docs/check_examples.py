"""Run the code examples of the documentation, so that they stay true to the API.

Usage: ``python docs/check_examples.py [FILE.md ...]`` (default: ``README.md`` and every page
under ``docs/``). Exit status 1 if an example fails, with its page, line and output.

A page marks its examples with HTML comments (invisible once rendered), each on the line just
before a fenced code block:

* ``<!-- file: NAME -->``: write the block to ``NAME`` in the page's scratch folder (a script,
  a configuration file, a scenario) for the examples after it;
* ``<!-- run -->``: run the block (Python) on its own, in the scratch folder;
* ``<!-- pytest -->``: write the block to ``test_<line>.py`` there and run pytest on it;
* ``<!-- sh -->``: run the block with ``bash -e`` there (the interpreter's ``bin`` folder first
  on ``PATH``, so ``pytest`` and ``pyst-sim`` are the ones installed beside it).

Each page gets a fresh scratch folder; examples of a page run in page order. Blocks without a
marker are not run (fragments, shell sessions, output).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^<!--\s*(file|run|pytest|sh)\s*(?::\s*(\S+))?\s*-->\s*$")
FENCE = re.compile(r"^(\s*)(```+|~~~+)")
TIMEOUT = 120.0


@dataclass(frozen=True)
class Block:
    kind: str  # "file", "run", "pytest" or "sh"
    arg: str | None
    line: int  # line of the first code line, 1-based
    code: str


def blocks(path: Path) -> list[Block]:
    """The marked code blocks of one Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        marker = MARKER.match(lines[i].strip())
        if marker is None:
            i += 1
            continue
        j = i + 1
        fence = FENCE.match(lines[j]) if j < len(lines) else None
        if fence is None:
            raise SystemExit(f"{path}:{i + 1}: an example marker must be followed by a code block")
        indent, ticks = fence.group(1), fence.group(2)
        body: list[str] = []
        k = j + 1
        while k < len(lines) and not lines[k].strip().startswith(ticks):
            text = lines[k]
            body.append(text[len(indent):] if text.startswith(indent) else text)
            k += 1
        if k == len(lines):
            raise SystemExit(f"{path}:{j + 1}: code block never closed")
        found.append(Block(marker.group(1), marker.group(2), j + 2, "\n".join(body) + "\n"))
        i = k + 1
    return found


def run_page(path: Path, python: str) -> tuple[list[str], list[str]]:
    """Run the examples of one page; returns (progress lines, failure reports)."""
    done_lines: list[str] = []
    failures: list[str] = []
    examples = blocks(path)
    if not examples:
        return done_lines, failures
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["PATH"] = os.pathsep.join((str(Path(python).parent), env.get("PATH", "")))
    with tempfile.TemporaryDirectory(prefix="pyst-docs-") as scratch:
        for block in examples:
            where = f"{path.relative_to(ROOT)}:{block.line}"
            if block.kind == "file":
                if not block.arg:
                    raise SystemExit(f"{where}: 'file' needs a name")
                target = Path(scratch) / block.arg
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(block.code, encoding="utf-8")
                continue
            if block.kind == "run":
                script = Path(scratch) / f"example_{block.line}.py"
                script.write_text(block.code, encoding="utf-8")
                command = [python, script.name]
            elif block.kind == "pytest":
                script = Path(scratch) / f"test_{block.line}.py"
                script.write_text(block.code, encoding="utf-8")
                command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-p", "no:xdist", script.name]
            else:
                command = ["bash", "-e", "-c", block.code]
            started = time.monotonic()
            try:
                done = subprocess.run(command, cwd=scratch, env=env, capture_output=True,
                                      text=True, timeout=TIMEOUT, check=False)
            except subprocess.TimeoutExpired:
                failures.append(f"{where}: example did not finish in {TIMEOUT:.0f} s")
                continue
            elapsed = time.monotonic() - started
            if done.returncode != 0:
                output = (done.stdout + done.stderr).strip()
                failures.append(f"{where}: example failed (exit {done.returncode})\n{output}")
            else:
                done_lines.append(f"ok   {where} ({elapsed:.1f} s)")
    return done_lines, failures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path, help="Markdown files (default: all)")
    parser.add_argument("--python", default=sys.executable, help="interpreter to run them")
    parser.add_argument("-j", "--jobs", type=int, default=2, help="pages run at once (2)")
    args = parser.parse_args(argv)
    files = [p.resolve() for p in args.files] or [
        ROOT / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")),
    ]
    failures: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for done_lines, page_failures in pool.map(lambda p: run_page(p, args.python), files):
            for line in done_lines:
                print(line)
            failures += page_failures
    for report in failures:
        print(f"FAIL {report}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
