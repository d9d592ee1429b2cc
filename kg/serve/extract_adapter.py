"""Stand-in for the new ``kg.extract.draft_text`` and ``kg.extract.to_yaml``, over today's kg.extract.

The review desk drafts a pasted or uploaded article with ``draft_text(text, dataset, *, source_id,
published=None, lang="auto", title=None, url=None) -> ClaimsFile`` and writes it with
``to_yaml(claims_file)``: the contract with the rewrite of ``kg extract`` in another branch.
Until that lands, this module gives both with those signatures. At merge: delete this file and
import them from kg.extract in kg/serve/review.py (one line).
"""

from __future__ import annotations

import hashlib
from datetime import date

from kg.extract import Article, ExtractError, Lang, detect_lang, draft, extract, header_date
from kg.models import ClaimsFile, Dataset, Proposals, Source
from kg.serve.datafiles import claims_yaml


def draft_text(
    text: str,
    dataset: Dataset,
    *,
    source_id: str,
    published: date | None = None,
    lang: Lang = "auto",
    title: str | None = None,
    url: str | None = None,
) -> ClaimsFile:
    """A draft claims file of ``text``, with the sources.yaml entry it needs as ``proposed.source``."""
    when = published or header_date(text)
    if when is None:
        raise ExtractError("give the date of publication: the text's header names none")
    sha256 = hashlib.sha256(text.encode("utf-8")).hexdigest()
    figures = extract(text, lang=lang, published=when, actors=dataset.actors)
    drafted = draft(figures, Article(text, sha256, source_id), dataset, source_id=source_id, published=when, lang=lang)
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), source_id)
    source = Source(
        id=source_id,
        kind="article",
        title=title or first_line[:120],
        date=when,
        language=detect_lang(text) if lang == "auto" else lang,
        url=url,
        text=f"{source_id}.txt",
        sha256=sha256,
    )
    choices = {}
    for claim, figure in drafted.claims:  # the other actors of the sentence, one by one
        others = [[actor] for actor in figure.subjects if actor not in claim.subjects]
        if others:
            choices[claim.id] = {"subjects": tuple(others)}
    return ClaimsFile(
        source=source_id, claims=drafted.claims_file().claims, proposed=Proposals(source=source, choices=choices)
    )


def to_yaml(claims_file: ClaimsFile) -> str:
    header = (
        f"Draft claims of {claims_file.source}: {len(claims_file.claims)} figures found by kg extract, all draft.\n"
        "Review them in kg serve (/review): it writes the reviewed claims file into the data folder."
    )
    return claims_yaml(claims_file, header)[0]
