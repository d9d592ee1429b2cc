"""The built graph as rdflib objects: for SHACL, for notebooks, for comparing graphs.

The store (kg.store) answers queries; rdflib is where its API, serialisations and pySHACL serve.
Quads are read with Oxigraph's parser and handed over term by term (rdflib's own TriG and
N-Quads parsers go through deprecated Dataset code paths in rdflib 7).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import rdflib
from pyoxigraph import BlankNode, DefaultGraph, NamedNode, Quad

from kg.terms import PREFIXES

_XSD_STRING = PREFIXES["xsd"] + "string"


def to_rdflib(term: Any) -> Any:
    """One pyoxigraph term (IRI, blank node or literal) as the rdflib term it stands for."""
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return rdflib.Literal(term.value)  # a plain literal, as rdflib's parsers make it
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def quads_to_rdflib(quads: Iterable[Quad]) -> rdflib.Dataset:
    """An rdflib Dataset holding the same quads, named graphs kept."""
    dataset = rdflib.Dataset()
    for quad in quads:
        triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
        if isinstance(quad.graph_name, DefaultGraph):
            dataset.default_graph.add(triple)
        else:
            dataset.graph(to_rdflib(quad.graph_name)).add(triple)
    _bind(dataset)
    return dataset


def load_graph(build_dir: Path = Path("build")) -> rdflib.Dataset:
    """The whole built graph (every named graph, the findings and the default graph) of the current build."""
    from kg.store import open_store

    return quads_to_rdflib(open_store(build_dir).quads_for_pattern(None, None, None, None))


def union_graph(dataset: rdflib.Dataset, *, without: tuple[str, ...] = ()) -> rdflib.Graph:
    """All triples of all graphs (but those named in ``without``) in one graph, e.g. for SHACL validation."""
    union = rdflib.Graph()
    left_out = {rdflib.URIRef(iri) for iri in without}
    for s, p, o, g in dataset.quads((None, None, None, None)):
        if g not in left_out:
            union.add((s, p, o))
    _bind(union)
    return union


def _bind(graph: rdflib.Graph) -> None:
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
