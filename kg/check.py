"""Check the built graph: SHACL shapes, spans and hashes, arithmetic, conflicts, dangling references.

Every check yields :class:`Finding` items with a status: ``pass``, ``warn`` or ``fail``. A fail is
an integrity problem (the graph is wrong about its own sources); a warn is something a reader
should know about the article (its figures don't add up, or contradict each other).

Arithmetic is data, not code: a claim's ``kg:formula`` says how its figure follows from others,
and its hedge says how close it must be:

- no hedge: within the rounding of the figure as written (half a unit in its last digit:
  ``12`` → 11.5 to 12.5; ``1/12`` → 1/12.5 to 1/11.5);
- 约 / about: within :data:`ABOUT_TOLERANCE` (or the rounding, if wider);
- 几乎 / 近 / nearly: at most the figure, and within :data:`ABOUT_TOLERANCE` below it;
- 超过 / more than: strictly above; 以上 / at least: at or above; 高达 / up to: at or below;
- a range: between its bounds.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Store

from kg import arithmetic
from kg.store import compact_term, select

ABOUT_TOLERANCE = Decimal("0.05")  # 约 / 几乎: 5 % either way (below only, for 几乎)
HUNDRED = Decimal(100)

STATUSES = ("pass", "warn", "fail")


@dataclass(frozen=True)
class Finding:
    """One result of one check."""

    check: str  # shacl, span, sha256, arithmetic, shares, conflict, reference, ...
    status: str  # pass, warn or fail
    claims: tuple[str, ...]
    message: str
    inputs: tuple[str, ...] = field(default=())  # claims the finding was derived from, beyond `claims`
    verdict: str | None = None  # fidelity findings: one of VERDICTS

    def as_dict(self) -> dict[str, Any]:
        plain = {"check": self.check, "status": self.status, "claims": list(self.claims), "message": self.message}
        return plain | ({"verdict": self.verdict} if self.verdict else {})


# ---------------------------------------------------------------------------------------------
# Figures as the checks need them


@dataclass(frozen=True)
class Figure:
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


_FIGURES = """
SELECT ?id ?value ?unit ?text ?hedge ?min ?max ?metric ?period ?periodStart ?periodEnd ?formula ?whole ?quote
       ?status ?source (GROUP_CONCAT(DISTINCT ?subject; separator=" ") AS ?subjects) WHERE {
  ?claim a kg:Claim ; dcterms:identifier ?id ; kg:quantity ?q ; kg:status/skos:notation ?status ;
         dcterms:source/dcterms:identifier ?source .
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
} GROUP BY ?id ?value ?unit ?text ?hedge ?min ?max ?metric ?period ?periodStart ?periodEnd ?formula ?whole ?quote
         ?status ?source
