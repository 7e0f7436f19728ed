"""Typed views of manager.conf and queues.conf."""

from __future__ import annotations

from pathlib import Path

from pyst.config import ConfigLoader, parse_text
from pyst.config.files import (
    PERMISSION_CLASSES,
    EventFilter,
    ast_false,
    ast_true,
    manager_config,
    permission_mask,
    permission_names,
    queues_config,
    separate_args,
)


def test_capture_manager_conf(shared_dir: Path) -> None:
    loaded = ConfigLoader(shared_dir / "captures" / "config").load("manager.conf")
    manager = manager_config(loaded)
    assert (manager.enabled, manager.webenabled, manager.port, manager.bindaddr) == (
        True,
        False,
        5038,
        "127.0.0.1",
    )
    assert (manager.displayconnects, manager.timestampevents) == (True, False)
    assert (manager.authtimeout, manager.authlimit) == (30, 50)
    assert sorted(manager.users) == ["admin", "limited"]
    admin = manager.user("ADMIN")
    assert admin is not None and admin.secret == "secret"
    assert admin.read == ["all"] and admin.write == ["all"]
    assert admin.acl == [("deny", "0.0.0.0/0.0.0.0"), ("permit", "127.0.0.1/255.255.255.255")]
    assert admin.permit == ["127.0.0.1/255.255.255.255"] and admin.deny == ["0.0.0.0/0.0.0.0"]
    assert admin.can_write("originate") and admin.can_read("system")
    limited = manager.user("limited")
    assert limited is not None
    assert limited.read_mask == PERMISSION_CLASSES["call"]
    assert limited.write_mask == PERMISSION_CLASSES["originate"]
    assert not limited.can_write("system") and not limited.can_read("nonsense")
    assert manager.warnings == []


def test_sample_manager_conf(shared_dir: Path) -> None:
    loaded = ConfigLoader(shared_dir / "asterisk-sample-configs").load("manager.conf.sample")
    manager = manager_config(loaded.config)
    assert (manager.enabled, manager.port, manager.bindaddr, manager.users) == (
        False,
        5038,
        "0.0.0.0",
        {},
    )


def test_manager_general_settings_and_defaults() -> None:
    manager = manager_config(parse_text("[general]\n").config)
    assert (manager.bindaddr, manager.port, manager.allowmultiplelogin) == ("::", 5038, True)
    text = (
        "[general]\nenabled=on\nwebenabled=yes\nport=99999\nport=5039\ntimestampevents=y\n"
        "allowmultiplelogin=no\ndisplayconnects=false\nbrokeneventsaction=1\ndebug=t\n"
        "httptimeout=120\nauthtimeout=0\nauthlimit=5\nchannelvars=A, B,,C\n"
        "disabledevents=Newexten,VarSet\ntlsenable=yes\nmystery=1\n"
        "[general]\nport=1\n"
        "[bob]\nsecret=x\n"
    )
    manager = manager_config(parse_text(text).config)
    assert (manager.enabled, manager.webenabled, manager.port) == (True, True, 5039)
    assert (manager.timestampevents, manager.allowmultiplelogin, manager.displayconnects) == (
        True,
        False,
        False,
    )
    assert (manager.brokeneventsaction, manager.debug, manager.httptimeout) == (True, True, 120)
    assert (manager.authtimeout, manager.authlimit) == (30, 5)
    assert manager.channelvars == ["A", "B", "C"]
    assert manager.disabledevents == ["Newexten", "VarSet"]
    assert manager.tls == {"tlsenable": "yes"}
    assert len(manager.warnings) == 3  # port 99999, authtimeout 0, mystery
    bob = manager.user("bob")
    assert bob is not None
    assert (bob.displayconnects, bob.allowmultiplelogin) == (False, False)  # from [general]
    assert list(manager.users) == ["bob"]  # the second [general] is not a user


