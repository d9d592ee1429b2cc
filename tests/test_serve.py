"""kg serve, read side: every page calls the library its command calls, and /sparql speaks the protocol.

Checked over HTTP against a site on a free port. Figures are compared with what the library or
the command gives from the same build, never with the whole shipped dataset's counts.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from pyoxigraph import RdfFormat, parse
from rdflib import Graph
from rdflib.compare import isomorphic
from typer.testing import CliRunner

from kg.cli import app
from kg.figures import figures
from kg.load import DEFAULT_DATA
from kg.query import run_query, serialize_result
from kg.remote import run_remote_query
from kg.serve import Site
from kg.serve.sparql import negotiate
from kg.store import open_store
from tests.conftest import FIXTURES, MINI, PROJECT
from tests.serving import call, serving

ANNUITIES = "us-annuity-sales-2025"  # the article's 3450亿美元, whose report gives it for Jan-Sep only
FLOWS_QUERY = (
    "SELECT ?claim ?funder WHERE { ?c a kg:FundingFlow ; dcterms:identifier ?claim ;"
    " kg:funder/dcterms:identifier ?funder } ORDER BY ?claim"
)
CONSTRUCT = "CONSTRUCT { ?c kg:funder ?f } WHERE { ?c kg:funder ?f ; dcterms:source/dcterms:identifier 'article-zh' }"


@pytest.fixture(scope="module")
def site(article_build: Path) -> Iterator[Site]:
    with serving(DEFAULT_DATA, article_build) as running:
        yield running


def get(site: Site, path: str, **headers: str) -> tuple[int, str]:
    answer = call(site, "GET", path, headers={name.replace("_", "-"): v for name, v in headers.items()})
    return answer.status, answer.text


def cli_json(runner: CliRunner, build: Path, *args: str) -> object:
    result = runner.invoke(app, [*args, "--format", "json", "--data", str(DEFAULT_DATA), "--build", str(build)])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- pages and their .json twins -------------------------------------------------------------


def test_home_lists_the_sources_with_their_counts(site: Site, article_build: Path) -> None:
    status, page = get(site, "/")
    assert status == 200 and "谁为美国买单?" in page
    sources = {s["id"]: s for s in json.loads(get(site, "/index.json")[1])["sources"]}
    article_figures = [f for f in figures(open_store(article_build)) if f["source"] == "article-zh"]
    assert sources["article-zh"]["figures"] == len(article_figures) > 0
    assert sources["article-zh"]["shipped_text"] is True and sources["article-zh"]["flows"] > 0


def test_figure_twin_is_what_kg_trace_prints(site: Site, article_build: Path, runner: CliRunner) -> None:
    status, twin = get(site, f"/figure/{ANNUITIES}.json")
    assert status == 200
    assert json.loads(twin) == cli_json(runner, article_build, "trace", ANNUITIES)


def test_figure_page_shows_quote_source_and_upstream_verdict(site: Site) -> None:
    status, page = get(site, f"/figure/{ANNUITIES}")
    assert status == 200
    assert "<mark>3450亿美元</mark>" in page  # the figure highlighted inside its sentence
    assert "differs in period" in page and "/figure/wsj-us-annuity-sales-2025-9m" in page
    assert "188e0ea8ce012bcd63cc36d124ba4b9014b2e2653cd82e5437c51ac965941bf0" in page  # the article's sha256


def test_an_unknown_claim_is_404(site: Site) -> None:
    status, text = get(site, "/figure/no-such-claim")
    assert status == 404 and "no claim with id 'no-such-claim'" in text


def test_search_lists_every_match_and_its_twin_is_kg_trace(site: Site, article_build: Path, runner: CliRunner) -> None:
    status, page = get(site, "/search?q=" + quote("3450亿美元"))
    assert status == 200 and f'href="/figure/{ANNUITIES}"' in page
    twin = json.loads(get(site, "/search.json?q=" + quote("3450亿美元"))[1])
    assert twin == cli_json(runner, article_build, "trace", "3450亿美元")
    one = call(site, "GET", f"/search?q={ANNUITIES}")
    assert one.status == 303 and one.headers["Location"] == f"/figure/{ANNUITIES}"  # one match: its page


def test_search_without_a_match_suggests_the_closest(site: Site) -> None:
    status, page = get(site, "/search?q=" + quote("3450亿英镑"))
    assert status == 404 and "3450亿美元" in page


def test_figures_twin_is_kg_figures(site: Site, article_build: Path, runner: CliRunner) -> None:
    status, twin = get(site, "/figures.json?source=article-zh")
    assert status == 200
    assert json.loads(twin) == cli_json(runner, article_build, "figures", "--source", "article-zh")
    assert get(site, "/figures?source=no-such-source")[0] == 404


def test_canned_query_page_and_twin(site: Site, article_build: Path) -> None:
    text = (PROJECT / "examples" / "queries" / "stanford-ai-index-figures.rq").read_text(encoding="utf-8")
    expected = run_query(open_store(article_build), text)
    status, page = get(site, "/query/stanford-ai-index-figures")
    assert status == 200 and page.count("<tr>") == len(expected.rows) + 1  # the header row and one per answer
    status, twin = get(site, "/query/stanford-ai-index-figures.json")
    assert json.loads(twin) == json.loads(serialize_result(expected, "json"))
    assert get(site, "/query/no-such-query")[0] == 404


def test_query_page_offers_every_example_query(site: Site) -> None:
    status, page = get(site, "/query")
    examples = sorted(path.stem for path in (PROJECT / "examples" / "queries").glob("*.rq"))
    assert status == 200 and len(examples) >= 10
    for name in examples:
        assert f'data-name="{name}"' in page
    assert '<script src="/static/yasgui/yasgui.min.js">' in page


def test_graph_is_the_viz_page_under_its_own_policy(site: Site) -> None:
    answer = call(site, "GET", "/graph")
    assert answer.status == 200 and "vis-network" in answer.text
    policy = answer.headers["Content-Security-Policy"]
    assert policy.startswith("default-src 'none'; script-src 'sha256-") and "frame-ancestors 'none'" in policy
    assert call(site, "GET", "/graph?lang=xx").status == 400


# --- /sparql: the SPARQL 1.1 Protocol and the W3C result formats ----------------------------


def expected_result(build: Path, query: str, fmt: str) -> str:
    return serialize_result(run_query(open_store(build), query), fmt)


@pytest.mark.parametrize(
    ("accept", "fmt", "media"),
    [
        pytest.param("", "json", "application/sparql-results+json", id="default-json"),
        pytest.param("application/sparql-results+json", "json", "application/sparql-results+json", id="json"),
        pytest.param("text/csv", "csv", "text/csv", id="csv"),
        pytest.param("text/tab-separated-values", "tsv", "text/tab-separated-values", id="tsv"),
        pytest.param("text/html;q=0.9, text/csv;q=0.5, */*;q=0.1", "csv", "text/csv", id="q-values"),
    ],
)
def test_select_by_accept(site: Site, article_build: Path, accept: str, fmt: str, media: str) -> None:
    answer = call(site, "GET", "/sparql?query=" + quote(FLOWS_QUERY), headers={"Accept": accept} if accept else {})
    assert answer.status == 200 and answer.headers["Content-Type"] == f"{media}; charset=utf-8"
    assert answer.text == expected_result(article_build, FLOWS_QUERY, fmt)


def test_select_as_xml_holds_the_same_bindings_as_json(site: Site) -> None:
    url = "/sparql?query=" + quote(FLOWS_QUERY)
    answer = call(site, "GET", url, headers={"Accept": "application/sparql-results+xml"})
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("application/sparql-results+xml")
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(answer.body)
    assert [v.get("name") for v in root.findall("r:head/r:variable", ns)] == ["claim", "funder"]
    from_xml = [
        {b.get("name"): b[0].text for b in result.findall("r:binding", ns)}
        for result in root.findall(".//r:result", ns)
    ]
    bindings = call(site, "GET", url).json()["results"]["bindings"]
    assert from_xml == [{k: v["value"] for k, v in row.items()} for row in bindings] and len(from_xml) > 0


def test_post_form_and_post_query_body(site: Site, article_build: Path) -> None:
    expected = expected_result(article_build, FLOWS_QUERY, "csv")
    form = call(
        site,
        "POST",
        "/sparql",
        body="query=" + quote(FLOWS_QUERY),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"},
    )
    direct = call(
        site,
        "POST",
        "/sparql",
        body=FLOWS_QUERY,
        headers={"Content-Type": "application/sparql-query; charset=utf-8", "Accept": "text/csv"},
    )
    assert (form.status, form.text) == (direct.status, direct.text) == (200, expected)


def test_ask(site: Site) -> None:
    url = "/sparql?query=" + quote("ASK { ?c dcterms:identifier 'us-annuity-sales-2025' }")
    assert call(site, "GET", url).json() == {"head": {}, "boolean": True}
    xml = call(site, "GET", url, headers={"Accept": "application/sparql-results+xml"}).text
    assert "<boolean>true</boolean>" in xml


@pytest.mark.parametrize(
    ("accept", "media", "rdf_format"),
    [
        pytest.param("", "text/turtle", RdfFormat.TURTLE, id="default-turtle"),
        pytest.param("text/turtle", "text/turtle", RdfFormat.TURTLE, id="turtle"),
        pytest.param("application/n-triples", "application/n-triples", RdfFormat.N_TRIPLES, id="n-triples"),
    ],
)
def test_construct(site: Site, article_build: Path, accept: str, media: str, rdf_format: RdfFormat) -> None:
    answer = call(site, "GET", "/sparql?query=" + quote(CONSTRUCT), headers={"Accept": accept} if accept else {})
    assert answer.status == 200 and answer.headers["Content-Type"] == f"{media}; charset=utf-8"
    served = Graph().parse(data=answer.text, format="turtle" if rdf_format is RdfFormat.TURTLE else "nt")
    expected = Graph().parse(data=expected_result(article_build, CONSTRUCT, "ntriples"), format="nt")
    assert len(served) > 0 and isomorphic(served, expected)
    assert len(list(parse(answer.body, format=rdf_format))) == len(served)


@pytest.mark.parametrize(
    ("path", "headers", "body", "status", "message"),
    [
        pytest.param(
            "/sparql?query=" + quote("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
            {}, None, 400, "SERVICE", id="service-refused",
        ),
        pytest.param("/sparql?query=" + quote("SELECT WHERE {"), {}, None, 400, "malformed query", id="malformed"),
        pytest.param("/sparql", {"Accept": "application/json"}, None, 400, "give a query", id="no-query"),
        pytest.param(
            "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 1"), {"Accept": "image/png"}, None, 406,
            "cannot answer in image/png", id="unacceptable",
        ),
        pytest.param(
            "/sparql", {"Content-Type": "application/sparql-update"}, "DROP ALL", 400, "read-only", id="update-refused",
        ),
        pytest.param(
            "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, "update=DROP%20ALL", 400, "read-only",
            id="update-form-refused",
        ),
        pytest.param(
            "/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }") + "&default-graph-uri=http://example.org/g",
            {}, None, 400, "default-graph-uri is not supported", id="dataset-parameters",
        ),
    ],
)  # fmt: skip
def test_sparql_refusals(
    site: Site, path: str, headers: dict[str, str], body: str | None, status: int, message: str
) -> None:
    answer = call(site, "POST" if body is not None else "GET", path, headers=headers, body=body)
    assert answer.status == status and message in answer.text


def test_a_query_past_its_time_limit_is_stopped(mini_build: Path) -> None:
    # a million rows: long enough to pass 10 ms, short enough that the abandoned worker ends soon
    crossed = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f }"
    with serving(MINI, mini_build, timeout=0.01) as running:
        answer = call(running, "GET", "/sparql?query=" + quote(crossed))
    assert answer.status == 503 and "time limit" in answer.text


def test_kg_query_endpoint_talks_to_it(site: Site, article_build: Path) -> None:
    """The project's own SPARQL client (kg query --endpoint) gets what a local query gets."""
    remote = run_remote_query(f"{site.origin}/sparql", FLOWS_QUERY)
    assert serialize_result(remote, "csv") == expected_result(article_build, FLOWS_QUERY, "csv")


