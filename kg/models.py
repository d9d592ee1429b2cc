"""Pydantic models of the dataset: sources, actors, vocabulary, claims, quantities, spans.

A model reads like the schema it validates. These models check each record on its own;
whatever needs the whole dataset (a quote against its source text, a reference to another
record) is checked in :mod:`kg.load`.
"""

from __future__ import annotations

import datetime
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, model_validator

#: ids are slugs: they become the last segment of an IRI.
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=80)]

#: An absolute http(s) address with none of the characters an IRI may not hold (RFC 3987).
Iri = Annotated[str, Field(pattern=r'^https?://[^\s<>"{}|\\^`\x00-\x1f\x7f]+$', max_length=2000)]

Kind = Literal["fact", "estimate", "forecast", "plan", "target", "comparison"]

#: How the text qualifies a figure. Each maps to bounds in :meth:`Quantity.bounds`.
Hedge = Literal[
    "none",  # stated as is
    "about",  # 约, 大约, about: approximate either way
    "nearly",  # 几乎, 近, nearly: approximate, at most the figure
    "more-than",  # 超过, 逾, more than, over: strictly above
    "at-least",  # 以上, 至少, at least: the figure or above
    "up-to",  # 高达, 最多, up to: the figure or below
    "range",  # 15%-25%, 2至4倍: between min and max
]

#: Units of a normalised value. build.py maps each to an IRI (QUDT where QUDT has one).
Unit = Literal[
    "USD",
    "CNY",
    "EUR",
    "GBP",
    "JPY",
    "HKD",
    "KRW",
    "TWD",
    "percent",
    "percentage-point",
    "basis-point",  # a hundredth of a percentage point: 25 basis points, 25个基点
    "times",  # a multiple: 12倍, twelve times
    "fraction",  # a part of one: 一半, 1/12, 三分之一
    "count",
    "GW",
    "MW",
    "kW",
    "TWh",
    "GWh",
    "MWh",
    "kWh",
    "USD-per-million-tokens",
    "USD-per-kWh",
    "per-thousand-people",
]

ActorType = Literal[
    "country",
    "region",
    "company",
    "investor",
    "insurer",
    "government",
    "research",
    "international-org",
    "media",
    "person",
    "group",
    "market",
    "fund",
    "project",
    "sector",
    "people",
]

SourceKind = Literal["article", "report", "research", "statement", "dataset"]

#: How a figure relates to the upstream figure it rests on.
Derivation = Literal["same", "rounded", "converted", "different-period", "different-measure"]

#: ASCII digits only: ``\d`` would take "２０２４" and other scripts' digits as a year.
_WHEN = r"[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?"
_PERIOD = re.compile(
    rf"^(?:(?P<fy>FY)?(?P<year>[0-9]{{4}})(?:-(?P<part>H[12]|Q[1-4]|[0-9]{{2}}(?:-[0-9]{{2}})?))?"
    rf"|(?P<from>{_WHEN}|\.\.)/(?P<to>{_WHEN}|\.\.))$"
)

#: Exact decimals: at most this many significant digits. Python's decimal context rounds past 28,
#: so a longer value would be changed silently by the first computation; it is refused instead.
MAX_DIGITS = 28
#: Largest magnitude a figure may have (10**24: far past any sum of money in any currency).
MAX_EXPONENT = 24
#: Thousands separators only where they separate thousands: "1,500,000", never "1,5".
_GROUPED = re.compile(r"^[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?$")


def parse_decimal(raw: object) -> Decimal:
    """A decimal from YAML: "109100000000", 12, "0.5", or a fraction "1/12".

    Floats are refused: YAML turns 0.1 into a binary float, and a figure must stay exact.
    """
    if isinstance(raw, Decimal):
        return raw
    if isinstance(raw, (bool, float)):
        raise ValueError(f"write the number {raw!r} in quotes so it stays an exact decimal")
    text = str(raw).strip()
    if "," in text:
        if not _GROUPED.match(text):
            raise ValueError(f"{raw!r} is not a number (a comma may only separate thousands: 1,500,000)")
        text = text.replace(",", "")
    if not text.isascii() or len(text) > 2 * MAX_DIGITS + 8:
        raise ValueError(f"{raw!r} is not a number written in ASCII digits")
    try:
        if "/" in text:
            numerator, denominator = (_exact(part, raw) for part in text.split("/", 1))
            return (numerator / denominator).quantize(Decimal("1e-12"))
        return _exact(text, raw)
    except (InvalidOperation, ZeroDivisionError):
        raise ValueError(f"{raw!r} is not a number") from None


