"""Every example script runs, and prints what the README says it prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

SCRIPTS = sorted((PROJECT / "examples").glob("*.py"))


def test_collected_every_example_script() -> None:
    assert [s.name for s in SCRIPTS] == ["library_tour.py"]


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example_script_runs(script: Path, article_build: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, cwd=PROJECT, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "3万亿美元" in result.stdout
    assert "US retirees and annuity buyers → US life insurers (Annuity premium, 3450亿美元)" in result.stdout
    assert "«2025年美国年金销售额创下历史新高,达到3450亿美元»" in result.stdout
