"""Every figure of the built graph: as records for tables, CSV and JSON, and as :class:`Figure` for the checks.

The records of ``kg figures`` are read back from the graph with one SPARQL query, so what it lists
is what the graph holds, not what the YAML said. A :class:`Figure` holds ids and exact values, what
the checks and comparisons need: the build makes them from the claims with the graph
(:func:`figure_of`), and :func:`read_figures` reads the same from a store.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Store

from kg.models import Claim, Span
from kg.store import select
from kg.terms import PREFIXES, graph_iri

FIGURE_FIELDS = (
    "id",
    "value",
    "min",
    "max",
    "unit",
    "text",
    "hedge",
    "period",
    "subject",
    "subjects",
    "metric",
    "kind",
    "attributed_to",
    "source",
    "start",
    "end",
    "quote",
    "quote_start",
    "quote_end",
)

_FIGURES = """
SELECT ?id ?value ?min ?max ?unit ?text ?hedge ?period ?metric ?kind ?source ?start ?end
       ?quote ?quoteStart ?quoteEnd
       (GROUP_CONCAT(DISTINCT ?subjectId; separator="|") AS ?subjectIds)
       (GROUP_CONCAT(DISTINCT ?subjectLabel; separator="|") AS ?subjectLabels)
       (GROUP_CONCAT(DISTINCT ?citedId; separator="|") AS ?citedIds)
WHERE {
  ?claim a kg:Claim ; dcterms:identifier ?id ; kg:quantity ?q ; kg:kind/rdfs:label ?kind ;
         dcterms:source/dcterms:identifier ?source ; kg:subject ?subject .
  FILTER(LANG(?kind) = "en")
  ?subject dcterms:identifier ?subjectId .
  # the English name where there is one, else the Chinese (a name met in one language has one)
  OPTIONAL { ?subject rdfs:label ?en . FILTER(LANG(?en) = "en") }
  OPTIONAL { ?subject rdfs:label ?zh . FILTER(LANG(?zh) = "zh") }
  BIND(COALESCE(?en, ?zh, ?subjectId) AS ?subjectLabel)
  ?q schema:value ?value ; kg:unitCode ?unit ; kg:asWritten ?text ; kg:hedge/rdfs:label ?hedge .
  FILTER(LANG(?hedge) = "en")
  OPTIONAL { ?q schema:minValue ?min }
  OPTIONAL { ?q schema:maxValue ?max }
  OPTIONAL { ?q kg:start ?start ; kg:end ?end }
  OPTIONAL { ?claim kg:metric/dcterms:identifier ?metric }
  OPTIONAL { ?claim kg:period/rdfs:label ?period }
  OPTIONAL { ?claim kg:attributedTo/dcterms:identifier ?citedId }
  OPTIONAL {
    ?claim kg:evidence/oa:hasSelector ?position, ?quoteSelector .
    ?position oa:start ?quoteStart ; oa:end ?quoteEnd .
    ?quoteSelector oa:exact ?quote .
  }
}
GROUP BY ?id ?value ?min ?max ?unit ?text ?hedge ?period ?metric ?kind ?source ?start ?end
         ?quote ?quoteStart ?quoteEnd
"""


def sources_with_claims(store: Store) -> set[str]:
    """The ids of the sources whose claims the store holds: its named graphs but the findings'."""
    namespace = PREFIXES["graph"]
    ids = {g.value.removeprefix(namespace) for g in store.named_graphs() if isinstance(g, NamedNode)}
    return ids - {"findings"}  # kg.build.FINDINGS_GRAPH (not imported: kg.build is heavy)


def _split(joined: str | None) -> list[str]:
    return sorted(joined.split("|")) if joined else []


