"""Writing a review into the data folder: YAML as people write it, added by text, staged, then atomic.

- Records are dumped as the project's files hold them (``  - id: ...``, short lists and mappings
  in flow style, decimals quoted so they stay exact) and never with YAML anchors, which the
  loader refuses.
- New actors, metrics, instruments and sources are *inserted as text* at the end of their list
  in actors.yaml, vocabulary.yaml and sources.yaml, so that every comment and every line a person
  wrote stays as it was; the result is parsed again and must hold exactly the old records plus the
  new ones, or nothing is written.
- A review is validated on a staged copy of the data folder (hard links, inside the folder itself,
  removed afterwards), with the loader of ``kg build``; only then are the files written, each to a
  temporary name and renamed, and put back as they were if a later one fails.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from kg.models import Claim, ClaimsFile

STAGING_PREFIX = ".kg-review-"  # a hidden folder inside --data, removed when the review is checked


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True  # the loader refuses anchors and aliases: write every value out


def plain(model: BaseModel) -> dict[str, Any]:
    """A model as its YAML file holds it: JSON values, defaults left out, a period as its label."""
    data = model.model_dump(mode="json", exclude_defaults=True)
    if isinstance(data.get("period"), dict):
        data["period"] = data["period"]["label"]
    return data


def claim_record(claim: Claim) -> dict[str, Any]:
    """A claim's record with its status said, even where it is the default (reviewed)."""
    record = plain(claim)
    record.pop("status", None)
    return record | {"status": claim.status}


def record_lines(record: dict[str, Any], indent: str = "  ") -> list[str]:
    """One record as an item of a YAML list, indented as the project's files are."""
    text = yaml.dump([record], Dumper=_Dumper, allow_unicode=True, sort_keys=False, default_flow_style=None, width=110)
    return [indent + line for line in text.splitlines()]


def claims_yaml(claims_file: ClaimsFile, header: str = "") -> tuple[str, list[int]]:
    """A claims file as text, and the line (1-based) each claim starts on."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    lines += [""] if lines else []
    lines += [f"source: {claims_file.source}", "claims:"]
    starts = []
    for claim in claims_file.claims:
        starts.append(len(lines) + 1)
        lines += record_lines(claim_record(claim))
    if claims_file.proposed is not None:
        proposed = {"proposed": plain(claims_file.proposed)}
        lines += yaml.dump(proposed, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110).splitlines()
    return "\n".join(lines) + "\n", starts


def append_records(text: str, key: str, records: Sequence[dict[str, Any]]) -> tuple[str, list[int]]:
    """``text`` with ``records`` added at the end of its top-level list ``key``, every other line kept.

    Returns the new text and the line each record starts on. ValueError when the file is not
    shaped so that this can be done by text (a flow-style list, say): then nothing is changed.
    """
    if not records:
        return text, []
    lines = text.splitlines()
    heading = next(
        (i for i, line in enumerate(lines) if re.match(rf"{re.escape(key)}:\s*(\[\s*\])?\s*(#.*)?$", line)), None
    )
    if heading is None:
        lines += [f"{key}:"]
        heading = len(lines) - 1
    lines[heading] = re.sub(r":\s*\[\s*\]", ":", lines[heading])  # "actors: []" becomes a block list
    end = next((i for i in range(heading + 1, len(lines)) if re.match(r"[^\s#]", lines[i])), len(lines))
    while end > heading + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1  # blank lines and column-0 comments before the next key belong to that key
    item = next((re.match(r"(\s*)- ", line) for line in lines[heading + 1 : end] if re.match(r"\s*- ", line)), None)
    indent = item[1] if item else "  "
    added: list[str] = []
    starts = []
    for record in records:
        starts.append(end + len(added) + 1)
        added += record_lines(record, indent)
    result = "\n".join([*lines[:end], *added, *lines[end:]]) + "\n"
    before, after = yaml.safe_load(text) or {}, yaml.safe_load(result) or {}
    expected = before | {key: [*(before.get(key) or []), *records]}
    if after != expected:
        raise ValueError(f"cannot add to the list {key!r} by text (is it written in flow style?): add them by hand")
    return result, starts


@contextmanager
def staged_copy(data_dir: Path, draft_text: Path | None = None) -> Iterator[Path]:
    """A copy of what ``kg build`` reads from ``data_dir``, made of hard links, inside ``data_dir``; removed after.

    Replace a file of it with :func:`replace_staged` only: writing into a hard link would write
    into the data folder's own file.
    """
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=data_dir))
    try:
        for name in ("sources.yaml", "actors.yaml", "vocabulary.yaml"):
            if (data_dir / name).is_file():
                _link(data_dir / name, staging / name)
        for path in sorted((data_dir / "claims").glob("*.yaml")):
            _link(path, staging / "claims" / path.name)
        for path in sorted((data_dir / "sources").rglob("*")) if (data_dir / "sources").is_dir() else []:
            if path.is_file() or path.is_symlink():
                _link(path, staging / path.relative_to(data_dir))
        yield staging
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:  # a file system without hard links
        shutil.copy2(source, target, follow_symlinks=False)


def replace_staged(path: Path, content: str | bytes) -> None:
    """A new file at ``path`` (the hard link there, if any, is removed first, never written through)."""
    path.unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def write_files(files: dict[Path, bytes], *, new: Sequence[Path] = ()) -> None:
    """Write each file atomically (a temporary name, then rename); ``new`` ones must not exist yet.

    A new file is put in place with a hard link, which fails if the name was taken meanwhile, so a
    file is never overwritten by it. If any write fails, the files written so far are put back.
    """
    done: list[tuple[Path, bytes | None]] = []
    try:
        for path, content in files.items():
            old = None if path in new else path.read_bytes() if path.exists() else None
            _write_one(path, content, create=path in new)
            done.append((path, old))
    except BaseException:
        for path, old in reversed(done):
            if old is None:
                path.unlink(missing_ok=True)
            else:
                _write_one(path, old, create=False)
        raise


def _write_one(path: Path, content: bytes, *, create: bool) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
        os.chmod(temporary, 0o644)  # mkstemp makes it private; data files are for everyone to read
        if create:
            os.link(temporary, path)  # FileExistsError rather than overwrite
        else:
            os.replace(temporary, path)
    finally:
        Path(temporary).unlink(missing_ok=True)
