"""kg.buildfolder: kg writes only into a folder of its own; builds take turns; readers see whole builds only."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from benchmarks.corpus import generate
from kg.buildfolder import KEEP, MARKER, check_ours, current
from kg.cli import app
from kg.rebuild import rebuild
from kg.store import open_store, select
from tests.conftest import MINI, PROJECT


def _foreign(tmp_path: Path) -> Path:
    """A project of someone's with its own build/ folder, as a C extension leaves it."""
    project = tmp_path / "project"
    (project / "build" / "lib").mkdir(parents=True)
    (project / "build" / "lib" / "app.so").write_text("keep")
    (project / "analysis.md").write_text("my notes")
    return project


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        pytest.param(["trace", "12倍"], "not a kg build folder", id="trace-beside-a-foreign-build"),
        pytest.param(["figures", "--build", "."], "not a kg build folder", id="figures-into-the-project"),
        pytest.param(["build", "--build", "analysis.md"], "is a file, not a build folder", id="build-into-a-file"),
        pytest.param(["build", "--build", "build/lib"], "not a kg build folder", id="build-into-a-subfolder"),
        pytest.param(["query", "-e", "ASK {}", "--build", "."], "not a kg build folder", id="query-in-the-project"),
    ],
)
def test_a_folder_kg_did_not_make_is_left_alone(
    runner: CliRunner, tmp_path: Path, argv: list[str], problem: str
) -> None:
    project = _foreign(tmp_path)
    before = _tree(project)
    here = Path.cwd()
    os.chdir(project)
    try:
        result = runner.invoke(app, [*argv, "--data", str(MINI)])
    finally:
        os.chdir(here)
    assert result.exit_code == 2, result.output
    assert problem in result.output and result.output.count("\n") == 1
    assert _tree(project) == before


def test_new_empty_and_own_folders_are_taken(tmp_path: Path) -> None:
    check_ours(tmp_path / "new")
    (tmp_path / "empty").mkdir()
    rebuild(MINI, tmp_path / "empty")
    assert (tmp_path / "empty" / MARKER).is_file()
    check_ours(tmp_path / "empty")


def test_a_build_of_the_earlier_format_is_taken_over(tmp_path: Path) -> None:
    old = tmp_path / "build"
    (old / "store").mkdir(parents=True)
    for name in ("graph.ttl", "graph.nt", "graph.trig", "summary.json", "findings.ttl"):
        (old / name).write_text("from an earlier kg")
    rebuild(MINI, old)
    assert sorted(p.name for p in old.iterdir() if not p.name.startswith(".")) == ["current", "gen-1", MARKER]


def test_generations_switch_and_old_ones_go(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    for number in range(1, 5):
        summary = rebuild(MINI, build_dir, full=True)
        assert summary.generation.name == f"gen-{number}"
        assert current(build_dir) == summary.generation.resolve()
    kept = sorted(p.name for p in build_dir.glob("gen-*"))
    assert kept == [f"gen-{n}" for n in range(5 - KEEP, 5)]


def test_staging_folders_of_killed_builds_are_removed(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    rebuild(MINI, build_dir)
    (build_dir / ".staging-left-by-a-kill" / "store").mkdir(parents=True)
    rebuild(MINI, build_dir)
    assert not list(build_dir.glob(".staging-*"))


def test_a_failed_build_leaves_the_one_before(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    build_dir = tmp_path / "build"
    first = rebuild(data, build_dir).generation
    (data / "claims" / "mini.yaml").write_text("source: mini\nclaims: [", encoding="utf-8")
    with pytest.raises(Exception, match="broken YAML"):
        rebuild(data, build_dir)
    assert current(build_dir) == first.resolve()
    assert not list(build_dir.glob(".staging-*"))


BUILD = "import sys; from kg.rebuild import rebuild; rebuild(sys.argv[1], sys.argv[2], full=True)"
FLAGGED = "SELECT (COUNT(?f) AS ?n) WHERE { GRAPH graph:findings { ?f a kg:Finding } }"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "data"
    generate(800, folder, seed=7)
    return folder


def test_a_kill_at_any_moment_leaves_a_whole_build(corpus: Path, tmp_path: Path) -> None:
    """kill -9 in the middle of builds: the current build always has its findings, and the next build works."""
    build_dir = tmp_path / "build"
    rebuild(corpus, build_dir)
    findings = next(select(open_store(build_dir), FLAGGED))["n"]
    assert findings > 0
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", BUILD, str(corpus), str(build_dir)], check=True, cwd=PROJECT)
    duration = time.perf_counter() - started
    rng = random.Random(11)
    for _ in range(3):
        process = subprocess.Popen([sys.executable, "-c", BUILD, str(corpus), str(build_dir)], cwd=PROJECT)
        time.sleep(rng.uniform(0.2, 0.9) * duration)
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert next(select(open_store(build_dir), FLAGGED))["n"] == findings
    rebuild(corpus, build_dir, full=True)
    assert not list(build_dir.glob(".staging-*"))
    assert next(select(open_store(build_dir), FLAGGED))["n"] == findings


def test_builds_take_turns_and_readers_see_whole_builds(corpus: Path, tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    rebuild(corpus, build_dir)
    expected = next(select(open_store(build_dir), FLAGGED))["n"]
    seen: list[int] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            seen.append(next(select(open_store(build_dir), FLAGGED))["n"])

    reader = threading.Thread(target=read)
    reader.start()
    builders = [
        subprocess.Popen(
            [sys.executable, "-c", BUILD, str(corpus), str(build_dir)], cwd=PROJECT, stderr=subprocess.PIPE
        )
        for _ in range(2)
    ]
    errors = [b.communicate()[1].decode() for b in builders]
    done.set()
    reader.join()
    assert [b.returncode for b in builders] == [0, 0], errors
    assert seen and set(seen) == {expected}
