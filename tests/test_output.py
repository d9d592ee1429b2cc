"""kg.output: atomic writes, and the formats records are rendered in."""

from __future__ import annotations

import json
import stat
from decimal import Decimal
from pathlib import Path

import pytest

from kg.output import to_csv, to_json, write_atomic


def test_write_atomic_replaces_whole_and_readable(tmp_path: Path) -> None:
    target = tmp_path / "out" / "page.html"
    write_atomic(target, "first")
    write_atomic(target, "second")
    assert target.read_text() == "second"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]


def test_write_atomic_leaves_nothing_on_failure(tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    write_atomic(target, "kept")
    with pytest.raises(TypeError):
        write_atomic(target, 42)  # type: ignore[arg-type]
    assert target.read_text() == "kept" and [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_decimals_stay_exact() -> None:
    assert json.loads(to_json([{"value": Decimal("0.1")}])) == [{"value": "0.1"}]
    assert to_csv([{"a": Decimal("109100000000"), "b": ["x", "y"]}], ["a", "b"]) == "a,b\n109100000000,x; y\n"
