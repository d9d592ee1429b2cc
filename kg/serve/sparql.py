"""The SPARQL 1.1 Protocol endpoint at ``/sparql``: the safety of ``kg query``, the W3C result formats.

https://www.w3.org/TR/sparql11-protocol/: a query by GET ``?query=``, by POST as a form
(``application/x-www-form-urlencoded``) or as the body (``application/sparql-query``). It runs
through :func:`kg.query.run_query`, so it is what ``kg query`` would answer: the store is opened
read-only, SERVICE is refused (400), a query past the time limit is stopped (503). Updates are
refused (the store is read-only), and so are ``default-graph-uri`` / ``named-graph-uri`` (name
graphs with FROM or GRAPH, as locally).

Results by ``Accept``: SELECT and ASK as SPARQL JSON (the default), XML
(https://www.w3.org/TR/rdf-sparql-XMLres/), CSV or TSV; CONSTRUCT and DESCRIBE as Turtle (the
default) or N-Triples.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, NamedNode

from kg.query import QueryError, QueryResult, QueryTimeout, run_query, serialize_result
from kg.serve.web import HttpError, Request, Response, Site, redirect
from kg.terms import PREFIXES

#: Media type → our format, for SELECT / ASK and for CONSTRUCT / DESCRIBE; the first is the default.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/xml": "xml",  # after CSV: text/* asks for a table first
}
GRAPH_TYPES = {"text/turtle": "turtle", "application/n-triples": "ntriples", "text/plain": "ntriples"}
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
}


def endpoint(site: Site, request: Request) -> Response:
    query = _query_of(request)
    if query is None:
        if "text/html" in (request.headers.get("Accept") or ""):
            return redirect("/query")  # a person followed a link to /sparql: give them the editor
        raise HttpError(400, "give a query: GET /sparql?query=..., or POST it as a form or as application/sparql-query")
    try:
        result = run_query(site.store(), query, timeout=site.timeout)
    except QueryTimeout as err:
        raise HttpError(503, str(err)) from None
    except QueryError as err:
        raise HttpError(400, str(err)) from None
    fmt = negotiate(request.headers.get("Accept") or "", GRAPH_TYPES if result.kind == "graph" else RESULT_TYPES)
    body = xml_results(result) if fmt == "xml" else serialize_result(result, fmt)
    return Response(200, body.encode("utf-8"), f"{MEDIA_TYPES[fmt]}; charset=utf-8")


def _query_of(request: Request) -> str | None:
    """The query a request carries (None if none); HttpError for updates and what we do not take."""
    kind = (request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if request.method == "POST" and kind == "application/sparql-query":
        try:
            return request.body.decode("utf-8")
        except UnicodeDecodeError:
            raise HttpError(400, "the query is not UTF-8") from None
    if request.method == "POST" and kind == "application/sparql-update":
        raise HttpError(400, "refused: this endpoint is read-only (no updates)")
    if request.method == "POST" and kind != "application/x-www-form-urlencoded":
        raise HttpError(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded")
    fields = request.query if request.method == "GET" else parse_qs(request.body.decode("utf-8", "replace"))
    if "update" in fields:
        raise HttpError(400, "refused: this endpoint is read-only (no updates)")
    for name in ("default-graph-uri", "named-graph-uri"):
        if name in fields:
            raise HttpError(400, f"{name} is not supported: name graphs with FROM, FROM NAMED or GRAPH in the query")
    queries = fields.get("query", [])
    if len(queries) > 1:
        raise HttpError(400, "give one query, not several")
    return queries[0] if queries else None


def negotiate(accept: str, offered: dict[str, str]) -> str:
    """Our format for the best media type of an Accept header that we offer; HttpError 406 if none."""
    default = next(iter(offered.values()))
    if not accept.strip():
        return default
    wanted: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        media, *parameters = (part.strip() for part in item.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0:
            wanted.append((-weight, position, media.lower()))
    for _, _, media in sorted(wanted):
        if media in offered:
            return offered[media]
        if media == "*/*":
            return default
        if media.endswith("/*"):  # text/*, application/*: the first type we offer of that family
            family = next((f for t, f in offered.items() if t.startswith(media[:-1])), None)
            if family is not None:
                return family
    raise HttpError(406, f"cannot answer in {accept}: ask for one of {', '.join(offered)}")


_RESULTS_NS = "http://www.w3.org/2005/sparql-results#"
_XSD_STRING = PREFIXES["xsd"] + "string"


def xml_results(result: QueryResult) -> str:
    """SELECT or ASK results in the SPARQL Query Results XML Format."""
    lines = ['<?xml version="1.0" encoding="utf-8"?>', f'<sparql xmlns="{_RESULTS_NS}">']
    if result.kind == "ask":
        lines += ["  <head/>", f"  <boolean>{str(result.boolean).lower()}</boolean>", "</sparql>"]
        return "\n".join(lines) + "\n"
    lines += ["  <head>", *(f"    <variable name={quoteattr(v)}/>" for v in result.variables), "  </head>"]
    lines.append("  <results>")
    for row in result.rows:
        lines.append("    <result>")
        for name in result.variables:
            if row[name] is not None:
                lines.append(f"      <binding name={quoteattr(name)}>{_xml_term(row[name])}</binding>")
        lines.append("    </result>")
    lines += ["  </results>", "</sparql>"]
    return "\n".join(lines) + "\n"


def _xml_term(term: Any) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value == _XSD_STRING:  # a plain string, written as SPARQL JSON writes it: no datatype
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
