"""kg.flows and its commands: who funds whom, the money chain of the article, sources, bounded searches.

Tests of the curated data keep to the article's own flows (``--source article-zh``), and run
twice: on the shipped data, and on the shipped data with the article copied under another
source id (as a second outlet reprinting it would be), so that adding sources breaks none.
Tests of the library that need more use the two-language fixture (tests/fixtures/multi).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.flows import (
    Flow,
    UnknownActor,
    UnknownSource,
    actors,
    chains,
    check_sources,
    flows,
    funding_graph,
    resolve_actor,
    sources,
    sources_between,
    ultimate_sources,
)
from kg.rebuild import rebuild
from kg.store import open_store
from tests.conftest import ARTICLE, COPY, FIXTURES

MULTI = FIXTURES / "multi"


Built = tuple[Path, Path]  # a dataset folder and its build folder


@pytest.fixture(scope="module")
def article_flows(curated_build: Path) -> list[Flow]:
    return flows(open_store(curated_build), source_ids=[ARTICLE])


@pytest.fixture(scope="module")
def multi(tmp_path_factory: pytest.TempPathFactory) -> Built:
    build_dir = tmp_path_factory.mktemp("multi") / "build"
    rebuild(MULTI, build_dir)
    return MULTI, build_dir


@pytest.fixture(scope="module")
def multi_build(multi: Built) -> Path:
    return multi[1]


def run(runner: CliRunner, built: Built, *args: str) -> tuple[int, str, str]:
    """A command on a dataset and its build (without --data, a build of data/ would replace it)."""
    result = runner.invoke(app, [*args, "--data", str(built[0]), "--build", str(built[1])])
    return result.exit_code, result.stdout, result.stderr


def test_the_article_has_its_flows(article_flows: list[Flow]) -> None:
    assert len(article_flows) == 28 and {f.source for f in article_flows} == {ARTICLE}
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


def test_the_annuity_money_chain(article_flows: list[Flow]) -> None:
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


def test_depth_and_limit_cut_and_say_so(article_flows: list[Flow]) -> None:
    graph = funding_graph(article_flows)
    shallow = chains(graph, "us-retirees", "ai-data-centres", depth=2)
    assert shallow.paths == [] and "longer than 2 hops" in (shallow.cut or "")
    one = chains(graph, "us-retirees", "ai-data-centres", limit=1)
    assert len(one.paths) == 1 and "stopped at 1 paths" in (one.cut or "")


def test_who_pays_for_data_centres(article_flows: list[Flow]) -> None:
    graph = funding_graph(article_flows)
    roots, cut = ultimate_sources(graph, "ai-data-centres")
    assert ("us-retirees", 3) in roots and ("hyperscalers", 1) in roots
    assert cut is None
    assert sources_between(graph, "us-retirees", "ai-data-centres") == [ARTICLE]


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        pytest.param("us-life-insurers", "us-life-insurers", id="id"),
        pytest.param("us life insurers", "us-life-insurers", id="english-any-case"),
        pytest.param("人寿保险公司", "us-life-insurers", id="chinese"),
        pytest.param("甲骨文", "oracle", id="chinese-name-of-oracle"),
    ],
)
def test_resolve_actor(curated_build: Path, name: str, actor: str) -> None:
    assert resolve_actor(actors(open_store(curated_build)), name).id == actor


def test_unknown_actor_lists_closest(curated_build: Path) -> None:
    with pytest.raises(UnknownActor, match=r"no actor named 'Oracel'; closest: oracle \(Oracle / 甲骨文\)"):
        resolve_actor(actors(open_store(curated_build)), "Oracel")


def test_flows_json(runner: CliRunner, curated: Built) -> None:
    code, out, _ = run(runner, curated, "flows", "--source", ARTICLE, "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert len(records) == 28 and {r["source"] for r in records} == {ARTICLE}
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
    assert annuity["source"] == ARTICLE


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        pytest.param(["funders", "人寿保险公司", "--format", "json"], 0, '"id": "us-retirees"', id="funders"),
        pytest.param(["recipients", "US LIFE INSURERS", "--format", "json"], 0, '"id": "tech-giants"', id="recipients"),
        pytest.param(["chain", "us-retirees", "外星人"], 2, "no actor named '外星人'", id="chain-unknown"),
        pytest.param(
            ["chain", "US retirees and annuity buyers", "ai-data-centres"],
            0,
            "3450亿美元 (= 345,000,000,000 USD), 2025 [us-annuity-sales-2025 · article-zh]",
            id="chain",
        ),
        pytest.param(["who-pays", "ai-data-centres"], 0, "US retirees and annuity buyers", id="who-pays"),
        pytest.param(["funders", "nobody at all"], 2, "no actor named 'nobody at all'", id="unknown"),
    ],
)
def test_flow_commands(runner: CliRunner, curated: Built, args: list[str], code: int, expected: str) -> None:
    result = runner.invoke(app, [*args, "--source", ARTICLE, "--data", str(curated[0]), "--build", str(curated[1])])
    assert result.exit_code == code, result.output
    assert expected in result.output


# --- sources ----------------------------------------------------------------------------------


def test_sources_name_themselves(curated_build: Path) -> None:
    article = sources(open_store(curated_build))[ARTICLE]
    assert (article.kind, article.title, article.title_en, article.date) == (
        "Article",
        "谁为美国买单?",
        "Who pays for America?",
        "2025-11-19",
    )
    assert (article.name("en"), article.name("zh"), article.publisher("zh")) == (
        "Who pays for America?",
        "谁为美国买单?",
        "观察者网",
    )


def test_the_copy_is_a_source_of_its_own(curated_build: Path) -> None:
    """Whatever else data/ holds, the article's flows come back the same when asked for by source."""
    store = open_store(curated_build)
    everything = flows(store)
    mine = flows(store, source_ids=[ARTICLE])
    assert {f.key for f in mine} <= {f.key for f in everything}
    copied = [f for f in everything if f.source == COPY]
    assert copied == [] or sorted(f.claim.removeprefix("copy-") for f in copied) == sorted(f.claim for f in mine)
    assert len({f.key for f in everything}) == len(everything)  # keys stay unique across sources


