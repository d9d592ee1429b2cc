"""One fact, many sources: the figures that two or more sources give for one subject, metric and period.

Wikidata keeps every sourced value of a statement and ranks them (preferred, normal, deprecated,
with a reason); OpenSanctions keeps which dataset said each value. Disagreement is data to show,
not to resolve silently: :func:`compare` puts the figures side by side, each with its source, and
gives each comparison a verdict (:data:`VERDICTS`):

- **a topic** (same subjects, metric and period): ``agree`` where some value is allowed by a
  figure of every source, within the rounding and hedge of each as written (the intervals of
  :mod:`kg.check`); ``disagree`` where none is. A source that gives two values (an earlier and a
  later plan) agrees with whoever allows one of them. Deprecated values are shown with their
  reason and never counted; where that leaves one source, ``one-source``; where the sources give
  the figure in units that cannot be compared (pounds and dollars), ``different-units``.
- **near matches of one metric**: ``different-period``, the same number said of the same subjects
  for another period (345 billion for 2025 and for January–September 2025); ``different-subject``,
  the same number said of other subjects in the same period (the world's 3 trillion given to the
  hyperscalers). Numbers are the same within 5 % (:data:`SAME_NUMBER`); bounds (more than, up
  to) take no part. Without the same number, every pair of countries of one metric would match.
  ``group-contains``: in one period, a group's figure beside the figures of its members (a member
  of the group, or a group whose members are all in it), whatever their values; a warning where
  the members' figures add up to more than the group's allow.
- ``same-report-figure``: figures of two or more sources that rest on one report figure (the same
  upstream claim), each with how it departs from it.

A comparison needs figures of two or more sources. Everything is grouped by keys and swept in
sorted order, so the cost is n log n in the figures, never all pairs; a large group is shown up to
:data:`SHOWN` lines and says how many more it has.
"""

from __future__ import annotations

import bisect
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from pyoxigraph import Store

from kg.check import ABOUT_TOLERANCE, _fmt, _interval, verdict
from kg.figures import Figure, period_scope, subject_scope, topic_scope
from kg.store import select
from kg.terms import UNIT_IRIS

#: What each verdict means; `kg compare --verdict` takes these names.
VERDICTS = {
    "agree": "some value is allowed by a figure of every source (within rounding and hedges)",
    "disagree": "no value is allowed by a figure of every source",
    "one-source": "only one source is left once deprecated values are set aside",
    "different-units": "the sources give it in units that cannot be compared",
    "different-period": "the same number, of the same subjects, for another period",
    "different-subject": "the same number, in the same period, of other subjects",
    "group-contains": "a group's figure beside the figures of its members",
    "same-report-figure": "figures of several sources that rest on one report figure",
}
SHOWN = 12  # figures shown per comparison (text, and a finding's message); the rest are counted
#: Units whose figures add up over the members of a group (money, counts, power, energy); shares,
#: multiples, growth rates and prices do not.
ADDITIVE = {code for code, iri in UNIT_IRIS.items() if "/CCY_" in iri} | {
    "count",
    *("GW", "MW", "kW"),
    *("TWh", "GWh", "MWh", "kWh"),
}
HEDGE_WORDS = {
    "none": "unhedged",
    "about": "about",
    "nearly": "nearly",
    "more-than": "more than",
    "at-least": "at least",
    "up-to": "up to",
    "range": "range",
}
_ORDER = {name: number for number, name in enumerate(VERDICTS)}
_RANKS = {"preferred": 0, "normal": 1, "deprecated": 2}

