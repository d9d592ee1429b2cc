"""kg.extract.attribution (and kind): whom a sentence credits, with each cue's scope."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract import extract
from tests.conftest import EXTRACT_ACTORS


@pytest.mark.parametrize(
    ("lang", "sentence", "attribution", "actors", "kind"),
    [
        pytest.param(
            "zh",
            "摩根士丹利分析师预测,到2028年,资本支出将达到3万亿美元。",
            "摩根士丹利分析师",
            ("morgan-stanley",),
            "forecast",
            id="zh-yuce",
        ),
        pytest.param(
            "zh",
            "根据斯坦福大学的数据,2024年,美国将产生40个有影响力的模型。",
            "斯坦福大学",
            ("stanford-hai",),
            "fact",
            id="zh-genju-de-shuju",
        ),
        pytest.param(
            "zh",
            "国际能源署预测,全球数据中心用电量将增加一倍以上。",
            "国际能源署",
            ("iea",),
            "forecast",
            id="zh-organisation-yuce",
        ),
        pytest.param("zh", "超级科技公司计划在2025财年投资3640亿美元。", None, (), "plan", id="zh-jihua"),
        pytest.param("zh", "目标是到2030年人工智能将融入90%的经济领域。", None, (), "target", id="zh-mubiao"),
        pytest.param("zh", "美国将拥有估计 4,049 条数据。", None, (), "estimate", id="zh-guji"),
        pytest.param(
            "en",
            "According to the IEA, data centres used 415 TWh in 2024.",
            "the IEA",
            ("iea",),
            "fact",
            id="en-according-to",
        ),
        pytest.param(
            "en",
            "Morgan Stanley analysts estimate the gap at $1.5 trillion.",
            "Morgan Stanley analysts",
            ("morgan-stanley",),
            "estimate",
            id="en-analysts-estimate",
        ),
        pytest.param(
            "en",
            "Jensen Huang said 50 states have their own rules.",
            "Jensen Huang",
            ("jensen-huang",),
            "fact",
            id="en-said",
        ),
        pytest.param("en", "Microsoft plans to spend $80 billion.", None, (), "plan", id="en-plans"),
        pytest.param("en", "The target is 90% of sectors.", None, (), "target", id="en-target"),
    ],
)
def test_attribution_and_kind(
    lang: str, sentence: str, attribution: str | None, actors: tuple[str, ...], kind: str
) -> None:
    # dated: 将 (will) speaks of the future, and a future figure for a year already over is a fact
    (figure,) = extract(sentence, lang=lang, published=date(2025, 11, 19), actors=EXTRACT_ACTORS)
    assert (figure.attribution, figure.attribution_actors, figure.kind) == (attribution, actors, kind)
    assert not set(actors) & set(figure.subjects[:1]), "whom a sentence cites is not its subject"


# -- issue 12, item 6: whom the text credits, with each cue's scope


@pytest.mark.parametrize(
    ("lang", "text", "figure", "names"),
    [
        pytest.param(
            "en",
            "Data centres used 415 TWh in 2024, according to Moody's.",
            "415 TWh",
            ("Moody's",),
            id="en-according-to-at-the-end",
        ),
        pytest.param(
            "en",
            "The company racked up $2 billion in profits, Bloomberg reported.",
            "$2 billion",
            ("Bloomberg",),
            id="en-reported-at-the-end",
        ),
        pytest.param(
            "en",
            "Bloomberg reports that Meta sold $30 billion of bonds.",
            "$30 billion",
            ("Bloomberg",),
            id="en-reports-first",
        ),
        pytest.param(
            "en", "As per CNBC, Amazon spent $31.4 billion in Q2.", "$31.4 billion", ("CNBC",), id="en-as-per"
        ),
        pytest.param(
            "en",
            "Analysts at JPMorgan forecast $600 billion of issuance.",
            "$600 billion",
            ("JPMorgan",),
            id="en-analysts-at",
        ),
        pytest.param(
            "en",
            "The total is about $5 billion, Entergy representatives said.",
            "$5 billion",
            ("Entergy",),
            id="en-representatives-said",
        ),
        pytest.param(
            "en", "Pimco reportedly held $18 billion of the debt.", "$18 billion", (), id="en-reportedly-alone"
        ),
        pytest.param("zh", "据路透社报道，OpenAI完成66亿美元融资。", "66亿美元", ("路透社",), id="zh-ju-baodao"),
        pytest.param("zh", "穆迪表示，未来五年数据中心投资至少3万亿美元。", "3万亿美元", ("穆迪",), id="zh-biaoshi"),
        pytest.param(
            "zh", "摩根大通预计，明年科技公司将发行3370亿美元债券。", "3370亿美元", ("摩根大通",), id="zh-yuji"
        ),
        pytest.param(
            "zh", "媒体汇编的数据显示，科技公司融资约1570亿美元。", "1570亿美元", ("媒体",), id="zh-shuju-xianshi"
        ),
        pytest.param(
            "zh", "知情人士对媒体透露，Meta仅保留20%的所有权。", "20%", ("知情人士", "媒体"), id="zh-dui-meiti-toulu"
        ),
        pytest.param(
            "zh",
            "據《The Information》週四報導，軟銀計劃投資30億美元。",
            "30億美元",
            ("The Information",),
            id="hant-title-not-the-day",
        ),
        pytest.param("zh", "据不完全统计，今年已落地的项目有3个。", "3个", (), id="zh-no-one-credited"),
        pytest.param(
            "zh", "高等级债券市场预计明年将吸收3000亿美元。", "3000亿美元", (), id="zh-a-market-expects-nothing"
        ),
    ],
)
def test_credit(lang: str, text: str, figure: str, names: tuple[str, ...]) -> None:
    (found,) = [
        f for f in extract(text, lang=lang, published=date(2025, 10, 22), actors=EXTRACT_ACTORS) if f.text == figure
    ]
    assert (found.credit.names if found.credit else ()) == names


def test_a_source_carries_over_its_paragraph_not_further() -> None:
    text = (
        "Oracle will spend $40 billion on chips, according to the Financial Times. It will lease 400,000 chips to "
        "OpenAI. Crusoe put in $5 billion. The site opens in 2026.\n"
        "Separately, Citadel made trades as large as $500 million."
    )
    credits = {f.text: f.credit.names if f.credit else () for f in extract(text, lang="en", actors=EXTRACT_ACTORS)}
    assert credits["$40 billion"] == credits["400,000"] == credits["$5 billion"] == ("Financial Times",)
    assert credits["$500 million"] == ()


def test_a_report_stays_the_source_until_a_heading() -> None:
    text = (
        "According to the 2025 AI Index Report, AI spending rose.\n"
        "Private investment grew 26% in 2024, the report said.\n"
        "In 2024 alone, US private AI investment reached $109.1 billion.\n"
        "Models At A Glance\n"
        "The US produced 40 notable models in 2024."
    )
    credits = {f.text: f.credit.names if f.credit else () for f in extract(text, lang="en", actors=EXTRACT_ACTORS)}
    assert credits["26%"] == credits["$109.1 billion"] == ("2025 AI Index Report",)
    assert credits["40"] == ()


def test_we_speak_for_ourselves() -> None:
    text = "据《AI指数报告2025》显示，美国投资1091亿美元。\n我们还见证了AI研究获得2项诺贝尔奖。"
    credits = {f.text: f.credit.names if f.credit else () for f in extract(text, lang="zh", actors=EXTRACT_ACTORS)}
    assert credits["1091亿美元"] == ("AI指数报告2025",) and credits["2项"] == ()