def test_check_sources_lists_the_known_ones() -> None:
    known = ["article-zh", "wsj-annuity-sales-2025-11-14", "stanford-ai-index-2025"]
    assert check_sources(known, ["stanford-ai-index-2025", "article-zh", "article-zh"]) == [
        "stanford-ai-index-2025",
        "article-zh",
    ]
    with pytest.raises(UnknownSource, match=r"^no source 'article-en' in the graph; known: article-zh, "):
        check_sources(known, ["article-en"])
    many = [f"source-{n:04d}" for n in range(500)]
    with pytest.raises(UnknownSource, match=r"known: source-0012, .* and 488 more$"):
        check_sources(many, ["source-0012x"])


@pytest.mark.parametrize(
    ("options", "wanted"),
    [
        pytest.param(["--source", "wire-en"], {"wire-en"}, id="one"),
        pytest.param(["--source", "wire-en,bao-zh"], {"wire-en", "bao-zh"}, id="comma-separated"),
        pytest.param(["--source", "wire-en", "--source", "bao-zh"], {"wire-en", "bao-zh"}, id="repeated"),
        pytest.param([], {"wire-en", "bao-zh", "example-report"}, id="all"),
    ],
)
def test_source_filter(runner: CliRunner, multi: Built, options: list[str], wanted: set[str]) -> None:
    code, out, _ = run(runner, multi, "flows", "--format", "json", *options)
    assert code == 0
    assert {r["source"] for r in json.loads(out)} == wanted


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["flows"], id="flows"),
        pytest.param(["funders", "widget-ai"], id="funders"),
        pytest.param(["recipients", "acme-capital"], id="recipients"),
        pytest.param(["chain", "acme-capital", "data-centres"], id="chain"),
        pytest.param(["who-pays", "data-centres"], id="who-pays"),
        pytest.param(["viz"], id="viz"),
    ],
)
def test_an_unknown_source_is_one_line_and_exit_2(runner: CliRunner, multi: Built, command: list[str]) -> None:
    code, out, err = run(runner, multi, *command, "--source", "wire-en,wire-fr")
    assert code == 2 and out == ""
    assert err == "error: no source 'wire-fr' in the graph; known: wire-en, bao-zh, example-report\n"  # closest first


