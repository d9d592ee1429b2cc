"""benchmarks/corpus.py: the same seed gives the same bytes, and what it writes loads and builds."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from benchmarks.corpus import generate
from kg.load import load_dataset
from kg.rebuild import rebuild
from kg.store import open_store, select

CLAIMS = 200


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "data"
    generate(CLAIMS, folder, seed=3)
    return folder


def test_same_seed_same_bytes(corpus: Path, tmp_path: Path) -> None:
    generate(CLAIMS, tmp_path / "again", seed=3)
    files = _digest(corpus)
    assert len(files) >= 6  # sources.yaml, actors.yaml, vocabulary.yaml, a text, a claims file, a report
    assert _digest(tmp_path / "again") == files


def test_another_seed_other_bytes(corpus: Path, tmp_path: Path) -> None:
    generate(CLAIMS, tmp_path / "other", seed=4)
    assert _digest(tmp_path / "other") != _digest(corpus)


def test_it_loads_and_builds(corpus: Path, tmp_path: Path) -> None:
    dataset = load_dataset(corpus)  # every span matches its text, every sha256 its bytes
    claims = [claim for _, claim in dataset.claims()]
    assert len(claims) == CLAIMS
    assert sum(1 for c in claims if c.flow) > CLAIMS // 5
    assert any(c.formula for c in claims) and any(c.derived_from for c in claims)
    summary = rebuild(corpus, tmp_path / "build")
    assert summary.claims == CLAIMS and summary.quads > 20 * CLAIMS
    store = open_store(tmp_path / "build")
    chain = "SELECT ?x WHERE { actor:us-retirees kg:funds ?x . ?x kg:funds ?y . ?y kg:funds actor:ai-data-centres }"
    assert {row["x"].rsplit("/", 1)[1] for row in select(store, chain)} >= {"us-life-insurers"}
