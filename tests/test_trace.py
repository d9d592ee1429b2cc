"""kg.trace and kg trace: a figure found however it is named, with its quote, source and SPARQL.

Tests of the curated data run on data/ and on data/ with the first article copied under another
source id (conftest.curated), and keep to the article's matches: whatever else data/ holds, the
article's own figures are found, in the same order. How matches are counted and cut is tested on
the small fixture of three sources (tests/fixtures/compare).
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from kg.cli import app
from kg.models import Dataset
from kg.query import run_query
from kg.rebuild import rebuild
from kg.store import open_store
from kg.trace import Evidence, Hit, TraceError, find, highlighted, parse_amount, trace, trace_best
from tests.conftest import ARTICLE, FIXTURES, Curated

COMPARE = FIXTURES / "compare"
#: The article's three figures written 75%, best first.
ARTICLE_75 = [
    "ai-stocks-share-of-sp500-returns",
    "us-share-of-ai-vc-funding",
    "us-share-of-global-private-ai-investment",
]


@pytest.fixture(scope="module")
def article_claims(curated_dataset: Dataset) -> set[str]:
    return {claim.id for source, claim in curated_dataset.claims() if source == ARTICLE}


def the_article_s(hits: list[Hit], article_claims: set[str]) -> list[str]:
    """The article's claims among the hits, in their order."""
    return [hit.claim for hit in hits if hit.claim in article_claims]


def from_source(found: list[Evidence], source: str = ARTICLE) -> list[Evidence]:
    return [evidence for evidence in found if evidence.source["id"] == source]


