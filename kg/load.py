"""YAML → validated models, with every quote checked against its source text.

A dataset folder holds::

    sources.yaml           the documents: the articles whose text we ship, the reports they cite
    sources/*.txt          the shipped texts, byte for byte, each with its sha256 in sources.yaml
    actors.yaml            who holds, gives or receives money
    vocabulary.yaml        the concept schemes: metrics and funding instruments
    claims/*.yaml          one file per source: its figures and funding flows

Every problem raises :class:`LoadError` with one line that names the file, the line, the
claim and what is wrong.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from kg import arithmetic
from kg.models import Actor, Claim, ClaimsFile, Dataset, Source, Span, Vocabulary

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data"

Model = TypeVar("Model", bound=BaseModel)


class LoadError(Exception):
    """Bad input: the message is one line naming the file, line, record and problem."""

    def __init__(self, path: Path, problem: str, line: int | None = None, record: str | None = None):
        self.path, self.problem, self.line, self.record = path, problem, line, record
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {f'{record}: ' if record else ''}{problem}")


#: libyaml's parser where PyYAML was built with it: 10-20x faster than the pure-Python one,
#: which took most of a corpus load (27 of 31 s at 10,000 claims).
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Document:
    """A parsed YAML file that can tell the line of any node, for error messages.

    The node tree (with its line marks) is composed again only when an error needs a line:
    keeping it for every file would cost time and memory on a large dataset.
    """

    def __init__(self, path: Path):
        self.path = path
        self.data: Any = self._parse(lambda loader: loader.get_single_data())

    def _parse(self, read: Any) -> Any:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LoadError(self.path, "file not found") from None
        except UnicodeDecodeError as err:
            raise LoadError(self.path, f"not UTF-8 ({err.reason} at byte {err.start})") from None
        loader = _Loader(text)
        try:
            return read(loader)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            problem = getattr(err, "problem", None) or str(err)
            raise LoadError(self.path, f"broken YAML: {problem}", mark.line + 1 if mark else None) from None
        finally:
            loader.dispose()

    def line_of(self, location: Sequence[int | str]) -> int | None:
        """1-based line of the node at a pydantic error location, or of its nearest parent."""
        node, line = self._parse(lambda loader: loader.get_single_node()), None
        for step in location:
            if node is None:
                break
            line = node.start_mark.line + 1
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == step), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
                node = node.value[step]
            else:
                node = None
        return node.start_mark.line + 1 if node is not None else line

    def record_id(self, location: Sequence[int | str]) -> str | None:
        """The id of the record a location falls in: "claim us-investment-2024"."""
        if len(location) >= 2 and isinstance(self.data, dict) and isinstance(location[1], int):
            items = self.data.get(str(location[0]))
            if isinstance(items, list) and location[1] < len(items) and isinstance(items[location[1]], dict):
                kind = str(location[0]).removesuffix("s") if location[0] != "claims" else "claim"
                return f"{kind} {items[location[1]].get('id', f'#{location[1] + 1}')}"
        return None

    def validate(self, model: type[Model]) -> Model:
        if not isinstance(self.data, dict):
            raise LoadError(self.path, f"expected a mapping with the keys of {model.__name__}", 1)
        try:
            return model.model_validate(self.data)
        except ValidationError as err:
            first = err.errors()[0]
            location = first["loc"]
            field = ".".join(str(p) for p in location[2:] if not str(p).startswith("function-"))
            message = first["msg"].removeprefix("Value error, ")
            raise LoadError(
                self.path,
                f"{field}: {message}" if field else message,
                self.line_of(location),
                self.record_id(location),
            ) from None


class _Sources(BaseModel):
    sources: tuple[Source, ...]


class _Actors(BaseModel):
    actors: tuple[Actor, ...]


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection inside: loading and building make millions of objects and no cycles.

    Each collection walks every live object, so on a large dataset the collector took 40-60 % of a
    load (30 s of 100,000 claims: 18 s). Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_dataset(data_dir: Path = DEFAULT_DATA, *, allow_drafts: bool = False) -> Dataset:
    """Read and validate a dataset folder; LoadError on the first problem found."""
    with paused_gc():
        return _load_dataset(Path(data_dir), allow_drafts)


def _load_dataset(data_dir: Path, allow_drafts: bool) -> Dataset:
    if not data_dir.is_dir():
        raise LoadError(data_dir, "data folder not found")
    sources = _Document(data_dir / "sources.yaml").validate(_Sources).sources
    actors = _Document(data_dir / "actors.yaml").validate(_Actors).actors
    vocabulary = _Document(data_dir / "vocabulary.yaml").validate(Vocabulary)
    texts = {s.id: _read_text(data_dir, s) for s in sources if s.text}

    claims_files = []
    for path in sorted((data_dir / "claims").glob("*.yaml")):
        document = _Document(path)
        claims_file = document.validate(ClaimsFile)
        claims_files.append((document, claims_file))

    dataset = Dataset(
        sources=sources,
        actors=actors,
        vocabulary=vocabulary,
        claims_files=tuple(f for _, f in claims_files),
        texts=texts,
    )
    _check_catalogue(data_dir, dataset)
    _check_claims(dataset, claims_files, allow_drafts)
    return dataset


def _read_text(data_dir: Path, source: Source) -> str:
    path = data_dir / "sources" / str(source.text)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LoadError(data_dir / "sources.yaml", f"text {path} not found", record=f"source {source.id}") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != source.sha256:
        raise LoadError(
            data_dir / "sources.yaml",
            f"sha256 of {path.name} is {digest}, not {source.sha256}",
            record=f"source {source.id}",
        )
    return raw.decode("utf-8")


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]


def _check_catalogue(data_dir: Path, dataset: Dataset) -> None:
    """Unique ids, and references between sources, actors and vocabulary that exist."""
    actor_ids = {a.id for a in dataset.actors}
    source_ids = {s.id for s in dataset.sources}
    for name, ids in (
        ("sources.yaml", [s.id for s in dataset.sources]),
        ("actors.yaml", [a.id for a in dataset.actors]),
        ("vocabulary.yaml", [c.id for c in dataset.vocabulary.metrics]),
        ("vocabulary.yaml", [c.id for c in dataset.vocabulary.instruments]),
    ):
        if dupes := _duplicates(ids):
            raise LoadError(data_dir / name, f"duplicate id {dupes[0]!r}")
    for actor in dataset.actors:
        for ref in (*actor.members, *([actor.country] if actor.country else [])):
            if ref not in actor_ids:
                raise LoadError(data_dir / "actors.yaml", f"unknown actor {ref!r}", record=f"actor {actor.id}")
    for source in dataset.sources:
        if source.publisher and source.publisher not in actor_ids:
            raise LoadError(
                data_dir / "sources.yaml", f"unknown publisher actor {source.publisher!r}", record=f"source {source.id}"
            )
        for cited in source.cites:
            if cited not in source_ids:
                raise LoadError(
                    data_dir / "sources.yaml", f"unknown cited source {cited!r}", record=f"source {source.id}"
                )


class _Known:
    """The ids a claim may refer to."""

    def __init__(self, dataset: Dataset):
        self.actors = {a.id for a in dataset.actors}
        self.sources = {s.id for s in dataset.sources}
        self.metrics = {c.id for c in dataset.vocabulary.metrics}
        self.instruments = {c.id for c in dataset.vocabulary.instruments}
        self.claims = {c.id for _, c in dataset.claims()}


def _check_claims(dataset: Dataset, claims_files: list[tuple[_Document, ClaimsFile]], allow_drafts: bool) -> None:
    """Every quote at its offsets, every reference resolved, every id unique."""
    known = _Known(dataset)
    seen: set[str] = set()
    for document, claims_file in claims_files:
        if claims_file.source not in known.sources:
            raise LoadError(document.path, f"unknown source {claims_file.source!r}", document.line_of(["source"]))
        text = dataset.texts.get(claims_file.source)
        for index, claim in enumerate(claims_file.claims):
            problems = _claim_problems(claim, claims_file.source, text, known, seen, allow_drafts)
            for problem, field in problems:
                location: list[int | str] = ["claims", index, *(field.split(".") if field else [])]
                raise LoadError(document.path, problem, document.line_of(location), f"claim {claim.id}")
            seen.add(claim.id)


def _claim_problems(
    claim: Claim, source: str, text: str | None, known: _Known, seen: set[str], allow_drafts: bool
) -> Iterator[tuple[str, str]]:
    """(problem, field) for each thing wrong with one claim, in the order a reader meets them."""
    if claim.id in seen:
        yield f"duplicate claim id {claim.id!r}", "id"
    if claim.status == "draft" and not allow_drafts:
        yield "is a draft: review it and set status: reviewed (or build with --allow-drafts)", "status"
    if isinstance(claim.evidence, Span):
        if text is None:
            yield f"has a character span but source {source!r} ships no text", "evidence"
        else:
            yield from _span_problems(claim, claim.evidence, text)
    for actor in claim.subjects:
        if actor not in known.actors:
            yield f"unknown actor {actor!r}", "subjects"
    if claim.metric and claim.metric not in known.metrics:
        yield f"unknown metric {claim.metric!r} (not in vocabulary.yaml)", "metric"
    if claim.flow:
        for role, actor in (("funder", claim.flow.funder), ("recipient", claim.flow.recipient)):
            if actor not in known.actors:
                yield f"unknown actor {actor!r}", f"flow.{role}"
        if claim.flow.instrument not in known.instruments:
            yield f"unknown instrument {claim.flow.instrument!r} (not in vocabulary.yaml)", "flow.instrument"
    for cited in claim.attributed_to:
        if cited not in known.sources:
            yield f"unknown source {cited!r}", "attributed_to"
    if claim.formula:
        try:
            arithmetic.parse(claim.formula)
        except arithmetic.FormulaError as err:
            yield str(err), "formula"
        for ref in arithmetic.references(claim.formula):
            if ref not in known.claims:
                yield f"formula names unknown claim {ref!r}", "formula"
    for upstream in claim.derived_from:
        if upstream.claim not in known.claims:
            yield f"derived from unknown claim {upstream.claim!r}", "derived_from"


def _span_problems(claim: Claim, span: Span, text: str) -> Iterator[tuple[str, str]]:
    if span.end > len(text):
        yield f"span [{span.start}, {span.end}) runs past the end of the text ({len(text)} characters)", "evidence"
    found = text[span.start : span.end]
    if found != span.quote:
        at = text.find(span.quote)
        hint = f"; the quote is at [{at}, {at + len(span.quote)})" if at >= 0 else "; the quote is not in the text"
        yield (
            f"quote {span.quote!r} is not at [{span.start}, {span.end}): the text there is {found!r}{hint}",
            "evidence",
        )
    elif claim.quantity and claim.quantity.text not in span.quote:
        yield f"figure {claim.quantity.text!r} does not occur in its quote {span.quote!r}", "quantity.text"
