"""The pages that read: home, search, figures, a figure, canned queries, the query editor, the graph.

Each calls the library function of its command (``kg trace``: :func:`kg.trace.trace` and
:func:`kg.trace.evidence`; ``kg figures``: :func:`kg.figures.figures`; ``kg query``:
:func:`kg.query.run_query`; ``kg viz``: :func:`kg.viz.build_page`) on a store opened for the
request, and its ``.json`` twin carries what that command prints with ``--format json``.
"""

from __future__ import annotations

import html
import inspect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pyoxigraph import Literal, NamedNode, Store

from kg.figures import figures, sources_with_claims
from kg.query import QueryError, QueryResult, QueryTimeout, run_query, serialize_result
from kg.serve.web import DEFAULT_POLICY, HttpError, Request, Response, Site, json_response, page, redirect, render
from kg.store import compact_term, select
from kg.terms import PREFIXES
from kg.trace import TraceError, closest, evidence, find, trace
from kg.viz import LANGUAGES, build_page, context_segments

#: The example queries offered as canned queries, one click away.
QUERIES = Path(__file__).resolve().parents[2] / "examples" / "queries"
SHOWN = 50  # search hits shown with their sentence
MAX_ROWS_SHOWN = 1000  # rows of a table page; the .json twin has them all

_SOURCES = """
SELECT ?source ?id ?kind ?title ?titleLang ?date ?shipped WHERE {
  ?source a kg:Source ; dcterms:identifier ?id ; a ?class ; dcterms:title ?title . BIND(LANG(?title) AS ?titleLang)
  ?class rdfs:subClassOf kg:Source ; rdfs:label ?kind . FILTER(LANG(?kind) = "en")
  OPTIONAL { ?source dcterms:date ?date }
  BIND(EXISTS { ?source schema:text ?text } AS ?shipped)
}
"""
# one query per count: together (a UNION of both) they took 2.4 times as long at 100,000 claims
_COUNTS = {
    "figures": "SELECT ?source (COUNT(?c) AS ?n) WHERE { ?c kg:quantity ?q ; dcterms:source ?source } GROUP BY ?source",
    "flows": "SELECT ?source (COUNT(?c) AS ?n) WHERE { ?c kg:funder ?f ; dcterms:source ?source } GROUP BY ?source",
}
_FINDING_COUNTS = """
SELECT ?status (COUNT(?finding) AS ?findings) WHERE { GRAPH graph:findings { ?finding kg:findingStatus ?status } }
GROUP BY ?status
"""
# by status, fails first, each up to a limit: at 100,000 claims kg check finds 150,000 things to warn about
_FLAGGED = """
SELECT ?finding ?check ?message WHERE {
  GRAPH graph:findings { ?finding kg:findingStatus ?status ; kg:check ?check ; kg:message ?message }
} LIMIT %d
"""
_CONCERNS = """
SELECT ?finding ?claim WHERE { VALUES ?finding { %s } GRAPH graph:findings { ?finding kg:concerns ?c }
                               ?c dcterms:identifier ?claim }
"""
FLAGGED_SHOWN = 100  # findings listed on the home page (the counts cover them all)


def home(site: Site, request: Request, twin: bool = False) -> Response:
    """The sources with their counts of figures and flows, and what ``kg check`` found."""
    return page(site, "home.html", site.cached("home", lambda: _summary(site.store())), twin)


def _summary(store: Store) -> dict[str, Any]:
    sources: dict[str, dict[str, Any]] = {}  # by IRI
    for row in select(store, _SOURCES):
        record = sources.setdefault(
            row["source"],
            {
                "id": row["id"],
                "kind": row["kind"],
                "title": row["title"],
                "date": row["date"],
                "figures": 0,
                "flows": 0,
            },
        )
        record["shipped_text"] = row["shipped"] == "true"  # xsd:boolean comes back as its lexical form
        if row["titleLang"] != "en":
            record["title"] = row["title"]  # the title in the source's own language, where it has two
    for count, query in _COUNTS.items():
        for row in select(store, query):
            if row["source"] in sources:
                sources[row["source"]][count] = row["n"]
    ordered = sorted(sources.values(), key=lambda s: (not s["shipped_text"], s["id"]))
    return {"sources": ordered, "checks": _checks(store)}


