"""A figure → its claim → its quote in context → its source, and past it to the cited report.

A person names a figure however they met it: a claim id, the figure as written (``1091亿美元``),
a number with an English unit (``$109.1B``, ``5.8 GW``) or a word (``Stanford``, ``年金``).
:func:`trace` finds every claim that matches, best first, and :func:`evidence` gathers what
shows where each comes from. Only the store is read (no rdflib, no networkx): tracing is
something people do many times a day, so it must start fast.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pyoxigraph import Literal, NamedNode, Store

from kg.amounts import normalise, parse_amount
from kg.store import select
from kg.terms import PREFIXES

_DECIMAL = NamedNode(PREFIXES["xsd"] + "decimal")
VALUE_TOLERANCE = Decimal("0.005")  # a typed number matches a figure within 0.5 % (109.1 billion ~ 1091亿)
#: Longest figure a person may type: the longest figure as written in the data is 30 characters,
#: and every step of find() costs time in proportion to what was typed.
MAX_FIGURE_CHARS = 200
DEFAULT_LIMIT = 20  # matches traced in full; the others are counted


class TraceError(LookupError):
    """Nothing matches; the message names the closest figures."""


class FigureError(ValueError):
    """What was typed cannot name a figure (too long): one line saying why."""


@dataclass(frozen=True)
class Traced:
    """The evidence of the best matches, best first, and how many claims matched in all."""

    found: list[Evidence]
    matches: int


@dataclass
class Hit:
    """One claim that matches, with why it matched (higher score first)."""

    claim: str
    score: int
    reason: str
    quoted: bool = True  # from a text we ship; ranked before figures of reports we only locate


@dataclass
class Evidence:
    """Everything that shows where one claim comes from."""

    id: str
    iri: str
    sentence_en: str
    sentence_zh: str
    value: Decimal | None
    unit: str | None
    text: str | None
    hedge: str | None
    bounds: tuple[Decimal | None, Decimal | None]
    period: str | None
    period_start: str | None
    period_end: str | None
    kind: str
    status: str
    note: str | None
    subjects: list[dict[str, str]]
    metric: dict[str, str] | None
    start: int | None  # the figure's own characters in the source text
    end: int | None
    quote: str | None
    quote_start: int | None
    quote_end: int | None
    sentence: str | None
    sentence_start: int | None
    source: dict[str, Any]
    attributed_to: list[dict[str, Any]]
    flow: dict[str, Any] | None
    locator: dict[str, str] | None
    upstream: list[dict[str, Any]] = field(default_factory=list)
    sparql: str = ""

    def as_dict(self) -> dict[str, Any]:
        plain = dict(self.__dict__)
        plain["bounds"] = {"min": self.bounds[0], "max": self.bounds[1]}
        plain["upstream"] = [link | {"claim": link["claim"].as_dict()} for link in self.upstream]
        return plain


# find() runs in stages, each either a lookup of bound values or a scan of one property with
# its test pushed down into the store, so that only matches reach Python: one query per claim
# (a GROUP_CONCAT subquery joined to every claim) took 155 s on a corpus of 100,000 claims.
# The pushed-down tests are lower case and without spaces; Python then applies normalise().
_BY_ID = "SELECT ?claim ?id WHERE { ?claim a kg:Claim ; dcterms:identifier ?id }"
_BY_TEXT = "SELECT ?claim ?text WHERE { ?q kg:asWritten ?text . ?claim kg:quantity ?q }"
_BY_VALUE = """
SELECT ?claim ?value ?unit ?low ?high WHERE {
  ?q schema:value ?value . FILTER(?value >= ?low && ?value <= ?high)
  ?q kg:unitCode ?unit . ?claim kg:quantity ?q
}
"""
_TEXTS_CONTAINING = """
SELECT ?claim ?text ?needle WHERE {
  ?q kg:asWritten ?text . FILTER(CONTAINS(REPLACE(LCASE(?text), "\\\\s+", ""), ?needle))
  ?claim kg:quantity ?q
}
"""
_QUOTES_CONTAINING = """
SELECT ?claim ?word ?needle WHERE {
  { ?selector oa:exact ?word . FILTER(CONTAINS(REPLACE(LCASE(?word), "\\\\s+", ""), ?needle))
    ?claim kg:evidence/oa:hasSelector ?selector }
  UNION
  { ?locator kg:quote ?word . FILTER(CONTAINS(REPLACE(LCASE(?word), "\\\\s+", ""), ?needle))
    ?claim kg:evidence ?locator }
}
"""
# Names of actors, concepts and sources are few: read them all and match them in Python.
_NAMES = """
SELECT ?thing ?word ?role WHERE {
  { ?thing a kg:Actor ; rdfs:label|skos:altLabel ?word . BIND("thing" AS ?role) }
  UNION { ?thing a skos:Concept ; rdfs:label ?word . BIND("thing" AS ?role) }
  UNION { ?thing a kg:Source ; dcterms:title ?word . BIND("source" AS ?role) }
  UNION { ?thing a kg:Source ; dcterms:publisher/rdfs:label ?word . BIND("source" AS ?role) }
}
"""
_BY_THING = """
SELECT ?claim WHERE { VALUES ?thing { %s } ?claim kg:subject|kg:funder|kg:recipient|kg:metric|kg:instrument ?thing }
"""
_BY_CITED = "SELECT ?claim WHERE { VALUES ?thing { %s } ?claim kg:attributedTo ?thing }"
_CLAIM_IDS = """
SELECT ?claim ?id ?document WHERE {
  VALUES ?claim { %s } ?claim dcterms:identifier ?id . OPTIONAL { ?claim prov:wasQuotedFrom ?document }
}
"""


def find(store: Store, wanted: str) -> list[Hit]:
    """Claims that match what a person typed, best first; FigureError if it is too long to be a figure."""
    wanted = wanted.strip()
    if not wanted:
        return []
    if len(wanted) > MAX_FIGURE_CHARS:
        raise FigureError(
            f"a figure, claim id or word has at most {MAX_FIGURE_CHARS} characters; this one has {len(wanted):,}"
        )
    key, amount = normalise(wanted), parse_amount(wanted)
    scores: dict[str, tuple[int, str]] = {}  # claim IRI → best score and its reason

    def keep(claim: str, score: int, reason: str) -> None:
        if claim not in scores or scores[claim][0] < score:
            scores[claim] = (score, reason)

    for row in select(store, _BY_ID, {"id": Literal(wanted)}):
        keep(row["claim"], 100, "claim id")
    if scores:
        # a claim id names one claim: the scans for lookalikes below would only add noise (and
        # cost 1 s at 100,000 claims)
        return _hits(store, scores)
    for text in dict.fromkeys((wanted, key)):
        for row in select(store, _BY_TEXT, {"text": Literal(text)}):
            keep(row["claim"], 90, "figure as written")
    if amount:
        for row in _rows_of_value(store, amount[0]):
            if _same_amount(amount, row["value"], row["unit"]):
                keep(row["claim"], 80 if amount[1] else 70, "same value" + (" and unit" if amount[1] else ""))
    if len(key) > 1:
        for row in select(store, _TEXTS_CONTAINING, {"needle": Literal(key)}):
            written = normalise(row["text"])
            if written == key:
                keep(row["claim"], 90, "figure as written")
            elif key in written:
                keep(row["claim"], 60, "part of the figure as written")
    if not amount:
        for claim in _claims_naming(store, key):
            keep(claim, 40, "word in its subjects, metric, source or quote")
    return _hits(store, scores)


def _hits(store: Store, scores: dict[str, tuple[int, str]]) -> list[Hit]:
    """Hits for claim IRIs with their scores, best first, quoted figures before located ones."""
    hits = []
    if scores:
        for row in select(store, _CLAIM_IDS % _iris(scores)):
            score, reason = scores[row["claim"]]
            hits.append(Hit(row["id"], score, reason, row["document"] is not None))
    return sorted(hits, key=lambda h: (-h.score, not h.quoted, h.claim))


def _rows_of_value(store: Store, wanted: Decimal) -> list[dict[str, Any]]:
    """Quantities whose value lies within VALUE_TOLERANCE of ``wanted`` (a little wider; exact test after)."""
    spread = abs(wanted) * VALUE_TOLERANCE * 2
    low, high = (Literal(format(v, "f"), datatype=_DECIMAL) for v in (wanted - spread, wanted + spread))
    return list(select(store, _BY_VALUE, {"low": low, "high": high}))


def _claims_naming(store: Store, key: str) -> set[str]:
    """Claims whose subjects, funder, recipient, metric, instrument, cited source or quote contain ``key``."""
    found = {row["claim"] for row in select(store, _QUOTES_CONTAINING, {"needle": Literal(key)})}
    things: dict[str, set[str]] = {"thing": set(), "source": set()}
    for row in select(store, _NAMES):
        if key in normalise(row["word"]):
            things[row["role"]].add(row["thing"])
    for query, role in ((_BY_THING, "thing"), (_BY_CITED, "source")):
        if things[role]:
            found |= {row["claim"] for row in select(store, query % _iris(things[role]))}
    return found


def _iris(iris: Iterable[str]) -> str:
    """IRIs read from the store (never text a person typed), for a VALUES block."""
    return " ".join(str(NamedNode(iri)) for iri in sorted(iris))


def _same_amount(amount: tuple[Decimal, str | None], value: Decimal | None, unit: str | None) -> bool:
    wanted, wanted_unit = amount
    if value is None or (wanted_unit and wanted_unit != unit):
        return False
    if value == 0:
        return wanted == 0
    return abs(wanted - value) <= abs(value) * VALUE_TOLERANCE


_WRITTEN = "SELECT DISTINCT ?text WHERE { ?q kg:asWritten ?text }"


def closest(store: Store, wanted: str, n: int = 5) -> list[str]:
    """Figures as written that look most like what was typed, for a 'did you mean'."""
    written = sorted(row["text"] for row in select(store, _WRITTEN))
    return difflib.get_close_matches(wanted, written, n=n, cutoff=0.3)


_DETAILS = """
SELECT ?claim ?id ?kind ?kindZh ?status ?note ?source ?metric ?metricEn ?metricZh ?value ?unit ?text ?hedge
       ?min ?max ?start ?end ?period ?periodStart ?periodEnd ?quote ?quoteStart ?quoteEnd
       ?funder ?recipient ?instrument ?page ?figure ?section ?url ?locatorQuote WHERE {
  ?claim dcterms:identifier ?id ; kg:kind ?kindNode ; kg:status/rdfs:label ?status ;
         dcterms:source/dcterms:identifier ?source .
  ?kindNode rdfs:label ?kind, ?kindZh . FILTER(LANG(?kind) = "en" && LANG(?kindZh) = "zh")
  FILTER(LANG(?status) = "en")
  OPTIONAL { ?claim skos:editorialNote ?note }
  OPTIONAL { ?claim kg:metric/dcterms:identifier ?metric }
  # a name met in one language has one label: each is looked for on its own
  OPTIONAL { ?claim kg:metric/skos:prefLabel ?metricEn . FILTER(LANG(?metricEn) = "en") }
  OPTIONAL { ?claim kg:metric/skos:prefLabel ?metricZh . FILTER(LANG(?metricZh) = "zh") }
  OPTIONAL { ?claim kg:quantity ?q . ?q schema:value ?value ; kg:unitCode ?unit ; kg:asWritten ?text ;
             kg:hedge/rdfs:label ?hedge . FILTER(LANG(?hedge) = "en") }
  # Every OPTIONAL starts from ?claim, none is nested: Oxigraph evaluates a nested OPTIONAL on
  # its own (every kg:start of the graph) and joins after, 1.5 s per claim at 100,000 claims.
  OPTIONAL { ?claim kg:quantity/schema:minValue ?min } OPTIONAL { ?claim kg:quantity/schema:maxValue ?max }
  OPTIONAL { ?claim kg:quantity/kg:start ?start ; kg:quantity/kg:end ?end }
  OPTIONAL { ?claim kg:period/rdfs:label ?period }
  OPTIONAL { ?claim kg:period/kg:startDate ?periodStart } OPTIONAL { ?claim kg:period/kg:endDate ?periodEnd }
  OPTIONAL { ?claim kg:evidence/oa:hasSelector ?position, ?selector .
             ?position oa:start ?quoteStart ; oa:end ?quoteEnd . ?selector oa:exact ?quote }
  OPTIONAL { ?claim kg:funder/dcterms:identifier ?funder ; kg:recipient/dcterms:identifier ?recipient ;
                    kg:instrument/dcterms:identifier ?instrument }
  OPTIONAL { ?claim kg:evidence/kg:page ?page } OPTIONAL { ?claim kg:evidence/kg:figure ?figure }
  OPTIONAL { ?claim kg:evidence/kg:section ?section }
  OPTIONAL { ?claim kg:evidence ?locator . ?locator a kg:Locator ; schema:url ?url }
  OPTIONAL { ?claim kg:evidence/kg:quote ?locatorQuote }
}
"""

_LABELS = """
SELECT ?claim ?role ?id ?en ?zh WHERE {
  { ?claim kg:subject ?node . BIND("subject" AS ?role) }
  UNION { ?claim kg:funder ?node . BIND("funder" AS ?role) }
  UNION { ?claim kg:recipient ?node . BIND("recipient" AS ?role) }
  UNION { ?claim kg:instrument ?node . BIND("instrument" AS ?role) }
  ?node dcterms:identifier ?id .
  # a name met in one language has one label: the other falls back to it, then to the id
  OPTIONAL { ?node rdfs:label ?enLabel . FILTER(LANG(?enLabel) = "en") }
  OPTIONAL { ?node rdfs:label ?zhLabel . FILTER(LANG(?zhLabel) = "zh") }
  BIND(COALESCE(?enLabel, ?zhLabel, ?id) AS ?en)
  BIND(COALESCE(?zhLabel, ?enLabel, ?id) AS ?zh)
}
"""

_SOURCE = """
SELECT ?source ?id ?kind ?title ?titleEn ?publisher ?publisherZh ?author ?date ?language ?sha256 ?url ?text WHERE {
  ?source dcterms:identifier ?id ; a ?class .
  ?class rdfs:subClassOf kg:Source ; rdfs:label ?kind . FILTER(LANG(?kind) = "en")
  OPTIONAL { ?source dcterms:title ?title . FILTER(LANG(?title) != "en" || NOT EXISTS {
             ?source dcterms:title ?other . FILTER(LANG(?other) != "en") }) }
  OPTIONAL { ?source dcterms:title ?titleEn . FILTER(LANG(?titleEn) = "en") }
  OPTIONAL { ?source dcterms:publisher/rdfs:label ?publisher . FILTER(LANG(?publisher) = "en") }
  OPTIONAL { ?source dcterms:publisher/rdfs:label ?publisherZh . FILTER(LANG(?publisherZh) = "zh") }
  OPTIONAL { ?source dc:creator ?author }
  OPTIONAL { ?source dcterms:date ?date }
  OPTIONAL { ?source dcterms:language ?language }
  OPTIONAL { ?source kg:sha256 ?sha256 }
  OPTIONAL { ?source schema:url ?url }
  OPTIONAL { ?source schema:text ?text }
}
"""

_ATTRIBUTED = "SELECT ?claim ?cited WHERE { ?claim kg:attributedTo/dcterms:identifier ?cited }"


def _one(store: Store, query: str, node: NamedNode) -> list[dict[str, Any]]:
    """Rows of a query about one claim (its ?claim bound, never pasted into the text)."""
    return list(select(store, query, {"claim": node}))


def _claim_node(store: Store, claim_id: str) -> NamedNode | None:
    rows = list(
        select(
            store, "SELECT ?id ?claim WHERE { ?claim a kg:Claim ; dcterms:identifier ?id }", {"id": Literal(claim_id)}
        )
    )
    return NamedNode(rows[0]["claim"]) if rows else None


def source_record(store: Store, source_id: str) -> dict[str, Any]:
    """A source's metadata (and its text, where shipped) by id."""
    rows = list(select(store, _SOURCE, {"id": Literal(source_id)}))
    if not rows:
        return {"id": source_id}
    row = rows[0]
    return {
        "id": source_id,
        "kind": row["kind"],
        "title": row["title"] or row["titleEn"],
        "title_en": row["titleEn"],
        "publisher": row["publisher"] or row["publisherZh"],
        "publisher_zh": row["publisherZh"] or row["publisher"],
        "author": row["author"],
        "date": row["date"],
        "language": row["language"],
        "sha256": row["sha256"],
        "url": row["url"],
        "text": row["text"],
    }


