"""Who funds whom: the funding flows of the graph, and the money's paths through them.

The RDF graph stays the one truth: flows are read from it with SPARQL, and the networkx graph
is built from those rows for path questions (chains, ultimate sources). Names typed by a user
are matched in Python against the actors' ids and labels, and reach SPARQL only as bound
values (substitutions), never as query text.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pyoxigraph import NamedNode, Store

from kg.store import select
from kg.terms import actor_iri, graph_iri

if TYPE_CHECKING:
    import networkx as nx

DEFAULT_DEPTH = 6  # hops: the article's longest chain has 4
DEFAULT_PATH_LIMIT = 200

# Labels are OPTIONAL: a source met in one language names its actors in that language only.
_ACTORS = """
SELECT ?id ?en ?zh ?type (GROUP_CONCAT(?alias; separator="|") AS ?aliases) WHERE {
  ?actor a kg:Actor ; dcterms:identifier ?id ; a ?class .
  ?class rdfs:subClassOf kg:Actor ; rdfs:label ?type . FILTER(LANG(?type) = "en")
  OPTIONAL { ?actor rdfs:label ?en . FILTER(LANG(?en) = "en") }
  OPTIONAL { ?actor rdfs:label ?zh . FILTER(LANG(?zh) = "zh") }
  OPTIONAL { ?actor skos:altLabel ?alias }
} GROUP BY ?id ?en ?zh ?type ORDER BY ?id
"""

_FLOWS = """
SELECT ?funderNode ?recipientNode ?claim ?funder ?recipient ?instrument ?instrumentEn ?instrumentZh
       ?value ?unit ?text ?hedge ?period ?kind ?source WHERE {
  ?c a kg:FundingFlow ; dcterms:identifier ?claim ; kg:funder ?funderNode ; kg:recipient ?recipientNode ;
     kg:instrument ?instrumentNode ; kg:kind/rdfs:label ?kind ; dcterms:source/dcterms:identifier ?source .
  FILTER(LANG(?kind) = "en")
  ?funderNode dcterms:identifier ?funder .
  ?recipientNode dcterms:identifier ?recipient .
  ?instrumentNode dcterms:identifier ?instrument .
  OPTIONAL { ?instrumentNode skos:prefLabel ?instrumentEn . FILTER(LANG(?instrumentEn) = "en") }
  OPTIONAL { ?instrumentNode skos:prefLabel ?instrumentZh . FILTER(LANG(?instrumentZh) = "zh") }
  OPTIONAL { ?c kg:quantity ?q . ?q schema:value ?value ; kg:unitCode ?unit ; kg:asWritten ?text ;
                                    kg:hedge/rdfs:label ?hedge . FILTER(LANG(?hedge) = "en") }
  OPTIONAL { ?c kg:period/rdfs:label ?period }
}
"""

# Every source of the graph with what names it on screen; titles come in the source's own language
# and, for a source not in English, maybe in English too.
_SOURCES = """
SELECT ?id ?kind ?title (LANG(?title) AS ?titleLang) ?date ?publisherEn ?publisherZh WHERE {
  ?source a kg:Source ; dcterms:identifier ?id ; a ?class .
  ?class rdfs:subClassOf kg:Source ; rdfs:label ?kind . FILTER(LANG(?kind) = "en")
  OPTIONAL { ?source dcterms:title ?title }
  OPTIONAL { ?source dcterms:date ?date }
  OPTIONAL { ?source dcterms:publisher ?publisher .
             OPTIONAL { ?publisher rdfs:label ?publisherEn . FILTER(LANG(?publisherEn) = "en") }
             OPTIONAL { ?publisher rdfs:label ?publisherZh . FILTER(LANG(?publisherZh) = "zh") } }
}
"""

#: Most source ids an "unknown source" message lists (a corpus may hold thousands).
SOURCES_LISTED = 12


class UnknownActor(LookupError):
    """A name that matches no actor; the message lists the closest ones."""


class UnknownSource(LookupError):
    """A source id the graph does not hold; the message lists the ones it does."""


def best_label(en: str | None, zh: str | None, lang: str, fallback: str) -> str:
    """The label in ``lang``, else in the other language, else ``fallback`` (an id)."""
    first, other = (zh, en) if lang == "zh" else (en, zh)
    return first or other or fallback


@dataclass(frozen=True)
class Actor:
    """An actor as flows show it; ``en`` or ``zh`` is None where a source named it in one language only."""

    id: str
    en: str | None
    zh: str | None
    type: str
    aliases: tuple[str, ...] = ()

    def name(self, lang: str = "en") -> str:
        return best_label(self.en, self.zh, lang, self.id)

    def names(self) -> str:
        """ "English / 中文", or the one label it has."""
        return " / ".join(n for n in (self.en, self.zh) if n) or self.id

    def as_dict(self) -> dict[str, str | None]:
        return {"id": self.id, "en": self.en, "zh": self.zh, "type": self.type}


@dataclass(frozen=True)
class SourceInfo:
    """A source as lists and legends name it: ``title`` as published, ``title_en`` where it has one."""

    id: str
    kind: str
    title: str | None = None
    title_en: str | None = None
    date: str | None = None
    publisher_en: str | None = None
    publisher_zh: str | None = None

    def name(self, lang: str = "en") -> str:
        """The title a reader of ``lang`` knows it by: English pages prefer the English title."""
        return (self.title_en or self.title if lang == "en" else self.title or self.title_en) or self.id

    def publisher(self, lang: str = "en") -> str | None:
        return best_label(self.publisher_en, self.publisher_zh, lang, "") or None

    def as_dict(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "kind": self.kind,
            "title": self.title,
            "title_en": self.title_en,
            "date": self.date,
            "publisher": self.publisher("en"),
        }


@dataclass(frozen=True)
class Flow:
    """One funding flow: a claim that money goes from funder to recipient."""

    claim: str
    funder: Actor
    recipient: Actor
    instrument: dict[str, str | None]  # id, en, zh (a label may be None)
    kind: str
    source: str
    value: Decimal | None = None
    unit: str | None = None
    text: str | None = None
    hedge: str | None = None
    period: str | None = None

    @property
    def key(self) -> str:
        """Unique in the graph even if two sources used one claim id: the claim IRI's local name."""
        return f"{self.source}.{self.claim}"

    def instrument_name(self, lang: str = "en") -> str:
        return best_label(self.instrument["en"], self.instrument["zh"], lang, str(self.instrument["id"]))

    def amount(self) -> str:
        """The amount as written with its normalised value, or "" where the text gives none."""
        if self.value is None:
            return ""
        return f"{self.text} (= {self.value:,f} {self.unit})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim,
            "source": self.source,
            "funder": self.funder.as_dict(),
            "recipient": self.recipient.as_dict(),
            "instrument": self.instrument,
            "amount": None
            if self.value is None
            else {"value": str(self.value), "unit": self.unit, "text": self.text, "hedge": self.hedge},
            "period": self.period,
            "kind": self.kind,
        }


