"""The agi_call fixture: handlers, scripts, "module:function", callers, markers, reports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from pytest_plugin.fixtures import AGICallFactory, seed_for

pytest_plugins = ["pytester"]

QUIET = ("-p", "no:faker", "-p", "no:hypothesispytest", "-p", "no:cacheprovider")


def greet(agi) -> None:  # type: ignore[no-untyped-def]
    agi.answer()
    digits = agi.get_data("enter-account", timeout=3000, max_digits=4)
    agi.set_variable("ACCOUNT", digits)
    agi.set_variable("CID", agi.env["agi_callerid"])


def test_handler_with_caller_string_and_shortcuts(agi_call: AGICallFactory) -> None:
    call = agi_call(greet, caller="5551234", dtmf="1234")
    assert call.variables["CID"] == "5551234"
    assert call.variables["ACCOUNT"] == "1234"
    call = agi_call(greet, callerid="77", hangup_on_prompt="enter-account", raise_errors=False)
    assert call.hung_up_by == "caller"
    assert "ACCOUNT" not in call.variables
    # GET DATA answered result=-1: pyst2's "error executing application, or hangup".
    assert type(call.error).__name__ == "AGIAppError"


def test_caller_object(agi_call: AGICallFactory) -> None:
    from pyst_sim.agi import Caller

    call = agi_call(greet, caller=Caller(callerid="12", dtmf="9"))
    assert call.variables["ACCOUNT"] == "9"
    with pytest.raises(TypeError, match="give dtmf in the Caller"):
        agi_call(greet, caller=Caller(callerid="12"), dtmf="9")


def test_caller_mapping_and_dtmf(agi_call: AGICallFactory) -> None:
    call = agi_call(greet, caller={"callerid": "100", "dtmf": "42"})
    assert call.variables["ACCOUNT"] == "42"
    assert call.prompts_played == ["enter-account"]
    assert call.hung_up_by is None


def test_module_function_reference(agi_call: AGICallFactory) -> None:
    call = agi_call(f"{__name__}:greet", caller={"dtmf": "7"})
    assert call.variables["ACCOUNT"] == "7"


def test_script_with_arguments(agi_call: AGICallFactory, tmp_path: Path) -> None:
    script = tmp_path / "args.py"
    script.write_text(
        "from pyst.agi import AGI\n"
        "agi = AGI()\n"
        "agi.set_variable('ARGS', ','.join(sys.argv[1:]))\n".replace(
            "from pyst", "import sys\nfrom pyst"
        )
    )
    call = agi_call(str(script), "a", "b c")
    assert call.variables["ARGS"] == "a,b c"
    assert call.exit_code == 0


@pytest.mark.agi_call(seed=5, context="from-pstn", caller={"callerid": "999"})
def test_marker_defaults(agi_call: AGICallFactory) -> None:
    call = agi_call(greet)
    assert call.variables["CID"] == "999"
    assert call.env is not None and call.env["agi_context"] == "from-pstn"
    # Options given to the call win over the marker's.
    assert agi_call(greet, caller="1").variables["CID"] == "1"


def test_default_seed_is_stable_per_test(agi_call: AGICallFactory,
                                         request: pytest.FixtureRequest) -> None:
    first = agi_call(greet)
    again = agi_call(greet)
    assert first.variables["CID"] == again.variables["CID"]
    assert agi_call.defaults == {}
    assert seed_for(request.node.nodeid) == seed_for(request.node.nodeid)


def test_failing_test_shows_the_transcript(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def app(agi):
            agi.answer()
            agi.stream_file("hello")

        def test_x(agi_call):
            call = agi_call(app)
            assert call.prompts_played == ["goodbye"]
        """
    )
    result = pytester.runpytest_inprocess(*QUIET)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        ["*- pyst-sim call -*", "*> ANSWER", "*> STREAM FILE hello*", "*-- SUCCESS*"]
    )


def test_bad_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.agi_call(5)
        def test_x(agi_call):
            pass
        """
    )
    result = pytester.runpytest_inprocess(*QUIET)
    result.stdout.fnmatch_lines(["*agi_call takes keyword arguments only*"])
    assert sys.executable
