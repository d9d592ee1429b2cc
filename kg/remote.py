"""A SPARQL server as the graph's home: push the build to it, run the same queries on it.

- :func:`push` follows the SPARQL 1.1 Graph Store HTTP Protocol
  (https://www.w3.org/TR/sparql11-http-rdf-update/): one ``PUT {endpoint}?graph=<iri>`` per named
  graph (one per source, and graph:findings), which replaces that graph on the server, and one
  ``PUT {endpoint}?default`` for the default graph (ontology, actors, sources, periods). Pushing
  again replaces; nothing is appended twice. Bodies are N-Triples.
- :func:`remote_answer` and :func:`run_remote_query` follow the SPARQL 1.1 Protocol
  (https://www.w3.org/TR/sparql11-protocol/): ``POST`` with ``Content-Type:
  application/sparql-query``; SELECT / ASK come back as SPARQL JSON results, CONSTRUCT / DESCRIBE
  as N-Triples, and are rendered by :mod:`kg.query` as a local answer is, so every output format
  works the same.

Our prefixes are declared ahead of the query, as they are locally. Locally a query sees every
graph as one; on a server, start it so that it does the same (``oxigraph serve
--union-default-graph``, Fuseki's ``tdb2:unionDefaultGraph``), or name graphs with GRAPH.

A server is not trusted to behave: every exchange has one deadline for all of it (connecting,
sending, every byte of the answer; a server trickling a byte every two seconds is cut off at the
deadline, not after every read), the answer is read up to a size limit, a redirect is followed
only to the same origin (scheme, host and port), and an answer that is not what the protocol
says is one line naming the server. The exchange runs in :func:`kg.query.within`'s worker, whose
watch ends it by shutting the socket down.

http.client from the standard library: two verbs and three media types need no HTTP client package.
"""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    RdfFormat,
    Store,
    parse,
    parse_query_results,
    serialize,
)

from kg.query import (
    DEFAULT_MAX_MEMORY,
    DEFAULT_TIMEOUT,
    TABLE_ROWS,
    Limits,
    QueryLimit,
    QueryResult,
    QueryTimeout,
    Rendered,
    at_most,
    check_query,
    render,
    within,
)
from kg.store import open_store
from kg.terms import SPARQL_PREFIXES

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
DEFAULT_PUSH_TIMEOUT = 300.0  # seconds for the whole push, every graph
MAX_REPLY_BYTES = 2**20  # a server's reply to a PUT, or its error page
MAX_REDIRECTS = 3
_T = TypeVar("_T")


class RemoteError(Exception):
    """The server could not be reached, said no, or answered nonsense: one line, with the address and the reason."""


@dataclass(frozen=True)
class PushSummary:
    endpoint: str
    graphs: int  # named graphs replaced
    triples: int  # in all graphs, the default graph included


def push(build_dir: Path, endpoint: str, *, timeout: float = DEFAULT_PUSH_TIMEOUT) -> PushSummary:
    """Replace, on the server at ``endpoint`` (its Graph Store Protocol address), every graph of the build.

    ``timeout`` bounds the whole push: QueryTimeout once it has passed.
    """
    _check_address(endpoint)
    deadline = time.monotonic() + timeout
    store = open_store(build_dir)
    graphs = sorted(store.named_graphs(), key=lambda g: g.value)
    triples = 0
    for graph in [DefaultGraph(), *graphs]:
        body = _ntriples(store, graph)
        triples += body.count(b"\n")
        target = "default" if isinstance(graph, DefaultGraph) else "graph=" + urllib.parse.quote(graph.value, safe="")
        # what is left of the push's time, for this graph; a graph that finds none left says so
        limits = Limits(timeout=max(deadline - time.monotonic(), 0.0), max_bytes=MAX_REPLY_BYTES, max_memory=None)
        url, headers = _with_query(endpoint, target), {"Content-Type": NTRIPLES}
        _request("PUT", url, body, headers, limits, f"{endpoint}: the push", total=timeout)
    return PushSummary(endpoint, len(graphs), triples)


