"""kg.build: the graph of a small dataset equals its golden graph; builds are byte-identical."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.build import NTRIPLES, TRIG, TURTLE, build, build_quads
from kg.graph import load_graph, quads_to_rdflib, union_graph
from kg.load import load_dataset
from tests.conftest import MINI, PROJECT


def test_mini_graph_equals_golden() -> None:
    built = union_graph(quads_to_rdflib(build_quads(load_dataset(MINI), ontology=None)))
    expected = rdflib.Graph().parse(MINI / "expected.ttl")
    if not isomorphic(built, expected):
        _, only_built, only_expected = graph_diff(to_isomorphic(built), to_isomorphic(expected))
        raise AssertionError(
            "graph differs from golden:\n+ "
            + only_built.serialize(format="nt")
            + "\n- "
            + only_expected.serialize(format="nt")
        )


def test_outputs_parse_to_the_same_graph(mini_build: Path) -> None:
    turtle = rdflib.Graph().parse(mini_build / TURTLE)
    ntriples = rdflib.Graph().parse(mini_build / NTRIPLES, format="nt")
    trig = union_graph(load_graph(mini_build))
    assert isomorphic(turtle, ntriples)
    assert isomorphic(turtle, trig)
    summary = json.loads((mini_build / "summary.json").read_text())
    assert summary["triples"] == len(turtle)
    assert (summary["claims"], summary["figures"], summary["flows"]) == (5, 5, 3)


def test_one_named_graph_per_source(mini_build: Path) -> None:
    dataset = load_graph(mini_build)
    named = sorted(str(g.identifier) for g in dataset.graphs() if str(g.identifier).startswith("https://"))
    assert named == ["https://w3id.org/aikg/id/graph/example-report", "https://w3id.org/aikg/id/graph/mini"]
    mini_graph = dataset.graph(rdflib.URIRef("https://w3id.org/aikg/id/graph/mini"))
    claims = set(mini_graph.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/aikg/ontology#Claim")))
    assert len(claims) == 4


def _build_in_fresh_process(build_dir: Path, seed: str) -> None:
    code = (
        "from kg.build import build; from kg.load import load_dataset; import sys; build(load_dataset(), sys.argv[1])"
    )
    subprocess.run(
        [sys.executable, "-c", code, str(build_dir)],
        check=True,
        cwd=PROJECT,
        env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
    )


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    _build_in_fresh_process(tmp_path / "one", "1")
    _build_in_fresh_process(tmp_path / "two", "2")
    for name in (TURTLE, NTRIPLES, TRIG):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name


def test_rebuild_replaces_the_folder(tmp_path: Path) -> None:
    build_dir = tmp_path / "build"
    build(load_dataset(MINI), build_dir)
    (build_dir / "stale.txt").write_text("from an older build")
    build(load_dataset(MINI), build_dir)
    assert not (build_dir / "stale.txt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]
