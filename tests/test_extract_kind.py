"""kg.extract.kind: fact, estimate, forecast, plan, target or comparison, each cue with its scope (issue 12, item 4)."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract import extract
from tests.conftest import EXTRACT_ACTORS

PUBLISHED = date(2025, 10, 30)


@pytest.mark.parametrize(
    ("lang", "sentence", "text", "kind"),
    [
        pytest.param("en", "Microsoft plans to spend $80 billion this year.", "$80 billion", "plan", id="en-plans-to"),
        pytest.param("en", "Spending could reach $1 trillion by 2030.", "$1 trillion", "forecast", id="en-could-reach"),
        pytest.param("en", "Demand is expected to hit 945 TWh by 2030.", "945 TWh", "forecast", id="en-is-expected-to"),
        pytest.param(
            "en", "Revenue is projected at $12 billion in 2026.", "$12 billion", "forecast", id="en-projected"
        ),
        pytest.param("en", "Oracle will invest $40 billion in chips.", "$40 billion", "plan", id="en-will-invest"),
        pytest.param("en", "Data-centre demand will reach 945 TWh in 2030.", "945 TWh", "forecast", id="en-will-reach"),
        pytest.param(
            "en", "Amazon raised its capex guidance to $125 billion.", "$125 billion", "plan", id="en-guidance"
        ),
        pytest.param(
            "en", "The total investment is estimated at about $5 billion.", "$5 billion", "estimate", id="en-estimated"
        ),
        pytest.param("en", "The goal is 10 GW of capacity.", "10 GW", "target", id="en-goal"),
        pytest.param("en", "Revenue rose 26% to $51 billion in the quarter.", "$51 billion", "fact", id="en-fact"),
        # a cue governs its clause: the past clause after "expects" stays a fact
        pytest.param(
            "en",
            "Meta expects growth, and last quarter it spent $19 billion.",
            "$19 billion",
            "fact",
            id="en-cue-of-another-clause",
        ),
        pytest.param(
            "en",
            "The plant, expected to open in 2027, is backed by $9.6 billion in loans.",
            "$9.6 billion",
            "fact",
            id="en-cue-in-a-parenthesis",
        ),
        pytest.param("zh", "公司预计明年资本支出为600亿元。", "600亿元", "forecast", id="zh-yuji"),
        pytest.param("zh", "该业务有望在2027年实现收入100亿元。", "100亿元", "forecast", id="zh-youwang"),
        pytest.param("zh", "公司将投资500亿元建设数据中心。", "500亿元", "plan", id="zh-jiang-action"),
        pytest.param("zh", "用电量将达到9450亿千瓦时。", "9450亿千瓦时", "forecast", id="zh-jiang-outcome"),
        pytest.param("zh", "集团计划投资300亿元。", "300亿元", "plan", id="zh-jihua"),
        pytest.param("zh", "三座資料中心將與甲骨文合作開發。", "三座", "plan", id="hant-cue-after-its-subject"),
        pytest.param(
            "zh", "這將要求提升收入，遠超過目前130億美元水準。", "130億美元", "fact", id="hant-mu-qian-cuts-the-future"
        ),
        pytest.param("zh", "最终目标是10吉瓦。", "10吉瓦", "target", id="zh-mubiao"),
        pytest.param("zh", "目标相当于10座核反应堆的发电能力。", "10座", "comparison", id="zh-xiangdangyu"),
        pytest.param("zh", "美国几乎是中国的12倍。", "12倍", "comparison", id="zh-multiple"),
        # a plan for a period already over by the publication date is what happened
        pytest.param("en", "It planned to spend $10 billion in 2024.", "$10 billion", "fact", id="en-past-plan"),
    ],
)
def test_kind(lang: str, sentence: str, text: str, kind: str) -> None:
    (figure,) = [f for f in extract(sentence, lang=lang, published=PUBLISHED, actors=EXTRACT_ACTORS) if f.text == text]
    assert figure.kind == kind
