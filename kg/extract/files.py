"""The files of ``kg extract``: the article read, a claims file to score against, a draft written safely.

A draft never replaces a user's work: ``-o`` writes over an existing file only when that file is a
kg draft itself (a ``proposed:`` block, every claim a draft), unless forced; the text goes beside
it, and an existing text there must have the same bytes. Every problem is an :class:`ExtractError`
with one line that names the file.
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from kg.extract.reading import ExtractError
from kg.models import ClaimsFile

#: Larger texts are refused: 50 MB is far beyond any article, and reading stays bounded.
MAX_TEXT_BYTES = 50_000_000


@dataclass(frozen=True)
class Article:
    """A text as read from a file, with the sha256 of its bytes (what sources.yaml records)."""

    text: str
    sha256: str
    name: str  # the file's path, or "-" for standard input


def read_article(path: str | Path, stdin: BinaryIO | None = None) -> Article:
    """The UTF-8 text of a file, or of standard input for ``-``; ExtractError if missing, too large or not UTF-8."""
    name = str(path)
    try:
        if name == "-":
            raw = (stdin or sys.stdin.buffer).read(MAX_TEXT_BYTES + 1)
        else:
            with Path(path).open("rb") as file:
                raw = file.read(MAX_TEXT_BYTES + 1)
    except FileNotFoundError:
        raise ExtractError(f"{name}: file not found") from None
    except IsADirectoryError:
        raise ExtractError(f"{name}: is a folder, not a text file") from None
    except OSError as err:
        raise ExtractError(f"{name}: cannot be read ({err.strerror})") from None
    if len(raw) > MAX_TEXT_BYTES:
        raise ExtractError(f"{name}: larger than {MAX_TEXT_BYTES // 1_000_000} MB, not an article")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ExtractError(f"{name}: not UTF-8 ({err.reason} at byte {err.start})") from None
    return Article(text, hashlib.sha256(raw).hexdigest(), name)


def parse_date(text: str) -> date:
    """A publication date written YYYY-MM-DD; ExtractError otherwise."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ExtractError(f"{text!r} is not a date: write it as YYYY-MM-DD, e.g. 2025-11-19") from None


def source_id_for(name: str) -> str:
    """A source id from a file name: ``My Article.txt`` → ``my-article``."""
    slug = re.sub(r"[^a-z0-9]+", "-", Path(name).stem.lower()).strip("-")[:80].strip("-")
    return slug if slug and name != "-" else "new-article"


def load_yaml(path: Path) -> Any:
    """A YAML file's data; ExtractError if it is missing or no YAML."""
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExtractError(f"{path}: file not found") from None
    except IsADirectoryError:
        raise ExtractError(f"{path}: is a folder, not a YAML file") from None
    except (UnicodeDecodeError, yaml.YAMLError) as err:
        raise ExtractError(f"{path}: not a YAML file ({str(err).splitlines()[0]})") from None


def load_claims(path: Path) -> ClaimsFile:
    """A claims file (data/claims/*.yaml) on its own; ExtractError if it is missing or invalid."""
    data = load_yaml(path)
    try:
        return ClaimsFile.model_validate(data)
    except ValueError as err:
        raise ExtractError(f"{path}: not a claims file ({str(err).splitlines()[0]})") from None


def check_output(output: Path, text_name: str | None, raw: bytes, force: bool) -> Path | None:
    """Where the text goes beside a draft at ``output``; ExtractError if writing there would lose anything.

    ``output`` may not be a folder, nor an existing file that is not a kg draft (unless ``force``); the
    text's own file beside it may exist only with the same bytes."""
    if output.is_dir():
        raise ExtractError(f"{output}: is a folder; -o names the draft's file, e.g. {output / 'my-article.yaml'}")
    if output.exists() and not force and not is_draft(output):
        raise ExtractError(
            f"{output}: exists and is not a kg draft (no proposed: block, or claims not all drafts); "
            "it is kept (--force replaces it)"
        )
    if text_name is None:
        return None
    beside = output.parent / text_name
    if beside.resolve() == output.resolve():
        raise ExtractError(f"{output}: is where the text of the draft goes; name the draft .yaml")
    if beside.is_dir():
        raise ExtractError(f"{beside}: is a folder, where the text of the draft would go")
    if beside.exists() and beside.read_bytes() != raw:
        raise ExtractError(f"{beside}: exists with other content; the text of the draft is not written over it")
    return beside


def is_draft(path: Path) -> bool:
    """Whether a file is a draft kg extract wrote: a claims file with proposals, every claim a draft."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        claims_file = ClaimsFile.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError):
        return False
    return claims_file.proposed is not None and all(c.status == "draft" for c in claims_file.claims)
