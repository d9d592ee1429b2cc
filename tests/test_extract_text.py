"""kg.extract.text: one script for the rules at the text's offsets; bounded sentences and clauses; the page's date."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract.text import MAX_CLAUSE, MAX_SENTENCE, Document, date_in, language_tag, normalise


@pytest.mark.parametrize(
    ("written", "read"),
    [
        pytest.param("2,500億美元", "2,500亿美元", id="yi"),
        pytest.param("兩座資料中心", "两座数据中心", id="liang-and-data-centre"),
        pytest.param("超過約", "超过约", id="hedges"),
        pytest.param("１０９１亿　美元", "1091亿 美元", id="full-width"),
        pytest.param("據路透社報導", "据路透社报导", id="cue"),
    ],
)
def test_the_rules_read_one_script_at_the_same_offsets(written: str, read: str) -> None:
    assert normalise(written) == read and len(normalise(written)) == len(written)


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        pytest.param(
            "OpenAI與甲骨文和軟銀集團已達成協議，在全美各地合作建置五座新的資料中心。", "zh-Hant", id="traditional"
        ),
        pytest.param("OpenAI与甲骨文和软银集团已达成协议，在全美各地合作建设五座新的数据中心。", "zh", id="simplified"),
    ],
)
def test_language_tag(text: str, tag: str) -> None:
    assert language_tag(text, "zh") == tag


@pytest.mark.parametrize(
    ("text", "day"),
    [
        pytest.param("发布时间：2024-12-18 09:00\n\n正文", date(2024, 12, 18), id="zh-label"),
        pytest.param("August 20, 2025\n\nLouisiana regulators approve", date(2025, 8, 20), id="en-date-line"),
        pytest.param("Published: 2025-02-07 | By our desk", date(2025, 2, 7), id="en-label"),
        pytest.param("20 August 2025\nHeadline", date(2025, 8, 20), id="day-month-year-line"),
        pytest.param(
            "The deal closed on August 20, 2025, after months of talks about the price.", None, id="in-a-sentence"
        ),
    ],
)
def test_the_page_date(text: str, day: date | None) -> None:
    assert date_in(text) == day


def test_a_text_without_stops_is_cut_into_bounded_pieces() -> None:
    doc = Document("12 345 " * 5000, "en")
    pieces = [b - a for a, b in zip(doc.sentence_starts, [*doc.sentence_starts[1:], len(doc.text)], strict=True)]
    assert max(pieces) <= MAX_SENTENCE
    start, end = doc.clause_of(20_000, 20_002)
    assert end - start <= MAX_CLAUSE + 2


def test_headline_and_headings() -> None:
    doc = Document(
        "Meta, Google, and Microsoft Triple Down on AI Spending\nRecord profits came in.\n"
        "Record Spending, Record Revenues\n- Meta: $70 billion for 2025\n",
        "en",
    )
    assert doc.headline() == (0, 54)
    assert [doc.in_heading(doc.paragraph_starts[i]) for i in range(4)] == [True, False, True, False]
