"""kg.export and kg export: every format holds the graph the store holds; JSON-LD with our context; CSVW."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, parse
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.export import COLUMNS, CONTEXT
from kg.figures import FIGURE_FIELDS
from kg.graph import quads_to_rdflib
from kg.store import open_store
from kg.terms import PREFIXES
from tests.conftest import MINI


def _store_quads(build: Path) -> set[Quad]:
    return set(open_store(build).quads_for_pattern(None, None, None, None))


@pytest.mark.parametrize(
    ("fmt", "rdf_format", "keeps_graphs"),
    [
        pytest.param("nquads", RdfFormat.N_QUADS, True, id="nquads"),
        pytest.param("trig", RdfFormat.TRIG, True, id="trig"),
        pytest.param("turtle", RdfFormat.TURTLE, False, id="turtle"),
        pytest.param("ntriples", RdfFormat.N_TRIPLES, False, id="ntriples"),
    ],
)
def test_every_format_holds_the_store(
    runner: CliRunner, mini_build: Path, tmp_path: Path, fmt: str, rdf_format: RdfFormat, keeps_graphs: bool
) -> None:
    out = tmp_path / f"graph.{fmt}"
    result = runner.invoke(
        app, ["export", "--format", fmt, "-o", str(out), "--build", str(mini_build), "--data", str(MINI)]
    )
    assert result.exit_code == 0, result.output
    read = list(parse(path=str(out), format=rdf_format))
    stored = _store_quads(mini_build)
    if keeps_graphs:
        assert set(read) == stored
    else:
        assert {q.triple for q in read} == {q.triple for q in stored}


def test_jsonld_is_compacted_with_the_published_context(runner: CliRunner, mini_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.jsonld"
    assert (
        runner.invoke(
            app, ["export", "--format", "jsonld", "-o", str(out), "--build", str(mini_build), "--data", str(MINI)]
        ).exit_code
        == 0
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["@context"] == json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    ids = {node["@id"] for node in document["@graph"]}
    assert {"actor:acme-capital", "graph:mini", "graph:example-report"} <= ids
    # read back by a JSON-LD processor (Oxigraph's; the context is inline, so nothing is fetched), and
    # compared with rdflib graph by graph
    ours = quads_to_rdflib(parse(path=str(out), format=RdfFormat.JSON_LD))
    stored = quads_to_rdflib(open_store(mini_build).quads_for_pattern(None, None, None, None))
    names = {g.identifier for g in stored.graphs()}
    assert names == {g.identifier for g in ours.graphs()} and len(names) == 4
    for name in names:
        assert isomorphic(ours.graph(name), stored.graph(name)), name


def test_the_published_context_is_our_prefixes() -> None:
    context = json.loads(CONTEXT.read_text(encoding="utf-8"))["@context"]
    assert context == {p: iri for p, iri in PREFIXES.items() if p != "sh"}


def test_some_sources_only(runner: CliRunner, mini_build: Path) -> None:
    result = runner.invoke(
        app, ["export", "--format", "nquads", "--source", "mini", "--build", str(mini_build), "--data", str(MINI)]
    )
    graphs = {q.graph_name for q in parse(result.stdout_bytes, format=RdfFormat.N_QUADS)}
    assert graphs == {DefaultGraph(), NamedNode(PREFIXES["graph"] + "mini")}
    unknown = runner.invoke(app, ["export", "--source", "nowhere", "--build", str(mini_build), "--data", str(MINI)])
    assert (
        unknown.exit_code == 2
        and "no graph of source 'nowhere'; the sources are example-report, mini" in unknown.output
    )


def test_csv_with_csvw_metadata(runner: CliRunner, mini_build: Path, tmp_path: Path) -> None:
    from csvw import Table

    out = tmp_path / "figures.csv"
    result = runner.invoke(
        app, ["figures", "--format", "csv", "-o", str(out), "--build", str(mini_build), "--data", str(MINI)]
    )
    assert result.exit_code == 0, result.output
    metadata = tmp_path / "figures.csv-metadata.json"
    assert "described in CSVW by" in result.output and metadata.is_file()
    assert set(COLUMNS) == set(FIGURE_FIELDS)
    rows = list(Table.from_file(metadata).iterdicts())  # read as a CSVW processor reads it: typed
    assert len(rows) == 5
    row = next(r for r in rows if r["id"] == "acme-widget-2024")
    assert row["value"] == Decimal("2500000000") and row["start"] == 22 and row["source"] == "mini"
    assert row["subjects"] == ["acme-capital", "widget-ai"]


def test_an_output_that_is_a_folder_is_refused(runner: CliRunner, mini_build: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["export", "-o", str(tmp_path), "--build", str(mini_build), "--data", str(MINI)])
    assert result.exit_code == 2 and "is a folder" in result.output
