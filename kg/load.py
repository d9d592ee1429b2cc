"""YAML → validated models, with every quote checked against its source text.

A dataset folder holds::

    sources.yaml           the documents: the articles whose text we ship, the reports they cite
    sources/*.txt          the shipped texts, byte for byte, each with its sha256 in sources.yaml
    actors.yaml            who holds, gives or receives money
    vocabulary.yaml        the concept schemes: metrics and funding instruments
    claims/*.yaml          one file per source: its figures and funding flows

Every problem is a :class:`LoadError`: one line that names the file, the line, the record and
what is wrong. A load reports every problem it finds (up to :data:`MAX_ERRORS` shown) as one
:class:`LoadErrors`, so that a person fixes a file in one pass, not one error per run.

What is read stays inside the data folder: a text's path may not be absolute, climb with ``..``
or leave through a symlink. YAML anchors and aliases are refused (an alias bomb of 700 bytes
expands to gigabytes), and so are duplicate keys (YAML would keep the last one silently).
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from kg import arithmetic
from kg.models import Actor, Claim, ClaimsFile, Concept, Dataset, Record, Source, Span, Vocabulary

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data"

MAX_ERRORS = 50  # problems listed in one message; the rest are counted
MAX_YAML_BYTES = 200 * 2**20  # a claims file of 200 MB holds ~500,000 claims
MAX_TEXT_BYTES = 50 * 2**20  # a shipped text (a book is ~1 MB)

Model = TypeVar("Model", bound=BaseModel)


class LoadError(Exception):
    """Bad input: the message is one line naming the file, line, record and problem."""

    def __init__(self, path: Path, problem: str, line: int | None = None, record: str | None = None):
        self.path, self.problem, self.line, self.record = path, problem, line, record
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {f'{record}: ' if record else ''}{problem}")


class LoadErrors(LoadError):
    """Every problem of one load, one line each (the first :data:`MAX_ERRORS` of them)."""

    def __init__(self, problems: Sequence[LoadError]):
        first = problems[0]
        super().__init__(first.path, first.problem, first.line, first.record)
        self.problems = list(problems)
        lines = [str(p) for p in self.problems[:MAX_ERRORS]]
        if len(self.problems) > MAX_ERRORS:
            lines.append(f"… and {len(self.problems) - MAX_ERRORS} more problems")
        self.args = ("\n".join(lines),)


class _Problems:
    """The problems found so far; a load goes on after each one to find the others."""

    def __init__(self) -> None:
        self.found: list[LoadError] = []

    def add(self, problem: LoadError) -> None:
        self.found.append(problem)

    def raise_any(self) -> None:
        """Raise what was found, file by file and line by line, as a reader goes through them."""
        if len(self.found) == 1:
            raise self.found[0]
        if self.found:
            raise LoadErrors(sorted(self.found, key=lambda p: (str(p.path), p.line or 0)))


#: libyaml's parser where PyYAML was built with it: 10-20x faster than the pure-Python one,
#: which took most of a corpus load (27 of 31 s at 10,000 claims).
_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):  # type: ignore[misc]
    """The safe loader, refusing duplicate keys and impossible dates with the line they are on."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str) and key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (YAML would keep only the last)", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep)  # type: ignore[no-any-return]

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as err:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value} is not a date ({err})", node.start_mark
            ) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_mapping)
_StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _StrictLoader.construct_yaml_timestamp)

_STR, _INT, _MERGE = "tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:merge"