def _exact(text: str, raw: object) -> Decimal:
    """One decimal, refused where it is not finite or would not stay exact."""
    value = Decimal(text)
    if not value.is_finite():
        raise ValueError(f"{raw!r} is not a finite number")
    # counted by hand: normalize() would round to the context's 28 digits first
    digits = "".join(map(str, value.as_tuple().digits)).strip("0")
    if len(digits) > MAX_DIGITS:
        raise ValueError(f"{raw!r} has more than {MAX_DIGITS} significant digits: it would not stay exact")
    if value and value.adjusted() >= MAX_EXPONENT:
        raise ValueError(f"{raw!r} is larger than 10^{MAX_EXPONENT}: no figure is that large")
    return value


Number = Annotated[Decimal, BeforeValidator(parse_decimal)]


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(Record):
    """A name in English and Chinese; a record met in one language only may have just that one."""

    en: str | None = Field(default=None, min_length=1)
    zh: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _named(self) -> Label:
        if self.en is None and self.zh is None:
            raise ValueError("a label needs en, zh or both")
        return self

    def best(self, lang: str = "en") -> str:
        """The label in ``lang``, else the other one."""
        first, other = (self.zh, self.en) if lang == "zh" else (self.en, self.zh)
        return first or other or ""


class Actor(Record):
    """Anyone or anything the text names that holds, gives or receives money or figures."""

    id: Slug
    label: Label
    type: ActorType
    aliases: tuple[str, ...] = ()  # other names in the texts (甲骨文 = Oracle), for lookup
    members: tuple[str, ...] = ()  # for a group: the actor ids it stands for
    country: str | None = None  # actor id of its home country, where it matters
    description: str | None = None


class Concept(Record):
    """An entry of a concept scheme (a metric or a funding instrument)."""

    id: Slug
    label: Label
    definition: str | None = Field(default=None, min_length=1)


class Vocabulary(Record):
    metrics: tuple[Concept, ...]
    instruments: tuple[Concept, ...]