def test_csv_follows_rfc_4180(site: Site) -> None:
    answer = call(site, "GET", "/sparql?query=" + quote(FLOWS_QUERY), headers={"Accept": "text/csv"})
    rows = list(csv.reader(io.StringIO(answer.text, newline="")))
    assert rows[0] == ["claim", "funder"] and answer.text.endswith("\r\n")


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        pytest.param("*/*", "json", id="anything"),
        pytest.param("text/*", "csv", id="any-text"),
        pytest.param("application/xml;q=0.4, text/csv;q=0.3", "xml", id="by-weight"),
        pytest.param("text/csv;q=0, application/json", "json", id="q-zero-is-no"),
    ],
)
def test_negotiate(accept: str, expected: str) -> None:
    from kg.serve.sparql import RESULT_TYPES

    assert negotiate(accept, RESULT_TYPES) == expected


def test_without_a_build_a_page_says_so(tmp_path: Path) -> None:
    with serving(MINI, tmp_path / "no-build") as running:
        answer = call(running, "GET", "/figure/acme-widget-2024")
    assert answer.status == 503 and "no built graph here; run `kg build` first" in answer.text


def test_home_counts_the_findings_kg_build_recorded(tmp_path: Path) -> None:
    """On the fixture of three sources: two articles, one giving a report's nine months as the year."""
    from kg.check import recorded_findings
    from kg.rebuild import rebuild

    three_sources, build_dir = FIXTURES / "compare", tmp_path / "build"
    rebuild(three_sources, build_dir)
    findings = recorded_findings(build_dir)
    with serving(three_sources, build_dir) as running:
        checks = call(running, "GET", "/index.json").json()["checks"]
    assert checks["counts"] == {s: sum(1 for f in findings if f.status == s) for s in ("pass", "warn", "fail")}
    flagged = [f for f in findings if f.status != "pass"]
    assert 0 < len(checks["flagged"]) == min(len(flagged), 100)
    assert {(f["check"], f["message"]) for f in checks["flagged"]} <= {(f.check, f.message) for f in flagged}
    annuities = next(f for f in checks["flagged"] if f["message"].startswith("differs in period: 345 billion dollars"))
    assert set(annuities["claims"]) == {"a-annuity-sales", "g-annuity-sales-9m"}
