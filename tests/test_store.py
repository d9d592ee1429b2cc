"""kg.store: the build's store opens read-only, is rebuilt when the data is newer, and says when missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode

from kg.inputs import is_stale
from kg.rebuild import rebuild
from kg.store import StoreError, compact_term, open_store, select
from tests.conftest import MINI


def test_missing_store_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="run `kg build` first"):
        open_store(tmp_path / "nowhere")


def test_rebuilds_when_the_data_changed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    build_dir = tmp_path / "build"
    rebuild(data, build_dir)
    assert not is_stale(data, build_dir)
    actors = data / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8") + "# an edit\n", encoding="utf-8")
    assert is_stale(data, build_dir)
    open_store(build_dir, data)  # rebuilds
    assert not is_stale(data, build_dir)


def test_an_edit_that_keeps_the_file_time_is_seen(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    build_dir = tmp_path / "build"
    rebuild(data, build_dir)
    claims = data / "claims" / "mini.yaml"
    stat = claims.stat()
    claims.write_text(claims.read_text(encoding="utf-8").replace("kind: fact", "kind: estimate", 1), encoding="utf-8")
    os.utime(claims, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as cp -p or an unzip would
    assert is_stale(data, build_dir)


def test_answers_come_from_the_data_asked_for(tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(MINI, other)
    build_dir = tmp_path / "build"
    rebuild(MINI, build_dir)
    assert is_stale(other, build_dir)  # another folder, even with the same content
    assert not is_stale(MINI, build_dir)


def test_an_empty_data_folder_is_refused(tmp_path: Path) -> None:
    from kg.load import LoadError

    (tmp_path / "empty").mkdir()
    with pytest.raises(LoadError, match="not a dataset folder"):
        open_store(tmp_path / "build", tmp_path / "empty")


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
