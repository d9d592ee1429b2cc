"""A reading of a text → a draft claims file: claims marked ``status: draft`` and what they propose.

Each figure becomes a claim (subjects, metric, quantity, period, kind, attributed_to, evidence, and
the flow its clause states); a flow with no amount becomes a claim of its own. Whatever the claims
name that the dataset lacks is proposed in the file's ``proposed:`` block (kg.models.Proposals): the
source entry of the text itself (with its sha256), new actors, new metrics and instruments, the
sources the text credits, and for each claim the alternatives the draft also considered. With
``kg build --allow-drafts`` the loader counts the proposals as known, so a draft builds as it is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from typing import Any

import yaml

from kg.extract.attribution import Credit
from kg.extract.flows import DraftFlow, Flows
from kg.extract.metric import Metrics
from kg.extract.numbers import plain
from kg.extract.reading import ExtractError, Figure, Reading
from kg.models import (
    Actor,
    Claim,
    ClaimsFile,
    Dataset,
    Flow,
    Period,
    Proposals,
    Quantity,
    Source,
    SourceKind,
    Span,
)

_MONEY = frozenset(("USD", "CNY", "EUR", "GBP", "JPY", "HKD", "KRW", "TWD"))
_SOURCE_KIND: dict[str, SourceKind] = {
    "report": "report",
    "media": "article",
    "anonymous": "statement",
    "speaker": "statement",
}
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]*")


def draft(
    reading: Reading,
    dataset: Dataset,
    *,
    source_id: str,
    sha256: str | None = None,
    title: str | None = None,
    url: str | None = None,
    dated: bool = True,
) -> ClaimsFile:
    """The draft claims file of a reading; ``sha256`` of the text's bytes (default: of its UTF-8).

    ``dated``: refuse a text whose publication date is unknown (a source whose text is shipped needs
    one); otherwise such a text's source entry has no date, file or hash yet."""
    if not _SLUG.fullmatch(source_id) or len(source_id) > 80:
        raise ExtractError(f"source id {source_id!r} is not a slug (a-z, 0-9 and -, at most 80 characters)")
    doc, names = reading.doc, reading.names
    metrics = Metrics(dataset, source_id, doc.lang)
    flows = Flows(doc, names, dataset.vocabulary.instruments)
    cited = _Cited(dataset, source_id, doc.language)
    taken = {c.id for s, c in dataset.claims() if s != source_id}  # a new draft of a source replaces the old
    claims: list[Claim] = []
    choices: dict[str, dict[str, tuple[Any, ...]]] = {}
    drafted_flows = flows.read(reading.figures)
    carried: dict[int, DraftFlow] = {}
    alone: list[DraftFlow] = []
    for flow in drafted_flows:
        if flow.figure is not None and flow.figure not in carried:
            carried[flow.figure] = flow  # a figure's claim carries its first flow; the others stand alone
        else:
            alone.append(flow)
    for index, figure in enumerate(reading.figures):
        subjects = list(figure.subjects[: 2 if figure.kind == "comparison" else 1]) or [_placeholder(reading)]
        assert figure.measure is not None
        metric, other_metrics = metrics.metric(figure.measure, figure.unit)
        claim_id = _claim_id(subjects[0], metric, figure.period, taken)
        claims.append(_figure_claim(claim_id, figure, subjects, metric, cited.ids(figure.credit), carried.get(index)))
        options = {
            "subjects": tuple(figure.subjects[len(subjects) : len(subjects) + 4]),
            "metric": other_metrics,
        }
        choices[claim_id] = {field: values for field, values in options.items() if values}
    for flow in alone:
        claim_id = _claim_id(flow.funder, f"funds-{flow.recipient}", None, taken)
        claims.append(_flow_claim(claim_id, flow, doc.text))
    if not claims:
        raise ExtractError("no figure found in the text: nothing to draft")
    used = _used(claims)
    known_sources = {s.id for s in dataset.sources}
    proposed = Proposals(
        source=None if source_id in known_sources else _source_entry(reading, source_id, sha256, title, url, dated),
        actors=tuple(n.actor() for n in names.new.values() if n.id in used),
        metrics=tuple(c for c in metrics.proposed.values() if c.id in used),
        instruments=tuple(c for c in flows.proposed.values() if c.id in used),
        sources=tuple(s for s in cited.proposed.values() if s.id in used),
        choices={claim: fields for claim, fields in choices.items() if fields},
    )
    return ClaimsFile(source=source_id, claims=tuple(claims), proposed=proposed)


