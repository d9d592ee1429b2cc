"""kg.query and kg query: every example query answers what it says; queries cannot reach out."""

from __future__ import annotations

import csv
import io
import json
import socket
import threading
from collections import defaultdict
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from typer.testing import CliRunner

from kg.cli import app
from kg.query import QueryError, QueryTimeout, read_query, run_query, serialize_result
from kg.sparql import names_dataset, names_service
from kg.store import open_store
from tests.conftest import ARTICLE, FIRST_ARTICLE_SOURCES, MINI, PROJECT, Curated

QUERIES = sorted((PROJECT / "examples" / "queries").glob("*.rq"))

# For each example query: how many of its rows are the first article's (see article_rows), and
# rows it must contain among those (as {column: value} subsets). Only the article's rows are
# counted, so that adding a source to data/ changes no count here.
EXPECTED: dict[str, tuple[int, list[dict[str, str]]]] = {
    "who-funds-whom": (
        28,
        [
            {"funder": "US retirees and annuity buyers", "recipient": "US life insurers", "amount": "3450亿美元"},
            {"funder": "US federal government", "recipient": "Non-defence AI R&D", "amount": "33亿美元"},
            {"funder": "SoftBank", "recipient": "Stargate", "instrument": "Joint-venture investment"},
        ],
    ),
    "annuity-money-chain": (
        7,
        [
            {"from": "US retirees and annuity buyers", "to": "US life insurers", "amount": "3450亿美元"},
            {"from": "US life insurers", "to": "US tech giants", "instrument": "Bond purchase"},
            {"from": "High-grade bond market", "to": "AI data centres and infrastructure", "amount": "3000亿美元"},
        ],
    ),
    "stanford-ai-index-figures": (
        5,
        [{"figure": "1091亿美元"}, {"figure": "93亿美元"}, {"figure": "12倍"}, {"figure": "40个"}, {"figure": "3个"}],
    ),
    "private-investment-by-country": (
        5,
        [
            {"country": "United States", "figure": "4700亿美元", "hedge": "more-than"},
            {"country": "Japan", "value": "6000000000"},
        ],
    ),
    "us-china-side-by-side": (
        4,
        [
            {"metric": "Private AI investment", "us": "1091亿美元", "china": "93亿美元"},
            {"metric": "Share of AI supercomputer capacity", "us": "74%", "china": "14%"},
        ],
    ),
    "forecasts": (7, [{"figure": "3万亿美元", "horizon": "2028-12-31"}, {"figure": "3000亿美元", "period": "2026"}]),
    "figures-about-2024": (18, [{"figure": "1091亿美元"}, {"figure": "429吉瓦"}, {"figure": "4,049"}]),
    "hedged-figures": (
        16,
        [
            {"figure": "15%-25%", "hedge": "range", "min": "15", "max": "25"},
            {"figure": "12倍", "hedge": "nearly", "max": "12"},
        ],
    ),
    "power-capacities-gw": (
        7,
        [{"figure": "5.8 吉瓦", "gigawatts": "5.8"}, {"figure": "0.2 吉瓦"}, {"figure": "429吉瓦"}],
    ),
    "flagged-figures": (
        # the article's arithmetic and fidelity findings, which rest on its own figures and links only
        # (a conflict may also involve another source's figure)
        9,
        [
            {"figure": "0.2 吉瓦", "check": "conflict", "status": "warn"},
            {"figure": "1/35", "check": "arithmetic"},
            {"figure": "3450亿美元", "check": "fidelity"},
        ],
    ),
    "departures-from-sources": (
        3,
        [
            {
                "verdict": "differs in period",
                "figure": "3450亿美元",
                "period": "2025",
                "upstreamPeriod": "2025-01/2025-09",
            },
            {"verdict": "unconfirmed upstream", "figure": "3640亿美元", "upstreamFigure": "364 billion"},
            {"verdict": "unconfirmed upstream", "figure": "80%"},
        ],
    ),
    "figures-across-sources": (
        # the figures of a subject, metric and period that two or more of the article's sources give:
        # the article's against the AI Index, Morgan Stanley, the IEA and the press reports of capex
        35,
        [
            {
                "subject": "united-states",
                "metric": "private-ai-investment",
                "period": "2024",
                "source": ARTICLE,
                "figure": "1091亿美元",
                "value": "109100000000",
                "rank": "normal",
            },
            {
                "subject": "united-states",
                "metric": "private-ai-investment",
                "period": "2024",
                "source": "stanford-ai-index-2025",
                "figure": "109.08 billion",
                "claim": "aii-us-private-ai-investment-2024",
            },
            {
                "subject": "world",
                "metric": "financing-gap",
                "period": "../2028",
                "source": "morgan-stanley-analysts",
                "figure": "about 1.5 trillion",
                "hedge": "about",
            },
            {
                "subject": "world",
                "metric": "data-centre-capex",
                "period": "../2028",
                "source": ARTICLE,
                "figure": "3万亿美元",
            },
            {
                "subject": "hyperscalers",
                "metric": "data-centre-capex",
                "period": "FY2025",
                "source": "press-reports-hyperscaler-capex-2025",
                "figure": "364 billion",
            },
        ],
    ),
    "best-values": (
        # each of the article's 42 figures with a period is a best value, under each of its subjects:
        # it ranks none preferred, and no other source ranks one of the same subject, metric and period
        # preferred (one that did would retire the article's there: Wikidata's best rank)
        54,
        [
            {
                "subject": "united-states",
                "metric": "private-ai-investment",
                "period": "2024",
                "figure": "1091亿美元",
                "rank": "normal",
            },
            {"subject": "world", "metric": "financing-gap", "period": "../2028", "figure": "1.5万亿美元"},
            {
                "subject": "us-retirees",
                "metric": "annuity-sales",
                "period": "2025",
                "figure": "3450亿美元",
                "value": "345000000000",
                "unit": "USD",
            },
        ],
    ),
}


