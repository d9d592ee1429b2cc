"""A draft scored field by field: value, unit, hedge, period, kind, subject, attribution, metric and flows.

Two kinds of expectation, read into one form: a curated claims file of the same text (data/claims/*.yaml)
and a hand-labelled fixture (``*.expected.yaml``: ``figures`` with text, occurrence, value, min/max,
unit, hedge, period, kind, subjects, attributed_to, metric phrases, and ``flows``).

An expected figure is *found* when a drafted figure's characters overlap its own, and *right* when that
figure also has its value and unit; the other fields are scored on the right ones. Names match as the
review page matches them: a drafted actor is right when its id is an expected id, or when one of its
labels or aliases (or a proposed actor's label) is an expected name, case and spaces aside, either
containing the other for names of several words. A metric is right when its id or a label contains
one of the expected phrases, or one of them contains it. A flow is drafted with both ends right when
some drafted flow (each used once) has a right funder and a right recipient; its instrument is
scored apart.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from kg.extract.draft import draft
from kg.extract.files import load_yaml
from kg.extract.numbers import plain
from kg.extract.reading import ExtractError, read
from kg.extract.text import normalise
from kg.models import Actor, ClaimsFile, Dataset, Span, parse_decimal

FIELDS = ("unit", "hedge", "period", "kind", "subject", "attribution", "metric")


@dataclass(frozen=True)
class Expected:
    """One figure as a person reads it."""

    start: int
    end: int
    text: str
    value: Decimal
    unit: str
    hedge: str | None = None
    bounds: tuple[Decimal | None, Decimal | None] = (None, None)
    period: str | None = None
    kind: str | None = None
    subjects: tuple[str, ...] | None = None  # None: not scored; ids, or names as written
    attributed_to: tuple[str, ...] | None = None
    metric: tuple[str, ...] | None = None  # phrases, or (id,) for a curated claim


@dataclass(frozen=True)
class ExpectedFlow:
    funder: str
    recipient: str
    instrument: str
    span: tuple[int, int] | None  # where its amount is written, if it has one


@dataclass
class Evaluation:
    """Counts of one draft against one expectation, with what went wrong by field."""

    name: str = ""
    expected: int = 0
    drafted: int = 0
    found: int = 0
    right: int = 0  # value and unit
    spurious: int = 0  # drafted figures that overlap no expected one
    agree: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    scored: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    flows_expected: int = 0
    flows_right: int = 0
    instruments_right: int = 0
    wrong: dict[str, list[str]] = field(default_factory=dict)

    def share(self, name: str) -> float:
        """The share right of a field: figures found, value (of found), a field (of right), flows."""
        part, whole = {
            "found": (self.found, self.expected),
            "value": (self.right, self.found),
            "precision": (self.drafted - self.spurious, self.drafted),
            "flows": (self.flows_right, self.flows_expected),
        }.get(name, (self.agree.get(name, 0), self.scored.get(name, 0)))
        return part / whole if whole else 1.0

    def add(self, other: Evaluation) -> None:
        for name in (
            "expected",
            "drafted",
            "found",
            "right",
            "spurious",
            "flows_expected",
            "flows_right",
            "instruments_right",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in FIELDS:
            self.agree[name] += other.agree[name]
            self.scored[name] += other.scored[name]

    def note(self, kind: str, message: str) -> None:
        self.wrong.setdefault(kind, []).append(message)

    def report(self) -> str:
        def cell(part: int, whole: int) -> str:
            return f"{100 * part / whole:5.1f} % ({part}/{whole})" if whole else "    -"

        lines = [
            f"{self.expected} expected figures, {self.drafted} drafted" + (f" ({self.name})" if self.name else ""),
            f"found       {cell(self.found, self.expected)}",
            f"value+unit  {cell(self.right, self.found)} of those found",
            f"precision   {cell(self.drafted - self.spurious, self.drafted)} of the drafted figures expected",
            *(f"{name:<11} {cell(self.agree[name], self.scored[name])}" for name in FIELDS),
            f"flows       {cell(self.flows_right, self.flows_expected)} with both ends right"
            f"; instrument {cell(self.instruments_right, self.flows_right)}",
        ]
        for kind, items in self.wrong.items():
            lines.append(f"{kind}:")
            lines += [f"  {item}" for item in items]
        return "\n".join(lines) + "\n"


# -- reading expectations


def expected_from_fixture(
    data: dict[str, Any], text: str, path: Path | str = ""
) -> tuple[list[Expected], list[ExpectedFlow]]:
    """The figures and flows of a hand-labelled ``*.expected.yaml``."""
    try:
        figures = [_fixture_figure(item, text) for item in data.get("figures") or []]
        flows = [
            ExpectedFlow(
                str(item["funder"]),
                str(item["recipient"]),
                str(item.get("instrument") or ""),
                _place(text, item["text"], item.get("occurrence", 1)) if item.get("text") else None,
            )
            for item in data.get("flows") or []
        ]
    except (KeyError, TypeError, ValueError) as err:
        raise ExtractError(f"{path}: not an expected-figures file ({err})") from None
    return figures, flows


def _fixture_figure(item: dict[str, Any], text: str) -> Expected:
    start, end = _place(text, str(item["text"]), item.get("occurrence", 1))
    bounds = (_decimal(item.get("min")), _decimal(item.get("max")))
    return Expected(
        start, end, str(item["text"]), parse_decimal(item["value"]), str(item["unit"]), item.get("hedge"), bounds,
        None if item.get("period") is None else str(item["period"]), item.get("kind"),
        tuple(map(str, item["subjects"])) if item.get("subjects") is not None else None,
        tuple(map(str, item["attributed_to"])) if "attributed_to" in item else None,
        tuple(map(str, item["metric"])) if item.get("metric") else None,
    )  # fmt: skip


def _place(text: str, figure: str, occurrence: int) -> tuple[int, int]:
    """Where the ``occurrence``-th (1-based) ``figure`` is written."""
    at = -1
    for _ in range(int(occurrence)):
        at = text.find(figure, at + 1)
        if at == -1:
            raise ValueError(f"{figure!r} (occurrence {occurrence}) is not in the text")
    return at, at + len(figure)


def expected_from_claims(curated: ClaimsFile, text: str) -> tuple[list[Expected], list[ExpectedFlow]]:
    """The figures and flows of a curated claims file of the same text (spans checked against it)."""
    figures, flows = [], []
    for claim in curated.claims:
        if not isinstance(claim.evidence, Span):
            continue
        span = claim.evidence
        if text[span.start : span.end] != span.quote:
            raise ExtractError(
                f"claim {claim.id}: its quote is not at [{span.start}, {span.end}) of this text"
                " (are the claims of another text?)"
            )
        place = None
        if claim.quantity is not None:
            start = span.start + span.quote.index(claim.quantity.text)
            place = (start, start + len(claim.quantity.text))
            q = claim.quantity
            figures.append(
                Expected(
                    *place,
                    q.text,
                    q.value,
                    q.unit,
                    q.hedge,
                    (q.min, q.max),
                    claim.period.label if claim.period else None,
                    claim.kind,
                    claim.subjects,
                    claim.attributed_to,
                    (claim.metric,) if claim.metric else None,
                )
            )
        if claim.flow is not None:
            flows.append(ExpectedFlow(claim.flow.funder, claim.flow.recipient, claim.flow.instrument, place))
    return figures, flows


def _decimal(raw: object) -> Decimal | None:
    return None if raw is None else parse_decimal(raw)


# -- scoring


class _Catalogue:
    """The names of actors, sources and metrics, the dataset's and the draft's proposals, for matching."""

    def __init__(self, dataset: Dataset, draft: ClaimsFile):
        proposed = draft.proposed
        actors: Iterable[Actor] = (*dataset.actors, *(proposed.actors if proposed else ()))
        self.actor_ids = {a.id for a in dataset.actors}
        self.actor_names = {a.id: {a.id, a.label.en or "", a.label.zh or "", *a.aliases} - {""} for a in actors}
        sources = (*dataset.sources, *(proposed.sources if proposed else ()))
        self.source_names = {
            s.id: {s.id, s.title, s.title_en or "", s.author or "", *self.actor_names.get(s.publisher or "", ())} - {""}
            for s in sources
        }
        metrics = (*dataset.vocabulary.metrics, *(proposed.metrics if proposed else ()))
        self.metric_names = {c.id: {c.id.replace("-", " "), c.label.en or "", c.label.zh or ""} - {""} for c in metrics}
        instruments = (*dataset.vocabulary.instruments, *(proposed.instruments if proposed else ()))
        self.instrument_names = {
            c.id: {c.id.replace("-", " "), c.label.en or "", c.label.zh or ""} - {""} for c in instruments
        }

    def actor_right(self, drafted: str, expected: Iterable[str]) -> bool:
        names = self.actor_names.get(drafted, {drafted})
        return any(e == drafted or (e not in self.actor_ids and _names_match(e, names)) for e in expected)

    def source_right(self, drafted: str, expected: Iterable[str]) -> bool:
        names = self.source_names.get(drafted, {drafted})
        return any(e == drafted or _names_match(e, names) for e in expected)

    def metric_right(self, drafted: str | None, expected: tuple[str, ...]) -> bool:
        if drafted is None:
            return False
        names = {_fold(n) for n in self.metric_names.get(drafted, {drafted})}
        for phrase in map(_fold, expected):
            if phrase == _fold(drafted) or any(phrase in n or n in phrase for n in names if n):
                return True
        return False

    def instrument_right(self, drafted: str, expected: str) -> bool:
        names = {_fold(n) for n in self.instrument_names.get(drafted, {drafted})}
        wanted = _fold(expected.replace("-", " "))
        return drafted == expected or any(wanted in n or n in wanted for n in names if n)


def _fold(name: str) -> str:
    return "".join(normalise(name).casefold().split()).replace("-", "")


def _names_match(expected: str, names: Iterable[str]) -> bool:
    """Case and spaces aside, equal; or, for a name of several words, one containing the other."""
    wanted = _fold(expected)
    for name in names:
        have = _fold(name)
        if not have or not wanted:
            continue
        if have == wanted:
            return True
        several = " " in expected.strip() or " " in name.strip()
        if several and (wanted in have or have in wanted):
            return True
    return False


def evaluate(
    draft: ClaimsFile, dataset: Dataset, figures: list[Expected], flows: list[ExpectedFlow], name: str = ""
) -> Evaluation:
    """How many of the expected figures and flows the draft has, and how many of their fields are right."""
    catalogue = _Catalogue(dataset, draft)
    drafted = [c for c in draft.claims if c.quantity is not None]
    spans = []
    for claim in drafted:
        assert claim.quantity is not None and isinstance(claim.evidence, Span)
        start = claim.evidence.start + claim.evidence.quote.index(claim.quantity.text)
        spans.append((start, start + len(claim.quantity.text)))
    result = Evaluation(name=name, expected=len(figures), drafted=len(drafted))
    used: set[int] = set()
    for expected in figures:
        overlapping = [i for i, (s, e) in enumerate(spans) if s < expected.end and expected.start < e]
        if not overlapping:
            result.note("missed", f"{expected.text} at {expected.start}")
            continue
        result.found += 1
        right = [i for i in overlapping if _value_right(drafted[i].quantity, expected)]
        if not right:
            got = drafted[overlapping[0]].quantity
            assert got is not None
            result.note(
                "wrong value or unit",
                f"{expected.text}: {plain(expected.value)} {expected.unit}, drafted {plain(got.value)} {got.unit}",
            )
            continue
        chosen = next((i for i in right if i not in used), right[0])
        used.add(chosen)
        result.right += 1
        _score_fields(result, catalogue, drafted[chosen], expected)
    for i, claim in enumerate(drafted):
        if i not in used and not any(s < e.end and e.start < t for (s, t) in [spans[i]] for e in figures):
            assert claim.quantity is not None
            result.spurious += 1
            result.note("not expected", f"{claim.quantity.text} at {spans[i][0]}")
    _score_flows(result, catalogue, draft, spans, drafted, flows)
    return result


def _value_right(quantity: Any, expected: Expected) -> bool:
    return bool(quantity.value == expected.value and quantity.unit == expected.unit)


def _score_fields(result: Evaluation, catalogue: _Catalogue, claim: Any, expected: Expected) -> None:
    q = claim.quantity
    checks: dict[str, tuple[bool, str]] = {
        "unit": (q.unit == expected.unit, q.unit),
    }
    if expected.hedge is not None:
        bounds_right = expected.hedge != "range" or (q.min, q.max) == expected.bounds
        checks["hedge"] = (q.hedge == expected.hedge and bounds_right, q.hedge)
    period = claim.period.label if claim.period else None
    checks["period"] = (period == expected.period, str(period))
    if expected.kind is not None:
        checks["kind"] = (claim.kind == expected.kind, claim.kind)
    if expected.subjects:
        checks["subject"] = (catalogue.actor_right(claim.subjects[0], expected.subjects), claim.subjects[0])
    if expected.attributed_to is not None:
        drafted = claim.attributed_to
        if not expected.attributed_to:
            agree = not drafted
        else:
            agree = bool(drafted) and all(catalogue.source_right(d, expected.attributed_to) for d in drafted)
        checks["attribution"] = (agree, ", ".join(drafted) or "none")
    if expected.metric:
        checks["metric"] = (catalogue.metric_right(claim.metric, expected.metric), str(claim.metric))
    for name, (right, got) in checks.items():
        result.scored[name] += 1
        result.agree[name] += right
        if not right:
            wanted = {
                "unit": expected.unit, "hedge": expected.hedge, "period": expected.period, "kind": expected.kind,
                "subject": expected.subjects, "attribution": expected.attributed_to, "metric": expected.metric,
            }[name]  # fmt: skip
            result.note(name, f"{expected.text} at {expected.start}: drafted {got}, expected {wanted}")


def _score_flows(
    result: Evaluation,
    catalogue: _Catalogue,
    draft: ClaimsFile,
    spans: list[tuple[int, int]],
    drafted: list[Any],
    flows: list[ExpectedFlow],
) -> None:
    """Each expected flow against a drafted flow with both ends right, one drafted flow for one expected."""
    candidates = []
    by_claim = {id(c): spans[i] for i, c in enumerate(drafted)}
    for claim in draft.claims:
        if claim.flow is not None:
            candidates.append((claim.flow, by_claim.get(id(claim))))
    result.flows_expected = len(flows)
    used: set[int] = set()
    for expected in sorted(flows, key=lambda f: f.span is None):
        unused = [
            i
            for i, (flow, _) in enumerate(candidates)
            if i not in used
            and catalogue.actor_right(flow.funder, [expected.funder])
            and catalogue.actor_right(flow.recipient, [expected.recipient])
        ]
        near = [i for i in unused if _overlaps(candidates[i][1], expected.span)]
        if not (near or unused):
            result.note("flow missed", f"{expected.funder} → {expected.recipient} ({expected.instrument})")
            continue
        chosen = (near or unused)[0]
        used.add(chosen)
        result.flows_right += 1
        if catalogue.instrument_right(candidates[chosen][0].instrument, expected.instrument):
            result.instruments_right += 1


def _overlaps(a: tuple[int, int] | None, b: tuple[int, int] | None) -> bool:
    return a is not None and b is not None and a[0] < b[1] and b[0] < a[1]


def score(
    text: str,
    dataset: Dataset,
    against: Path,
    *,
    lang: str = "auto",
    published: date | None = None,
    source_id: str = "draft",
) -> Evaluation:
    """Draft ``text`` and score it against ``against``: a curated claims file or a fixture (``figures:``).

    A fixture's own ``published`` and ``lang`` apply unless given here."""
    data = load_yaml(against)
    if isinstance(data, dict) and "figures" in data:
        figures, flows = expected_from_fixture(data, text, against)
        published = published or _date(data.get("published"), against)
        lang = lang if lang != "auto" else str(data.get("lang") or "auto")
    else:
        try:
            curated = ClaimsFile.model_validate(data)
        except ValueError as err:
            raise ExtractError(
                f"{against}: neither a claims file nor expected figures ({str(err).splitlines()[0]})"
            ) from None
        figures, flows = expected_from_claims(curated, text)
        source_id = curated.source
    reading = read(text, lang=lang, published=published, actors=dataset.actors)
    drafted = draft(reading, dataset, source_id=source_id, dated=False)
    return evaluate(drafted, dataset, figures, flows, name=Path(against).name)


def _date(raw: object, path: Path) -> date | None:
    if raw is None or isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ExtractError(f"{path}: published {raw!r} is not a date YYYY-MM-DD") from None
