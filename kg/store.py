"""The built graph as a read-only Oxigraph store, rebuilt first when the data changed.

Commands that read the graph (query, figures, trace, flows, check) open the store of the build
folder's current generation instead of re-parsing files: opening it costs a few milliseconds
whatever the size of the graph. Whether the build is stale is judged by content (see
:mod:`kg.inputs`); a stale or missing build is made again first, under the build folder's lock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, QuerySolutions, Store, Variable

from kg.terms import PREFIXES

STORE_DIR = "store"
_XSD = PREFIXES["xsd"]


class StoreError(Exception):
    """The build folder holds no usable store."""


def open_store(build_dir: Path, data_dir: Path | None = None) -> Store:
    """The current build's store, read-only; with ``data_dir``, (re)built first when missing or stale."""
    from kg.buildfolder import check_ours, current

    check_ours(build_dir)  # a folder kg did not make is neither read as a build nor written to
    if data_dir is not None:
        from kg.inputs import is_stale

        if is_stale(data_dir, build_dir):
            from kg.rebuild import rebuild  # heavy: only when a build is due

            rebuild(data_dir, build_dir)
    generation = current(build_dir)
    if generation is None:
        raise StoreError(f"{build_dir}: no built graph here; run `kg build` first")
    try:
        return Store.read_only(str(generation / STORE_DIR))
    except OSError as err:
        raise StoreError(f"{generation / STORE_DIR}: cannot open the store ({err})") from None


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


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def select(
    store: Store, query: str, substitutions: dict[str, Any] | None = None, graphs: Iterable[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Rows of a SELECT as dicts of plain Python values; our prefixes are declared for the query.

    ``substitutions`` binds variables to values, so user input never enters the query as syntax:
    see :func:`bind`. ``graphs`` (named graph IRIs) reads only those beside the default graph (the
    ontology, actors and sources) instead of every graph: Oxigraph does not narrow a query by a
    bound source or claim before it joins, so one source of 100,000 claims took minutes that way,
    and takes 0.1 s this way.
    """
    bound = {k: v if not isinstance(v, str) else Literal(v) for k, v in (substitutions or {}).items()}
    query, rest = bind(query, bound)
    variables = {Variable(k): v for k, v in rest.items()}
    dataset: dict[str, Any] = {"use_default_graph_as_union": True}
    if graphs is not None:
        dataset = {"default_graph": [DefaultGraph(), *map(NamedNode, graphs)]}
    solutions = store.query(query, prefixes=PREFIXES, substitutions=variables or None, **dataset)
    assert isinstance(solutions, QuerySolutions), "select() runs SELECT queries"
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: python_value(solution[name]) for name in names}


def bind(query: str, values: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The query with each variable of ``values`` replaced by its RDF term, and what could not be.

    Oxigraph plans a query before it applies its ``substitutions``, so a lookup of one claim
    by id scanned every claim (0.7 s at 100,000 claims; an evidence query 30 s). A constant in
    the pattern is planned as an index lookup. Each value enters as a term that Oxigraph itself
    serialises (``str(term)``: an escaped literal or an IRI), so it is data, never syntax. The
    WHERE group gets a ``BIND`` of each so the variable is still there to project or group by.
    Queries with a subquery keep Oxigraph's substitutions (a subquery projects its variables).
    """
    where = _WHERE.search(query)
    if not values or where is None:
        return query, values
    end = _closing_brace(query, where.end() - 1)
    body = query[where.end() : end]
    if end < 0 or re.search(r"\bSELECT\b", body, re.IGNORECASE):
        return query, values
    binds = ""
    for name, term in values.items():
        constant = str(term)
        body = re.sub(rf"[?$]{re.escape(name)}\b", lambda _: constant, body)  # noqa: B023 (used at once)
        binds += f" BIND({term} AS ?{name})"
    return f"{query[: where.end()]}{binds}{body}{query[end:]}", {}


def _closing_brace(text: str, opening: int) -> int:
    """Index of the brace that closes the one at ``opening`` (braces inside strings and IRIs skipped)."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|<[^<>"{}|^`\\\s]*>|[{}]', text[opening:]):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                return opening + match.start()
    return -1
