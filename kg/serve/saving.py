"""Saving a review: the reviewer's decisions applied to a draft, checked as ``kg build`` checks, written, built.

The reviewed claims file holds the accepted claims, edited or not, as ``status: reviewed``; rejected
ones are left out, and so is the ``proposed`` block. Beside it go the sources.yaml entry of a new
source and the new actors, metrics, instruments and cited sources that a saved claim uses (those
nothing uses are left out). Each claim and record is validated on its own, then everything together
with the loader of ``kg build`` on a staged copy of the data folder; every problem goes back beside
the card it concerns (a loader problem by its record, "claim ID", or by its line). Only a review
without problems is written (:mod:`kg.serve.datafiles`) and built.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from kg.load import LoadError, load_dataset
from kg.models import Claim, ClaimsFile, Dataset, Source
from kg.rebuild import BuildSummary
from kg.rebuild import rebuild as build_data
from kg.serve import datafiles
from kg.serve.review import NEW_RECORDS, Draft, catalogue, json_object, read_draft
from kg.serve.web import Request, Response, Site, json_response

#: What a reviewer may change in a claim; the evidence and the links to other claims stay the draft's.
EDITABLE = ("id", "subjects", "metric", "quantity", "period", "kind", "attributed_to", "flow", "note")
SOURCE_EDITABLE = ("title", "title_en", "date", "url", "author", "publisher")
Model = TypeVar("Model", bound=BaseModel)


@dataclass
class Problem:
    """One problem of a review, beside the card it concerns (None: the review as a whole)."""

    card: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"card": self.card, "message": self.message}


@dataclass
class Review:
    """What a review would write: the claims file, the sources.yaml entry, the new records it uses."""

    claims: list[tuple[str, Claim]] = field(default_factory=list)  # (card, claim)
    source: Source | None = None  # a new source's entry, None if sources.yaml has it already
    records: dict[str, list[tuple[str, BaseModel]]] = field(default_factory=dict)  # payload key → (card, record)
    problems: list[Problem] = field(default_factory=list)


def save(site: Site, request: Request, name: str) -> Response:
    """Check the review on a staged copy of the data, then write it and rebuild; every problem beside its card."""
    payload = json_object(request)
    draft = read_draft(site, name)
    with site.write_lock:
        review = reviewed(draft, payload)
        written, dataset = check_and_write(site.data_dir, draft, review)
        if review.problems or dataset is None:
            problems = [p.as_dict() for p in review.problems]
            return json_response({"ok": False, "problems": problems}, 422)
        summary = rebuild(site)
    return json_response(
        {
            "ok": True,
            "written": [str(path.relative_to(site.data_dir)) for path in written],
            "claims": len(review.claims),
            "source": draft.source.id,
            "build": f"built {summary.claims} claims, {summary.actors} actors, {summary.sources} sources",
        }
    )


def reviewed(draft: Draft, payload: dict[str, Any]) -> Review:
    """The reviewer's decisions applied to the draft, each claim and record validated on its own."""
    review = Review()
    decisions = {item.get("index"): item for item in _list(payload.get("claims")) if isinstance(item, dict)}
    for index, drafted in enumerate(draft.claims_file.claims):
        card, item = f"claim-{index}", decisions.get(index, {})
        if item.get("decision") == "reject":
            continue
        if item.get("decision") != "accept":
            review.problems.append(Problem(card, "not reviewed yet: accept it (a) or reject it (x)"))
            continue
        edited = _dict(item.get("claim"))
        fields = datafiles.claim_record(drafted) | {k: edited.get(k) for k in EDITABLE}
        fields = {k: v for k, v in fields.items() if v not in (None, "", [])} | {"status": "reviewed"}
        claim = _validated(Claim, fields, card, review.problems)
        if claim is not None:
            review.claims.append((card, claim))
    if not review.claims and not review.problems:
        review.problems.append(Problem(None, "nothing accepted: there is nothing to save"))
    if draft.new_source:
        edits = _dict(payload.get("source"))
        entry = datafiles.plain(draft.source) | {k: edits[k] or None for k in SOURCE_EDITABLE if k in edits}
        review.source = _validated(Source, {k: v for k, v in entry.items() if v is not None}, "source", review.problems)
    for key, prefix, model, *_ in NEW_RECORDS:
        for index, raw in enumerate(_list(payload.get(key))):
            card = f"{prefix}-{index}"
            record = _validated(model, _dict(raw), card, review.problems)
            if record is not None:
                review.records.setdefault(key, []).append((card, record))
    return review


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _validated(model: type[Model], record: dict[str, Any], card: str, problems: list[Problem]) -> Model | None:
    try:
        return model.model_validate(record)
    except ValidationError as err:
        for error in err.errors():
            where = ".".join(str(p) for p in error["loc"] if not str(p).startswith("function-"))
            message = error["msg"].removeprefix("Value error, ")
            problems.append(Problem(card, f"{where}: {message}" if where else message))
        return None


