"""The `kg` command: a thin skin over the library.

Each command calls one library function, renders its result, and turns a known error into a
one-line message and an exit code (2: bad input; 1: nothing found or a check failed). Imports
are made inside the commands, so that each command loads only what it uses.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

app = typer.Typer(
    name="kg",
    help="A knowledge graph of AI-investment claims: build it, query it, trace and check its figures.",
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


class TableFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def known_errors() -> Iterator[None]:
    """Turn the library's input errors into one line on stderr and exit code 2."""
    from kg.load import LoadError
    from kg.store import StoreError

    try:
        yield
    except (LoadError, StoreError) as err:
        fail(str(err))


def emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


@app.command()
def build(
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
    allow_drafts: Annotated[bool, typer.Option(help="Build claims still marked draft.")] = False,
) -> None:
    """Validate the dataset and build the graph: Turtle, N-Triples, TriG and a store.

    Example: kg build --data data --build build
    """
    from kg.build import build as build_graph
    from kg.load import load_dataset

    with known_errors():
        summary = build_graph(load_dataset(data, allow_drafts=allow_drafts), build_dir)
    emit(
        f"built {summary.claims} claims ({summary.figures} figures, {summary.flows} funding flows), "
        f"{summary.actors} actors, {summary.sources} sources: {summary.triples} triples\n"
        + "".join(f"  {build_dir / name}\n" for name in summary.files)
    )


@app.command()
def figures(
    fmt: Annotated[TableFormat, typer.Option("--format", help="table, csv or json.")] = TableFormat.table,
    data: DataDir = DEFAULT_DATA,
    build_dir: BuildDir = Path("build"),
) -> None:
    """List every figure in the graph: value, unit, as written, period, kind, subject, source.

    Example: kg figures --format csv > figures.csv
    """
    from kg.figures import FIGURE_FIELDS, figures as list_figures
    from kg.output import to_csv, to_json, to_table
    from kg.store import open_store

    with known_errors():
        records = list_figures(open_store(build_dir, data))
    if fmt is TableFormat.json:
        emit(to_json(records))
    elif fmt is TableFormat.csv:
        emit(to_csv(records, FIGURE_FIELDS))
    else:
        shown = ("id", "text", "value", "unit", "period", "kind", "subject", "attributed_to")
        emit(to_table(records, shown, title=f"{len(records)} figures"))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
