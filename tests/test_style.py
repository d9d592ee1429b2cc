"""The code stays as the project's style asks: ruff (lint and format) and mypy, clean."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import PROJECT


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["ruff", "check", "kg", "tests", "examples", "benchmarks"], id="ruff-check"),
        pytest.param(["ruff", "format", "--check", "kg", "tests", "examples", "benchmarks"], id="ruff-format"),
        pytest.param(["mypy"], id="mypy"),
    ],
)
def test_clean(command: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", *command], cwd=PROJECT, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