def without_draft(dataset: Dataset, source_id: str) -> Dataset:
    """The dataset as if the earlier draft of ``source_id`` were not there: a new draft replaces it, and the
    names it proposed are proposed again, the same way, not taken as known."""
    earlier = [f for f in dataset.claims_files if f.source == source_id and f.proposed is not None]
    if not earlier:
        return dataset
    proposed = [f.proposed for f in earlier if f.proposed]
    actors = {a.id for p in proposed for a in p.actors}
    metrics = {c.id for p in proposed for c in p.metrics}
    instruments = {c.id for p in proposed for c in p.instruments}
    sources = {s.id for p in proposed for s in p.sources} | {source_id}
    vocabulary = dataset.vocabulary.model_copy(
        update={
            "metrics": tuple(c for c in dataset.vocabulary.metrics if c.id not in metrics),
            "instruments": tuple(c for c in dataset.vocabulary.instruments if c.id not in instruments),
        }
    )
    return dataset.model_copy(
        update={
            "actors": tuple(a for a in dataset.actors if a.id not in actors),
            "sources": tuple(s for s in dataset.sources if s.id not in sources),
            "vocabulary": vocabulary,
            "claims_files": tuple(f for f in dataset.claims_files if f.source != source_id),
        }
    )


def _figure_claim(
    claim_id: str, figure: Figure, subjects: list[str], metric: str, cited: tuple[str, ...], flow: DraftFlow | None
) -> Claim:
    return Claim(
        id=claim_id,
        subjects=tuple(subjects),
        metric=metric,
        quantity=Quantity(
            value=figure.value, unit=figure.unit, text=figure.text, hedge=figure.hedge, min=figure.min, max=figure.max
        ),
        period=_period_or_none(figure.period),
        kind=figure.kind,
        attributed_to=cited,
        evidence=Span(start=figure.quote_start, end=figure.quote_start + len(figure.quote), quote=figure.quote),
        flow=Flow(funder=flow.funder, recipient=flow.recipient, instrument=flow.instrument) if flow else None,
        status="draft",
        note="Drafted by kg extract: check every field against the quote.",
    )


def _flow_claim(claim_id: str, flow: DraftFlow, text: str) -> Claim:
    return Claim(
        id=claim_id,
        subjects=(flow.funder, flow.recipient),
        kind="fact",
        evidence=Span(start=flow.start, end=flow.end, quote=text[flow.start : flow.end]),
        flow=Flow(funder=flow.funder, recipient=flow.recipient, instrument=flow.instrument),
        status="draft",
        note="Drafted by kg extract: a funding flow the text states without an amount.",
    )


def _placeholder(reading: Reading) -> str:
    """The subject of a figure that names no one: the world, as the dataset calls it."""
    gazetteer = reading.names.gazetteer
    return gazetteer.known("world") or gazetteer.known("全球") or reading.names.propose("World", "全球", "region")


def _used(claims: Sequence[Claim]) -> set[str]:
    used: set[str] = set()
    for claim in claims:
        used |= {*claim.subjects, *claim.attributed_to}
        used |= {claim.metric} if claim.metric else set()
        if claim.flow:
            used |= {claim.flow.funder, claim.flow.recipient, claim.flow.instrument}
    return used


