"""kg.extract.actors and kg.extract.names: who a figure is about, among known actors and new names."""

from __future__ import annotations

import pytest

from kg.extract import Figure, extract, read_article
from kg.load import DEFAULT_DATA

ARTICLE = DEFAULT_DATA / "sources" / "article-zh.txt"


@pytest.fixture(scope="module")
def first_article() -> tuple[str, list[Figure]]:
    text = read_article(ARTICLE).text
    return text, extract(text)


def test_a_figure_in_its_sentence(first_article: tuple[str, list[Figure]]) -> None:
    _, figures = first_article
    (figure,) = [f for f in figures if f.text == "1091亿美元"]
    assert figure.sentence.startswith("斯坦福2025人工智能指数报告显示") and figure.sentence.endswith("绝对优势。")
    assert (figure.quote, figure.period, figure.kind) == ("其中美国垄断了1091亿美元", "2024", "fact")
    assert figure.subjects[0] == "united-states" and "china" in figure.subjects
    assert figure.attribution == "斯坦福2025人工智能指数报告"