class Source(Record):
    """A document: the article whose text we ship, or a report / firm / remark it cites."""

    id: Slug
    kind: SourceKind
    title: str = Field(min_length=1)
    title_en: str | None = None
    publisher: str | None = None  # actor id
    author: str | None = None
    date: datetime.date | None = None  # of publication
    language: str = Field(pattern=r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")  # BCP 47: zh, en, zh-Hant
    url: Iri | None = None  # the address it was read at
    text: str | None = None  # path of the shipped text, relative to data/sources/
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    cites: tuple[str, ...] = ()  # ids of the sources this one names as its own

    @model_validator(mode="after")
    def _text_has_hash(self) -> Source:
        if self.text and not self.sha256:
            raise ValueError("a source with a text needs its sha256")
        if self.text and self.date is None:
            raise ValueError("a source whose text we ship needs its date of publication")
        return self


class Quantity(Record):
    """A figure: exact decimal value and unit, beside the text as written and its hedge."""

    value: Number
    unit: Unit
    text: str = Field(min_length=1)  # as written, e.g. 1091亿美元; must occur in the quote
    hedge: Hedge = "none"
    min: Number | None = None
    max: Number | None = None

    @model_validator(mode="after")
    def _range_has_bounds(self) -> Quantity:
        if self.hedge == "range":
            if self.min is None or self.max is None:
                raise ValueError("a range needs min and max")
            if not self.min <= self.value <= self.max:
                raise ValueError("value must lie between min and max")
        elif self.min is not None or self.max is not None:
            raise ValueError("min and max are only for hedge: range; other hedges imply them")
        return self

    def bounds(self) -> tuple[Decimal | None, Decimal | None]:
        """Lower and upper bound the hedge implies; None where the text sets none."""
        if self.hedge == "range":
            return self.min, self.max
        if self.hedge in ("more-than", "at-least"):
            return self.value, None
        if self.hedge in ("up-to", "nearly"):
            return None, self.value
        return None, None


class Period(Record):
    """When a figure holds, in ISO 8601 form.

    ``2024``, ``FY2025``, ``2025-H1``, ``2025-Q3``, ``2025-11``, a day ``2025-11-14``; intervals
    ``2013/2024``, ``2025-01/2025-10`` and ``2025-01-01/2025-03-15``; open ends ``../2028`` (by
    2028) and ``2022/..`` (since 2022).
    """

    label: str

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, raw: object) -> object:
        return {"label": str(raw)} if isinstance(raw, (str, int)) else raw

    @model_validator(mode="after")
    def _parses(self) -> Period:
        self.start_end()
        return self

    def start_end(self) -> tuple[date | None, date | None]:
        """First and last day; fiscal years are taken as calendar years (the issuer's FY varies)."""
        match = _PERIOD.match(self.label)
        if not match:
            raise ValueError(
                f"period {self.label!r} is not one of 2024, FY2025, 2025-H1, 2025-Q3, 2025-11, 2025-11-14,"
                " 2013/2024, ../2028, 2022/.."
            )
        if match["year"]:
            return _span_of(match["year"], match["part"])
        start = None if match["from"] == ".." else _span_of(*_split(match["from"]))[0]
        end = None if match["to"] == ".." else _span_of(*_split(match["to"]))[1]
        if start and end and start > end:
            raise ValueError(f"period {self.label!r} ends before it starts")
        return start, end


def _split(text: str) -> tuple[str, str | None]:
    year, _, part = text.partition("-")
    return year, part or None


def _span_of(year_text: str, part: str | None) -> tuple[date, date]:
    year = int(year_text)
    if part is None:
        return date(year, 1, 1), date(year, 12, 31)
    if len(part) == 5:  # a day: MM-DD
        try:
            day = date(year, int(part[:2]), int(part[3:]))
        except ValueError:
            raise ValueError(f"{year_text}-{part} is not a day of the calendar") from None
        return day, day
    if part[0] in "HQ":
        months = 6 if part[0] == "H" else 3
        first = (int(part[1]) - 1) * months + 1
        last = first + months - 1
    else:
        first = last = int(part)
        if not 1 <= first <= 12:
            raise ValueError(f"month {part} is not 01-12")
    end = date(year + 1, 1, 1) if last == 12 else date(year, last + 1, 1)
    return date(year, first, 1), date.fromordinal(end.toordinal() - 1)


class Span(Record):
    """Characters [start, end) of the claims file's source text, in Unicode code points."""

    start: int = Field(ge=0)
    end: int
    quote: str = Field(min_length=1)  # must equal text[start:end]; checked in load.py

    @model_validator(mode="after")
    def _length_matches(self) -> Span:
        if self.end - self.start != len(self.quote):
            raise ValueError(f"end - start = {self.end - self.start} but the quote has {len(self.quote)} characters")
        return self


class Locator(Record):
    """Where in a source we do not ship a figure was read: page, figure, section, address."""

    page: str | None = None
    figure: str | None = None
    section: str | None = None
    url: str | None = None
    quote: str | None = None  # the source's own words, where they were read

    @model_validator(mode="after")
    def _locates(self) -> Locator:
        if not any((self.page, self.figure, self.section, self.url)):
            raise ValueError("a locator needs a page, figure, section or url")
        return self


def _evidence_kind(raw: object) -> str:
    """A span has offsets; anything else is a locator (so errors name the right fields)."""
    if isinstance(raw, dict):
        return "span" if "start" in raw or "end" in raw else "locator"
    return "span" if isinstance(raw, Span) else "locator"


#: A claim rests on characters of a text we ship, or on a place in a source we don't ship.
Evidence = Annotated[
    Annotated[Span, Tag("span")] | Annotated[Locator, Tag("locator")],
    Discriminator(_evidence_kind),
]


