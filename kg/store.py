"""The built graph as a read-only Oxigraph store, rebuilt first when the data is newer.

Commands that read the graph (query, figures, trace, flows, check) open the store that
``kg build`` left in the build folder instead of re-parsing Turtle: opening it costs a few
milliseconds whatever the size of the graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, QuerySolutions, Store

from kg.terms import PREFIXES

STORE_DIR = "store"
_XSD = PREFIXES["xsd"]


class StoreError(Exception):
    """The build folder holds no usable store."""


def newest_input(data_dir: Path) -> float:
    """Modification time of the newest file a build reads (data files and the ontology)."""
    from kg.build import ONTOLOGY

    files = [p for p in Path(data_dir).rglob("*") if p.is_file()] + [ONTOLOGY]
    return max((p.stat().st_mtime for p in files if p.exists()), default=0.0)


def is_stale(data_dir: Path, build_dir: Path) -> bool:
    store = Path(build_dir) / STORE_DIR
    return not store.is_dir() or store.stat().st_mtime < newest_input(data_dir)


def open_store(build_dir: Path, data_dir: Path | None = None) -> Store:
    """The build's store, read-only; with ``data_dir``, (re)build it first when it is missing or stale."""
    if data_dir is not None and is_stale(data_dir, build_dir):
        from kg.build import build
        from kg.load import load_dataset

        build(load_dataset(data_dir), build_dir)
    path = Path(build_dir) / STORE_DIR
    if not path.is_dir():
        raise StoreError(f"{path}: no built graph here; run `kg build` first")
    try:
        return Store.read_only(str(path))
    except OSError as err:
        raise StoreError(f"{path}: cannot open the store ({err})") from None


def python_value(term: Any) -> Any:
    """A term as plain Python: IRIs as strings, xsd numbers as Decimal / int, other literals as str."""
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return "_:" + term.value
    if isinstance(term, Literal):
        datatype = term.datatype.value
        if datatype == _XSD + "decimal":
            return Decimal(term.value)
        if datatype == _XSD + "integer":
            return int(term.value)
        return term.value
    return str(term)


def compact_term(term: Any) -> str:
    """A term as a person reads it: IRIs with our prefixes (claim:article-zh.x), literals bare."""
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and len(term.value) > len(namespace):
                return f"{prefix}:{term.value[len(namespace) :]}"
        return f"<{term.value}>"
    if isinstance(term, Literal):
        return term.value
    return str(term)


def select(store: Store, query: str, substitutions: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Rows of a SELECT as dicts of plain Python values; our prefixes are declared for the query.

    ``substitutions`` binds variables to values (SEP-0007), so user input never enters query text.
    """
    from pyoxigraph import Variable

    bound = {Variable(k): v if not isinstance(v, str) else Literal(v) for k, v in (substitutions or {}).items()}
    solutions = store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True, substitutions=bound or None)
    assert isinstance(solutions, QuerySolutions), "select() runs SELECT queries"
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: python_value(solution[name]) for name in names}