def _checks(store: Store) -> dict[str, Any]:
    """How many findings of each status the build records, and the first fails and warnings."""
    counts = {"pass": 0, "warn": 0, "fail": 0}
    for row in select(store, _FINDING_COUNTS):
        counts[row["status"].rpartition("#")[2].lower()] = row["findings"]
    flagged: dict[str, dict[str, Any]] = {}
    for status in ("fail", "warn"):
        wanted = {"status": NamedNode(PREFIXES["kg"] + status.capitalize())}
        for row in select(store, _FLAGGED % (FLAGGED_SHOWN - len(flagged)), wanted):
            flagged[row["finding"]] = {"check": row["check"], "status": status, "message": row["message"], "claims": []}
    if flagged:
        values = " ".join(str(NamedNode(iri)) for iri in flagged)  # IRIs read from the store
        for row in select(store, _CONCERNS % values):
            flagged[row["finding"]]["claims"].append(row["claim"])
    return {"counts": counts, "flagged": sorted(flagged.values(), key=lambda f: (f["status"], f["check"]))}


def search(site: Site, request: Request, twin: bool) -> Response:
    """What ``kg trace`` finds for what was typed: one hit opens its figure page, several are listed."""
    wanted = request.arg("q").strip()
    if not wanted:
        return redirect("/")
    store = site.store()
    if twin:
        try:
            return json_response([found.as_dict() for found in trace(store, wanted)])
        except TraceError as err:
            return json_response({"error": str(err)}, 404)
    hits = find(store, wanted)
    if len(hits) == 1:
        return redirect(f"/figure/{hits[0].claim}")
    shown = [(hit, evidence(store, hit.claim, with_upstream=False)) for hit in hits[:SHOWN]]
    suggestions = [] if hits else closest(store, wanted)
    return render(site, "search.html", status=200 if hits else 404, wanted=wanted, hits=shown, total=len(hits),
                  suggestions=suggestions)  # fmt: skip


def figure_list(site: Site, request: Request, twin: bool) -> Response:
    """``kg figures [--source ID]``: every figure, or those of one source."""
    source = request.arg("source") or None
    if source is None:
        records = site.cached("figures", lambda: figures(site.store()))
    else:
        records = [] if source not in sources_with_claims(site.store()) else figures(site.store(), [source])
        if not records:
            raise HttpError(404, f"no figures from a source {source!r}")
    return page(site, "figures.html", records, twin, source=source, shown=records[:MAX_ROWS_SHOWN])


_CLAIM_FINDINGS = """
SELECT ?check ?status ?message WHERE {
  GRAPH graph:findings { ?finding kg:concerns ?claim ; kg:check ?check ; kg:findingStatus ?s ; kg:message ?message }
  BIND(LCASE(STRAFTER(STR(?s), "#")) AS ?status)
}
"""


def figure(site: Site, request: Request, claim: str, twin: bool) -> Response:
    """``kg trace CLAIM``: the quote in its sentence, value, period, kind, source, upstream, findings."""
    store = site.store()
    try:
        found = evidence(store, claim)
    except TraceError as err:
        raise HttpError(404, str(err)) from None
    if twin:
        return json_response([found.as_dict()])  # what `kg trace CLAIM --format json` prints
    concerns = sorted(select(store, _CLAIM_FINDINGS, {"claim": NamedNode(found.iri)}), key=lambda f: f["check"])
    return render(
        site,
        "figure.html",
        ev=found,
        segments=context_segments(found),
        findings=concerns,
        sparql_with_prefixes=with_prefixes(found.sparql),
    )


@dataclass(frozen=True)
class Canned:
    """An example query: its file name, its question (the file's first comment lines) and its text."""

    name: str
    question: str
    question_zh: str
    text: str

    def with_prefixes(self) -> str:
        return with_prefixes(self.text)


def with_prefixes(query: str) -> str:
    """The query with PREFIX lines for the prefixes it uses (after its opening comments), so that the
    editor's syntax check and any other endpoint read it as it is."""
    outside_iris = re.sub(r"<[^<>\s]*>", " ", query)
    used = [p for p in PREFIXES if re.search(rf"(?<![\w-]){p}:", outside_iris)]
    lines = query.splitlines(keepends=True)
    header = 0
    while header < len(lines) and lines[header].startswith("#"):
        header += 1
    prologue = "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in used)
    return "".join(lines[:header]) + prologue + "".join(lines[header:])