def evidence(store: Store, claim_id: str, *, with_upstream: bool = True) -> Evidence:
    """Everything that shows where a claim comes from: quote in its sentence, source, attribution."""
    node = _claim_node(store, claim_id)
    if node is None:
        raise TraceError(f"no claim with id {claim_id!r}")
    row = _one(store, _DETAILS, node)[0]
    labels = _one(store, _LABELS, node)
    by_role: dict[str, list[dict[str, str]]] = {}
    for label in labels:
        by_role.setdefault(label["role"], []).append({"id": label["id"], "en": label["en"], "zh": label["zh"]})
    source = source_record(store, row["source"])
    text = source.pop("text", None)
    attributed = [source_record(store, r["cited"]) for r in _one(store, _ATTRIBUTED, node)]
    for cited in attributed:
        cited.pop("text", None)
    sentence, sentence_start = _sentence(text, row["quoteStart"], row["quoteEnd"])
    flow = None
    if row["funder"]:
        flow = {
            "funder": by_role["funder"][0],
            "recipient": by_role["recipient"][0],
            "instrument": by_role["instrument"][0],
        }
    locator = None
    if any(row[k] for k in ("page", "figure", "section", "url")):
        locator = {k: row[v] for k, v in (("page", "page"), ("figure", "figure"), ("section", "section"),
                                            ("url", "url"), ("quote", "locatorQuote")) if row[v]}  # fmt: skip
    found = Evidence(
        id=claim_id,
        iri=node.value,
        sentence_en="",
        sentence_zh="",
        value=row["value"],
        unit=row["unit"],
        text=row["text"],
        hedge=row["hedge"],
        bounds=(row["min"], row["max"]),
        period=row["period"],
        period_start=row["periodStart"],
        period_end=row["periodEnd"],
        kind=row["kind"],
        status=row["status"],
        note=row["note"],
        subjects=sorted(by_role.get("subject", []), key=lambda s: s["id"]),
        metric=_named(row["metric"], row["metricEn"], row["metricZh"]) if row["metric"] else None,
        start=row["start"],
        end=row["end"],
        quote=row["quote"],
        quote_start=row["quoteStart"],
        quote_end=row["quoteEnd"],
        sentence=sentence,
        sentence_start=sentence_start,
        source=source,
        attributed_to=attributed,
        flow=flow,
        locator=locator,
        sparql=claim_query(node.value),
    )
    found.sentence_en, found.sentence_zh = _sentences(found, row["kindZh"])
    if with_upstream:
        from kg.check import upstream_verdicts

        for judged in upstream_verdicts(store, claim_id):
            upstream = evidence(store, judged.upstream, with_upstream=False)
            found.upstream.append(
                {"how": judged.how, "verdict": judged.verdict, "compared": judged.message, "claim": upstream}
            )
    return found


