"""Models → RDF quads under our ontology, one graph at a time.

This is the one place that maps model fields to IRIs (names from :mod:`kg.terms`). A claim is a
statement node in the Wikidata way: the figure, its period, kind and evidence hang off it, and
a funding flow also gets a direct ``funder kg:funds recipient`` edge. Each source's claims go to
a named graph of their own; actors, sources, vocabulary and the ontology to the default graph.

Quads are made as pyoxigraph terms, graph by graph (:func:`default_quads`, :func:`source_quads`):
:mod:`kg.rebuild` puts them into the store and the files of a build, and remakes only the graphs
whose inputs changed; :func:`kg.graph.load_graph` gives rdflib a copy for SHACL and notebooks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from pyoxigraph import DefaultGraph, Literal, NamedNode, Quad, RdfFormat, parse

from kg import arithmetic
from kg.models import Actor, Claim, Concept, Dataset, Label, Locator, Period, Source, Span
from kg.terms import (
    ACTOR_CLASSES,
    DERIVATION_IRIS,
    HEDGE_IRIS,
    KG,
    KIND_IRIS,
    PREFIXES,
    RANK_IRIS,
    SOURCE_CLASSES,
    STATUS_IRIS,
    UNIT_IRIS,
    actor_iri,
    claim_iri,
    graph_iri,
    instrument_iri,
    metric_iri,
    part_iri,
    period_iri,
    source_iri,
    whole_iri,
)

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "kg.ttl"
QUOTE_CONTEXT = 32  # characters of prefix and suffix kept beside a quote (oa:TextQuoteSelector)


@cache  # the same few hundred IRIs over and over: made and checked once each
def _ns(prefix: str, local: str) -> NamedNode:
    return NamedNode(PREFIXES[prefix] + local)


RDF_TYPE = _ns("rdf", "type")
RDFS_LABEL, RDFS_COMMENT = _ns("rdfs", "label"), _ns("rdfs", "comment")
XSD_DECIMAL, XSD_DATE, XSD_INTEGER = _ns("xsd", "decimal"), _ns("xsd", "date"), _ns("xsd", "integer")
ID = _ns("dcterms", "identifier")


@cache
def kg(local: str) -> NamedNode:
    return NamedNode(KG + local)


def decimal_literal(value: Decimal) -> Literal:
    """xsd:decimal in its XSD 1.1 canonical form (no exponent, no trailing zeros: ``40``, ``0.5``).

    It is the form Oxigraph keeps a decimal in, so the graph files and the store hold the very
    same literals.
    """
    return Literal(format(value.normalize(), "f"), datatype=XSD_DECIMAL)


def integer_literal(value: int) -> Literal:
    return Literal(str(value), datatype=XSD_INTEGER)


def date_literal(value: date) -> Literal:
    return Literal(value.isoformat(), datatype=XSD_DATE)


@dataclass
class _Quads:
    """Collects quads for one graph; ``add`` skips None objects so optional fields read simply."""

    graph: NamedNode | DefaultGraph
    quads: list[Quad]

    def add(self, subject: NamedNode, predicate: NamedNode, obj: NamedNode | Literal | None) -> None:
        if obj is not None:
            self.quads.append(Quad(subject, predicate, obj, self.graph))


def build_quads(dataset: Dataset, *, ontology: Path | None = ONTOLOGY) -> list[Quad]:
    """Every quad of the dataset (and the ontology): graph by graph, each graph sorted, no duplicates."""
    return [quad for quads in graph_quads(dataset, ontology=ontology) for quad in quads]


def graph_quads(dataset: Dataset, *, ontology: Path | None = ONTOLOGY) -> Iterator[list[Quad]]:
    """The quads of one graph at a time, each list sorted: the default graph, then each source's by IRI.

    Made one graph at a time so a large dataset is never held as quads all at once.
    """
    yield default_quads(dataset, ontology=ontology)
    where = claim_sources(dataset)
    by_source: dict[str, list[Claim]] = {}
    for source_id, claim in dataset.claims():
        by_source.setdefault(source_id, []).append(claim)
    for source_id in sorted(by_source, key=graph_iri):
        yield source_quads(source_id, by_source[source_id], dataset.texts.get(source_id), where)


def claim_sources(dataset: Dataset) -> dict[str, str]:
    """Claim id → the id of its source, for every claims file (read or reused).

    Claim ids are unique across a dataset, so a formula or an upstream link names a claim by id
    alone; this finds the source (and so the IRI) of the claim it names.
    """
    return {claim: index.source for index in dataset.indexes.values() for claim in index.claims}


def default_quads(dataset: Dataset, *, ontology: Path | None = ONTOLOGY) -> list[Quad]:
    """The default graph: ontology, concept schemes, actors, sources (with their texts), periods; sorted."""
    default = _Quads(DefaultGraph(), [])
    if ontology is not None:
        for triple in parse(path=str(ontology), format=RdfFormat.TURTLE):
            default.quads.append(Quad(triple.subject, triple.predicate, triple.object, DefaultGraph()))
    for scheme, concepts, iri in (
        ("MetricScheme", dataset.vocabulary.metrics, metric_iri),
        ("InstrumentScheme", dataset.vocabulary.instruments, instrument_iri),
    ):
        for concept in concepts:
            _add_concept(default, concept, NamedNode(iri(concept.id)), kg(scheme))
    for actor in dataset.actors:
        _add_actor(default, actor)
    for source in dataset.sources:
        _add_source(default, source, dataset.texts.get(source.id))
    for label in sorted({label for index in dataset.indexes.values() for label in index.periods}):
        _add_period(default, Period.model_validate(label))
    return sorted(set(default.quads), key=str)


def source_quads(source_id: str, claims: Iterable[Claim], text: str | None, where: dict[str, str]) -> list[Quad]:
    """The named graph of one source: its claims; sorted. ``where`` maps claim ids to their sources."""
    named = _Quads(NamedNode(graph_iri(source_id)), [])
    for claim in claims:
        _add_claim(named, source_id, claim, text, where)
    return sorted(set(named.quads), key=str)


def _add_concept(out: _Quads, concept: Concept, node: NamedNode, scheme: NamedNode) -> None:
    out.add(node, RDF_TYPE, _ns("skos", "Concept"))
    out.add(node, _ns("skos", "inScheme"), scheme)
    out.add(node, ID, Literal(concept.id))
    for predicate in (_ns("skos", "prefLabel"), RDFS_LABEL):
        _add_labels(out, node, predicate, concept.label)
    if concept.definition:
        out.add(node, _ns("skos", "definition"), Literal(concept.definition, language="en"))


def _add_labels(out: _Quads, node: NamedNode, predicate: NamedNode, label: Label) -> None:
    """The label in each language it is given in (a record met in one language has one)."""
    if label.en:
        out.add(node, predicate, Literal(label.en, language="en"))
    if label.zh:
        out.add(node, predicate, Literal(label.zh, language="zh"))


def _add_actor(out: _Quads, actor: Actor) -> None:
    node = NamedNode(actor_iri(actor.id))
    out.add(node, RDF_TYPE, kg("Actor"))
    out.add(node, RDF_TYPE, kg(ACTOR_CLASSES[actor.type]))
    out.add(node, ID, Literal(actor.id))
    _add_labels(out, node, RDFS_LABEL, actor.label)
    for alias in actor.aliases:
        out.add(node, _ns("skos", "altLabel"), Literal(alias))
    for member in actor.members:
        out.add(node, kg("member"), NamedNode(actor_iri(member)))
    if actor.country:
        out.add(node, kg("country"), NamedNode(actor_iri(actor.country)))
    if actor.description:
        out.add(node, RDFS_COMMENT, Literal(actor.description, language="en"))


def _add_source(out: _Quads, source: Source, text: str | None) -> None:
    node = NamedNode(source_iri(source.id))
    out.add(node, RDF_TYPE, kg("Source"))
    out.add(node, RDF_TYPE, kg(SOURCE_CLASSES[source.kind]))
    out.add(node, ID, Literal(source.id))
    out.add(node, _ns("dcterms", "title"), Literal(source.title, language=source.language))
    if source.title_en and source.language != "en":
        out.add(node, _ns("dcterms", "title"), Literal(source.title_en, language="en"))
    if source.publisher:
        out.add(node, _ns("dcterms", "publisher"), NamedNode(actor_iri(source.publisher)))
    if source.author:
        out.add(node, _ns("dc", "creator"), Literal(source.author))  # a name, not an agent node
    if source.date:
        out.add(node, _ns("dcterms", "date"), date_literal(source.date))
    out.add(node, _ns("dcterms", "language"), Literal(source.language))
    if source.url:
        out.add(node, _ns("schema", "url"), NamedNode(source.url))
    if source.sha256:
        out.add(node, kg("sha256"), Literal(source.sha256))
    if text is not None:
        # The text itself travels with the graph: offsets without their text are useless.
        out.add(node, _ns("schema", "text"), Literal(text))
    for cited in source.cites:
        out.add(node, _ns("dcterms", "references"), NamedNode(source_iri(cited)))


def _add_period(out: _Quads, period: Period) -> None:
    node = NamedNode(period_iri(period.label))
    start, end = period.start_end()
    out.add(node, RDF_TYPE, kg("Period"))
    out.add(node, RDF_TYPE, _ns("time", "ProperInterval"))
    out.add(node, RDFS_LABEL, Literal(period.label))
    out.add(node, kg("startDate"), date_literal(start) if start else None)
    out.add(node, kg("endDate"), date_literal(end) if end else None)


def _add_claim(out: _Quads, source_id: str, claim: Claim, text: str | None, claim_sources: dict[str, str]) -> None:
    iri = claim_iri(source_id, claim.id)
    node = NamedNode(iri)
    source = NamedNode(source_iri(source_id))
    out.add(node, RDF_TYPE, kg("Claim"))
    out.add(node, ID, Literal(claim.id))
    out.add(node, _ns("dcterms", "source"), source)
    for subject in claim.subjects:
        out.add(node, kg("subject"), NamedNode(actor_iri(subject)))
    if claim.metric:
        out.add(node, kg("metric"), NamedNode(metric_iri(claim.metric)))
    if claim.period:
        out.add(node, kg("period"), NamedNode(period_iri(claim.period.label)))
    out.add(node, kg("kind"), NamedNode(KIND_IRIS[claim.kind]))
    out.add(node, kg("status"), NamedNode(STATUS_IRIS[claim.status]))
    out.add(node, kg("rank"), NamedNode(RANK_IRIS[claim.rank]))
    if claim.rank_reason:
        out.add(node, kg("rankReason"), Literal(claim.rank_reason, language="en"))
    for cited in claim.attributed_to:
        out.add(node, kg("attributedTo"), NamedNode(source_iri(cited)))
    if claim.note:
        out.add(node, _ns("skos", "editorialNote"), Literal(claim.note, language="en"))

    if claim.quantity:
        quantity = claim.quantity
        qnode = NamedNode(part_iri(iri, "quantity"))
        out.add(node, kg("quantity"), qnode)
        out.add(qnode, RDF_TYPE, kg("Quantity"))
        out.add(qnode, _ns("schema", "value"), decimal_literal(quantity.value))
        out.add(qnode, _ns("qudt", "hasUnit"), NamedNode(UNIT_IRIS[quantity.unit]))
        out.add(qnode, kg("unitCode"), Literal(quantity.unit))
        out.add(qnode, kg("asWritten"), Literal(quantity.text))
        out.add(qnode, kg("hedge"), NamedNode(HEDGE_IRIS[quantity.hedge]))
        low, high = quantity.bounds()
        out.add(qnode, _ns("schema", "minValue"), decimal_literal(low) if low is not None else None)
        out.add(qnode, _ns("schema", "maxValue"), decimal_literal(high) if high is not None else None)
        if isinstance(claim.evidence, Span):
            # where the figure itself stands, inside the quote
            start = claim.evidence.start + claim.evidence.quote.index(quantity.text)
            out.add(qnode, kg("start"), integer_literal(start))
            out.add(qnode, kg("end"), integer_literal(start + len(quantity.text)))

    _add_evidence(out, node, iri, source, claim.evidence, text)

    if claim.flow:
        funder, recipient = NamedNode(actor_iri(claim.flow.funder)), NamedNode(actor_iri(claim.flow.recipient))
        out.add(node, RDF_TYPE, kg("FundingFlow"))
        out.add(node, kg("funder"), funder)
        out.add(node, kg("recipient"), recipient)
        out.add(node, kg("instrument"), NamedNode(instrument_iri(claim.flow.instrument)))
        out.add(funder, kg("funds"), recipient)  # the "truthy" edge, for simple graph queries
    if claim.formula:
        out.add(node, kg("formula"), Literal(claim.formula))
        for ref in arithmetic.references(claim.formula):
            out.add(node, kg("relatesTo"), NamedNode(claim_iri(claim_sources[ref], ref)))
    if claim.share_of:
        whole = NamedNode(whole_iri(claim.share_of))
        out.add(node, kg("shareOf"), whole)
        out.add(whole, RDF_TYPE, kg("Whole"))
        out.add(whole, ID, Literal(claim.share_of))
    for index, upstream in enumerate(claim.derived_from, start=1):
        link = NamedNode(part_iri(iri, f"upstream-{index}"))
        target = NamedNode(claim_iri(claim_sources[upstream.claim], upstream.claim))
        out.add(node, kg("upstream"), link)
        out.add(node, _ns("prov", "wasDerivedFrom"), target)
        out.add(link, RDF_TYPE, kg("Derivation"))
        out.add(link, kg("upstreamClaim"), target)
        out.add(link, kg("derivation"), NamedNode(DERIVATION_IRIS[upstream.how]))


def _add_evidence(
    out: _Quads, node: NamedNode, iri: str, source: NamedNode, evidence: Span | Locator, text: str | None
) -> None:
    enode = NamedNode(part_iri(iri, "evidence"))
    out.add(node, kg("evidence"), enode)
    out.add(enode, RDF_TYPE, _ns("oa", "SpecificResource"))
    out.add(enode, _ns("oa", "hasSource"), source)
    if isinstance(evidence, Span):
        out.add(node, _ns("prov", "wasQuotedFrom"), source)
        position, quote = NamedNode(part_iri(iri, "position")), NamedNode(part_iri(iri, "quote"))
        out.add(enode, _ns("oa", "hasSelector"), position)
        out.add(enode, _ns("oa", "hasSelector"), quote)
        out.add(position, RDF_TYPE, _ns("oa", "TextPositionSelector"))
        out.add(position, _ns("oa", "start"), integer_literal(evidence.start))
        out.add(position, _ns("oa", "end"), integer_literal(evidence.end))
        out.add(quote, RDF_TYPE, _ns("oa", "TextQuoteSelector"))
        out.add(quote, _ns("oa", "exact"), Literal(evidence.quote))
        if text is not None:
            prefix = text[max(0, evidence.start - QUOTE_CONTEXT) : evidence.start]
            suffix = text[evidence.end : evidence.end + QUOTE_CONTEXT]
            out.add(quote, _ns("oa", "prefix"), Literal(prefix) if prefix else None)
            out.add(quote, _ns("oa", "suffix"), Literal(suffix) if suffix else None)
    else:
        out.add(enode, RDF_TYPE, kg("Locator"))
        out.add(enode, kg("page"), Literal(evidence.page) if evidence.page else None)
        out.add(enode, kg("figure"), Literal(evidence.figure) if evidence.figure else None)
        out.add(enode, kg("section"), Literal(evidence.section) if evidence.section else None)
        out.add(enode, _ns("schema", "url"), NamedNode(evidence.url) if evidence.url else None)
        out.add(enode, kg("quote"), Literal(evidence.quote) if evidence.quote else None)


FINDINGS_GRAPH = "findings"  # named graph of the check results (graph/findings); no source may take the id


def finding_quads(findings: Iterable[Any], claim_iris: dict[str, str]) -> list[Quad]:
    """Check results (kg.check.Finding) as nodes linked to the claims they concern.

    A finding ``kg:concerns`` every claim it is about and ``prov:wasDerivedFrom`` the claims
    its recomputation used; ``claim_iris`` maps claim ids to IRIs.
    """
    graph = NamedNode(graph_iri(FINDINGS_GRAPH))
    quads: list[Quad] = []
    out = _Quads(graph, quads)
    for finding in findings:
        digest = hashlib.sha256(f"{finding.check}|{finding.message}".encode()).hexdigest()[:16]
        node = NamedNode(f"{PREFIXES['finding']}{finding.check}-{digest}")
        out.add(node, RDF_TYPE, kg("Finding"))
        out.add(node, kg("check"), Literal(finding.check))
        out.add(node, kg("findingStatus"), kg(finding.status.capitalize()))
        out.add(node, kg("message"), Literal(finding.message))
        out.add(node, kg("verdict"), Literal(finding.verdict) if finding.verdict else None)
        for claim in finding.claims:
            if claim in claim_iris:
                out.add(node, kg("concerns"), NamedNode(claim_iris[claim]))
        for claim in finding.inputs:
            if claim in claim_iris:
                out.add(node, _ns("prov", "wasDerivedFrom"), NamedNode(claim_iris[claim]))
    return sorted(set(quads), key=str)
