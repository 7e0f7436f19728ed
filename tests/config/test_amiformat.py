"""GetConfig / GetConfigJSON / ListCategories answers (PROTOCOL.md §1.12)."""

from __future__ import annotations

import json
from pathlib import Path

from pyst.config import ConfigLoader, MemoryLoader, parse_text
from pyst.config.amiformat import (
    ESCALATED,
    FILENAME_NOT_SPECIFIED,
    INVALID_FORMAT,
    NOT_FOUND,
    ConfigActionReply,
    getconfig,
    getconfigjson,
    json_escape,
    listcategories,
    render_getconfig,
    render_getconfigjson,
    render_listcategories,
    respond,
)

TEXT = (
    "[general]\nport=5038\nport=5039\n"
    "[tpl](!)\nsecret=s\n"
    "[admin](tpl)\nread=all\nwrite=call,system\n"
    '[Admin]\nnote=a "quoted" \\ value\r\n'
)

FILES = {
    "manager.conf": TEXT,
    "broken.conf": "[a\n",
    "empty.conf": "",
    "sub/x.conf": "[x]\n",
}


def source() -> MemoryLoader:
    return MemoryLoader(FILES, "/etc/asterisk")


def test_getconfig_layout() -> None:
    reply = getconfig(source(), "manager.conf")
    assert reply.success and reply.message is None
    assert list(reply.fields) == [
        ("Category-000000", "general"),
        ("Line-000000-000000", "port=5038"),
        ("Line-000000-000001", "port=5039"),
        ("Category-000001", "admin"),
        ("Templates-000001", "tpl"),
        ("Line-000001-000000", "secret=s"),
        ("Line-000001-000001", "read=all"),
        ("Line-000001-000002", "write=call,system"),
        ("Category-000002", "Admin"),
        ("Line-000002-000000", 'note=a "quoted" \\ value'),
    ]
    assert reply.to_bytes("id-1").startswith(
        b"Response: Success\r\nActionID: id-1\r\nCategory-000000: general\r\n"
    )
    assert reply.to_bytes().endswith(b'Line-000002-000000: note=a "quoted" \\ value\r\n\r\n')


def test_getconfig_templates_filter_and_category() -> None:
    reply = getconfig(source(), "manager.conf", filter="TEMPLATES=include")
    assert list(reply.fields[3:6]) == [
        ("Category-000001", "tpl"),
        ("IsTemplate-000001", "1"),
        ("Line-000001-000000", "secret=s"),
    ]
    by_name = getconfig(source(), "manager.conf", category="ADMIN")
    assert [v for k, v in by_name.fields if k.startswith("Category")] == ["admin", "Admin"]
    assert by_name.fields[0] == ("Category-000000", "admin")
    missing = getconfig(source(), "manager.conf", category="nobody")
    assert (
        missing.success and missing.fields == () and missing.bare_lines == ("No categories found",)
    )
    assert (
        missing.to_bytes("x") == b"Response: Success\r\nActionID: x\r\nNo categories found\r\n\r\n"
    )


def test_getconfig_values_are_not_escaped() -> None:
    reply = render_getconfig(parse_text("[a]\nk=x\ry\n").config)
    assert reply.fields[1] == ("Line-000000-000000", "k=x\ry")


def test_getconfig_errors() -> None:
    src = source()
    assert getconfig(src, "") == ConfigActionReply("Error", FILENAME_NOT_SPECIFIED)
    assert getconfig(src, None).message == FILENAME_NOT_SPECIFIED
    assert getconfig(src, "nope.conf").message == NOT_FOUND
    assert getconfig(src, "broken.conf").message == INVALID_FORMAT
    assert getconfig(src, "../passwd").message == NOT_FOUND
    assert getconfig(MemoryLoader({"/tmp/x.conf": "[x]\n"}), "/tmp/x.conf").message == ESCALATED
    assert getconfig(src, "sub").message == NOT_FOUND  # a directory resolves but does not load
    empty = getconfig(src, "empty.conf")
    assert empty.success and empty.fields == () and empty.bare_lines == ()
    assert empty.to_bytes() == b"Response: Success\r\n\r\n"
    error = getconfig(src, "broken.conf").to_bytes("a1")
    assert (
        error
        == b"Response: Error\r\nActionID: a1\r\nMessage: Config file has invalid format\r\n\r\n"
    )


def test_the_three_actions_check_before_loading() -> None:
    src = source()
    # A name that does not resolve: GetConfig and ListCategories say "not found", GetConfigJSON
    # "escalated privileges" (Asterisk tests is_restricted_file() != 0 there).
    assert getconfig(src, "nope.conf").message == NOT_FOUND
    assert listcategories(src, "nope.conf").message == NOT_FOUND
    assert getconfigjson(src, "nope.conf").message == ESCALATED
    for action in (getconfig, getconfigjson, listcategories):
        assert action(src, None).message == FILENAME_NOT_SPECIFIED
        assert action(src, "broken.conf").message == INVALID_FORMAT
        assert action(src, "sub").message == NOT_FOUND  # resolves, does not load
        outside = MemoryLoader({"/tmp/x.conf": "[x]\n"})
        assert action(outside, "/tmp/x.conf").message == ESCALATED