def actors(store: Store) -> dict[str, Actor]:
    """Every actor of the graph by id."""
    return {
        row["id"]: Actor(
            row["id"], row["en"], row["zh"], row["type"], tuple(filter(None, (row["aliases"] or "").split("|")))
        )
        for row in select(store, _ACTORS)
    }


def sources(store: Store) -> dict[str, SourceInfo]:
    """Every source of the graph by id (articles, reports, statements…), sorted by id."""
    titles: dict[str, dict[str, str]] = defaultdict(dict)
    found: dict[str, dict[str, Any]] = {}
    for row in select(store, _SOURCES):
        found.setdefault(row["id"], row)
        if row["title"] is not None:
            titles[row["id"]][row["titleLang"] or ""] = row["title"]
    result = {}
    for source_id, row in sorted(found.items()):
        by_lang = titles[source_id]
        english = by_lang.get("en")
        original = next((t for lang, t in by_lang.items() if lang != "en"), english)
        result[source_id] = SourceInfo(
            source_id,
            row["kind"],
            original,
            english,
            None if row["date"] is None else str(row["date"]),
            row["publisherEn"],
            row["publisherZh"],
        )
    return result


def check_sources(known: Collection[str], wanted: Iterable[str]) -> list[str]:
    """The wanted source ids in order, or UnknownSource listing the known ones (closest first)."""
    chosen = list(dict.fromkeys(wanted))
    missing = [s for s in chosen if s not in known]
    if missing:
        close = difflib.get_close_matches(missing[0], list(known), n=SOURCES_LISTED, cutoff=0.3)
        listed = list(dict.fromkeys([*close, *sorted(known)]))[:SOURCES_LISTED]
        more = f" and {len(known) - len(listed):,} more" if len(known) > len(listed) else ""
        names = ", ".join(repr(s) for s in missing)
        raise UnknownSource(
            f"no source {names} in the graph; known: {', '.join(listed)}{more}"
            if known
            else f"no source {names}: the graph holds no sources"
        )
    return chosen