def test_manager_users_details() -> None:
    text = (
        "[general]\n"
        "[t](!)\nread=system,call\n"
        "[Bob](t)\nsecret=one\nwrite=originate\nwritetimeout=50\nwritetimeout=250\n"
        "setvar=A=1\nsetvar=A=2\nsetvar=noequals\nsetvar=B=x=y\n"
        "eventfilter=Event: Newchannel\neventfilter=!Channel: Local/\n"
        "eventfilter(action(exclude),name(Hangup),header(Channel),method(starts_with)) = Local/\n"
        "eventfilter(name(Newchannel)) =\n"
        "eventfilter(bogus(x)) = y\n"
        "eventfilterjunk = y\n"
        "allowmultiplelogin=no\ndisplayconnects=no\nacl=named\n"
        "[bob]\npermit=10.0.0.1\nread=\n"
    )
    manager = manager_config(parse_text(text))
    assert list(manager.users) == ["bob"]
    bob = manager.user("bob")
    assert bob is not None
    assert bob.name == "Bob" and bob.secret == "one"  # kept from the first category
    assert bob.acl == [("permit", "10.0.0.1")]  # the repeated category rebuilt the ACL
    assert bob.read == [] and bob.read_mask == 0
    assert bob.write_mask == PERMISSION_CLASSES["originate"]
    assert bob.writetimeout == 250
    assert bob.eventfilters == [] and bob.setvars == []  # rebuilt by the second category
    assert (bob.allowmultiplelogin, bob.displayconnects) == (False, False)
    assert any("writetimeout" in w for w in manager.warnings)
    first = manager_config(parse_text(text.split("[bob]")[0]))
    user = first.user("bob")
    assert user is not None
    assert user.read_mask == PERMISSION_CLASSES["system"] | PERMISSION_CLASSES["call"]
    assert user.setvars == [("A", "1"), ("A", "2"), ("B", "x=y")]
    assert user.channel_variables == {"A": "1", "B": "x=y"}  # stored reversed: first wins
    assert [f.legacy for f in user.eventfilters] == [True, True, False, False, False, False]
    legacy, excluded, advanced, by_name, bogus, junk = user.eventfilters
    assert (legacy.action, legacy.expression, legacy.method) == (
        "include",
        "Event: Newchannel",
        "regex",
    )
    assert (excluded.action, excluded.expression) == ("exclude", "Channel: Local/")
    assert (advanced.action, advanced.event_name, advanced.header, advanced.method) == (
        "exclude",
        "Hangup",
        "Channel",
        "starts_with",
    )
    assert advanced.valid and advanced.expression == "Local/"
    assert (by_name.event_name, by_name.method, by_name.expression, by_name.valid) == (
        "Newchannel",
        "none",
        "",
        True,
    )
    assert not bogus.valid and not junk.valid
    assert user.acl == [("acl", "named")]


def test_permission_masks_follow_get_perm() -> None:
    assert permission_mask("all") == PERMISSION_CLASSES["all"]
    assert permission_mask("system,call") == 3
    assert permission_mask("call, system") == 2  # " system" does not match
    assert permission_mask("cal,x") == PERMISSION_CLASSES["call"]  # a prefix matches
    assert permission_mask(",x") == PERMISSION_CLASSES["all"]  # an empty element matches all
    assert permission_mask("system,") == 1
    assert permission_mask("SYSTEM") == 0  # case-sensitive
    assert permission_mask(None) == 0 and permission_mask("none") == 0
    assert permission_names(3) == ["system", "call", "all"]
    assert permission_names(0) == []


def test_truth_values() -> None:
    assert all(ast_true(v) for v in ["yes", "TRUE", "y", "t", "1", "On"])
    assert not ast_true("enabled") and not ast_true(None)
    assert all(ast_false(v) for v in ["no", "False", "n", "f", "0", "off"])
    assert not ast_false("") and not ast_false(None)


