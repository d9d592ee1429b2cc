"""kg.check: the article's arithmetic and conflicts as computed by hand; broken graphs are caught.

The tests on the article keep to its claims (source article-zh) and run on data/ and on data/ with
the article copied under another source id (conftest.curated).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict
from pyoxigraph import Store
from typer.testing import CliRunner

from kg.check import Figure, agrees, check_shapes, read_figures, rounding_interval, run_checks
from kg.cli import app
from kg.rebuild import rebuild
from kg.store import open_store
from tests.conftest import ARTICLE, MINI, Curated


@pytest.fixture(scope="module")
def article_findings(curated_build: Path) -> list:  # type: ignore[type-arg]
    return run_checks(open_store(curated_build), curated_build)


@pytest.fixture(scope="module")
def article_claims(curated_build: Path) -> set[str]:
    """The claims of the first article: the tests "on the article" keep to them, whatever else data/ holds."""
    return {f.id for f in read_figures(open_store(curated_build)).values() if f.source == ARTICLE}


def _finding(findings: list, check: str, claim: str):  # type: ignore[no-untyped-def, type-arg]
    return next(f for f in findings if f.check == check and claim in f.claims)


def test_article_arithmetic_by_hand(article_findings: list) -> None:  # type: ignore[type-arg]
    # 1091亿 / 93亿 = 11.7312: "几乎…12倍" (nearly 12) holds
    ratio = _finding(article_findings, "arithmetic", "us-cn-private-ai-investment-ratio-2024")
    assert ratio.status == "pass" and "= 11.7312" in ratio.message
    # 93亿 / 1091亿 = 0.0852, within the rounding of 1/12 (1/12.5 = 0.08 to 1/11.5 = 0.087)
    twelfth = _finding(article_findings, "arithmetic", "cn-us-private-ai-investment-ratio-2024")
    assert twelfth.status == "pass" and "= 0.0852" in twelfth.message
    # 3万亿 × (1 − 一半) = 1.5万亿: the financing gap
    gap = _finding(article_findings, "arithmetic", "dc-financing-gap-by-2028")
    assert gap.status == "pass" and "= 1,500,000,000,000" in gap.message
    # 15倍以上 has no US figure to divide by: flagged as not recomputable, not silently passed
    bound = _finding(article_findings, "arithmetic", "cn-us-net-new-capacity-ratio-2024")
    assert bound.status == "warn" and "cannot be recomputed" in bound.message


def test_article_shares_and_conflicts(article_findings: list, article_claims: set[str]) -> None:  # type: ignore[type-arg]
    shares = _finding(article_findings, "shares", "us-share-of-ai-supercomputer-capacity")
    assert shares.status == "pass" and "= 92.8 %" in shares.message  # 74 + 14 + 4.8
    # the conflicts among the article's own figures (one that reprints them is in the same finding)
    conflicts = [f for f in article_findings if f.check == "conflict" and len(set(f.claims) & article_claims) >= 2]
    assert len(conflicts) == 1
    assert set(conflicts[0].claims) & article_claims == {
        "us-dc-capacity-added-2024",
        "us-dc-capacity-added-2024-second-figure",
    }
    assert "美国为 0.2 吉瓦" in conflicts[0].message and "5.8 吉瓦" in conflicts[0].message


def test_article_integrity_passes(article_findings: list) -> None:  # type: ignore[type-arg]
    assert [f for f in article_findings if f.status == "fail"] == []
    assert {f.check for f in article_findings} >= {
        "shacl",
        "sha256",
        "span",
        "reference",
        "arithmetic",
        "shares",
        "conflict",
    }


@pytest.mark.parametrize(
    ("value", "text", "low", "high"),
    [
        ("12", "12倍", "11.5", "12.5"),
        ("1500000000000", "1.5万亿美元", "1450000000000", "1550000000000"),
        ("4049", "4,049", "4048.5", "4049.5"),
    ],
)
def test_rounding_interval(value: str, text: str, low: str, high: str) -> None:
    assert rounding_interval(Decimal(value), text) == (Decimal(low), Decimal(high))


def _figure(value: str, text: str, hedge: str) -> Figure:
    return Figure("x", Decimal(value), "times", text, hedge, None, None, None, None, (), None, None, None)


@pytest.mark.parametrize(
    ("hedge", "recomputed", "ok"),
    [
        pytest.param("nearly", "11.73", True, id="nearly-below"),
        pytest.param("nearly", "12.6", False, id="nearly-above"),
        pytest.param("nearly", "10", False, id="nearly-far-below"),
        pytest.param("more-than", "15", False, id="more-than-equal"),
        pytest.param("more-than", "15.1", True, id="more-than-above"),
        pytest.param("at-least", "14.9", True, id="at-least-within-rounding"),
        pytest.param("at-least", "14", False, id="at-least-below"),
        pytest.param("up-to", "15.4", True, id="up-to"),
        pytest.param("about", "15.7", True, id="about-within-5-percent"),
        pytest.param("about", "16", False, id="about-outside"),
        pytest.param("none", "15.6", False, id="unhedged-outside-rounding"),
    ],
)
def test_tolerance_follows_the_hedge(hedge: str, recomputed: str, ok: bool) -> None:
    text = "12倍" if hedge == "nearly" else "15倍"
    value = "12" if hedge == "nearly" else "15"
    assert agrees(_figure(value, text, hedge), Decimal(recomputed))[0] is ok


@pytest.fixture
def broken_build(mini_copy: Path, tmp_path: Path) -> Path:
    """The small dataset with a conflicting claim, built, then a span and a hash broken in the store."""
    claims = mini_copy / "claims" / "mini.yaml"
    claims.write_text(
        claims.read_text(encoding="utf-8")
        + """
  - id: acme-widget-2024-again
    subjects: [acme-capital, widget-ai]
    metric: investment
    quantity: {value: "3500000000", unit: USD, text: $2.5 billion}
    period: "2024"
    kind: fact
    evidence: {start: 0, end: 55, quote: Acme Capital invested $2.5 billion in Widget AI in 2024}
