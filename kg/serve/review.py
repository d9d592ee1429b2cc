"""The review desk: drafts of ``kg extract``, accepted, edited or rejected figure by figure, then saved.

A draft is a claims file whose claims are all ``status: draft``, with a ``proposed:`` block
(:class:`kg.models.Proposals`: the sources.yaml entry of its text, new actors, metrics, instruments
and cited sources, and the alternatives the drafter weighed for each claim). It lives as
``<folder>/<id>.yaml`` with its text beside it. The desk lists the drafts in ``<data>/drafts/``
(a folder ``kg build`` never reads) and those named by ``kg serve --draft``; a pasted or uploaded
article is saved there and drafted on the spot.

Saving a review is :mod:`kg.serve.saving`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar, get_args

from pydantic import BaseModel

from kg.extract import ExtractError, draft_text, to_yaml
from kg.load import MAX_TEXT_BYTES, LoadError, _Document, _Problems, load_dataset, read_bytes
from kg.models import Actor as ActorRecord
from kg.models import ActorType, ClaimsFile, Concept, Hedge, Kind, Proposals, Source, Unit
from kg.serve import datafiles
from kg.serve.web import HttpError, Request, Response, Site, json_response, page

DRAFTS = "drafts"
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
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


#: (data folder) → (the catalogue files' sizes and times, their records): reading them took 3.5 s at
#: 100,000 claims (4,000 actors, 2,300 sources), and a review page needs them two or three times.
_CATALOGUES: dict[Path, tuple[tuple[tuple[int, int], ...], dict[str, list[Any]]]] = {}
_CATALOGUE_FILES = ("sources.yaml", "actors.yaml", "vocabulary.yaml")


def catalogue(data_dir: Path) -> dict[str, list[Any]]:
    """The records of sources.yaml, actors.yaml and vocabulary.yaml that are valid (claims are not read)."""
    stamp = tuple(_size_and_time(data_dir / name) for name in _CATALOGUE_FILES)
    kept = _CATALOGUES.get(data_dir)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    documents = {name: _Document(data_dir / name) if (data_dir / name).is_file() else None for name in _CATALOGUE_FILES}

    def items(name: str, key: str, model: type[Model]) -> list[Model]:
        document = documents[name]
        return document.valid_items(key, model) if document is not None else []

    records: dict[str, list[Any]] = {
        "actors": items("actors.yaml", "actors", ActorRecord),
        "metrics": items("vocabulary.yaml", "metrics", Concept),
        "instruments": items("vocabulary.yaml", "instruments", Concept),
        "sources": items("sources.yaml", "sources", Source),
    }
    _CATALOGUES[data_dir] = (stamp, records)
    return records


def _size_and_time(path: Path) -> tuple[int, int]:
    try:
        status = path.stat()
    except OSError:
        return (-1, -1)
    return (status.st_size, status.st_mtime_ns)


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


def json_object(request: Request) -> dict[str, Any]:
    try:
        payload = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise HttpError(400, f"not JSON: {err}") from None
    if not isinstance(payload, dict):
        raise HttpError(400, "expected a JSON object")
    return payload


# --- a new draft from a pasted or uploaded text ---------------------------------------------


def new_draft(site: Site, request: Request) -> Response:
    """Save the text into <data>/drafts/, draft it, and send the address of its review page."""
    payload = json_object(request)
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
