"""The whole graph (or some sources of it) in one file, in the formats people use; and CSVW for tables.

A build keeps one file per graph (build/current/graphs/): rewriting whole-graph files on every
build would cost a large corpus far more than the change. This writes them on demand, from the
store: Turtle and N-Triples (every graph's triples in one graph), N-Quads and TriG (graphs kept),
and JSON-LD (graphs kept) compacted with the project's published context,
ontology/context.jsonld (https://w3id.org/aikg/context.jsonld), which maps our prefixes; the
context travels inside each file too, so no reader has to fetch anything to read it.

CSVW (https://www.w3.org/TR/tabular-metadata/): :func:`csvw_metadata` describes the columns of
``kg figures --format csv`` (names, titles, datatypes, what each means, the claim each row is
about), written beside the CSV as ``<name>.csv-metadata.json``, where CSVW processors look.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import IO, Any

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, RdfFormat, Store, serialize

from kg.build import FINDINGS_GRAPH
from kg.terms import PREFIXES, graph_iri

CONTEXT = Path(__file__).resolve().parent.parent / "ontology" / "context.jsonld"
FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
}
_PREFIXES = {p: iri for p, iri in PREFIXES.items() if p != "sh"}
_XSD_STRING = PREFIXES["xsd"] + "string"


class ExportError(ValueError):
    """A format or source that cannot be exported: one line."""


def graphs(store: Store, sources: Iterable[str] = (), *, findings: bool = True) -> list[NamedNode | DefaultGraph]:
    """The graphs to export: the default graph and every source's (or only ``sources``'), and the findings."""
    named = sorted((g for g in store.named_graphs() if isinstance(g, NamedNode)), key=lambda g: g.value)
    wanted = {graph_iri(s) for s in sources}
    missing = wanted - {g.value for g in named}
    if missing:
        known = ", ".join(g.value.rsplit("/", 1)[1] for g in named if g.value != graph_iri(FINDINGS_GRAPH))
        raise ExportError(f"no graph of source {sorted(missing)[0].rsplit('/', 1)[1]!r}; the sources are {known}")
    keep = [g for g in named if (not wanted or g.value in wanted) and g.value != graph_iri(FINDINGS_GRAPH)]
    if findings and not wanted:
        keep += [g for g in named if g.value == graph_iri(FINDINGS_GRAPH)]
    return [DefaultGraph(), *keep]


def export(store: Store, output: IO[bytes], fmt: str, chosen: list[NamedNode | DefaultGraph]) -> int:
    """Write the chosen graphs of the store in ``fmt``, graph by graph (memory stays one graph); quads written."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "jsonld":
        return _jsonld(store, output, chosen)
    count, first = 0, True
    for graph in chosen:
        quads = sorted(store.quads_for_pattern(None, None, None, graph), key=str)
        count += len(quads)
        if FORMATS[fmt].supports_datasets:
            data = serialize(quads, format=FORMATS[fmt], prefixes=_prefixes_for(fmt)) or b""
        else:
            data = serialize([q.triple for q in quads], format=FORMATS[fmt], prefixes=_prefixes_for(fmt)) or b""
        output.write(data if first else _without_prefixes(data))
        first = False
    return count


def _prefixes_for(fmt: str) -> dict[str, str] | None:
    return _PREFIXES if fmt in ("turtle", "trig") else None


def _without_prefixes(data: bytes) -> bytes:
    """Turtle or TriG without its leading ``@prefix`` lines (they were written once, at the top)."""
    start = 0
    while data.startswith(b"@prefix ", start):
        start = data.index(b"\n", start) + 1
    return data[start:]


# ---------------------------------------------------------------------------------------------
# JSON-LD, compacted with our context


