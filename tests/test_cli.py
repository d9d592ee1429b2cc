"""kg.cli: every command explains itself with an example; the package runs as a console script."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from kg.cli import app
from tests.conftest import MINI

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


def _main(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> int:
    """Run the console script's main() in this process; its exit code."""
    from kg.cli import main

    monkeypatch.setattr(sys, "argv", ["kg", *argv])
    with pytest.raises(SystemExit) as ended:
        main()
    return int(ended.value.code or 0)


def test_an_unexpected_error_is_one_line_and_a_log(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, mini_build: Path
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setattr("kg.figures.figures", broken)
    code = _main(monkeypatch, ["figures", "--build", str(mini_build), "--data", str(MINI)])
    err = capsys.readouterr().err
    log = tmp_path / "kg" / "kg-error.log"
    assert code == 70
    assert err == f"error: unexpected RuntimeError: a bug; the traceback is in {log}\n"
    assert "Traceback (most recent call last)" in log.read_text(encoding="utf-8")


def test_an_interrupt_exits_130(monkeypatch: pytest.MonkeyPatch, mini_build: Path) -> None:
    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.figures.figures", interrupted)
    assert _main(monkeypatch, ["figures", "--build", str(mini_build), "--data", str(MINI)]) == 130


def test_a_usage_error_exits_2(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert _main(monkeypatch, ["figures", "--format", "xml"]) == 2
    assert "Invalid value for '--format'" in capsys.readouterr().err


def test_a_full_disk_keeps_the_build_before(runner: CliRunner, tmp_path: Path) -> None:
    import errno

    from kg.buildfolder import current

    build_dir = tmp_path / "build"
    assert runner.invoke(app, ["build", "--data", str(MINI), "--build", str(build_dir)]).exit_code == 0
    before = current(build_dir)

    def full(*_: object, **__: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("kg.rebuild._make", full)
        result = runner.invoke(app, ["build", "--full", "--data", str(MINI), "--build", str(build_dir)])
    assert result.exit_code == 2
    assert result.output == f"error: {build_dir}: cannot write the build: No space left on device\n"
    assert current(build_dir) == before and not list(build_dir.glob(".staging-*"))


def test_a_closed_pipe_ends_quietly(mini_build: Path) -> None:
    """`kg export | head -1`: the reader goes away; kg stops without a word, as Unix tools do (141)."""
    command = [sys.executable, "-m", "kg.cli", "export", "--format", "nquads", "--build", str(mini_build)]
    process = subprocess.Popen([*command, "--data", str(MINI)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    code = process.wait(timeout=60)
    with process.stderr:
        said = process.stderr.read()
    assert (code, said) == (141, b"")
