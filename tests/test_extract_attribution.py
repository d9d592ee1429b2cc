"""kg.extract.attribution (and kind): whom a sentence credits, with each cue's scope."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract import extract


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
    (figure,) = extract(sentence, lang=lang, published=date(2025, 11, 19))
    assert (figure.attribution, figure.attribution_actors, figure.kind) == (attribution, actors, kind)
    assert not set(actors) & set(figure.subjects[:1]), "whom a sentence cites is not its subject"
