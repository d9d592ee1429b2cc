"""SPARQL over the built graph: safe by default, with a time limit and the W3C result formats.

Queries run on the build's Oxigraph store. Oxigraph reads ``FROM`` / ``FROM NAMED`` as graphs of
the store and never fetches them, and a query cannot ``LOAD`` (that is an update, and the store
is opened read-only); but it does send ``SERVICE`` calls over HTTP. So a query that names a
SERVICE is refused unless the caller allows it explicitly.

Results: SELECT and ASK in SPARQL 1.1 Query Results CSV, TSV or JSON
(https://www.w3.org/TR/sparql11-results-csv-tsv/, https://www.w3.org/TR/sparql11-results-json/)
or a table; CONSTRUCT and DESCRIBE as Turtle or N-Triples.
"""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, NamedNode, QueryBoolean, QueryTriples, RdfFormat, Store, serialize

from kg.store import python_value
from kg.terms import PREFIXES

DEFAULT_TIMEOUT = 30.0  # seconds

GRAPH_FORMATS = {"turtle": RdfFormat.TURTLE, "ntriples": RdfFormat.N_TRIPLES}

# Tokens that may hide the word SERVICE without being the keyword: IRIs, strings, comments,
# variables and prefixed names. They are blanked out before the keyword is looked for.
_NOT_KEYWORDS = re.compile(
    r"""<[^<>"{}|^`\\\s]*>"""  # IRIs
    r'''|"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''  # long strings
    r"""|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'"""  # strings
    r"""|\#[^\n]*"""  # comments
    r"""|[?$]\w+"""  # variables
    r"""|[\w-]*:[\w.-]*""",  # prefixed names
    re.DOTALL,
)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_FROM = re.compile(r"\bFROM\b", re.IGNORECASE)
_POSITION = re.compile(r"error at (\d+):(\d+): ?(.*)", re.DOTALL)


class QueryError(Exception):
    """A query that is malformed, refused, or that ran out of time."""


class QueryTimeout(QueryError):
    pass


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


def read_query(source: str | Path) -> str:
    path = Path(source)
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise QueryError(f"{path}: no such query file") from None
    except UnicodeDecodeError:
        raise QueryError(f"{path}: not a UTF-8 text file") from None


def names_service(query: str) -> bool:
    """Whether the query uses the SERVICE keyword (outside IRIs, strings, comments and names)."""
    return bool(_SERVICE.search(_NOT_KEYWORDS.sub(" ", query)))


def names_dataset(query: str) -> bool:
    """Whether the query picks its own graphs with FROM or FROM NAMED."""
    return bool(_FROM.search(_NOT_KEYWORDS.sub(" ", query)))


def run_query(
    store: Store,
    query: str,
    *,
    allow_service: bool = False,
    timeout: float | None = DEFAULT_TIMEOUT,
    substitutions: dict[Any, Any] | None = None,
) -> QueryResult:
    """Run a read-only query; our prefixes (kg:, claim:, ...) are predeclared."""
    if names_service(query) and not allow_service:
        raise QueryError(
            "the query calls a SERVICE, which would reach out over the network; refused (allow it with --allow-service)"
        )

    def execute() -> QueryResult:
        try:
            # By default a query sees every graph as one; a query with FROM picks graphs of the
            # store itself (Oxigraph never fetches them), and the union would override that.
            answer = store.query(
                query,
                prefixes=PREFIXES,
                use_default_graph_as_union=not names_dataset(query),
                substitutions=substitutions,
            )
        except SyntaxError as err:
            raise QueryError(_syntax_message(str(err))) from None
        if isinstance(answer, QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        if isinstance(answer, QueryTriples):
            return QueryResult("graph", triples=list(answer))
        # evaluation happens while iterating, so the rows are read here, inside the time limit
        return QueryResult("select", [v.value for v in answer.variables], rows=list(answer))

    return _within(execute, timeout)


def _within(work: Any, timeout: float | None) -> QueryResult:
    """Run ``work`` in a worker thread and give up after ``timeout`` seconds.

    Oxigraph evaluates without holding the GIL, so the caller regains control; the abandoned
    thread is a daemon and ends with the process (the CLI exits right after a timeout).
    """
    if timeout is None:
        return work()  # type: ignore[no-any-return]
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = work()
        except BaseException as err:  # handed to the caller's thread below
            box["error"] = err

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise QueryTimeout(f"the query ran past its time limit of {timeout:g} s (raise it with --timeout)")
    if "error" in box:
        raise box["error"]
    return box["result"]  # type: ignore[no-any-return]


def _syntax_message(message: str) -> str:
    match = _POSITION.search(message)
    if not match:
        return f"malformed query: {message}"
    line, column, detail = match.groups()
    detail = " ".join(detail.split())  # one line, however long Oxigraph's list of expected tokens
    if len(detail) > 160:
        detail = detail[:157] + "..."
    return f"malformed query at line {line}, column {column}: {detail}"


def serialize_result(result: QueryResult, fmt: str) -> str:
    """The result in a W3C format: csv / tsv / json for SELECT and ASK, turtle / ntriples for graphs."""
    if result.kind == "graph":
        rdf_format = GRAPH_FORMATS.get(fmt, RdfFormat.TURTLE)
        prefixes = PREFIXES if rdf_format is RdfFormat.TURTLE else None
        return (serialize(result.triples, format=rdf_format, prefixes=prefixes) or b"").decode("utf-8")
    if result.kind == "ask":
        return (
            json.dumps({"head": {}, "boolean": result.boolean}) + "\n"
            if fmt == "json"
            else f"{result.boolean}\n".lower()
        )
    if fmt == "json":
        bindings = [{v: _json_term(row[v]) for v in result.variables if row[v] is not None} for row in result.rows]
        document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "tsv":
        # TSV keeps terms in their SPARQL / N-Triples form
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join("" if row[v] is None else str(row[v]) for v in result.variables) for row in result.rows]
        return "\n".join(lines) + "\n"
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180, as the W3C CSV format asks
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow(["" if row[v] is None else _csv_value(row[v]) for v in result.variables])
        return buffer.getvalue()
    raise QueryError(f"unknown format {fmt!r}: use table, csv, tsv or json (turtle or ntriples for graphs)")


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