def _construct(node: yaml.Node | None, loader: Any) -> Any:
    """Python data of a composed YAML document, as the safe loader makes it, three times faster.

    Strings and plain whole numbers (most of a claims file) are made here; every other scalar
    (booleans, null, dates, other numbers) by the strict loader, with its rules. The safe loader
    builds every object through generators; at 100,000 claims that took 11 of a build's seconds.
    """
    if node is None:
        return None
    kind = type(node)
    if kind is yaml.ScalarNode:
        value = node.value
        if node.tag == _STR:
            return value
        if node.tag == _INT and value.isdigit() and (value == "0" or value[0] != "0"):  # 012 is octal in YAML 1.1
            return int(value)
        return loader.construct_object(node, deep=True)
    if kind is yaml.SequenceNode:
        return [_construct(item, loader) for item in node.value]
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if key_node.tag == _MERGE:
            raise yaml.constructor.ConstructorError(
                None, None, "YAML merge keys (<<) are not allowed", key_node.start_mark
            )
        key = _construct(key_node, loader)
        try:
            duplicate = key in mapping
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a key must be a plain value", key_node.start_mark
            ) from None
        if duplicate:
            problem = f"duplicate key {key!r} (YAML would keep only the last)"
            raise yaml.constructor.ConstructorError(None, None, problem, key_node.start_mark)
        mapping[key] = _construct(value_node, loader)
    return mapping


def read_bytes(path: Path, limit: int) -> bytes:
    """A file's bytes, or LoadError saying why not (missing, a folder, a loop of links, too large …)."""
    try:
        with path.open("rb") as stream:
            data = stream.read(limit + 1)
    except FileNotFoundError:
        raise LoadError(path, "file not found") from None
    except IsADirectoryError:
        raise LoadError(path, "is a folder, not a file") from None
    except OSError as err:
        raise LoadError(path, f"cannot read: {err.strerror or err}") from None
    if len(data) > limit:
        raise LoadError(path, f"larger than {limit // 2**20} MB: refused")
    return data


class _Document:
    """A parsed YAML file that can tell the line of any node, for error messages.

    The node tree (with its line marks) is composed again only when an error needs a line, and
    then kept for the next error: keeping it for every file would cost time and memory on a large
    dataset, and composing it for every error would be quadratic in a file full of them.
    """

    def __init__(self, path: Path):
        self.path = path
        self._nodes: Any = None
        raw = read_bytes(path, MAX_YAML_BYTES)
        try:
            self.text = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise LoadError(path, f"not UTF-8 ({err.reason} at byte {err.start})") from None
        self._refuse_aliases()
        self.data: Any = self._parse(lambda loader: _construct(loader.get_single_node(), loader))

    def _parse(self, read: Any) -> Any:
        loader = _StrictLoader(self.text)
        try:
            return read(loader)
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            problem = getattr(err, "problem", None) or str(err)
            raise LoadError(self.path, f"broken YAML: {problem}", mark.line + 1 if mark else None) from None
        finally:
            loader.dispose()

    def _refuse_aliases(self) -> None:
        """No anchors or aliases: the event scan runs only where a ``&`` or ``*`` could be one."""
        if "&" not in self.text and "*" not in self.text:
            return
        try:
            for event in yaml.parse(self.text, Loader=_BaseLoader):
                if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                    line = event.start_mark.line + 1 if event.start_mark else None
                    raise LoadError(self.path, "YAML anchors and aliases (&, *) are not allowed: write it out", line)
        except yaml.YAMLError:
            return  # broken YAML: _parse says where

    def line_of(self, location: Sequence[int | str]) -> int | None:
        """1-based line of the node at a pydantic error location, or of its nearest parent."""
        if self._nodes is None:
            self._nodes = self._parse(lambda loader: loader.get_single_node())
        node, line = self._nodes, None
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

    def validate(self, model: type[Model], problems: _Problems) -> Model | None:
        """The file as ``model``, or None with every validation problem added to ``problems``."""
        if not isinstance(self.data, dict):
            problems.add(LoadError(self.path, f"expected a mapping with the keys of {model.__name__}", 1))
            return None
        try:
            return model.model_validate(self.data)
        except ValidationError as err:
            for error in err.errors():
                location = error["loc"]
                field = ".".join(str(p) for p in location[2:] if not str(p).startswith("function-"))
                message = error["msg"].removeprefix("Value error, ")
                problems.add(
                    LoadError(
                        self.path,
                        f"{field}: {message}" if field else message,
                        self.line_of(location),
                        self.record_id(location),
                    )
                )
            return None

    def ids(self, key: str) -> set[str]:
        """The ids of the records under ``key``, valid or not."""
        items = self.data.get(key) if isinstance(self.data, dict) else None
        return {str(i["id"]) for i in items if isinstance(i, dict) and "id" in i} if isinstance(items, list) else set()

    def valid_items(self, key: str, model: type[Model]) -> list[Model]:
        """The items of the list under ``key`` that are valid on their own (after a failed validate)."""
        items = self.data.get(key) if isinstance(self.data, dict) else None
        valid = []
        for item in items if isinstance(items, list) else ():
            try:
                valid.append(model.model_validate(item))
            except ValidationError:
                continue
        return valid


