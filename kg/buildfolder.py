"""A build folder is kg's own: what it may touch, how builds take turns, how readers see one whole build.

::

    build/
      kg-build.json        says "this folder is kg's": kg writes nowhere else
      .lock                builders take turns on it (flock)
      current -> gen-7     the build readers open, switched in one atomic rename
      gen-7/               a whole build: store/, graphs/, findings, manifest.json
      gen-6/               the build before, kept for readers that opened it just before the switch
      .staging-…/          a build being made; left by a killed build, removed by the next one

kg writes only into a folder that does not exist, is empty, or holds kg-build.json; anything
else (a file, the project's root, somebody's own ``build/``) is refused. A build is made whole
in a staging folder (findings included) and becomes current in one rename of a symlink, so a
reader sees the old build or the new one, never a mix; a kill at any moment leaves the old one
current. Readers resolve ``current`` once and open that generation (see :func:`current`).
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MARKER = "kg-build.json"
FORMAT = 2  # the layout of a build folder; a build of another format is rebuilt whole
CURRENT = "current"
LOCK = ".lock"
KEEP = 2  # generations kept: the current one and the one before (readers may still have it open)

_GENERATION = re.compile(r"^gen-(\d+)$")
#: What a build folder of format 1 (before generations) held: kg wrote all of it.
_FORMAT_1 = {"graph.ttl", "graph.nt", "graph.trig", "store", "summary.json", "findings.ttl", "graph.html"}


class BuildFolderError(Exception):
    """The folder is not kg's to write, or cannot be written: one line saying which and why."""


def current(build_dir: Path) -> Path | None:
    """The generation readers should open (its real path), or None where nothing was built yet."""
    link = Path(build_dir) / CURRENT
    try:
        target = os.readlink(link)
    except OSError:
        return None
    generation = (Path(build_dir) / target).resolve()
    return generation if generation.is_dir() else None


def check_ours(build_dir: Path) -> None:
    """Refuse, with BuildFolderError, a build folder that kg did not make (and is not empty)."""
    path = Path(build_dir)
    if not path.exists() and not path.is_symlink():
        return
    if not path.is_dir():
        raise BuildFolderError(f"{path}: is a file, not a build folder; give --build a folder kg may own")
    try:
        entries = {entry.name for entry in os.scandir(path)}
    except OSError as err:
        raise BuildFolderError(f"{path}: cannot read it: {err.strerror or err}") from None
    if not entries or MARKER in entries:
        return
    if entries <= _FORMAT_1 and "store" in entries:
        return  # a build of an earlier kg: every file in it is kg's
    shown = ", ".join(sorted(entries)[:3]) + (", …" if len(entries) > 3 else "")
    raise BuildFolderError(
        f"{path}: not a kg build folder (it holds {shown} and no {MARKER}); kg writes only into a folder"
        " that is new, empty or its own: give --build another folder"
    )


@contextmanager
def locked(build_dir: Path, *, say: object = None) -> Iterator[None]:
    """Hold the build folder's lock: one builder at a time; a second one waits its turn."""
    path = Path(build_dir)
    _claim(path)
    with (path / LOCK).open("a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if callable(say):
                say(f"waiting for another kg build in {path} to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _claim(path: Path) -> None:
    """Make the folder kg's: create it (or take an empty one) and write the marker; migrate format 1."""
    check_ours(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        marker = path / MARKER
        if not marker.exists():
            for name in _FORMAT_1 & {entry.name for entry in os.scandir(path)}:
                old = path / name
                shutil.rmtree(old) if old.is_dir() and not old.is_symlink() else old.unlink()
            text = json.dumps({"kg": "build folder", "format": FORMAT}, indent=2) + "\n"
            _write_new(marker, text.encode())
    except OSError as err:
        raise BuildFolderError(f"{path}: cannot write the build folder: {err.strerror or err}") from None


def staging(build_dir: Path) -> Path:
    """A new, empty folder to make a build in (under the lock), after removing those killed builds left."""
    path = Path(build_dir)
    for entry in os.scandir(path):
        if entry.name.startswith(".staging-") or entry.name.startswith(f".{CURRENT}-"):
            _remove(Path(entry.path))
    folder = Path(tempfile.mkdtemp(prefix=".staging-", dir=path))
    folder.chmod(0o755)  # mkdtemp makes it private; a build is for everyone to read
    return folder


def publish(build_dir: Path, made: Path) -> Path:
    """Make the whole build in ``made`` the current one, atomically; drop all but the last KEEP generations."""
    path = Path(build_dir)
    numbers = [int(m[1]) for e in os.scandir(path) if (m := _GENERATION.match(e.name))]
    generation = path / f"gen-{max(numbers, default=0) + 1}"
    made.rename(generation)
    link = path / f".{CURRENT}-{os.getpid()}"
    link.unlink(missing_ok=True)
    link.symlink_to(generation.name)
    os.replace(link, path / CURRENT)  # the one step readers can see
    _sync(path)
    for number in sorted(numbers)[: max(0, len(numbers) + 1 - KEEP)]:
        _remove(path / f"gen-{number}")
    return generation


def _remove(path: Path) -> None:
    """Remove something of kg's own in the build folder (a staging folder, an old generation)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _write_new(path: Path, content: bytes) -> None:
    temporary = path.with_name(f".{path.name}-{os.getpid()}-{time.monotonic_ns()}")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _sync(folder: Path) -> None:
    """Flush the folder's entries (the rename of ``current``) to disk, so a crash keeps the switch."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)
