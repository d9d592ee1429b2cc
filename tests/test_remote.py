"""kg.remote and `kg push` / `kg query --endpoint` against a real Oxigraph server on 127.0.0.1."""

from __future__ import annotations

import gc
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

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


# Servers that misbehave: tiny ones on 127.0.0.1, each in a thread, answering every connection the
# same way. None needs the Oxigraph server.


class Misbehaving:
    """A TCP server on 127.0.0.1 that reads each request and answers with ``behave(connection)``."""

    def __init__(self, behave: Callable[[socket.socket], None]) -> None:
        self.server = socket.create_server(("127.0.0.1", 0), backlog=8)
        self.server.settimeout(0.05)
        self.base = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.behave, self.running, self.connections = behave, True, 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while self.running:
            try:
                connection, _ = self.server.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            connection.settimeout(5)
            try:
                connection.recv(65536)
                self.behave(connection)
            except OSError:
                pass  # the client hung up: that is what these tests want

    def close(self) -> None:
        self.running = False
        self.thread.join()
        self.server.close()


@pytest.fixture
def misbehaving() -> Iterator[Callable[[Callable[[socket.socket], None]], Misbehaving]]:
    started: list[Misbehaving] = []

    def start(behave: Callable[[socket.socket], None]) -> Misbehaving:
        started.append(Misbehaving(behave))
        return started[-1]

    yield start
    for server in started:
        server.close()


JSON_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
ASK_TRUE = b'{"head": {}, "boolean": true}'


def _trickle(connection: socket.socket) -> None:
    connection.sendall(JSON_HEAD + b"Content-Length: 100000\r\n\r\n")
    while True:  # a byte every 0.2 s: each read succeeds, the answer never ends
        connection.sendall(b" ")
        time.sleep(0.2)


def _trickle_headers(connection: socket.socket) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\n")
    while True:
        connection.sendall(b"X")
        time.sleep(0.2)


def _endless(connection: socket.socket) -> None:
    connection.sendall(JSON_HEAD + b"\r\n")
    while True:
        connection.sendall(b" " * 65536)


def _huge(connection: socket.socket) -> None:
    connection.sendall(JSON_HEAD + b"Content-Length: 10000000000\r\n\r\n{")


def _not_http(connection: socket.socket) -> None:
    connection.sendall(b"HELLO THERE\r\n\r\n")


def _garbage_json(connection: socket.socket) -> None:
    connection.sendall(JSON_HEAD + b"Content-Length: 9\r\n\r\n{nonsense")


def _html(connection: socket.socket) -> None:
    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 6\r\n\r\n<html>")


def _redirect(location: str) -> Callable[[socket.socket], None]:
    def answer(connection: socket.socket) -> None:
        connection.sendall(
            f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n".encode()
        )

    return answer


@pytest.mark.parametrize(
    ("behave", "code", "message"),
    [
        pytest.param(_trickle, 3, "ran past its time limit of 1 s", id="body-a-byte-every-0.2-s"),
        pytest.param(_trickle_headers, 3, "ran past its time limit of 1 s", id="headers-a-byte-every-0.2-s"),
        pytest.param(_endless, 3, "answers more than 1,048,576 bytes", id="endless-body"),
        pytest.param(_huge, 3, "answers 10,000,000,000 bytes, more than the limit", id="ten-gigabytes-announced"),
        pytest.param(_not_http, 2, "answered something that is not HTTP", id="not-http"),
        pytest.param(
            _garbage_json, 2, "answered application/sparql-results+json, but not in that format", id="bad-json"
        ),
        pytest.param(_html, 2, "answered text/html, not SPARQL results", id="html"),
        pytest.param(_redirect("ftp://127.0.0.1/x"), 2, "redirects to ftp://127.0.0.1/x, another server", id="to-ftp"),
    ],
)
def test_a_misbehaving_server_is_one_line_within_the_deadline(
    runner: CliRunner, misbehaving: Any, behave: Callable[[socket.socket], None], code: int, message: str
) -> None:
    server = misbehaving(behave)
    started = time.monotonic()
    result = runner.invoke(
        app, ["query", "--endpoint", f"{server.base}/query", "-e", "ASK {}", "--timeout", "1", "--max-bytes", "1"]
    )
    assert time.monotonic() - started < 3
    assert result.exit_code == code, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1 and result.stdout == ""


def test_a_redirect_to_another_port_is_refused_and_not_followed(runner: CliRunner, misbehaving: Any) -> None:
    elsewhere = misbehaving(lambda connection: connection.sendall(JSON_HEAD + b"Content-Length: 29\r\n\r\n" + ASK_TRUE))
    server = misbehaving(_redirect(f"{elsewhere.base}/query"))
    result = runner.invoke(app, ["query", "--endpoint", f"{server.base}/query", "-e", "ASK {}"])
    assert result.exit_code == 2 and "another server, port or scheme; refused" in result.stderr
    time.sleep(0.1)
    assert elsewhere.connections == 0


def test_a_redirect_within_the_server_is_followed(runner: CliRunner, misbehaving: Any) -> None:
    calls: list[int] = []

    def redirect_once(connection: socket.socket) -> None:
        calls.append(1)
        if len(calls) == 1:
            _redirect("/elsewhere")(connection)
        else:
            connection.sendall(JSON_HEAD + b"Content-Length: 29\r\n\r\n" + ASK_TRUE)

    server = misbehaving(redirect_once)
    result = runner.invoke(app, ["query", "--endpoint", f"{server.base}/query", "-e", "ASK {}"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "true\n" and len(calls) == 2


def test_push_to_a_trickling_server_stops_at_its_deadline(
    runner: CliRunner, misbehaving: Any, mini_build: Path
) -> None:
    server = misbehaving(_trickle_headers)
    started = time.monotonic()
    result = runner.invoke(
        app,
        [
            "push",
            "--endpoint",
            f"{server.base}/store",
            "--timeout",
            "1",
            "--build",
            str(mini_build),
            "--data",
            str(MINI),
        ],
    )
    assert time.monotonic() - started < 3
    assert result.exit_code == 3 and "the push ran past its time limit of 1 s" in result.stderr


def test_a_push_past_its_deadline_leaves_no_store_iterator_behind(
    misbehaving: Any, mini_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a push leaves for the garbage collector may be collected in any thread: no pyoxigraph
    iterator may be among it (one dropped in another thread raises there, in code unrelated)."""
    server = misbehaving(_trickle_headers)
    with pytest.raises(QueryError, match="the push ran past its time limit"):
        push(mini_build, f"{server.base}/store", timeout=0.3)
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda found: unraisable.append(str(found.exc_value)))
    elsewhere = threading.Thread(target=gc.collect)
    elsewhere.start()
    elsewhere.join()
    assert unraisable == []


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0"])
def test_push_timeout_must_be_a_positive_number(runner: CliRunner, value: str) -> None:
    result = runner.invoke(app, ["push", "--endpoint", "http://127.0.0.1:9/store", "--timeout", value])
    assert result.exit_code == 2 and "--timeout takes a number of seconds above 0" in result.stderr


def test_service_is_refused_in_every_reading_before_anything_is_sent(misbehaving: Any) -> None:
    server = misbehaving(_html)
    with pytest.raises(QueryError, match="SERVICE"):
        run_remote_query(f"{server.base}/query", "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert server.connections == 0
