"""The review desk: drafts of ``kg extract``, accepted, edited or rejected figure by figure, then saved.

A draft is a claims file whose claims are all ``status: draft``, with a ``proposed:`` block
(:class:`kg.models.Proposals`: the sources.yaml entry of its text, new actors, metrics, instruments
and cited sources, and the alternatives the drafter weighed for each claim). It lives as
``<folder>/<id>.yaml`` with its text beside it. The desk lists the drafts in ``<data>/drafts/``
(a folder ``kg build`` never reads) and those named by ``kg serve --draft``; a pasted or uploaded
article is saved there and drafted on the spot.

Saving a review builds the reviewed claims file (accepted claims, edited or not, as ``status:
reviewed``; rejected ones left out; no ``proposed`` block), the sources.yaml entry, and the new
actors, metrics, instruments and cited sources that a saved claim uses. They are checked with the
loader of ``kg build`` on a staged copy of the data folder, every problem is sent back beside the
card it concerns, and only a review without problems is written (:mod:`kg.serve.datafiles`)
and built.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

from kg.build import BuildSummary, build, record_findings
from kg.check import claim_iris, run_checks
from kg.extract import ExtractError
from kg.load import MAX_TEXT_BYTES, LoadError, _Document, _Problems, load_dataset, read_bytes
from kg.models import Actor as ActorRecord
from kg.models import ActorType, Claim, ClaimsFile, Concept, Dataset, Hedge, Kind, Proposals, Source, Unit
from kg.serve import datafiles
from kg.serve.extract_adapter import draft_text, to_yaml  # at merge: from kg.extract import draft_text, to_yaml
from kg.serve.web import HttpError, Request, Response, Site, json_response, page
from kg.store import open_store

DRAFTS = "drafts"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
#: What a reviewer may change in a claim; the evidence and the links to other claims stay the draft's.
EDITABLE = ("id", "subjects", "metric", "quantity", "period", "kind", "attributed_to", "flow", "note")
SOURCE_EDITABLE = ("title", "title_en", "date", "url", "author", "publisher")
#: New records a review may add: (payload key, card prefix, model, file, list in that file).
NEW_RECORDS = (
    ("actors", "actor", ActorRecord, "actors.yaml", "actors"),
    ("metrics", "metric", Concept, "vocabulary.yaml", "metrics"),
    ("instruments", "instrument", Concept, "vocabulary.yaml", "instruments"),
    ("sources", "cited", Source, "sources.yaml", "sources"),
)
Model = TypeVar("Model", bound=BaseModel)


# --- drafts ----------------------------------------------------------------------------------


def draft_files(site: Site) -> dict[str, Path]:
    """Every draft by its name in the site's addresses: the file's stem as a slug."""
    folder = site.data_dir / DRAFTS
    paths = [*(sorted(folder.glob("*.yaml")) if folder.is_dir() else []), *site.extra_drafts]
    named: dict[str, Path] = {}
    for path in paths:
        base = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")[:70] or "draft"
        name, number = base, 2
        while name in named and named[name] != path:
            name, number = f"{base}-{number}", number + 1
        named[name] = path
    return named


@dataclass
class Draft:
    name: str
    path: Path
    claims_file: ClaimsFile
    source: Source  # the proposed sources.yaml entry, or the entry there already
    new_source: bool
    text: str


def _read_model(path: Path, model: type[Model]) -> Model:
    """A YAML file as ``model``, with the loader's rules (no aliases, no duplicate keys, a size limit)."""
    problems = _Problems()
    parsed = _Document(path).validate(model, problems)
    problems.raise_any()
    assert parsed is not None
    return parsed


