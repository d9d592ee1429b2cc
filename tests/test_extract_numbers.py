"""kg.extract.numbers: every figure of a text with its exact characters, value, unit, hedge and bounds."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from kg.extract import Figure, extract, read_article
from kg.load import DEFAULT_DATA
from kg.models import Quantity, parse_decimal
from tests.conftest import EXTRACT_ACTORS

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ARTICLE = DEFAULT_DATA / "sources" / "article-zh.txt"
ENGLISH = FIXTURES / "article-en.txt"
PUBLISHED = date(2025, 11, 19)


@pytest.fixture(scope="module")
def first_article() -> tuple[str, list[Figure]]:
    text = read_article(ARTICLE).text
    return text, extract(text, actors=EXTRACT_ACTORS)


def overlapping(figures: list[Figure], start: int, end: int) -> list[str]:
    return [f.text for f in figures if f.start < end and start < f.end]


@pytest.mark.parametrize(
    "chrome",
    [
        pytest.param("栏目:成功案例 发布时间:2025-11-19 10:19", id="header-time-stamp"),
        pytest.param("上一篇:经纪人:蒂亚戈", id="previous-article"),
        pytest.param("下一篇:没有了", id="next-article"),
        pytest.param("400-123-4567", id="phone-number"),
    ],
)
def test_no_page_chrome_taken(first_article: tuple[str, list[Figure]], chrome: str) -> None:
    text, figures = first_article
    start = text.index(chrome)
    assert overlapping(figures, start, start + len(chrome)) == []


@pytest.mark.parametrize("name", ["标普500", "GPT-4O", "Deepseek V3", "七大科技巨头", "斯坦福2025", "20世纪90年代"])
def test_names_and_dates_are_not_figures(first_article: tuple[str, list[Figure]], name: str) -> None:
    text, figures = first_article
    places = [m.start() for m in re.finditer(re.escape(name), text)]
    assert places, f"{name} is not in the article"
    assert [hit for at in places for hit in overlapping(figures, at, at + len(name))] == []


# -- tricky phrases, one figure each


def phrase(
    lang: str,
    sentence: str,
    text: str,
    value: str,
    unit: str,
    hedge: str = "none",
    bounds: tuple[str | None, str | None] = (None, None),
    *,
    id: str,
) -> Any:
    return pytest.param(lang, sentence, text, value, unit, hedge, bounds, id=id)


PHRASES = [
    phrase("zh", "到2028年资本支出将达到3万亿美元。", "3万亿美元", "3000000000000", "USD", id="zh-wan-yi-usd"),
    phrase("zh", "其中美国垄断了1091亿美元。", "1091亿美元", "109100000000", "USD", id="zh-yi-usd"),
    phrase(
        "zh", "支出达3万亿美元,融资缺口1.5万亿。", "1.5万亿", "1500000000000", "USD", id="zh-scale-currency-of-sentence"
    ),
    phrase("zh", "中国投资了93亿元人民币。", "93亿元人民币", "9300000000", "CNY", id="zh-yuan-renminbi"),
    phrase("zh", "高达95%的试点项目失败了。", "95%", "95", "percent", "up-to", (None, "95"), id="zh-gaoda-percent"),
    phrase(
        "zh",
        "全球超过50%的风险投资流向人工智能。",
        "50%",
        "50",
        "percent",
        "more-than",
        ("50", None),
        id="zh-chaoguo-percent",
    ),
    phrase("zh", "成本增加15%-25%。", "15%-25%", "20", "percent", "range", ("15", "25"), id="zh-percent-range"),
    phrase("zh", "贡献了1.1个百分点。", "1.1个百分点", "1.1", "percentage-point", id="zh-percentage-points"),
    phrase(
        "zh", "近百分之八十的资金流向美国。", "百分之八十", "80", "percent", "nearly", (None, "80"), id="zh-baifenzhi"
    ),
    phrase(
        "zh", "美国几乎是中国93亿美元的12倍。", "12倍", "12", "times", "nearly", (None, "12"), id="zh-jihu-shi-de-bei"
    ),
    phrase(
        "zh", "实际投资每年增长十倍以上。", "十倍", "10", "times", "at-least", ("10", None), id="zh-shi-bei-yishang"
    ),
    phrase("zh", "后者仅为2至4倍。", "2至4倍", "3", "times", "range", ("2", "4"), id="zh-zhi-bei-range"),
    phrase("zh", "用电量将增加一倍以上。", "一倍", "2", "times", "at-least", ("2", None), id="zh-zengjia-yi-bei"),
    phrase("zh", "投资仅为美国的1/12。", "1/12", "1/12", "fraction", id="zh-slash-fraction"),
    phrase("zh", "市值已经占标普500指数的三分之一。", "三分之一", "1/3", "fraction", id="zh-fenzhi"),
    phrase("zh", "现金流只能覆盖一半。", "一半", "0.5", "fraction", id="zh-yiban"),
    phrase("zh", "33 个人工智能初创公司筹集了资金。", "33 个", "33", "count", id="zh-count-classifier-space"),
    phrase("zh", "美国将拥有估计 4,049 条数据。", "4,049 条", "4049", "count", id="zh-thousands-comma"),
    phrase("zh", "宣布建立五个新的数据中心。", "五个", "5", "count", id="zh-chinese-numeral-count"),
    phrase("zh", "至少3家公司退出。", "3家", "3", "count", "at-least", ("3", None), id="zh-zhishao-count"),
    phrase("zh", "美国就将增加 5.8 吉瓦 (GW) 的容量。", "5.8 吉瓦", "5.8", "GW", id="zh-jiwa"),
    phrase("zh", "装机容量约为3,200吉瓦。", "3,200吉瓦", "3200", "GW", "about", id="zh-yuewei-gw"),
    phrase(
        "zh",
        "成本降低至每百万代币0.14美元。",
        "每百万代币0.14美元",
        "0.14",
        "USD-per-million-tokens",
        id="zh-token-price",
    ),
    phrase("zh", "服务器基数为每千人99.9台。", "每千人99.9台", "99.9", "per-thousand-people", id="zh-per-thousand"),
    phrase(
        "zh",
        "科技巨头已承诺数千亿美元的资本支出。",
        "数千亿美元",
        "550000000000",
        "USD",
        "range",
        ("200000000000", "900000000000"),
        id="zh-shu-qian-yi",
    ),
    phrase(
        "zh",
        "投资者对“万亿美元人工智能机会”的乐观预期。",
        "万亿美元",
        "1000000000000",
        "USD",
        "about",
        id="zh-bare-scale",
    ),
    phrase(
        "en",
        "Private AI investment in the US reached $109.1 billion.",
        "$109.1 billion",
        "109100000000",
        "USD",
        id="en-dollar-billion",
    ),
    phrase("en", "That leaves a financing gap of $1.5T.", "$1.5T", "1500000000000", "USD", id="en-dollar-t"),
    phrase("en", "The EU pledged €50bn for AI.", "€50bn", "50000000000", "EUR", id="en-euro-bn"),
    phrase("en", "Mistral raised $45.4 million.", "$45.4 million", "45400000", "USD", id="en-dollar-million"),
    phrase("en", "The firm paid US$5 billion.", "US$5 billion", "5000000000", "USD", id="en-us-dollar-sign"),
    phrase("en", "Costs rose 75% last year.", "75%", "75", "percent", id="en-percent-sign"),
    phrase(
        "en",
        "Costs will rise by 15 to 25 percent.",
        "15 to 25 percent",
        "20",
        "percent",
        "range",
        ("15", "25"),
        id="en-to-percent-range",
    ),
    phrase(
        "en",
        "Margins were between 15% and 25%.",
        "15% and 25%",
        "20",
        "percent",
        "range",
        ("15", "25"),
        id="en-between-and",
    ),
    phrase(
        "en",
        "Deals worth $2-4 billion closed.",
        "$2-4 billion",
        "3000000000",
        "USD",
        "range",
        ("2000000000", "4000000000"),
        id="en-dash-range-with-scale",
    ),
    phrase(
        "en",
        "AI added 1.1 percentage points to growth.",
        "1.1 percentage points",
        "1.1",
        "percentage-point",
        id="en-percentage-points",
    ),
    phrase("en", "The US spent twelve times the Chinese total.", "twelve times", "12", "times", id="en-word-times"),
    phrase(
        "en",
        "China added nearly thirteenfold the US addition.",
        "thirteenfold",
        "13",
        "times",
        "nearly",
        (None, "13"),
        id="en-nearly-fold",
    ),
    phrase("en", "Chips took roughly a third of it.", "a third", "1/3", "fraction", "about", id="en-a-third"),
    phrase("en", "Cash flows cover only half of the cost.", "half", "0.5", "fraction", id="en-half"),
    phrase("en", "The US produced 40 notable models.", "40", "40", "count", id="en-count-of-nouns"),
    phrase("en", "China added 429 GW of capacity.", "429 GW", "429", "GW", id="en-gw"),
    phrase(
        "en", "Demand could reach up to 945 TWh.", "945 TWh", "945", "TWh", "up-to", (None, "945"), id="en-up-to-twh"
    ),
    phrase(
        "en",
        "Prices fell to $0.14 per million tokens.",
        "$0.14 per million tokens",
        "0.14",
        "USD-per-million-tokens",
        id="en-token-price",
    ),
    phrase(
        "en",
        "The US has 99.9 servers per 1,000 people.",
        "99.9 servers per 1,000 people",
        "99.9",
        "per-thousand-people",
        id="en-per-thousand",
    ),
    phrase(
        "en", "Spending will reach about $3 trillion.", "$3 trillion", "3000000000000", "USD", "about", id="en-about"
    ),
    phrase(
        "en",
        "More than 50% of VC money went to AI.",
        "50%",
        "50",
        "percent",
        "more-than",
        ("50", None),
        id="en-more-than",
    ),
    phrase(
        "en",
        "AI took over 50 percent of the funds.",
        "50 percent",
        "50",
        "percent",
        "more-than",
        ("50", None),
        id="en-over",
    ),
    phrase(
        "en", "The lab trained at least 40 models.", "40", "40", "count", "at-least", ("40", None), id="en-at-least"
    ),
    phrase(
        "en",
        "Investors put in almost $9 billion.",
        "$9 billion",
        "9000000000",
        "USD",
        "nearly",
        (None, "9000000000"),
        id="en-almost",
    ),
    phrase("en", "Revenue grew twice as fast.", "twice", "2", "times", id="en-twice"),
    # two figures joined by "to" or "from … to", ranges with a unit on each side, more units and currencies
    phrase("en", "Revenue jumped 78% to $39.3 billion.", "78%", "78", "percent", id="en-percent-to-amount-1"),
    phrase(
        "en", "Revenue jumped 78% to $39.3 billion.", "$39.3 billion", "39300000000", "USD", id="en-percent-to-amount-2"
    ),
    phrase(
        "en",
        "Sales rose from $18.4 billion to $35.6 billion.",
        "$18.4 billion",
        "18400000000",
        "USD",
        id="en-from-to-is-two-figures",
    ),
    phrase(
        "en",
        "The deal is worth $2 billion to $4 billion.",
        "$2 billion to $4 billion",
        "3000000000",
        "USD",
        "range",
        ("2000000000", "4000000000"),
        id="en-range-unit-on-both-sides",
    ),
    phrase(
        "en",
        "It borrows £500 million to £700 million.",
        "£500 million to £700 million",
        "600000000",
        "GBP",
        "range",
        ("500000000", "700000000"),
        id="en-pound-range",
    ),
    phrase("en", "The bank cut rates by 25 basis points to 4.25%.", "25 basis points", "25", "basis-point", id="en-bp"),
    phrase("en", "The bank cut rates by 25 basis points to 4.25%.", "4.25%", "4.25", "percent", id="en-bp-to-level"),
    phrase("en", "SoftBank sold ¥700 billion of bonds.", "¥700 billion", "700000000000", "JPY", id="en-yen-sign"),
    phrase(
        "en", "Beijing set up a ¥344 billion chip fund.", "¥344 billion", "344000000000", "CNY", id="en-yuan-sign-china"
    ),
    phrase("en", "It raised HK$4.2 billion.", "HK$4.2 billion", "4200000000", "HKD", id="en-hk-dollar"),
    phrase("en", "Samsung committed ₩450 trillion.", "₩450 trillion", "450000000000000", "KRW", id="en-won"),
    phrase("en", "A planned 300 MW campus.", "300 MW", "300", "MW", id="en-mw"),
    phrase("en", "Each rack draws up to 130 kW.", "130 kW", "130", "kW", "up-to", (None, "130"), id="en-kw"),
    phrase("en", "A site can consume 800 GWh a year.", "800 GWh", "800", "GWh", id="en-gwh"),
    phrase("en", "Capacity grew three-fold.", "three-fold", "3", "times", id="en-hyphen-fold"),
    phrase("en", "Capex could double by 2027.", "double", "2", "times", id="en-double"),
    phrase("en", "A quarter of managers agreed.", "A quarter", "1/4", "fraction", id="en-capital-a-quarter"),
    phrase("zh", "比上一财年增长近三成。", "三成", "30", "percent", "nearly", (None, "30"), id="zh-cheng-tenths"),
    phrase("zh", "其中两成以上亏损。", "两成", "20", "percent", "at-least", ("20", None), id="zh-liang-cheng"),
    phrase(
        "zh",
        "总投资逾千亿元。",
        "千亿元",
        "100000000000",
        "CNY",
        "more-than",
        ("100000000000", None),
        id="zh-yu-qian-yi",
    ),
    phrase("zh", "用电量较去年翻了一番。", "一番", "2", "times", id="zh-fan-yi-fan"),
    phrase("zh", "利润翻了两番。", "两番", "4", "times", id="zh-fan-liang-fan"),
    phrase(
        "zh",
        "预计将回升至200亿至250亿元。",
        "200亿至250亿元",
        "22500000000",
        "CNY",
        "range",
        ("20000000000", "25000000000"),
        id="zh-range-scale-on-both-sides",
    ),
    phrase("zh", "投资额约1万亿日元。", "1万亿日元", "1000000000000", "JPY", "about", id="zh-wan-yi-riyuan"),
    phrase("zh", "英国政府投入20亿英镑。", "20亿英镑", "2000000000", "GBP", id="zh-pound"),
    phrase("zh", "计划募资50亿港元。", "50亿港元", "5000000000", "HKD", id="zh-hkd"),
    phrase("zh", "利差为165个基点。", "165个基点", "165", "basis-point", id="zh-basis-points"),
    phrase("zh", "建设300兆瓦的园区。", "300兆瓦", "300", "MW", id="zh-megawatt"),
    phrase("zh", "装机规模达120万千瓦。", "120万千瓦", "1200000", "kW", id="zh-wan-kilowatt"),
    phrase("zh", "用电量达到7.77万亿千瓦时。", "7.77万亿千瓦时", "7770000000000", "kWh", id="zh-kilowatt-hours"),
    # issue 12, item 1: Traditional Chinese
    phrase("zh", "投資額來到2,500億美元。", "2,500億美元", "250000000000", "USD", id="hant-yi"),
    phrase(
        "zh",
        "資料中心投資將至少3兆美元。",
        "3兆美元",
        "3000000000000",
        "USD",
        "at-least",
        ("3000000000000", None),
        id="hant-zhao-trillion",
    ),
    phrase("zh", "擴展到全美八個地點。", "八個", "8", "count", id="hant-ge-classifier"),
    phrase("zh", "另兩座資料中心將與軟銀合作開發。", "兩座", "2", "count", id="hant-liang-zuo"),
    phrase("zh", "總用電量超過5.5吉瓦。", "5.5吉瓦", "5.5", "GW", "more-than", ("5.5", None), id="hant-chaoguo"),
    phrase("zh", "投資額來到大約4,000億美元。", "4,000億美元", "400000000000", "USD", "about", id="hant-dayue"),
    phrase("zh", "計劃募資約300億新台幣。", "300億新台幣", "30000000000", "TWD", "about", id="hant-twd"),
    phrase("zh", "要額外擴建600兆瓦。", "600兆瓦", "600", "MW", id="hant-zhao-wa-is-mega"),
    # issue 12, item 2: English forms
    phrase(
        "en",
        "It will invest 12 billion US dollars (11 billion euros) in Texas.",
        "12 billion US dollars",
        "12000000000",
        "USD",
        id="en-currency-after",
    ),
    phrase("en", "The grant was 430,000 US dollars.", "430,000 US dollars", "430000", "USD", id="en-us-dollars-count"),
    phrase(
        "en",
        "BlackRock, a 2 trillion-dollar manager, bought in.",
        "2 trillion-dollar",
        "2000000000000",
        "USD",
        id="en-trillion-dollar-adjective",
    ),
    phrase("en", "Meta Lines Up $30 Billion for AI", "$30 Billion", "30000000000", "USD", id="en-capital-billion"),
    phrase("en", "The utility raised $US15 billion.", "$US15 billion", "15000000000", "USD", id="en-dollar-us"),
    phrase(
        "en",
        "The bonds traded at 98.5 cents on the dollar.",
        "98.5 cents on the dollar",
        "98.5",
        "percent",
        id="en-cents-on-the-dollar",
    ),
    phrase("en", "Spreads tightened by 15 bps to 80 basis points.", "15 bps", "15", "basis-point", id="en-bp-change"),
    phrase(
        "en",
        "Spreads tightened by 15 bps to 80 basis points.",
        "80 basis points",
        "80",
        "basis-point",
        id="en-bp-level",
    ),
    phrase(
        "en",
        "Sales saw double-digit growth.",
        "double-digit",
        "54.5",
        "percent",
        "range",
        ("10", "99"),
        id="en-double-digit",
    ),
    phrase("en", "Capex is tripling.", "tripling", "3", "times", id="en-tripling"),
    phrase(
        "en",
        "Investment increased nearly thirteenfold.",
        "thirteenfold",
        "13",
        "times",
        "nearly",
        (None, "13"),
        id="en-thirteenfold",
    ),
    phrase("en", "The plant adds three 754-MW turbines.", "754-MW", "754", "MW", id="en-hyphen-unit"),
    phrase("en", "The plan adds three 754-MW turbines.", "three", "3", "count", id="en-count-before-a-number"),
    phrase("en", "Hyperion will supply five gigawatts of power.", "five gigawatts", "5", "GW", id="en-word-gigawatts"),
    phrase("en", "Louisiana approved a $10 bil Meta data center.", "$10 bil", "10000000000", "USD", id="en-bil"),
]


@pytest.mark.parametrize(("lang", "sentence", "text", "value", "unit", "hedge", "bounds"), PHRASES)
def test_tricky_phrase(
    lang: str, sentence: str, text: str, value: str, unit: str, hedge: str, bounds: tuple[str | None, str | None]
) -> None:
    figures = extract(sentence, lang=lang, actors=EXTRACT_ACTORS)  # type: ignore[arg-type]
    found = [f for f in figures if f.text == text]
    assert len(found) == 1, [f.text for f in figures]
    figure = found[0]
    assert sentence[figure.start : figure.end] == text  # offsets in code points
    assert (figure.value, figure.unit, figure.hedge) == (parse_decimal(value), unit, hedge)
    quantity = Quantity(
        value=figure.value, unit=figure.unit, text=text, hedge=figure.hedge, min=figure.min, max=figure.max
    )
    assert quantity.bounds() == tuple(None if b is None else parse_decimal(b) for b in bounds)


def test_the_phrase_table_covers_both_languages() -> None:
    assert len(PHRASES) >= 50
    assert {p.values[0] for p in PHRASES} == {"zh", "en"}


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        pytest.param("zh", "标普500指数再创新高。", id="zh-index-name"),
        pytest.param("zh", "是openai GPT-4O的价格。", id="zh-model-name"),
        pytest.param("zh", "Deepseek V3引起全球关注。", id="zh-model-version"),
        pytest.param("zh", "七大科技巨头的市值很高。", id="zh-group-name"),
        pytest.param("zh", "栏目:成功案例 发布时间:2025-11-19 10:19", id="zh-time-stamp"),
        pytest.param("zh", "服务热线\n400-123-4567", id="zh-phone-number"),
        pytest.param("zh", "1. 关注我们\n2. 分享文章", id="zh-list-numbering"),
        pytest.param("zh", "一是应用导向,二是成本革命。", id="zh-yi-shi-numbering"),
        pytest.param("zh", "2024年,美国领先。", id="zh-bare-year"),
        pytest.param("zh", "利差降至20世纪90年代以来的最低水平。", id="zh-century-decade"),
        pytest.param("zh", "2025年前10个月发行了债券。", id="zh-months-of-a-period"),
        pytest.param("zh", "人工智能是一个但大多数国家落后。", id="zh-yi-ge-article"),
        pytest.param("en", "Published: 2025-11-20 08:30", id="en-time-stamp"),
        pytest.param("en", "Call 800-555-0199 today.", id="en-phone-number"),
        pytest.param("en", "GPT-4o and Llama 3 were compared.", id="en-model-names"),
        pytest.param("en", "The S&P 500 closed higher.", id="en-index-name"),
        pytest.param("en", "In 2024, the market grew.", id="en-bare-year"),
        pytest.param("en", "Prices fell in the first half of 2025.", id="en-half-of-a-year"),
        pytest.param("en", "Stocks have not been this dear since the 1990s.", id="en-decade"),
        pytest.param("en", "It took ten years.", id="en-duration"),
        pytest.param("en", "It sold 5-year bonds.", id="en-hyphen-duration"),
        pytest.param("en", "It raised C$2 billion.", id="en-dollar-of-another-country"),
        pytest.param("zh", "中国三大电信运营商加大投资。", id="zh-san-da-group-name"),
        pytest.param("zh", "资本开支将占营收的低两位数百分比。", id="zh-double-digit"),
        pytest.param("zh", "过去四个季度投入巨大。", id="zh-quarters-as-duration"),
        pytest.param("zh", "一成不变的格局。", id="zh-idiom-yi-cheng"),
        pytest.param("en", "It adds a new 500-kV transmission line.", id="en-voltage-adjective"),
        pytest.param("en", "The board approved it in a 4-1 vote.", id="en-vote-tally"),
        pytest.param("en", "Oracle secured a 15-year lease.", id="en-duration-adjective"),
        pytest.param("zh", "数十篇论文进入全球Top100。", id="zh-vague-count-and-list-name"),
        pytest.param("zh", "美国六大超大规模数据中心业者加大投资。", id="zh-liu-da-group"),
        pytest.param("zh", "OpenAI、甲骨文和软银合作。三家公司将此定位为核心。", id="zh-three-companies-named"),
        pytest.param("en", "See section 1.1.1.1. for details.", id="en-section-number"),
    ],
)
def test_not_a_figure(lang: str, sentence: str) -> None:
    assert [f.text for f in extract(sentence, lang=lang, actors=EXTRACT_ACTORS)] == []  # type: ignore[arg-type]


def test_english_article_page_chrome() -> None:
    text = read_article(ENGLISH).text
    figures = extract(text, actors=EXTRACT_ACTORS)
    for chrome in ("Published: 2025-11-20 08:30", "800-555-0199", "1. Subscribe", "2. Share", "GPT-4o", "S&P 500"):
        start = text.index(chrome)
        assert overlapping(figures, start, start + len(chrome)) == [], chrome


def test_units_are_in_step_with_terms_and_ontology() -> None:
    """A unit kg extract may give is in kg/models.py, kg/terms.py, ontology/kg.ttl and ontology/shapes.ttl."""
    from typing import get_args

    from kg.models import Unit
    from kg.terms import KG, PREFIXES, UNIT_IRIS

    root = Path(__file__).resolve().parent.parent / "ontology"
    ontology, shapes = (root / "kg.ttl").read_text(encoding="utf-8"), (root / "shapes.ttl").read_text(encoding="utf-8")
    units = set(get_args(Unit))
    assert set(UNIT_IRIS) == units
    for code, iri in UNIT_IRIS.items():
        short = iri.replace(KG, "kg:").replace(PREFIXES["unit"], "unit:")
        assert re.search(rf"sh:in \([^)]*\s{re.escape(short)}\s", shapes), short
        assert re.search(rf'sh:in \([^)]*"{re.escape(code)}"', shapes), code
        if short.startswith("kg:"):
            assert f"{short}\n    a qudt:Unit" in ontology and f'skos:notation "{code}"' in ontology, short


def test_a_decimal_stays_exact(first_article: tuple[str, list[Figure]]) -> None:
    _, figures = first_article
    (third,) = [f for f in figures if f.text == "三分之一"]
    assert third.value == Decimal("0.333333333333") and third.written == "1/3"
