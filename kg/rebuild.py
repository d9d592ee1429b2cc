"""``kg build``, whole or incremental: what changed, made again, checked, and swapped in.

One named graph per source is the unit of work. Every graph has a digest of what decides its
content (the builder, its claims files, its source's text, where the claims it names live; for
the default graph the catalogue, the texts and the periods in use). A build makes again exactly
the graphs whose digest changed, in a copy of the previous store (its immutable files hard-linked,
so the copy costs almost nothing), runs the checks, and swaps the new generation in (see
:mod:`kg.buildfolder`). Files of unchanged graphs are hard-linked too. So the result of an
incremental build equals a full build of the same data, graph for graph (tests/test_rebuild.py
compares them on random edits), and adding one article to a large corpus costs about the article.

A generation holds::

    store/                  the Oxigraph store the commands open
    graphs/default.trig     the default graph: ontology, actors, sources and their texts, vocabulary
    graphs/<source>.trig    one file per source's named graph, byte-identical for the same input
    figures.json            every source's figures as the checks read them (kg.recheck)
    checks.json             every finding, with the node it has in the findings graph
    manifest.json           what it was built from: inputs with digests, graphs with theirs
    indexes.json            what each claims file holds (ids, periods, …): where the next build starts
    summary.json            counts, for people and scripts

The whole graph in one file (Turtle, N-Triples, N-Quads, TriG, JSON-LD) is written on demand by
``kg export``: rewriting it on every build would cost a large corpus far more than the change.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson
from pyoxigraph import DefaultGraph, NamedNode, Quad, RdfFormat, Store, serialize

from kg.build import FINDINGS_GRAPH, claim_sources, default_quads, finding_node, source_quads
from kg.buildfolder import FORMAT, BuildFolderError, check_ours, current, locked, publish, staging
from kg.check import Finding
from kg.figures import figure_of
from kg.inputs import CATALOGUE, MANIFEST, Input, builder_digest, digest_of, inventory
from kg.load import ClaimsIndex, load_dataset, paused_gc, read_claims_file
from kg.models import Claim, Dataset, Span
from kg.recheck import State, figure_row, recheck
from kg.terms import PREFIXES, actor_iri, claim_iri, graph_iri, instrument_iri, metric_iri, source_iri

DEFAULT_BUILD = Path("build")
STORE, GRAPHS, INDEXES, SUMMARY = "store", "graphs", "indexes.json", "summary.json"
DEFAULT = "default"  # the default graph's name among the graphs; no source may take the id
MAX_TABLES = 400  # table files a store may have before a build compacts it
RESERVED = {DEFAULT, FINDINGS_GRAPH}
PREFIXES_OUT = {p: iri for p, iri in PREFIXES.items() if p != "sh"}


@dataclass(frozen=True)
class BuildSummary:
    """What a build made and where it went."""

    build_dir: Path
    generation: Path
    claims: int
    figures: int
    flows: int
    actors: int
    sources: int
    quads: int
    graphs_made: int  # graphs made in this build
    graphs_kept: int  # graphs taken over unchanged from the build before

    def as_dict(self) -> dict[str, object]:
        plain = asdict(self)
        plain["build_dir"], plain["generation"] = str(self.build_dir), self.generation.name
        return plain


@dataclass
class Manifest:
    """What a generation was built from: the next build's starting point, and every command's freshness test."""

    format: int
    builder: str
    data: str  # the data folder, resolved
    inputs: dict[str, Input]
    indexes: dict[str, ClaimsIndex]
    graphs: dict[str, dict[str, Any]] = field(default_factory=dict)  # name → digest, quads

    def write(self, generation: Path) -> None:
        """Into ``manifest.json`` what every command's freshness test reads; the claims indexes apart."""
        head = {
            "format": self.format,
            "builder": self.builder,
            "data": self.data,
            "inputs": [i.as_list() for i in self.inputs.values()],
            "graphs": self.graphs,
        }
        (generation / MANIFEST).write_bytes(orjson.dumps(head))
        (generation / INDEXES).write_bytes(orjson.dumps({p: i.model_dump() for p, i in self.indexes.items()}))

    @classmethod
    def read(cls, generation: Path) -> Manifest | None:
        """The manifest of a generation, or None where it is missing or of another format."""
        try:
            plain = orjson.loads((generation / MANIFEST).read_bytes())
            if plain.get("format") != FORMAT:
                return None
            indexes = orjson.loads((generation / INDEXES).read_bytes())
            return cls(
                format=plain["format"],
                builder=plain["builder"],
                data=plain["data"],
                inputs={raw[0]: Input.from_list(raw) for raw in plain["inputs"]},
                indexes={p: ClaimsIndex.model_validate(i) for p, i in indexes.items()},
                graphs=plain["graphs"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


def rebuild(
    data_dir: Path,
    build_dir: Path = DEFAULT_BUILD,
    *,
    allow_drafts: bool = False,
    full: bool = False,
    say: Callable[[str], None] | None = None,
) -> BuildSummary:
    """Build ``data_dir`` into ``build_dir``: only what changed since the last build, unless ``full``.

    LoadError on bad input, BuildFolderError where the folder is not kg's; either way the build
    before stays current, whole.
    """
    data_dir = Path(data_dir).resolve()
    check_ours(build_dir)
    try:
        return _rebuild(data_dir, Path(build_dir), allow_drafts, full, say)
    except OSError as err:  # a full or read-only disk: one line; the build before stays current
        where = f" ({err.filename})" if err.filename else ""
        raise BuildFolderError(f"{build_dir}: cannot write the build: {err.strerror or err}{where}") from None


def _rebuild(
    data_dir: Path, build_dir: Path, allow_drafts: bool, full: bool, say: Callable[[str], None] | None
) -> BuildSummary:
    with locked(build_dir, say=say), paused_gc():
        before = None if full else _Before.of(current(build_dir))
        same_data = before is not None and before.manifest.data == str(data_dir)
        inputs = inventory(data_dir, before.manifest.inputs if before and same_data else None)
        reuse = _unchanged_files(before.manifest, inputs) if before and same_data else {}
        dataset = load_dataset(data_dir, allow_drafts=allow_drafts, reuse=reuse)
        _refuse_reserved(dataset)
        digests = graph_digests(dataset, inputs)
        made = staging(build_dir)
        try:
            manifest = Manifest(FORMAT, builder_digest(), str(data_dir), inputs, dataset.indexes)
            summary = _make(made, data_dir, dataset, digests, manifest, before)
            generation = publish(build_dir, made)
        except BaseException:
            shutil.rmtree(made, ignore_errors=True)
            raise
    return BuildSummary(**{**summary, "build_dir": Path(build_dir), "generation": generation})


@dataclass(frozen=True)
class _Before:
    """The current build, where a new one can take graphs, figures and findings over from it."""

    path: Path
    manifest: Manifest
    state: State

    @classmethod
    def of(cls, generation: Path | None) -> _Before | None:
        """None where there is none, or it was made by other code, or it lacks what a build keeps."""
        manifest = Manifest.read(generation) if generation is not None else None
        if generation is None or manifest is None or manifest.builder != builder_digest():
            return None
        state = State.read(generation)
        return cls(generation, manifest, state) if state is not None else None


def _unchanged_files(previous: Manifest, inputs: dict[str, Input]) -> dict[str, ClaimsIndex]:
    """Claims files whose content is what the previous build read, and that hold no drafts' proposals."""
    return {
        path: index
        for path, index in previous.indexes.items()
        if path in inputs and previous.inputs.get(path) == inputs[path] and not index.drafts
    }


def _refuse_reserved(dataset: Dataset) -> None:
    from kg.load import LoadError

    for source in dataset.sources:
        if source.id in RESERVED:
            raise LoadError(Path("sources.yaml"), f"the id {source.id!r} is kg's own: give the source another")


def graph_digests(dataset: Dataset, inputs: dict[str, Input]) -> dict[str, str]:
    """Graph name (``default`` or a source id) → the digest of what decides its content."""
    builder = builder_digest()
    texts = {s.id: s.sha256 for s in dataset.sources if s.text}
    where = claim_sources(dataset)
    files: dict[str, list[str]] = {}
    named: dict[str, set[tuple[str, str | None]]] = {}
    for path, index in dataset.indexes.items():
        files.setdefault(index.source, []).append(inputs[path].sha256 if path in inputs else path)
        named.setdefault(index.source, set()).update((ref, where.get(ref)) for ref in index.upstream)
    drafts = sorted(inputs[p].sha256 for p, i in dataset.indexes.items() if i.drafts and p in inputs)
    periods = sorted({label for index in dataset.indexes.values() for label in index.periods})
    catalogue = [inputs[name].sha256 for name in CATALOGUE if name in inputs]
    digests = {DEFAULT: digest_of(builder, catalogue, sorted(texts.items()), periods, drafts)}
    for source, digests_of_files in files.items():
        digests[source] = digest_of(builder, sorted(digests_of_files), texts.get(source), sorted(named[source]))
    return digests


def _make(
    made: Path, data_dir: Path, dataset: Dataset, digests: dict[str, str], manifest: Manifest, before: _Before | None
) -> dict[str, Any]:
    """Fill the staging folder ``made``: store, graph files, checks and findings, manifest, summary."""
    previous = before.manifest if before else None
    kept = {n for n, d in digests.items() if previous and previous.graphs.get(n, {}).get("digest") == d}
    (made / GRAPHS).mkdir()
    checked = before.state if before else None
    figures = {s: rows for s, rows in (checked.figures if checked else {}).items() if s in kept}
    quotes = {s: n for s, n in (checked.quotes if checked else {}).items() if s in kept}
    if before is not None:
        _snapshot_store(before.path / STORE, made / STORE)
    claims = _Claims(dataset, data_dir)
    store = Store(str(made / STORE))
    try:
        if previous is not None:
            for name in set(previous.graphs) - kept:
                store.clear_graph(DefaultGraph()) if name == DEFAULT else store.remove_graph(NamedNode(graph_iri(name)))
        loader = _Loader(store)
        try:
            for name in sorted(digests):
                if name in kept and before is not None and previous is not None:
                    os.link(before.path / GRAPHS / _file(name), made / GRAPHS / _file(name))
                    manifest.graphs[name] = previous.graphs[name]
                    continue
                quads = default_quads(dataset) if name == DEFAULT else claims.quads(name)
                serialize(quads, str(made / GRAPHS / _file(name)), RdfFormat.TRIG, prefixes=PREFIXES_OUT)
                loader.load(made / GRAPHS / _file(name), len(quads))
                manifest.graphs[name] = {"digest": digests[name], "quads": len(quads)}
                if name != DEFAULT:
                    figures[name], quotes[name] = claims.figures(name)
        finally:
            loader.close()
        gone = set(checked.figures) - set(figures) if checked else set()
        made_again = gone | (set(digests) - kept - {DEFAULT})
        findings = recheck(checked, figures, quotes, _texts(dataset), _groups(dataset), made_again)
        state = State(figures, quotes, _record(store, findings, checked, claims.where, made_again))
        state.write(made)
        if previous is None or sum(1 for e in os.scandir(made / STORE) if e.name.endswith(".sst")) > MAX_TABLES:
            # filled in chunks, or grown by builds, the store is many small tables; compacted, reads
            # are 3x faster (and queries that scan, 10x: 4.7 s → 0.4 s at 10,000 claims)
            store.optimize()
        store.flush()
    finally:
        del store
    manifest.write(made)
    indexes = dataset.indexes.values()
    summary = {
        "claims": sum(len(i.claims) for i in indexes),
        "figures": sum(i.figures for i in indexes),
        "flows": sum(i.flows for i in indexes),
        "actors": len(dataset.actors),
        "sources": len(dataset.sources),
        "quads": sum(g["quads"] for g in manifest.graphs.values()),
        "graphs_made": len(digests) - len(kept),
        "graphs_kept": len(kept),
    }
    (made / SUMMARY).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return summary


def _file(name: str) -> str:
    return f"{name}.trig"


class _Claims:
    """The claims of each source, from the files read for this build or, where a file was not, read now."""

    def __init__(self, dataset: Dataset, data_dir: Path):
        self.dataset, self.data_dir = dataset, data_dir
        self.read = dict(zip(dataset.paths, dataset.claims_files, strict=True))
        self.cache: dict[str, list[Claim]] = {}
        self.where = claim_sources(dataset)
        self.files: dict[str, list[str]] = {}
        for path, index in dataset.indexes.items():
            self.files.setdefault(index.source, []).append(path)

    @cached_property
    def known(self) -> set[str]:
        """The IRI of every actor, source, concept and claim of the dataset: what a claim may point at."""
        dataset = self.dataset
        return {
            *(actor_iri(a.id) for a in dataset.actors),
            *(source_iri(s.id) for s in dataset.sources),
            *(metric_iri(c.id) for c in dataset.vocabulary.metrics),
            *(instrument_iri(c.id) for c in dataset.vocabulary.instruments),
            *(claim_iri(source, claim) for claim, source in self.where.items()),
        }

    def of(self, source: str) -> list[Claim]:
        if source not in self.cache:
            found: list[Claim] = []
            for path in self.files.get(source, []):
                claims_file = self.read.get(path) or read_claims_file(self.data_dir / path)
                found += claims_file.claims
            self.cache = {source: found}  # the one asked for last: a graph's quads, then its checks
        return self.cache[source]

    def quads(self, source: str) -> list[Quad]:
        return source_quads(source, self.of(source), self.dataset.texts.get(source), self.where)

    def figures(self, source: str) -> tuple[list[list[Any]], int]:
        """A source's figures as the checks read them, and how many quotes of its text its claims rest on."""
        rows = [figure_row(f) for c in self.of(source) if (f := figure_of(source, c)) is not None]
        return rows, sum(1 for c in self.of(source) if isinstance(c.evidence, Span))


def _snapshot_store(source: Path, target: Path) -> None:
    """A copy of a closed store that costs almost nothing: immutable table files hard-linked, the rest copied.

    RocksDB never changes a table file (.sst) once written, so both stores may share them; its
    manifest, logs and options are written again by the copy, so those are real copies. The
    source is a published generation that nobody writes any more, so the copy is consistent.
    """
    target.mkdir()
    for entry in os.scandir(source):
        if entry.name == "LOCK":
            continue
        if entry.name.endswith(".sst"):
            os.link(entry.path, target / entry.name)
        else:
            shutil.copy2(entry.path, target / entry.name)


def _texts(dataset: Dataset) -> list[tuple[str, str, str | None]]:
    return [(s.id, dataset.texts[s.id], s.sha256) for s in dataset.sources if s.id in dataset.texts]


def _groups(dataset: Dataset) -> dict[str, list[str]]:
    """Group actor id → its members' ids, for the comparisons of a group beside its members."""
    return {a.id: list(a.members) for a in dataset.actors if a.members}


def _record(
    store: Store, findings: list[Finding], before: State | None, where: dict[str, str], made_again: set[str]
) -> list[tuple[Finding, str]]:
    """Put the findings into the store's graph:findings by difference with the build before; each with its node.

    A finding's node is a digest of all it says (the IRIs of the claims it concerns included), so
    a finding found again keeps its node, unless a claim it names lives in a source made again
    (its IRI may have moved); a node not found again is removed whole, and a new one added.
    """
    known = {finding: node for finding, node in before.findings} if before else {}
    moved = {claim for claim, source in where.items() if source in made_again}
    iris = {c: claim_iri(s, c) for c, s in where.items()}
    recorded, added = [], []
    for finding in findings:
        node = known.get(finding)
        if node is None or moved.intersection(finding.claims, finding.inputs):
            node, quads = finding_node(finding, iris)
            added += quads
        recorded.append((finding, node))
    graph = NamedNode(graph_iri(FINDINGS_GRAPH))
    now = {node for _, node in recorded}
    for node in set(known.values()) - now:
        for quad in list(store.quads_for_pattern(NamedNode(node), None, None, graph)):
            store.remove(quad)
    # without a transaction (the store is the staging copy nobody reads): 10x faster for a corpus's findings
    store.bulk_extend(added)
    return recorded


class _Loader:
    """Fills the store in a thread from the graph files as they are written.

    Loading runs in Rust without the GIL, so the store loads some graphs while Python makes and
    writes the next (loading quads from Python objects holds the GIL throughout); and each graph is
    serialised once, for its file, not again for the store. Small graphs are gathered into loads of
    about CHUNK quads: one load per graph of a large corpus would leave thousands of tiny tables.
    """

    CHUNK = 100_000

    def __init__(self, store: Store):
        self.store = store
        self.pending: list[Path] = []
        self.size = 0
        self.batches: queue.Queue[list[Path] | None] = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="kg-store-loader", daemon=True)
        self.thread.start()

    def load(self, graph_file: Path, quads: int) -> None:
        """Load a TriG file of ``quads`` quads (soon: in its thread)."""
        if self.error is not None:
            raise self.error
        self.pending.append(graph_file)
        self.size += quads
        if self.size >= self.CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self.pending:
            self.batches.put(self.pending)
            self.pending, self.size = [], 0

    def _run(self) -> None:
        while (batch := self.batches.get()) is not None:
            try:
                if self.error is None:
                    # TriG files one after the other are one TriG document (a prefix may be declared again)
                    data = b"\n".join(path.read_bytes() for path in batch)
                    self.store.bulk_load(data, RdfFormat.TRIG)
            except BaseException as err:  # handed to the building thread in load() / close()
                self.error = err

    def close(self) -> None:
        try:
            self._flush()
        finally:
            self.batches.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error