def read_draft(site: Site, name: str) -> Draft:
    """The draft ``name`` with its text (checked against its sha256); HttpError if it cannot be reviewed."""
    path = draft_files(site).get(name)
    if path is None:
        raise HttpError(404, f"no draft {name!r}")
    try:
        claims_file = _read_model(path, ClaimsFile)
        proposed = claims_file.proposed.source if claims_file.proposed else None
        known = {s.id: s for s in catalogue(site.data_dir)["sources"]}
        source = proposed or known.get(claims_file.source)
        if source is None:
            raise LoadError(path, f"source {claims_file.source!r} is neither proposed nor in sources.yaml")
        folder = path.parent if proposed else site.data_dir / "sources"
        relative = Path(source.text or "")
        if not source.text or relative.is_absolute() or ".." in relative.parts:
            raise LoadError(path, f"source {source.id!r} names no text beside the draft (text: {source.text!r})")
        raw = read_bytes(folder / relative, MAX_TEXT_BYTES)
        if source.sha256 and hashlib.sha256(raw).hexdigest() != source.sha256:
            raise LoadError(folder / relative, f"its sha256 is not the {source.sha256} the draft records")
        text = raw.decode("utf-8")
    except (LoadError, UnicodeDecodeError) as err:
        raise HttpError(422, f"draft {name} cannot be reviewed: {err}") from None
    return Draft(name, path, claims_file, source, proposed is not None, text)


def catalogue(data_dir: Path) -> dict[str, list[Any]]:
    """The records of sources.yaml, actors.yaml and vocabulary.yaml that are valid (claims are not read)."""

    def items(name: str, key: str, model: type[Model]) -> list[Model]:
        path = data_dir / name
        return _Document(path).valid_items(key, model) if path.is_file() else []

    return {
        "actors": items("actors.yaml", "actors", ActorRecord),
        "metrics": items("vocabulary.yaml", "metrics", Concept),
        "instruments": items("vocabulary.yaml", "instruments", Concept),
        "sources": items("sources.yaml", "sources", Source),
    }


# --- pages -----------------------------------------------------------------------------------


def drafts_page(site: Site, request: Request, twin: bool) -> Response:
    """Every draft, with its figures and whether it was saved already; a form to paste or upload a text."""
    listed = []
    for name, path in draft_files(site).items():
        entry: dict[str, Any] = {"name": name, "file": str(path)}
        try:
            claims_file = _read_model(path, ClaimsFile)
            target = site.data_dir / "claims" / f"{claims_file.source}.yaml"
            entry |= {"source": claims_file.source, "claims": len(claims_file.claims), "saved": target.exists()}
        except LoadError as err:
            entry["problem"] = str(err)
        listed.append(entry)
    return page(site, "review_list.html", listed, twin)


def draft_page(site: Site, request: Request, name: str, twin: bool) -> Response:
    """The article with every drafted figure marked, and a card per figure; the twin is the page's data."""
    draft = read_draft(site, name)
    try:
        data = page_data(site, draft)
    except LoadError as err:
        raise HttpError(422, f"the data folder cannot be read: {err}") from None
    return page(site, "review.html", data, twin, name=name)


def page_data(site: Site, draft: Draft) -> dict[str, Any]:
    known = catalogue(site.data_dir)
    proposed = draft.claims_file.proposed or Proposals()
    target = site.data_dir / "claims" / f"{draft.claims_file.source}.yaml"
    return {
        "name": draft.name,
        "file": str(draft.path),
        "source": datafiles.plain(draft.source),
        "new_source": draft.new_source,
        "target": f"claims/{draft.claims_file.source}.yaml",
        "target_exists": target.exists(),
        "text": draft.text,
        "claims": [datafiles.claim_record(claim) | {"index": i} for i, claim in enumerate(draft.claims_file.claims)],
        "choices": {claim: dict(fields) for claim, fields in proposed.choices.items()},
        "proposed": {key: [datafiles.plain(r) for r in getattr(proposed, key)] for key, *_ in NEW_RECORDS},
        "known": {
            "actors": [{"id": a.id, "en": a.label.en, "zh": a.label.zh, "type": a.type} for a in known["actors"]],
            "metrics": [{"id": c.id, "en": c.label.en, "zh": c.label.zh} for c in known["metrics"]],
            "instruments": [{"id": c.id, "en": c.label.en, "zh": c.label.zh} for c in known["instruments"]],
            "sources": [{"id": s.id, "title": s.title_en or s.title} for s in known["sources"]],
        },
        "values": {
            "kind": list(get_args(Kind)),
            "unit": list(get_args(Unit)),
            "hedge": list(get_args(Hedge)),
            "type": list(get_args(ActorType)),
        },
    }