def figures(store: Store, sources: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """One record per figure (of ``sources`` only, if given), ordered by source and position.

    Decimals stay :class:`Decimal`.
    """
    graphs = None if sources is None else [graph_iri(source) for source in sources]
    records = []
    for row in select(store, _FIGURES, graphs=graphs):
        records.append(
            {
                "id": row["id"],
                "value": row["value"],
                "min": row["min"],
                "max": row["max"],
                "unit": row["unit"],
                "text": row["text"],
                "hedge": row["hedge"],
                "period": row["period"],
                "subject": "; ".join(_split(row["subjectLabels"])),
                "subjects": _split(row["subjectIds"]),
                "metric": row["metric"],
                "kind": row["kind"],
                "attributed_to": _split(row["citedIds"]),
                "source": row["source"],
                "start": row["start"],
                "end": row["end"],
                "quote": row["quote"],
                "quote_start": row["quoteStart"],
                "quote_end": row["quoteEnd"],
            }
        )
    records.sort(key=lambda r: (r["source"], r["start"] if r["start"] is not None else -1, r["id"]))
    return records


# ---------------------------------------------------------------------------------------------
# Figures as the checks and comparisons need them: ids and exact values, no labels


@dataclass(frozen=True)
class Figure:
    """One figure with what the checks compare: value and hedge, subject, metric, period, sources."""

    id: str
    value: Decimal
    unit: str
    text: str
    hedge: str  # the hedge's notation: none, about, nearly, more-than, at-least, up-to, range
    low: Decimal | None
    high: Decimal | None
    metric: str | None
    period: str | None
    subjects: tuple[str, ...]
    formula: str | None
    share_of: str | None
    quote: str | None
    period_start: str | None = None  # ISO dates; None where open or not stated
    period_end: str | None = None
    status: str = "reviewed"
    source: str | None = None
    kind: str = "fact"
    rank: str = "normal"
    rank_reason: str | None = None  # why a curator preferred or deprecated it
    attributed_to: tuple[str, ...] = ()
    upstream: tuple[tuple[str, str], ...] = ()  # (claim id, how) of the figures it rests on

    def as_json(self) -> dict[str, Any]:
        plain = {k: v for k, v in self.__dict__.items() if v not in (None, (), "")}
        for key in ("value", "low", "high"):
            if key in plain:
                plain[key] = str(plain[key])
        return plain

    @classmethod
    def from_json(cls, plain: dict[str, Any]) -> Figure:
        fields: dict[str, Any] = dict.fromkeys(("low", "high", "metric", "period", "formula", "share_of", "quote"))
        fields |= {"subjects": (), **plain, "upstream": tuple((c, h) for c, h in plain.get("upstream", ()))}
        fields |= {k: Decimal(plain[k]) for k in ("value", "low", "high") if k in plain}
        fields |= {k: tuple(plain[k]) for k in ("subjects", "attributed_to") if k in plain}
        return cls(**fields)


def figure_of(source: str, claim: Claim) -> Figure | None:
    """A claim's figure as the checks read it, made from the claim itself (None where it states no figure).

    The build makes these with the graph, from the same claims, so that the checks of a large
    corpus read a table instead of querying every claim again.
    """
    quantity = claim.quantity
    if quantity is None:
        return None
    low, high = quantity.bounds()
    start, end = claim.period.start_end() if claim.period else (None, None)
    return Figure(
        id=claim.id,
        value=quantity.value,
        unit=quantity.unit,
        text=quantity.text,
        hedge=quantity.hedge,
        low=low,
        high=high,
        metric=claim.metric,
        period=claim.period.label if claim.period else None,
        subjects=tuple(sorted(claim.subjects)),
        formula=claim.formula,
        share_of=claim.share_of,
        quote=claim.evidence.quote if isinstance(claim.evidence, Span) else None,
        period_start=start.isoformat() if start else None,
        period_end=end.isoformat() if end else None,
        status=claim.status,
        source=source,
        kind=claim.kind,
        rank=claim.rank,
        rank_reason=claim.rank_reason,
        attributed_to=tuple(sorted(claim.attributed_to)),
        upstream=tuple((u.claim, u.how) for u in claim.derived_from),
    )


_FIGURE_ROWS = """
SELECT ?id ?value ?unit ?text ?hedge ?min ?max ?metric ?period ?periodStart ?periodEnd ?formula ?whole ?quote
       ?status ?source ?kind ?rank (GROUP_CONCAT(DISTINCT ?subject; separator=" ") AS ?subjects)
       (GROUP_CONCAT(DISTINCT ?cited; separator=" ") AS ?attributed) WHERE {
  ?claim a kg:Claim ; dcterms:identifier ?id ; kg:quantity ?q ; kg:status/skos:notation ?status ;
         dcterms:source/dcterms:identifier ?source ; kg:kind/skos:notation ?kind ; kg:rank/skos:notation ?rank .
  ?q schema:value ?value ; kg:unitCode ?unit ; kg:asWritten ?text ; kg:hedge/skos:notation ?hedge .
  OPTIONAL { ?claim kg:quantity/schema:minValue ?min } OPTIONAL { ?claim kg:quantity/schema:maxValue ?max }
  OPTIONAL { ?claim kg:metric/dcterms:identifier ?metric }
  # not nested: Oxigraph evaluates a nested OPTIONAL over the whole graph before joining it
  OPTIONAL { ?claim kg:period/rdfs:label ?period }
  OPTIONAL { ?claim kg:period/kg:startDate ?periodStart } OPTIONAL { ?claim kg:period/kg:endDate ?periodEnd }
  OPTIONAL { ?claim kg:formula ?formula }
  OPTIONAL { ?claim kg:shareOf/dcterms:identifier ?whole }
  OPTIONAL { ?claim kg:evidence/oa:hasSelector/oa:exact ?quote }
  OPTIONAL { ?claim kg:subject/dcterms:identifier ?subject }
  OPTIONAL { ?claim kg:attributedTo/dcterms:identifier ?cited }
} GROUP BY ?id ?value ?unit ?text ?hedge ?min ?max ?metric ?period ?periodStart ?periodEnd ?formula ?whole ?quote
         ?status ?source ?kind ?rank
"""
_UPSTREAM = """
SELECT ?id ?upstream ?how WHERE {
  ?claim dcterms:identifier ?id ; kg:upstream ?link .
  ?link kg:upstreamClaim/dcterms:identifier ?upstream ; kg:derivation/skos:notation ?how .
}
"""
# apart from _FIGURE_ROWS: only ranked claims have a reason, and one more OPTIONAL there costs every claim
_RANK_REASONS = "SELECT ?id ?reason WHERE { ?claim kg:rankReason ?reason ; dcterms:identifier ?id }"
_CLAIM_BY_ID = "SELECT ?claim ?id WHERE { ?claim dcterms:identifier ?id ; a kg:Claim }"


def read_figures(store: Store, ids: Iterable[str] | None = None) -> dict[str, Figure]:
    """Every figure of the graph by claim id, read from the store (or only those of ``ids``)."""
    if ids is None:
        rows: Iterable[dict[str, Any]] = select(store, _FIGURE_ROWS)
        links: Iterable[dict[str, Any]] = select(store, _UPSTREAM)
        reasons: Iterable[dict[str, Any]] = select(store, _RANK_REASONS)
    else:
        # by the claim's IRI, so that every OPTIONAL starts from a constant: bound by its id only,
        # Oxigraph evaluated each OPTIONAL over the whole graph (1 s a claim at 10,000 claims)
        iris = [NamedNode(r["claim"]) for claim in ids for r in select(store, _CLAIM_BY_ID, {"id": Literal(claim)})]
        rows = (row for iri in iris for row in select(store, _FIGURE_ROWS, {"claim": iri}))
        links = (link for iri in iris for link in select(store, _UPSTREAM, {"claim": iri}))
        reasons = (reason for iri in iris for reason in select(store, _RANK_REASONS, {"claim": iri}))
    upstream: dict[str, list[tuple[str, str]]] = {}
    for link in links:
        upstream.setdefault(link["id"], []).append((link["upstream"], link["how"]))
    why = {reason["id"]: reason["reason"] for reason in reasons}
    return {
        row["id"]: Figure(
            id=row["id"],
            value=row["value"],
            unit=row["unit"],
            text=row["text"],
            hedge=row["hedge"],
            low=row["min"],
            high=row["max"],
            metric=row["metric"],
            period=row["period"],
            subjects=tuple(sorted((row["subjects"] or "").split())),
            formula=row["formula"],
            share_of=row["whole"],
            quote=row["quote"],
            period_start=row["periodStart"],
            period_end=row["periodEnd"],
            status=row["status"],
            source=row["source"],
            kind=row["kind"],
            rank=row["rank"],
            rank_reason=why.get(row["id"]),
            attributed_to=tuple(sorted((row["attributed"] or "").split())),
            upstream=tuple(sorted(upstream.get(row["id"], []))),
        )
        for row in rows
    }


def recorded_figures(build_dir: Path) -> dict[str, Figure] | None:
    """Every figure of the current build by claim id, from the table the build keeps for its checks.

    The same figures as :func:`read_figures`, without querying the store: at 10,000 claims 0.3 s
    instead of 20 s. None where the build has none.
    """
    from kg.buildfolder import current
    from kg.recheck import State, figure_of_row

    generation = current(build_dir)
    state = State.read(generation) if generation is not None else None
    if state is None:
        return None
    return {figure.id: figure for rows in state.figures.values() for figure in map(figure_of_row, rows)}


# ---------------------------------------------------------------------------------------------
# The keys a check or comparison depends on: only a figure with that key can change its findings


def topic_scope(subjects: tuple[str, ...], metric: str | None, period: str | None) -> tuple[str, ...]:
    """One subject, metric and period (what kg compare sets side by side; kg check's conflicts)."""
    return ("topic", "|".join(subjects), metric or "", period or "")


def subject_scope(figure: Figure) -> tuple[str, ...]:
    """One subject and metric over its periods (the same number for another period)."""
    return ("subject", "|".join(figure.subjects), figure.metric or "")


def period_scope(metric: str | None, period: str | None) -> tuple[str, ...]:
    """One metric in one period over its subjects (the same number of others; a group and its members)."""
    return ("period", metric or "", period or "")


def scopes_of(figure: Figure) -> list[tuple[str, ...]]:
    """Every key whose checks and comparisons a change of this figure can change."""
    keys: list[tuple[str, ...]] = [("figure", figure.id), ("upstream", figure.id)]
    keys += [("upstream", u) for u, _ in figure.upstream]
    if figure.share_of:
        keys.append(("share", figure.share_of, figure.period or ""))
    if figure.metric:
        keys += [topic_scope(figure.subjects, figure.metric, figure.period), subject_scope(figure)]
        keys.append(period_scope(figure.metric, figure.period))
    return keys
