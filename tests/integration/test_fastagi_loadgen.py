"""The FastAGI benchmark's two load generators agree: the C one (bench/agi_loadgen.c) and the
Python reference (pyst's core in the ASTERISK role) count the same good and lost calls against
the same pyst.fastagi server, with a correct handler and with one that skips a command on
every other call."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from bench import fastagi_bench
from pyst.agi.aio import AsyncAGI
from pyst.fastagi import FastAGIServer, FastAGIThread
from tests.prerequisites import missing

CALLS = 20


def bench_server(faulty: bool) -> FastAGIServer:
    server = FastAGIServer(port=0)
    served = [0]

    @server.route("bench")
    async def bench(agi: AsyncAGI) -> None:
        served[0] += 1
        # The benchmark's own handler, one command short on every other call when faulty.
        await fastagi_bench.pyst_handler(agi, skip_noop=faulty and served[0] % 2 == 0)

    return server


@pytest.fixture(scope="module")
def c_generator(tmp_path_factory: pytest.TempPathFactory) -> str:
    if shutil.which("cc") is None:
        missing("no C compiler (cc): the benchmark falls back to the Python generator")
    executable = fastagi_bench.build_c_generator(str(tmp_path_factory.mktemp("loadgen")))
    assert executable is not None and Path(executable).exists()
    return executable


def counts(result: dict[str, Any]) -> tuple[int, int]:
    return result["calls"], result["lost"]


@pytest.mark.parametrize("faulty", [False, True], ids=["correct", "faulty"])
def test_both_generators_count_the_same(c_generator: str, faulty: bool) -> None:
    expected = (CALLS // 2, CALLS // 2) if faulty else (CALLS, 0)
    for generator in ("python", "C"):
        with FastAGIThread(bench_server(faulty)) as running:
            options: dict[str, Any] = {
                "concurrency": 5, "warmup": 0.0, "duration": 60.0, "max_calls": CALLS,
            }
            if generator == "C":
                result = fastagi_bench.generate_c(c_generator, running.port, **options)
            else:
                result = fastagi_bench.generate(running.port, **options)
            stats = dict(running.server.stats)
        assert counts(result) == expected, generator
        assert stats["accepted"] == CALLS, generator
        good = result["latencies"]
        assert len(good) == expected[0] and all(0 < t < 60 for t in good)
        own = result["generator CPU ms/call"]
        assert own == own and own >= 0  # measured (not NaN)


def test_the_c_generator_reports_a_server_that_is_not_there(c_generator: str) -> None:
    with FastAGIThread(FastAGIServer(port=0)) as running:
        port = running.port
    with pytest.raises(RuntimeError, match="agi_loadgen failed"):
        fastagi_bench.generate_c(c_generator, port, concurrency=1, warmup=0.0, duration=1.0)


@pytest.mark.parametrize("name", ["floor", "least"])
def test_the_reference_servers_complete_every_call(c_generator: str, name: str) -> None:
    # The benchmark's reference rows are bounds only if they really serve the calls: each one,
    # run as the benchmark runs it (its own process), answers every call the generator makes.
    proc, port = fastagi_bench._start_server(name)
    try:
        result = fastagi_bench.generate_c(
            c_generator, port, concurrency=5, warmup=0.0, duration=60.0, max_calls=CALLS
        )
    finally:
        fastagi_bench._stop_server(proc)
    assert counts(result) == (CALLS, 0)
