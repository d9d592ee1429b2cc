"""Draft claims from a new article, Chinese (Simplified or Traditional) or English, by rules.

The pipeline, one module a step, each named for what it answers:

    text        the document: one script, paragraphs, sentences, clauses, headline, date
    names       who it names: the dataset's actors, and new names that could be actors
    numbers     the figures: exact characters, value, unit, hedge and bounds
    periods     when each figure holds
    attribution whom the text credits for it
    actors      whom it is about (its subjects)
    kind        fact, estimate, forecast, plan, target or comparison
    metric      what it measures: a metric of the vocabulary, or a proposed one
    flows       who funds whom, with the amount of the same clause
    draft       the claims file with status: draft and its proposals; its YAML
    evaluate    a draft scored field by field against curated claims or a labelled fixture

:func:`draft_text` is the whole of it for one text; :func:`extract` stops at the figures. No model and
nothing downloaded: regular expressions, cue lexicons with scopes, the actors' labels as a gazetteer,
OpenCC's character table for Traditional Chinese and cn2an for Chinese numerals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from kg.extract.draft import draft, records, to_yaml, without_draft
from kg.extract.evaluate import Evaluation, evaluate, expected_from_claims, expected_from_fixture
from kg.extract.files import Article, is_draft, load_claims, parse_date, read_article, source_id_for
from kg.extract.names import default_actors
from kg.extract.reading import ExtractError, Figure, Reading, read
from kg.models import Actor, ClaimsFile, Dataset

__all__ = [
    "Article",
    "Evaluation",
    "ExtractError",
    "Figure",
    "Reading",
    "default_actors",
    "draft",
    "draft_text",
    "evaluate",
    "expected_from_claims",
    "expected_from_fixture",
    "extract",
    "is_draft",
    "load_claims",
    "parse_date",
    "read",
    "read_article",
    "records",
    "source_id_for",
    "to_yaml",
    "without_draft",
]


def extract(
    text: str, *, lang: str = "auto", published: date | None = None, actors: Sequence[Actor] | None = None
) -> list[Figure]:
    """Every figure of ``text`` with its period, subjects, attribution, kind and measured words, in order."""
    return read(text, lang=lang, published=published, actors=actors).figures


def draft_text(
    text: str,
    dataset: Dataset,
    *,
    source_id: str,
    published: date | None = None,
    lang: str = "auto",
    title: str | None = None,
    url: str | None = None,
) -> ClaimsFile:
    """A draft claims file of a pasted or uploaded text, with ``proposed`` (the review page's entry point).

    ``published`` resolves 明年 / next year and dates the source (default: the date the text prints at its
    top; ExtractError when there is none). ``lang``: auto, en, zh or zh-Hant."""
    dataset = without_draft(dataset, source_id)
    reading = read(text, lang=lang, published=published, actors=dataset.actors)
    return draft(reading, dataset, source_id=source_id, title=title, url=url)
