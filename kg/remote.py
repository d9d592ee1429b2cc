"""A SPARQL server as the graph's home: push the build to it, run the same queries on it.

- :func:`push` follows the SPARQL 1.1 Graph Store HTTP Protocol
  (https://www.w3.org/TR/sparql11-http-rdf-update/): one ``PUT {endpoint}?graph=<iri>`` per named
  graph (one per source, and graph:findings), which replaces that graph on the server, and one
  ``PUT {endpoint}?default`` for the default graph (ontology, actors, sources, periods). Pushing
  again replaces; nothing is appended twice. Bodies are N-Triples.
- :func:`run_remote_query` follows the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/):
  ``POST`` with ``Content-Type: application/sparql-query``; SELECT / ASK come back as SPARQL JSON
  results, CONSTRUCT / DESCRIBE as N-Triples, and are read into the same
  :class:`kg.query.QueryResult` as a local query, so every output format works the same.

Our prefixes are declared ahead of the query, as they are locally. Locally a query sees every
graph as one; on a server, start it so that it does the same (``oxigraph serve
--union-default-graph``, Fuseki's ``tdb2:unionDefaultGraph``), or name graphs with GRAPH.

urllib from the standard library: two verbs and three media types need no HTTP client package.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import DefaultGraph, QueryBoolean, QueryResultsFormat, RdfFormat, parse, parse_query_results, serialize

from kg.query import DEFAULT_TIMEOUT, QueryError, QueryResult, names_service
from kg.store import open_store
from kg.terms import SPARQL_PREFIXES

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"


class RemoteError(Exception):
    """The server could not be reached or said no: one line, with the address and the reason."""


@dataclass(frozen=True)
class PushSummary:
    endpoint: str
    graphs: int  # named graphs replaced
    triples: int  # in all graphs, the default graph included


def push(build_dir: Path, endpoint: str, *, timeout: float = DEFAULT_TIMEOUT) -> PushSummary:
    """Replace, on the server at ``endpoint`` (its Graph Store Protocol address), every graph of the build."""
    store = open_store(build_dir)
    graphs = sorted(store.named_graphs(), key=lambda g: g.value)
    triples = 0
    for graph in [DefaultGraph(), *graphs]:
        quads = store.quads_for_pattern(None, None, None, graph)
        body = serialize((q.triple for q in quads), format=RdfFormat.N_TRIPLES) or b""
        triples += body.count(b"\n")
        target = "default" if isinstance(graph, DefaultGraph) else "graph=" + urllib.parse.quote(graph.value, safe="")
        _request("PUT", _with_query(endpoint, target), body, {"Content-Type": NTRIPLES}, timeout)
    return PushSummary(endpoint, len(graphs), triples)


def run_remote_query(
    endpoint: str, query: str, *, allow_service: bool = False, timeout: float | None = DEFAULT_TIMEOUT
) -> QueryResult:
    """Run a query on the server at ``endpoint`` (its SPARQL query address); refuses SERVICE as locally."""
    if names_service(query) and not allow_service:
        raise QueryError(
            "the query calls a SERVICE, which would reach out over the network; refused (allow it with --allow-service)"
        )
    headers = {
        "Content-Type": "application/sparql-query; charset=utf-8",
        "Accept": f"{RESULTS_JSON}, {NTRIPLES};q=0.9",
    }
    try:
        body, content_type = _request("POST", endpoint, (SPARQL_PREFIXES + query).encode("utf-8"), headers, timeout)
    except RemoteError as err:
        # positions in the server's message count our prefix lines: give them as in the user's query
        shift = SPARQL_PREFIXES.count("\n")
        raise RemoteError(
            re.sub(r"at (\d+):(\d+)", lambda m: f"at line {int(m[1]) - shift}, column {m[2]}", str(err), count=1)
        ) from None
    if content_type.startswith(NTRIPLES) or content_type.startswith("text/plain"):
        return QueryResult("graph", triples=list(parse(body, format=RdfFormat.N_TRIPLES)))
    if not content_type.startswith(RESULTS_JSON) and not content_type.startswith("application/json"):
        raise RemoteError(f"{endpoint}: answered {content_type or 'without a content type'}, not SPARQL results")
    answer = parse_query_results(body, format=QueryResultsFormat.JSON)
    if isinstance(answer, QueryBoolean):
        return QueryResult("ask", boolean=bool(answer))
    return QueryResult("select", [v.value for v in answer.variables], rows=list(answer))


def _with_query(endpoint: str, query: str) -> str:
    return f"{endpoint}{'&' if urllib.parse.urlsplit(endpoint).query else '?'}{query}"


def _request(method: str, url: str, body: bytes, headers: dict[str, str], timeout: float | None) -> tuple[bytes, str]:
    """The response body and its content type; RemoteError with one line for anything else."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise RemoteError(f"{url}: not an http:// or https:// address")
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as err:
        with err:  # an HTTPError holds the response open
            detail = " ".join(err.read().decode("utf-8", "replace").split())[:200]
        raise RemoteError(f"{url}: HTTP {err.code} {err.reason}" + (f": {detail}" if detail else "")) from None
    except urllib.error.URLError as err:
        raise RemoteError(f"{url}: cannot connect ({err.reason})") from None
    except TimeoutError:
        raise RemoteError(f"{url}: no answer within {timeout} s") from None
    except OSError as err:
        raise RemoteError(f"{url}: {err}") from None