Topic = tuple[tuple[str, ...], str | None]  # subjects and period of one side of a comparison
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Line:
    """One figure in a comparison, with what the comparison says about it."""

    figure: Figure
    outlet: str | None = None  # the source's outlet, or its title where short
    how: str | None = None  # same-report-figure: the curator's account (same, rounded, converted, …)
    departure: str | None = None  # same-report-figure: kg.check's verdict on the two numbers
    note: str | None = None  # why it stands apart: not counted, outside the agreement, another unit
    counted: bool = True  # whether the verdict counted it (never a deprecated figure)

    def said(self) -> str:
        """The figure and its source in a few words, for one-line messages."""
        f = self.figure
        hedge = f" ({HEDGE_WORDS.get(f.hedge, f.hedge)})" if f.hedge not in ("none", "range") else ""
        rank = f", {f.rank}" if f.rank != "normal" else ""
        return f"{f.text}{hedge} [{f.source}{rank}]"

    def as_dict(self) -> dict[str, Any]:
        f = self.figure
        plain: dict[str, Any] = {
            "claim": f.id,
            "source": f.source,
            "outlet": self.outlet,
            "subjects": list(f.subjects),
            "period": f.period,
            "text": f.text,
            "value": str(f.value),
            "unit": f.unit,
            "hedge": f.hedge,
            "low": None if f.low is None else str(f.low),
            "high": None if f.high is None else str(f.high),
            "kind": f.kind,
            "status": f.status,
            "rank": f.rank,
            "rank_reason": f.rank_reason,
            "counted": self.counted,
        }
        extra = {"how": self.how, "departure": self.departure, "note": self.note}
        return plain | {k: v for k, v in extra.items() if v is not None}


@dataclass(frozen=True)
class Comparison:
    """Figures of two or more sources side by side, and the verdict on them."""

    verdict: str  # one of VERDICTS
    status: str  # what `kg check` makes of it: pass or warn
    metric: str
    topics: tuple[Topic, ...]  # one for a topic; the sides of a near match
    lines: tuple[Line, ...]  # every figure compared, preferred first, deprecated last
    note: str = ""  # the verdict in a sentence
    upstream: Line | None = None  # same-report-figure: the report's own figure, where the graph has it
    agreed: tuple[tuple[str, Decimal, Decimal], ...] = field(default=())  # agree: (unit, low, high) all allow
    #: the key of the figures it depends on (kg.figures.scopes_of): a build compares again only
    #: where a figure of that key changed
    scope: tuple[str, ...] = ()

    @property
    def sources(self) -> tuple[str, ...]:
        every = [line.figure.source for line in (*self.lines, *([self.upstream] if self.upstream else []))]
        return tuple(sorted({s for s in every if s}))

    @property
    def claims(self) -> tuple[str, ...]:
        return tuple(line.figure.id for line in (*([self.upstream] if self.upstream else []), *self.lines))

    def title(self) -> str:
        """subject · metric · period, with the sides of a near match."""
        subjects = _distinct(" & ".join(s) for s, _ in self.topics)
        periods = _distinct(p or "no period" for _, p in self.topics)
        joined = " | ".join(subjects)
        if self.verdict == "group-contains":
            joined = f"{subjects[0]} ⊃ {', '.join(subjects[1:])}"
        title = f"{joined} · {self.metric} · {' | '.join(periods)}"
        return f"{title} ← {self.upstream.figure.id}" if self.upstream else title

    def summary(self, shown: int = SHOWN) -> str:
        """The verdict and every figure with its source, in one line (a finding's message)."""
        said = "; ".join(line.said() for line in self.lines[:shown])
        more = len(self.lines) - shown
        rest = f"; and {more} more figures" if more > 0 else ""
        base = f"{self.upstream.said()} ← " if self.upstream else ""
        return f"{self.title()}: {self.verdict}: {base}{said}{rest}" + (f" ({self.note})" if self.note else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "status": self.status,
            "title": self.title(),
            "metric": self.metric,
            "topics": [{"subjects": list(s), "period": p} for s, p in self.topics],
            "sources": list(self.sources),
            "note": self.note,
            "agreed": [{"unit": u, "low": _exact(low), "high": _exact(high)} for u, low, high in self.agreed],
            "upstream": self.upstream.as_dict() if self.upstream else None,
            "figures": [line.as_dict() for line in self.lines],
        }


#: The kinds of scope a comparison is keyed on (kg.figures.scopes_of): one subject, metric and period;
#: one subject and metric over periods; one metric and period over subjects; one report figure.
SCOPE_KINDS = frozenset({"topic", "subject", "period", "upstream"})


