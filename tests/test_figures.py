"""kg.figures and kg figures: every figure of the article, read back from the graph.

The tests of the article's figures keep to its source (article-zh) and run on data/ and on data/
with the article copied under another source id (conftest.curated).
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from kg.cli import app
from kg.figures import FIGURE_FIELDS, figures, sources_with_claims
from kg.models import Dataset
from kg.store import open_store
from tests.conftest import ARTICLE, Curated


def test_every_figure_of_the_article(curated_build: Path, curated_dataset: Dataset) -> None:
    records = [r for r in figures(open_store(curated_build)) if r["source"] == ARTICLE]
    curated = [c for source, c in curated_dataset.claims() if source == ARTICLE and c.quantity]
    assert len(records) == len(curated) == 62
    text = curated_dataset.texts[ARTICLE]
    for record in records:
        assert text[record["start"] : record["end"]] == record["text"]
        assert text[record["quote_start"] : record["quote_end"]] == record["quote"]
    starts = [r["start"] for r in records]
    assert starts == sorted(starts)


def test_figures_of_some_sources_read_only_their_graphs(curated_build: Path) -> None:
    store = open_store(curated_build)
    every = figures(store)
    sources = sources_with_claims(store)
    assert ARTICLE in sources and "findings" not in sources
    for source in [ARTICLE, sorted(sources - {ARTICLE})[0]]:
        assert figures(store, [source]) == [r for r in every if r["source"] == source]
    both = sorted(sources)[:2]
    assert figures(store, both) == [r for r in every if r["source"] in both]
    assert figures(store, ["no-such-source"]) == []


def test_an_unknown_source_is_refused(runner: CliRunner, curated: Curated) -> None:
    result = runner.invoke(app, ["figures", "--source", "no-such-source", *curated.options()])
    assert result.exit_code == 2
    assert "no source 'no-such-source' in the graph" in result.output and ARTICLE in result.output


def test_json_has_the_promised_keys(runner: CliRunner, curated: Curated) -> None:
    result = runner.invoke(app, ["figures", "--format", "json", "--source", ARTICLE, *curated.options()])
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    required = {
        "id",
        "value",
        "unit",
        "text",
        "period",
        "subject",
        "kind",
        "attributed_to",
        "source",
        "start",
        "end",
        "quote",
    }
    assert (
        len(records) == 62 and all(required <= set(r) for r in records) and {r["source"] for r in records} == {ARTICLE}
    )
    compliance = next(r for r in records if r["text"] == "15%-25%")
    assert (compliance["value"], compliance["min"], compliance["max"], compliance["unit"]) == (
        "20",
        "15",
        "25",
        "percent",
    )
    investment = next(r for r in records if r["id"] == "us-private-ai-investment-2024")
    assert investment["value"] == "109100000000" and investment["subject"] == "United States"
    assert investment["attributed_to"] == ["stanford-ai-index-2025"] and investment["period"] == "2024"


def test_csv_and_table(runner: CliRunner, curated: Curated) -> None:
    result = runner.invoke(app, ["figures", "--format", "csv", *curated.options()])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == list(FIGURE_FIELDS)
    assert {r["source"] for r in rows} >= {ARTICLE, "stanford-ai-index-2025"}
    table = runner.invoke(app, ["figures", "--source", ARTICLE, *curated.options()])
    assert "62 figures" in table.output and "1091亿美元" in table.output
    unknown = runner.invoke(app, ["figures", "--source", "nowhere", *curated.options()])
    assert unknown.exit_code == 2 and "no source 'nowhere' in the graph; the sources are " in unknown.output


def test_subjects_named_in_one_language_keep_their_figures(tmp_path: Path) -> None:
    from kg.figures import figures
    from kg.rebuild import rebuild
    from kg.store import open_store
    from tests.conftest import FIXTURES

    rebuild(FIXTURES / "multi", tmp_path / "build")
    records = figures(open_store(tmp_path / "build"))
    by_source = {r["source"] for r in records}
    assert "bao-zh" in by_source
    chinese = [r for r in records if "xingchen-fund" in r["subjects"]]
    assert chinese and all("星辰基金" in r["subject"] for r in chinese)
