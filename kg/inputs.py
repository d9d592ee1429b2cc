"""What a build reads, and whether any of it changed since: every input file with its digest.

Freshness is judged by content, never by file times alone: an edit that keeps a file's mtime
(``git checkout``, ``cp -p``, unzip) still changes its sha256. Hashing every file on every
command would cost a corpus a second, so a file is hashed again only when its stat key (inode,
size, mtime and ctime, which no one can set back) differs from the one recorded beside its
digest; otherwise the recorded digest stands.

The inputs are the data folder's catalogue files, its claims files, every file under
``sources/``, and what the builder itself is made of (the ontology and the modules that map
data to RDF): a change of code that changes the graph makes every build stale too.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import orjson

CATALOGUE = ("sources.yaml", "actors.yaml", "vocabulary.yaml")
PACKAGE = Path(__file__).resolve().parent
ONTOLOGY = PACKAGE.parent / "ontology" / "kg.ttl"
#: The files whose content decides what a generation holds, besides the data: its graphs, and the
#: figure tables (figures.py) and findings (check.py, compare.py) made with them, which a build
#: made by older code would otherwise keep (no rank reasons in the tables, no compare findings).
BUILDER = (
    ONTOLOGY,
    *(PACKAGE / f"{name}.py" for name in ("build", "terms", "models", "load", "figures", "check", "compare")),
)
MANIFEST = "manifest.json"  # in each generation: what it was built from (written by kg.rebuild)
MAX_DEPTH = 8  # folders under sources/ followed at most this deep (a loop of links ends here)


@dataclass(frozen=True)
class Input:
    """One input file: where it is (relative to the data folder), its stat key and its sha256."""

    path: str
    key: tuple[int, int, int, int]  # inode, size, mtime_ns, ctime_ns
    sha256: str

    def as_list(self) -> list[object]:
        return [self.path, list(self.key), self.sha256]

    @classmethod
    def from_list(cls, raw: list[object]) -> Input:
        path, key, digest = raw
        return cls(str(path), tuple(key), str(digest))  # type: ignore[arg-type]


def inventory(data_dir: Path, previous: Mapping[str, Input] | None = None) -> dict[str, Input]:
    """Every input file of ``data_dir`` by relative path; digests reused where the stat key is unchanged."""
    data_dir = Path(data_dir)
    found: dict[str, Input] = {}
    for relative, stat in _files(data_dir):
        key = (stat.st_ino, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)
        known = (previous or {}).get(relative)
        if known is not None and known.key == key:
            found[relative] = known
            continue
        try:
            found[relative] = Input(relative, key, file_digest(data_dir / relative))
        except OSError:
            continue  # vanished or unreadable: the loader says which and why
    return found


def _files(data_dir: Path) -> Iterator[tuple[str, os.stat_result]]:
    for name in CATALOGUE:
        stat = _stat(data_dir / name)
        if stat is not None:
            yield name, stat
    for folder, pattern in (("claims", ".yaml"), ("sources", "")):
        yield from _walk(data_dir, folder, pattern, 0)


def _walk(data_dir: Path, folder: str, suffix: str, depth: int) -> Iterator[tuple[str, os.stat_result]]:
    try:
        entries = sorted(os.scandir(data_dir / folder), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        relative = f"{folder}/{entry.name}"
        try:
            if entry.is_dir(follow_symlinks=False):
                if folder.startswith("sources") and depth < MAX_DEPTH:
                    yield from _walk(data_dir, relative, suffix, depth + 1)
            elif entry.name.endswith(suffix) and (stat := _stat(Path(entry.path))) is not None:
                yield relative, stat
        except OSError:
            continue


def _stat(path: Path) -> os.stat_result | None:
    try:
        stat = path.stat()
    except OSError:
        return None  # missing, a loop of links: the loader reports it
    return stat if not path.is_dir() else None


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


@cache
def builder_digest() -> str:
    """One digest of what the builder is made of (ontology and mapping code)."""
    digest = hashlib.sha256()
    for path in BUILDER:
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def digest_of(*parts: object) -> str:
    """A digest of several values (strings, numbers, nested lists), as a key of what went into a graph."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode("utf-8") + b"\0")
    return digest.hexdigest()


def is_stale(data_dir: Path, build_dir: Path) -> bool:
    """Whether the current build was made from other data than ``data_dir`` holds now (by content).

    Every command asks this before it answers, so it reads only the manifest's head (not the claims
    indexes a build needs) and imports nothing heavy.
    """
    from kg.buildfolder import FORMAT, current

    generation = current(build_dir)
    try:
        plain = orjson.loads((generation / MANIFEST).read_bytes()) if generation is not None else {}
        built = {raw[0]: Input.from_list(raw) for raw in plain["inputs"]}
        if plain["format"] != FORMAT or plain["builder"] != builder_digest():
            return True
        if plain["data"] != str(Path(data_dir).resolve()):
            return True
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return True  # no build, or one of another format: build
    now = inventory(data_dir, built)
    return {p: i.sha256 for p, i in now.items()} != {p: i.sha256 for p, i in built.items()}
