"""SPARQL over the built graph: safe by default, bounded in time, rows, bytes and memory, in the W3C formats.

Queries run on the build's Oxigraph store. Oxigraph reads ``FROM`` / ``FROM NAMED`` as graphs of
the store and never fetches them, and a query cannot ``LOAD`` (that is an update, and the store
is opened read-only); but it does send ``SERVICE`` calls over HTTP. So a query that names a
SERVICE is refused unless the caller allows it explicitly; :mod:`kg.sparql` decides that on the
query's tokens, and refuses before the engine a query too large or too deeply nested for it.

Everything a query costs happens in one worker thread, watched by the caller's thread: the
lexing, the engine, and the rendering of the answer. :class:`Limits` bounds them together: time,
rows (or triples), bytes of output and the memory of the process. The answer is rendered as it
streams out of the engine into a buffer that refuses to grow past the byte limit, and is handed
over only when complete: a limit never leaves half a CSV behind. An abandoned worker cannot be
stopped (the engine offers no cancellation); the CLI exits right after a limit, which ends it.

Results: SELECT and ASK in SPARQL 1.1 Query Results CSV, TSV or JSON
(https://www.w3.org/TR/sparql11-results-csv-tsv/, https://www.w3.org/TR/sparql11-results-json/)
or a table; CONSTRUCT and DESCRIBE as Turtle or N-Triples.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pyoxigraph import BlankNode, NamedNode, QueryBoolean, QueryTriples, RdfFormat, Store, serialize

from kg.sparql import MAX_QUERY_CHARS, QueryError, QueryLimit, Shape, inspect
from kg.store import compact_term, python_value
from kg.terms import PREFIXES

__all__ = [
    "DEFAULT_TIMEOUT",
    "Limits",
    "QueryError",
    "QueryLimit",
    "QueryResult",
    "QueryTimeout",
    "Rendered",
    "answer",
    "at_most",
    "check_query",
    "read_query",
    "render",
    "run_query",
    "serialize_result",
    "within",
]

DEFAULT_TIMEOUT = 30.0  # seconds
DEFAULT_MAX_ROWS = 1_000_000  # rows of a SELECT or triples of a CONSTRUCT
DEFAULT_MAX_BYTES = 256 * 2**20  # of output
DEFAULT_MAX_MEMORY = 768 * 2**20  # resident memory a query may add to the process (kg query starts at ~60 MB)
TABLE_ROWS = 100  # rows a table shows: rich takes 0.2 s for 100 rows, 3.9 s for 1,000
TABLE_COUNT = 100_000  # rows a table counts, at most: 2 s on the article's graph joined with itself
ENGINE_STACK = 256 * 2**20  # the worker's stack: the engine recurses (8 MiB overflowed at 4,000 nested groups)
POLL = 0.02  # seconds between two looks at the clock and the memory

GRAPH_FORMATS = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES}
_WORKER = threading.local()  # .stop: set once nobody waits for the worker's answer any more
_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)
_T = TypeVar("_T")


class QueryTimeout(QueryLimit):
    pass


@dataclass(frozen=True)
class Limits:
    """How far a query may go; None lifts a limit."""

    timeout: float | None = DEFAULT_TIMEOUT  # seconds, for lexing, evaluating and rendering together
    max_rows: int | None = DEFAULT_MAX_ROWS
    max_bytes: int | None = DEFAULT_MAX_BYTES
    max_memory: int | None = DEFAULT_MAX_MEMORY  # bytes of resident memory added while it runs


NO_LIMITS = Limits(None, None, None, None)


@dataclass
class QueryResult:
    """What a query gave: rows (SELECT), a boolean (ASK) or triples (CONSTRUCT, DESCRIBE)."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[Any] = field(default_factory=list)  # pyoxigraph QuerySolution objects
    boolean: bool | None = None
    triples: list[Any] = field(default_factory=list)

    def records(self) -> list[dict[str, Any]]:
        """The solutions as dicts of plain Python values."""
        return [{v: python_value(row[v]) for v in self.variables} for row in self.rows]

    def is_empty(self) -> bool:
        return {"select": not self.rows, "graph": not self.triples}.get(self.kind, False)


@dataclass
class Rendered:
    """An answer as the bytes of one format, complete, with how many rows or triples it holds."""

    kind: str  # "select", "ask" or "graph"
    chunks: list[bytes]
    count: int
    note: str = ""  # what a table left out

    def is_empty(self) -> bool:
        return self.kind != "ask" and self.count == 0


