"""``make demo`` part 1: the capture transcripts decode through the cores."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pyst_sim.demo import main


def test_demo_prints_both_transcripts(shared_dir: Path) -> None:
    out = io.StringIO()
    assert main(["--shared", str(shared_dir)], out=out) == 0
    text = out.getvalue()
    assert "<- Banner  Asterisk Call Manager/11.0.0" in text
    assert "Secret: ********" in text and "Secret: secret" not in text
    assert "<- 200 result= (timeout)" in text
    assert "<- 511 Command Not Permitted on a dead channel or intercept routine" in text
    assert text.count("<- HANGUP") == 2
    assert "(Asterisk closed the connection)" in text
    # 13 AMI messages in b1 (banner included); the AGI side: env + 35 replies + 2 HANGUP + close.
    assert text.rstrip().endswith("13 AMI messages and 39 AGI events decoded by the pyst cores.")


def test_demo_without_shared_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYST_SHARED_DIR", str(tmp_path / "absent"))
    assert main([], out=io.StringIO()) == 2
