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
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import NamedNode, Quad, Store

from kg import arithmetic
from kg.figures import Figure, read_figures, topic_scope
from kg.store import compact_term, select
from kg.terms import KG, PREFIXES

RDF_TYPE = PREFIXES["rdf"] + "type"
DCTERMS, OA = PREFIXES["dcterms"], PREFIXES["oa"]

ABOUT_TOLERANCE = Decimal("0.05")  # 约 / 几乎: 5 % either way (below only, for 几乎)
HUNDRED = Decimal(100)

STATUSES = ("pass", "warn", "fail")
_DIGITS = re.compile(r"\d[\d,]*(?:\.(\d+))?")  # compiled once: kg compare reads every figure's digits


@dataclass(frozen=True)
class Finding:
    """One result of one check."""

    check: str  # shacl, span, sha256, arithmetic, shares, conflict, reference, ...
    status: str  # pass, warn or fail
    claims: tuple[str, ...]
    message: str
    inputs: tuple[str, ...] = field(default=())  # claims the finding was derived from, beyond `claims`
    verdict: str | None = None  # fidelity: one of VERDICTS; compare: one of kg.compare.VERDICTS
    #: the key of the figures it depends on: ("figure", id), ("share", whole, period), ("topic",
    #: subjects, metric, period) … (kg.figures.scopes_of); a build checks again only keys whose figures changed
    scope: tuple[str, ...] = field(default=(), compare=False)

    def as_dict(self) -> dict[str, Any]:
        plain = {"check": self.check, "status": self.status, "claims": list(self.claims), "message": self.message}
        return plain | ({"verdict": self.verdict} if self.verdict else {})

    def as_json(self) -> dict[str, Any]:
        """Everything, for the state the build keeps (as_dict is what `kg check --format json` shows)."""
        return self.as_dict() | ({"inputs": list(self.inputs)} if self.inputs else {}) | {"scope": list(self.scope)}

    @classmethod
    def from_json(cls, plain: dict[str, Any]) -> Finding:
        return cls(
            plain["check"],
            plain["status"],
            tuple(plain["claims"]),
            plain["message"],
            tuple(plain.get("inputs", ())),
            plain.get("verdict"),
            tuple(plain.get("scope", ())),
        )


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
    digits = _DIGITS.search(text)
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


def check_arithmetic(figures: Mapping[str, Figure]) -> Iterator[Finding]:
    """Recompute every figure that has a formula from the figures it names."""
    for figure in figures.values():
        if figure.formula is None:
            continue
        inputs = arithmetic.references(figure.formula)
        missing = [ref for ref in inputs if ref not in figures]
        if missing:
            problem = f"{figure.formula} names claims without a figure: {missing}"
            yield Finding("arithmetic", "fail", (figure.id,), problem, scope=("figure", figure.id))
            continue
        try:
            recomputed = arithmetic.evaluate(figure.formula, {ref: figures[ref].value for ref in inputs})
        except arithmetic.FormulaError as err:
            yield Finding("arithmetic", "fail", (figure.id,), str(err), tuple(inputs), scope=("figure", figure.id))
            continue
        ok, rule = agrees(figure, recomputed)
        shown = " ".join(f"{figures[ref].text}" for ref in inputs)
        message = (
            f"{figure.text} {'agrees' if ok else 'does not agree'} with {figure.formula} = {_fmt(recomputed)}"
            f" (from {shown}; it should be {rule})"
        )
        status = "pass" if ok else "warn"
        yield Finding("arithmetic", status, (figure.id, *inputs), message, tuple(inputs), scope=("figure", figure.id))


def check_comparisons_without_base(figures: Mapping[str, Figure]) -> Iterator[Finding]:
    """Multiples and fractions of a text that have no formula: the text gives no figure to recompute them from."""
    for figure in figures.values():
        quoted = figure.quote is not None  # a figure of a shipped text, not of a report we only locate
        if quoted and figure.formula is None and figure.unit in ("times", "fraction") and figure.share_of is None:
            yield Finding(
                "arithmetic",
                "warn",
                (figure.id,),
                f"{figure.text} cannot be recomputed: the text gives no figures it compares",
                scope=("figure", figure.id),
            )


def check_shares(figures: Mapping[str, Figure]) -> Iterator[Finding]:
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
            scope=("share", whole, period or ""),
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