def test_capture_queues_conf(shared_dir: Path) -> None:
    loaded = ConfigLoader(shared_dir / "captures" / "config").load("queues.conf")
    queues = queues_config(loaded)
    assert (queues.persistentmembers, queues.monitor_type) == (False, "MixMonitor")
    support = queues.queue("SUPPORT")
    assert support is not None
    assert (support.strategy, support.timeout, support.retry, support.maxlen) == (
        "ringall",
        15,
        1,
        0,
    )
    assert support.joinempty == "yes" and support.leavewhenempty == "no"
    assert support.musicclass == "default"
    assert support.members == [
        support.member("Local/100@queue-members/n"),
    ]
    member = support.members[0]
    assert (member.interface, member.penalty, member.membername, member.state_interface) == (
        "Local/100@queue-members/n",
        0,
        "Static Agent 100",
        "Local/100@queue-members/n",
    )
    assert support.get("announce-frequency") == "0" and support.get("nope") is None


def test_sample_queues_conf(shared_dir: Path) -> None:
    loaded = ConfigLoader(shared_dir / "asterisk-sample-configs").load("queues.conf.sample")
    queues = queues_config(loaded)
    assert queues.persistentmembers is True
    assert list(queues.queues) == []  # the sample queues are commented out


def test_queues_details() -> None:
    text = (
        "[general]\nautofill=yes\nupdatecdr=yes\n"
        "[t](!)\nstrategy=linear\ntimeout=20\n"
        "[Sales](t)\nstrategy=random\ntimeout=30\nringinuse=no\nmusic=jazz\ncontext=exit\n"
        "member => PJSIP/100\n"
        'member => Local/1@ctx/n,5,"Agent, One",PJSIP/1,yes,10,yes\n'
        "member => PJSIP/100,-3,Again\n"
        "member => PJSIP/2,x,,,maybe\n"
        "member =\n"
        "weight=2\nservicelevel=60\nwrapuptime=5\nmaxlen=3\nretry=2\n"
        "announce-frequency=90\nautofill=no\njoinempty=paused,unavailable\nleavewhenempty=yes\n"
        "[sales]\nstrategy=ringall\n"
        "[bad]\nstrategy=bogus\n"
    )
    queues = queues_config(parse_text(text).config)
    assert (queues.autofill, queues.updatecdr) == (True, True)
    assert list(queues.queues) == ["sales", "bad"]
    sales = queues.queue("sales")
    assert sales is not None and sales.name == "Sales"
    assert sales.strategy == "linear"  # the first 'strategy' (inherited) wins
    assert sales.timeout == 30  # other settings: the last one
    assert (sales.ringinuse, sales.musicclass, sales.context, sales.autofill) == (
        False,
        "jazz",
        "exit",
        False,
    )
    assert (sales.weight, sales.servicelevel, sales.wrapuptime, sales.maxlen, sales.retry) == (
        2,
        60,
        5,
        3,
        2,
    )
    assert sales.announce_frequency == 90
    assert (sales.joinempty, sales.leavewhenempty) == ("paused,unavailable", "yes")
    assert [m.interface for m in sales.members] == ["PJSIP/100", "Local/1@ctx/n", "PJSIP/2"]
    replaced = sales.member("PJSIP/100")
    assert replaced is not None and (replaced.penalty, replaced.membername) == (0, "Again")
    agent = sales.members[1]
    assert (agent.penalty, agent.membername, agent.state_interface) == (5, "Agent, One", "PJSIP/1")
    assert (agent.ringinuse, agent.wrapuptime, agent.paused) == (True, 10, True)
    odd = sales.members[2]
    assert (odd.penalty, odd.membername, odd.ringinuse) == (0, "PJSIP/2", False)
    assert sales.member("nope") is None
    bad = queues.queue("bad")
    assert bad is not None and bad.strategy == "ringall"
    assert len(queues.warnings) == 4  # invalid ringinuse, empty member, duplicate, strategy


def test_separate_args() -> None:
    assert separate_args('a,b(c,d),[e,f],"g,h",i\\,j') == ["a", "b(c,d)", "[e,f]", "g,h", "i,j"]
    assert separate_args("") == [""]
    assert separate_args("a)b,c") == ["a)b", "c"]


def test_event_filter_parse_edge_cases() -> None:
    assert not EventFilter.parse("eventfilter(action(maybe))", "").valid
    assert not EventFilter.parse("eventfilter(name(x)junk)", "").valid
    assert EventFilter.parse("EventFilter", "!x").action == "exclude"