def compare(
    figures: Mapping[str, Figure] | Iterable[Figure],
    groups: Mapping[str, Iterable[str]] | None = None,
    outlets: Mapping[str, str] | None = None,
    kinds: Collection[str] = SCOPE_KINDS,
) -> list[Comparison]:
    """Every comparison of the figures, ordered by subject, metric and period.

    ``groups`` maps a group actor's id to its members' ids (:func:`read_groups`); ``outlets`` a
    source id to the name its lines show (:func:`read_outlets`). ``kinds`` keeps only the
    comparisons keyed on those kinds of scope: a build that rechecks one metric and period over
    its many subjects needs none of the others, which would cost it most of the time.
    """
    every = list(figures.values()) if isinstance(figures, Mapping) else list(figures)
    named = _Named(outlets or {})
    measured = [f for f in every if f.metric]
    topics = _group(measured, lambda f: (f.subjects, f.metric, f.period))
    counted = [f for f in measured if f.rank != "deprecated"]
    contains = _containment(groups or {})
    found: list[Comparison] = []
    if "topic" in kinds:
        found += _same_topic(topics, named)
    if "subject" in kinds:
        found += _same_number(counted, named, "different-period")
    if "period" in kinds:
        found += _same_number(counted, named, "different-subject", contains)
        found += _within_groups(topics, contains, named)
    if "upstream" in kinds:
        found += _same_report(every, named)
    return sorted(found, key=_order)


def _order(comparison: Comparison) -> tuple[Any, ...]:
    subjects, period = comparison.topics[0]
    return (subjects, comparison.metric, period or "", _ORDER[comparison.verdict], comparison.claims)


class _Named:
    """Lines with their source's outlet."""

    def __init__(self, outlets: Mapping[str, str]):
        self.outlets = outlets

    def __call__(self, figure: Figure, **extra: Any) -> Line:
        return Line(figure, self.outlets.get(figure.source or ""), **{"counted": figure.rank != "deprecated", **extra})


def _group(items: Iterable[Figure], key: Callable[[Figure], K]) -> dict[K, list[Figure]]:
    grouped: dict[K, list[Figure]] = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped


def _sources(figures: Iterable[Figure]) -> set[str]:
    return {f.source or "" for f in figures}


