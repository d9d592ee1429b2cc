"""kg.extract.periods: the period each figure holds for, written or relative to the publication date."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract import Figure, extract, read_article
from kg.load import DEFAULT_DATA
from tests.conftest import EXTRACT_ACTORS

ARTICLE = DEFAULT_DATA / "sources" / "article-zh.txt"
PUBLISHED = date(2025, 11, 19)


@pytest.fixture(scope="module")
def first_article() -> tuple[str, list[Figure]]:
    text = read_article(ARTICLE).text
    return text, extract(text, actors=EXTRACT_ACTORS)


def test_next_year_resolves_against_the_header_date(first_article: tuple[str, list[Figure]]) -> None:
    text, figures = first_article
    (bonds,) = [f for f in figures if f.text == "3000亿美元"]
    assert bonds.period == "2026"  # 明年, and the page says 发布时间:2025-11-19
    (earlier,) = [f for f in extract(text, published=date(2024, 6, 1), actors=EXTRACT_ACTORS) if f.text == "3000亿美元"]
    assert earlier.period == "2025"


@pytest.mark.parametrize(
    ("lang", "sentence", "text", "period"),
    [
        pytest.param("en", "Amazon spent $31.4 billion in Q2.", "$31.4 billion", "2025-Q2", id="en-in-q2"),
        pytest.param(
            "en",
            "It spent $34.9 billion in the quarter ending Sept. 30.",
            "$34.9 billion",
            "2025-Q3",
            id="en-quarter-ending",
        ),
        pytest.param("en", "Capex will reach $90 billion this year.", "$90 billion", "2025", id="en-this-year"),
        pytest.param("en", "Shares rose 40% year to date.", "40%", "2025-01/2025-11", id="en-year-to-date"),
        pytest.param("en", "Capacity will reach 10 GW by 2030.", "10 GW", "../2030", id="en-by-2030"),
        pytest.param(
            "en",
            "They will invest $500 billion over the next four years.",
            "$500 billion",
            "2026/2029",
            id="en-next-four-years",
        ),
        pytest.param(
            "en", "Investment grew thirteenfold over the past decade.", "thirteenfold", "2015/2024", id="en-past-decade"
        ),
        pytest.param(
            "en",
            "Microsoft reported record quarterly revenue of $77 billion.",
            "$77 billion",
            "2025-Q3",
            id="en-quarterly",
        ),
        pytest.param(
            "en",
            "Users reached 650 million, up from 450 million the previous quarter.",
            "450 million",
            "2025-Q2",
            id="en-previous-quarter",
        ),
        pytest.param(
            "en",
            "Users reached 650 million, up from 450 million the previous quarter.",
            "650 million",
            None,
            id="en-a-base-period-is-not-borrowed",
        ),
        pytest.param("en", "Stocks fell 17% on 29 October.", "17%", "2025-10-29", id="en-day"),
        pytest.param(
            "en",
            "Spreads tightened by 15 bps in the second half of February.",
            "15 bps",
            "2025-02",
            id="en-half-of-a-month",
        ),
        pytest.param(
            "zh", "今年以来，美国科技公司融资1570亿美元。", "1570亿美元", "2025-01/2025-11", id="zh-jin-nian-yi-lai"
        ),
        pytest.param("zh", "年初至今，股价上涨40%。", "40%", "2025-01/2025-11", id="zh-nian-chu-zhi-jin"),
        pytest.param(
            "zh", "截至今年9月底，美国科技公司融资约1570亿美元。", "1570亿美元", "2025-01/2025-09", id="zh-jiezhi-yuedi"
        ),
        pytest.param("zh", "今年4月，公司发行了50亿美元债券。", "50亿美元", "2025-04", id="zh-jin-nian-si-yue"),
        pytest.param("zh", "未来四年在美投入5,000億美元。", "5,000億美元", "2026/2029", id="hant-next-four-years"),
        pytest.param("zh", "其中ChatGPT的每周活跃用户已达7亿。", "7亿", "2025-11", id="zh-yi-da-as-of-publication"),
        # a year written in the sentence before (not across a heading)
        pytest.param(
            "en",
            "In 2024 alone, US investment reached $109.1 billion. Generative AI attracted $33.9 billion.",
            "$33.9 billion",
            "2024",
            id="en-year-of-the-sentence-before",
        ),
    ],
)
def test_period_issue_12(lang: str, sentence: str, text: str, period: str | None) -> None:
    (figure,) = [f for f in extract(sentence, lang=lang, published=PUBLISHED, actors=EXTRACT_ACTORS) if f.text == text]  # type: ignore[arg-type]
    assert figure.period == period


def test_the_page_date_resolves_relative_periods() -> None:
    text = "August 20, 2025\n\nThe company spent $3 billion last quarter and plans $5 billion next year."
    periods = {f.text: f.period for f in extract(text, lang="en", actors=EXTRACT_ACTORS)}
    assert periods == {"$3 billion": "2025-Q2", "$5 billion": "2026"}


@pytest.mark.parametrize(
    ("lang", "sentence", "text", "period"),
    [
        pytest.param("zh", "到2028年,资本支出将达到3万亿美元。", "3万亿美元", "../2028", id="zh-dao-future-year"),
        pytest.param("zh", "到 2025 年,33 个初创公司筹集了资金。", "33 个", "2025", id="zh-dao-this-year"),
        pytest.param("zh", "美国联邦政府在2025财年已投资33亿美元。", "33亿美元", "FY2025", id="zh-fiscal-year"),
        pytest.param("zh", "2025年上半年,资本支出将占GDP增长的1.1%。", "1.1%", "2025-H1", id="zh-first-half"),
        pytest.param(
            "zh", "2025年前10个月,市场吸收了3000亿美元。", "3000亿美元", "2025-01/2025-10", id="zh-first-months"
        ),
        pytest.param("zh", "2013年至2024年,私人投资超过4700亿美元。", "4700亿美元", "2013/2024", id="zh-year-span"),
        pytest.param("zh", "高等级债券市场预计明年将吸收3000亿美元。", "3000亿美元", "2026", id="zh-mingnian"),
        pytest.param("zh", "自2022年推出ChatGPT以来,贡献了75%的回报。", "75%", "2022/..", id="zh-since"),
        pytest.param("zh", "黄仁勋在2025年11月警告称,已有50个州立法。", "50个", "2025-11", id="zh-month"),
        pytest.param(
            "zh",
            "2025年1月,成本骤降。当时,价格为每百万代币0.14美元。",
            "每百万代币0.14美元",
            "2025-01",
            id="zh-dangshi",
        ),
        pytest.param(
            "en",
            "In the first nine months of 2025, sales reached $345 billion.",
            "$345 billion",
            "2025-01/2025-09",
            id="en-first-months",
        ),
        pytest.param("en", "The government spent $3.3 billion in FY2025.", "$3.3 billion", "FY2025", id="en-fy"),
        pytest.param(
            "en", "Hyperscalers will spend $364 billion in fiscal 2025.", "$364 billion", "FY2025", id="en-fiscal-year"
        ),
        pytest.param("en", "Spending will reach $3 trillion by 2028.", "$3 trillion", "../2028", id="en-by"),
        pytest.param("en", "Costs will rise 20% next year.", "20%", "2026", id="en-next-year"),
        pytest.param("en", "The index gained 75% since 2022.", "75%", "2022/..", id="en-since"),
        pytest.param(
            "en", "From 2013 to 2024, investors put in $470 billion.", "$470 billion", "2013/2024", id="en-year-span"
        ),
        pytest.param("en", "In the first half of 2025, AI added 1.1%.", "1.1%", "2025-H1", id="en-first-half"),
        pytest.param("en", "Sales hit $9 billion in November 2025.", "$9 billion", "2025-11", id="en-month"),
        # without a year: against the publication date, 2025-11-19
        pytest.param("zh", "今年上半年，投资增长40%。", "40%", "2025-H1", id="zh-this-year-first-half"),
        pytest.param("zh", "上半年合计资本开支1600亿元。", "1600亿元", "2025-H1", id="zh-first-half-no-year"),
        pytest.param("zh", "前三季度用电量增长4.6%。", "4.6%", "2025-01/2025-09", id="zh-first-three-quarters"),
        pytest.param("zh", "1-7月新增装机2.23亿千瓦。", "2.23亿千瓦", "2025-01/2025-07", id="zh-month-range"),
        pytest.param("zh", "二季度采购额环比下降15%。", "15%", "2025-Q2", id="zh-quarter-no-year"),
        pytest.param("zh", "去年资本开支为475亿元。", "475亿元", "2024", id="zh-qunian"),
        pytest.param("zh", "甲骨文上月发行180亿美元债券。", "180亿美元", "2025-10", id="zh-last-month"),
        pytest.param("zh", "今年上半年增速较去年同期提高8个百分点。", "8个百分点", "2025-H1", id="zh-base-period"),
        # the next N years are the N years after the publication year (issue 12: 未來四年 → 2026/2029)
        pytest.param("zh", "公司计划未来三年投资500亿元。", "500亿元", "2026/2028", id="zh-duration-period"),
        pytest.param("en", "Revenue rose 78% to $39.3 billion in the quarter.", "78%", "2025-Q3", id="en-the-quarter"),
        pytest.param("en", "Meta spent $14.8 billion in the fourth quarter.", "$14.8 billion", "2025-Q4", id="en-q4"),
        pytest.param("en", "US start-ups took 62% in Q3.", "62%", "2025-Q3", id="en-q3-no-year"),
        pytest.param("en", "Investors put in $6.6 billion in October.", "$6.6 billion", "2025-10", id="en-october"),
        pytest.param("en", "It spent $83 billion last year.", "$83 billion", "2024", id="en-last-year"),
        pytest.param("en", "Growth was 10% in H1 2025.", "10%", "2025-H1", id="en-h1-year"),
        pytest.param(
            "en", "Its share rose 8 percentage points from December.", "8 percentage points", None, id="en-base-period"
        ),
        pytest.param("en", "Grid connections stand at 1.6 GW today.", "1.6 GW", "2025", id="en-today"),
        pytest.param("en", "The shares have gained 20% since January.", "20%", "2025-01/..", id="en-since-month"),
        pytest.param(
            "en",
            "It earned ¥353 billion in the July-September quarter.",
            "¥353 billion",
            "2025-Q3",
            id="en-months-quarter",
        ),
    ],
)
def test_period(lang: str, sentence: str, text: str, period: str | None) -> None:
    (figure,) = [f for f in extract(sentence, lang=lang, published=PUBLISHED, actors=EXTRACT_ACTORS) if f.text == text]  # type: ignore[arg-type]
    assert figure.period == period