def _named(id_: str, en: str | None, zh: str | None) -> dict[str, str]:
    """An id with its names; a name met in one language stands in for the other."""
    return {"id": id_, "en": en or zh or id_, "zh": zh or en or id_}


def trace(store: Store, wanted: str) -> list[Evidence]:
    """The evidence of every claim that matches, best first; TraceError with suggestions if none."""
    return trace_best(store, wanted, limit=None).found


def trace_best(store: Store, wanted: str, *, limit: int | None = DEFAULT_LIMIT) -> Traced:
    """The evidence of the ``limit`` best matches (all with None), and how many matched.

    A figure in a large corpus can match hundreds of claims (every value within 0.5 %); each
    claim's evidence costs ~10 ms, so only the best are traced in full and the others counted.
    """
    hits = find(store, wanted)
    if not hits:
        suggestions = closest(store, wanted)
        hint = f"; closest figures: {', '.join(suggestions)}" if suggestions else ""
        raise TraceError(f"nothing in the graph matches {wanted!r}{hint}")
    best = hits if limit is None else hits[:limit]
    return Traced([evidence(store, hit.claim) for hit in best], len(hits))


_SENTENCE_END = re.compile(r"[。！？!?；;\n]|\.(?=\s)")


def _sentence(text: str | None, start: int | None, end: int | None) -> tuple[str | None, int | None]:
    """The sentence around characters [start, end) of a text, and where it starts."""
    if text is None or start is None or end is None:
        return None, None
    first = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        first = match.end()
    following = _SENTENCE_END.search(text, end)
    last = following.end() if following else len(text)
    while first < start and text[first].isspace():
        first += 1
    return text[first:last].rstrip(), first


