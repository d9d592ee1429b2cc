"""The `kg` command: a thin skin over the library.

Each command calls one library function, renders its result, and turns a known error into a
one-line message and an exit code (see :data:`EXIT_CODES`). :func:`main` keeps that promise for
the unknown ones too: a closed pipe ends quietly, an interrupt exits 130, and anything else says
one line and where the traceback was logged. Imports are made inside the commands, so that each
command loads only what it uses.
"""

from __future__ import annotations

import math
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
    write_out((text if text.endswith("\n") else text + "\n").encode("utf-8"))


def write_out(data: bytes) -> None:
    """Write to standard output, raising PipeClosed where the reader went away.

    Straight to the file descriptor, a piece at a time: through Python's buffered stream, a large
    write to a pipe whose reader had closed ended without an error here, and the command went on.
    """
    import io
    import os

    try:
        sys.stdout.flush()
        try:
            descriptor = sys.stdout.fileno()
        except (io.UnsupportedOperation, AttributeError):  # a stream in memory, as in tests
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view[: 1 << 16]) :]
    except BrokenPipeError:
        # not an OSError any more, so that no handler on the way mistakes it for a failed write
        raise PipeClosed from None


def emit_bytes(chunks: list[bytes]) -> None:
    """Write an answer already encoded (UTF-8), chunk by chunk."""
    try:
        sys.stdout.flush()
        for chunk in chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
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
        f"  {build_dir / 'current'} -> {summary.generation.name}: "
        "store/, graphs/, figures.json, checks.json, summary.json\n"
    )


Sources = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        help="Only this source id (e.g. article-zh); repeat it or separate ids with commas.",
        show_default=False,
    ),
]


@app.command()
def figures(
    fmt: Annotated[TableFormat, typer.Option("--format", help="table, csv or json.")] = TableFormat.table,
    source: Sources = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write here (atomically); a CSV gets its CSVW metadata beside it.",
            show_default=False,
        ),
    ] = None,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """List every figure in the graph: value, unit, as written, period, kind, subject, source.

    With --format csv -o FILE.csv, FILE.csv-metadata.json describes its columns in CSVW (W3C
    CSV on the Web: names, datatypes, meanings), where CSVW tools look for it.

    Examples:

      kg figures --source article-zh

      kg figures --format csv -o figures.csv
    """
    from kg.figures import FIGURE_FIELDS, sources_with_claims
    from kg.figures import figures as list_figures
    from kg.output import to_csv, to_json, to_table

    with known_errors():
        store = _open_built(build_dir, data)
        wanted = source_ids(source or []) or None
        if wanted:
            _known_sources(sources_with_claims(store), wanted)
        records = list_figures(store, wanted)
    if fmt is TableFormat.json:
        text = to_json(records) + "\n"
    elif fmt is TableFormat.csv:
        text = to_csv(records, FIGURE_FIELDS)
    else:
        shown = ("id", "text", "value", "unit", "period", "kind", "subject", "attributed_to", "source")
        text = to_table(records, shown, title=f"{len(records)} figures")
    if output is None:
        emit(text)
        return
    _write(output, text)
    if fmt is TableFormat.csv:
        from kg.export import csvw_metadata
        from kg.output import to_json

        metadata = output.with_name(output.name + "-metadata.json")
        _write(metadata, to_json(csvw_metadata(output.name, FIGURE_FIELDS)) + "\n")
        typer.echo(f"wrote {len(records)} figures to {output}, described in CSVW by {metadata}", err=True)


def source_ids(options: list[str]) -> list[str]:
    """The source ids of --source options, each given once or several times, or comma-separated."""
    return [part.strip() for option in options for part in option.split(",") if part.strip()]


def _known_sources(known: set[str], wanted: list[str]) -> None:
    """Refuse a --source whose claims the graph does not hold, naming those it does."""
    unknown = [s for s in wanted if s not in known]
    if unknown:
        fail(f"no source {unknown[0]!r} in the graph; the sources are {', '.join(sorted(known))}")


def _write(path: Path, text: str) -> None:
    from kg.output import write_atomic

    if path.is_dir():
        fail(f"{path} is a folder: give a file name")
    try:
        write_atomic(path, text)
    except OSError as err:
        fail(f"cannot write {path}: {err.strerror or err}")


