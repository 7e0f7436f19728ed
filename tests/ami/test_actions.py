"""pyst.ami.actions: one class per action of the 22.10.1 spec, typed, required headers enforced."""

from __future__ import annotations

import importlib.util
import inspect
import json
import sys
from pathlib import Path

import pytest

from pyst.ami import actions
from pyst.ami.actions import (
    ACTIONS,
    AGI,
    AMIAction,
    AOCMessage,
    Command,
    CoreShowChannels,
    DBGet,
    Events,
    Getvar,
    Hangup,
    Login,
    Originate,
    Parameter,
    Ping,
    Setvar,
    Status,
    UpdateConfig,
    UserEvent,
    get_action_class,
)
from pyst.ami.correlation import LIST_COMPLETE_EVENTS, Correlator
from pyst.ami.messages import Action
from pyst.ami.protocol import CLIENT, SERVER, AMIConnection

REPO = Path(__file__).resolve().parent.parent.parent


def _spec(shared_dir: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        (shared_dir / "spec" / "ami_actions.json").read_text(encoding="utf-8")
    )
    return data


def _generator() -> object:
    spec = importlib.util.spec_from_file_location("gen_ami_actions", REPO / "tools" /
                                                  "gen_ami_actions.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_ami_actions"] = module
    spec.loader.exec_module(module)
    return module


def wire(action: Action) -> bytes:
    return AMIConnection(CLIENT).send(action)


def read_back(data: bytes) -> Action:
    (item,) = AMIConnection(SERVER).receive(data)
    assert isinstance(item, Action)
    return item


# --- the table -------------------------------------------------------------------------------


def test_one_class_per_action_of_the_spec(shared_dir: Path) -> None:
    spec = _spec(shared_dir)
    names = [a["name"] for a in spec["actions"]]  # type: ignore[index]
    assert len(names) == 154
    assert list(ACTIONS) == names
    for entry in spec["actions"]:  # type: ignore[attr-defined]
        cls = ACTIONS[entry["name"]]
        assert issubclass(cls, AMIAction) and issubclass(cls, Action)
        assert cls.action_name == entry["name"]
        assert cls.permission == tuple(entry["permission"])
        assert cls.module == entry["module"]
        assert cls.list_complete_event == entry["list_complete_event"]
        assert cls.list_events == tuple(entry["list_events"])
        required = {p["name"] for p in entry["parameters"] if p["required"]}
        assert {p.header for p in cls.parameters if p.required} == required


def test_the_generated_module_is_up_to_date(shared_dir: Path) -> None:
    gen = _generator()
    spec = _spec(shared_dir)
    text = gen.render(spec, "")  # type: ignore[attr-defined]
    on_disk = (REPO / "pyst" / "ami" / "actions.py").read_text(encoding="utf-8")
    # Only the "Source:" line of the docstring depends on the spec's _meta; the rest must match.
    strip = [line for line in on_disk.splitlines() if not line.startswith(("Source:", "build_"))]
    assert [line for line in text.splitlines() if line] == [line for line in strip if line]
    assert gen.main(["--check", "--spec", str(shared_dir / "spec" / "ami_actions.json")]) == 0  # type: ignore[attr-defined]


def test_generator_names() -> None:
    gen = _generator()
    snake = gen.snake  # type: ignore[attr-defined]
    assert snake("CallerID") == "caller_id"
    assert snake("Content-Type") == "content_type"
    assert snake("From") == "from_"
    assert snake("Async") == "run_async"
    assert snake("AOCBillingId") == "aoc_billing_id"
    assert snake("Base64Body") == "base64_body"
    assert snake("DAHDIChannel") == "dahdi_channel"


def test_list_actions_agree_with_the_correlator() -> None:
    for name, cls in ACTIONS.items():
        if cls.list_complete_event is not None:
            assert LIST_COMPLETE_EVENTS[name] == cls.list_complete_event
            assert cls.returns_list()
        else:
            assert name not in LIST_COMPLETE_EVENTS
            assert not cls.returns_list()


def test_get_action_class_ignores_case() -> None:
    assert get_action_class("coreshowchannels") is CoreShowChannels
    assert get_action_class("PING") is Ping
    assert get_action_class("NoSuchAction") is None


def test_every_class_builds_with_its_required_parameters() -> None:
    for name, cls in ACTIONS.items():
        required = [p for p in cls.parameters if p.required]
        args = [f"v{i}" for i in range(len(required))]
        action = cls(*args)
        assert action.name == name
        assert action.get("Action") == name
        for param, arg in zip(required, args, strict=True):
            assert action.get(param.header) == arg
        assert read_back(wire(action)).fields == action.fields
        # keyword-only optional parameters, positional required ones
        sig = inspect.signature(cls.__init__)
        kinds = {p.name: p.kind for p in sig.parameters.values()}
        for param in cls.parameters:
            expected = (inspect.Parameter.POSITIONAL_OR_KEYWORD if param.required
                        else inspect.Parameter.KEYWORD_ONLY)
            assert kinds[param.name] == expected, (name, param)


# --- building ------------------------------------------------------------------------------------