def _ntriples(store: Store, graph: NamedNode | BlankNode | DefaultGraph) -> bytes:
    """One graph of the store as N-Triples.

    Its quad iterator ends here, in this thread: left in push()'s frame, it lived on in the traceback
    of a push past its deadline, and the garbage collector, running in whatever thread allocated next,
    freed it there, which pyoxigraph refuses ("QuadIter is unsendable, but is being dropped on another
    thread", raised in that thread).
    """
    return (
        serialize((q.triple for q in store.quads_for_pattern(None, None, None, graph)), format=RdfFormat.N_TRIPLES)
        or b""
    )


def remote_answer(
    endpoint: str,
    query: str,
    fmt: str,
    *,
    allow_service: bool = False,
    limits: Limits | None = None,
    table_rows: int = TABLE_ROWS,
) -> Rendered:
    """The server's answer to ``query`` rendered in ``fmt``; the whole exchange and the rendering within ``limits``."""
    bounds = limits or Limits()
    check_query(query, allow_service=allow_service, expand_escapes=True)
    started = time.monotonic()
    body, content_type = _ask(endpoint, query, bounds)
    left = None if bounds.timeout is None else max(bounds.timeout - (time.monotonic() - started), 0.001)
    rest = Limits(left, bounds.max_rows, bounds.max_bytes, bounds.max_memory)

    def work() -> Rendered:
        return _read_answer(endpoint, body, content_type, lambda found: render(found, fmt, rest, table_rows=table_rows))

    return within(work, rest, what=f"{endpoint}: rendering the answer")


def run_remote_query(
    endpoint: str, query: str, *, allow_service: bool = False, timeout: float | None = DEFAULT_TIMEOUT
) -> QueryResult:
    """Run a query on the server at ``endpoint`` (its SPARQL query address), its rows in memory."""
    limits = Limits(timeout=timeout)
    check_query(query, allow_service=allow_service, expand_escapes=True)
    body, content_type = _ask(endpoint, query, limits)
    return _read_answer(endpoint, body, content_type, lambda found: _held(found, limits.max_rows))


def _held(found: Any, max_rows: int | None) -> QueryResult:
    if isinstance(found, QueryBoolean):
        return QueryResult("ask", boolean=bool(found))
    if not hasattr(found, "variables"):
        return QueryResult("graph", triples=list(at_most(found, max_rows, "triples")))
    return QueryResult("select", [v.value for v in found.variables], rows=list(at_most(found, max_rows, "rows")))


def _ask(endpoint: str, query: str, limits: Limits) -> tuple[bytes, str]:
    """POST the query; the body and content type of the answer."""
    headers = {
        "Content-Type": "application/sparql-query; charset=utf-8",
        "Accept": f"{RESULTS_JSON}, {NTRIPLES};q=0.9",
    }
    try:
        return _request("POST", endpoint, (SPARQL_PREFIXES + query).encode("utf-8"), headers, limits, endpoint)
    except RemoteError as err:
        # positions in the server's message count our prefix lines: give them as in the user's query
        shift = SPARQL_PREFIXES.count("\n")
        raise RemoteError(
            re.sub(r"at (\d+):(\d+)", lambda m: f"at line {int(m[1]) - shift}, column {m[2]}", str(err), count=1)
        ) from None


def _read_answer(endpoint: str, body: bytes, content_type: str, use: Callable[[Any], _T]) -> _T:
    """Parse an answer by its content type and hand it to ``use``; RemoteError if it is not what it says."""
    media = content_type.split(";")[0].strip().lower()
    try:
        if media in (NTRIPLES, "text/plain"):
            return use(parse(body, format=RdfFormat.N_TRIPLES))
        if media in (RESULTS_JSON, "application/json"):
            return use(parse_query_results(body, format=QueryResultsFormat.JSON))
    except (SyntaxError, ValueError, RuntimeError, OSError, UnicodeDecodeError) as err:
        detail = " ".join(str(err).split())[:160]
        raise RemoteError(f"{endpoint}: answered {media}, but not in that format ({detail})") from None
    raise RemoteError(f"{endpoint}: answered {media or 'without a content type'}, not SPARQL results")