def check_conflicts(figures: Mapping[str, Figure]) -> Iterator[Finding]:
    """Figures of one subject, metric, period and unit whose values cannot all be true.

    Linear in the figures: each group is sorted by the low end of the values its figures allow,
    and a sweep joins overlapping intervals into clusters; a group of two or more clusters is one
    finding (comparing every pair would be quadratic: 1,000 figures of one key, half a million).
    """
    groups: dict[tuple[Any, ...], list[Figure]] = defaultdict(list)
    for figure in figures.values():
        if figure.metric and figure.rank != "deprecated":
            groups[(figure.subjects, figure.metric, figure.period, figure.unit)].append(figure)
    for (subjects, metric, period, _), same in sorted(groups.items(), key=lambda item: str(item[0])):
        clusters = _clusters(same)
        if len(clusters) < 2:
            continue
        where = f"{' & '.join(subjects)}, {metric}, {period or 'no period'}"
        shown = " vs ".join(_cluster_text(cluster) for cluster in clusters[:CLUSTERS_SHOWN])
        more = f" (and {len(clusters) - CLUSTERS_SHOWN} more values)" if len(clusters) > CLUSTERS_SHOWN else ""
        claims = tuple(f.id for cluster in clusters for f in cluster)
        scope = topic_scope(subjects, metric, period)
        yield Finding("conflict", "warn", claims, f"{where}: {shown}{more}", scope=scope)


CLUSTERS_SHOWN = 4


def _clusters(figures: list[Figure]) -> list[list[Figure]]:
    """Figures joined where the values they allow overlap (transitively), lowest first."""
    ordered = sorted(((_interval(f), f) for f in figures), key=lambda item: (item[0][0], item[1].id))
    clusters: list[list[Figure]] = []
    reach = Decimal("-Infinity")
    for (low, high), figure in ordered:
        if clusters and low <= reach:
            clusters[-1].append(figure)
            reach = max(reach, high)
        else:
            clusters.append([figure])
            reach = high
    return clusters


def _cluster_text(cluster: list[Figure]) -> str:
    first = cluster[0]
    others = f" (+{len(cluster) - 1} more like it)" if len(cluster) > 1 else ""
    source = f" [{first.source}]" if first.source else ""
    return f"{first.text} «{first.quote}»{source}{others}" if first.quote else f"{first.text}{source}{others}"


# ---------------------------------------------------------------------------------------------
# Fidelity: the article's figures against the figures of the reports they rest on

VERDICTS = ("agrees", "rounded", "differs in value", "differs in period", "unconfirmed upstream", "differs in measure")


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


def upstream_verdicts(store: Store, claim: str) -> list[Verdict]:
    """The verdicts on the links of one claim to the figures it rests on, read from the store (for trace)."""
    figures = read_figures(store, [claim])
    if claim not in figures:
        return []
    figures |= read_figures(store, [upstream for upstream, _ in figures[claim].upstream])
    return list(_verdicts(figures, [figures[claim]]))


def _verdicts(figures: Mapping[str, Figure], linked: Iterable[Figure]) -> Iterator[Verdict]:
    for figure in linked:
        for upstream, how in figure.upstream:
            if upstream in figures:
                yield verdict(figure, figures[upstream], how)


def check_fidelity(figures: Mapping[str, Figure]) -> Iterator[Finding]:
    """One item per figure and the upstream figure it rests on; then attributed figures nothing backs."""
    ordered = sorted(figures.values(), key=lambda f: f.id)
    for item in _verdicts(figures, ordered):
        status = "pass" if item.verdict in ("agrees", "rounded") else "warn"
        yield Finding(
            "fidelity",
            status,
            (item.claim, item.upstream),
            f"{item.verdict}: {item.message}{_in(figures[item.claim])}",
            (item.upstream,),
            item.verdict,
            ("figure", item.claim),
        )
    for figure in ordered:
        if figure.attributed_to and not figure.upstream:
            yield Finding(
                "fidelity",
                "warn",
                (figure.id,),
                f"{figure.text}{_in(figure)}: its source names a source for it, but no figure of that source backs it"
                " here",
                scope=("figure", figure.id),
            )


def _in(figure: Figure) -> str:
    """Where a figure comes from, for messages that must name the source in a corpus."""
    return f" (in {figure.source})" if figure.source else ""


# ---------------------------------------------------------------------------------------------
# Integrity: spans, hashes, references, shapes

_SOURCES = """
SELECT ?id ?text ?sha256 WHERE {
  ?s a kg:Source ; dcterms:identifier ?id . OPTIONAL { ?s schema:text ?text } OPTIONAL { ?s kg:sha256 ?sha256 }
}
"""