class ExportFormat(StrEnum):
    turtle = "turtle"
    ntriples = "ntriples"
    nquads = "nquads"
    trig = "trig"
    jsonld = "jsonld"


@app.command()
def export(
    fmt: Annotated[ExportFormat, typer.Option("--format", help="turtle, ntriples, nquads, trig or jsonld.")] = (
        ExportFormat.trig
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (atomically), not to stdout.", show_default=False)
    ] = None,
    source: Sources = None,
    findings: Annotated[bool, typer.Option("--findings/--no-findings", help="With what the checks found.")] = True,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Write the whole graph, or some sources' graphs, in one file.

    Turtle and N-Triples hold every graph's triples as one graph; N-Quads, TriG and JSON-LD keep
    the named graphs (one per source). JSON-LD is compacted with the project's @context
    (ontology/context.jsonld, inside the file too, so nothing is fetched to read it). With
    --source, the default graph (actors, sources, vocabulary) and those sources' graphs.

    Examples:

      kg export --format turtle -o graph.ttl

      kg export --format jsonld --source article-zh -o article-zh.jsonld
    """
    import io

    from kg.export import ExportError, graphs
    from kg.export import export as write_graphs

    store = _open_built(build_dir, data)
    try:
        chosen = graphs(store, source_ids(source or []), findings=findings)
    except ExportError as err:
        fail(str(err))
    buffer = io.BytesIO()
    count = write_graphs(store, buffer, fmt.value, chosen)
    if output is None:
        write_out(buffer.getvalue())
        return
    if output.is_dir():
        fail(f"{output} is a folder: give a file name")
    from kg.output import write_atomic

    try:
        write_atomic(output, buffer.getvalue())
    except OSError as err:
        fail(f"cannot write {output}: {err.strerror or err}")
    typer.echo(f"wrote {count} quads of {len(chosen)} graphs to {output}", err=True)


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
    timeout: Annotated[
        float, typer.Option(help="Seconds for all of it: reading the query, running it, writing the answer.")
    ] = 30.0,
    max_rows: Annotated[
        int | None,
        typer.Option(
            help="Most rows (or triples). A table shows the first N (default 100) and counts the others; "
            "csv, tsv, json, turtle and ntriples refuse a longer answer (default 1,000,000) rather than cut it.",
            show_default=False,
        ),
    ] = None,
    max_bytes: Annotated[int, typer.Option(help="Largest answer, in MB.")] = 256,
    max_memory: Annotated[int, typer.Option(help="Most memory the query may take while it runs, in MB.")] = 768,
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

    The answer is printed only once complete; past a limit (--timeout, --max-rows, --max-bytes,
    --max-memory, or a query too large or too deeply nested for the engine) nothing is printed
    but one line saying which, and the exit code is 3. A malformed or refused query exits 2.

    Examples:

      kg query examples/queries/who-funds-whom.rq

      kg query -e 'SELECT ?id ?text WHERE { ?c dcterms:identifier ?id ; kg:quantity/kg:asWritten ?text }'

      kg query --format csv - < my-query.rq > answer.csv

      kg query --endpoint http://localhost:7878/query examples/queries/who-funds-whom.rq
    """
    from kg.query import DEFAULT_MAX_ROWS, TABLE_ROWS, Limits, QueryError, QueryLimit, answer

    table = fmt is QueryFormat.table
    limits = Limits(
        timeout=_positive_seconds(timeout, "--timeout"),
        max_rows=_at_least_one(_or(max_rows, DEFAULT_MAX_ROWS), "--max-rows"),
        max_bytes=_at_least_one(max_bytes, "--max-bytes") * 2**20,
        max_memory=_at_least_one(max_memory, "--max-memory") * 2**20,
    )
    shown = _at_least_one(_or(max_rows, TABLE_ROWS), "--max-rows")
    text = _query_text(query_file, expression)
    try:
        if endpoint is not None:
            from kg.remote import RemoteError, remote_answer

            try:
                rendered = remote_answer(
                    endpoint, text, fmt.value, allow_service=allow_service, limits=limits, table_rows=shown
                )
            except RemoteError as err:
                fail(str(err))
        else:
            store = _open_built(build_dir, data)
            rendered = answer(store, text, fmt.value, allow_service=allow_service, limits=limits, table_rows=shown)
    except QueryLimit as err:
        fail(str(err), code=3)
    except QueryError as err:
        fail(str(err))
    if rendered.is_empty():
        typer.echo("no results", err=True)
        if table:
            return
    emit_bytes(rendered.chunks)
    if rendered.note:
        emit(rendered.note)


def _query_text(query_file: str | None, expression: str | None) -> str:
    """The query from -e, a file, or standard input; one line and exit 2 (3 if too large) when it cannot be read."""
    from kg.query import QueryError, QueryLimit, decode_query, read_query
    from kg.sparql import MAX_QUERY_CHARS

    try:
        if expression is not None:
            return expression
        if query_file not in (None, "-"):
            return read_query(query_file)
        if query_file is None and sys.stdin.isatty():
            fail("give a query file, -e 'QUERY', or a query on standard input")
        return decode_query(sys.stdin.buffer.read(4 * MAX_QUERY_CHARS + 1), "standard input")
    except QueryLimit as err:
        fail(str(err), code=3)
    except QueryError as err:
        fail(str(err))


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _positive_seconds(value: float, option: str) -> float:
    if not math.isfinite(value) or value <= 0:
        fail(f"{option} takes a number of seconds above 0, not {value}")
    return value


def _at_least_one(value: int, option: str) -> int:
    if value < 1:
        fail(f"{option} takes a whole number of 1 or more, not {value}")
    return value


def _open_built(build_dir: Path, data: Path) -> Any:
    """The build's store for a command that reads it; one line and exit 2 for a folder it cannot use."""
    from kg.store import open_store

    with known_errors():
        try:
            return open_store(build_dir, data)
        except OSError as err:
            fail(f"{build_dir}: cannot use it as a build folder ({err.strerror or err})")


class FlowFormat(StrEnum):
    table = "table"
    json = "json"


Depth = Annotated[int, typer.Option("--depth", min=1, help="Longest path followed, in hops.")]
PathLimit = Annotated[int, typer.Option("--limit", min=1, help="Most paths listed.")]
SourceIds = Annotated[
    list[str] | None,
    typer.Option(
        "--source",
        help="Only the flows of these source ids: repeat it, or separate ids with commas (article-zh,wsj-x).",
        show_default=False,
    ),
]


def _open_flows(data: Path, build_dir: Path, source: list[str] | None) -> tuple[Any, dict[str, Any], list[str] | None]:
    """The store, its actors, and the source ids asked for (None: every source); unknown ids exit 2."""
    from kg.flows import UnknownSource, actors, check_sources, sources
    from kg.store import open_store

    with known_errors():
        store = open_store(build_dir, data)
    if source is None:
        return store, actors(store), None
    wanted = source_ids(source)
    if not wanted:
        fail("--source needs at least one source id")
    try:
        return store, actors(store), check_sources(sources(store), wanted)
    except UnknownSource as err:
        fail(str(err))


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
            "funder": f.funder.names(),
            "recipient": f.recipient.names(),
            "instrument": f.instrument_name(),
            "amount": f.amount(),
            "period": f.period,
            "kind": f.kind,
            "source": f.source,
            "claim": f.claim,
        }
        for f in found
    ]
    emit(to_table(records, list(records[0]), title=f"{title}: {len(found)}"))


