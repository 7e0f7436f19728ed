"""AGI channel simulator speed: simulated calls per second for a 10-command IVR, in-process,
as a classic AGI script (a child process per call) and over FastAGI, and how much faster than
real time a call with long timeouts runs.

The IVR (10 commands): ANSWER, STREAM FILE with escape digits, GET DATA (the caller types four
digits), SET VARIABLE, GET VARIABLE, SAY DIGITS, WAIT FOR DIGIT (one more key), DATABASE PUT,
VERBOSE, HANGUP: about 6 s of simulated time per call. Each app uses our ``pyst.agi``:

* in-process: ``simulate_call(handler)``; the handler gets a blocking ``pyst.agi.AGI`` over a
  socketpair to the simulator's thread (what a test does);
* engine only: the same commands through :class:`pyst_sim.agi.InMemoryCall`, without thread
  or socket: the cost of the simulation itself;
* subprocess: ``simulate_call("ivr.py")``: a Python child process per call (its start-up
  dominates);
* FastAGI: a ``pyst.fastagi.FastAGIServer`` in a thread, ``simulate_call("agi://...")``.

Long timeouts: one in-process call that spends 35 s of simulated time in GET DATA timeouts
and WAIT FOR DIGIT; the row gives simulated seconds per wall second.
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pyst_sim.agi import Caller, InMemoryCall, simulate_call

METRIC = "calls/s"
BASELINE = "subprocess (python script)"

IVR_LINES = [
    "ANSWER",
    'STREAM FILE welcome "12"',
    "GET DATA enter-account 5000 4",
    "SET VARIABLE ACCOUNT 1234",
    "GET VARIABLE ACCOUNT",
    'SAY DIGITS 1234 ""',
    "WAIT FOR DIGIT 3000",
    "DATABASE PUT ivr last 1234",
    'VERBOSE "done" 1',
    "HANGUP",
]

SCRIPT = """
    from pyst.agi import AGI
    agi = AGI()
    agi.answer()
    agi.stream_file("welcome", "12")
    digits = agi.get_data("enter-account", 5000, 4)
    agi.set_variable("ACCOUNT", digits)
    agi.get_variable("ACCOUNT")
    agi.say_digits(digits)
    agi.wait_for_digit(3000)
    agi.database_put("ivr", "last", digits)
    agi.verbose("done")
    agi.hangup()
"""


def ivr(agi: Any) -> None:
    """The IVR as an in-process handler (and FastAGI route)."""
    agi.answer()
    agi.stream_file("welcome", "12")
    digits = agi.get_data("enter-account", 5000, 4)
    agi.set_variable("ACCOUNT", digits)
    agi.get_variable("ACCOUNT")
    agi.say_digits(digits)
    agi.wait_for_digit(3000)
    agi.database_put("ivr", "last", digits)
    agi.verbose("done")
    agi.hangup()


def slow(agi: Any) -> None:
    """35 s of simulated timeouts: five 5 s GET DATA (0.25 s prompt each) and 8.75 s wait."""
    agi.answer()
    for _ in range(5):
        agi.get_data("beep", 5000, 4)
    agi.wait_for_digit(8750)


def caller(seed: int) -> Caller:
    return Caller(callerid=f"555{seed:07d}", name="Bench Caller", dtmf="12345")


OPTIONS: dict[str, Any] = {"name": "PJSIP/100-00000001", "uniqueid": "1.1", "threadid": 1}


def _measure(label: str, calls: int, one: Callable[[int], Any]) -> dict[str, Any]:
    one(-1)  # warm-up: imports, caches
    simulated = 0.0
    started = time.perf_counter()
    for index in range(calls):
        record = one(index)
        simulated += record.duration
        assert record.agi_status in ("HANGUP", "SUCCESS"), record.format()
    wall = time.perf_counter() - started
    return {
        "case": label,
        "calls": calls,
        "calls/s": round(calls / wall, 1),
        "ms/call": round(wall / calls * 1000, 2),
        "sim s/call": round(simulated / calls, 2),
        "sim/wall": round(simulated / wall),
    }


def _engine_only(index: int) -> Any:
    call = InMemoryCall(caller=caller(index), seed=index, **OPTIONS)
    for line in IVR_LINES:
        call.send(line)
    return call.close()


def run(quick: bool | None = None) -> list[dict[str, Any]]:
    """The benchmark rows (see the module docstring)."""
    if quick is None:
        try:
            from bench import quick_mode

            quick = quick_mode()
        except ImportError:  # run as a plain script
            quick = False
    n_fast, n_sub = (50, 3) if quick else (500, 20)
    rows = [
        _measure("engine only (in memory)", n_fast, _engine_only),
        _measure("in-process (pyst.agi)", n_fast,
                 lambda i: simulate_call(ivr, caller=caller(i), seed=i, **OPTIONS)),
    ]
    with tempfile.TemporaryDirectory(prefix="pyst-agi-bench-") as tmp:
        script = Path(tmp) / "ivr.py"
        script.write_text(textwrap.dedent(SCRIPT), encoding="utf-8")
        rows.append(_measure(BASELINE, n_sub,
                             lambda i: simulate_call(script, caller=caller(i), seed=i,
                                                     **OPTIONS)))
    from pyst.fastagi import FastAGIServer, FastAGIThread

    server = FastAGIServer("127.0.0.1", 0, linger=1.0)
    server.add_route("ivr", ivr)
    with FastAGIThread(server) as running:
        url = f"agi://127.0.0.1:{running.port}/ivr"
        rows.append(_measure("FastAGI (pyst.fastagi)", n_fast // 2,
                             lambda i: simulate_call(url, caller=caller(i), seed=i, **OPTIONS)))
    long_row = _measure("35 s of timeouts, in-process", 5 if quick else 20,
                        lambda i: simulate_call(slow, seed=i, **OPTIONS))
    rows.append(long_row)
    return rows


if __name__ == "__main__":
    quick_flag = "--quick" in sys.argv[1:]
    table = run(quick=quick_flag)
    columns = list(table[0])
    widths = [max(len(str(c)), *(len(str(r[c])) for r in table)) for c in columns]
    print("  ".join(str(c).ljust(w) for c, w in zip(columns, widths, strict=True)))
    for row in table:
        print("  ".join(str(row[c]).ljust(w) for c, w in zip(columns, widths, strict=True)))
