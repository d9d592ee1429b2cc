"""kg.store: the build's store opens read-only, is rebuilt when the data is newer, and says when missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from kg.build import build
from kg.load import load_dataset
from kg.store import StoreError, compact_term, is_stale, open_store, select
from tests.conftest import MINI


def test_missing_store_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `kg build` first"):
        open_store(tmp_path / "nowhere")


def test_rebuilds_when_the_data_is_newer(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    build_dir = tmp_path / "build"
    build(load_dataset(data), build_dir)
    assert not is_stale(data, build_dir)
    earlier = (data / "actors.yaml").stat().st_mtime - 60
    os.utime(build_dir / "store", (earlier, earlier))  # as if the data was edited after the build
    assert is_stale(data, build_dir)
    open_store(build_dir, data)  # rebuilds
    assert not is_stale(data, build_dir)


def test_select_binds_values_without_pasting(mini_build: Path) -> None:
    store = open_store(mini_build)
    query = "SELECT ?id ?label WHERE { ?a dcterms:identifier ?id ; rdfs:label ?label . FILTER(LANG(?label) = 'en') }"
    rows = list(select(store, query, {"id": Literal("widget-ai")}))
    assert rows == [{"id": "widget-ai", "label": "Widget AI"}]
    hostile = list(select(store, query, {"id": Literal('x" } ; DROP ALL ; #')}))
    assert hostile == []


def test_compact_term() -> None:
    assert compact_term(NamedNode("https://w3id.org/aikg/id/claim/mini.x")) == "claim:mini.x"
    assert compact_term(NamedNode("http://example.org/a")) == "<http://example.org/a>"
