"""`kg serve`: one local site to look at the graph, query it, trace its figures and review drafts.

A skin over the library, as the CLI is: each page calls the function its command calls
(:func:`kg.trace.evidence` for a figure page, :func:`kg.query.run_query` for ``/sparql``,
:func:`kg.viz.build_page` for ``/graph``, :func:`kg.load.load_dataset` and :func:`kg.build.build`
when a review is saved) and shows the result. Every page has a ``.json`` twin.

- :mod:`kg.serve.server`  the HTTP server: routing, the Host check, tokens, security headers
- :mod:`kg.serve.pages`   home, search, figures, a figure, canned queries, the graph
- :mod:`kg.serve.sparql`  the SPARQL 1.1 Protocol endpoint and its result formats
- :mod:`kg.serve.review`  the review desk: drafts, their pages, a new draft from a pasted text
- :mod:`kg.serve.saving`  a review checked as ``kg build`` checks it, written and built
- :mod:`kg.serve.datafiles`  writing into the data folder: YAML by text, staged, atomic

The standard library's ThreadingHTTPServer carries it: every library call blocks (Oxigraph,
pydantic), one person uses the site, and a thread per request needs no event loop.
"""

from __future__ import annotations

from kg.serve.server import make_server
from kg.serve.web import Site

__all__ = ["Site", "make_server"]