def _sentences(claim: Evidence, kind_zh: str) -> tuple[str, str]:
    """The claim said in one English and one Chinese sentence."""
    subjects_en = " and ".join(s["en"] for s in claim.subjects)
    subjects_zh = "、".join(s["zh"] for s in claim.subjects)
    by_en = "; ".join(a.get("title_en") or a.get("title") or a["id"] for a in claim.attributed_to)
    by_zh = "；".join(a.get("title") or a["id"] for a in claim.attributed_to)
    period_en = f" for {claim.period}" if claim.period else ""
    period_zh = f"（{claim.period}）" if claim.period else ""
    if claim.value is not None and claim.metric:
        amount = f"{_plain_number(claim.value)} {claim.unit}"
        hedge = "" if claim.hedge in (None, "unhedged") else f"{claim.hedge} "
        english = f"{subjects_en}: {claim.metric['en']}{period_en} is {hedge}{amount} ({claim.kind})"
        chinese = f"{subjects_zh}：{claim.metric['zh']}{period_zh}为{claim.text}（{kind_zh}）"
    else:
        english, chinese = f"{subjects_en}{period_en} ({claim.kind})", f"{subjects_zh}{period_zh}（{kind_zh}）"
    if claim.flow:
        flow = claim.flow
        english += f"; {flow['funder']['en']} funds {flow['recipient']['en']} through {flow['instrument']['en']}"
        chinese += f"；{flow['funder']['zh']}通过{flow['instrument']['zh']}资助{flow['recipient']['zh']}"
    if by_en:
        english += f", according to {by_en}"
        chinese += f"，据{by_zh}"
    return english + ".", chinese + "。"