def read_query(source: str | Path) -> str:
    """The text of a query file; QueryError (QueryLimit if too large) with one line naming the file."""
    path = Path(source)
    try:
        with path.open("rb") as stream:
            return decode_query(stream.read(4 * MAX_QUERY_CHARS + 1), str(path))
    except FileNotFoundError:
        raise QueryError(f"{path}: no such query file") from None
    except IsADirectoryError:
        raise QueryError(f"{path}: a folder, not a query file (give one .rq file)") from None
    except OSError as err:
        raise QueryError(f"{path}: cannot read it ({err.strerror or err})") from None


def decode_query(data: bytes, name: str) -> str:
    """Bytes of a query (a file, standard input) as text: UTF-8, within the size limit."""
    if len(data) > 4 * MAX_QUERY_CHARS:
        raise QueryLimit(
            f"{name}: more than {4 * MAX_QUERY_CHARS:,} bytes; a query is at most {MAX_QUERY_CHARS:,} characters"
        )
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        raise QueryError(f"{name}: not a UTF-8 text file (byte {err.start})") from None


def check_query(query: str, *, allow_service: bool = False, expand_escapes: bool = False) -> Shape:
    """The query's shape; QueryError if it calls SERVICE unallowed, QueryLimit if it is too large or deep."""
    shape = inspect(query, expand_escapes=expand_escapes)
    if shape.service and not allow_service:
        raise QueryError(
            "the query calls a SERVICE, which would reach out over the network; refused (allow it with --allow-service)"
        )
    return shape


def answer(
    store: Store,
    query: str,
    fmt: str,
    *,
    allow_service: bool = False,
    limits: Limits | None = None,
    table_rows: int = TABLE_ROWS,
) -> Rendered:
    """The query's answer rendered in ``fmt``, all of it within ``limits`` (what `kg query` prints)."""
    bounds = limits or Limits()

    def work() -> Rendered:
        return render(_evaluate(store, query, allow_service), fmt, bounds, table_rows=table_rows)

    return within(work, bounds)


def run_query(
    store: Store,
    query: str,
    *,
    allow_service: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    substitutions: dict[Any, Any] | None = None,
    max_rows: int | None = DEFAULT_MAX_ROWS,
) -> QueryResult:
    """Run a read-only query; our prefixes (kg:, claim:, ...) are predeclared. The rows are held in memory."""

    def work() -> QueryResult:
        found = _evaluate(store, query, allow_service, substitutions)
        if isinstance(found, QueryBoolean):
            return QueryResult("ask", boolean=bool(found))
        if isinstance(found, QueryTriples):
            return QueryResult("graph", triples=list(at_most(found, max_rows, "triples")))
        variables = [v.value for v in found.variables]
        return QueryResult("select", variables, rows=list(at_most(found, max_rows, "rows")))

    return within(work, Limits(timeout, max_rows, None, DEFAULT_MAX_MEMORY))


def _evaluate(store: Store, query: str, allow_service: bool, substitutions: dict[Any, Any] | None = None) -> Any:
    shape = check_query(query, allow_service=allow_service)
    try:
        # By default a query sees every graph as one; a query with FROM picks graphs of the
        # store itself (Oxigraph never fetches them), and the union would override that.
        return store.query(
            query,
            prefixes=PREFIXES,
            use_default_graph_as_union=not shape.dataset,
            substitutions=substitutions,
        )
    except SyntaxError as err:
        raise QueryError(_syntax_message(str(err))) from None


def within(
    work: Callable[[], _T], limits: Limits, *, cancel: Callable[[], None] | None = None, what: str = "the query"
) -> _T:
    """Run ``work`` in a worker thread; QueryTimeout / QueryLimit once it runs past the time or memory limit.

    The worker gets a large stack, for the engine's recursion. Oxigraph evaluates without
    holding the GIL, and Python code yields it every few milliseconds, so this thread keeps
    watch. ``cancel`` is called when giving up (to close a connection the worker waits on).
    The engine's own errors (an unsupported function, a store that cannot be read) become
    QueryError.
    """
    box: dict[str, Any] = {}
    stop = threading.Event()

    def target() -> None:
        _WORKER.stop = stop
        try:
            box["result"] = work()
        except (RuntimeError, ValueError, OSError) as err:
            box["error"] = QueryError(f"the query cannot run: {_first_line(err)}")
        except BaseException as err:  # handed to the caller's thread below
            box["error"] = _detached(err)

    baseline = _resident()  # a long-lived process (a server) may hold much already: only growth counts
    worker = _start(target)
    deadline = None if limits.timeout is None else time.monotonic() + limits.timeout
    while worker.is_alive():
        wait = POLL if deadline is None else min(POLL, deadline - time.monotonic())
        if wait <= 0:
            _give_up(
                stop,
                cancel,
                QueryTimeout(f"{what} ran past its time limit of {limits.timeout:g} s (raise it with --timeout)"),
            )
        worker.join(wait)
        if limits.max_memory is not None and _resident() - baseline > limits.max_memory:
            _give_up(
                stop,
                cancel,
                QueryLimit(
                    f"{what} took more than {limits.max_memory / 2**20:,.0f} MB of memory "
                    "(raise it with --max-memory, or narrow the query)"
                ),
            )
    if "error" in box:
        raise box["error"]
    return box["result"]  # type: ignore[no-any-return]