class Flow(Record):
    """Who funds whom: the claim states that money goes from funder to recipient."""

    funder: str  # actor id
    recipient: str  # actor id
    instrument: str  # instrument concept id


#: Wikidata's statement ranks: where sources disagree, a curator may prefer one value and
#: deprecate another (with a reason); queries can ask for the preferred value.
Rank = Literal["preferred", "normal", "deprecated"]


class Upstream(Record):
    """The upstream figure a claim rests on, and how the claim departs from it."""

    claim: str  # claim id
    how: Derivation


class Claim(Record):
    """One figure or one funding flow of a source, with its evidence."""

    id: Slug
    subjects: tuple[str, ...] = Field(min_length=1)  # actor ids
    metric: str | None = None  # metric concept id
    quantity: Quantity | None = None
    period: Period | None = None
    kind: Kind
    attributed_to: tuple[str, ...] = ()  # ids of the sources the text names for this figure
    evidence: Evidence
    flow: Flow | None = None
    #: The figure recomputed from others, e.g. "{us-investment} / {cn-investment}";
    #: check.py compares it with this claim's value within the hedge's tolerance.
    formula: str | None = None
    share_of: str | None = None  # the whole this figure is a share of; shares of one whole sum to ≤ 100 %
    derived_from: tuple[Upstream, ...] = ()
    status: Literal["reviewed", "draft", "unconfirmed"] = "reviewed"
    rank: Rank = "normal"
    rank_reason: str | None = Field(default=None, min_length=1)  # why preferred or deprecated
    note: str | None = None  # the curator's reading of a hard passage

    @model_validator(mode="after")
    def _states_something(self) -> Claim:
        if self.quantity is None and self.flow is None:
            raise ValueError("a claim needs a quantity, a flow, or both")
        if self.quantity is not None and self.metric is None:
            raise ValueError("a claim with a quantity needs a metric")
        if self.formula is not None and self.quantity is None:
            raise ValueError("a formula needs a quantity to compare with")
        if (self.rank == "normal") != (self.rank_reason is None):
            raise ValueError("rank preferred or deprecated needs a rank_reason, and only they take one")
        return self


class Proposals(Record):
    """What ``kg extract`` proposes beside its draft claims, for a reviewer to accept or change.

    Only a draft claims file has them; the review (``kg serve``) moves what it accepts into
    sources.yaml, actors.yaml and vocabulary.yaml and writes the claims file without them.
    """

    source: Source | None = None  # the entry for sources.yaml (its text goes to data/sources/)
    actors: tuple[Actor, ...] = ()  # names the text uses that actors.yaml does not know
    metrics: tuple[Concept, ...] = ()  # what figures measure, where no metric of the vocabulary fits
    instruments: tuple[Concept, ...] = ()
    sources: tuple[Source, ...] = ()  # sources the text credits (Bloomberg, Moody's) not in sources.yaml
    #: claim id → field → the alternatives the draft also considered (subjects, attributed_to,
    #: metric, period, kind), best first; the claim itself holds the first choice.
    choices: dict[str, dict[str, tuple[Any, ...]]] = {}


class ClaimsFile(Record):
    """data/claims/<name>.yaml: the claims of one source."""

    source: str  # source id
    claims: tuple[Claim, ...]
    proposed: Proposals | None = None  # drafts only


class Dataset(Record):
    """Everything load.py read: what build.py turns into a graph."""

    sources: tuple[Source, ...]
    actors: tuple[Actor, ...]
    vocabulary: Vocabulary
    claims_files: tuple[ClaimsFile, ...]  # the claims files read (all, unless a build reused some)
    paths: tuple[str, ...] = ()  # of each claims file read, relative to the data folder (claims/x.yaml)
    texts: dict[str, str]  # source id → its text
    #: every claims file (read or reused) by its path in the data folder → kg.load.ClaimsIndex
    indexes: dict[str, Any] = {}

    def claims(self) -> list[tuple[str, Claim]]:
        """Every claim with the id of its source, in file order."""
        return [(f.source, c) for f in self.claims_files for c in f.claims]