@pytest.fixture(scope="module")
def three_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three sources that give the financing gap as 1.5 trillion: two articles quote it, a report locates it."""
    build_dir = tmp_path_factory.mktemp("compare") / "build"
    rebuild(COMPARE, build_dir)
    return build_dir


@pytest.mark.parametrize(
    ("wanted", "first"),
    [
        pytest.param("us-private-ai-investment-2024", "us-private-ai-investment-2024", id="claim-id"),
        pytest.param("1091亿美元", "us-private-ai-investment-2024", id="as-written"),
        pytest.param("１０９１亿美元", "us-private-ai-investment-2024", id="full-width"),
        pytest.param("109.1 billion", "us-private-ai-investment-2024", id="english-amount"),
        pytest.param("$109.1B", "us-private-ai-investment-2024", id="english-dollars"),
        pytest.param("1.5 trillion", "dc-financing-gap-by-2028", id="trillion"),
        pytest.param("5.8 GW", "us-dc-capacity-added-2024", id="gigawatts"),
        pytest.param("3450亿美元", "us-annuity-sales-2025", id="annuity-sales"),
        pytest.param("annuity", "us-annuity-sales-2025", id="english-word"),
        pytest.param("年金", "us-annuity-sales-2025", id="chinese-word"),
    ],
)
def test_find(curated_build: Path, article_claims: set[str], wanted: str, first: str) -> None:
    assert the_article_s(find(open_store(curated_build), wanted), article_claims)[0] == first


def test_several_matches_best_first(curated_build: Path, article_claims: set[str]) -> None:
    hits = find(open_store(curated_build), "75%")
    assert the_article_s(hits, article_claims) == ARTICLE_75
    stanford = find(open_store(curated_build), "Stanford")
    assert {h.claim for h in stanford} >= {"us-private-ai-investment-2024", "cn-private-ai-investment-2024"}


def test_best_first_across_sources(three_sources: Path) -> None:
    """The figure as written first, then the same value; quoted figures before the ones a report locates."""
    assert [(h.claim, h.score, h.quoted) for h in find(open_store(three_sources), "345 billion")] == [
        ("g-annuity-sales-9m", 90, False),
        ("a-annuity-sales", 70, True),
        ("b-annuity-sales", 70, True),
    ]
    assert [(h.claim, h.quoted) for h in find(open_store(three_sources), "1.5 trillion")] == [
        ("a-gap", True),
        ("b-gap", True),
        ("g-gap", False),
    ]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("$109.1B", (Decimal("109100000000"), "USD")),
        ("109.1 billion", (Decimal("109100000000"), None)),
        ("1.5 trillion dollars", (Decimal("1.5E+12"), "USD")),
        ("5.8 GW", (Decimal("5.8"), "GW")),
        ("75%", (Decimal("75"), "percent")),
        ("1091亿美元", (Decimal("109100000000"), "USD")),
        ("Stanford", None),
    ],
)
def test_parse_amount(text: str, amount: tuple[Decimal, str | None] | None) -> None:
    assert parse_amount(text) == amount


def test_evidence_of_a_figure(curated_build: Path) -> None:
    traced = trace(open_store(curated_build), "1091亿美元")
    (found,) = from_source(traced)
    (upstream,) = from_source(traced, "stanford-ai-index-2025")
    assert upstream.id == "aii-us-private-ai-investment-2024"  # the report's 109.08 billion, within 0.5 %
    assert traced.index(found) < traced.index(upstream)  # as written before the same value
    assert (found.value, found.unit, found.period, found.kind) == (Decimal("109100000000"), "USD", "2024", "fact")
    assert found.quote == "美国垄断了1091亿美元"
    text = found.sentence or ""
    assert text.startswith("斯坦福2025人工智能指数报告显示") and text.endswith("绝对优势。")
    assert found.source["sha256"] == "188e0ea8ce012bcd63cc36d124ba4b9014b2e2653cd82e5437c51ac965941bf0"
    assert found.source["publisher_zh"] == "观察者网" and found.source["date"] == "2025-11-19"
    assert [a["id"] for a in found.attributed_to] == ["stanford-ai-index-2025"]
    assert "«1091亿美元»，" in highlighted(found, colour=False).replace(",", "，")
    assert found.sentence_en.startswith("United States: Private AI investment for 2024 is 109,100,000,000 USD")
    assert "1091亿美元" in found.sentence_zh


def test_its_sparql_fetches_it(curated_build: Path) -> None:
    (found,) = from_source(trace(open_store(curated_build), "3万亿美元"))
    rows = run_query(open_store(curated_build), found.sparql).records()
    assert rows and rows[0]["text"] == "3万亿美元" and rows[0]["value"] == Decimal("3000000000000")


def test_flows_it_supports(curated_build: Path) -> None:
    (found,) = from_source(trace(open_store(curated_build), "3450亿美元"))
    assert found.flow is not None
    assert (found.flow["funder"]["id"], found.flow["recipient"]["id"]) == ("us-retirees", "us-life-insurers")


def test_nothing_found_lists_closest(runner: CliRunner, curated: Curated) -> None:
    with pytest.raises(TraceError, match=r"closest figures: .*1091亿美元"):
        trace(open_store(curated.build), "1099亿美元")
    result = runner.invoke(app, ["trace", "1099亿美元", *curated.options()])
    assert result.exit_code == 1 and "closest figures" in result.output


def test_trace_text_and_json(
    runner: CliRunner, curated: Curated, curated_dataset: Dataset, article_claims: set[str]
) -> None:
    matches = len(find(open_store(curated.build), "75%"))  # the article's three, and any other source's
    every = [*curated.options(), "--limit", "0"]
    data = json.loads(runner.invoke(app, ["trace", "75%", "--format", "json", *every]).stdout)
    assert len(data) == matches
    assert [item["id"] for item in data if item["id"] in article_claims] == ARTICLE_75
    for item in data:
        assert {"id", "start", "end", "quote", "value", "unit"} <= set(item)
        assert item["value"] == "75" and item["unit"] == "percent"
    quoted = [item for item in data if item["start"] is not None]  # a report's figure is located, not quoted
    assert set(ARTICLE_75) <= {item["id"] for item in quoted}
    for item in quoted:
        source_text = curated_dataset.texts[item["source"]["id"]]  # offsets in the figure's own text
        assert source_text[item["start"] : item["end"]] == "75%"
        assert source_text[item["quote_start"] : item["quote_end"]] == item["quote"]
    text = runner.invoke(app, ["trace", "75%", "--no-colour", *every])
    assert text.exit_code == 0
    assert text.output.count("(1 of ") == 1 and f"({matches} of {matches})" in text.output
    assert text.output.count("«75%»") == len(quoted) and "\x1b[" not in text.output
    coloured = runner.invoke(app, ["trace", "75%", "--colour", *every])
    assert coloured.output.count("\x1b[1;33m75%\x1b[0m") == len(quoted)


def test_every_figure_of_the_article_traces(curated_build: Path, curated_dataset: Dataset) -> None:
    store = open_store(curated_build)
    figures = [c for source, c in curated_dataset.claims() if c.quantity and source == ARTICLE]
    assert len(figures) == 62
    for claim in figures:
        assert claim.id in [e.id for e in trace(store, claim.quantity.text)], claim.id


@pytest.mark.parametrize(
    ("figure", "upstream", "upstream_text", "verdict"),
    [
        pytest.param(
            "1091亿美元", "aii-us-private-ai-investment-2024", "109.08 billion", "rounded", id="ai-index-rounded"
        ),
        pytest.param(
            "3450亿美元", "wsj-us-annuity-sales-2025-9m", "345 billion", "differs in period", id="annuity-period"
        ),
        pytest.param("12倍", "aii-us-cn-private-ai-investment-ratio-2024", "11.7 times", "rounded", id="ratio-11.7"),
        pytest.param(
            "3640亿美元", "press-hyperscalers-capex-plan-2025", "364 billion", "unconfirmed upstream", id="unconfirmed"
        ),
    ],
)
def test_trace_follows_the_chain_to_the_report(
    runner: CliRunner, curated: Curated, figure: str, upstream: str, upstream_text: str, verdict: str
) -> None:
    (found,) = from_source(trace(open_store(curated.build), figure))
    (link,) = found.upstream
    assert (link["claim"].id, link["claim"].text, link["verdict"]) == (upstream, upstream_text, verdict)
    assert link["claim"].locator  # a report's figure is located, not quoted
    text = runner.invoke(app, ["trace", figure, "--no-colour", *curated.options()]).output
    assert f"verdict  {verdict}: " in text and upstream in text
    data = json.loads(runner.invoke(app, ["trace", figure, "--format", "json", *curated.options()]).stdout)
    (mine,) = [item for item in data if item["id"] == found.id]
    assert mine["upstream"][0]["verdict"] == verdict
    assert mine["upstream"][0]["claim"]["id"] == upstream


def test_trace_shows_the_report_address(runner: CliRunner, curated: Curated) -> None:
    text = runner.invoke(app, ["trace", "12倍", "--no-colour", *curated.options()]).output
    assert "page 252, figure 4.3.8" in text and "hai_ai_index_report_2025.pdf" in text
    assert "12倍 (12 times, 2024) vs 11.7 times (11.7 times, 2024)" in text


@pytest.mark.parametrize(
    ("figure", "code", "message"),
    [
        pytest.param("1" + " " * 3200 + "!", 2, "at most 200 characters; this one has 3,202", id="3200-spaces"),
        pytest.param("a" * 100_000, 2, "at most 200 characters; this one has 100,000", id="100000-letters"),
        pytest.param("1" + " " * 190 + "!", 1, "nothing in the graph matches", id="190-spaces"),
        pytest.param("1," * 99 + "x", 1, "nothing in the graph matches", id="99-thousands"),
    ],
)
def test_hostile_figures_answer_at_once(
    runner: CliRunner, article_build: Path, figure: str, code: int, message: str
) -> None:
    # "1" + 3,200 spaces + "!" took more than a minute (a regex that could split the spaces three ways)
    started = time.perf_counter()
    result = runner.invoke(app, ["trace", figure, "--build", str(article_build)])
    assert time.perf_counter() - started < 2
    assert result.exit_code == code and message in result.stderr and result.stderr.count("\n") == 1


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("0123456789,. $€亿万kmbtKMBT%-bnillion美元GW\t\u3000")), max_size=2000))
def test_parse_amount_is_linear_on_any_text(text: str) -> None:
    started = time.perf_counter()
    parse_amount(text)
    assert time.perf_counter() - started < 0.05


def test_the_best_matches_and_how_many_more(runner: CliRunner, three_sources: Path) -> None:
    def kg_trace(*args: str) -> Result:
        return runner.invoke(
            app, ["trace", "1.5 trillion", *args, "--data", str(COMPARE), "--build", str(three_sources)]
        )

    text = kg_trace("--limit", "1", "--no-colour")
    assert text.exit_code == 0
    assert "(1 of 3)" in text.stdout and "(2 of 3)" not in text.stdout
    assert text.stdout.rstrip().endswith("… and 2 more; --limit 0 for all")
    every = kg_trace("--limit", "0", "--no-colour")
    assert "(3 of 3)" in every.stdout and "more; --limit 0" not in every.stdout
    data = kg_trace("--limit", "2", "--format", "json")
    assert len(json.loads(data.stdout)) == 2 and "… and 1 more; --limit 0 for all" in data.stderr
    wrong = kg_trace("--limit", "-1")
    assert wrong.exit_code == 2 and "--limit takes a whole number of 0 (all) or more" in wrong.stderr


def test_trace_best_counts_every_match(three_sources: Path) -> None:
    traced = trace_best(open_store(three_sources), "1.5 trillion", limit=2)
    assert traced.matches == 3 and [e.id for e in traced.found] == ["a-gap", "b-gap"]


def test_names_in_one_language_are_traced(tmp_path: Path) -> None:
    """An actor or metric with a Chinese name only (or an English one only) is traced under the name it has."""
    from kg.rebuild import rebuild
    from tests.conftest import FIXTURES

    rebuild(FIXTURES / "multi", tmp_path / "build")
    store = open_store(tmp_path / "build")
    found = [e for e in trace(store, "星辰") if any(s["id"] == "xingchen-fund" for s in e.subjects)]
    assert found
    fund = next(s for s in found[0].subjects if s["id"] == "xingchen-fund")
    assert fund == {"id": "xingchen-fund", "en": "星辰基金", "zh": "星辰基金"}
    assert "星辰基金" in found[0].sentence_en and "星辰基金" in found[0].sentence_zh