def _detached(err: BaseException) -> BaseException:
    """``err`` without its tracebacks: their frames hold the engine's iterators, which must die in their own thread."""
    seen: set[int] = set()
    link: BaseException | None = err
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        link.__traceback__ = None
        link = link.__cause__ or link.__context__
    return err


def _start(target: Callable[[], None]) -> threading.Thread:
    try:
        previous = threading.stack_size(ENGINE_STACK)
    except (ValueError, RuntimeError):  # a platform that cannot size thread stacks
        previous = None
    try:
        worker = threading.Thread(target=target, daemon=True, name="kg-query")
        worker.start()
    finally:
        if previous is not None:
            threading.stack_size(previous)
    return worker


def _give_up(stop: threading.Event, cancel: Callable[[], None] | None, error: QueryLimit) -> None:
    """Tell the worker to stop at its next row (the engine itself cannot be stopped), and raise ``error``."""
    stop.set()
    if cancel is not None:
        cancel()
    raise error


def _abandoned() -> None:
    """In a worker nobody waits for any more (a limit was hit): end it at the next row rather than the last."""
    stop = getattr(_WORKER, "stop", None)
    if stop is not None and stop.is_set():
        raise QueryLimit("nobody waits for this answer any more")


def _resident() -> int:
    """Resident memory of this process in bytes (0 where /proc cannot say)."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _first_line(err: BaseException) -> str:
    text = " ".join(str(err).split())
    return text[:200] + ("..." if len(text) > 200 else "")


def _syntax_message(message: str) -> str:
    match = _POSITION.search(message)
    if not match:
        return f"malformed query: {_first_line(SyntaxError(message))}"
    line, column, detail = match.groups()
    detail = " ".join(detail.split())  # one line, however long Oxigraph's list of expected tokens
    if len(detail) > 160:
        detail = detail[:157] + "..."
    return f"malformed query at line {line}, column {column}: {detail}"


# Rendering: from the engine's (or a server's) answer to the bytes of one format, as it streams.


class _Sink:
    """The bytes of an answer, refused past ``limit``."""

    def __init__(self, limit: int | None) -> None:
        self.limit, self.size, self.chunks = limit, 0, list[bytes]()

    def write(self, data: bytes | str) -> int:
        _abandoned()
        chunk = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        self.size += len(chunk)
        if self.limit is not None and self.size > self.limit:
            raise QueryLimit(
                f"the answer is larger than {self.limit / 2**20:,.0f} MB (raise it with --max-bytes, or add a LIMIT)"
            )
        self.chunks.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        pass  # nothing is buffered on the way


def at_most(items: Iterable[_T], limit: int | None, what: str) -> Iterator[_T]:
    """``items``, refused once there are more than ``limit``."""
    for count, item in enumerate(items, start=1):
        _abandoned()
        if limit is not None and count > limit:
            raise QueryLimit(f"the answer has more than {limit:,} {what} (raise it with --max-rows, or add a LIMIT)")
        yield item


def render(found: Any, fmt: str, limits: Limits, *, table_rows: int = TABLE_ROWS) -> Rendered:
    """An answer (QuerySolutions, a QueryBoolean or bool, or triples) in ``fmt``, within the row and byte limits."""
    sink = _Sink(limits.max_bytes)
    if isinstance(found, (QueryBoolean, bool)):
        answer = bool(found)
        sink.write(json.dumps({"head": {}, "boolean": answer}) + "\n" if fmt == "json" else f"{answer}\n".lower())
        return Rendered("ask", sink.chunks, 1)
    if not hasattr(found, "variables"):  # triples
        rdf_format = GRAPH_FORMATS.get(fmt, RdfFormat.TURTLE)
        counted = _Counter(at_most(found, limits.max_rows, "triples"))
        prefixes = PREFIXES if rdf_format is RdfFormat.TURTLE else None
        # any object with .write() will do as the output
        serialize(counted, sink, format=rdf_format, prefixes=prefixes)  # type: ignore[arg-type]
        return Rendered("graph", sink.chunks, counted.count)
    variables = [v.value for v in found.variables]
    if fmt == "table":
        return _table(found, variables, sink, table_rows)
    writers = {"csv": _csv_rows, "tsv": _tsv_rows, "json": _json_rows}
    if fmt not in writers:
        raise QueryError(f"a SELECT query gives a table: use --format table, csv, tsv or json, not {fmt}")
    count = writers[fmt](at_most(found, limits.max_rows, "rows"), variables, sink)
    return Rendered("select", sink.chunks, count)


class _Counter:
    """An iterator that counts what passes through it."""

    def __init__(self, items: Iterator[Any]) -> None:
        self.items, self.count = items, 0

    def __iter__(self) -> _Counter:
        return self

    def __next__(self) -> Any:
        item = next(self.items)
        self.count += 1
        return item


def _table(rows: Iterable[Any], variables: list[str], sink: _Sink, shown: int) -> Rendered:
    """The first ``shown`` rows as a table for a terminal; the others only counted, up to TABLE_COUNT."""
    from kg.output import to_table  # rich: only for tables

    records, count, cut = [], 0, False
    for row in rows:
        _abandoned()
        if count >= TABLE_COUNT:
            cut = True
            break
        count += 1
        if count <= shown:
            records.append({v: compact_term(term) for v, term in zip(variables, row, strict=True)})
    note = ""
    if count > shown:
        more = f"{'more than ' if cut else ''}{count - shown:,}"
        note = f"… and {more} more rows; --format csv (or tsv, json) gives every row"
    title = f"{'more than ' if cut else ''}{count:,} rows" + (f", the first {shown:,} shown" if count > shown else "")
    sink.write(to_table(records, variables, title=title))
    return Rendered("select", sink.chunks, count, note)


def _flush(buffer: io.StringIO, sink: _Sink) -> None:
    sink.write(buffer.getvalue())
    buffer.seek(0)
    buffer.truncate()


def _csv_rows(rows: Iterable[Any], variables: list[str], sink: _Sink) -> int:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, as the W3C CSV format asks
    writer.writerow(variables)
    count = 0
    # a solution iterates over its terms in the order of the variables: 10 us a row faster than by name
    for count, row in enumerate(rows, start=1):  # noqa: B007 (the count is the answer)
        writer.writerow(["" if term is None else _csv_value(term) for term in row])
        if buffer.tell() > 65536:
            _flush(buffer, sink)
    _flush(buffer, sink)
    return count


def _tsv_rows(rows: Iterable[Any], variables: list[str], sink: _Sink) -> int:
    # TSV keeps terms in their SPARQL / N-Triples form
    lines = ["\t".join(f"?{v}" for v in variables)]
    count = 0
    for count, row in enumerate(rows, start=1):  # noqa: B007 (the count is the answer)
        lines.append("\t".join("" if term is None else str(term) for term in row))
        if len(lines) >= 1000:
            sink.write("\n".join(lines) + "\n")
            lines = []
    sink.write("\n".join(lines) + "\n" if lines else "")
    return count


def _json_rows(rows: Iterable[Any], variables: list[str], sink: _Sink) -> int:
    """SPARQL 1.1 JSON results, one binding a line."""
    head = json.dumps({"head": {"vars": variables}, "results": {"bindings": []}}, ensure_ascii=False, indent=2)
    opening, closing = head.split('"bindings": []')
    sink.write(opening + '"bindings": [')
    count = 0
    for count, row in enumerate(rows, start=1):
        binding = {v: _json_term(term) for v, term in zip(variables, row, strict=True) if term is not None}
        sink.write(("," if count > 1 else "") + "\n      " + json.dumps(binding, ensure_ascii=False))
    sink.write(("\n    ]" if count else "]") + closing + "\n")
    return count


def serialize_result(result: QueryResult, fmt: str) -> str:
    """A result held in memory in a W3C format: csv / tsv / json for SELECT and ASK, turtle / ntriples for graphs."""
    if result.kind == "ask":
        found: Any = bool(result.boolean)
    elif result.kind == "graph":
        found = iter(result.triples)
    else:
        found = _Solutions(result.variables, result.rows)
    if fmt not in ("csv", "tsv", "json", "turtle", "ntriples"):
        raise QueryError(f"unknown format {fmt!r}: use table, csv, tsv or json (turtle or ntriples for graphs)")
    return b"".join(render(found, fmt, NO_LIMITS).chunks).decode("utf-8")


@dataclass
class _Variable:
    value: str


class _Solutions:
    """Rows held in memory, shaped like the engine's QuerySolutions."""

    def __init__(self, variables: list[str], rows: list[Any]) -> None:
        self.variables = [_Variable(v) for v in variables]
        self.rows = rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)


def _csv_value(term: Any) -> str:
    return "_:" + term.value if isinstance(term, BlankNode) else str(term.value)


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    encoded = {"type": "literal", "value": term.value}
    if term.language:
        encoded["xml:lang"] = term.language
    elif term.datatype.value != PREFIXES["xsd"] + "string":
        encoded["datatype"] = term.datatype.value
    return encoded