"""


_CLAIM_BY_ID = "SELECT ?claim ?id WHERE { ?claim dcterms:identifier ?id ; a kg:Claim }"


def read_figures(store: Store, ids: Iterable[str] | None = None) -> dict[str, Figure]:
    """Every figure of the graph by claim id, or only those of ``ids`` (each looked up by a bound id)."""
    if ids is None:
        rows: Iterable[dict[str, Any]] = select(store, _FIGURES)
    else:
        # by the claim's IRI, so that every OPTIONAL starts from a constant: bound by its id only,
        # Oxigraph evaluated each OPTIONAL over the whole graph (1 s a claim at 10,000 claims)
        iris = [row["claim"] for claim in ids for row in select(store, _CLAIM_BY_ID, {"id": Literal(claim)})]
        rows = (row for iri in iris for row in select(store, _FIGURES, {"claim": NamedNode(iri)}))
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
        )
        for row in rows
    }


# ---------------------------------------------------------------------------------------------
# Arithmetic


def rounding_interval(value: Decimal, text: str) -> tuple[Decimal, Decimal]:
    """The values a figure as written stands for, given the digits it was written with."""
    if value == 0:
        return value, value
    if "/" in text or "分之" in text:
        # a fraction: its denominator is what was rounded (1/12 → 1/12.5 … 1/11.5)
        denominator = 1 / value
        return 1 / (denominator + Decimal("0.5")), 1 / (denominator - Decimal("0.5"))
    digits = re.search(r"\d[\d,]*(?:\.(\d+))?", text)
    if digits is None:
        # written in words (一半, 十倍): take the figure as exact to ABOUT_TOLERANCE
        spread = abs(value) * ABOUT_TOLERANCE
        return value - spread, value + spread
    number = digits.group(0).replace(",", "")
    written = Decimal(number)
    if digits.group(1):
        step = Decimal(10) ** -len(digits.group(1))
    else:
        # trailing zeros of a whole number are not significant: 280亿 is 275亿 to 285亿
        step = Decimal(10) ** (len(number) - len(number.rstrip("0"))) if number.strip("0") else Decimal(1)
    scale = value / written if written else Decimal(1)
    half = Decimal("0.5") * step * abs(scale)
    return value - half, value + half


def agrees(figure: Figure, recomputed: Decimal) -> tuple[bool, str]:
    """Whether a recomputed value agrees with the figure as its hedge states it, and the rule used."""
    value, hedge = figure.value, figure.hedge
    low, high = rounding_interval(value, figure.text)
    about = abs(value) * ABOUT_TOLERANCE
    if hedge == "more-than":
        return recomputed > value, f"> {_fmt(value)}"
    if hedge == "at-least":
        return recomputed >= low, f"≥ {_fmt(value)}"
    if hedge == "up-to":
        return recomputed <= high, f"≤ {_fmt(value)}"
    if hedge == "range":
        assert figure.low is not None and figure.high is not None
        return figure.low <= recomputed <= figure.high, f"between {_fmt(figure.low)} and {_fmt(figure.high)}"
    if hedge == "nearly":
        return min(low, value - about) <= recomputed <= high, f"nearly {_fmt(value)} (up to 5 % below)"
    if hedge == "about":
        return min(low, value - about) <= recomputed <= max(high, value + about), f"about {_fmt(value)} (± 5 %)"
    return low <= recomputed <= high, f"{_fmt(low)} to {_fmt(high)} (the rounding of {figure.text})"


def check_arithmetic(figures: dict[str, Figure]) -> Iterator[Finding]:
    """Recompute every figure that has a formula from the figures it names."""
    for figure in figures.values():
        if figure.formula is None:
            continue
        inputs = arithmetic.references(figure.formula)
        missing = [ref for ref in inputs if ref not in figures]
        if missing:
            yield Finding(
                "arithmetic", "fail", (figure.id,), f"{figure.formula} names claims without a figure: {missing}"
            )
            continue
        try:
            recomputed = arithmetic.evaluate(figure.formula, {ref: figures[ref].value for ref in inputs})
        except arithmetic.FormulaError as err:
            yield Finding("arithmetic", "fail", (figure.id,), str(err), tuple(inputs))
            continue
        ok, rule = agrees(figure, recomputed)
        shown = " ".join(f"{figures[ref].text}" for ref in inputs)
        message = (
            f"{figure.text} {'agrees' if ok else 'does not agree'} with {figure.formula} = {_fmt(recomputed)}"
            f" (from {shown}; it should be {rule})"
        )
        yield Finding("arithmetic", "pass" if ok else "warn", (figure.id, *inputs), message, tuple(inputs))


def check_comparisons_without_base(figures: dict[str, Figure]) -> Iterator[Finding]:
    """Multiples and fractions of a text that have no formula: the text gives no figure to recompute them from."""
    for figure in figures.values():
        quoted = figure.quote is not None  # a figure of a shipped text, not of a report we only locate
        if quoted and figure.formula is None and figure.unit in ("times", "fraction") and figure.share_of is None:
            yield Finding(
                "arithmetic",
                "warn",
                (figure.id,),
                f"{figure.text} cannot be recomputed: the text gives no figures it compares",
            )


def check_shares(figures: dict[str, Figure]) -> Iterator[Finding]:
    """Shares of one whole (per period) add up to at most 100 %."""
    groups: dict[tuple[str, str | None], list[Figure]] = defaultdict(list)
    for figure in figures.values():
        if figure.share_of and figure.unit in ("percent", "fraction"):
            groups[(figure.share_of, figure.period)].append(figure)
    for (whole, period), parts in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] or "")):
        total = sum((p.value * (HUNDRED if p.unit == "fraction" else 1) for p in parts), Decimal(0))
        ok = total <= HUNDRED
        listed = " + ".join(p.text for p in parts)
        when = f" ({period})" if period else ""
        yield Finding(
            "shares",
            "pass" if ok else "warn",
            tuple(p.id for p in parts),
            f"shares of {whole}{when}: {listed} = {_fmt(total)} % {'≤' if ok else '>'} 100 %",
        )


def _interval(figure: Figure) -> tuple[Decimal, Decimal]:
    """The values a figure allows, from its rounding and its hedge."""
    low, high = rounding_interval(figure.value, figure.text)
    if figure.hedge in ("more-than", "at-least"):
        return low, Decimal("Infinity")
    if figure.hedge in ("up-to",):
        return Decimal("-Infinity"), high
    if figure.hedge == "range" and figure.low is not None and figure.high is not None:
        return figure.low, figure.high
    if figure.hedge in ("about", "nearly"):
        spread = abs(figure.value) * ABOUT_TOLERANCE
        return min(low, figure.value - spread), max(high, figure.value + spread)
    return low, high


def check_conflicts(figures: dict[str, Figure]) -> Iterator[Finding]:
    """Figures of one subject, metric, period and unit whose values cannot both be true."""
    groups: dict[tuple[Any, ...], list[Figure]] = defaultdict(list)
    for figure in figures.values():
        if figure.metric:
            groups[(figure.subjects, figure.metric, figure.period, figure.unit)].append(figure)
    for (subjects, metric, period, _), same in sorted(groups.items(), key=lambda item: str(item[0])):
        for index, first in enumerate(same):
            for second in same[index + 1 :]:
                (low1, high1), (low2, high2) = _interval(first), _interval(second)
                if high1 < low2 or high2 < low1:
                    yield Finding(
                        "conflict",
                        "warn",
                        (first.id, second.id),
                        f"{' & '.join(subjects)}, {metric}, {period or 'no period'}: {first.text} «{first.quote}»"
                        f" vs {second.text} «{second.quote}»",
                    )


# ---------------------------------------------------------------------------------------------
# Fidelity: the article's figures against the figures of the reports they rest on

VERDICTS = ("agrees", "rounded", "differs in value", "differs in period", "unconfirmed upstream", "differs in measure")

_UPSTREAM_LINKS = """
SELECT ?claim ?upstream ?how WHERE {
  ?c dcterms:identifier ?claim ; kg:upstream ?link .
  ?link kg:upstreamClaim/dcterms:identifier ?upstream ; kg:derivation/skos:notation ?how .
} ORDER BY ?claim ?upstream
"""

_ATTRIBUTED_FIGURES = """
SELECT DISTINCT ?claim ?text WHERE {
  ?c dcterms:identifier ?claim ; kg:attributedTo ?cited ; kg:quantity/kg:asWritten ?text .
  FILTER NOT EXISTS { ?c kg:upstream ?link }
} ORDER BY ?claim
"""


@dataclass(frozen=True)
class Verdict:
    """How a figure compares with the upstream figure it rests on."""

    claim: str
    upstream: str
    how: str  # the curator's account: same, rounded, converted, different-period, different-measure
    verdict: str  # one of VERDICTS, computed from the two figures
    message: str


def _within(inner: Figure, outer: Figure) -> bool:
    """Whether the period of ``inner`` lies inside the period of ``outer`` (open ends hold anything)."""
    if inner.period == outer.period:
        return True
    starts = outer.period_start is None or (inner.period_start is not None and inner.period_start >= outer.period_start)
    ends = outer.period_end is None or (inner.period_end is not None and inner.period_end <= outer.period_end)
    return starts and ends


def verdict(article: Figure, upstream: Figure, how: str) -> Verdict:
    """Compare an article's figure with its upstream figure: value, unit and period."""
    side_by_side = f"{article.text} ({_fmt(article.value)} {article.unit}, {article.period or 'no period'}) vs " + (
        f"{upstream.text} ({_fmt(upstream.value)} {upstream.unit}, {upstream.period or 'no period'})"
    )
    upstream_value = upstream.value
    if {article.unit, upstream.unit} == {"times", "fraction"} and upstream.value:
        upstream_value = 1 / upstream.value  # a multiple read the other way round: 11.7× ~ 1/12
    elif article.unit != upstream.unit:
        return Verdict(article.id, upstream.id, how, "differs in measure", side_by_side)
    if upstream.status == "unconfirmed":
        outcome = "unconfirmed upstream"
    elif article.period and upstream.period and not _within(article, upstream):
        outcome = "differs in period"
    elif upstream_value == article.value:
        outcome = "agrees"
    elif agrees(article, upstream_value)[0]:
        outcome = "rounded"
    else:
        outcome = "differs in value"
    return Verdict(article.id, upstream.id, how, outcome, side_by_side)


