"""fake_ami and ami_cassette: a shared server cleared per test, strict at teardown, cassettes."""

from __future__ import annotations

from pathlib import Path

import pytest

# Imported here so pytester's in-process runs reuse them (see test_collection.py; importing
# pyst_sim.cassette a second time in one process breaks its YAML loader).
import pyst_sim.cassette
import pyst_sim.replay  # noqa: F401
from pyst.ami.messages import Action
from pytest_plugin.fixtures import AMICassette, FakeAMI

pytest_plugins = ["pytester"]

QUIET = ("-p", "no:faker", "-p", "no:hypothesispytest", "-p", "no:cacheprovider")
CASSETTE = Path(__file__).resolve().parents[2] / "scenarios" / "cassettes" / (
    "asterisk22_cli_commands.yaml"
)


def test_client_and_scripted_answers(fake_ami: FakeAMI) -> None:
    assert fake_ami.host == "127.0.0.1" and fake_ami.port > 0
    assert fake_ami.address == (fake_ami.host, fake_ami.port)
    fake_ami.expect_oneshot_action("UserEvent", UserEvent="Ping").respond_with(
        Message="scripted"
    )
    result = fake_ami.client.send_action(Action.make("UserEvent", UserEvent="Ping"))
    assert result.response is not None and result.response.get("Message") == "scripted"
    assert fake_ami.client is fake_ami.client  # made once
    assert [a.name for a in fake_ami.actions()] == ["Login", "UserEvent"]
    assert "FakeAMI 127.0.0.1" in repr(fake_ami)


def test_cleared_between_tests(fake_ami: FakeAMI) -> None:
    # The previous test's log and expectations are gone; the server is the same one.
    assert fake_ami.log == [] and fake_ami.expectations == []


@pytest.mark.fake_ami(users={"alice": {"secret": "pw", "read": "call", "write": "originate"}})
def test_marker_users(fake_ami: FakeAMI) -> None:
    assert (fake_ami.username, fake_ami.secret) == ("alice", "pw")
    second = fake_ami.connect()
    assert second.connected
    fake_ami.pbx.astdb.put("cidname", "555", "Alice")


def test_agi_call_shares_the_astdb(fake_ami: FakeAMI, agi_call) -> None:  # type: ignore[no-untyped-def]
    def app(agi) -> None:  # type: ignore[no-untyped-def]
        agi.database_put("cidname", "5551234", "Bob")

    agi_call(app)
    assert fake_ami.pbx.astdb.get("cidname", "5551234") == "Bob"
    # The previous test's entry was cleared with the PBX state.
    assert fake_ami.pbx.astdb.get("cidname", "555") is None


@pytest.mark.asterisk_config(
    {"manager.conf": {"general": {"enabled": "yes"}, "ops": {"secret": "x", "read": "all",
                                                               "write": "all"}}}
)
def test_config_from_marker_gets_its_own_server(fake_ami: FakeAMI,
                                                fake_ami_server) -> None:  # type: ignore[no-untyped-def]
    assert fake_ami.server is not fake_ami_server
    assert fake_ami.username == "ops"
    assert fake_ami.client.connected


def test_strict_teardown_reports_problems(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        from pyst.ami.messages import Action

        def test_unmet(fake_ami):
            fake_ami.expect_oneshot_action("Originate", Channel="PJSIP/100")

        def test_not_emulated(fake_ami):
            fake_ami.client.send_action(Action.make("AGI", Channel="x", Command="NOOP"),
                                        check=False)

        import pytest

        @pytest.mark.fake_ami(strict=False)
        def test_lenient(fake_ami):
            fake_ami.expect_oneshot_action("Originate")

        @pytest.mark.fake_ami(color="blue")
        def test_bad_option(fake_ami):
            pass
        """
    )
    result = pytester.runpytest_inprocess(*QUIET)
    result.assert_outcomes(passed=3, errors=3)
    result.stdout.fnmatch_lines(
        [
            "*ERROR at teardown of test_unmet*",
            "*ExpectationError: fake AMI server: 1 problem(s)*",
            "*ERROR at teardown of test_not_emulated*",
            "*unknown option(s) color*",
        ]
    )


@pytest.mark.ami_cassette(str(CASSETTE))
def test_cassette_replay(ami_cassette: AMICassette, fake_ami: FakeAMI) -> None:
    assert not ami_cassette.recording and ami_cassette.mode == "none"
    assert ami_cassette.address == fake_ami.address
    result = fake_ami.client.send_action(Action.make("Command", Command="core show version"))
    assert result.response is not None
    assert result.response.get_all("Output")[0].startswith("Asterisk 22.10.1")
    assert "replaying" in repr(ami_cassette)


def test_cassette_modes(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_missing(ami_cassette):
            pass
        """
    )
    result = pytester.runpytest_inprocess(*QUIET)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cassette */cassettes/test_cassette_modes/test_missing.yaml "
                                 "does not exist*"])
    result = pytester.runpytest_inprocess("--pyst-record-mode", "all", *QUIET)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*record mode 'all' needs --pyst-ami-upstream*"])


def test_record_once_then_replay(pytester: pytest.Pytester) -> None:
    from pyst_sim.ami_server import FakeAMIServer

    pytester.makepyfile(
        """
        from pyst.ami.blocking import BlockingAMIClient
        from pyst.ami.messages import Action

        def test_ping(ami_cassette):
            with BlockingAMIClient(ami_cassette.host, ami_cassette.port) as ami:
                ami.login(ami_cassette.username or "admin", ami_cassette.secret or "secret")
                result = ami.send_action(Action.make("Ping"))
                assert result.response.get("Ping") == "Pong"
        """
    )
    upstream = FakeAMIServer().start_in_thread()
    try:
        host, port = upstream.address
        result = pytester.runpytest_inprocess(
            "--pyst-record-mode", "once", f"--pyst-ami-upstream={host}:{port}", *QUIET
        )
        result.assert_outcomes(passed=1)
    finally:
        upstream.stop()
    cassette = pytester.path / "cassettes" / "test_record_once_then_replay" / "test_ping.yaml"
    text = cassette.read_text()
    assert "Action: Ping" in text and "secret" not in text.replace("Secret", "")
    # Without the upstream, the recording is replayed (mode none is the default).
    result = pytester.runpytest_inprocess(*QUIET)
    result.assert_outcomes(passed=1)