#: The order `kg check` shows the checks in.
CHECK_ORDER = ("shacl", "sha256", "span", "reference", "arithmetic", "shares", "conflict", "fidelity", "compare")


def check_sources(store: Store) -> Iterator[Finding]:
    """Each shipped text hashes to the sha256 recorded beside it in the graph."""
    yield from check_texts((row["id"], row["text"], row["sha256"]) for row in select(store, _SOURCES) if row["text"])


def check_texts(texts: Iterable[tuple[str, str, str | None]]) -> Iterator[Finding]:
    """Each (source id, text, recorded sha256) hashes as recorded."""
    for source, text, recorded in sorted(texts):
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
        ok = digest == recorded
        message = f"source {source}: text hashes to {digest[:12]}…" + (
            " as recorded" if ok else f", not the recorded {str(recorded)[:12]}…"
        )
        yield Finding("sha256", "pass" if ok else "fail", (), message)


def source_texts(store: Store) -> dict[str, str]:
    """Every shipped text of the graph by source id."""
    return {row["id"]: row["text"] for row in select(store, _SOURCES) if row["text"] is not None}


@dataclass
class GraphCheck:
    """What the integrity checks found in one source's graph: its quotes counted, its problems."""

    quotes: int
    problems: list[Finding]

    def as_json(self) -> dict[str, Any]:
        return {"quotes": self.quotes, "problems": [f.as_json() for f in self.problems]}

    @classmethod
    def from_json(cls, plain: dict[str, Any]) -> GraphCheck:
        return cls(plain["quotes"], [Finding.from_json(f) for f in plain["problems"]])


#: What a claim may point at (predicate → what it must be): kept to the graph's own words.
_POINTERS = {
    KG + "subject": "an actor",
    KG + "funder": "an actor",
    KG + "recipient": "an actor",
    KG + "attributedTo": "a source",
    DCTERMS + "source": "a source",
    KG + "relatesTo": "a claim",
    KG + "metric": "a concept",
    KG + "instrument": "a concept",
}


def check_graph(quads: Iterable[Quad], texts: Mapping[str, str], known: Container[str]) -> GraphCheck:
    """The spans and references of one source's graph, read from its quads (linear in them).

    Every quote must be the text at its offsets and every figure the text at its own; every
    actor, source, concept and claim a claim points at must be ``known`` (IRIs of the dataset).
    """
    nodes: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    for quad in quads:
        nodes[quad.subject.value][quad.predicate.value].append(quad.object)  # type: ignore[union-attr]
    problems, quotes = [], 0
    for iri, claim in nodes.items():
        if NamedNode(KG + "Claim") not in claim[RDF_TYPE]:
            continue
        name = str(claim[DCTERMS + "identifier"][0].value) if claim[DCTERMS + "identifier"] else iri
        for predicate, what in _POINTERS.items():
            problems += [
                Finding("reference", "fail", (name,), f"{name}: {_short(predicate)} → {target.value} is not {what}")
                for target in claim[predicate]
                if target.value not in known
            ]
        for link in claim[KG + "upstream"]:
            problems += [
                Finding("reference", "fail", (name,), f"{name}: upstream claim {target.value} does not exist")
                for target in nodes[link.value][KG + "upstreamClaim"]
                if target.value not in known
            ]
        for evidence in claim[KG + "evidence"]:
            spans = _span_problems(name, nodes, claim, nodes[evidence.value], texts)
            if spans is not None:
                quotes += 1
                problems += spans
    return GraphCheck(quotes, problems)