def test_live_dangerously_skips_the_directory_check() -> None:
    outside = MemoryLoader({"/tmp/x.conf": "[x]\n"})
    assert getconfig(outside, "/tmp/x.conf", live_dangerously=True).success
    assert getconfigjson(outside, "/tmp/x.conf", live_dangerously=True).success
    assert listcategories(outside, "/tmp/x.conf", live_dangerously=True).success


def test_getconfigjson() -> None:
    reply = getconfigjson(source(), "manager.conf", filter="TEMPLATES=include")
    ((name, value),) = reply.fields
    assert name == "JSON"
    assert value == (
        '{"general":{"port":"5038","port":"5039"},'
        '"tpl":{"istemplate":1,"secret":"s"},'
        '"admin":{"templates":"tpl","secret":"s","read":"all","write":"call,system"},'
        '"Admin":{"note":"a \\"quoted\\" \\\\ value"}}'
    )
    # Duplicate keys are kept as duplicate JSON keys: a strict parser keeps the last one.
    assert json.loads(value)["general"] == {"port": "5039"}
    plain = getconfigjson(source(), "manager.conf")
    assert '"tpl":{' not in plain.fields[0][1]


def test_getconfigjson_escapes_only_backslash_and_quote() -> None:
    config = parse_text('[a"b]\nk=tab\there\r\n[c](a"b)\n').config
    value = render_getconfigjson(config).fields[0][1]
    assert value == '{"a\\"b":{"k":"tab\there"},"c":{"templates":"a"b","k":"tab\there"}}'
    assert json_escape('\\"') == '\\\\\\"'


def test_getconfigjson_errors() -> None:
    src = source()
    assert getconfigjson(src, "").message == FILENAME_NOT_SPECIFIED
    assert getconfigjson(src, "nope.conf").message == ESCALATED  # as Asterisk says
    assert getconfigjson(src, "broken.conf").message == INVALID_FORMAT
    assert getconfigjson(src, "sub").message == NOT_FOUND
    empty = getconfigjson(src, "empty.conf")
    assert empty.fields == (("JSON", "{}"),)
    assert getconfigjson(src, "manager.conf", category="nobody").fields == (("JSON", "{}"),)


def test_listcategories() -> None:
    src = source()
    reply = listcategories(src, "manager.conf")
    assert list(reply.fields) == [
        ("Category-000000", "general"),
        ("Category-000001", "admin"),
        ("Category-000002", "Admin"),
    ]
    assert listcategories(src, "manager.conf", match="read=all").fields == (
        ("Category-000000", "admin"),
    )
    none = listcategories(src, "empty.conf")
    assert none.success and none.fields == (("Error", "no categories found"),)
    assert none.to_bytes() == b"Response: Success\r\nError: no categories found\r\n\r\n"
    assert listcategories(src, "").message == FILENAME_NOT_SPECIFIED
    assert listcategories(src, "nope.conf").message == NOT_FOUND
    assert listcategories(src, "broken.conf").message == INVALID_FORMAT
    assert listcategories(src, "sub").message == NOT_FOUND
    assert (
        listcategories(MemoryLoader({"/tmp/x.conf": "[x]\n"}), "/tmp/x.conf").message == ESCALATED
    )
    assert render_listcategories(parse_text("[t](!)\n").config).fields == (
        ("Error", "no categories found"),
    )


def test_respond_dispatches_on_action_and_headers() -> None:
    src = source()
    reply = respond(src, "getconfig", {"filename": "manager.conf", "CATEGORY": "general"})
    assert reply is not None and reply.fields[0] == ("Category-000000", "general")
    json_reply = respond(src, "GetConfigJSON", {"Filename": "manager.conf"})
    assert json_reply is not None and json_reply.fields[0][0] == "JSON"
    listed = respond(src, "ListCategories", {"Filename": "manager.conf", "Match": "port=5039"})
    assert listed is not None and listed.fields == (("Category-000000", "general"),)
    missing = respond(src, "GetConfig", {})
    assert missing is not None and missing.message == FILENAME_NOT_SPECIFIED
    assert respond(src, "Ping", {}) is None


def test_against_a_real_directory(tmp_path: Path) -> None:
    (tmp_path / "m.conf").write_text("[a]\nk=1\n")
    loader = ConfigLoader(tmp_path)
    assert getconfig(loader, "m.conf").fields == (
        ("Category-000000", "a"),
        ("Line-000000-000000", "k=1"),
    )
    assert getconfig(loader, str(tmp_path / "m.conf")).success
    assert getconfig(loader, "../m.conf").message in (NOT_FOUND, ESCALATED)