def _plain_number(value: Decimal) -> str:
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def claim_query(iri: str) -> str:
    """A SPARQL query that fetches one claim's figure, period, kind and quote from the graph."""
    local = iri.removeprefix(PREFIXES["claim"])
    name = f"claim:{local}" if re.fullmatch(r"[\w.-]*[\w-]", local) else f"<{iri}>"
    return (
        "SELECT ?text ?value ?unit ?period ?kind ?quote WHERE {\n"
        f"  {name} kg:quantity ?q ; kg:kind ?kind .\n"
        "  ?q kg:asWritten ?text ; schema:value ?value ; qudt:hasUnit ?unit .\n"
        f"  OPTIONAL {{ {name} kg:period/rdfs:label ?period }}\n"
        f"  OPTIONAL {{ {name} kg:evidence/oa:hasSelector/oa:exact ?quote }}\n"
        "}"
    )


def highlighted(found: Evidence, *, colour: bool) -> str:
    """The quote inside its sentence, the figure marked: bold yellow on a terminal, «» otherwise."""
    if found.sentence is None or found.sentence_start is None:
        return found.quote or (found.locator or {}).get("quote", "")
    start, end = found.start, found.end
    if start is None or end is None:
        start, end = found.quote_start, found.quote_end
    assert start is not None and end is not None
    offset = found.sentence_start
    before, figure, after = (
        found.sentence[: start - offset],
        found.sentence[start - offset : end - offset],
        found.sentence[end - offset :],
    )
    return f"{before}\x1b[1;33m{figure}\x1b[0m{after}" if colour else f"{before}«{figure}»{after}"


