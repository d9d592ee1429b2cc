"""What every route shares: the site's settings, a request, a response, and the page templates.

Templates are Jinja2 with autoescaping on for every file: whatever comes from the data or from
an uploaded article is escaped where it lands. Data a page's script needs travels as JSON inside
``<script type="application/json">`` (:func:`kg.viz.json_for_html` escapes ``<``, ``>`` and
``&``), which the browser never runs and the script reads with ``JSON.parse``.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from email.message import Message
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup
from pyoxigraph import Store

from kg.buildfolder import current
from kg.output import to_json
from kg.query import DEFAULT_TIMEOUT
from kg.store import open_store
from kg.viz import json_for_html

TEMPLATES = Path(__file__).with_name("templates")
STATIC = Path(__file__).with_name("static")

#: What a page may load: this site's own scripts, styles and images, and nothing else.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


@dataclass
class Site:
    """One running site: where its data and build are, where it listens, and its secret."""

    data_dir: Path
    build_dir: Path
    host: str = "127.0.0.1"
    port: int = 8000
    timeout: float = DEFAULT_TIMEOUT  # seconds a SPARQL query may run
    extra_drafts: tuple[Path, ...] = ()  # draft files named on the command line (kg serve --draft)
    #: Proof that a write comes from a page of this site: only its pages carry it.
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    #: One save at a time: a save writes into --data and rebuilds.
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    _cache: dict[Any, Any] = field(default_factory=dict)
    _cache_lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def hosts(self) -> set[str]:
        """The Host headers we answer: the bound address and port (and localhost's name on loopback)."""
        names = {self.origin.removeprefix("http://")}
        if self.host in ("127.0.0.1", "::1"):
            names.add(f"localhost:{self.port}")
        return names

    def store(self) -> Store:
        """The build's store, opened for this request only: a save swaps the build folder underneath."""
        return open_store(self.build_dir)

    def cached(self, key: Any, make: Callable[[], Any]) -> Any:
        """``make()``, kept until the build changes (pages that take seconds at corpus size)."""
        stamp = current(self.build_dir)  # each build is a new generation: answers keep until the next one
        with self._cache_lock:
            hit = self._cache.get(key)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        value = make()
        with self._cache_lock:
            self._cache[key] = (stamp, value)
        return value


@dataclass
class Request:
    method: str
    path: str  # percent-decoded
    query: dict[str, list[str]]
    headers: Message
    body: bytes = b""

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


class HttpError(Exception):
    """A request we answer with an error status and one line of text."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def text_response(status: int, message: str) -> Response:
    return Response(status, (message.rstrip("\n") + "\n").encode("utf-8"), "text/plain; charset=utf-8")


def json_response(data: Any, status: int = 200) -> Response:
    """JSON as the commands print it (decimals as strings, so they stay exact)."""
    return Response(status, (to_json(data) + "\n").encode("utf-8"), "application/json; charset=utf-8")


def redirect(location: str) -> Response:
    return Response(303, b"", "text/plain; charset=utf-8", {"Location": location})


def _number(value: Any) -> str:
    """A decimal as people read it: 345,000,000,000 and 0.083333333333 (no exponent, no trailing zeros)."""
    if not isinstance(value, Decimal):
        return "" if value is None else str(value)
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _web_address(value: Any) -> str | None:
    """An address safe to put in an href: http(s) only, so a javascript: URL in the data stays text."""
    text = str(value or "")
    return text if text.startswith(("http://", "https://")) else None


_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENVIRONMENT.filters["number"] = _number
_ENVIRONMENT.filters["web_address"] = _web_address
_ENVIRONMENT.filters["json_for_html"] = lambda value: Markup(json_for_html(value))


def render(site: Site, template: str, status: int = 200, **context: Any) -> Response:
    """A page from its template; ``site`` gives every page its token (for writes) and the navigation."""
    page = _ENVIRONMENT.get_template(template).render(token=site.token, **context)
    return Response(status, page.encode("utf-8"), "text/html; charset=utf-8")


def page(site: Site, template: str, data: Any, twin: bool, **context: Any) -> Response:
    """The page, or its ``.json`` twin: the same ``data`` as JSON."""
    return json_response(data) if twin else render(site, template, data=data, **context)