class ClaimsIndex(Record):
    """What the rest of a dataset needs of a claims file without reading it again (for incremental builds).

    Its source, the ids it defines, the ids it refers to and the periods it uses: enough to check
    another file's references against it, to name its claims' IRIs, and to count it.
    """

    source: str
    claims: tuple[str, ...]
    actors: tuple[str, ...]
    metrics: tuple[str, ...]
    instruments: tuple[str, ...]
    sources: tuple[str, ...]
    upstream: tuple[str, ...]  # claims named by a formula or derived_from
    periods: tuple[str, ...]
    figures: int
    flows: int
    drafts: int
    text_sha256: str | None  # of the source's text the spans were checked against

    @classmethod
    def of(cls, claims_file: ClaimsFile, text_sha256: str | None) -> ClaimsIndex:
        claims = claims_file.claims
        return cls(
            source=claims_file.source,
            text_sha256=text_sha256,
            claims=tuple(c.id for c in claims),
            actors=_sorted(
                a for c in claims for a in (*c.subjects, *((c.flow.funder, c.flow.recipient) if c.flow else ()))
            ),
            metrics=_sorted(c.metric for c in claims if c.metric),
            instruments=_sorted(c.flow.instrument for c in claims if c.flow),
            sources=_sorted(s for c in claims for s in c.attributed_to),
            upstream=_sorted(
                ref
                for c in claims
                for ref in (
                    *(arithmetic.references(c.formula) if c.formula else ()),
                    *(u.claim for u in c.derived_from),
                )
            ),
            periods=_sorted(c.period.label for c in claims if c.period),
            figures=sum(1 for c in claims if c.quantity),
            flows=sum(1 for c in claims if c.flow),
            drafts=sum(1 for c in claims if c.status == "draft"),
        )


def _sorted(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(items)))


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


def load_dataset(
    data_dir: Path = DEFAULT_DATA, *, allow_drafts: bool = False, reuse: Mapping[str, ClaimsIndex] | None = None
) -> Dataset:
    """Read and validate a dataset folder; LoadError (LoadErrors for several) on every problem found.

    ``reuse`` maps claims files (by path relative to the data folder, ``claims/x.yaml``) that did
    not change since they were last read to their index: those are not read again; their
    references are checked from the index, and ``Dataset.indexes`` carries them.
    """
    with paused_gc():
        problems = _Problems()
        try:
            dataset = _load_dataset(Path(data_dir), allow_drafts, problems, dict(reuse or {}))
        except LoadError as fatal:  # the folder or a catalogue file cannot be read at all
            problems.add(fatal)
        problems.raise_any()
        return dataset


