"""kg.extract.flows: who funds whom, as the text says it (issue 12, item 8), in both languages."""

from __future__ import annotations

from datetime import date

import pytest

from kg.extract import draft_text
from kg.models import Actor, ClaimsFile, Dataset, Label


def flows(result: ClaimsFile) -> list[tuple[str, str, str, str | None]]:
    """(funder, recipient, instrument, amount as written) of every drafted flow, the names as labels."""
    assert result.proposed is not None
    labels = {a.id: a.label.en or a.label.zh or a.id for a in result.proposed.actors}
    found = []
    for claim in result.claims:
        if claim.flow:
            amount = claim.quantity.text if claim.quantity else None
            flow = claim.flow
            found.append(
                (
                    labels.get(flow.funder, flow.funder),
                    labels.get(flow.recipient, flow.recipient),
                    flow.instrument,
                    amount,
                )
            )
    return found


@pytest.mark.parametrize(
    ("lang", "text", "flow"),
    [
        pytest.param(
            "en",
            "Apollo bought $2 billion of Meta's bonds.",
            ("Apollo", "meta", "bond-purchase", "$2 billion"),
            id="en-bought-bonds",
        ),
        pytest.param(
            "en", "Meta raised $30 billion from investors.", ("investors", "meta", None, "$30 billion"), id="en-raised"
        ),
        pytest.param(
            "en",
            "Google spent $22 billion on data centres.",
            ("alphabet", "ai-data-centres", "capex", "$22 billion"),
            id="en-spent-on",
        ),
        pytest.param(
            "en",
            "Oracle will invest $40 billion in Nvidia chips.",
            ("oracle", "nvidia", "capex", "$40 billion"),
            id="en-invests-in",
        ),
        pytest.param(
            "en",
            "JPMorgan lent $9.6 billion to Crusoe.",
            ("JPMorgan", "Crusoe", "loan", "$9.6 billion"),
            id="en-lends-to",
        ),
        pytest.param(
            "en",
            "The Abilene campus is backed by $5 billion in cash from Blue Owl Capital.",
            ("Blue Owl Capital", "Abilene", "equity-investment", "$5 billion"),
            id="en-backed-by",
        ),
        pytest.param(
            "en",
            "SoftBank invested $30 billion in OpenAI.",
            ("softbank", "openai", "equity-investment", "$30 billion"),
            id="en-invested-in-a-company",
        ),
        pytest.param(
            "zh",
            "亚马逊发行150亿美元债券。",
            ("investors", "amazon", "bond-purchase", "150亿美元"),
            id="zh-faxing-zhaiquan",
        ),
        pytest.param(
            "zh",
            "软银向OpenAI投资300亿美元。",
            ("softbank", "openai", "equity-investment", "300亿美元"),
            id="zh-xiang-touzi",
        ),
        pytest.param(
            "zh", "摩根大通为甲骨文提供180亿美元贷款。", (None, "oracle", "loan", "180亿美元"), id="zh-wei-daikuan"
        ),
        pytest.param(
            "zh",
            "人寿保险公司认购了甲骨文发行的100亿美元债券。",
            (None, "oracle", "bond-purchase", "100亿美元"),
            id="zh-rengou",
        ),
        pytest.param("zh", "OpenAI融资66亿美元。", ("investors", "openai", None, "66亿美元"), id="zh-rongzi"),
        pytest.param(
            "zh",
            "微软和Meta今年资本支出合计达1500亿美元。",
            ("microsoft", "ai-data-centres", "capex", None),
            id="zh-capex-of-two",
        ),
        pytest.param(
            "zh",
            "2024年，美国人工智能私人投资为1091亿美元。",
            ("investors", "united-states", None, "1091亿美元"),
            id="zh-investment-in-a-place",
        ),
        pytest.param(
            "zh",
            "軟銀將向OpenAI注資300億美元。",
            ("softbank", "openai", "equity-investment", "300億美元"),
            id="hant-zhuzi",
        ),
    ],
)
def test_flow(article_dataset: Dataset, lang: str, text: str, flow: tuple[str | None, ...]) -> None:
    result = draft_text(text, article_dataset, source_id="flows", published=date(2025, 10, 22), lang=lang)
    drafted = flows(result)
    assert any(all(want is None or want == got for want, got in zip(flow, found, strict=True)) for found in drafted), (
        drafted
    )


def test_no_flow_where_none_is_said(article_dataset: Dataset) -> None:
    text = "Alphabet raised its 2025 capex forecast to $91 billion. Pimco made $2 billion in paper profits."
    drafted = flows(draft_text(text, article_dataset, source_id="none", published=date(2025, 10, 22), lang="en"))
    assert all(f[0] != "investors" for f in drafted), drafted  # a forecast raised is no money raised
    assert all(f[3] != "$2 billion" for f in drafted), drafted  # a profit is no flow


def test_flows_without_an_amount_and_the_project_spoken_of(article_dataset: Dataset) -> None:
    text = (
        "Pimco bought $18 billion of the debt backing the Hyperion data center. "
        "Blue Owl Capital will co-own the project, with Meta keeping a 20 percent stake in the project. "
        "Funds managed by BlackRock are also among the major holders."
    )
    drafted = {
        (f[0], f[1]) for f in flows(draft_text(text, article_dataset, source_id="held", published=date(2025, 10, 22)))
    }
    assert {
        ("Pimco", "Hyperion"),
        ("Blue Owl Capital", "Hyperion"),
        ("meta", "Hyperion"),
        ("BlackRock", "Hyperion"),
    } <= drafted


def test_a_known_project_is_spoken_of_as_a_new_one(article_dataset: Dataset) -> None:
    """The debt, the project: the project a flow went to last, whether the dataset knows it or not."""
    text = (
        "The company led a $27 billion debt package backing the tech firm's Hyperion data, Bloomberg reported. "
        "Pimco reportedly held about $18 billion of the debt when it priced. Blue Owl Capital will co-own "
        "the Richland Parish data facility, with Meta keeping a 20 percent stake in the project."
    )
    hyperion = Actor(id="hyperion-data-centre", label=Label(en="Hyperion"), type="project")
    knowing = article_dataset.model_copy(update={"actors": (*article_dataset.actors, hyperion)})
    for dataset, project in ((article_dataset, "Hyperion"), (knowing, "hyperion-data-centre")):
        drafted = {(f[0], f[1]) for f in flows(draft_text(text, dataset, source_id="t", published=date(2025, 10, 22)))}
        assert {("Pimco", project), ("Blue Owl Capital", project), ("meta", project)} <= drafted, drafted


def test_a_group_funds_as_its_members(article_dataset: Dataset) -> None:
    text = "OpenAI、甲骨文和软银宣布合作。三家公司将在未来四年投入5000亿美元建设数据中心。"
    drafted = {
        (f[0], f[1]) for f in flows(draft_text(text, article_dataset, source_id="group", published=date(2025, 9, 24)))
    }
    assert {("openai", "ai-data-centres"), ("oracle", "ai-data-centres"), ("softbank", "ai-data-centres")} <= drafted
