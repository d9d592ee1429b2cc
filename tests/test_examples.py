"""Every example script runs, and prints what the README says it prints.

The scripts take a data folder and its build (``python examples/library_tour.py DATA BUILD``), and
run on the curated data as shipped and with the first article copied under another source id: the
tour follows the first article, so what it prints of it is the same on any corpus that holds it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT, Curated

SCRIPTS = sorted((PROJECT / "examples").glob("*.py"))
README = (PROJECT / "README.md").read_text(encoding="utf-8")


def test_collected_every_example_script() -> None:
    assert [s.name for s in SCRIPTS] == ["library_tour.py"]


def shown_in_readme(script: Path) -> list[str]:
    """The lines of the README's block that shows the script's output (after its `$ python` line)."""
    block = README.split(f"$ python examples/{script.name}\n", 1)[1].split("```", 1)[0]
    return block.splitlines()


@pytest.mark.parametrize("script", SCRIPTS, ids=[s.stem for s in SCRIPTS])
def test_example_script_runs(script: Path, curated: Curated) -> None:
    result = subprocess.run(
        [sys.executable, str(script), str(curated.data), str(curated.build)],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    printed = result.stdout.splitlines()
    assert "         3万亿美元  =  3,000,000,000,000 USD  [global-dc-capex-by-2028]" in printed
    assert "28 funding flows of the article between 25 actors" in printed
    assert "  US retirees and annuity buyers → US life insurers (Annuity premium, 3450亿美元)" in printed
    assert "3450亿美元: «2025年美国年金销售额创下历史新高,达到3450亿美元» in 谁为美国买单? (2025-11-19)" in printed
    # the README shows real output: every line of it about the article, not the line counting the whole graph
    readme = shown_in_readme(script)
    assert len(readme) >= 15
    assert [line for line in readme if "whole graph" not in line] == [
        line for line in printed if "whole graph" not in line
    ]