def canned_queries() -> dict[str, Canned]:
    found = {}
    for path in sorted(QUERIES.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        comments = [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]
        chinese = comments[1] if len(comments) > 1 and re.search(r"[\u4e00-\u9fff]", comments[1]) else ""
        found[path.stem] = Canned(path.stem, comments[0] if comments else path.stem, chinese, text)
    return found


def query_editor(site: Site, request: Request) -> Response:
    """YASGUI over /sparql, with every example query one click away."""
    canned = [
        {"name": c.name, "question": c.question, "question_zh": c.question_zh, "text": c.with_prefixes()}
        for c in canned_queries().values()
    ]
    response = render(site, "query.html", canned=canned, initial=request.arg("query"))
    # YASGUI (CodeMirror, DataTables) sets style attributes: styles may be inline here, scripts still may not
    policy = DEFAULT_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    response.headers["Content-Security-Policy"] = policy
    return response


def canned_query(site: Site, request: Request, name: str, twin: bool) -> Response:
    """An example query run on the store: its rows as a table; the twin is SPARQL JSON, as ``kg query`` writes it."""
    canned = canned_queries().get(name)
    if canned is None:
        raise HttpError(404, f"no example query {name!r}")
    try:
        # an example query answers the same until the next build: its answer is kept (at 100,000 claims
        # some take seconds to run, their page then a few milliseconds)
        result: QueryResult = site.cached(
            ("canned", name, canned.text), lambda: run_query(site.store(), canned.text, timeout=site.timeout)
        )
    except QueryTimeout as err:
        raise HttpError(503, str(err)) from None
    except QueryError as err:
        raise HttpError(400, str(err)) from None
    if twin:
        fmt, kind = ("turtle", "text/turtle") if result.kind == "graph" else ("json", "application/sparql-results+json")
        return Response(200, serialize_result(result, fmt).encode("utf-8"), kind + "; charset=utf-8")
    return render(site, "canned.html", canned=canned, result=result, rows=_table(result))


def _table(result: QueryResult) -> list[list[tuple[str, str | None]]]:
    """Cells as (text, figure page or None): a claim, by IRI or by a ?claim id, links to its page."""
    if result.kind == "ask":
        return [[(str(result.boolean).lower(), None)]]
    if result.kind == "graph":
        return [[(compact_term(t.subject), None), (compact_term(t.predicate), None), (compact_term(t.object), None)]
                for t in result.triples[:MAX_ROWS_SHOWN]]  # fmt: skip
    rows = []
    for row in result.rows[:MAX_ROWS_SHOWN]:
        cells: list[tuple[str, str | None]] = []
        for name in result.variables:
            term, link = row[name], None
            if isinstance(term, NamedNode) and term.value.startswith(PREFIXES["claim"]):
                link = "/figure/" + term.value.removeprefix(PREFIXES["claim"]).partition(".")[2]
            elif isinstance(term, Literal) and name == "claim":
                link = "/figure/" + term.value
            cells.append((compact_term(term), link))
        rows.append(cells)
    return rows


_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"')


def graph(site: Site, request: Request) -> Response:
    """``kg viz``'s page, served under the policy it declares itself (its inline scripts are hashed there)."""
    lang = request.arg("lang", "en")
    if lang not in LANGUAGES:
        raise HttpError(400, f"lang must be one of {', '.join(LANGUAGES)}")
    options: dict[str, Any] = {"lang": lang, "claims": request.arg("claims") in ("1", "true", "yes")}
    if request.arg("source"):
        # kg viz gains a filter by source in another branch; until it has one, say so
        if "source" not in inspect.signature(build_page).parameters:
            raise HttpError(400, "this version of kg viz cannot filter by source")
        options["source"] = request.arg("source")
    try:
        drawn: str = site.cached(("graph", *options.values()), lambda: build_page(site.store(), **options))
    except (ValueError, LookupError) as err:
        raise HttpError(400, str(err)) from None
    declared = _POLICY.search(drawn)
    if declared is None:
        raise HttpError(500, "the graph page declares no Content-Security-Policy")
    policy = html.unescape(declared[1]) + "; frame-ancestors 'none'"
    return Response(200, drawn.encode("utf-8"), "text/html; charset=utf-8", {"Content-Security-Policy": policy})
