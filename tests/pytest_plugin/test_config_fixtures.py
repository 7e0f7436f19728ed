"""asterisk_config_dir / asterisk_config: .conf files from dicts or text, parsed by pyst.config."""

from __future__ import annotations

from pathlib import Path

import pytest

from pyst.errors import ConfigSyntaxError
from pytest_plugin.fixtures import AsteriskConfigDir, AsteriskConfigFactory, render_conf

pytest_plugins = ["pytester"]


def test_render_conf_from_dicts() -> None:
    text = render_conf(
        {
            "general": {"enabled": True, "port": 5038, "bindaddr": "127.0.0.1"},
            "admin": {"secret": "a;b", "read": "all", "permit": ["10.0.0.0/8", "127.0.0.1"]},
            "tpl(!)": {"context": "x"},
            "alice(tpl)": [("allow", "ulaw"), ("allow", "alaw")],
            "empty": None,
            "default": {"exten": ["s,1,Answer()", "s,n,Hangup()"]},
        }
    )
    assert text.splitlines() == [
        "[general]",
        "enabled = yes",
        "port = 5038",
        "bindaddr = 127.0.0.1",
        "",
        "[admin]",
        "secret = a\\;b",
        "read = all",
        "permit = 10.0.0.0/8",
        "permit = 127.0.0.1",
        "",
        "[tpl](!)",
        "context = x",
        "",
        "[alice](tpl)",
        "allow = ulaw",
        "allow = alaw",
        "",
        "[empty]",
        "",
        "[default]",
        "exten => s,1,Answer()",
        "exten => s,n,Hangup()",
    ]


def test_config_dir_from_dicts_and_text(asterisk_config_dir: AsteriskConfigDir) -> None:
    path = asterisk_config_dir(
        {"manager.conf": {"general": {"enabled": "yes"}, "admin": {"secret": "s"}}},
        extensions_conf="[default]\nexten => s,1,NoOp()\n",
    )
    assert path == asterisk_config_dir.path and Path(asterisk_config_dir) == path
    assert sorted(p.name for p in path.iterdir()) == ["extensions.conf", "manager.conf"]
    loaded = asterisk_config_dir.load("manager.conf")
    admin = next(c for c in loaded.categories if c.name == "admin")
    assert [(v.name, v.value) for v in admin.variables] == [("secret", "s")]
    (asterisk_config_dir / "raw.conf").write_bytes(b"[x]\na=1\n")
    assert asterisk_config_dir.write("b.conf", b"[y]\n").read_bytes() == b"[y]\n"
    with pytest.raises(ValueError, match="not a path"):
        asterisk_config_dir.write("../evil.conf", "")
    assert "AsteriskConfigDir(" in repr(asterisk_config_dir)


def test_asterisk_config_parses_and_reports_errors(
    asterisk_config: AsteriskConfigFactory,
) -> None:
    cfg = asterisk_config("queues.conf", {"support": {"strategy": "ringall", "member": "a"}})
    assert [c.name for c in cfg.categories] == ["support"]
    asterisk_config("inc.conf", "[extra]\nx=1\n")
    cfg = asterisk_config("main.conf", "#include inc.conf\n[main]\ny=2\n")
    assert [c.name for c in cfg.categories] == ["extra", "main"]
    with pytest.raises(ConfigSyntaxError) as exc:
        asterisk_config("bad.conf", "[general]\nok=1\n[broken\n")
    assert exc.value.lineno == 3
    # Reading an existing file again without content.
    assert [c.name for c in asterisk_config("queues.conf").categories] == ["support"]


@pytest.mark.asterisk_config({"manager.conf": {"admin": {"secret": "fromclass"}}})
class TestMarkers:
    @pytest.mark.asterisk_config(
        {"manager.conf": {"admin": {"secret": "closest"}}}, sip_conf="[x]\n"
    )
    def test_closest_marker_wins(self, asterisk_config_dir: AsteriskConfigDir) -> None:
        assert "secret = closest" in (asterisk_config_dir / "manager.conf").read_text()
        assert (asterisk_config_dir / "sip.conf").exists()

    def test_class_marker(self, asterisk_config_dir: AsteriskConfigDir) -> None:
        assert "secret = fromclass" in (asterisk_config_dir / "manager.conf").read_text()


def test_bad_marker_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.asterisk_config("manager.conf")
        def test_x(asterisk_config_dir):
            pass
        """
    )
    result = pytester.runpytest_inprocess("-p", "no:faker", "-p", "no:hypothesispytest")
    result.stdout.fnmatch_lines(["*asterisk_config takes one mapping*"])
