"""kg: a knowledge graph of AI-investment claims.

Every figure of an article becomes a claim with its quantity, period, kind, attribution and the
exact characters of the source it rests on; funding flows say who funds whom. The public API,
as a notebook would use it::

    import kg
    store = kg.open_store("build", data_dir="data")          # builds first when needed
    rows = kg.run_query(store, "SELECT ?s WHERE { ?s a kg:Actor }").records()
    flows = kg.funding_flows(store)
    paths = kg.chains(kg.funding_graph(flows), "us-retirees", "ai-data-centres")
    hits = kg.trace_figure(store, "1091亿美元")
    compared = kg.compare_sources(kg.read_figures(store), kg.read_groups(store))

Names are imported on first use (PEP 562), so that ``import kg`` stays cheap for commands that
need only part of it. None is named like a module of the package (``kg.build`` is the module;
``kg.build_graph`` its function), since importing a submodule rebinds its name on the package.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_PUBLIC = {
    "load_dataset": "kg.load",
    "LoadError": "kg.load",
    "Dataset": "kg.models",
    "Claim": "kg.models",
    "Quantity": "kg.models",
    "Span": "kg.models",
    "build_graph": ("kg.build", "build"),
    "build_quads": "kg.build",
    "open_store": "kg.store",
    "load_graph": "kg.graph",
    "run_query": "kg.query",
    "QueryError": "kg.query",
    "list_figures": ("kg.figures", "figures"),
    "funding_flows": ("kg.flows", "flows"),
    "actors": "kg.flows",
    "resolve_actor": "kg.flows",
    "funding_graph": "kg.flows",
    "chains": "kg.flows",
    "ultimate_sources": "kg.flows",
    "trace_figure": ("kg.trace", "trace"),
    "evidence": "kg.trace",
    "TraceError": "kg.trace",
    "run_checks": "kg.check",
    "build_page": "kg.viz",
    "extract_figures": ("kg.extract", "extract"),
    "Finding": "kg.check",
    "read_figures": "kg.figures",
    "compare_sources": ("kg.compare", "compare"),
    "read_groups": "kg.compare",
    "Comparison": "kg.compare",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'kg' has no attribute {name!r}")
    target = _PUBLIC[name]
    module, attribute = target if isinstance(target, tuple) else (target, name)
    value = getattr(import_module(module), attribute)
    globals()[name] = value
    return value