""",
        encoding="utf-8",
    )
    build_dir = tmp_path / "build"
    rebuild(mini_copy, build_dir)
    store = Store(str(build_dir / "current" / "store"))
    store.update(
        """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX kg: <https://w3id.org/aikg/ontology#>
        DELETE { GRAPH ?g { ?p oa:start 57 } } INSERT { GRAPH ?g { ?p oa:start 58 } }
          WHERE { GRAPH ?g { ?p oa:start 57 } } ;
        DELETE { ?s kg:sha256 ?h } INSERT { ?s kg:sha256 "%s" }
          WHERE { ?s kg:sha256 ?h }
        """
        % ("0" * 64)
    )
    store.flush()
    del store
    return build_dir


class JsonFinding(BaseModel):
    """The schema of one item of `kg check --format json`."""

    model_config = ConfigDict(extra="forbid")
    check: str
    status: Literal["pass", "warn", "fail"]
    claims: list[str]
    message: str
    verdict: str | None = None


def test_broken_graph_is_caught(runner: CliRunner, broken_build: Path) -> None:
    data = broken_build.parent / "data"  # the data it was built from: fresh, so not built again
    result = runner.invoke(
        app, ["check", "--full", "--no-shacl", "--format", "json", "--build", str(broken_build), "--data", str(data)]
    )
    assert result.exit_code == 1
    findings = [JsonFinding.model_validate(item) for item in json.loads(result.stdout)]
    failed = {(f.check, tuple(f.claims)) for f in findings if f.status == "fail"}
    assert ("span", ("acme-gadget",)) in failed
    assert ("sha256", ()) in failed
    conflict = next(f for f in findings if f.check == "conflict")
    assert conflict.status == "warn" and set(conflict.claims) == {"acme-widget-2024", "acme-widget-2024-again"}


def test_check_text_output_and_exit_code(runner: CliRunner, curated: Curated) -> None:
    result = runner.invoke(app, ["check", *curated.options()])
    assert result.exit_code == 0  # warnings alone
    assert "✓ pass  the graph conforms to shapes.ttl" in result.output
    assert "! warn" in result.output and " 0 fail" in result.output


def test_findings_are_in_the_graph(runner: CliRunner, curated: Curated) -> None:
    assert runner.invoke(app, ["check", "--no-shacl", *curated.options()]).exit_code == 0
    figures = read_figures(open_store(curated.build))
    assert figures["us-dc-capacity-added-2024"].text == "5.8 吉瓦"
    query = (  # the first article's figures in conflict with another of its own
        "SELECT DISTINCT ?claim WHERE { ?f kg:check 'conflict' ; kg:concerns ?c, ?other . FILTER(?c != ?other)"
        " ?c dcterms:source/dcterms:identifier 'article-zh' ; dcterms:identifier ?claim ."
        " ?other dcterms:source/dcterms:identifier 'article-zh' } ORDER BY ?claim"
    )
    result = runner.invoke(app, ["query", "-e", query, "--format", "csv", *curated.options()])
    assert result.stdout.split() == ["claim", "us-dc-capacity-added-2024", "us-dc-capacity-added-2024-second-figure"]


def test_fidelity_verdicts_on_the_article(article_findings: list, article_claims: set[str]) -> None:  # type: ignore[type-arg]
    fidelity = [f for f in article_findings if f.check == "fidelity" and f.claims[0] in article_claims]
    verdicts = {f.claims[0]: f.verdict for f in fidelity if f.verdict}
    assert verdicts == {
        "us-private-ai-investment-2024": "rounded",
        "cn-private-ai-investment-2024": "rounded",
        "us-cn-private-ai-investment-ratio-2024": "rounded",
        "cn-us-private-ai-investment-ratio-2024": "rounded",  # 1/12 against 1/11.7
        "us-cumulative-private-ai-investment-2013-2024": "rounded",
        "uk-cumulative-private-ai-investment-2013-2024": "rounded",
        "ca-cumulative-private-ai-investment-2013-2024": "rounded",
        "jp-cumulative-private-ai-investment-2013-2024": "rounded",
        "us-notable-ai-models-2024": "agrees",
        "europe-notable-ai-models-2024": "agrees",
        "global-dc-capex-by-2028": "agrees",
        "dc-capex-cash-flow-coverage-by-2028": "agrees",
        "dc-financing-gap-by-2028": "agrees",
        "global-dc-electricity-demand-multiple-by-2030": "agrees",
        "deepseek-v3-price-2025-01": "agrees",
        "us-annuity-sales-2025": "differs in period",
        "hyperscalers-capex-plan-fy2025": "unconfirmed upstream",
        "us-cn-share-of-dc-electricity-growth-by-2030": "unconfirmed upstream",
    }
    unbacked = [f for f in fidelity if f.verdict is None]
    assert [f.claims for f in unbacked] == [("us-state-ai-rule-regimes-2025-11",)]


def test_evidence_is_a_span_or_a_locator(tmp_path: Path) -> None:
    """The shapes refuse a claim whose evidence is neither a verified span nor a locator."""
    mini_build = tmp_path / "build"
    rebuild(MINI, mini_build)
    store = Store(str(mini_build / "current" / "store"))
    store.update(
        "PREFIX kg: <https://w3id.org/aikg/ontology#> "
        "DELETE { GRAPH ?g { ?e a kg:Locator ; kg:page ?p ; kg:figure ?f ; <https://schema.org/url> ?u } } "
        "WHERE { GRAPH ?g { ?e a kg:Locator ; kg:page ?p ; kg:figure ?f ; <https://schema.org/url> ?u } }"
    )
    store.flush()
    del store
    findings = run_checks(open_store(mini_build), mini_build)
    assert any(f.check == "shacl" and f.status == "fail" for f in findings)


def test_labels_in_one_language_conform(mini_copy: Path, tmp_path: Path) -> None:
    actors = mini_copy / "actors.yaml"
    actors.write_text(
        actors.read_text(encoding="utf-8")
        + "  - id: only-en\n    label: {en: Only English}\n    type: company\n"
        + "  - id: only-zh\n    label: {zh: 只有中文}\n    type: company\n",
        encoding="utf-8",
    )
    rebuild(mini_copy, tmp_path / "build")
    findings = list(check_shapes(tmp_path / "build"))
    assert [(f.status, f.message) for f in findings] == [("pass", "the graph conforms to shapes.ttl")]