def _load_dataset(data_dir: Path, allow_drafts: bool, problems: _Problems, reuse: dict[str, ClaimsIndex]) -> Dataset:
    if not data_dir.is_dir():
        raise LoadError(data_dir, "data folder not found")
    if not (data_dir / "sources.yaml").is_file():
        raise LoadError(data_dir, "not a dataset folder: it has no sources.yaml")
    # ids of records found wrong: a reference to one of them is not reported as a second problem
    invalid: set[str] = set()
    sources = _catalogue(data_dir / "sources.yaml", _Sources, "sources", Source, problems, invalid)
    actors = _catalogue(data_dir / "actors.yaml", _Actors, "actors", Actor, problems, invalid)
    vocabulary = _vocabulary(data_dir / "vocabulary.yaml", problems, invalid)

    paths = sorted((data_dir / "claims").glob("*.yaml"))
    read = {p: _read_claims_file(p, problems, invalid) for p in paths if f"claims/{p.name}" not in reuse}
    drafts = [f for f in read.values() if f is not None]
    sources, actors, vocabulary = _with_proposals(sources, actors, vocabulary, drafts, allow_drafts, problems)
    texts = {}
    for source in sources:
        if source.text:
            try:
                texts[source.id] = _read_text(data_dir, source)
            except LoadError as problem:
                problems.add(problem)
                invalid.add(f"{source.id}:")  # its spans cannot be checked: say so once, above
    # a file not read again stays so only while the text its spans were checked against is the same
    hashes = {s.id: s.sha256 for s in sources}
    reused = {
        f"claims/{p.name}": reuse[f"claims/{p.name}"]
        for p in paths
        if p not in read and hashes.get(reuse[f"claims/{p.name}"].source) == reuse[f"claims/{p.name}"].text_sha256
    }
    read |= {
        p: _read_claims_file(p, problems, invalid) for p in paths if p not in read and f"claims/{p.name}" not in reused
    }
    checked = [found for p in paths if (found := read.get(p)) is not None]

    indexes = {f"claims/{d.path.name}": ClaimsIndex.of(f, hashes.get(f.source)) for d, f in checked} | reused
    dataset = Dataset(
        sources=tuple(sources),
        actors=tuple(actors),
        vocabulary=vocabulary,
        claims_files=tuple(f for _, f in checked),
        paths=tuple(f"claims/{d.path.name}" for d, _ in checked),
        texts=texts,
        indexes=dict(sorted(indexes.items())),
    )
    _check_catalogue(data_dir, dataset, problems, invalid)
    _check_claims(dataset, checked, allow_drafts, problems, invalid)
    _check_reused(data_dir, dataset, reused, allow_drafts, problems, invalid)
    return dataset


def _read_claims_file(path: Path, problems: _Problems, invalid: set[str]) -> tuple[_Document, ClaimsFile] | None:
    """One claims file, validated on its own; after a problem, its claims that are valid on their own."""
    try:
        document = _Document(path)
    except LoadError as problem:
        problems.add(problem)
        return None
    claims_file = document.validate(ClaimsFile, problems)
    if claims_file is None:  # keep the valid claims, so that references to them still resolve
        source = document.data.get("source") if isinstance(document.data, dict) else None
        claims = tuple(document.valid_items("claims", Claim))
        invalid |= document.ids("claims") - {c.id for c in claims}
        claims_file = ClaimsFile(source=str(source), claims=claims) if claims and source else None
    return (document, claims_file) if claims_file is not None else None


def read_claims_file(path: Path) -> ClaimsFile:
    """One claims file as a model (its references not checked): for a graph rebuilt from a file read before."""
    problems = _Problems()
    found = _read_claims_file(path, problems, set())
    problems.raise_any()
    assert found is not None
    return found[1]


def _catalogue(
    path: Path, model: type[Any], key: str, item: type[Model], problems: _Problems, invalid: set[str]
) -> list[Model]:
    """The records of a catalogue file; after a problem, those that are valid on their own."""
    document = _Document(path)
    whole = document.validate(model, problems)
    if whole is not None:
        return list(getattr(whole, key))
    valid = document.valid_items(key, item)
    invalid |= document.ids(key) - {getattr(record, "id", None) for record in valid}
    return valid


def _vocabulary(path: Path, problems: _Problems, invalid: set[str]) -> Vocabulary:
    document = _Document(path)
    whole = document.validate(Vocabulary, problems)
    if whole is not None:
        return whole
    metrics, instruments = document.valid_items("metrics", Concept), document.valid_items("instruments", Concept)
    invalid |= (document.ids("metrics") | document.ids("instruments")) - {c.id for c in (*metrics, *instruments)}
    return Vocabulary(metrics=tuple(metrics), instruments=tuple(instruments))