def render(found: Evidence, *, colour: bool) -> str:
    """One traced claim as text for a terminal."""
    lines = [
        f"{found.text or found.id}  [{found.id}]",
        f"  en      {found.sentence_en}",
        f"  zh      {found.sentence_zh}",
    ]
    if found.value is not None:
        low, high = found.bounds
        bounds = ", ".join(
            b for b in (f"≥ {low}" if low is not None else "", f"≤ {high}" if high is not None else "") if b
        )
        lines.append(
            f"  value   {_plain_number(found.value)} {found.unit}  (as written {found.text}; hedge {found.hedge}"
            + (f"; bounds {bounds})" if bounds else ")")
        )
    period = (
        f"{found.period} ({found.period_start or '…'} – {found.period_end or '…'})" if found.period else "not stated"
    )
    lines.append(f"  period  {period};  kind {found.kind};  status {found.status}")
    if found.quote is not None:
        lines.append(f"  quote   {highlighted(found, colour=colour)}")
        figure = f"figure [{found.start}, {found.end}), " if found.start is not None else ""
        lines.append(f"  offsets {figure}quote [{found.quote_start}, {found.quote_end}) in Unicode code points")
    if found.locator:
        lines.append("  where   " + ", ".join(f"{k} {v}" for k, v in found.locator.items()))
    source = found.source
    described = ", ".join(
        str(x)
        for x in (source.get("publisher_zh") or source.get("publisher"), source.get("author"), source.get("date"))
        if x
    )
    lines.append(f"  source  {source.get('title')} ({described})")
    if source.get("sha256"):
        lines.append(f"  sha256  {source['sha256']}")
    if found.attributed_to:
        names = "; ".join(f"{a.get('title')} ({a.get('publisher') or a['id']})" for a in found.attributed_to)
        lines.append(f"  says    {names}")
    else:
        lines.append("  says    the source itself (it names no other source for this figure)")
    if found.flow:
        flow = found.flow
        lines.append(f"  flow    {flow['funder']['en']} → {flow['recipient']['en']} ({flow['instrument']['en']})")
    if found.note:
        lines.append(f"  note    {found.note}")
    for link in found.upstream:
        upstream: Evidence = link["claim"]
        report = upstream.source
        lines.append(f"  traced  {report.get('title')} ({report.get('publisher') or report['id']}): {upstream.text}")
        where = ", ".join(f"{k} {v}" for k, v in (upstream.locator or {}).items() if k != "quote")
        lines.append(f"          where {where or 'not located'}  [{upstream.id}, {upstream.status}]")
        if upstream.note:
            lines.append(f"          note  {upstream.note}")
        lines.append(f"          verdict  {link['verdict']}: {link['compared']}")
    lines.append("  sparql  " + found.sparql.replace("\n", "\n          "))
    return "\n".join(lines)