def flows(
    store: Store,
    *,
    funder: str | None = None,
    recipient: str | None = None,
    source_ids: Collection[str] | None = None,
) -> list[Flow]:
    """Every funding flow, or those of one funder / recipient (actor ids) and of some sources, by claim id."""
    known = actors(store)
    bindings: dict[str, Any] = {}
    if funder:
        bindings["funderNode"] = NamedNode(actor_iri(funder))
    if recipient:
        bindings["recipientNode"] = NamedNode(actor_iri(recipient))
    # some sources: only their graphs beside the default graph are read (kg.store.select)
    graphs = None if source_ids is None else [graph_iri(source) for source in source_ids]
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
        for row in select(store, _FLOWS, bindings, graphs=graphs)
    ]
    return sorted(found, key=lambda f: (f.funder.id, f.recipient.id, f.claim, f.source))


def resolve_actor(known: dict[str, Actor], name: str) -> Actor:
    """The actor a person means by an id, an English or Chinese label or an alias, any case."""
    wanted = name.strip().casefold()
    for actor in known.values():
        if wanted in {n.casefold() for n in (actor.id, actor.en, actor.zh, *actor.aliases) if n}:
            return actor
    names = {n: a for a in known.values() for n in (a.id, a.en, a.zh, *a.aliases) if n}
    close = difflib.get_close_matches(name, list(names), n=5, cutoff=0.4)
    close += [n for n in names if wanted and wanted in n.casefold() and n not in close]
    suggestions = ", ".join(dict.fromkeys(f"{names[n].id} ({names[n].names()})" for n in close[:5]))
    raise UnknownActor(f"no actor named {name!r}" + (f"; closest: {suggestions}" if suggestions else ""))


def funding_graph(found: list[Flow]) -> nx.MultiDiGraph:
    """Actors as nodes, one edge per flow (keyed by :attr:`Flow.key`) from funder to recipient."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for flow in found:
        for actor in (flow.funder, flow.recipient):
            graph.add_node(actor.id, actor=actor)
        graph.add_edge(flow.funder.id, flow.recipient.id, key=flow.key, flow=flow)
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


def sources_between(graph: nx.MultiDiGraph, start: str, end: str) -> list[str]:
    """The ids of the sources whose flows lie on some path of money from ``start`` to ``end``, sorted."""
    import networkx as nx

    if start not in graph or end not in graph:
        return []
    ahead = nx.descendants(graph, start) | {start}
    behind = nx.ancestors(graph, end) | {end}
    return sorted({flow.source for u, v, flow in graph.edges(data="flow") if u in ahead and v in behind})


def iter_hops(path: list[Flow]) -> Iterator[str]:
    """One line per hop: funder → recipient, instrument, amount, period, claim and its source."""
    for flow in path:
        amount = flow.amount() or "amount not stated"
        period = f", {flow.period}" if flow.period else ""
        yield (
            f"{flow.funder.name()} → {flow.recipient.name()}: {flow.instrument_name()}, {amount}{period}"
            f" [{flow.claim} · {flow.source}]"
        )
