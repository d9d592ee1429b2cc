"""Who funds whom: the funding flows of the graph, and the money's paths through them.

The RDF graph stays the one truth: flows are read from it with SPARQL, and the networkx graph
is built from those rows for path questions (chains, ultimate sources). Names typed by a user
are matched in Python against the actors' ids and labels, and reach SPARQL only as bound
values (substitutions), never as query text.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pyoxigraph import NamedNode, Store

from kg.store import select
from kg.terms import actor_iri

if TYPE_CHECKING:
    import networkx as nx

DEFAULT_DEPTH = 6  # hops: the article's longest chain has 4
DEFAULT_PATH_LIMIT = 200

_ACTORS = """
SELECT ?id ?en ?zh ?type (GROUP_CONCAT(?alias; separator="|") AS ?aliases) WHERE {
  ?actor a kg:Actor ; dcterms:identifier ?id ; rdfs:label ?en, ?zh ; a ?class .
  FILTER(LANG(?en) = "en" && LANG(?zh) = "zh")
  ?class rdfs:subClassOf kg:Actor ; rdfs:label ?type . FILTER(LANG(?type) = "en")
  OPTIONAL { ?actor skos:altLabel ?alias }
} GROUP BY ?id ?en ?zh ?type ORDER BY ?id
"""

_FLOWS = """
SELECT ?funderNode ?recipientNode ?claim ?funder ?recipient ?instrument ?instrumentEn ?instrumentZh
       ?value ?unit ?text ?hedge ?period ?kind ?source WHERE {
  ?c a kg:FundingFlow ; dcterms:identifier ?claim ; kg:funder ?funderNode ; kg:recipient ?recipientNode ;
     kg:instrument ?instrumentNode ; kg:kind/rdfs:label ?kind ; dcterms:source/dcterms:identifier ?source .
  ?funderNode dcterms:identifier ?funder .
  ?recipientNode dcterms:identifier ?recipient .
  ?instrumentNode dcterms:identifier ?instrument ; skos:prefLabel ?instrumentEn, ?instrumentZh .
  FILTER(LANG(?kind) = "en" && LANG(?instrumentEn) = "en" && LANG(?instrumentZh) = "zh")
  OPTIONAL { ?c kg:quantity ?q . ?q schema:value ?value ; kg:unitCode ?unit ; kg:asWritten ?text ;
                                    kg:hedge/rdfs:label ?hedge . FILTER(LANG(?hedge) = "en") }
  OPTIONAL { ?c kg:period/rdfs:label ?period }
}
"""


class UnknownActor(LookupError):
    """A name that matches no actor; the message lists the closest ones."""


@dataclass(frozen=True)
class Actor:
    id: str
    en: str
    zh: str
    type: str
    aliases: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, str]:
        return {"id": self.id, "en": self.en, "zh": self.zh, "type": self.type}


@dataclass(frozen=True)
class Flow:
    """One funding flow: a claim that money goes from funder to recipient."""

    claim: str
    funder: Actor
    recipient: Actor
    instrument: dict[str, str]
    kind: str
    source: str
    value: Decimal | None = None
    unit: str | None = None
    text: str | None = None
    hedge: str | None = None
    period: str | None = None

    def amount(self) -> str:
        """The amount as written with its normalised value, or "" where the text gives none."""
        if self.value is None:
            return ""
        return f"{self.text} (= {self.value:,f} {self.unit})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "funder": self.funder.as_dict(),
            "recipient": self.recipient.as_dict(),
            "instrument": self.instrument,
            "amount": None
            if self.value is None
            else {"value": str(self.value), "unit": self.unit, "text": self.text, "hedge": self.hedge},
            "period": self.period,
            "kind": self.kind,
            "source": self.source,
        }


def actors(store: Store) -> dict[str, Actor]:
    """Every actor of the graph by id."""
    return {
        row["id"]: Actor(
            row["id"], row["en"], row["zh"], row["type"], tuple(filter(None, (row["aliases"] or "").split("|")))
        )
        for row in select(store, _ACTORS)
    }


def flows(store: Store, *, funder: str | None = None, recipient: str | None = None) -> list[Flow]:
    """Every funding flow, or those of one funder / recipient (actor ids), sorted by claim id."""
    known = actors(store)
    bindings: dict[str, Any] = {}
    if funder:
        bindings["funderNode"] = NamedNode(actor_iri(funder))
    if recipient:
        bindings["recipientNode"] = NamedNode(actor_iri(recipient))
    found = [
        Flow(
            claim=row["claim"],
            funder=known[row["funder"]],
            recipient=known[row["recipient"]],
            instrument={"id": row["instrument"], "en": row["instrumentEn"], "zh": row["instrumentZh"]},
            kind=row["kind"],
            source=row["source"],
            value=row["value"],
            unit=row["unit"],
            text=row["text"],
            hedge=row["hedge"],
            period=row["period"],
        )
        for row in select(store, _FLOWS, bindings)
    ]
    return sorted(found, key=lambda f: (f.funder.id, f.recipient.id, f.claim))


def resolve_actor(known: dict[str, Actor], name: str) -> Actor:
    """The actor a person means by an id, an English or Chinese label or an alias, any case."""
    wanted = name.strip().casefold()
    for actor in known.values():
        if wanted in {n.casefold() for n in (actor.id, actor.en, actor.zh, *actor.aliases)}:
            return actor
    names = {n: a for a in known.values() for n in (a.id, a.en, a.zh, *a.aliases)}
    close = difflib.get_close_matches(name, list(names), n=5, cutoff=0.4)
    close += [n for n in names if wanted and wanted in n.casefold() and n not in close]
    suggestions = ", ".join(dict.fromkeys(f"{names[n].id} ({names[n].en} / {names[n].zh})" for n in close[:5]))
    raise UnknownActor(f"no actor named {name!r}" + (f"; closest: {suggestions}" if suggestions else ""))


def funding_graph(found: list[Flow]) -> nx.MultiDiGraph:
    """Actors as nodes, one edge per flow (keyed by claim id) from funder to recipient."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for flow in found:
        for actor in (flow.funder, flow.recipient):
            graph.add_node(actor.id, actor=actor)
        graph.add_edge(flow.funder.id, flow.recipient.id, key=flow.claim, flow=flow)
    return graph