@cache
def context() -> dict[str, Any]:
    """The published @context: our prefixes, so every IRI of the graph reads as prefix:name."""
    return json.loads(CONTEXT.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _jsonld(store: Store, output: IO[bytes], chosen: list[NamedNode | DefaultGraph]) -> int:
    """A JSON-LD dataset: the default graph's nodes, then one ``{"@id": graph, "@graph": [...]}`` per named graph.

    Written node by node, so a large graph is never held as one JSON document.
    """
    count, separator = 0, b"\n"
    output.write(b'{"@context": ' + json.dumps(context()["@context"], ensure_ascii=False).encode() + b',\n"@graph": [')
    for graph in chosen:
        quads = sorted(store.quads_for_pattern(None, None, None, graph), key=str)
        count += len(quads)
        nodes = [json.dumps(node, ensure_ascii=False) for node in nodes_of(quads)]
        if not isinstance(graph, DefaultGraph) and nodes:
            nodes = [f'{{"@id": {json.dumps(_compact(graph.value))}, "@graph": [\n' + ",\n".join(nodes) + "]}"]
        for item in nodes:
            output.write(separator + item.encode())
            separator = b",\n"
    output.write(b"\n]}\n")
    return count


def nodes_of(quads: Iterable[Quad]) -> Iterator[dict[str, Any]]:
    """Node objects of quads sorted by subject: ``{"@id": "claim:x", "kg:metric": {"@id": "metric:y"}, …}``."""
    node: dict[str, Any] = {}
    for quad in quads:
        subject = _term_id(quad.subject)
        if node.get("@id") != subject:
            if node:
                yield node
            node = {"@id": subject}
        predicate = quad.predicate.value
        if predicate == PREFIXES["rdf"] + "type":
            node.setdefault("@type", []).append(_compact(quad.object.value))  # type: ignore[union-attr]
        else:
            node.setdefault(_compact(predicate), []).append(_value(quad.object))
    if node:
        yield node


def _term_id(term: Any) -> str:
    return "_:" + term.value if isinstance(term, BlankNode) else _compact(term.value)


def _value(term: Any) -> dict[str, str]:
    if isinstance(term, (NamedNode, BlankNode)):
        return {"@id": _term_id(term)}
    assert isinstance(term, Literal)
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype.value == _XSD_STRING:
        return {"@value": term.value}
    return {"@value": term.value, "@type": _compact(term.datatype.value)}


def _compact(iri: str) -> str:
    """prefix:name where a prefix of the context fits and the name is a plain one; the IRI otherwise."""
    for prefix, namespace in _PREFIXES.items():
        if iri.startswith(namespace):
            local = iri[len(namespace) :]
            if local and not local.startswith("//") and ":" not in local:
                return f"{prefix}:{local}"
    return iri


# ---------------------------------------------------------------------------------------------
# CSVW

#: What each column of `kg figures` holds: (datatype, description). Names are kg.figures.FIGURE_FIELDS.
COLUMNS = {
    "id": ("string", "The claim's id, unique in the dataset."),
    "value": ("decimal", "The figure's exact value, normalised to its unit (1091亿美元 → 109100000000)."),
    "min": ("decimal", "Lower bound the hedge or range sets, where it sets one."),
    "max": ("decimal", "Upper bound the hedge or range sets, where it sets one."),
    "unit": ("string", "Unit of value: USD, CNY, percent, times, count, GW, TWh …"),
    "text": ("string", "The figure as the source writes it."),
    "hedge": ("string", "How the source qualifies it: about, nearly, more than, at least, up to, range, unhedged."),
    "period": ("string", "When it holds, in ISO 8601 form: 2024, FY2025, 2025-H1, 2025-01/2025-09, ../2028."),
    "subject": ("string", "Whom it is about, in English, ; between several."),
    "subjects": ("string", "Actor ids of whom it is about, ; between several."),
    "metric": ("string", "The metric id: what the figure measures."),
    "kind": ("string", "fact, estimate, forecast, plan, target or comparison."),
    "attributed_to": ("string", "Source ids the source credits for the figure, ; between several."),
    "source": ("string", "Id of the source the figure is read from."),
    "start": ("integer", "Where the figure starts in the source text (Unicode code points)."),
    "end": ("integer", "Where the figure ends in the source text (exclusive)."),
    "quote": ("string", "The words of the source that state it."),
    "quote_start": ("integer", "Where the quote starts in the source text."),
    "quote_end": ("integer", "Where the quote ends in the source text (exclusive)."),
}


def csvw_metadata(csv_name: str, fields: Iterable[str]) -> dict[str, Any]:
    """CSVW metadata of a `kg figures` CSV called ``csv_name``: one column description per field."""
    columns = []
    for name in fields:
        datatype, description = COLUMNS[name]
        column: dict[str, Any] = {"name": name, "titles": name, "datatype": datatype, "dc:description": description}
        if name in ("subjects", "attributed_to"):
            column["separator"] = "; "
        columns.append(column)
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": csv_name,
        "dc:title": "Figures of the AI-investment claims graph",
        "dc:source": "https://w3id.org/aikg/",
        "tableSchema": {
            "columns": columns,
            "primaryKey": "id",
            "aboutUrl": PREFIXES["claim"] + "{source}.{id}",
        },
    }