def upstream_verdicts(store: Store, claim: str | None = None) -> list[Verdict]:
    """The verdict on every linked pair (or on the links of one claim)."""
    # one claim's links are looked up by its id (reading every link took 2 s at 100,000 claims)
    links = list(select(store, _UPSTREAM_LINKS, {"claim": Literal(claim)} if claim is not None else None))
    figures = read_figures(store, {link[k] for link in links for k in ("claim", "upstream")})
    return [
        verdict(figures[link["claim"]], figures[link["upstream"]], link["how"])
        for link in links
        if link["claim"] in figures and link["upstream"] in figures
    ]


def check_fidelity(store: Store) -> Iterator[Finding]:
    """One item per article figure and the upstream figure it rests on; then attributed figures nothing backs."""
    for item in upstream_verdicts(store):
        status = "pass" if item.verdict in ("agrees", "rounded") else "warn"
        yield Finding(
            "fidelity",
            status,
            (item.claim, item.upstream),
            f"{item.verdict}: {item.message}",
            (item.upstream,),
            item.verdict,
        )
    for row in select(store, _ATTRIBUTED_FIGURES):
        yield Finding(
            "fidelity",
            "warn",
            (row["claim"],),
            f"{row['text']}: the article names a source for it, but no figure of that source backs it here",
        )