@dataclass
class Paths:
    """Paths found by a bounded search; ``cut`` says why the search stopped early, if it did."""

    paths: list[list[Flow]] = field(default_factory=list)
    cut: str | None = None


def chains(
    graph: nx.MultiDiGraph, start: str, end: str, *, depth: int = DEFAULT_DEPTH, limit: int = DEFAULT_PATH_LIMIT
) -> Paths:
    """Every simple path of flows from ``start`` to ``end`` (actor ids), shortest first, bounded."""
    import networkx as nx

    result = Paths()
    if start not in graph or end not in graph:
        return result
    for path in nx.all_simple_edge_paths(graph, start, end, cutoff=depth):
        if len(result.paths) == limit:
            result.cut = f"stopped at {limit} paths (raise --limit)"
            break
        result.paths.append([graph.edges[edge]["flow"] for edge in path])
    if result.cut is None and _longer_paths_exist(graph, start, end, depth):
        result.cut = f"paths longer than {depth} hops were not followed (raise --depth)"
    result.paths.sort(key=lambda p: (len(p), [f.claim for f in p]))
    return result


def _longer_paths_exist(graph: nx.MultiDiGraph, start: str, end: str, depth: int) -> bool:
    """Whether ``end`` can be reached from ``start`` at all beyond the depth (cheap: one BFS)."""
    import networkx as nx

    lengths = nx.single_source_shortest_path_length(graph, start)
    return end in lengths and lengths[end] > depth


def ultimate_sources(
    graph: nx.MultiDiGraph, actor: str, *, depth: int = DEFAULT_DEPTH
) -> tuple[list[tuple[str, int]], str | None]:
    """The actors upstream of ``actor`` that nobody in the graph funds, with their distance in hops."""
    import networkx as nx

    if actor not in graph:
        return [], None
    distances = nx.single_source_shortest_path_length(graph.reverse(copy=False), actor, cutoff=depth)
    upstream = {a: d for a, d in distances.items() if a != actor}
    roots = sorted(((a, d) for a, d in upstream.items() if graph.in_degree(a) == 0), key=lambda x: (x[1], x[0]))
    unfinished = [a for a, d in upstream.items() if d == depth and graph.in_degree(a) > 0]
    cut = (
        f"stopped at {depth} hops; {len(unfinished)} actors there have funders of their own (raise --depth)"
        if unfinished
        else None
    )
    if not roots and upstream and cut is None:
        # money that only circulates (a cycle): report the farthest funders instead
        farthest = max(upstream.values())
        roots = sorted((a, d) for a, d in upstream.items() if d == farthest)
    return roots, cut


def iter_hops(path: list[Flow]) -> Iterator[str]:
    """One line per hop: funder → recipient, instrument, amount, period, claim."""
    for flow in path:
        amount = flow.amount() or "amount not stated"
        period = f", {flow.period}" if flow.period else ""
        yield f"{flow.funder.en} → {flow.recipient.en}: {flow.instrument['en']}, {amount}{period} [{flow.claim}]"
