"""kg.rebuild: an incremental build equals a full build of the same data, graph for graph."""

from __future__ import annotations

import hashlib
import random
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad
from rdflib.compare import isomorphic

from benchmarks.corpus import generate
from kg.graph import quads_to_rdflib
from kg.load import load_dataset
from kg.rebuild import GRAPHS, rebuild
from kg.store import open_store

CLAIMS = 3000


def _graphs(build_dir: Path) -> dict[str, set[Quad]]:
    """Every graph of a build's store, by name."""
    graphs: dict[str, set[Quad]] = {}
    for quad in open_store(build_dir).quads_for_pattern(None, None, None, None):
        name = "" if isinstance(quad.graph_name, DefaultGraph) else quad.graph_name.value
        graphs.setdefault(name, set()).add(quad)
    return graphs


def _files(build_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((build_dir / "current" / GRAPHS).iterdir())}


# Edits of a dataset folder, as a curator makes them: each takes a random generator and the folder.


def _edit_a_value(rng: random.Random, data: Path) -> str:
    path = rng.choice(sorted((data / "claims").glob("*.yaml")))
    text = path.read_text(encoding="utf-8")
    values = list(re.finditer(r'value: "(\d+)"', text))
    if not values:
        return "no value to edit"
    found = rng.choice(values)
    path.write_text(text[: found.start(1)] + str(int(found[1]) + 7) + text[found.end(1) :], encoding="utf-8")
    return f"edited a value in {path.name}"


def _remove_a_source(rng: random.Random, data: Path) -> str:
    dataset = load_dataset(data)
    named = {ref for index in dataset.indexes.values() for ref in index.upstream}
    free = [p for p, i in dataset.indexes.items() if not named & set(i.claims) and i.source.startswith("article-")]
    path = rng.choice(sorted(free))
    (data / path).unlink()
    return f"removed {path}"


def _add_a_source(rng: random.Random, data: Path) -> str:
    """A copy of an article under a new id: its text, its sources.yaml entry, its claims renamed."""
    original = rng.choice(sorted(p.stem for p in (data / "claims").glob("article-*.yaml")))
    new = f"article-{rng.randrange(900000, 999999)}"
    claims = (data / "claims" / f"{original}.yaml").read_text(encoding="utf-8")
    (data / "claims" / f"{new}.yaml").write_text(claims.replace(original, new), encoding="utf-8")
    sources = (data / "sources.yaml").read_text(encoding="utf-8")
    entry = re.search(rf"\n  - id: {original}\n(    .*\n)+", sources)
    assert entry, original
    text = next((data / "sources").glob(f"{original}.*"))
    shutil.copy(text, data / "sources" / f"{new}{text.suffix}")
    (data / "sources.yaml").write_text(sources + entry[0].lstrip("\n").replace(original, new), encoding="utf-8")
    return f"added {new} (a copy of {original})"


def _add_an_actor(rng: random.Random, data: Path) -> str:
    number = rng.randrange(10**6)
    with (data / "actors.yaml").open("a", encoding="utf-8") as stream:
        stream.write(f"  - id: new-actor-{number}\n    label: {{en: New actor {number}}}\n    type: company\n")
    return f"added actor new-actor-{number}"


def _append_to_a_text(rng: random.Random, data: Path) -> str:
    """Text after every span: the spans still hold; the source's text and sha256 change."""
    text = rng.choice(sorted((data / "sources").glob("article-*")))
    text.write_bytes(text.read_bytes() + "又一句。\n".encode())
    digest = hashlib.sha256(text.read_bytes()).hexdigest()
    sources = (data / "sources.yaml").read_text(encoding="utf-8")
    pattern = rf'(text: "?{re.escape(text.name)}"?\n    sha256: "?)\w+'
    sources, count = re.subn(pattern, rf"\g<1>{digest}", sources)
    assert count == 1, text.name
    (data / "sources.yaml").write_text(sources, encoding="utf-8")
    return f"appended to {text.name}"


EDITS: list[Callable[[random.Random, Path], str]] = [
    _edit_a_value,
    _remove_a_source,
    _add_a_source,
    _add_an_actor,
    _append_to_a_text,
]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus") / "data"
    generate(CLAIMS, folder, seed=21)
    return folder


def test_incremental_equals_full_after_random_edits(corpus: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(corpus, data)
    incremental = tmp_path / "incremental"
    rebuild(data, incremental)
    rng = random.Random(3)
    done = []
    for step in range(6):
        edits = [rng.choice(EDITS) for _ in range(rng.randint(1, 3))]
        done += [edit(rng, data) for edit in edits]
        made = rebuild(data, incremental)
        full = tmp_path / f"full-{step}"
        rebuild(data, full, full=True)
        assert made.graphs_kept > 0, done  # it did build incrementally
        assert _graphs(incremental) == _graphs(full), done
        assert _files(incremental) == _files(full), done
    # and once with rdflib's own comparison, graph by graph, on the last state
    ours, theirs = (
        quads_to_rdflib(open_store(b).quads_for_pattern(None, None, None, None)) for b in (incremental, full)
    )
    names = sorted(str(g.identifier) for g in ours.graphs())
    assert names == sorted(str(g.identifier) for g in theirs.graphs()) and len(names) > 10
    for name in names:
        identifier = NamedNode(name) if name.startswith("http") else None
        assert identifier is None or isomorphic(ours.graph(name), theirs.graph(name)), name


def test_nothing_changed_nothing_made(corpus: Path, tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    first = rebuild(corpus, build_dir)
    again = rebuild(corpus, build_dir)
    assert again.graphs_made == 0 and again.graphs_kept == first.graphs_made
    assert _files(build_dir) == {p.name: p.read_bytes() for p in sorted((first.generation / GRAPHS).iterdir())}