@app.command()
def flows(
    source: SourceIds = None,
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table or json.")] = FlowFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """List every funding flow: funder, recipient, instrument, amount, period, kind, source, claim.

    Examples:

      kg flows --source article-zh

      kg flows --format json
    """
    from kg.flows import flows as list_flows

    store, _, chosen = _open_flows(data, build_dir, source)
    _show_flows(list_flows(store, source_ids=chosen), fmt, "funding flows")


@app.command()
def funders(
    actor: Annotated[str, typer.Argument(help="Actor id, or English or Chinese name.")],
    source: SourceIds = None,
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table or json.")] = FlowFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Who funds ACTOR directly, and which source says so.

    Example: kg funders 人寿保险公司 --source article-zh
    """
    from kg.flows import flows as list_flows

    store, known, chosen = _open_flows(data, build_dir, source)
    target = _resolve(known, actor)
    _show_flows(list_flows(store, recipient=target.id, source_ids=chosen), fmt, f"funders of {target.name()}")


@app.command()
def recipients(
    actor: Annotated[str, typer.Argument(help="Actor id, or English or Chinese name.")],
    source: SourceIds = None,
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table or json.")] = FlowFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Whom ACTOR funds directly, and which source says so.

    Example: kg recipients "US life insurers"
    """
    from kg.flows import flows as list_flows

    store, known, chosen = _open_flows(data, build_dir, source)
    funder = _resolve(known, actor)
    _show_flows(list_flows(store, funder=funder.id, source_ids=chosen), fmt, f"recipients of {funder.name()}")


@app.command()
def chain(
    start: Annotated[str, typer.Argument(metavar="FROM", help="Actor where the money starts.")],
    end: Annotated[str, typer.Argument(metavar="TO", help="Actor where it ends.")],
    source: SourceIds = None,
    depth: Depth = 6,
    limit: PathLimit = 200,
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table or json.")] = FlowFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Every path of funding flows from FROM to TO, with the amount and the source at each hop.

    With --source, only the flows those sources claim make up the paths.

    Examples:

      kg chain "annuity buyers" "data centres"

      kg chain us-retirees ai-data-centres --source article-zh --format json
    """
    from kg.flows import chains, funding_graph, iter_hops
    from kg.flows import flows as list_flows
    from kg.output import to_json

    store, known, chosen = _open_flows(data, build_dir, source)
    first, last = _resolve(known, start), _resolve(known, end)
    found = chains(funding_graph(list_flows(store, source_ids=chosen)), first.id, last.id, depth=depth, limit=limit)
    if fmt is FlowFormat.json:
        emit(to_json({"paths": [[f.as_dict() for f in p] for p in found.paths], "cut": found.cut}))
    else:
        for number, path in enumerate(found.paths, start=1):
            emit(f"path {number} ({len(path)} hops):\n" + "".join(f"  {hop}\n" for hop in iter_hops(path)))
    if found.cut:
        typer.echo(f"note: {found.cut}", err=True)
    if not found.paths:
        typer.echo(f"no path of funding flows from {first.name()} to {last.name()}", err=True)
        raise typer.Exit(1)


@app.command("who-pays")
def who_pays(
    actor: Annotated[str, typer.Argument(help="Actor id, or English or Chinese name.")],
    source: SourceIds = None,
    depth: Depth = 6,
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table or json.")] = FlowFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """The ultimate sources of ACTOR's money: the funders upstream that nobody funds.

    Each comes with the sources (documents) whose flows lead from it to ACTOR.

    Examples:

      kg who-pays "data centres"

      kg who-pays ai-data-centres --source article-zh --format json
    """
    from kg.flows import flows as list_flows
    from kg.flows import funding_graph, sources_between, ultimate_sources
    from kg.output import to_json

    store, known, chosen = _open_flows(data, build_dir, source)
    target = _resolve(known, actor)
    graph = funding_graph(list_flows(store, source_ids=chosen))
    roots, cut = ultimate_sources(graph, target.id, depth=depth)
    according = {a: sources_between(graph, a, target.id) for a, _ in roots}
    if fmt is FlowFormat.json:
        emit(
            to_json(
                {
                    "actor": target.as_dict(),
                    "sources": [{**known[a].as_dict(), "hops": d, "according_to": according[a]} for a, d in roots],
                    "cut": cut,
                }
            )
        )
    elif roots:
        lines = [
            f"  {known[a].names()} ({d} hop{'s' if d > 1 else ''} upstream; according to {', '.join(according[a])})"
            for a, d in roots
        ]
        emit(f"who pays for {target.names()}:\n" + "\n".join(lines))
    else:
        typer.echo(f"nobody in the graph funds {target.name()}", err=True)
    if cut:
        typer.echo(f"note: {cut}", err=True)


@app.command()
def trace(
    figure: Annotated[str, typer.Argument(help="Claim id, figure as written, amount with unit, or a word.")],
    fmt: Annotated[FlowFormat, typer.Option("--format", help="table (text) or json.")] = FlowFormat.table,
    limit: Annotated[int, typer.Option(help="Most matches shown, best first; the others are counted. 0: all.")] = 20,
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

      kg trace annuity --format json --limit 5
    """
    from kg.output import to_json
    from kg.trace import FigureError, TraceError, render, trace_best

    if limit < 0:
        fail(f"--limit takes a whole number of 0 (all) or more, not {limit}")
    store = _open_built(build_dir, data)
    try:
        traced = trace_best(store, figure, limit=limit or None)
    except FigureError as err:
        fail(str(err))
    except TraceError as err:
        fail(str(err), code=1)
    more = traced.matches - len(traced.found)
    note = f"… and {more:,} more; --limit 0 for all" if more else ""
    if fmt is FlowFormat.json:
        emit(to_json([f.as_dict() for f in traced.found]))
        if note:
            typer.echo(note, err=True)
        return
    use_colour = sys.stdout.isatty() if colour is None else colour
    total = traced.matches
    shown = [f"({n} of {total}) " + render(f, colour=use_colour) for n, f in enumerate(traced.found, start=1)]
    emit("\n\n".join(shown) + (f"\n\n{note}" if note else ""))


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
    zh_hant = "zh-Hant"
    en = "en"


@app.command()
def extract(
    file: Annotated[str, typer.Argument(metavar="FILE", help="UTF-8 text of the article; '-' reads standard input.")],
    lang: Annotated[ExtractLang, typer.Option("--lang", help="auto, zh, zh-Hant or en.")] = ExtractLang.auto,
    published: Annotated[
        str | None,
        typer.Option(
            help="Publication date YYYY-MM-DD, for 明年 / next year (default: the date the text prints at its top).",
            show_default=False,
        ),
    ] = None,
    source_id: Annotated[
        str | None,
        typer.Option(
            "--source-id", help="The text's id in sources.yaml (default: from FILE's name).", show_default=False
        ),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title of the article (default: its first line).")] = None,
    url: Annotated[str | None, typer.Option(help="Address the article was read at.", show_default=False)] = None,
    fmt: Annotated[
        ExtractFormat, typer.Option("--format", help="yaml (a draft claims file) or json (the keys of kg figures).")
    ] = ExtractFormat.yaml,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the draft here and the text beside it, not to stdout.", show_default=False
        ),
    ] = None,
    force: Annotated[bool, typer.Option(help="Let -o replace a file that is not a kg draft.")] = False,
    against: Annotated[
        Path | None,
        typer.Option(
            help="Score the draft field by field against curated claims of the same text or a *.expected.yaml.",
            show_default=False,
        ),
    ] = None,
    data: DataDir = DEFAULT_DATA,
) -> None:
    """Draft claims from an article: figures with period, kind, subjects, attribution, metric, and funding flows.

    Every claim is status: draft; new actors, metrics and cited sources are proposed in its proposed: block.
    kg build refuses a draft until reviewed; kg build --allow-drafts builds it as it is.

    -o DIR/ID.yaml writes the draft and the text beside it (DIR/ID.txt); it never replaces a file that is
    not a kg draft (unless --force), nor a different text.

    Examples:

      kg extract article.txt --published 2025-11-19 --source-id my-article -o drafts/my-article.yaml

      kg extract - --lang en --format json < article.txt

      kg extract data/sources/article-zh.txt --against data/claims/article-zh.yaml
    """
    from kg.extract import ExtractError, draft, read, read_article, records, source_id_for, to_yaml, without_draft
    from kg.extract.evaluate import score
    from kg.extract.files import check_output, parse_date
    from kg.load import load_dataset
    from kg.output import to_json, write_atomic

    try:
        article = read_article(file)
        when = parse_date(published) if published else None
    except ExtractError as err:
        fail(str(err))
    with known_errors():
        dataset = load_dataset(data, allow_drafts=True)
    as_yaml = fmt is ExtractFormat.yaml
    try:
        if against is not None:
            emit(score(article.text, dataset, against, lang=lang.value, published=when).report())
            return
        source = source_id or source_id_for(file)
        dataset = without_draft(dataset, source)  # a new draft replaces the old one
        reading = read(article.text, lang=lang.value, published=when, actors=dataset.actors)
        result = draft(reading, dataset, source_id=source, sha256=article.sha256,
                       title=title, url=url, dated=as_yaml)  # fmt: skip
    except ExtractError as err:
        fail(f"{file}: {err}" if not str(err).startswith(str(against)) else str(err))
    content = to_yaml(result) if as_yaml else to_json(records(result, dataset.actors)) + "\n"
    if output is None:
        emit(content)
        return
    entry = result.proposed.source if result.proposed else None
    text_file = entry.text if as_yaml and entry and entry.text else None
    try:
        beside = check_output(output, text_file, article.text.encode("utf-8"), force)
        if beside is not None:
            write_atomic(beside, article.text.encode("utf-8"))
        write_atomic(output, content)
    except ExtractError as err:
        fail(str(err))
    except OSError as err:
        fail(f"{output}: cannot be written ({err.strerror or err})")
    also = f" and the text to {beside}" if beside else ""
    typer.echo(f"wrote {len(result.claims)} draft claims to {output}{also}", err=True)


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
    source: SourceIds = None,
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

    Actors are coloured by type, sized by money in + out; arrows run from funder to recipient,
    coloured by the source that claims them (a legend shows or hides each source).

    Examples:

      kg viz --lang zh --claims --open

      kg viz --source article-zh,wsj-annuity-sales-2025-11-14 -o two-sources.html
    """
    import webbrowser

    from kg.viz import DEFAULT_MAX_NODES, write_page

    store, _, chosen = _open_flows(data, build_dir, source)
    page = output or build_dir / "graph.html"
    try:
        size = write_page(
            page, store, lang=lang.value, claims=claims, max_nodes=max_nodes or DEFAULT_MAX_NODES, source_ids=chosen
        )
    except OSError as err:
        fail(f"cannot write {page}: {err.strerror or err}")
    emit(f"wrote {page} ({size:,} bytes)")
    if open_page and not webbrowser.open(page.resolve().as_uri()):
        typer.echo(f"no web browser found; open {page.resolve().as_uri()}", err=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="The one address to listen on (never every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free one).")] = 8000,
    open_site: Annotated[bool, typer.Option("--open", help="Open the site in a web browser.")] = False,
    drafts: Annotated[
        list[Path] | None,
        typer.Option(
            "--draft",
            help="A draft claims file to review, besides those in DATA/drafts/ (repeatable).",
            show_default=False,
        ),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds a SPARQL query may run.")] = 30.0,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Serve one local site: trace figures, query with SPARQL (YASGUI and /sparql), see the graph, review drafts.

    Listens on 127.0.0.1 unless told otherwise, and answers to that address only. Ctrl-C stops it.

    A saved review is written into --data, and --build is rebuilt.

    Examples:

      kg serve --open

      kg serve --port 8080 --draft ~/drafts/my-article.yaml
    """
    import webbrowser

    from kg.serve import Site, make_server
    from kg.store import open_store

    for path in drafts or []:
        if not path.is_file():
            fail(f"{path}: no such draft file")
    with known_errors():
        open_store(build_dir, data)  # builds first when the data is newer, as every command does
    site = Site(
        data_dir=data.resolve(),
        build_dir=build_dir.resolve(),
        host=host,
        port=port,
        timeout=timeout,
        extra_drafts=tuple(path.resolve() for path in drafts or []),
    )
    try:
        server = make_server(site, log=sys.stderr)
    except ValueError as err:
        fail(str(err))
    except OSError as err:
        fail(f"cannot listen on {host}:{port}: {err.strerror or err}")
    emit(f"serving {site.origin}/ (Ctrl-C stops)")
    if open_site and not webbrowser.open(site.origin + "/"):
        typer.echo(f"no web browser found; open {site.origin}/", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped", err=True)
    finally:
        server.server_close()


@app.command()
def push(
    endpoint: Annotated[
        str, typer.Option(help="The server's Graph Store Protocol address (Oxigraph: http://HOST:7878/store).")
    ],
    timeout: Annotated[float, typer.Option(help="Seconds for the whole push, every graph.")] = 300.0,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """Upload the graph to a SPARQL server: one named graph per source (replaced on re-push), and the default graph.

    Uses the SPARQL 1.1 Graph Store HTTP Protocol (PUT), which Oxigraph, Fuseki, Virtuoso and GraphDB speak.
    A server that answers too slowly is cut off at --timeout (exit 3); one that refuses, or answers
    nonsense, is one line and exit 2. A redirect is followed only to the same server and port.

    Example: kg push --endpoint http://localhost:7878/store
    """
    from kg.query import QueryLimit
    from kg.remote import RemoteError
    from kg.remote import push as push_graphs

    seconds = _positive_seconds(timeout, "--timeout")
    _open_built(build_dir, data)  # rebuilds first when the data is newer
    try:
        summary = push_graphs(build_dir, endpoint, timeout=seconds)
    except QueryLimit as err:
        fail(str(err), code=3)
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