def test_originate_wire_bytes() -> None:
    action = Originate(
        "Local/s@ctx",
        context="ctx",
        exten="s",
        priority=1,
        caller_id='"AMI Test" <5551234>',
        variable={"A": "1", "B": 2},
        run_async=True,
        codecs=["ulaw", "alaw"],
        action_id="x-1",
    )
    assert wire(action) == (
        b"Action: Originate\r\nActionID: x-1\r\nChannel: Local/s@ctx\r\nExten: s\r\n"
        b"Context: ctx\r\nPriority: 1\r\nCallerID: \"AMI Test\" <5551234>\r\n"
        b"Variable: A=1\r\nVariable: B=2\r\nAsync: true\r\nCodecs: ulaw,alaw\r\n\r\n"
    )
    assert action.action_id == "x-1"
    assert read_back(wire(action)).variables() == [("A", "1"), ("B", "2")]


@pytest.mark.parametrize(
    "variable",
    [{"A": "1", "B": "x=y"}, ["A=1", "B=x=y"], [("A", 1), ("B", "x=y")], ("A=1", ("B", "x=y"))],
)
def test_variables_accept_mappings_strings_and_pairs(variable: object) -> None:
    action = Originate("Local/s@c", variable=variable)  # type: ignore[arg-type]
    assert action.get_all("Variable") == ("A=1", "B=x=y")


def test_variables_refuse_a_single_string() -> None:
    with pytest.raises(TypeError):
        Originate("Local/s@c", variable="A=1")


def test_false_and_zero_are_sent() -> None:
    assert Events(False).get("EventMask") == "false"
    assert Events(["call", "system"]).get("EventMask") == "call,system"
    assert Events("on").get("EventMask") == "on"
    assert Originate("L/x", timeout=0, early_media=False).get("Timeout") == "0"
    assert Originate("L/x", early_media=False).get("EarlyMedia") == "false"
    assert Status(variables=["A", "B"]).get("Variables") == "A,B"


def test_required_parameters_are_enforced_before_sending() -> None:
    with pytest.raises(TypeError):
        DBGet("family")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match=r"DBGet: Key \(key=\) is required"):
        DBGet("family", None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Channel"):
        Hangup("")
    with pytest.raises(ValueError, match="Username"):
        Login(None)  # type: ignore[arg-type]


def test_setvar_and_getvar_variable_is_a_name() -> None:
    assert wire(Setvar("FOO", "bar", channel="PJSIP/1-0")) == (
        b"Action: Setvar\r\nVariable: FOO\r\nValue: bar\r\nChannel: PJSIP/1-0\r\n\r\n"
    )
    assert Getvar("GLOBAL(X)").get("Variable") == "GLOBAL(X)"


def test_update_config_numbers_its_changes() -> None:
    action = UpdateConfig(
        "a.conf",
        "b.conf",
        reload="yes",
        changes=[{"Action": "NewCat", "Cat": "x"},
                 {"Action": "Append", "Cat": "x", "Var": "k", "Value": 1}],
    )
    assert action.fields[3:] == (
        ("Reload", "yes"),
        ("Action-000000", "NewCat"),
        ("Cat-000000", "x"),
        ("Action-000001", "Append"),
        ("Cat-000001", "x"),
        ("Var-000001", "k"),
        ("Value-000001", "1"),
    )
    assert action.name == "UpdateConfig"  # Action-000000 does not shadow the Action header


def test_aoc_message_indexes_its_units() -> None:
    action = AOCMessage("D", channel="PJSIP/1-0", unit_amount=[10, 20], unit_type=[1, 2])
    assert action.get_all("UnitAmount(0)") == ("10",)
    assert action.get("UnitAmount(1)") == "20"
    assert action.get("UnitType(1)") == "2"
    assert action.get("MsgType") == "D"


def test_extra_headers_are_appended_in_order() -> None:
    action = UserEvent("MyEvent", Header1="value1", Header2=["a", "b"], Skip=None, Flag=True)
    assert action.fields == (
        ("Action", "UserEvent"),
        ("UserEvent", "MyEvent"),
        ("Header1", "value1"),
        ("Header2", "a"),
        ("Header2", "b"),
        ("Flag", "true"),
    )


@pytest.mark.parametrize("header", ["Channel", "CHANNEL", "ActionID", "actionid", "Action"])
def test_extra_headers_cannot_shadow_parameters(header: str) -> None:
    with pytest.raises(TypeError, match="give"):
        Hangup("PJSIP/1-0", **{header: "x"})


def test_actions_are_core_actions() -> None:
    corr = Correlator()
    action = corr.track(CoreShowChannels())
    assert isinstance(action, CoreShowChannels)  # with_action_id keeps the class
    assert action.action_id == "pyst-000001"
    assert wire(action) == b"Action: CoreShowChannels\r\nActionID: pyst-000001\r\n\r\n"
    assert Command("core show version") == Command("core show version")
    assert hash(Ping()) == hash(Ping())
    assert AGI("PJSIP/1-0", "ANSWER", command_id="7").get("CommandID") == "7"


def test_no_parameter_is_documented_twice() -> None:
    for cls in ACTIONS.values():
        names = [p.name for p in cls.parameters]
        assert len(names) == len(set(names)), cls
        assert all(isinstance(p, Parameter) for p in cls.parameters)
    assert actions.__all__.count("Originate") == 1


def test_the_package_exports_the_io_layers_lazily() -> None:
    import pyst.ami

    assert pyst.ami.AMIClient.__module__ == "pyst.ami.client"
    assert pyst.ami.BlockingAMIClient.__module__ == "pyst.ami.blocking"
    assert pyst.ami.AsyncAGIServer.__module__ == "pyst.ami.asyncagi"
    assert pyst.ami.get_action_class("ping") is Ping
    with pytest.raises(AttributeError):
        pyst.ami.NoSuchThing  # noqa: B018
    for name in pyst.ami.__all__:
        assert getattr(pyst.ami, name) is not None