class _Cited:
    """The sources a text credits: one of sources.yaml when it is the same, else a proposed one."""

    def __init__(self, dataset: Dataset, own: str, language: str):
        self.others = [s for s in dataset.sources if s.id != own and s.kind != "article"]
        self.taken = {s.id for s in dataset.sources}
        self.language = language
        self.proposed: dict[str, Source] = {}

    def ids(self, credit: Credit | None) -> tuple[str, ...]:
        if credit is None:
            return ()
        known = self._known(credit)
        if known:
            return (known,)
        return tuple(dict.fromkeys(self._propose(name, credit) for name in credit.names if name))

    def _known(self, credit: Credit) -> str | None:
        """By author, else by the one source of a named publisher, else by title (as old drafts did)."""
        by_author = [s.id for s in self.others if s.author and (s.author in credit.text or credit.text in s.author)]
        if len(by_author) == 1:
            return by_author[0]
        by_publisher = [s.id for s in self.others if s.publisher and s.publisher in credit.actors]
        if len(by_publisher) == 1:
            return by_publisher[0]
        keys = {_key(n) for n in credit.names}
        by_title = [s.id for s in self.others if _key(s.title) in keys or (s.title_en and _key(s.title_en) in keys)]
        return by_title[0] if len(by_title) == 1 else None

    def _propose(self, name: str, credit: Credit) -> str:
        for source in self.proposed.values():
            if _key(source.title) == _key(name):
                return source.id
        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60] or "source-" + _digest(name)
        source_id, number = base, 2
        while source_id in self.taken or source_id in self.proposed:
            source_id, number = f"{base}-{number}", number + 1
        kind = _SOURCE_KIND[credit.kind]
        self.proposed[source_id] = Source(id=source_id, kind=kind, title=name, language=self.language)
        return source_id


def _source_entry(
    reading: Reading, source_id: str, sha256: str | None, title: str | None, url: str | None, dated: bool
) -> Source:
    """The sources.yaml entry of the text itself: its title (else its first line), date, language, file, sha256."""
    doc = reading.doc
    first_line = next((line.strip() for line in doc.text.splitlines() if line.strip()), source_id)
    if doc.published is None:
        if dated:
            raise ExtractError(
                "no publication date: the text prints none at its top; give one (--published YYYY-MM-DD)"
            )
        return Source(id=source_id, kind="article", title=(title or first_line)[:200], language=doc.language, url=url)
    return Source(
        id=source_id,
        kind="article",
        title=(title or first_line)[:200],
        date=doc.published,
        language=doc.language,
        url=url,
        text=f"{source_id}.txt",
        sha256=sha256 or hashlib.sha256(doc.text.encode("utf-8")).hexdigest(),
    )


def _claim_id(subject: str, metric: str, period: str | None, taken: set[str]) -> str:
    when = ""
    if period:
        when = period.lower().replace("../", "by-").replace("/..", "-on").replace("/", "-")
    base = re.sub(r"-+", "-", f"{subject}-{metric}-{when}".strip("-"))[:74].strip("-")
    claim_id, number = base, 2
    while claim_id in taken:
        claim_id, number = f"{base}-{number}", number + 1
    taken.add(claim_id)
    return claim_id


def _period_or_none(label: str | None) -> Period | None:
    if label is None:
        return None
    try:
        return Period(label=label)
    except ValueError:
        return None


def _key(name: str) -> str:
    return "".join(name.casefold().split())


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


# -- the draft as YAML


