"""kg.remote and `kg push` / `kg query --endpoint` against a real Oxigraph server on 127.0.0.1."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.query import QueryError, run_query, serialize_result
from kg.remote import RemoteError, push, run_remote_query
from kg.store import open_store
from tests.conftest import MINI, PROJECT

pytestmark = pytest.mark.server

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
COUNT_ALL = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
COUNT_GRAPHS = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on a free port with a fresh folder; its base address. Stopped by its pid."""
    if not Path(OXIGRAPH).exists():
        pytest.skip("the oxigraph server is not installed (pip install oxigraph)")
    port = _free_port()
    location = tmp_path_factory.mktemp("oxigraph")
    process = subprocess.Popen(
        [OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"oxigraph serve did not start: {process.stderr.read() if process.stderr else ''}"
                    ) from None
                time.sleep(0.1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


def _count(base: str, query: str) -> int:
    return int(run_remote_query(f"{base}/query", query).records()[0]["n"])


def test_push_then_query_then_push_again_replaces(server: str, mini_build: Path, article_build: Path) -> None:
    mini = push(mini_build, f"{server}/store")
    assert mini.graphs == 3  # one per source, mini and example-report, and the findings
    article = push(article_build, f"{server}/store")
    triples = _count(server, COUNT_ALL)
    graphs = _count(server, COUNT_GRAPHS)

    query = (PROJECT / "examples/queries/who-funds-whom.rq").read_text(encoding="utf-8")
    remote = run_remote_query(f"{server}/query", query).records()
    local = run_query(open_store(article_build), query).records()
    assert len(remote) == len(local) >= 20
    assert {(r["funder"], r["recipient"], r["claim"]) for r in remote} == {
        (r["funder"], r["recipient"], r["claim"]) for r in local
    }
    assert ("US life insurers", "US tech giants", "life-insurers-buy-tech-bonds") in {
        (r["funder"], r["recipient"], r["claim"]) for r in remote
    }

    again = push(article_build, f"{server}/store")
    assert again == article
    assert _count(server, COUNT_ALL) == triples, "a re-push must replace each graph, not add to it"
    assert _count(server, COUNT_GRAPHS) == graphs


def test_remote_results_in_every_format(server: str, article_build: Path) -> None:
    push(article_build, f"{server}/store")
    query = "SELECT ?id WHERE { ?c a kg:Claim ; dcterms:identifier ?id } ORDER BY ?id LIMIT 3"
    result = run_remote_query(f"{server}/query", query)
    assert len(result.rows) == 3
    assert serialize_result(result, "csv").startswith("id\r\n")
    assert '"vars": [\n      "id"' in serialize_result(result, "json")
    graph = run_remote_query(f"{server}/query", "CONSTRUCT { ?a a kg:Actor } WHERE { ?a a kg:Actor } LIMIT 2")
    assert graph.kind == "graph" and len(graph.triples) == 2
    assert run_remote_query(f"{server}/query", "ASK { actor:china a kg:Actor }").boolean is True


def test_cli_push_and_query_endpoint(server: str, article_build: Path, runner: CliRunner) -> None:
    pushed = runner.invoke(app, ["push", "--endpoint", f"{server}/store", "--build", str(article_build)])
    assert pushed.exit_code == 0, pushed.output
    assert "named graphs" in pushed.output
    answer = runner.invoke(
        app,
        ["query", "--endpoint", f"{server}/query", "--format", "csv", str(PROJECT / "examples/queries/forecasts.rq")],
    )
    assert answer.exit_code == 0, answer.output
    assert answer.output.startswith("figure,subjects,metric,horizon,period,by,claim")


def test_syntax_error_names_the_users_line(server: str) -> None:
    with pytest.raises(RemoteError, match=r"HTTP 400.*at line 2, column"):
        run_remote_query(f"{server}/query", "SELECT ?x\nWHERE { ?x ?y }")


def test_service_is_refused_before_anything_is_sent(server: str) -> None:
    with pytest.raises(QueryError, match="SERVICE"):
        run_remote_query(f"{server}/query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")


def test_unreachable_server_is_one_line_and_exit_2(runner: CliRunner, mini_build: Path) -> None:
    port = _free_port()  # nothing listens there
    result = runner.invoke(
        app, ["push", "--endpoint", f"http://127.0.0.1:{port}/store", "--build", str(mini_build), "--data", str(MINI)]
    )
    assert result.exit_code == 2
    assert "cannot connect" in result.output and result.output.count("\n") == 1
    result = runner.invoke(app, ["query", "--endpoint", f"http://127.0.0.1:{port}/query", "-e", "ASK {}"])
    assert result.exit_code == 2 and "cannot connect" in result.output


def test_http_error_is_one_line_and_exit_2(server: str, runner: CliRunner) -> None:
    result = runner.invoke(app, ["query", "--endpoint", f"{server}/no-such-service", "-e", "ASK {}"])
    assert result.exit_code == 2
    assert "HTTP 404" in result.output
