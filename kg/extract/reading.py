"""One reading of a text: every figure with its period, source, subjects, kind and measured words.

:func:`read` is the pipeline up to the claims: the document (script, sentences, clauses, paragraphs,
date), the names in it, the numbers, and for each number the answers of the steps in turn.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from kg.extract.actors import Subjects
from kg.extract.attribution import Attributions, Credit
from kg.extract.kind import Kinds
from kg.extract.metric import Measure, Measures
from kg.extract.names import Names, default_actors
from kg.extract.numbers import Number, NumberReader, plain
from kg.extract.periods import Periods
from kg.extract.text import Document, date_in, detect_lang
from kg.models import Actor, Hedge, Kind, Unit

#: Spending words: a company forecasting its own spending states a plan.
_SPENDING = re.compile(
    r"(?<![A-Za-z])(?:spend\w*|capital\s+expenditures?|capex|invest\w*|expenditures?|outlays?|budget|rais\w+|borrow\w*"
    r"|issu\w+)(?![A-Za-z])|资本支出|资本开支|投资|开支|投入|支出|筹集|融资|发债",
    re.IGNORECASE,
)


_BASE_BEFORE = re.compile(r"(?:(?<![A-Za-z])(?:from|than|versus|vs\.?|compared\s+(?:with|to))|较|比|相比)\s?$", re.I)


class ExtractError(ValueError):
    """Bad input (a file that is missing or not UTF-8, a bad date, a claims file of another text)."""


@dataclass(frozen=True)
class Figure:
    """One figure of a text, with what its sentence says about it."""

    start: int  # the figure's own characters [start, end), hedge words excluded
    end: int
    text: str
    value: Decimal
    unit: Unit
    hedge: Hedge = "none"
    min: Decimal | None = None  # only for hedge "range"
    max: Decimal | None = None
    written: str = ""  # the value for a claims file: "1/12" for a fraction, else the decimal
    period: str | None = None  # a kg.models.Period label
    kind: Kind = "fact"
    sentence: str = ""
    sentence_start: int = 0
    quote: str = ""  # the clause around the figure: the claim's evidence
    quote_start: int = 0
    subjects: tuple[str, ...] = ()  # actor ids (known, or new names') named in the sentence, best guess first
    attribution: str | None = None  # 据…, …显示, according to …: whom the sentence cites, as written
    attribution_actors: tuple[str, ...] = ()  # actor ids named in the attribution
    credit: Credit | None = None
    measure: Measure | None = None  # what it measures, in words


@dataclass
class Reading:
    """A text read once: its document, names and figures."""

    doc: Document
    names: Names
    figures: list[Figure]


def read(
    text: str, *, lang: str = "auto", published: date | None = None, actors: Sequence[Actor] | None = None
) -> Reading:
    """Every figure of ``text``, in order; ``published`` resolves 明年 / next year (default: the page's own date)."""
    if lang.lower() not in ("auto", "zh", "en", "zh-hant"):
        raise ExtractError(f"language {lang!r} is not auto, zh, zh-Hant or en")
    language = detect_lang(text) if lang == "auto" else "zh" if lang.startswith("zh") else "en"
    doc = Document(text, language, published or date_in(text))
    names = Names(doc, actors if actors is not None else default_actors())
    periods, credits, subjects = Periods(doc), Attributions(doc, names), Subjects(doc, names)
    kinds, measures = Kinds(doc), Measures(doc)
    numbers = NumberReader(doc, names.overlaps, periods.covers, names.companies_before).numbers()
    figures = []
    for index, number in enumerate(numbers):
        next_start = _base_after(doc, numbers, index)
        _, sentence_start, sentence_end = doc.sentence_of(number.start)
        sentence = (sentence_start, sentence_end)
        clause = doc.clause_of(number.start, number.end)
        unit: Unit = number.unit or "count"
        credit = credits.of(number.start)
        following = numbers[index + 1].start if index + 1 < len(numbers) else None
        period = periods.of(number.start, unit, clause, sentence, next_start, following)
        neighbours = [
            (n.start, n.end)
            for n in numbers[max(0, index - 12) : index + 12]
            if sentence_start <= n.start < sentence_end
        ]
        who = subjects.of(number.start, number.end, clause, sentence, credit, neighbours, unit)
        own_spending = bool(credit and who and who[0] in credit.actors and _SPENDING.search(doc.norm, *sentence))
        kind = kinds.of(number.start, number.end, unit, clause, sentence, next_start, period, own_spending)
        if period and len(period) == 10 and kind != "fact":
            period = None  # approved on Aug. 20, a planned $10 billion: the day of the news, not of the plan
        measure = measures.measure(number.start, number.end, unit, clause)
        figures.append(_figure(doc, number, unit, period, kind, who, credit, measure, clause, sentence))
    return Reading(doc, names, figures)


def _base_after(doc: Document, numbers: list[Number], index: int) -> int:
    """Where the next figure that is a base of comparison starts (up from 450 million the previous quarter):
    a period after it is that figure's, not this one's."""
    for following in numbers[index + 1 : index + 4]:
        if _BASE_BEFORE.search(doc.norm, max(0, following.start - 14), following.start):
            return following.start
    return len(doc.text)


def _figure(
    doc: Document,
    number: Number,
    unit: Unit,
    period: str | None,
    kind: Kind,
    subjects: tuple[str, ...],
    credit: Credit | None,
    measure: Measure,
    clause: tuple[int, int],
    sentence: tuple[int, int],
) -> Figure:
    text = doc.text
    quote_start, quote_end = clause
    # The claim's figure is the first occurrence of its text in the quote (build.py reads it so).
    figure_text = text[number.start : number.end]
    earlier = text.rfind(figure_text, quote_start, number.start + len(figure_text) - 1)
    if earlier != -1 and earlier < number.start:
        quote_start = earlier + len(figure_text)
        while quote_start < number.start and not text[quote_start].isalnum():
            quote_start += 1
    whole = text[sentence[0] : sentence[1]]
    return Figure(
        start=number.start,
        end=number.end,
        text=figure_text,
        value=number.value,
        unit=unit,
        hedge=number.hedge,
        min=number.low if number.hedge == "range" else None,
        max=number.high if number.hedge == "range" else None,
        written=number.written or plain(number.value),
        period=period,
        kind=kind,
        sentence=whole.strip(),
        sentence_start=sentence[0] + len(whole) - len(whole.lstrip()),
        quote=text[quote_start:quote_end],
        quote_start=quote_start,
        subjects=subjects,
        attribution=text[credit.start : credit.end] if credit else None,
        attribution_actors=credit.actors if credit else (),
        credit=credit,
        measure=measure,
    )
