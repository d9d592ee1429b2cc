"""Shared fixtures: the small test dataset, a writable copy of it, and builds of both datasets.

Tests of the curated data (data/) take ``curated`` (or ``data_dir``, ``curated_build``,
``curated_dataset``): the shipped data, and the shipped data with the first article copied under
another source id (``article-zh-copy``, its claims renamed ``copy-…``), as a second outlet
reprinting it would be. They keep to the sources they are about (``article-zh``, or the sources
they name), so that they pass on both, and adding a source to data/ breaks none of them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml
from typer.testing import CliRunner

from benchmarks.viz_layout import copy_article
from kg.load import DEFAULT_DATA, load_dataset
from kg.models import Actor, Dataset, Vocabulary
from kg.rebuild import rebuild

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini"
PROJECT = Path(__file__).resolve().parent.parent
ARTICLE = "article-zh"  # the first article: the source the tests of the curated data are about
COPY = "article-zh-copy"  # the same article under another source id, in the copy of data/
#: The first article and the sources behind it: the reports, research and remarks it cites or rests
#: on, and LIMRA's survey behind its annuity figure (the ten sources data/ held before the corpus).
FIRST_ARTICLE_SOURCES = frozenset(
    {
        ARTICLE,
        "stanford-ai-index-2025",
        "morgan-stanley-analysts",
        "morgan-stanley-strategist",
        "iea-energy-and-ai-2025",
        "jensen-huang-warning-2025-11",
        "limra-annuity-sales-survey",
        "wsj-annuity-sales-2025-11-14",
        "deepseek-api-pricing",
        "press-reports-hyperscaler-capex-2025",
    }
)
#: The fixed actors and vocabulary kg extract's tests draft with (see the files' heads).
EXTRACT_CATALOGUE = FIXTURES / "extract" / "catalogue"


def _catalogue(name: str) -> dict[str, list[dict[str, object]]]:
    return yaml.safe_load((EXTRACT_CATALOGUE / name).read_text(encoding="utf-8"))  # type: ignore[no-any-return]


#: The gazetteer of the extractor's tests: ``extract(text, actors=EXTRACT_ACTORS)``.
EXTRACT_ACTORS = tuple(Actor.model_validate(record) for record in _catalogue("actors.yaml")["actors"])


class Curated(NamedTuple):
    """A dataset folder of the curated data and its build folder."""

    data: Path
    build: Path

    def options(self) -> list[str]:
        """A command's --data and --build (without --data, a command would rebuild the build from data/)."""
        return ["--data", str(self.data), "--build", str(self.build)]


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
def article_dataset(article: Dataset) -> Dataset:
    """What kg extract's tests draft against: the first article and the sources behind it, with the
    fixed actors and vocabulary of tests/fixtures/extract/catalogue, whatever else data/ holds."""
    kept = [i for i, claims in enumerate(article.claims_files) if claims.source in FIRST_ARTICLE_SOURCES]
    paths = tuple(article.paths[i] for i in kept) if article.paths else ()
    return article.model_copy(
        update={
            "sources": tuple(s for s in article.sources if s.id in FIRST_ARTICLE_SOURCES),
            "actors": EXTRACT_ACTORS,
            "vocabulary": Vocabulary.model_validate(_catalogue("vocabulary.yaml")),
            "claims_files": tuple(article.claims_files[i] for i in kept),
            "paths": paths,
            "texts": {k: v for k, v in article.texts.items() if k in FIRST_ARTICLE_SOURCES},
            "indexes": {k: v for k, v in article.indexes.items() if k in paths},
        }
    )


@pytest.fixture(scope="session")
def mini_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build_dir = tmp_path_factory.mktemp("mini") / "build"
    rebuild(MINI, build_dir)
    return build_dir


@pytest.fixture(scope="session")
def with_a_copy(tmp_path_factory: pytest.TempPathFactory) -> Curated:
    """data/ plus the first article again as source article-zh-copy, built once for the session."""
    folder = tmp_path_factory.mktemp("with-a-copy")
    data = copy_article(DEFAULT_DATA, folder / "data", source=ARTICLE, copy=COPY)
    rebuild(data, folder / "build")
    return Curated(data, folder / "build")


@pytest.fixture(scope="session", params=["shipped", "with-a-copy"])
def curated(request: pytest.FixtureRequest) -> Curated:
    """The curated data as shipped, and with a copy of the first article: its tests pass on both."""
    if request.param == "shipped":
        return Curated(DEFAULT_DATA, request.getfixturevalue("article_build"))
    copied: Curated = request.getfixturevalue("with_a_copy")
    return copied


@pytest.fixture(scope="session")
def data_dir(curated: Curated) -> Path:
    return curated.data


@pytest.fixture(scope="session")
def curated_build(curated: Curated) -> Path:
    return curated.build


@pytest.fixture(scope="session")
def curated_dataset(curated: Curated) -> Dataset:
    return load_dataset(curated.data)


# --- a real browser (tests/test_viz.py, tests/test_serve_browser.py) ----------------------------

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")  # Debian's; never Playwright's download
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the Python package playwright is not installed"
    if missing is None and not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