def _span_problems(
    name: str, nodes: Mapping[str, Mapping[str, list[Any]]], claim: Mapping[str, list[Any]],
    evidence: Mapping[str, list[Any]], texts: Mapping[str, str],
) -> list[Finding] | None:  # fmt: skip
    """What is wrong with one claim's quote and figure offsets; None where its evidence is no span."""
    selectors = [nodes[s.value] for s in evidence[OA + "hasSelector"]]
    position = next((s for s in selectors if s[OA + "start"]), None)
    quote = next((s for s in selectors if s[OA + "exact"]), None)
    if position is None or quote is None:
        return None
    source = str(evidence[OA + "hasSource"][0].value).removeprefix(PREFIXES["source"])
    text = texts.get(source)
    if text is None:
        return [Finding("span", "fail", (name,), f"{name}: source {source} ships no text")]
    start, end, exact = (
        int(position[OA + "start"][0].value),
        int(position[OA + "end"][0].value),
        quote[OA + "exact"][0].value,
    )
    if text[start:end] != exact:
        message = f"{name}: [{start}, {end}) holds «{text[start:end]}», not the quote «{exact}»"
        return [Finding("span", "fail", (name,), message)]
    for quantity in (nodes[q.value] for q in claim[KG + "quantity"]):
        if quantity[KG + "start"] and quantity[KG + "asWritten"]:
            begin, stop = int(quantity[KG + "start"][0].value), int(quantity[KG + "end"][0].value)
            if text[begin:stop] != quantity[KG + "asWritten"][0].value:
                written = quantity[KG + "asWritten"][0].value
                return [Finding("span", "fail", (name,), f"{name}: the figure {written} is not at its offsets")]
    return []


def integrity(graphs: Iterable[GraphCheck]) -> list[Finding]:
    """The span and reference findings of every graph together, or one pass for each."""
    graphs = list(graphs)
    problems = [problem for graph in graphs for problem in graph.problems]
    spans = [p for p in problems if p.check == "span"] or [
        Finding("span", "pass", (), f"all {sum(g.quotes for g in graphs)} quotes equal the text at their offsets")
    ]
    references = [p for p in problems if p.check == "reference"] or [
        Finding("reference", "pass", (), "every actor, source, concept and claim a claim names exists")
    ]
    return spans + references


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


def check_compare(
    figures: Mapping[str, Figure], groups: Mapping[str, Iterable[str]] | None = None, kinds: Iterable[str] = ()
) -> Iterator[Finding]:
    """What two or more sources say of one fact (:func:`kg.compare.compare`), one finding per comparison.

    agree passes and disagree warns; a near match (the same number for another period or of
    other subjects) warns, since one of the two may be mislabelled; a group beside its members
    warns only where the members add up to more than the group; the rest pass (a departure from a
    report figure is already a fidelity finding). ``kinds`` keeps the comparisons keyed on those
    kinds of scope (:data:`kg.compare.SCOPE_KINDS`); none given, all.
    """
    from kg.compare import SCOPE_KINDS, compare

    for comparison in compare(figures, groups, kinds=set(kinds) or SCOPE_KINDS):
        summary = comparison.summary()
        yield Finding(
            "compare", comparison.status, comparison.claims, summary, (), comparison.verdict, comparison.scope
        )


def analyse(figures: Mapping[str, Figure], groups: Mapping[str, Iterable[str]] | None = None) -> list[Finding]:
    """What the figures say together: arithmetic, shares, conflicts, fidelity, what several sources say.

    ``groups`` (group actor id → member ids) lets the comparisons set a group beside its members.
    """
    findings = [*check_arithmetic(figures), *check_comparisons_without_base(figures), *check_shares(figures)]
    conflicts = list(check_conflicts(figures))
    findings += conflicts or [
        Finding("conflict", "pass", (), "no two figures of one subject, metric and period disagree")
    ]
    findings += check_fidelity(figures)
    compared = list(check_compare(figures, groups))
    return findings + (
        compared or [Finding("compare", "pass", (), "no subject, metric and period has figures of two or more sources")]
    )


_TYPED = "SELECT DISTINCT ?s WHERE { ?s a ?class }"  # every node the graph says what it is
_FINDINGS = PREFIXES["graph"] + "findings"


def run_checks(store: Store, build_dir: Path | None = None, *, shacl: bool = True) -> list[Finding]:
    """Every check over the graph as the store holds it now; SHACL needs the build folder."""
    findings: list[Finding] = []
    if shacl and build_dir is not None:
        findings += check_shapes(build_dir)
    findings += check_sources(store)
    texts, known = source_texts(store), {row["s"] for row in select(store, _TYPED)}
    graphs = (store.quads_for_pattern(None, None, None, g) for g in store.named_graphs() if g.value != _FINDINGS)
    findings += integrity(check_graph(quads, texts, known) for quads in graphs)
    from kg.compare import read_groups

    return findings + analyse(read_figures(store), read_groups(store))


def recorded_findings(build_dir: Path) -> list[Finding]:
    """What the checks found when the current build was made (kept with it: see kg.recheck)."""
    from kg.buildfolder import current
    from kg.recheck import read_findings

    generation = current(build_dir)
    kept = read_findings(generation) if generation is not None else None
    return [finding for finding, _ in kept or []]


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
