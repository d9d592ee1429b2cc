"""kg.extract.metric: what a figure measures, in words; a vocabulary metric only where its label says the same."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract import draft_text, extract
from kg.models import Dataset
from tests.conftest import EXTRACT_ACTORS


@pytest.mark.parametrize(
    ("lang", "sentence", "text", "en", "zh"),
    [
        pytest.param(
            "en", "Meta's revenue was $51.24 billion in revenue.", "$51.24 billion", "revenue", None, id="en-in-x"
        ),
        pytest.param(
            "en", "Google reported revenue of $102.3 billion.", "$102.3 billion", "revenue", None, id="en-x-of"
        ),
        pytest.param(
            "en", "Pimco led a $27 billion debt package.", "$27 billion", "debt package", None, id="en-x-after"
        ),
        pytest.param(
            "en",
            "Gemini has 650 million monthly active users.",
            "650 million",
            "monthly active users",
            None,
            id="en-count-of-users",
        ),
        pytest.param("en", "Revenue rose 26% year-over-year.", "26%", "revenue growth", None, id="en-growth"),
        pytest.param("en", "Meta keeps a 20 percent stake.", "20 percent", "stake", None, id="en-stake"),
        pytest.param(
            "en",
            "Alphabet's capital expenditures reached $24 billion.",
            "$24 billion",
            "capital expenditures",
            None,
            id="en-capex",
        ),
        pytest.param(
            "en",
            "The notes traded at 110 cents on the dollar.",
            "110 cents on the dollar",
            "price (cents on the dollar)",
            None,
            id="en-price",
        ),
        pytest.param("zh", "生成式AI领域的投资达到339亿美元。", "339亿美元", "investment", "投资", id="zh-before"),
        pytest.param("zh", "私人投资增长44.5%。", "44.5%", "private investment growth", "私人投资增长", id="zh-growth"),
        pytest.param(
            "zh", "美国机构开发了40个重要AI模型。", "40个", "notable AI models", "重要AI模型", id="zh-count-after"
        ),
        pytest.param(
            "zh",
            "新建的資料中心總用電量達7吉瓦。",
            "7吉瓦",
            "data centre total electricity use",
            "資料中心總用電量",
            id="hant-as-written",
        ),
        pytest.param(
            "zh", "靠近阿比林的設施要額外擴建600兆瓦。", "600兆瓦", "capacity", "容量", id="zh-a-unit-s-measure"
        ),
    ],
)
def test_measured_words(lang: str, sentence: str, text: str, en: str, zh: str | None) -> None:
    (figure,) = [f for f in extract(sentence, lang=lang, actors=EXTRACT_ACTORS) if f.text == text]
    assert figure.measure is not None
    assert (figure.measure.en, figure.measure.zh) == (en, zh)


def test_a_vocabulary_metric_only_where_its_label_says_the_same(article_dataset: Dataset) -> None:
    text = (
        "2024年，美国人工智能私人投资为1091亿美元。亚马逊第三季度营收为1800亿美元。"
        "数据中心和AI基础设施的资本支出将达到3万亿美元。"
    )
    result = draft_text(text, article_dataset, source_id="metrics", published=date(2025, 4, 8))
    metric = {c.quantity.text: c.metric for c in result.claims if c.quantity}
    assert metric["1091亿美元"] == "private-ai-investment"
    assert metric["3万亿美元"] == "data-centre-capex"
    # no vocabulary metric is about revenue: a new one, never the nearest unrelated one
    assert metric["1800亿美元"] not in {c.id for c in article_dataset.vocabulary.metrics}
    assert result.proposed is not None
    proposed = {c.id: c for c in result.proposed.metrics}
    revenue = proposed[metric["1800亿美元"]]
    assert revenue.label.en and "revenue" in revenue.label.en.lower()
    assert revenue.label.zh and revenue.label.zh.endswith("营收")


def test_an_english_text_proposes_english_labels(article_dataset: Dataset) -> None:
    text = "Meta raised its capex guidance to $70 billion. Google's cloud revenue rose 34% to $15 billion."
    result = draft_text(text, article_dataset, source_id="en-metrics", published=date(2025, 10, 30), lang="en")
    assert result.proposed is not None
    labels = {c.label.en for c in result.proposed.metrics}
    assert {"Capex guidance", "Cloud revenue growth", "Cloud revenue"} <= labels, labels
    assert all(c.label.zh is None for c in result.proposed.metrics)
