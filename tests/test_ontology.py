"""ontology/: every term we coin is defined with an English and a Chinese label and a comment,
and every kg: term the build emits is one of them."""

from __future__ import annotations

from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SH

from kg.graph import load_graph, union_graph
from kg.terms import KG
from tests.conftest import PROJECT

ONTOLOGY = rdflib.Graph().parse(PROJECT / "ontology" / "kg.ttl")
SHAPES = rdflib.Graph().parse(PROJECT / "ontology" / "shapes.ttl")
DEFINED = sorted(
    {s for s in ONTOLOGY.subjects() if isinstance(s, rdflib.URIRef) and str(s).startswith(KG) and str(s) != KG}
)


def test_collected_the_ontology() -> None:
    assert len(DEFINED) > 90
    assert (rdflib.URIRef(KG.rstrip("#")), RDF.type, OWL.Ontology) in ONTOLOGY


@pytest.mark.parametrize("term", DEFINED, ids=[str(t).removeprefix(KG) for t in DEFINED])
def test_every_term_has_both_labels_and_a_comment(term: rdflib.URIRef) -> None:
    labels = {label.language for label in ONTOLOGY.objects(term, RDFS.label)}
    assert {"en", "zh"} <= labels
    assert any(c.language == "en" for c in ONTOLOGY.objects(term, RDFS.comment))


def test_the_build_uses_only_defined_terms(article_build: Path) -> None:
    built = union_graph(load_graph(article_build))
    used = {t for triple in built for t in triple if isinstance(t, rdflib.URIRef) and str(t).startswith(KG)}
    assert used - set(DEFINED) - {rdflib.URIRef(KG.rstrip("#"))} == set()


def test_shapes_cover_the_main_classes() -> None:
    targets = {str(o).removeprefix(KG) for o in SHAPES.objects(None, SH.targetClass)}
    assert {"Source", "Actor", "Claim", "Quantity", "FundingFlow", "Period"} <= targets
    for shape in SHAPES.subjects(RDF.type, SH.NodeShape):
        assert {label.language for label in SHAPES.objects(shape, RDFS.label)} >= {"en", "zh"}
