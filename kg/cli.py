"""The `kg` command: a thin skin over the library.

Each command calls one library function, renders its result, and turns a known error into a
one-line message and an exit code (see :data:`EXIT_CODES`). :func:`main` keeps that promise for
the unknown ones too: a closed pipe ends quietly, an interrupt exits 130, and anything else says
one line and where the traceback was logged. Imports are made inside the commands, so that each
command loads only what it uses.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

#: What each exit status means; shown in `kg --help` and the README.
EXIT_CODES = {
    0: "done",
    1: "nothing found, or a check failed",
    2: "bad input or usage (the message names the file, line or option)",
    3: "a time or size limit was hit",
    70: "an unexpected error: one line here, the traceback in the log it names",
    130: "interrupted (Ctrl-C)",
    141: "the reader of the output went away (a closed pipe, as in `kg flows | head`)",
}

app = typer.Typer(
    name="kg",
    help="A knowledge graph of AI-investment claims: build it, query it, trace and check its figures.\n\n"
    + "Exit codes: "
    + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES.items())
    + ".",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data"

DataDir = Annotated[
    Path, typer.Option("--data", help="Dataset folder (sources.yaml, actors.yaml, claims/).", show_default=False)
]
BuildDir = Annotated[Path, typer.Option("--build", help="Build folder: graph files and the store.")]


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def fail(message: str, code: int = 2) -> NoReturn:
    """Say what is wrong, one line per problem, and exit with ``code``."""
    for line in message.splitlines() or [""]:
        typer.echo(f"error: {line}", err=True)
    raise typer.Exit(code)


@contextmanager
def known_errors() -> Iterator[None]:
    """Turn the library's input errors into one line on stderr and exit code 2."""
    try:
        yield
    except Exception as err:
        # imported only when something failed: kg.load costs pydantic and yaml (45 ms), which a
        # command reading the store (trace, query) never needs otherwise
        from kg.buildfolder import BuildFolderError
        from kg.load import LoadError
        from kg.store import StoreError

        if isinstance(err, (LoadError, StoreError, BuildFolderError)):
            fail(str(err))
        raise


class PipeClosed(Exception):
    """Whoever read our standard output stopped reading (``kg flows | head -3``)."""


def emit(text: str) -> None:
    try:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        # not an OSError any more, so that no handler on the way mistakes it for a failed write
        raise PipeClosed from None


@app.command()
def build(
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
    allow_drafts: Annotated[bool, typer.Option(help="Build claims still marked draft.")] = False,
    full: Annotated[bool, typer.Option("--full", help="Make every graph again, not only the changed ones.")] = False,
) -> None:
    """Validate the dataset and build the graph: one named graph per source, checked, in an Oxigraph store.

    Only the graphs whose data changed are made again; the new build replaces the old one whole,
    findings included, or not at all. `kg export` writes the whole graph in one file.

    Example: kg build --data data --build build
    """
    from kg.rebuild import rebuild

    with known_errors():
        summary = rebuild(data, build_dir, allow_drafts=allow_drafts, full=full, say=lambda m: typer.echo(m, err=True))
    emit(
        f"built {summary.claims} claims ({summary.figures} figures, {summary.flows} funding flows), "
        f"{summary.actors} actors, {summary.sources} sources: {summary.quads} quads in "
        f"{summary.graphs_made + summary.graphs_kept} graphs ({summary.graphs_made} made, {summary.graphs_kept} kept)\n"
        f"  {build_dir / 'current'} -> {summary.generation.name}: store/, graphs/, findings.trig, summary.json\n"
    )