# ---------------------------------------------------------------------------------------------
# Integrity: spans, hashes, references, shapes

_SOURCES = """
SELECT ?id ?text ?sha256 WHERE {
  ?s a kg:Source ; dcterms:identifier ?id . OPTIONAL { ?s schema:text ?text } OPTIONAL { ?s kg:sha256 ?sha256 }
}
"""

_SPANS = """
SELECT ?id ?source ?start ?end ?exact ?figureStart ?figureEnd ?written WHERE {
  ?claim dcterms:identifier ?id ; kg:evidence ?evidence .
  ?evidence oa:hasSource/dcterms:identifier ?source ; oa:hasSelector ?position, ?quote .
  ?position oa:start ?start ; oa:end ?end . ?quote oa:exact ?exact .
  OPTIONAL { ?claim kg:quantity ?q . ?q kg:start ?figureStart ; kg:end ?figureEnd ; kg:asWritten ?written }
}
"""


def check_sources(store: Store, data_dir: Path | None = None) -> Iterator[Finding]:
    """Each shipped text hashes to its sha256, in the graph and, given the data folder, on disk."""
    for row in select(store, _SOURCES):
        if row["text"] is None:
            continue
        digest = hashlib.sha256(row["text"].encode("utf-8")).hexdigest()
        ok = digest == row["sha256"]
        message = f"source {row['id']}: text hashes to {digest[:12]}…" + (
            " as recorded" if ok else f", not the recorded {str(row['sha256'])[:12]}…"
        )
        yield Finding("sha256", "pass" if ok else "fail", (), message)


def check_spans(store: Store) -> Iterator[Finding]:
    """Every quote is the text at its offsets, and every figure lies inside its quote."""
    texts = {row["id"]: row["text"] for row in select(store, _SOURCES) if row["text"] is not None}
    bad = []
    count = 0
    for row in select(store, _SPANS):
        count += 1
        text = texts.get(row["source"])
        if text is None:
            bad.append(Finding("span", "fail", (row["id"],), f"{row['id']}: source {row['source']} ships no text"))
            continue
        found = text[row["start"] : row["end"]]
        if found != row["exact"]:
            bad.append(
                Finding(
                    "span",
                    "fail",
                    (row["id"],),
                    f"{row['id']}: [{row['start']}, {row['end']}) holds «{found}», not the quote «{row['exact']}»",
                )
            )
        elif row["figureStart"] is not None and text[row["figureStart"] : row["figureEnd"]] != row["written"]:
            bad.append(
                Finding("span", "fail", (row["id"],), f"{row['id']}: the figure {row['written']} is not at its offsets")
            )
    yield from bad
    if not bad:
        yield Finding("span", "pass", (), f"all {count} quotes equal the text at their offsets")


_DANGLING = """
SELECT ?id ?property ?target WHERE {
  VALUES (?property ?class) {
    (kg:subject kg:Actor) (kg:funder kg:Actor) (kg:recipient kg:Actor) (kg:attributedTo kg:Source)
    (dcterms:source kg:Source) (kg:relatesTo kg:Claim) (kg:metric skos:Concept) (kg:instrument skos:Concept)
  }
  ?claim a kg:Claim ; dcterms:identifier ?id ; ?property ?target .
  FILTER NOT EXISTS { ?target a ?class }
}
"""
_DANGLING_UPSTREAM = """
SELECT ?id ?target WHERE {
  ?claim dcterms:identifier ?id ; kg:upstream/kg:upstreamClaim ?target . FILTER NOT EXISTS { ?target a kg:Claim }
}
"""


