"""kg.flows and its commands: who funds whom, the money chain of the article, bounded searches."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.flows import UnknownActor, actors, chains, flows, funding_graph, resolve_actor, ultimate_sources
from kg.store import open_store


@pytest.fixture(scope="module")
def article_flows(article_build: Path) -> list:  # type: ignore[type-arg]
    return flows(open_store(article_build))


def test_the_article_has_its_flows(article_flows: list) -> None:  # type: ignore[type-arg]
    assert len(article_flows) == 28
    pairs = {(f.funder.id, f.recipient.id, f.instrument["id"]) for f in article_flows}
    for expected in [
        ("us-retirees", "us-life-insurers", "annuity-premium"),
        ("us-life-insurers", "tech-giants", "bond-purchase"),
        ("high-grade-bond-market", "oracle", "corporate-bond"),
        ("venture-capital", "ai-startups", "venture-round"),
        ("us-federal-government", "non-defence-ai-rnd", "federal-budget"),
        ("hyperscalers", "ai-data-centres", "capex"),
        ("softbank", "stargate", "joint-venture-investment"),
        ("china-state", "cn-ai-guidance-funds", "state-guidance-fund"),
    ]:
        assert expected in pairs


def test_the_annuity_money_chain(article_flows: list) -> None:  # type: ignore[type-arg]
    """Annuity money → life insurers → bonds of tech giants → data centres, as one path."""
    found = chains(funding_graph(article_flows), "us-retirees", "ai-data-centres")
    assert found.cut is None
    hops = [[(f.funder.id, f.recipient.id, f.instrument["id"]) for f in path] for path in found.paths]
    assert [
        ("us-retirees", "us-life-insurers", "annuity-premium"),
        ("us-life-insurers", "tech-giants", "bond-purchase"),
        ("tech-giants", "ai-data-centres", "capex"),
    ] in hops
    first_hop = found.paths[0][0]
    assert (first_hop.text, first_hop.value, first_hop.period) == ("3450亿美元", 345000000000, "2025")


def test_depth_and_limit_cut_and_say_so(article_flows: list) -> None:  # type: ignore[type-arg]
    graph = funding_graph(article_flows)
    shallow = chains(graph, "us-retirees", "ai-data-centres", depth=2)
    assert shallow.paths == [] and "longer than 2 hops" in (shallow.cut or "")
    one = chains(graph, "us-retirees", "ai-data-centres", limit=1)
    assert len(one.paths) == 1 and "stopped at 1 paths" in (one.cut or "")


def test_who_pays_for_data_centres(article_flows: list) -> None:  # type: ignore[type-arg]
    roots, cut = ultimate_sources(funding_graph(article_flows), "ai-data-centres")
    assert ("us-retirees", 3) in roots and ("hyperscalers", 1) in roots
    assert cut is None


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        pytest.param("us-life-insurers", "us-life-insurers", id="id"),
        pytest.param("us life insurers", "us-life-insurers", id="english-any-case"),
        pytest.param("人寿保险公司", "us-life-insurers", id="chinese"),
        pytest.param("甲骨文", "oracle", id="chinese-name-of-oracle"),
    ],
)
def test_resolve_actor(article_build: Path, name: str, actor: str) -> None:
    assert resolve_actor(actors(open_store(article_build)), name).id == actor


def test_unknown_actor_lists_closest(article_build: Path) -> None:
    with pytest.raises(UnknownActor, match=r"no actor named 'Oracel'; closest: oracle \(Oracle / 甲骨文\)"):
        resolve_actor(actors(open_store(article_build)), "Oracel")


def test_flows_json(runner: CliRunner, article_build: Path) -> None:
    result = runner.invoke(app, ["flows", "--format", "json", "--build", str(article_build)])
    assert result.exit_code == 0
    records = json.loads(result.stdout)
    assert len(records) == 28
    annuity = next(r for r in records if r["claim"] == "us-annuity-sales-2025")
    assert annuity["funder"] == {
        "id": "us-retirees",
        "en": "US retirees and annuity buyers",
        "zh": "美国退休人员与年金购买者",
        "type": "Population group",
    }
    assert annuity["recipient"]["zh"] == "人寿保险公司"
    assert annuity["amount"] == {"value": "345000000000", "unit": "USD", "text": "3450亿美元", "hedge": "unhedged"}
    assert annuity["period"] == "2025" and annuity["instrument"]["id"] == "annuity-premium"


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        pytest.param(["funders", "人寿保险公司", "--format", "json"], 0, '"id": "us-retirees"', id="funders"),
        pytest.param(["recipients", "US LIFE INSURERS", "--format", "json"], 0, '"id": "tech-giants"', id="recipients"),
        pytest.param(["chain", "us-retirees", "外星人"], 2, "no actor named '外星人'", id="chain-unknown"),
        pytest.param(["chain", "US retirees and annuity buyers", "ai-data-centres"], 0, "3450亿美元", id="chain"),
        pytest.param(["who-pays", "ai-data-centres"], 0, "US retirees and annuity buyers", id="who-pays"),
        pytest.param(["funders", "nobody at all"], 2, "no actor named 'nobody at all'", id="unknown"),
    ],
)
def test_flow_commands(runner: CliRunner, article_build: Path, args: list[str], code: int, expected: str) -> None:
    result = runner.invoke(app, [*args, "--build", str(article_build)])
    assert result.exit_code == code, result.output
    assert expected in result.output