@app.command()
def figures(
    fmt: Annotated[TableFormat, typer.Option("--format", help="table, csv or json.")] = TableFormat.table,
    source: Annotated[
        str | None, typer.Option("--source", help="Only the figures of this source id (e.g. article-zh).")
    ] = None,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """List every figure in the graph: value, unit, as written, period, kind, subject, source.

    Examples:

      kg figures --source article-zh

      kg figures --format csv > figures.csv
    """
    from kg.figures import FIGURE_FIELDS
    from kg.figures import figures as list_figures
    from kg.output import to_csv, to_json, to_table
    from kg.store import open_store

    with known_errors():
        records = list_figures(open_store(build_dir, data))
    if source is not None:
        records = [r for r in records if r["source"] == source]
        if not records:
            fail(f"no figures from a source {source!r}")
    if fmt is TableFormat.json:
        emit(to_json(records))
    elif fmt is TableFormat.csv:
        emit(to_csv(records, FIGURE_FIELDS))
    else:
        shown = ("id", "text", "value", "unit", "period", "kind", "subject", "attributed_to")
        emit(to_table(records, shown, title=f"{len(records)} figures"))


class QueryFormat(StrEnum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    turtle = "turtle"
    ntriples = "ntriples"


@app.command()
def query(
    query_file: Annotated[
        str | None, typer.Argument(help="File with the query; '-' or nothing reads standard input.", show_default=False)
    ] = None,
    expression: Annotated[str | None, typer.Option("-e", "--expression", help="The query itself.")] = None,
    fmt: Annotated[
        QueryFormat,
        typer.Option("--format", help="table, csv, tsv, json (SELECT, ASK); turtle, ntriples (CONSTRUCT, DESCRIBE)."),
    ] = QueryFormat.table,
    timeout: Annotated[float, typer.Option(help="Seconds before the query is stopped.")] = 30.0,
    allow_service: Annotated[
        bool, typer.Option("--allow-service", help="Let SERVICE clauses reach the network (off: they are refused).")
    ] = False,
    endpoint: Annotated[
        str | None,
        typer.Option(
            help="Run it on a SPARQL server instead: its query address (SPARQL 1.1 Protocol).", show_default=False
        ),
    ] = None,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Run a SPARQL query on the graph; prefixes kg:, claim:, actor:, ... are predeclared.

    Examples:

      kg query examples/queries/who-funds-whom.rq

      kg query -e 'SELECT ?id ?text WHERE { ?c dcterms:identifier ?id ; kg:quantity/kg:asWritten ?text }'

      kg query --format csv - < my-query.rq > answer.csv

      kg query --endpoint http://localhost:7878/query examples/queries/who-funds-whom.rq
    """
    from kg.output import to_table
    from kg.query import QueryError, QueryTimeout, read_query, run_query, serialize_result
    from kg.store import compact_term, open_store

    if expression is not None:
        text = expression
    elif query_file in (None, "-"):
        if query_file is None and sys.stdin.isatty():
            fail("give a query file, -e 'QUERY', or a query on standard input")
        text = sys.stdin.read()
    else:
        try:
            text = read_query(query_file)
        except QueryError as err:
            fail(str(err))
    try:
        if endpoint is not None:
            from kg.remote import RemoteError, run_remote_query

            try:
                result = run_remote_query(endpoint, text, allow_service=allow_service, timeout=timeout)
            except RemoteError as err:
                fail(str(err))
        else:
            with known_errors():
                store = open_store(build_dir, data)
            result = run_query(store, text, allow_service=allow_service, timeout=timeout)
    except QueryTimeout as err:
        fail(str(err), code=3)
    except QueryError as err:
        fail(str(err))
    if result.is_empty():
        typer.echo("no results", err=True)
        if fmt is QueryFormat.table:
            return
    if fmt is QueryFormat.table and result.kind == "select":
        records = [{v: compact_term(row[v]) for v in result.variables} for row in result.rows]
        emit(to_table(records, result.variables, title=f"{len(records)} rows"))
    elif fmt is QueryFormat.table:
        emit(serialize_result(result, "turtle" if result.kind == "graph" else "csv"))
    else:
        emit(serialize_result(result, fmt.value))


class FlowFormat(StrEnum):
    table = "table"
    json = "json"


Depth = Annotated[int, typer.Option("--depth", min=1, help="Longest path followed, in hops.")]
PathLimit = Annotated[int, typer.Option("--limit", min=1, help="Most paths listed.")]


def _open_flows(data: Path, build_dir: Path) -> tuple[Any, dict[str, Any]]:
    from kg.flows import actors
    from kg.store import open_store

    with known_errors():
        store = open_store(build_dir, data)
    return store, actors(store)


def _resolve(known: dict[str, Any], name: str) -> Any:
    from kg.flows import UnknownActor, resolve_actor

    try:
        return resolve_actor(known, name)
    except UnknownActor as err:
        fail(str(err))


def _show_flows(found: list[Any], fmt: FlowFormat, title: str) -> None:
    from kg.output import to_json, to_table

    if fmt is FlowFormat.json:
        emit(to_json([f.as_dict() for f in found]))
        return
    if not found:
        typer.echo(f"{title}: none", err=True)
        return
    records = [
        {
            "funder": f"{f.funder.en} / {f.funder.zh}",
            "recipient": f"{f.recipient.en} / {f.recipient.zh}",
            "instrument": f.instrument["en"],
            "amount": f.amount(),
            "period": f.period,
            "kind": f.kind,
            "claim": f.claim,
        }
        for f in found
    ]
    emit(to_table(records, list(records[0]), title=f"{title}: {len(found)}"))


@app.command()
def flows(
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table or json.")] = FlowFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """List every funding flow: funder, recipient, instrument, amount, period, claim.

    Example: kg flows --format json
    """
    from kg.flows import flows as list_flows

    store, _ = _open_flows(data, build_dir)
    _show_flows(list_flows(store), fmt, "funding flows")


@app.command()
def funders(
    actor: Annotated[str, typer.Argument(help="Actor id, or English or Chinese name.")],
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table or json.")] = FlowFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Who funds ACTOR directly.

    Example: kg funders 人寿保险公司
    """
    from kg.flows import flows as list_flows

    store, known = _open_flows(data, build_dir)
    target = _resolve(known, actor)
    _show_flows(list_flows(store, recipient=target.id), fmt, f"funders of {target.en}")


@app.command()
def recipients(
    actor: Annotated[str, typer.Argument(help="Actor id, or English or Chinese name.")],
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table or json.")] = FlowFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Whom ACTOR funds directly.

    Example: kg recipients "US life insurers"
    """
    from kg.flows import flows as list_flows

    store, known = _open_flows(data, build_dir)
    source = _resolve(known, actor)
    _show_flows(list_flows(store, funder=source.id), fmt, f"recipients of {source.en}")


@app.command()
def chain(
    start: Annotated[str, typer.Argument(metavar="FROM", help="Actor where the money starts.")],
    end: Annotated[str, typer.Argument(metavar="TO", help="Actor where it ends.")],
    depth: Depth = 6,
    limit: PathLimit = 200,
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table or json.")] = FlowFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Every path of funding flows from FROM to TO, with the amount at each hop.

    Example: kg chain "annuity buyers" "data centres"
    """
    from kg.flows import chains, funding_graph, iter_hops
    from kg.flows import flows as list_flows
    from kg.output import to_json

    store, known = _open_flows(data, build_dir)
    first, last = _resolve(known, start), _resolve(known, end)
    found = chains(funding_graph(list_flows(store)), first.id, last.id, depth=depth, limit=limit)
    if fmt is FlowFormat.json:
        emit(to_json({"paths": [[f.as_dict() for f in p] for p in found.paths], "cut": found.cut}))
    else:
        for number, path in enumerate(found.paths, start=1):
            emit(f"path {number} ({len(path)} hops):\n" + "".join(f"  {hop}\n" for hop in iter_hops(path)))
    if found.cut:
        typer.echo(f"note: {found.cut}", err=True)
    if not found.paths:
        typer.echo(f"no path of funding flows from {first.en} to {last.en}", err=True)
        raise typer.Exit(1)


@app.command("who-pays")
def who_pays(
    actor: Annotated[str, typer.Argument(help="Actor id, or English or Chinese name.")],
    depth: Depth = 6,
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table or json.")] = FlowFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """The ultimate sources of ACTOR's money: the funders upstream that nobody funds.

    Example: kg who-pays "data centres"
    """
    from kg.flows import flows as list_flows
    from kg.flows import funding_graph, ultimate_sources
    from kg.output import to_json

    store, known = _open_flows(data, build_dir)
    target = _resolve(known, actor)
    roots, cut = ultimate_sources(funding_graph(list_flows(store)), target.id, depth=depth)
    if fmt is FlowFormat.json:
        emit(
            to_json(
                {
                    "actor": target.as_dict(),
                    "sources": [{**known[a].as_dict(), "hops": d} for a, d in roots],
                    "cut": cut,
                }
            )
        )
    elif roots:
        emit(
            f"who pays for {target.en} / {target.zh}:\n"
            + "".join(f"  {known[a].en} / {known[a].zh} ({d} hop{'s' if d > 1 else ''} upstream)\n" for a, d in roots)
        )
    else:
        typer.echo(f"nobody in the graph funds {target.en}", err=True)
    if cut:
        typer.echo(f"note: {cut}", err=True)


@app.command()
def trace(
    figure: Annotated[str, typer.Argument(help="Claim id, figure as written, amount with unit, or a word.")],
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table (text) or json.")] = FlowFormat.table,
    colour: Annotated[
        bool | None, typer.Option("--colour/--no-colour", help="Highlight in colour (default: on a terminal).")
    ] = None,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Show where a figure comes from: its quote in context, its source, who the article says said it.

    Examples:

      kg trace 1091亿美元

      kg trace '$109.1B'

      kg trace annuity --format json
    """
    from kg.output import to_json
    from kg.store import open_store
    from kg.trace import TraceError, render
    from kg.trace import trace as trace_figure

    with known_errors():
        store = open_store(build_dir, data)
    try:
        found = trace_figure(store, figure)
    except TraceError as err:
        fail(str(err), code=1)
    if fmt is FlowFormat.json:
        emit(to_json([f.as_dict() for f in found]))
        return
    use_colour = sys.stdout.isatty() if colour is None else colour
    total = len(found)
    emit("\n\n".join(f"({n} of {total}) " + render(f, colour=use_colour) for n, f in enumerate(found, start=1)))


#: Largest graph `kg check` validates with SHACL unless told: pySHACL over rdflib took 2 s on the
#: article (5,000 quads) and 10 s on a 1,000-claim corpus (33,000); 10,000 claims have 325,000.
SHACL_AUTO_MAX_QUADS = 25_000


@app.command()
def check(
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table (text) or json.")] = FlowFormat.table,
    shacl: Annotated[
        bool | None,
        typer.Option(
            "--shacl/--no-shacl",
            help=f"Validate against ontology/shapes.ttl (default: up to {SHACL_AUTO_MAX_QUADS:,} quads).",
            show_default=False,
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Check the store as it is now, every graph, not what the build recorded.")
    ] = False,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Check the graph: shapes, spans and hashes, references, arithmetic, shares, conflicts, fidelity.

    The build runs the checks (and keeps their findings in the graph, graph:findings, for
    SPARQL), each source's graph when it changes: this shows what they found. --full runs
    them again over the whole store. SHACL (pySHACL over an rdflib copy of the graph) runs by
    default only on graphs of up to SHACL_AUTO_MAX_QUADS quads; past that it takes minutes and
    gigabytes, so it is skipped with a warning unless --shacl asks for it.

    Exits 1 when integrity fails; warnings (figures that don't add up or contradict) exit 0.

    Examples:

      kg check

      kg check --format json | jq '.[] | select(.status != "pass")'
    """
    from kg.check import Finding, check_shapes, exit_code, recorded_findings, render, run_checks
    from kg.output import to_json
    from kg.store import open_store

    with known_errors():
        store = open_store(build_dir, data)
    quads = _built_quads(build_dir)
    skipped = shacl is None and quads > SHACL_AUTO_MAX_QUADS
    findings = run_checks(store, build_dir, shacl=False) if full else recorded_findings(build_dir)
    if shacl or (shacl is None and not skipped):
        findings = [*check_shapes(build_dir), *findings]
    elif skipped:
        message = (
            f"not run: {quads:,} quads is past the {SHACL_AUTO_MAX_QUADS:,} that pySHACL checks in"
            " seconds (it copies the graph into rdflib); force it with --shacl"
        )
        findings.insert(0, Finding("shacl", "warn", (), message))
    if fmt is FlowFormat.json:
        emit(to_json([f.as_dict() for f in findings]))
    else:
        emit(render(findings, colour=sys.stdout.isatty()))
    raise typer.Exit(exit_code(findings))


def _built_quads(build_dir: Path) -> int:
    """Quads of the current build, from its summary.json (0 if it has none)."""
    import json

    from kg.buildfolder import current

    generation = current(build_dir)
    try:
        return int(json.loads((generation / "summary.json").read_text(encoding="utf-8"))["quads"]) if generation else 0
    except (OSError, ValueError, KeyError):
        return 0


class Verdict(StrEnum):
    """The verdicts of kg.compare.VERDICTS, as --verdict takes them."""

    agree = "agree"
    disagree = "disagree"
    one_source = "one-source"
    different_units = "different-units"
    different_period = "different-period"
    different_subject = "different-subject"
    group_contains = "group-contains"
    same_report_figure = "same-report-figure"


@app.command()
def compare(
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table (text) or json.")] = FlowFormat.table,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Only comparisons with a figure of this source id.", show_default=False),
    ] = None,
    metric: Annotated[str | None, typer.Option(help="Only this metric id.", show_default=False)] = None,
    subject: Annotated[
        str | None, typer.Option(help="Only comparisons with a figure about this actor id.", show_default=False)
    ] = None,
    verdict: Annotated[Verdict | None, typer.Option(help="Only this verdict.", show_default=False)] = None,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """What two or more sources say of one subject, metric and period, side by side, with a verdict.

    Every line names its source. Verdicts: agree or disagree (within each figure's rounding and
    hedge); one-source (the rest deprecated) and different-units; near matches: the same number
    for a different-period or a different-subject, a group beside its members (group-contains);
    and the figures that rest on one report figure (same-report-figure). Deprecated values are
    shown with their reason and never counted. Exits 1 when nothing compares.

    Examples:

      kg compare --source cls-ms-dc-funding-gap

      kg compare --verdict disagree

      kg compare --metric annuity-sales --subject united-states --format json
    """
    from kg.compare import compare as compare_figures
    from kg.compare import read_groups, read_outlets, render
    from kg.figures import read_figures, recorded_figures
    from kg.output import to_json
    from kg.store import open_store

    with known_errors():
        store = open_store(build_dir, data)
    figures = recorded_figures(build_dir) or read_figures(store)
    for option, wanted, known in (
        ("--source", source, {f.source for f in figures.values()}),
        ("--metric", metric, {f.metric for f in figures.values()}),
        ("--subject", subject, {s for f in figures.values() for s in f.subjects}),
    ):
        if wanted is not None and wanted not in known:
            fail(f"{option} {wanted!r}: no figure has it{_closest(wanted, known)}")
    found = [
        c
        for c in compare_figures(figures, read_groups(store), read_outlets(store))
        if (source is None or source in c.sources)
        and (metric is None or c.metric == metric)
        and (subject is None or any(subject in line.figure.subjects for line in c.lines))
        and (verdict is None or c.verdict == verdict.value)
    ]
    if not found:
        filtered = any(option is not None for option in (source, metric, subject, verdict))
        where = "with these filters" if filtered else "here"
        typer.echo(f"nothing compares {where}: no subject, metric and period with figures of two sources", err=True)
        raise typer.Exit(1)
    emit(to_json([c.as_dict() for c in found]) if fmt is FlowFormat.json else render(found))


def _closest(wanted: str, known: Iterable[str | None]) -> str:
    import difflib

    names = sorted(k for k in known if k)
    close = difflib.get_close_matches(wanted, names, n=3, cutoff=0.5) or [k for k in names if wanted in k][:3]
    return f"; did you mean {', '.join(close)}?" if close else ""


class ExtractFormat(StrEnum):
    yaml = "yaml"
    json = "json"


class ExtractLang(StrEnum):
    auto = "auto"
    zh = "zh"
    en = "en"


@app.command()
def extract(
    file: Annotated[str, typer.Argument(metavar="FILE", help="UTF-8 text of the article; '-' reads standard input.")],
    lang: Annotated[ExtractLang, typer.Option("--lang", help="auto, zh or en.")] = ExtractLang.auto,
    published: Annotated[
        str | None,
        typer.Option(
            help="Publication date YYYY-MM-DD, for 明年 / next year (default: the page header's date).",
            show_default=False,
        ),
    ] = None,
    source_id: Annotated[
        str | None,
        typer.Option(
            "--source-id", help="The text's id in sources.yaml (default: from FILE's name).", show_default=False
        ),
    ] = None,
    fmt: Annotated[
        ExtractFormat, typer.Option("--format", help="yaml (a draft claims file) or json (the keys of kg figures).")
    ] = ExtractFormat.yaml,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (atomically), not to stdout.", show_default=False)
    ] = None,
    against: Annotated[
        Path | None,
        typer.Option(help="Curated claims of the same text: print recall, precision, agreement.", show_default=False),
    ] = None,
    data: DataDir = DEFAULT_DATA,
) -> None:
    """Draft claims from an article: every figure with value, unit, hedge, period, subjects, quote.

    Every claim is status: draft: kg build refuses it until reviewed; kg build --allow-drafts builds it as it is.

    Its header holds the entry to add to sources.yaml, with the text's sha256; the text goes to data/sources/ID.txt.

    Subjects, metrics and cited sources are ids of the dataset in --data.

    Examples:

      kg extract article.txt --published 2025-11-19 --source-id my-article -o data/claims/my-article.yaml

      kg extract - --lang en --format json < article.txt

      kg extract data/sources/article-zh.txt --against data/claims/article-zh.yaml
    """
    from kg.extract import ExtractError, draft, evaluate, load_claims, parse_date, read_article, records, to_yaml
    from kg.extract import extract as find_figures
    from kg.load import load_dataset
    from kg.output import to_json, write_atomic

    try:
        article = read_article(file)
        when = parse_date(published) if published else None
        with known_errors():
            dataset = load_dataset(data, allow_drafts=True)
        figures = find_figures(article.text, lang=lang.value, published=when, actors=dataset.actors)
        if against is not None:
            emit(evaluate(figures, load_claims(against), article.text).report())
            return
        result = draft(figures, article, dataset, source_id=source_id, published=when, lang=lang.value)
    except ExtractError as err:
        fail(str(err))
    content = to_yaml(result) if fmt is ExtractFormat.yaml else to_json(records(result, dataset.actors)) + "\n"
    if output is None:
        emit(content)
    else:
        write_atomic(output, content)
        typer.echo(f"wrote {len(result.claims)} draft claims to {output}", err=True)


class PageLanguage(StrEnum):
    en = "en"
    zh = "zh"


@app.command()
def viz(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Page to write (default: BUILD/graph.html).", show_default=False),
    ] = None,
    open_page: Annotated[bool, typer.Option("--open", help="Open the page in a web browser.")] = False,
    lang: Annotated[PageLanguage, typer.Option("--lang", help="Language of the labels: en or zh.")] = PageLanguage.en,
    claims: Annotated[bool, typer.Option("--claims", help="Hang the figures about each actor off it.")] = False,
    max_nodes: Annotated[
        int | None,
        typer.Option(
            "--max-nodes", min=2, help="Past this many actors, draw the richest and group the rest (default: 1000)."
        ),
    ] = None,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Draw who funds whom as one HTML page that works offline; click an arrow to read its quote.

    Actors are coloured by type, sized by money in + out; arrows run from funder to recipient.

    Example: kg viz --lang zh --claims --open
    """
    import webbrowser

    from kg.store import open_store
    from kg.viz import DEFAULT_MAX_NODES, write_page

    with known_errors():
        store = open_store(build_dir, data)
    page = output or build_dir / "graph.html"
    try:
        size = write_page(page, store, lang=lang.value, claims=claims, max_nodes=max_nodes or DEFAULT_MAX_NODES)
    except OSError as err:
        fail(f"cannot write {page}: {err.strerror or err}")
    emit(f"wrote {page} ({size:,} bytes)")
    if open_page and not webbrowser.open(page.resolve().as_uri()):
        typer.echo(f"no web browser found; open {page.resolve().as_uri()}", err=True)


@app.command()
def push(
    endpoint: Annotated[
        str, typer.Option(help="The server's Graph Store Protocol address (Oxigraph: http://HOST:7878/store).")
    ],
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each graph's upload.")] = 60.0,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Upload the graph to a SPARQL server: one named graph per source (replaced on re-push), and the default graph.

    Uses the SPARQL 1.1 Graph Store HTTP Protocol (PUT), which Oxigraph, Fuseki, Virtuoso and GraphDB speak.

    Example: kg push --endpoint http://localhost:7878/store
    """
    from kg.remote import RemoteError
    from kg.remote import push as push_graphs
    from kg.store import open_store

    with known_errors():
        open_store(build_dir, data)  # rebuilds first when the data is newer
    try:
        summary = push_graphs(build_dir, endpoint, timeout=timeout)
    except RemoteError as err:
        fail(str(err))
    emit(f"pushed {summary.graphs} named graphs and the default graph ({summary.triples} triples) to {endpoint}")


def main() -> None:
    """The console script: the command's exit code, and never a traceback on the terminal."""
    from typer._click.exceptions import ClickException

    try:
        code = app(standalone_mode=False, prog_name="kg")
        sys.stdout.flush()
    except ClickException as err:  # usage errors: click's own message and code 2
        err.show()
        code = err.exit_code
    except (PipeClosed, BrokenPipeError):
        code = _pipe_closed()
    except KeyboardInterrupt:
        code = 130
    except SystemExit as err:
        # typer ends a command whose write met a closed pipe with sys.exit(1); tell it from a failure
        closed = type(sys.stdout).__name__ == "PacifyFlushWrapper"
        code = _pipe_closed() if closed else err.code if isinstance(err.code, int) else 2
    except MemoryError:
        typer.echo("error: out of memory (a limit was hit); try a smaller input", err=True)
        code = 3
    except Exception:
        code = _unexpected()
    sys.exit(code if isinstance(code, int) else 0)


def _pipe_closed() -> int:
    """Stop writing quietly: stdout goes to /dev/null so that the exit flush cannot fail again."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 141


def _unexpected() -> int:
    """One line for the person, the whole traceback for the log."""
    import os
    import tempfile
    import traceback
    from datetime import datetime

    state = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state") / "kg"
    detail = f"{datetime.now().isoformat(timespec='seconds')} kg {' '.join(sys.argv[1:])}\n{traceback.format_exc()}\n"
    problem = traceback.format_exception_only(*sys.exc_info()[:2])[-1].strip()
    for folder in (state, Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            log = folder / "kg-error.log"
            with log.open("a", encoding="utf-8") as stream:
                stream.write(detail)
            break
        except OSError:
            continue
    else:
        log = None
    where = f"; the traceback is in {log}" if log else ""
    typer.echo(f"error: unexpected {problem}{where}", err=True)
    return 70


if __name__ == "__main__":
    main()