def test_collected_every_example_query() -> None:
    assert len(QUERIES) == len(EXPECTED) == 13
    assert {q.stem for q in QUERIES} == set(EXPECTED)


@pytest.mark.parametrize("path", QUERIES, ids=[q.stem for q in QUERIES])
def test_example_query_opens_with_its_question(path: Path) -> None:
    english, chinese = path.read_text(encoding="utf-8").splitlines()[:2]
    assert english.startswith("# ") and english.rstrip()[-1] in "?.:"
    assert chinese.startswith("# ") and any("\u4e00" <= ch <= "\u9fff" for ch in chinese)


def article_rows(query: str, rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """The rows of the first article: what the query answers on it alone, whatever else data/ holds.

    Most queries list claims one a row: the article's are those of source article-zh. Where a
    query relates sources, the relation is taken among the article's own: the hops of the annuity
    chain that lie on a path of its own flows; the figures of a subject, metric and period that two
    or more of its sources give (FIRST_ARTICLE_SOURCES); the best values it gives, alone or not.
    """
    if query == "figures-across-sources":
        theirs = [row for row in rows if row["source"] in FIRST_ARTICLE_SOURCES]
        sources: dict[tuple[str, str, str], set[str]] = defaultdict(set)
        for row in theirs:
            sources[row["subject"], row["metric"], row["period"]].add(row["source"])
        return [row for row in theirs if len(sources[row["subject"], row["metric"], row["period"]]) >= 2]
    if query == "best-values":
        return [row for row in rows if ARTICLE in row["sources"].split()]
    mine = [row for row in rows if row["source"] == ARTICLE]
    if query == "annuity-money-chain":
        return on_a_path(mine, "US retirees and annuity buyers", "AI data centres and infrastructure")
    return mine


def _counted(query: str, row: dict[str, str]) -> bool:
    return query != "flagged-figures" or row["check"] in ("arithmetic", "fidelity")


def on_a_path(hops: list[dict[str, str]], start: str, end: str) -> list[dict[str, str]]:
    """The hops (rows with from and to) on some path from start to end made of these hops alone."""
    graph = nx.DiGraph([(hop["from"], hop["to"]) for hop in hops])
    if start not in graph or end not in graph:
        return []
    after, before = nx.descendants(graph, start) | {start}, nx.ancestors(graph, end) | {end}
    return [hop for hop in hops if hop["from"] in after and hop["to"] in before]


@pytest.mark.parametrize("path", QUERIES, ids=[q.stem for q in QUERIES])
def test_example_query_answers(runner: CliRunner, checked: Curated, path: Path) -> None:
    result = runner.invoke(app, ["query", str(path), "--format", "csv", *checked.options()])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(row.get("source") or row.get("sources") for row in rows), "every row names its sources"
    count, wanted = EXPECTED[path.stem]
    mine = article_rows(path.stem, rows)
    assert len([row for row in mine if _counted(path.stem, row)]) == count
    for subset in wanted:
        assert any(all(row.get(k) == v for k, v in subset.items()) for row in mine), subset


@pytest.fixture(scope="module")
def checked(curated: Curated) -> Curated:
    """The curated build with its check findings recorded (the flagged-figures query reads them)."""
    result = CliRunner().invoke(app, ["check", "--no-shacl", *curated.options()])
    assert result.exit_code == 0, result.output
    return curated


@pytest.fixture
def listener() -> tuple[int, list[bytes]]:
    """A TCP listener on 127.0.0.1 that records every connection it gets for 2 seconds."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.settimeout(2)
    received: list[bytes] = []

    def accept() -> None:
        try:
            connection, _ = server.accept()
            received.append(connection.recv(1000) or b"(connected)")
            connection.close()
        except OSError:
            pass
        finally:
            server.close()

    threading.Thread(target=accept, daemon=True).start()
    return server.getsockname()[1], received


@pytest.mark.parametrize(
    "template",
    [
        pytest.param("SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}", id="service"),
        pytest.param("SELECT * WHERE {{ service <http://127.0.0.1:{port}/> {{ ?s ?p ?o }} }}", id="service-lower"),
        pytest.param("SELECT * FROM <http://127.0.0.1:{port}/data.ttl> WHERE {{ ?s ?p ?o }}", id="from"),
        pytest.param(
            "SELECT * FROM NAMED <http://127.0.0.1:{port}/g> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}", id="from-named"
        ),
        pytest.param("LOAD <http://127.0.0.1:{port}/data.ttl>", id="load"),
    ],
)
def test_queries_never_reach_the_network(mini_build: Path, listener: tuple[int, list[bytes]], template: str) -> None:
    port, received = listener
    query = template.format(port=port)
    store = open_store(mini_build)
    try:
        result = run_query(store, query, timeout=5)
        assert result.is_empty()  # FROM names a graph of the store: nothing there, nothing fetched
    except QueryError as err:
        assert "refused" in str(err) or "malformed" in str(err)
    threading.Event().wait(0.3)
    assert received == []


def test_service_refusal_is_clear(runner: CliRunner, mini_build: Path) -> None:
    result = runner.invoke(
        app,
        [
            "query",
            "-e",
            "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
            "--build",
            str(mini_build),
            "--data",
            str(MINI),
        ],
    )
    assert result.exit_code == 2
    assert "SERVICE" in result.output and "refused" in result.output and "--allow-service" in result.output


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("SELECT * WHERE { ?s <http://x/SERVICE> ?o }", False),
        ('SELECT * WHERE { ?s ?p "SERVICE" }', False),
        ("SELECT ?service WHERE { ?service ?p ?o } # SERVICE in a comment", False),
        ("SELECT * WHERE { ex:SERVICE ?p ?o }", False),
        ("SELECT * WHERE { SERVICE SILENT <http://a/> { ?s ?p ?o } }", True),
        ("SELECT * WHERE {\n  Service <http://a/> { ?s ?p ?o } }", True),
    ],
)
def test_names_service(query: str, expected: bool) -> None:
    assert names_service(query) is expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("SELECT * FROM <http://g/> WHERE { ?s ?p ?o }", True, id="from"),
        pytest.param("select * from named <http://g/> where { graph ?g { ?s ?p ?o } }", True, id="from-named"),
        pytest.param('SELECT * WHERE { ?s ?p "FROM <http://g/>" }', False, id="in-a-string"),
        pytest.param("SELECT ?from WHERE { ?from ?p ?o } # FROM <http://g/>", False, id="variable-and-comment"),
        pytest.param("SELECT * WHERE { ?s <http://x/FROM> ex:FROM }", False, id="iri-and-prefixed-name"),
    ],
)
def test_names_dataset(query: str, expected: bool) -> None:
    assert names_dataset(query) is expected


def test_a_query_with_from_sees_only_the_graphs_it_names(mini_build: Path) -> None:
    store = open_store(mini_build)
    everything = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    named = "SELECT (COUNT(*) AS ?n) FROM <http://example.org/no-such-graph> WHERE { ?s ?p ?o }"
    assert run_query(store, everything).records()[0]["n"] > 0  # the union of every graph
    assert run_query(store, named).records()[0]["n"] == 0  # the union is off: only that (empty) graph


def test_malformed_query_names_its_position(runner: CliRunner, mini_build: Path) -> None:
    result = runner.invoke(
        app, ["query", "-e", "SELECT ?s WHERE {\n  ?s ?p \n}", "--build", str(mini_build), "--data", str(MINI)]
    )
    assert result.exit_code == 2
    assert "malformed query at line 3, column " in result.output
    assert result.output.count("\n") == 1


def test_empty_result_says_so(runner: CliRunner, mini_build: Path) -> None:
    result = runner.invoke(
        app, ["query", "-e", "SELECT ?s WHERE { ?s a kg:Nothing }", "--build", str(mini_build), "--data", str(MINI)]
    )
    assert result.exit_code == 0
    assert "no results" in result.output


def test_time_limit(mini_build: Path) -> None:
    with pytest.raises(QueryTimeout, match=r"time limit of 0\.01 s"):
        run_query(
            open_store(mini_build), "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", timeout=0.01
        )


def test_result_formats(mini_build: Path) -> None:
    store = open_store(mini_build)
    query = (
        "SELECT ?claim ?text WHERE { ?c dcterms:identifier ?claim ; kg:quantity/kg:asWritten ?text } ORDER BY ?claim"
    )
    result = run_query(store, query)
    document = json.loads(serialize_result(result, "json"))
    assert document["head"]["vars"] == ["claim", "text"]
    assert document["results"]["bindings"][0]["text"] == {"type": "literal", "value": "$0.5 billion"}
    table = list(csv.reader(io.StringIO(serialize_result(result, "csv"))))
    assert table[0] == ["claim", "text"] and table[1] == ["acme-gadget", "$0.5 billion"]
    tsv = serialize_result(result, "tsv").splitlines()
    assert tsv[0] == "?claim\t?text" and tsv[1] == '"acme-gadget"\t"$0.5 billion"'
    assert serialize_result(run_query(store, "ASK { ?s a kg:Claim }"), "json") == '{"head": {}, "boolean": true}\n'


def test_construct_gives_turtle(runner: CliRunner, mini_build: Path) -> None:
    query = "CONSTRUCT { ?a kg:funds ?b } WHERE { ?a kg:funds ?b }"
    result = runner.invoke(app, ["query", "-e", query, "--build", str(mini_build), "--data", str(MINI)])
    assert result.exit_code == 0
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) == 3
    nt = runner.invoke(
        app, ["query", "-e", query, "--format", "ntriples", "--build", str(mini_build), "--data", str(MINI)]
    )
    assert len(rdflib.Graph().parse(data=nt.stdout, format="nt")) == 3


def test_query_from_stdin_and_file(runner: CliRunner, mini_build: Path, tmp_path: Path) -> None:
    query = "SELECT ?id WHERE { ?a a kg:Actor ; dcterms:identifier ?id } ORDER BY ?id LIMIT 1"
    from_stdin = runner.invoke(
        app, ["query", "-", "--format", "csv", "--build", str(mini_build), "--data", str(MINI)], input=query
    )
    assert from_stdin.stdout.splitlines() == ["id", "acme-capital"]
    path = tmp_path / "q.rq"
    path.write_text(query, encoding="utf-8")
    from_file = runner.invoke(
        app, ["query", str(path), "--format", "csv", "--build", str(mini_build), "--data", str(MINI)]
    )
    assert from_file.stdout == from_stdin.stdout
    missing = runner.invoke(app, ["query", str(tmp_path / "none.rq"), "--build", str(mini_build), "--data", str(MINI)])
    assert missing.exit_code == 2 and "no such query file" in missing.output


def test_read_query_refuses_binary(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(QueryError, match="not a UTF-8"):
        read_query(path)