# --- saving ----------------------------------------------------------------------------------


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
    payload = _json_object(request)
    draft = read_draft(site, name)
    with site.write_lock:
        review = reviewed(draft, payload)
        written, dataset = check_and_write(site.data_dir, draft, review)
        if review.problems or dataset is None:
            problems = [p.as_dict() for p in review.problems]
            return json_response({"ok": False, "problems": problems}, 422)
        summary = rebuild(site, dataset)
    return json_response(
        {
            "ok": True,
            "written": [str(path.relative_to(site.data_dir)) for path in written],
            "claims": len(review.claims),
            "source": draft.source.id,
            "build": f"built {summary.claims} claims, {summary.actors} actors, {summary.sources} sources",
        }
    )


def _json_object(request: Request) -> dict[str, Any]:
    try:
        payload = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise HttpError(400, f"not JSON: {err}") from None
    if not isinstance(payload, dict):
        raise HttpError(400, "expected a JSON object")
    return payload


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
    if review.source is not None:
        additions[("sources.yaml", "sources")] = [review.source]
    used, known = _used(review), {key: {r.id for r in records} for key, records in catalogue(data_dir).items()}
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


def rebuild(site: Site, dataset: Dataset) -> BuildSummary:
    """Build the graph of the saved data and record the quick checks' findings in it, as ``kg build`` does."""
    summary = build(dataset, site.build_dir)
    store = open_store(site.build_dir)
    findings, iris = run_checks(store, shacl=False), claim_iris(store)
    del store  # the findings are written through a read-write handle
    record_findings(site.build_dir, findings, iris)
    return summary


# --- a new draft from a pasted or uploaded text ---------------------------------------------


def new_draft(site: Site, request: Request) -> Response:
    """Save the text into <data>/drafts/, draft it, and send the address of its review page."""
    payload = _json_object(request)
    try:
        source_id, text, published, options = _new_draft_fields(payload)
        folder = site.data_dir / DRAFTS
        taken = [
            path
            for path in (
                folder / f"{source_id}.yaml",
                folder / f"{source_id}.txt",
                site.data_dir / "claims" / f"{source_id}.yaml",
            )
            if path.exists()
        ]
        if taken or source_id in {s.id for s in catalogue(site.data_dir)["sources"]}:
            raise ValueError(
                f"source id {source_id!r} is taken ({', '.join(map(str, taken)) or 'sources.yaml'}): choose another"
            )
        with site.write_lock:
            dataset = load_dataset(site.data_dir, allow_drafts=True)
            drafted = draft_text(text, dataset, source_id=source_id, published=published, **options)
            files = {
                folder / f"{source_id}.txt": text.encode("utf-8"),
                folder / f"{source_id}.yaml": to_yaml(drafted).encode("utf-8"),
            }
            datafiles.write_files(files, new=list(files))
    except (ValueError, ExtractError, LoadError) as err:
        return json_response({"ok": False, "problems": [{"card": None, "message": str(err)}]}, 422)
    name = next(n for n, path in draft_files(site).items() if path == folder / f"{source_id}.yaml")
    return json_response({"ok": True, "url": f"/review/{name}", "claims": len(drafted.claims)})


def _new_draft_fields(payload: dict[str, Any]) -> tuple[str, str, date | None, dict[str, Any]]:
    """The fields of the paste / upload form, checked; ValueError says which is wrong."""
    source_id, text = str(payload.get("source_id") or "").strip(), payload.get("text")
    if not _SLUG.fullmatch(source_id):
        raise ValueError("source id: a-z, 0-9 and -, at most 80 characters (it names the files)")
    if not isinstance(text, str) or not text.strip():
        raise ValueError("the text is empty")
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise ValueError(f"the text is larger than {MAX_TEXT_BYTES // 2**20} MB")
    published = None
    if payload.get("published"):
        try:
            published = date.fromisoformat(str(payload["published"]))
        except ValueError:
            raise ValueError(f"published: {payload['published']!r} is not a date YYYY-MM-DD") from None
    lang = payload.get("lang") or "auto"
    if lang not in ("auto", "zh", "en"):
        raise ValueError("language: auto, zh or en")
    url = str(payload.get("url") or "").strip() or None
    if url is not None and not re.fullmatch(r"https?://\S+", url):
        raise ValueError("address: an http(s) address")
    title = str(payload.get("title") or "").strip()[:300] or None
    return source_id, text, published, {"lang": lang, "title": title, "url": url}