def _with_query(endpoint: str, query: str) -> str:
    return f"{endpoint}{'&' if urllib.parse.urlsplit(endpoint).query else '?'}{query}"


def _check_address(url: str) -> urllib.parse.SplitResult:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RemoteError(f"{url}: not an http:// or https:// address")
    try:
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        raise RemoteError(f"{url}: not a valid port") from None
    return parts


def _origin(parts: urllib.parse.SplitResult) -> tuple[str, str, int]:
    return parts.scheme, (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def _request(
    method: str,
    url: str,
    body: bytes,
    headers: dict[str, str],
    limits: Limits,
    what: str,
    *,
    total: float | None = None,
) -> tuple[bytes, str]:
    """The body and content type of a 2xx answer, following redirects within the origin, all within ``limits``.

    ``total``: the time limit to name when it runs out (the caller's, when ``limits`` has what is left of it).
    """
    origin = _origin(_check_address(url))
    deadline = None if limits.timeout is None else time.monotonic() + limits.timeout
    late = f"{what} ran past its time limit of {total or limits.timeout or 0:g} s (raise it with --timeout)"
    for _ in range(MAX_REDIRECTS + 1):
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise QueryTimeout(late)
        bounds = Limits(left, None, limits.max_bytes, limits.max_memory or DEFAULT_MAX_MEMORY)
        try:
            status, location, data, content_type = _exchange(method, url, body, headers, bounds, what)
        except QueryTimeout:
            raise QueryTimeout(late) from None
        if status in (301, 302, 303, 307, 308) and location:
            target = urllib.parse.urljoin(url, location)
            if _origin(urllib.parse.urlsplit(target)) != origin:
                raise RemoteError(
                    f"{url}: redirects to {target[:200]}, another server, port or scheme; refused "
                    "(give that address yourself if you trust it)"
                )
            url = target
            continue
        if status >= 400:
            detail = " ".join(data.decode("utf-8", "replace").split())[:200]
            reason = http.client.responses.get(status, "")
            raise RemoteError(f"{url}: HTTP {status} {reason}" + (f": {detail}" if detail else ""))
        if status >= 300:
            raise RemoteError(f"{url}: HTTP {status} without a Location to follow")
        return data, content_type
    raise RemoteError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _exchange(
    method: str, url: str, body: bytes, headers: dict[str, str], limits: Limits, what: str
) -> tuple[int, str, bytes, str]:
    """One request and its answer (status, Location, body, Content-Type), within ``limits``."""
    parts = urllib.parse.urlsplit(url)
    kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = kind(parts.hostname or "", parts.port, timeout=limits.timeout)
    path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))

    def work() -> tuple[int, str, bytes, str]:
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            size = response.getheader("Content-Length", "")
            limit = limits.max_bytes
            if limit is not None and size.isdigit() and int(size) > limit:
                raise QueryLimit(f"{url}: answers {int(size):,} bytes, more than the limit of {limit:,} (--max-bytes)")
            data = response.read() if limit is None else response.read(limit + 1)
            if limit is not None and len(data) > limit:
                raise QueryLimit(f"{url}: answers more than {limit:,} bytes (raise it with --max-bytes)")
            return response.status, response.getheader("Location", ""), data, response.getheader("Content-Type", "")
        except http.client.HTTPException as err:
            raise RemoteError(f"{url}: answered something that is not HTTP ({type(err).__name__})") from None
        except TimeoutError:
            raise RemoteError(f"{url}: no answer within {limits.timeout:g} s") from None
        except OSError as err:
            raise RemoteError(f"{url}: cannot connect ({err.strerror or err})") from None
        finally:
            connection.close()

    return within(work, limits, cancel=lambda: _shut(connection), what=what)


def _shut(connection: http.client.HTTPConnection) -> None:
    """Wake a thread blocked on the connection: closing a socket does not, shutting it down does."""
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