def _with_proposals(
    sources: list[Source],
    actors: list[Actor],
    vocabulary: Vocabulary,
    claims_files: Sequence[tuple[_Document, ClaimsFile]],
    allow_drafts: bool,
    problems: _Problems,
) -> tuple[list[Source], list[Actor], Vocabulary]:
    """The catalogue with what draft files propose (new actors, metrics, sources), when drafts are allowed."""
    metrics, instruments = list(vocabulary.metrics), list(vocabulary.instruments)
    for document, claims_file in claims_files:
        proposed = claims_file.proposed
        if proposed is None:
            continue
        if not allow_drafts:
            problems.add(
                LoadError(
                    document.path,
                    "is a draft (it has proposals): review it (kg serve) or build with --allow-drafts",
                    document.line_of(["proposed"]),
                )
            )
            continue
        sources += _new([*([proposed.source] if proposed.source else []), *proposed.sources], sources)
        actors += _new(proposed.actors, actors)
        metrics += _new(proposed.metrics, metrics)
        instruments += _new(proposed.instruments, instruments)
    return sources, actors, Vocabulary(metrics=tuple(metrics), instruments=tuple(instruments))


Recorded = TypeVar("Recorded", Source, Actor, Concept)


def _new(proposed: Sequence[Recorded], known: Sequence[Recorded]) -> list[Recorded]:
    """The proposals not already known as they are: two drafts may propose the same new record.

    A proposal with a known id but other content stays, and is reported as a duplicate id.
    """
    return [record for record in proposed if record not in known]


def _read_text(data_dir: Path, source: Source) -> str:
    """A source's shipped text, from inside data/sources/ only, checked against its sha256."""

    def refused(problem: str) -> LoadError:
        return LoadError(data_dir / "sources.yaml", problem, record=f"source {source.id}")

    relative = Path(str(source.text))
    if relative.is_absolute() or ".." in relative.parts:
        raise refused(f"text {source.text!r} must be a path inside sources/, without '..'")
    folder = (data_dir / "sources").resolve()
    path = data_dir / "sources" / relative
    if not path.resolve().is_relative_to(folder):
        raise refused(f"text {source.text!r} leads outside sources/ (through a link)")
    try:
        raw = read_bytes(path, MAX_TEXT_BYTES)
    except LoadError as err:
        raise refused(f"text {path}: {err.problem}") from None
    digest = hashlib.sha256(raw).hexdigest()
    if digest != source.sha256:
        raise refused(f"sha256 of {path.name} is {digest}, not {source.sha256}")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise refused(f"text {path.name} is not UTF-8 ({err.reason} at byte {err.start})") from None


