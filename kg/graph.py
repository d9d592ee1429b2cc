"""The built graph as rdflib objects: for SHACL, for notebooks, for comparing graphs.

The store (kg.store) answers queries; rdflib is where its API, serialisations and pySHACL serve.
"""

from __future__ import annotations

from pathlib import Path

import rdflib
from pyoxigraph import Quad, RdfFormat, serialize

from kg.build import TRIG
from kg.terms import PREFIXES


def quads_to_rdflib(quads: list[Quad]) -> rdflib.Dataset:
    """An rdflib Dataset holding the same quads (named graphs kept)."""
    dataset = rdflib.Dataset()
    dataset.parse(data=serialize(quads, format=RdfFormat.N_QUADS), format="nquads")
    _bind(dataset)
    return dataset


def load_graph(build_dir: Path = Path("build")) -> rdflib.Dataset:
    """The whole built graph (every named graph, and the default graph) from ``graph.trig``."""
    path = Path(build_dir) / TRIG
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no built graph here; run `kg build` first")
    dataset = rdflib.Dataset()
    dataset.parse(path, format="trig")
    _bind(dataset)
    return dataset


def union_graph(dataset: rdflib.Dataset) -> rdflib.Graph:
    """All triples of all graphs in one graph, e.g. for SHACL validation."""
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    _bind(union)
    return union


def _bind(graph: rdflib.Graph) -> None:
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True)