class _Dumper(yaml.SafeDumper):
    """No anchors or aliases (the loader refuses them); a string with a character YAML reads as a line
    break or refuses (NEL, U+2028, controls) in double quotes, where it is escaped."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if _UNSAFE.search(value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _string)


def to_yaml(claims_file: ClaimsFile) -> str:
    """A draft claims file as YAML, with a header that says what to review and where things go."""
    proposed = claims_file.proposed
    figures = sum(1 for c in claims_file.claims if c.quantity)
    flows = sum(1 for c in claims_file.claims if c.flow)
    header = [
        f"# Draft claims of {claims_file.source}: {figures} figures and {flows} funding flows found by `kg extract`,",
        "# every claim status: draft. Review each one (value, unit, hedge, period, subjects, metric, kind,",
        "# attributed_to, flow, quote), then set status: reviewed; `kg serve` does this one key a claim.",
        "# `kg build` refuses drafts; `kg build --allow-drafts` builds them as they are, proposals included.",
    ]
    if proposed and proposed.source and proposed.source.text:
        header.append(f"# The text goes byte for byte to data/sources/{proposed.source.text}; `proposed:` holds its")
        header.append("# sources.yaml entry, the new actors, metrics, instruments and cited sources, and the choices.")
    data: dict[str, Any] = {"source": claims_file.source, "claims": [_claim_data(c) for c in claims_file.claims]}
    if proposed is not None:
        data["proposed"] = _proposals_data(proposed)
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=2**16, default_flow_style=False)
    return "\n".join(header) + "\n\n" + body


def _claim_data(claim: Claim) -> dict[str, Any]:
    data: dict[str, Any] = {"id": claim.id, "subjects": list(claim.subjects)}
    if claim.metric:
        data["metric"] = claim.metric
    if claim.quantity:
        q = claim.quantity
        quantity: dict[str, Any] = {"value": plain(q.value), "unit": q.unit, "text": q.text, "hedge": q.hedge}
        if q.min is not None and q.max is not None:
            quantity |= {"min": plain(q.min), "max": plain(q.max)}
        data["quantity"] = quantity
    if claim.period:
        data["period"] = claim.period.label
    data["kind"] = claim.kind
    if claim.attributed_to:
        data["attributed_to"] = list(claim.attributed_to)
    assert isinstance(claim.evidence, Span)
    data["evidence"] = {"start": claim.evidence.start, "end": claim.evidence.end, "quote": claim.evidence.quote}
    if claim.flow:
        data["flow"] = claim.flow.model_dump()
    data["status"] = claim.status
    if claim.note:
        data["note"] = claim.note
    return data


def _proposals_data(proposed: Proposals) -> dict[str, Any]:
    dumped = proposed.model_dump(mode="json", exclude_none=True, exclude_defaults=True)
    for key in ("actors", "metrics", "instruments", "sources"):
        for record in dumped.get(key, []):
            for empty in [k for k, v in record.items() if v in ((), [], None)]:
                del record[empty]
    if "choices" in dumped:
        dumped["choices"] = {
            claim: {f: list(v) for f, v in fields.items()} for claim, fields in dumped["choices"].items()
        }
    return dumped


#: Hedges as the ontology labels them, which is how ``kg figures`` prints them.
_HEDGE_LABELS = {"none": "unhedged", "more-than": "more than", "at-least": "at least", "up-to": "up to"}


def records(claims_file: ClaimsFile, actors: Sequence[Actor]) -> list[dict[str, Any]]:
    """One record per draft figure with the keys and value forms of ``kg figures --format json``."""
    from kg.figures import FIGURE_FIELDS

    proposed = claims_file.proposed.actors if claims_file.proposed else ()
    labels = {a.id: a.label.best("en") for a in (*actors, *proposed)}
    found = []
    for claim in claims_file.claims:
        quantity, evidence = claim.quantity, claim.evidence
        if quantity is None:
            continue
        assert isinstance(evidence, Span)
        start = evidence.start + evidence.quote.index(quantity.text)
        low, high = quantity.bounds()  # the graph holds a hedge as bounds
        record = {
            "id": claim.id,
            "value": plain(quantity.value),
            "min": plain(low) if low is not None else None,
            "max": plain(high) if high is not None else None,
            "unit": quantity.unit,
            "text": quantity.text,
            "hedge": _HEDGE_LABELS.get(quantity.hedge, quantity.hedge),
            "period": claim.period.label if claim.period else None,
            "subject": "; ".join(sorted(labels.get(s, s) for s in claim.subjects)),
            "subjects": sorted(claim.subjects),
            "metric": claim.metric,
            "kind": claim.kind,
            "attributed_to": sorted(claim.attributed_to),
            "source": claims_file.source,
            "start": start,
            "end": start + len(quantity.text),
            "quote": evidence.quote,
            "quote_start": evidence.start,
            "quote_end": evidence.end,
        }
        found.append({key: record[key] for key in FIGURE_FIELDS})
    return found