def _duplicates(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    return [i for i in ids if i in seen or seen.add(i)]  # type: ignore[func-returns-value]


def _check_catalogue(data_dir: Path, dataset: Dataset, problems: _Problems, invalid: set[str]) -> None:
    """Unique ids, and references between sources, actors and vocabulary that exist."""
    actor_ids = {a.id for a in dataset.actors} | invalid
    source_ids = {s.id for s in dataset.sources} | invalid
    for name, ids in (
        ("sources.yaml", [s.id for s in dataset.sources]),
        ("actors.yaml", [a.id for a in dataset.actors]),
        ("vocabulary.yaml", [c.id for c in dataset.vocabulary.metrics]),
        ("vocabulary.yaml", [c.id for c in dataset.vocabulary.instruments]),
    ):
        for duplicate in dict.fromkeys(_duplicates(ids)):
            problems.add(LoadError(data_dir / name, f"duplicate id {duplicate!r}"))
    for actor in dataset.actors:
        for ref in (*actor.members, *([actor.country] if actor.country else [])):
            if ref not in actor_ids:
                problems.add(LoadError(data_dir / "actors.yaml", f"unknown actor {ref!r}", record=f"actor {actor.id}"))
    for source in dataset.sources:
        record = f"source {source.id}"
        if source.publisher and source.publisher not in actor_ids:
            problem = f"unknown publisher actor {source.publisher!r}"
            problems.add(LoadError(data_dir / "sources.yaml", problem, record=record))
        for cited in source.cites:
            if cited not in source_ids:
                problems.add(LoadError(data_dir / "sources.yaml", f"unknown cited source {cited!r}", record=record))


class _Known:
    """The ids a claim may refer to (with those of records already reported as wrong)."""

    def __init__(self, dataset: Dataset, invalid: set[str]):
        self.actors = {a.id for a in dataset.actors} | invalid
        self.sources = {s.id for s in dataset.sources} | invalid
        self.metrics = {c.id for c in dataset.vocabulary.metrics} | invalid
        self.instruments = {c.id for c in dataset.vocabulary.instruments} | invalid
        self.claims = {c for index in dataset.indexes.values() for c in index.claims} | invalid


def _check_claims(
    dataset: Dataset,
    claims_files: list[tuple[_Document, ClaimsFile]],
    allow_drafts: bool,
    problems: _Problems,
    invalid: set[str],
) -> None:
    """Every quote at its offsets, every reference resolved, every id unique."""
    known = _Known(dataset, invalid)
    # ids of the claims files not read again count as seen first: a new claim may not reuse one
    parsed = {f"claims/{d.path.name}" for d, _ in claims_files}
    seen = {c for path, index in dataset.indexes.items() if path not in parsed for c in index.claims}
    for document, claims_file in claims_files:
        _check_claims_file(document, claims_file, dataset, known, seen, problems, allow_drafts, invalid)


def _check_claims_file(
    document: _Document,
    claims_file: ClaimsFile,
    dataset: Dataset,
    known: _Known,
    seen: set[str],
    problems: _Problems,
    allow_drafts: bool,
    invalid: set[str],
) -> None:
    """The claims of one file; ``seen`` holds the claim ids met so far, and gets this file's."""
    if claims_file.source not in known.sources:
        line = document.line_of(["source"])
        problems.add(LoadError(document.path, f"unknown source {claims_file.source!r}", line))
        return
    text: str | None = dataset.texts.get(claims_file.source)
    if text is None and {claims_file.source, f"{claims_file.source}:"} & invalid:
        text = ""  # its source or text is wrong, as reported: no span is checked against it
    for index, claim in enumerate(claims_file.claims):
        for problem, field in _claim_problems(claim, claims_file.source, text, known, seen, allow_drafts):
            location: list[int | str] = ["claims", index, *(field.split(".") if field else [])]
            problems.add(LoadError(document.path, problem, document.line_of(location), f"claim {claim.id}"))
        seen.add(claim.id)


def _check_reused(
    data_dir: Path,
    dataset: Dataset,
    reused: dict[str, ClaimsIndex],
    allow_drafts: bool,
    problems: _Problems,
    invalid: set[str],
) -> None:
    """The references of files not read again, from their indexes; one with a problem is read to say where."""
    known = _Known(dataset, invalid)
    for relative, index in reused.items():
        dangling = (
            (index.drafts and not allow_drafts)
            or index.source not in known.sources
            or not known.actors.issuperset(index.actors)
            or not known.metrics.issuperset(index.metrics)
            or not known.instruments.issuperset(index.instruments)
            or not known.sources.issuperset(index.sources)
            or not known.claims.issuperset(index.upstream)
        )
        if dangling:
            # read it for the lines and claims of its problems, as a changed file would be
            document = _Document(data_dir / relative)
            claims_file = document.validate(ClaimsFile, problems)
            if claims_file is not None:
                others = {c for path, i in dataset.indexes.items() if path != relative for c in i.claims}
                _check_claims_file(document, claims_file, dataset, known, others, problems, allow_drafts, invalid)


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
        elif text:
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
