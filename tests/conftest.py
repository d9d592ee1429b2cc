"""Shared fixtures: the small test dataset, a writable copy of it, and builds of both datasets."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.load import DEFAULT_DATA, load_dataset
from kg.models import Dataset
from kg.rebuild import rebuild

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def mini_copy(tmp_path: Path) -> Path:
    """A writable copy of the small dataset, for tests that break it."""
    target = tmp_path / "data"
    shutil.copytree(MINI, target, ignore=shutil.ignore_patterns("expected*"))
    return target


@pytest.fixture(scope="session")
def article() -> Dataset:
    return load_dataset(DEFAULT_DATA)


@pytest.fixture(scope="session")
def article_build(tmp_path_factory: pytest.TempPathFactory, article: Dataset) -> Path:
    """The project's own data, built once for the session."""
    build_dir = tmp_path_factory.mktemp("article") / "build"
    rebuild(DEFAULT_DATA, build_dir)
    return build_dir


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build_dir = tmp_path_factory.mktemp("mini") / "build"
    rebuild(MINI, build_dir)
    return build_dir