def _distinct(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _by_rank(figure: Figure) -> tuple[Any, ...]:
    return (_RANKS.get(figure.rank, 1), figure.source or "", figure.id)


# ---------------------------------------------------------------------------------------------
# One topic: same subjects, metric and period


def _same_topic(topics: Mapping[tuple[Any, ...], list[Figure]], named: _Named) -> Iterator[Comparison]:
    for (subjects, metric, period), same in topics.items():
        if len(_sources(same)) < 2:
            continue
        counted = _best_by_source(same)
        allowed = {f.id: _interval(f) for f in counted}  # once per figure: reading its digits is the cost
        by_unit = _group(counted, lambda f: f.unit)
        comparable = {unit: fs for unit, fs in by_unit.items() if len(_sources(fs)) >= 2}
        agreed = {unit: _common(fs, allowed) for unit, fs in comparable.items()}
        outcome = _topic_verdict(agreed, counted)
        outside = _outside(comparable, allowed, agreed) if outcome == "agree" else set()
        lines = tuple(
            named(f, note=_apart(f, allowed, outside, agreed, outcome), counted=f.id in allowed)
            for f in sorted(same, key=_by_rank)
        )
        ranges = tuple((unit, low, high) for unit, segments in sorted(agreed.items()) for low, high in segments)
        yield Comparison(
            outcome,
            "warn" if outcome == "disagree" else "pass",
            metric,
            ((subjects, period),),
            lines,
            _topic_note(outcome, comparable, ranges, counted),
            agreed=ranges if outcome == "agree" else (),
            scope=topic_scope(subjects, metric, period),
        )


def _best_by_source(figures: list[Figure]) -> list[Figure]:
    """Each source's best-ranked figures: its preferred ones where it has any, else its normal ones.

    Wikidata's best rank, taken per source: a curator who prefers a source's later plan to its
    earlier one retires the earlier one, not the other sources' values, which still count.
    """
    preferring = {f.source for f in figures if f.rank == "preferred"}
    return [f for f in figures if f.rank == "preferred" or (f.rank == "normal" and f.source not in preferring)]


def _topic_verdict(agreed: Mapping[str, list[tuple[Decimal, Decimal]]], counted: list[Figure]) -> str:
    if not agreed:
        return "different-units" if len(_sources(counted)) >= 2 else "one-source"
    return "agree" if all(agreed.values()) else "disagree"


def _topic_note(
    outcome: str,
    comparable: Mapping[str, list[Figure]],
    ranges: Sequence[tuple[str, Decimal, Decimal]],
    counted: list[Figure],
) -> str:
    sources = len(_sources(f for fs in comparable.values() for f in fs))
    if outcome == "agree":
        allowed = " or ".join(_between(low, high, unit) for unit, low, high in ranges)
        return f"{sources} sources; every one allows {allowed}"
    if outcome == "disagree":
        preferred = [f for f in counted if f.rank == "preferred"]
        best = f"; preferred: {', '.join(f'{f.text} [{f.source}]' for f in preferred)}" if preferred else ""
        return f"{sources} sources; no value is allowed by every one{best}"
    return VERDICTS[outcome]


def _common(figures: Sequence[Figure], allowed: Mapping[str, tuple[Decimal, Decimal]]) -> list[tuple[Decimal, Decimal]]:
    """The values that every source allows with at least one of its figures, as disjoint intervals.

    A sweep over the ends of the figures' intervals, lowest first (an interval opens before one
    that ends at the same value closes: touching intervals share that value), counting the
    sources with an open interval: wherever all are open, all agree.
    """
    everyone = len(_sources(figures))
    events = []
    for figure in figures:
        low, high = allowed[figure.id]
        events += [(low, 0, figure.source or ""), (high, 1, figure.source or "")]
    events.sort(key=lambda event: (event[0], event[1]))
    open_by_source: Counter[str] = Counter()
    covering, start, segments = 0, Decimal(0), []
    for value, closes, source in events:
        if not closes:
            open_by_source[source] += 1
            if open_by_source[source] == 1:
                covering += 1
                if covering == everyone:
                    start = value
            continue
        open_by_source[source] -= 1
        if open_by_source[source] == 0:
            if covering == everyone:
                segments.append((start, value))
            covering -= 1
    return segments


def _outside(
    comparable: Mapping[str, list[Figure]],
    allowed: Mapping[str, tuple[Decimal, Decimal]],
    agreed: Mapping[str, list[tuple[Decimal, Decimal]]],
) -> set[str]:
    """The figures that allow none of the values all sources agree on (each looked up by bisection)."""
    outside = set()
    for unit, figures in comparable.items():
        segments = agreed[unit]
        starts = [start for start, _ in segments]
        for figure in figures:
            low, high = allowed[figure.id]
            at = bisect.bisect_right(starts, high) - 1
            if at < 0 or segments[at][1] < low:
                outside.add(figure.id)
    return outside


def _apart(
    figure: Figure, counted: Mapping[str, Any], outside: set[str], agreed: Mapping[str, Any], outcome: str
) -> str | None:
    """Why a figure of a topic stands apart from the verdict, if it does."""
    if figure.rank == "deprecated":
        return "deprecated: not counted"
    if figure.id not in counted:
        return "not counted: its source prefers another value"
    if figure.unit not in agreed:
        return f"not compared: no other source gives it in {figure.unit}" if outcome != "one-source" else None
    return "outside the values every source allows" if figure.id in outside else None


# ---------------------------------------------------------------------------------------------
# Near matches: the same number for another period, or of other subjects


#: Two values within this share of the larger are "the same number" (the tolerance of 约 / about).
SAME_NUMBER = ABOUT_TOLERANCE
#: Near matches are between numbers: a bound (more than, at least, up to) says little about the value.
NUMBERS = ("none", "about", "nearly", "range")


def _clusters(figures: list[Figure]) -> list[list[Figure]]:
    """Figures whose values lie within SAME_NUMBER of the lowest of their cluster, lowest first.

    One sort and a sweep; each cluster is anchored at its lowest value, so that no chain of
    near values joins numbers far apart.
    """
    clusters: list[list[Figure]] = []
    anchor = Decimal(0)
    for figure in sorted(figures, key=lambda f: (f.value, f.id)):
        if clusters and figure.value - anchor <= SAME_NUMBER * max(abs(anchor), abs(figure.value)):
            clusters[-1].append(figure)
        else:
            clusters.append([figure])
            anchor = figure.value
    return clusters


#: At most this many pairs of subjects are tried per cluster to tell a group from another subject.
PAIRS_TRIED = 1000


def _same_number(
    counted: list[Figure], named: _Named, outcome: str, contains: Mapping[str, set[str]] | None = None
) -> Iterator[Comparison]:
    """Clusters of one number that hold figures of two or more sides (periods or subjects) and sources.

    ``different-period`` groups by subjects, metric and unit and tells periods apart;
    ``different-subject`` groups by metric, period and unit and tells subject sets apart, leaving
    out a group and its members (``contains``), which :func:`_within_groups` shows.
    """
    by_period = outcome == "different-period"

    def key(f: Figure) -> tuple[Any, ...]:
        return (f.subjects, f.metric, f.unit) if by_period else (f.metric, f.period, f.unit)

    def side(f: Figure) -> tuple[str, ...]:
        return (f.period or "",) if by_period else f.subjects

    numbers = [f for f in counted if f.hedge in NUMBERS]
    for same in _group(numbers, key).values():
        if len({side(f) for f in same}) < 2:
            continue
        for cluster in _clusters(same):
            place = {s: n for n, s in enumerate(sorted({side(f) for f in cluster}))}
            if len(place) < 2 or len(_sources(cluster)) < 2:
                continue
            if not by_period and not _unrelated(list(place), contains or {}):
                continue
            ordered = sorted(cluster, key=lambda f: (place[side(f)], *_by_rank(f)))
            first = ordered[0]
            yield Comparison(
                outcome,
                "warn",
                first.metric or "",
                tuple(dict.fromkeys((f.subjects, f.period) for f in ordered)),
                tuple(named(f) for f in ordered),
                f"{VERDICTS[outcome]}: is one of them mislabelled?",
                scope=subject_scope(first) if by_period else period_scope(first.metric, first.period),
            )


def _unrelated(sides: Sequence[tuple[str, ...]], contains: Mapping[str, set[str]]) -> bool:
    """Whether two of the subject sets are neither equal nor one a group containing the other."""
    tried = 0
    for number, first in enumerate(sides):
        for second in sides[number + 1 :]:
            tried += 1
            if tried > PAIRS_TRIED or not (_covers(first, second, contains) or _covers(second, first, contains)):
                return True
    return False


def _covers(group: tuple[str, ...], part: tuple[str, ...], contains: Mapping[str, set[str]]) -> bool:
    return len(group) == 1 == len(part) and part[0] in contains.get(group[0], set())


# ---------------------------------------------------------------------------------------------
# A group beside its members


def _containment(groups: Mapping[str, Iterable[str]]) -> dict[str, set[str]]:
    """Group id → every actor it contains: its members, their members, and groups all of whose members it holds.

    Computed over the actors (few), not the figures: pairs of groups cost groups², members included.
    """
    members = {group: set(ids) for group, ids in groups.items() if ids}
    reach: dict[str, set[str]] = {}
    for group in members:
        seen, todo = set(), list(members[group])
        while todo:
            actor = todo.pop()
            if actor not in seen and actor != group:
                seen.add(actor)
                todo += members.get(actor, ())
        reach[group] = seen
    subgroups = {group: {other for other, theirs in reach.items() if theirs < held} for group, held in reach.items()}
    return {group: held | subgroups[group] for group, held in reach.items()}


def _within_groups(
    topics: Mapping[tuple[Any, ...], list[Figure]], contains: Mapping[str, set[str]], named: _Named
) -> Iterator[Comparison]:
    """For each group's figure, the figures of the largest parts of it with the same metric and period.

    Only single subjects take part. A part is left out where a larger part present holds it
    (the hyperscalers' figure stands for Amazon's inside the tech giants), so no member counts twice.
    """
    for (subjects, metric, period), figures in topics.items():
        if len(subjects) != 1 or subjects[0] not in contains:
            continue
        present = [m for m in sorted(contains[subjects[0]]) if ((m,), metric, period) in topics]
        held = set().union(*(contains[m] for m in present if m in contains))  # by a part that is a group
        parts = [m for m in present if m not in held]
        if not parts:
            continue
        members = [sorted(topics[((m,), metric, period)], key=_by_rank) for m in parts]
        lines = sorted(figures, key=_by_rank) + [f for part in members for f in part]
        if len(_sources(lines)) < 2:
            continue
        disjoint = sum(len(contains.get(m, ())) or 1 for m in parts) == len(
            set().union(*(contains.get(m) or {m} for m in parts))
        )
        note = _sum_problem(figures, members) if disjoint else ""
        yield Comparison(
            "group-contains",
            "warn" if note else "pass",
            metric,
            ((subjects, period), *(((m,), period) for m in parts)),
            tuple(named(f, note="deprecated: not counted" if f.rank == "deprecated" else None) for f in lines),
            note or VERDICTS["group-contains"],
            scope=period_scope(metric, period),
        )


def _sum_problem(group: list[Figure], members: list[list[Figure]]) -> str:
    """Where the parts' figures add up to more than the group's figures allow, in one additive unit.

    Lenient: each part counts with its lowest figure, the group with its highest, deprecated
    ones with none; so only a sum that no choice of figures can make fit is reported.
    """
    problems = []
    for unit in sorted({f.unit for f in group} & ADDITIVE):
        highest = max((_interval(f)[1] for f in group if f.unit == unit and f.rank != "deprecated"), default=None)
        counted = ([f for f in member if f.unit == unit and f.rank != "deprecated"] for member in members)
        lows = [min(_interval(f)[0] for f in figures) for figures in counted if figures]
        if highest is None or not lows:
            continue
        total = sum(lows, Decimal(0))
        if total > highest:
            problems.append(
                f"its parts add up to at least {_between(total, total, unit)},"
                f" more than the group's figures allow ({_between(highest, highest, unit)} at most)"
            )
    return "; ".join(problems)


# ---------------------------------------------------------------------------------------------
# Figures resting on one report figure


def _same_report(figures: list[Figure], named: _Named) -> Iterator[Comparison]:
    by_id = {f.id: f for f in figures}
    resting: dict[str, list[tuple[Figure, str]]] = defaultdict(list)
    for figure in figures:
        for upstream, how in figure.upstream:
            resting[upstream].append((figure, how))
    for upstream, links in resting.items():
        if len(_sources(f for f, _ in links)) < 2:
            continue
        report = by_id.get(upstream)
        links.sort(key=lambda link: _by_rank(link[0]))
        lines = tuple(
            named(f, how=how, departure=verdict(f, report, how).verdict if report else None) for f, how in links
        )
        first = report or links[0][0]
        yield Comparison(
            "same-report-figure",
            "pass",
            first.metric or "",
            ((first.subjects, first.period),),
            lines,
            f"{len(lines)} figures of {len(_sources(f for f, _ in links))} sources rest on {upstream}",
            upstream=named(report) if report else None,
            scope=("upstream", upstream),
        )


# ---------------------------------------------------------------------------------------------
# Reading what the comparisons need from the store, and showing them


_GROUPS = "SELECT ?group ?member WHERE { ?g kg:member/dcterms:identifier ?member ; dcterms:identifier ?group }"
_OUTLETS = """
SELECT ?id ?title ?outlet WHERE {
  ?source a kg:Source ; dcterms:identifier ?id ; dcterms:title ?title .
  OPTIONAL { ?source dcterms:publisher/rdfs:label ?outlet . FILTER(LANG(?outlet) = "en") }
} ORDER BY ?id ?title
"""
SHORT_TITLE = 40  # a title longer than this is cut where a source has no outlet to name it by


def read_groups(store: Store) -> dict[str, list[str]]:
    """Group actor id → its members' ids."""
    groups: dict[str, list[str]] = defaultdict(list)
    for row in select(store, _GROUPS):
        groups[row["group"]].append(row["member"])
    return {group: sorted(members) for group, members in groups.items()}


def read_outlets(store: Store) -> dict[str, str]:
    """Source id → its outlet (the publisher's English label), or its title, cut where long."""
    named: dict[str, str] = {}
    for row in select(store, _OUTLETS):
        title = row["title"] if len(row["title"]) <= SHORT_TITLE else row["title"][: SHORT_TITLE - 1] + "…"
        named.setdefault(row["id"], row["outlet"] or title)
    return named


def render(comparisons: Sequence[Comparison], shown: int = SHOWN) -> str:
    """Text for people: each comparison's title and verdict, then one line per figure naming its source."""
    blocks = []
    for comparison in comparisons:
        head = f"{comparison.title()} — {comparison.verdict}" + (f": {comparison.note}" if comparison.note else "")
        lines = [head]
        if comparison.upstream:
            lines.append("  rests on " + _line(comparison.upstream, comparison))
        lines += ["  " + _line(line, comparison) for line in comparison.lines[:shown]]
        if len(comparison.lines) > shown:
            more = len(comparison.lines) - shown
            lines.append(f"  … and {more} more figures ({len(comparison.sources)} sources in all)")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def _line(line: Line, comparison: Comparison) -> str:
    f = line.figure
    source = f"{f.source} ({line.outlet})" if line.outlet else f"{f.source}"
    where = ""
    if len(comparison.topics) > 1 or (f.subjects, f.period) != comparison.topics[0]:
        where = f"{' & '.join(f.subjects)} · {f.period or 'no period'}: "  # where it is not the title's
    hedge = HEDGE_WORDS.get(f.hedge, f.hedge)
    if f.hedge == "range" and f.low is not None and f.high is not None:
        hedge = f"range {_fmt(f.low)}–{_fmt(f.high)}"
    parts = [f"{where}{source}: {f.text} = {_fmt(f.value)} {f.unit}", hedge, f.kind, f.rank]
    if f.status != "reviewed":
        parts.append(f.status)
    if line.how:
        parts.append(f"{line.how} → {line.departure}" if line.departure else line.how)
    text = "; ".join(parts) + f"  [{f.id}]"
    if line.note:
        text += f"\n      {line.note}"
    if f.rank_reason:
        text += f"\n      why {f.rank}: {' '.join(f.rank_reason.split())}"
    return text


def _between(low: Decimal, high: Decimal, unit: str) -> str:
    if low == high:
        return f"{_short(low)} {unit}"
    if low.is_infinite() and high.is_infinite():
        return f"any value in {unit}"
    if high.is_infinite():
        return f"{_short(low)} {unit} or more"
    if low.is_infinite():
        return f"up to {_short(high)} {unit}"
    return f"{_short(low)}–{_short(high)} {unit}"


def _short(value: Decimal) -> str:
    """A large amount in words (2.85 trillion), a small one as it is."""
    for scale, word in ((Decimal(10) ** 12, "trillion"), (Decimal(10) ** 9, "billion"), (Decimal(10) ** 6, "million")):
        if abs(value) >= scale:
            return f"{_fmt(value / scale)} {word}"
    return _fmt(value)


def _exact(value: Decimal) -> str:
    """A decimal for JSON: exact, without trailing zeros ("1450000000000", "Infinity")."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