def check_references(store: Store) -> Iterator[Finding]:
    """Claims point only at actors, sources, concepts and claims that exist in the graph."""
    bad = [
        Finding(
            "reference",
            "fail",
            (row["id"],),
            f"{row['id']}: {_short(row['property'])} → {row['target']} does not exist",
        )
        for row in select(store, _DANGLING)
    ]
    bad += [
        Finding("reference", "fail", (row["id"],), f"{row['id']}: upstream claim {row['target']} does not exist")
        for row in select(store, _DANGLING_UPSTREAM)
    ]
    yield from bad
    if not bad:
        yield Finding("reference", "pass", (), "every actor, source, concept and claim a claim names exists")


def check_shapes(build_dir: Path) -> Iterator[Finding]:
    """The graph conforms to ontology/shapes.ttl (pySHACL, no inference)."""
    import rdflib
    from pyshacl import validate

    from kg.build import FINDINGS_GRAPH
    from kg.graph import load_graph, union_graph
    from kg.terms import graph_iri

    shapes_path = Path(__file__).resolve().parent.parent / "ontology" / "shapes.ttl"
    data = union_graph(load_graph(build_dir), without=(graph_iri(FINDINGS_GRAPH),))  # the data, not what checks said
    shapes = rdflib.Graph().parse(shapes_path)
    conforms, report, _ = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    if conforms:
        yield Finding("shacl", "pass", (), f"the graph conforms to {shapes_path.name}")
        return
    shacl = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    identifier = rdflib.URIRef("http://purl.org/dc/terms/identifier")
    for result in report.subjects(rdflib.RDF.type, shacl.ValidationResult):
        focus = report.value(result, shacl.focusNode)
        path = report.value(result, shacl.resultPath)
        message = report.value(result, shacl.resultMessage)
        claim = data.value(focus, identifier) if focus is not None else None
        yield Finding(
            "shacl",
            "fail",
            (str(claim),) if claim else (),
            f"{_short(str(focus))}: {_short(str(path)) if path else ''} {message}".strip(),
        )


# ---------------------------------------------------------------------------------------------


def run_checks(store: Store, build_dir: Path | None = None, *, shacl: bool = True) -> list[Finding]:
    """Every check over the graph; SHACL needs the build folder (it reads graph.trig with rdflib)."""
    figures = read_figures(store)
    findings: list[Finding] = []
    if shacl and build_dir is not None:
        findings += check_shapes(build_dir)
    findings += check_sources(store)
    findings += check_spans(store)
    findings += check_references(store)
    findings += check_arithmetic(figures)
    findings += check_comparisons_without_base(figures)
    findings += check_shares(figures)
    conflicts = list(check_conflicts(figures))
    findings += conflicts or [
        Finding("conflict", "pass", (), "no two figures of one subject, metric and period disagree")
    ]
    findings += check_fidelity(store)
    return findings


def claim_iris(store: Store) -> dict[str, str]:
    """Claim id → IRI, for linking findings to claims."""
    return {
        row["id"]: row["claim"]
        for row in select(store, "SELECT ?id ?claim WHERE { ?claim a kg:Claim ; dcterms:identifier ?id }")
    }


def exit_code(findings: list[Finding]) -> int:
    """1 when integrity fails; warnings alone are 0."""
    return 1 if any(f.status == "fail" for f in findings) else 0


def render(findings: list[Finding], *, colour: bool = False) -> str:
    marks = {"pass": "✓", "warn": "!", "fail": "✗"}
    colours = {"pass": "\x1b[32m", "warn": "\x1b[33m", "fail": "\x1b[31m"}
    lines = []
    current = None
    for finding in findings:
        if finding.check != current:
            current = finding.check
            lines.append(f"\n{current}")
        mark = f"{marks[finding.status]} {finding.status}"
        if colour:
            mark = f"{colours[finding.status]}{mark}\x1b[0m"
        lines.append(f"  {mark}  {finding.message}")
    counts = {s: sum(1 for f in findings if f.status == s) for s in STATUSES}
    lines.append(f"\n{counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail")
    return "\n".join(lines).lstrip("\n")


def _fmt(value: Decimal) -> str:
    if value.is_infinite():
        return str(value)
    rounded = value.quantize(Decimal("1.0000")) if abs(value) < 1000 else value.quantize(Decimal(1))
    text = f"{rounded:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _short(iri: str) -> str:
    """An IRI with our prefixes, for messages."""
    return compact_term(NamedNode(iri)) if iri.startswith("http") else iri