def _used(review: Review) -> dict[str, set[str]]:
    """The ids of actors, metrics, instruments and sources that the saved claims and source refer to."""
    used: dict[str, set[str]] = {"actors": set(), "metrics": set(), "instruments": set(), "sources": set()}
    for _, claim in review.claims:
        used["actors"] |= set(claim.subjects)
        used["metrics"] |= {claim.metric} if claim.metric else set()
        used["sources"] |= set(claim.attributed_to)
        if claim.flow:
            used["actors"] |= {claim.flow.funder, claim.flow.recipient}
            used["instruments"].add(claim.flow.instrument)
    sources = [review.source] if review.source else []
    sources += [r for _, r in review.records.get("sources", []) if isinstance(r, Source) and r.id in used["sources"]]
    for source in sources:
        used["sources"] |= set(source.cites)
        used["actors"] |= {source.publisher} if source.publisher else set()
    return used


def check_and_write(data_dir: Path, draft: Draft, review: Review) -> tuple[list[Path], Dataset | None]:
    """Validate the review with ``kg build``'s loader on a staged copy; write it if it has no problem."""
    claims_path = data_dir / "claims" / f"{draft.claims_file.source}.yaml"
    if claims_path.exists():
        review.problems.append(Problem(None, f"{claims_path} exists: a claims file is never overwritten"))
    files, starts = _files(data_dir, draft, review, claims_path)
    cards = _cards(review, claims_path.name, starts)
    with datafiles.staged_copy(data_dir) as staging:
        for path, content in files.items():
            datafiles.replace_staged(staging / path.relative_to(data_dir), content)
        try:
            dataset: Dataset | None = load_dataset(staging)
        except LoadError as err:
            review.problems += [cards(problem, staging) for problem in getattr(err, "problems", [err])]
            dataset = None
    if review.problems or dataset is None:
        return [], None
    datafiles.write_files(files, new=[path for path in files if not path.exists()])
    return list(files), dataset


def _files(data_dir: Path, draft: Draft, review: Review, claims_path: Path) -> tuple[dict[Path, bytes], list[int]]:
    """What the review writes, file by file, and the line each claim starts on in its claims file."""
    header = f"Claims of {draft.claims_file.source}, reviewed in kg serve on {date.today()} from {draft.path.name}."
    claims = ClaimsFile(source=draft.claims_file.source, claims=[c for _, c in review.claims])
    claims_text, starts = datafiles.claims_yaml(claims, header)
    files = {claims_path: claims_text.encode("utf-8")}
    text_path = data_dir / "sources" / (draft.source.text or f"{draft.source.id}.txt")
    if draft.new_source and not (text_path.exists() and text_path.read_bytes() == draft.text.encode("utf-8")):
        if text_path.exists():
            review.problems.append(Problem(None, f"{text_path} exists with another text: it is never overwritten"))
        files[text_path] = draft.text.encode("utf-8")
    for (name, listed), records in _additions(data_dir, review).items():
        path = data_dir / name
        current = files.get(path, path.read_bytes() if path.exists() else b"").decode("utf-8")
        try:
            text, _ = datafiles.append_records(current, listed, [datafiles.plain(r) for r in records])
        except ValueError as err:
            review.problems.append(Problem(None, f"{name}: {err}"))
            continue
        files[path] = text.encode("utf-8")
    return files, starts


def _additions(data_dir: Path, review: Review) -> dict[tuple[str, str], list[BaseModel]]:
    """(file, list) → the records to add there: the new source, and the new records a saved claim uses."""
    additions: dict[tuple[str, str], list[BaseModel]] = {}
    used, known = _used(review), {key: {r.id for r in records} for key, records in catalogue(data_dir).items()}
    if review.source is not None and review.source.id in known["sources"]:
        review.problems.append(Problem("source", f"source {review.source.id!r} is in sources.yaml already"))
    elif review.source is not None:
        additions[("sources.yaml", "sources")] = [review.source]
    for key, _, _, name, listed in NEW_RECORDS:
        for card, record in review.records.get(key, []):
            record_id = getattr(record, "id", "")
            if record_id in known[key]:
                problem = f"{record_id!r} is in {name} already: use it, or give this one another id"
                review.problems.append(Problem(card, problem))
            elif record_id in used[key]:
                additions.setdefault((name, listed), []).append(record)
    return additions


def _cards(review: Review, claims_name: str, starts: list[int]) -> Callable[[LoadError, Path], Problem]:
    """A function from a loader problem to a Problem beside the card it concerns."""
    by_record: dict[str, str] = {f"claim {claim.id}": card for card, claim in review.claims}
    if review.source is not None:
        by_record[f"source {review.source.id}"] = "source"
    for key, prefix, *_ in NEW_RECORDS:
        kind = {"sources": "source"}.get(key, prefix)
        for card, record in review.records.get(key, []):
            by_record.setdefault(f"{kind} {getattr(record, 'id', '')}", card)
    claim_cards = [card for card, _ in review.claims]

    def to_problem(problem: LoadError, staging: Path) -> Problem:
        card = by_record.get(problem.record or "")
        if card is None and problem.path.name == claims_name and problem.line and starts:
            card = claim_cards[max(bisect.bisect_right(starts, problem.line) - 1, 0)]
        if card is not None:
            return Problem(card, problem.problem)
        where = problem.path.relative_to(staging) if problem.path.is_relative_to(staging) else problem.path
        record = f"{problem.record}: " if problem.record else ""
        return Problem(None, f"{where}{f':{problem.line}' if problem.line else ''}: {record}{problem.problem}")

    return to_problem


def rebuild(site: Site) -> BuildSummary:
    """Build the saved data as ``kg build`` does: the sources that changed, checked, swapped in whole."""
    return build_data(site.data_dir, site.build_dir)
