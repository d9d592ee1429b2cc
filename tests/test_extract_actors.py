"""kg.extract.actors and kg.extract.names: who a figure is about, among known actors and new names."""

from __future__ import annotations

import pytest

from kg.extract import Figure, extract, read_article
from kg.load import DEFAULT_DATA
from tests.conftest import EXTRACT_ACTORS

ARTICLE = DEFAULT_DATA / "sources" / "article-zh.txt"


@pytest.fixture(scope="module")
def first_article() -> tuple[str, list[Figure]]:
    text = read_article(ARTICLE).text
    return text, extract(text, actors=EXTRACT_ACTORS)


def test_a_figure_in_its_sentence(first_article: tuple[str, list[Figure]]) -> None:
    _, figures = first_article
    (figure,) = [f for f in figures if f.text == "1091亿美元"]
    assert figure.sentence.startswith("斯坦福2025人工智能指数报告显示") and figure.sentence.endswith("绝对优势。")
    assert (figure.quote, figure.period, figure.kind) == ("其中美国垄断了1091亿美元", "2024", "fact")
    assert figure.subjects[0] == "united-states" and "china" in figure.subjects
    assert figure.attribution == "斯坦福2025人工智能指数报告"


# -- issue 12, item 5: the subject of a figure's own clause, new names included


@pytest.mark.parametrize(
    ("lang", "sentence", "text", "subject"),
    [
        pytest.param(
            "en",
            "Amazon and Alphabet spent $31 billion and $22 billion respectively.",
            "$22 billion",
            "alphabet",
            id="en-respectively",
        ),
        pytest.param(
            "en",
            "Amazon and Alphabet spent $31 billion and $22 billion respectively.",
            "$31 billion",
            "amazon",
            id="en-respectively-first",
        ),
        pytest.param(
            "en",
            "BlackRock, the world's biggest asset manager, bought $5 billion of the notes.",
            "$5 billion",
            "blackrock",
            id="en-world-as-a-modifier",
        ),
        pytest.param(
            "en", "Microsoft grew 20%, while Meta spent $19 billion.", "$19 billion", "meta", id="en-the-clause-s-own"
        ),
        pytest.param("en", "Pimco bought $18 billion of the bonds.", "pimco", "pimco", id="en-new-name"),
        pytest.param(
            "en",
            "Blue Owl Capital Inc. put up $2.5 billion.",
            "$2.5 billion",
            "blue-owl-capital",
            id="en-new-name-without-suffix",
        ),
        pytest.param(
            "en",
            "SoftBank's Vision Fund posted a gain of ¥353 billion.",
            "¥353 billion",
            "softbank",
            id="en-owner-of-a-new-name",
        ),
        pytest.param(
            "en",
            "Meta reported revenue of $51 billion, Bloomberg said.",
            "$51 billion",
            "meta",
            id="en-media-are-no-subject",
        ),
        pytest.param(
            "zh", "太平洋投资管理公司(Pimco)持有180亿美元的债务。", "180亿美元", "pimco", id="zh-bilingual-new-name"
        ),
        pytest.param("zh", "台积电公司将投资1000亿美元。", "1000亿美元", None, id="zh-company-suffix"),
        pytest.param(
            "zh",
            "OpenAI与甲骨文达成协议，在全美合作建设五座新的数据中心。",
            "五座",
            "openai",
            id="zh-what-a-count-counts-is-no-subject",
        ),
    ],
)
def test_subject(lang: str, sentence: str, text: str, subject: str | None) -> None:
    figures = [f for f in extract(sentence, lang=lang, actors=EXTRACT_ACTORS) if f.text == text or text == "pimco"]
    figure = figures[0]
    if subject is None:  # a new Chinese name: its id is made from its characters
        assert figure.subjects[0].startswith("actor-")
    else:
        assert figure.subjects[0] == subject


def test_new_names_are_typed_and_merged() -> None:
    from kg.extract import read

    text = (
        "Blue Owl Capital Inc. and JPMorgan Chase & Co. lent $9.6 billion, said Commissioner Davante Lewis. "
        "Blue Owl also owns the site in Richland Parish. The Newport Beach-based manager declined to comment."
    )
    names = read(text, lang="en", actors=EXTRACT_ACTORS).names.new
    by_label = {n.en: n for n in names.values()}
    assert by_label["Blue Owl Capital"].type == "investor"
    assert by_label["JPMorgan Chase"].type == "company"  # "& Co.": a company, its bank business unsaid
    assert by_label["Davante Lewis"].type == "person"
    assert by_label["Richland Parish"].type == "region"
    assert by_label["Newport Beach"].type == "region"
    assert "Blue Owl" not in by_label  # the same investor as Blue Owl Capital
    assert not {"Commissioner", "The", "Inc"} & set(by_label)