def test_the_table_has_a_source_column(runner: CliRunner, multi: Built) -> None:
    code, out, _ = run(runner, multi, "funders", "Widget AI")
    assert code == 0
    header = next(line for line in out.splitlines() if line.startswith("┃"))
    assert [c.strip() for c in header.strip("┃ ").split("┃")] == [
        "funder", "recipient", "instrument", "amount", "period", "kind", "source", "claim"
    ]  # fmt: skip
    assert "example-report" in out and "wire-en" in out and "bao-zh" in out


def test_a_chain_says_the_source_of_every_hop(runner: CliRunner, multi: Built) -> None:
    code, out, _ = run(runner, multi, "chain", "acme-capital", "data-centres", "--source", "bao-zh")
    assert code == 0
    assert out.splitlines() == [
        "path 1 (2 hops):",
        "  Acme Capital → 星辰基金: 引导基金, 5亿美元 (= 500,000,000 USD), 2025-11-14 [acme-injects-xingchen · bao-zh]",
        "  星辰基金 → Data centres: Capital expenditure, 2亿美元 (= 200,000,000 USD), 2025-01/2025-09"
        " [xingchen-data-centres-2025 · bao-zh]",
    ]


def test_who_pays_names_the_sources_behind_each_funder(runner: CliRunner, multi: Built) -> None:
    code, out, _ = run(runner, multi, "who-pays", "data-centres", "--format", "json")
    assert code == 0
    found = {s["id"]: s for s in json.loads(out)["sources"]}
    assert found["acme-capital"]["according_to"] == ["bao-zh", "example-report", "wire-en"]
    assert found["acme-capital"]["zh"] == "极致资本" and found["acme-capital"]["hops"] == 2
    code, out, _ = run(runner, multi, "who-pays", "data-centres", "--source", "bao-zh")
    assert out.splitlines()[1] == "  Acme Capital / 极致资本 (2 hops upstream; according to bao-zh)"


# --- labels in one language --------------------------------------------------------------------


def test_actors_with_one_label_keep_their_flows(multi_build: Path) -> None:
    """Widget AI has an English label only, 星辰基金 a Chinese one only: both keep every flow."""
    store = open_store(multi_build)
    known = actors(store)
    widget, xingchen = known["widget-ai"], known["xingchen-fund"]
    assert (widget.en, widget.zh, widget.name("zh"), widget.names()) == ("Widget AI", None, "Widget AI", "Widget AI")
    assert (xingchen.en, xingchen.zh, xingchen.name("en"), xingchen.names()) == (None, "星辰基金", *["星辰基金"] * 2)
    found = flows(store)
    assert len(found) == 8
    assert {f.claim for f in found if "xingchen-fund" in (f.funder.id, f.recipient.id)} == {
        "xingchen-widget-2025-h1",
        "acme-injects-xingchen",
        "xingchen-data-centres-2025",
    }
    guidance = next(f for f in found if f.instrument["id"] == "guidance-fund")
    assert guidance.instrument == {"id": "guidance-fund", "en": None, "zh": "引导基金"}
    assert guidance.instrument_name("en") == guidance.instrument_name("zh") == "引导基金"


@pytest.mark.parametrize(
    ("name", "actor"),
    [
        pytest.param("星辰基金", "xingchen-fund", id="chinese-only"),
        pytest.param("widget ai", "widget-ai", id="english-only"),
    ],
)
def test_one_label_actors_resolve(multi_build: Path, name: str, actor: str) -> None:
    assert resolve_actor(actors(open_store(multi_build)), name).id == actor


def test_one_label_actors_in_the_commands(runner: CliRunner, multi: Built, multi_build: Path) -> None:
    code, out, _ = run(runner, multi, "recipients", "星辰基金", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert {r["recipient"]["id"] for r in records} == {"widget-ai", "data-centres"}
    assert records[0]["funder"] == {"id": "xingchen-fund", "en": None, "zh": "星辰基金", "type": "Fund"}
    code, out, _ = run(runner, multi, "funders", "星辰基金")
    assert code == 0 and "funders of 星辰基金: 1" in out and "Acme Capital / 极致资本" in out
    with pytest.raises(UnknownActor, match=r"closest: xingchen-fund \(星辰基金\)"):
        resolve_actor(actors(open_store(multi_build)), "星辰基")
