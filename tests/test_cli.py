"""kg.cli: every command explains itself with an example; the package runs as a console script."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer
from typer.testing import CliRunner

from kg.cli import app

COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_collected_commands() -> None:
    expected = {"build", "figures", "query", "flows", "funders", "recipients", "chain", "who-pays", "trace", "check"}
    assert expected | {"viz", "extract"} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert "--data" in result.output or command in ("extract", "push")


def test_top_level_help_lists_commands(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output


def test_console_script_runs() -> None:
    result = subprocess.run([sys.executable, "-m", "kg.cli", "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and "trace" in result.stdout
