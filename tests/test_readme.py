"""The README cannot drift: every output it shows is what its command prints now.

A fenced block that starts with ``$ COMMAND`` is run (kg commands against the project's data,
in a fresh build folder; python scripts from the project folder), and each line shown must be a
line of the output, in order. A line that is only ``…`` stands for lines left out, and a line
ending in ``…`` for one whose end is left out.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"^```\n\$ (.+?)\n(.*?)^```", README, re.MULTILINE | re.DOTALL)


def test_the_readme_shows_outputs() -> None:
    assert len(BLOCKS) >= 4, "a README without shown outputs: the regular expression or the README changed"


def _run(command: str, folder: Path) -> str:
    argv = shlex.split(command)
    if argv[0] == "kg":
        argv = [sys.executable, "-m", "kg.cli", *argv[1:]]
        cwd = folder  # its default build folder, ./build, is then a fresh one
    else:
        argv = [sys.executable if argv[0] == "python" else argv[0], *argv[1:]]
        cwd = PROJECT
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300, check=False)
    return done.stdout + done.stderr


def _matches(shown: str, printed: str) -> bool:
    """Whether every shown line is a printed line, in order ("…" alone skips lines; "x…" is a line starting x)."""
    lines = [line.rstrip() for line in printed.splitlines()]
    at = 0
    for want in (line.rstrip() for line in shown.splitlines()):
        if want.strip() in ("…", ""):
            continue
        prefix = want.endswith("…")
        while at < len(lines) and not (lines[at].startswith(want[:-1]) if prefix else lines[at] == want):
            at += 1
        if at == len(lines):
            return False
        at += 1
    return True


@pytest.mark.parametrize(("command", "shown"), BLOCKS, ids=[command for command, _ in BLOCKS])
def test_shown_output_is_printed(command: str, shown: str, tmp_path: Path) -> None:
    printed = _run(command, tmp_path)
    assert _matches(shown, printed), f"README shows for `{command}`:\n{shown}\nbut it prints:\n{printed}"


@pytest.mark.parametrize(
    ("shown", "printed", "ok"),
    [
        pytest.param("a\nc\n", "a\nb\nc\n", True, id="lines-in-order"),
        pytest.param("c\na\n", "a\nb\nc\n", False, id="out-of-order"),
        pytest.param("a\n…\nd\n", "a\nb\nc\nd\n", True, id="ellipsis-skips"),
        pytest.param("ab…\n", "abc\n", True, id="cut-line"),
        pytest.param("x\n", "a\nb\n", False, id="missing"),
    ],
)
def test_matching(shown: str, printed: str, ok: bool) -> None:
    assert _matches(shown, printed) is ok
