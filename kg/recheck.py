"""What the checks find in a new build, worked out again only where figures changed.

A build keeps, beside its store, the figures of every source as the checks read them, and every
finding with its *scope*: the key of the figures it depends on (one figure and those it names,
one whole's shares, one subject-metric-period, … see :func:`kg.figures.scopes_of`). The next
build takes the figures of the sources it made again, old and new, gathers the scopes they touch,
and runs the checks (:func:`kg.check.analyse`) on just the figures of those scopes; every other
finding is kept as it was. So adding one article to a large corpus checks about that article's
neighbourhood, and the findings equal those of a full build (tests/test_rebuild.py).

The state lives in two files of the generation: ``figures.json`` (the figures by source) and
``checks.json`` (the findings), so that ``kg check``, which shows the findings, reads only those.
Both are read and written with orjson: a large corpus has ~100,000 figures, and the standard
library's json took over a second each way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

from kg import arithmetic
from kg.check import CHECK_ORDER, Finding, GraphCheck, analyse, check_compare, check_texts, integrity
from kg.figures import Figure, scopes_of

FIGURES, FINDINGS = "figures.json", "checks.json"
_FIELDS = [f.name for f in fields(Figure)]
_VALUES = {"value", "low", "high"}
_TUPLES = {"subjects", "attributed_to"}


def figure_row(figure: Figure) -> list[Any]:
    """A figure as a JSON array, field by field (decimals as strings)."""
    return [str(v) if isinstance(v, Decimal) else v for v in (getattr(figure, name) for name in _FIELDS)]


def figure_of_row(row: list[Any]) -> Figure:
    values = dict(zip(_FIELDS, row, strict=True))
    for name in _VALUES:
        if values[name] is not None:
            values[name] = Decimal(values[name])
    for name in _TUPLES:
        values[name] = tuple(values[name])
    values["upstream"] = tuple((claim, how) for claim, how in values["upstream"])
    return Figure(**values)


@dataclass
class State:
    """Figures and graph checks by source, and findings with their nodes in the findings graph."""

    figures: dict[str, list[list[Any]]]  # source → figure rows
    quotes: dict[str, int]  # source → quotes of its text its claims rest on
    findings: list[tuple[Finding, str]]  # each with the IRI of its node

    @classmethod
    def read(cls, generation: Path) -> State | None:
        """The state a build kept, or None where it is missing or unreadable."""
        findings = read_findings(generation)
        try:
            plain = orjson.loads((generation / FIGURES).read_bytes())
            return cls(plain["figures"], plain["quotes"], findings) if findings is not None else None
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def write(self, generation: Path) -> None:
        (generation / FIGURES).write_bytes(orjson.dumps({"figures": self.figures, "quotes": self.quotes}))
        findings = [(f.as_json(), node) for f, node in self.findings]
        (generation / FINDINGS).write_bytes(orjson.dumps({"findings": findings}))


def read_findings(generation: Path) -> list[tuple[Finding, str]] | None:
    """The findings a build kept, each with the IRI of its node; None where they are missing or unreadable."""
    try:
        plain = orjson.loads((generation / FINDINGS).read_bytes())
        return [(Finding.from_json(f), node) for f, node in plain["findings"]]
    except (OSError, ValueError, KeyError, TypeError):
        return None


def recheck(
    previous: State | None,
    figures: Mapping[str, list[list[Any]]],
    quotes: Mapping[str, int],
    texts: Iterable[tuple[str, str, str | None]],
    groups: Mapping[str, list[str]],
    made: set[str],
) -> list[Finding]:
    """Every finding of the new build, in a fixed order.

    ``figures`` and ``quotes`` hold every source of the new build; ``made`` names the sources made
    again (or gone) since ``previous``; ``texts`` gives (source id, text, recorded sha256).
    """
    if previous is None:
        found = analyse(_figures(row for rows in figures.values() for row in rows), groups)
    else:
        changed = [row for s in made for rows in (previous.figures.get(s, []), figures.get(s, [])) for row in rows]
        scopes = _touched(changed, figures)
        kept = [f for f, _ in previous.findings if f.scope and f.scope not in scopes and f.check in _ANALYSED]
        # one metric in one period over its subjects can hold much of a corpus: only the comparisons
        # keyed on it run over those figures; every other check runs on the narrower neighbourhood
        wide = {scope for scope in scopes if scope[0] == "period"}
        narrow = scopes - wide
        near = _figures(_neighbourhood(narrow, figures))
        found = kept + [f for f in analyse(near, groups) if f.scope in narrow]
        if wide:
            across = _figures(_neighbourhood(wide, figures))
            found += [f for f in check_compare(across, groups, kinds=("period",)) if f.scope in wide]
        found += _passes(found)
    # the loader checked every quote against its text: a build counts them (kg check --full reads the store)
    return order([*check_texts(texts), *integrity(GraphCheck(n, []) for n in quotes.values()), *found])


#: The checks analyse() runs; the rest (texts, spans, references) are counted again every build.
_ANALYSED = {"arithmetic", "shares", "conflict", "fidelity", "compare"}


def order(findings: Iterable[Finding]) -> list[Finding]:
    """Check by check, then by what they are about: the same order whatever made them."""
    rank = {check: n for n, check in enumerate(CHECK_ORDER)}
    return sorted(findings, key=lambda f: (rank.get(f.check, len(rank)), f.scope, f.status, f.message, f.claims))


def _figures(rows: Iterable[list[Any]]) -> dict[str, Figure]:
    return {figure.id: figure for figure in map(figure_of_row, rows)}


def _touched(changed: list[list[Any]], figures: Mapping[str, list[list[Any]]]) -> set[tuple[str, ...]]:
    """The scopes of the changed figures, and of the figures that name one of them (formula or upstream)."""
    scopes = {tuple(scope) for figure in _figures(changed).values() for scope in scopes_of(figure)}
    ids = {row[_FIELDS.index("id")] for row in changed}
    for rows in figures.values():
        for row in rows:
            if ids & _named(row):
                scopes.add(("figure", row[_ID]))
    return scopes


_ID, _FORMULA, _UPSTREAM = (_FIELDS.index(name) for name in ("id", "formula", "upstream"))
_METRIC, _PERIOD, _SUBJECTS = (_FIELDS.index(name) for name in ("metric", "period", "subjects"))
_SHARE = _FIELDS.index("share_of")


def _named(row: list[Any]) -> set[str]:
    """The claims a figure names: the inputs of its formula and the figures it rests on."""
    named = {claim for claim, _ in row[_UPSTREAM]}
    return named | set(arithmetic.references(row[_FORMULA])) if row[_FORMULA] else named


def _neighbourhood(scopes: set[tuple[str, ...]], figures: Mapping[str, list[list[Any]]]) -> list[list[Any]]:
    """Every figure a scope of ``scopes`` depends on, and the figures those name (for their formulas)."""
    ids = {scope[1] for scope in scopes if scope[0] in ("figure", "upstream")}
    # the metric of a topic (subjects, metric, period), a subject (subjects, metric), a period (metric, period)
    metrics = {scope[2] for scope in scopes if scope[0] in ("topic", "subject")}
    metrics |= {scope[1] for scope in scopes if scope[0] == "period"}
    near: dict[str, list[Any]] = {}
    for rows in figures.values():
        for row in rows:
            if (
                row[_ID] in ids
                or (row[_METRIC] in metrics and _in_scopes(row, scopes))
                or _rests_on(row, ids)
                or (row[_SHARE] and ("share", row[_SHARE], row[_PERIOD] or "") in scopes)
            ):
                near[row[_ID]] = row
    wanted = {claim for row in near.values() for claim in _named(row)} - set(near)
    if wanted:
        near |= {row[_ID]: row for rows in figures.values() for row in rows if row[_ID] in wanted}
    return list(near.values())


def _in_scopes(row: list[Any], scopes: set[tuple[str, ...]]) -> bool:
    subjects, metric, period = "|".join(row[_SUBJECTS]), row[_METRIC] or "", row[_PERIOD] or ""
    return (
        ("topic", subjects, metric, period) in scopes
        or ("subject", subjects, metric) in scopes
        or ("period", metric, period) in scopes
    )


def _rests_on(row: list[Any], ids: set[str]) -> bool:
    return any(claim in ids for claim, _ in row[_UPSTREAM])


def _passes(found: list[Finding]) -> list[Finding]:
    """The lines that say a check found nothing, where it found nothing in the whole graph."""
    return [
        Finding(check, "pass", (), message)
        for check, message in (
            ("conflict", "no two figures of one subject, metric and period disagree"),
            ("compare", "no subject, metric and period has figures of two or more sources"),
        )
        if not any(f.check == check for f in found)
    ]
