"""kg.build: the graph of a small dataset equals its golden graph; builds are byte-identical."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import rdflib
from pyoxigraph import NamedNode, RdfFormat, parse
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.build import build_quads
from kg.graph import load_graph, quads_to_rdflib, union_graph
from kg.load import load_dataset
from kg.rebuild import GRAPHS, SUMMARY
from kg.store import open_store
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


def test_graph_files_hold_what_the_store_holds(mini_build: Path) -> None:
    files = sorted((mini_build / "current" / GRAPHS).glob("*.trig"))
    assert [f.name for f in files] == ["default.trig", "example-report.trig", "mini.trig"]
    from_files = {q for path in files for q in parse(path=str(path), format=RdfFormat.TRIG)}
    findings = NamedNode("https://w3id.org/aikg/id/graph/findings")
    in_store = {q for q in open_store(mini_build).quads_for_pattern(None, None, None, None) if q.graph_name != findings}
    assert from_files == in_store  # no blank nodes: equal as sets is equal as graphs, graph by graph
    summary = json.loads((mini_build / "current" / SUMMARY).read_text())
    assert summary["quads"] == len(from_files)
    assert (summary["claims"], summary["figures"], summary["flows"]) == (5, 5, 3)


def test_one_named_graph_per_source(mini_build: Path) -> None:
    dataset = load_graph(mini_build)
    named = sorted(str(g.identifier) for g in dataset.graphs() if str(g.identifier).startswith("https://"))
    assert named == [
        "https://w3id.org/aikg/id/graph/example-report",
        "https://w3id.org/aikg/id/graph/findings",  # what the checks found, beside the sources' graphs
        "https://w3id.org/aikg/id/graph/mini",
    ]
    mini_graph = dataset.graph(rdflib.URIRef("https://w3id.org/aikg/id/graph/mini"))
    claims = set(mini_graph.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/aikg/ontology#Claim")))
    assert len(claims) == 4


def _build_in_fresh_process(build_dir: Path, seed: str) -> None:
    code = "import sys; from kg.load import DEFAULT_DATA; from kg.rebuild import rebuild; "
    code += "rebuild(DEFAULT_DATA, sys.argv[1])"
    subprocess.run(
        [sys.executable, "-c", code, str(build_dir)],
        check=True,
        cwd=PROJECT,
        env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
    )


def test_two_builds_are_byte_identical(tmp_path: Path) -> None:
    _build_in_fresh_process(tmp_path / "one", "1")
    _build_in_fresh_process(tmp_path / "two", "2")
    one, two = (sorted((tmp_path / name / "current" / GRAPHS).iterdir()) for name in ("one", "two"))
    assert [p.name for p in one] == [p.name for p in two] and len(one) >= 2
    for first, second in zip(one, two, strict=True):
        assert first.read_bytes() == second.read_bytes(), first.name
