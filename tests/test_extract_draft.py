"""kg.extract.draft: the draft claims file, its proposals and its YAML, as the review page reads them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.extract import ExtractError, draft_text, read_article, records, to_yaml
from kg.figures import FIGURE_FIELDS
from kg.load import DEFAULT_DATA, load_dataset
from kg.models import ClaimsFile, Dataset
from tests.conftest import MINI

ARTICLE = DEFAULT_DATA / "sources" / "article-zh.txt"


@pytest.fixture(scope="module")
def mini_dataset() -> Dataset:
    return load_dataset(MINI)


def known(dataset: Dataset, claims_file: ClaimsFile) -> dict[str, set[str]]:
    """Every id a claim may name: the dataset's and the draft's proposals."""
    proposed = claims_file.proposed
    assert proposed is not None
    return {
        "actors": {a.id for a in (*dataset.actors, *proposed.actors)},
        "metrics": {c.id for c in (*dataset.vocabulary.metrics, *proposed.metrics)},
        "instruments": {c.id for c in (*dataset.vocabulary.instruments, *proposed.instruments)},
        "sources": {s.id for s in (*dataset.sources, *proposed.sources)},
    }


@settings(max_examples=60, deadline=None)
@given(before=st.text(max_size=30), after=st.text(max_size=30))
def test_draft_quotes_survive_yaml(before: str, after: str) -> None:
    dataset = load_dataset(MINI)
    text = f"{before} Acme Capital put $2.5 billion into Widget AI in 2024, nearly 5 times more. {after}"
    result = draft_text(text, dataset, source_id="random", published=date(2025, 1, 2), lang="en")
    loaded = ClaimsFile.model_validate(yaml.safe_load(to_yaml(result)))
    assert loaded == result
    for claim in loaded.claims:
        assert text[claim.evidence.start : claim.evidence.end] == claim.evidence.quote  # type: ignore[union-attr]
        assert claim.status == "draft"


def test_draft_of_the_first_article_uses_the_dataset_ids(article_dataset: Dataset) -> None:
    article = read_article(ARTICLE)
    result = draft_text(article.text, article_dataset, source_id="article-zh-draft")
    ids = known(article_dataset, result)
    claims = result.claims
    assert len(claims) >= 60 and len({c.id for c in claims}) == len(claims)
    for claim in claims:
        assert set(claim.subjects) <= ids["actors"] and set(claim.attributed_to) <= ids["sources"], claim.id
        assert claim.metric is None or claim.metric in ids["metrics"], claim.id
    assert result.proposed and result.proposed.source
    entry = result.proposed.source
    assert (entry.id, entry.sha256, entry.date, entry.language) == (
        "article-zh-draft",
        article.sha256,
        date(2025, 11, 19),
        "zh",
    )
    assert entry.text == "article-zh-draft.txt" and entry.kind == "article"
    by_text = {claim.quantity.text: claim for claim in claims if claim.quantity}
    us = by_text["1091亿美元"]
    assert us.id.startswith("united-states-") and us.id.endswith("-2024") and us.metric == "private-ai-investment"
    assert by_text["40个"].attributed_to == ("stanford-ai-index-2025",)


def test_new_names_metrics_and_sources_are_proposed(mini_dataset: Dataset) -> None:
    text = (
        "Pimco bought $18 billion of the bonds, Bloomberg reported. Blue Owl Capital Inc. will co-own the "
        "Hyperion data center. Revenue at Citadel Securities rose 12% to $3 billion."
    )
    result = draft_text(text, mini_dataset, source_id="news", published=date(2025, 10, 22), lang="en")
    proposed = result.proposed
    assert proposed is not None
    actors = {a.label.en: a for a in proposed.actors}
    assert {"Pimco", "Blue Owl Capital", "Citadel Securities"} <= set(actors)
    assert actors["Blue Owl Capital"].type == "investor" and actors["Citadel Securities"].type == "investor"
    assert {s.title for s in proposed.sources} == {"Bloomberg"}
    assert all(m.label.en and m.label.zh is None for m in proposed.metrics)  # an English text: English labels
    ids = known(mini_dataset, result)
    for claim in result.claims:
        assert set(claim.subjects) <= ids["actors"] and (claim.metric is None or claim.metric in ids["metrics"])
        if claim.flow:
            assert {claim.flow.funder, claim.flow.recipient} <= ids["actors"]
            assert claim.flow.instrument in ids["instruments"]


def test_a_traditional_text_is_zh_hant_with_chinese_labels(mini_dataset: Dataset) -> None:
    text = "台積電公司將投資1,000億美元興建資料中心，總用電量達7吉瓦。"
    result = draft_text(text, mini_dataset, source_id="tw", published=date(2025, 9, 24))
    assert result.proposed and result.proposed.source and result.proposed.source.language == "zh-Hant"
    assert [c.quantity.text for c in result.claims if c.quantity] == ["1,000億美元", "7吉瓦"]
    assert all(m.label.zh for m in result.proposed.metrics)
    assert any(a.label.zh == "台積電公司" for a in result.proposed.actors)


def test_choices_list_the_alternatives(article_dataset: Dataset) -> None:
    text = "2024年，美国人工智能私人投资为1091亿美元，几乎是中国93亿美元的12倍。"
    result = draft_text(text, article_dataset, source_id="choices", published=date(2025, 4, 8))
    assert result.proposed is not None
    choices = result.proposed.choices
    assert choices and all(
        set(fields) <= {"subjects", "metric", "attributed_to", "period", "kind"} for fields in choices.values()
    )
    assert all(claim_id in {c.id for c in result.claims} for claim_id in choices)


def test_no_date_is_refused_for_a_draft(mini_dataset: Dataset) -> None:
    with pytest.raises(ExtractError, match="no publication date"):
        draft_text("It cost $5 billion.", mini_dataset, source_id="undated")


def test_records_follow_figures_fields(mini_dataset: Any) -> None:
    text = "Widget AI will spend 15 to 25 percent of it by 2026."
    result = draft_text(text, mini_dataset, source_id="widget", published=date(2025, 1, 2), lang="en")
    (record,) = records(result, mini_dataset.actors)
    assert tuple(record) == FIGURE_FIELDS
    assert (record["value"], record["min"], record["max"], record["hedge"]) == ("20", "15", "25", "range")
    assert record["text"] == "15 to 25 percent" and record["quote"] == text.rstrip(".")
    # "will spend": a company's own spending is a plan (issue 12), no longer a forecast
    assert record["period"] == "../2026" and record["kind"] == "plan"
