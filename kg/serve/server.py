"""The HTTP server of `kg serve`: the routes, and the checks every request passes first.

- **Host.** A request whose Host header is not the address and port the site is bound to is
  refused. A page of another site that points its own name at 127.0.0.1 (DNS rebinding) still
  sends its own name as Host, so it never reaches a route. For the same reason the site binds one
  address, never 0.0.0.0: it must know the one name it answers to.
- **Writes** (every POST but ``/sparql``, which only reads) need the session's token in
  ``X-KG-Token``, which only the site's own pages carry; a JSON body, which a page of another site
  cannot send without a CORS preflight that is never granted; and a same-origin request by its
  ``Origin`` or ``Sec-Fetch-Site`` header. A page of another site changes nothing.
- **Every response** carries a Content-Security-Policy of 'self' (no inline script, no other
  host), ``nosniff``, no framing and no referrer.
"""

from __future__ import annotations

import hmac
import ipaddress
import mimetypes
import re
import socket
import sys
import time
import traceback
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TextIO
from urllib.parse import parse_qs, unquote, urlsplit

from kg.serve import pages, review, saving, sparql
from kg.serve.web import DEFAULT_POLICY, STATIC, HttpError, Request, Response, Site, text_response
from kg.store import StoreError

MAX_BODY = 20 * 2**20  # bytes: a pasted article of a few MB, a review's decisions, a query

SLUG = r"[a-z0-9][a-z0-9-]*"
TWIN = r"(?P<twin>\.json)?"

Handler = Callable[..., Response]

#: (method, path, handler, whether it writes). A path's groups are the handler's arguments.
ROUTES: list[tuple[str, re.Pattern[str], Handler, bool]] = [
    (method, re.compile(path), handler, writes)
    for method, path, handler, writes in (
        ("GET", r"/|/index(?P<twin>\.json)", pages.home, False),
        ("GET", rf"/search{TWIN}", pages.search, False),
        ("GET", rf"/figures{TWIN}", pages.figure_list, False),
        ("GET", rf"/figure/(?P<claim>{SLUG}){TWIN}", pages.figure, False),
        ("GET", r"/query", pages.query_editor, False),
        ("GET", rf"/query/(?P<name>{SLUG}){TWIN}", pages.canned_query, False),
        ("GET", r"/sparql", sparql.endpoint, False),
        ("POST", r"/sparql", sparql.endpoint, False),  # a query in the body: it reads, it writes nothing
        ("GET", r"/graph", pages.graph, False),
        ("GET", rf"/review{TWIN}", review.drafts_page, False),
        ("POST", r"/review", review.new_draft, True),
        ("GET", rf"/review/(?P<name>{SLUG}){TWIN}", review.draft_page, False),
        ("POST", rf"/review/(?P<name>{SLUG})", saving.save, True),
        ("GET", r"/static/(?P<path>[A-Za-z0-9._/-]+)", lambda site, request, path: static_file(path), False),
    )
]


def dispatch(site: Site, request: Request) -> Response:
    """The response of the route that matches, after the checks a write needs."""
    allowed = []
    for method, pattern, handler, writes in ROUTES:
        match = pattern.fullmatch(request.path)
        if match is None:
            continue
        allowed.append(method)
        if request.method != method and not (request.method == "HEAD" and method == "GET"):
            continue
        if writes:
            check_write(site, request)
        arguments: dict[str, Any] = dict(match.groupdict())
        if "twin" in arguments:
            arguments["twin"] = arguments["twin"] is not None
        return handler(site, request, **arguments)
    if allowed:
        raise HttpError(405, f"{request.method} is not allowed here (only {', '.join(allowed)})")
    raise HttpError(404, f"nothing at {request.path}")


def check_write(site: Site, request: Request) -> None:
    """Refuse a write that does not come from a page of this site."""
    origin, fetch_site = request.headers.get("Origin"), request.headers.get("Sec-Fetch-Site")
    if origin is None and fetch_site is None:
        raise HttpError(403, "refused: a write must come from a page of this site (no Origin, no Sec-Fetch-Site)")
    if origin is not None and origin not in {f"http://{host}" for host in site.hosts()}:
        raise HttpError(403, f"refused: a write from {origin}, a page of another site")
    if fetch_site is not None and fetch_site != "same-origin":
        raise HttpError(403, f"refused: a write from a {fetch_site} page")
    if (request.headers.get("Content-Type") or "").split(";")[0].strip().lower() != "application/json":
        raise HttpError(415, "refused: a write sends JSON")
    token = request.headers.get("X-KG-Token") or ""
    if not hmac.compare_digest(token.encode("utf-8"), site.token.encode("utf-8")):
        raise HttpError(403, "refused: no valid token (reload the page: the server was restarted)")


_TYPES = {".js": "text/javascript", ".css": "text/css", ".md": "text/plain", "": "text/plain"}


def static_file(path: str) -> Response:
    """A file of kg/serve/static (scripts, styles, the vendored YASGUI and its licence)."""
    root = STATIC.resolve()
    target = (root / path).resolve()
    if not target.is_relative_to(root) or not target.is_file():
        raise HttpError(404, f"no static file {path}")
    kind = _TYPES.get(target.suffix) or mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    charset = "; charset=utf-8" if kind.startswith("text/") else ""
    return Response(200, target.read_bytes(), kind + charset, {"Cache-Control": "no-cache"})


class _Handler(BaseHTTPRequestHandler):
    server: SiteServer
    server_version = "kg-serve"
    sys_version = ""

    def do_GET(self) -> None:
        self._handle("GET")

    def do_HEAD(self) -> None:
        self._handle("HEAD")

    def do_POST(self) -> None:
        self._handle("POST")

    def _handle(self, method: str) -> None:
        started = time.perf_counter()
        site = self.server.site
        try:
            response = dispatch(site, self._request(site, method))
        except HttpError as err:
            response = text_response(err.status, str(err))
        except StoreError as err:  # no build yet, or one being swapped in by a save
            response = text_response(503, f"{err}; reload in a moment")
        except Exception as err:  # one line for the page; the traceback for the terminal that runs us
            traceback.print_exc(file=self.server.log or sys.stderr)
            response = text_response(500, f"internal error: {type(err).__name__}: {err}")
        self._send(response, body=method != "HEAD")
        if self.server.log is not None:
            elapsed = (time.perf_counter() - started) * 1000
            print(f"{method} {self.path} {response.status} {elapsed:.0f} ms", file=self.server.log, flush=True)

    def _request(self, site: Site, method: str) -> Request:
        host = self.headers.get("Host") or ""
        if host not in site.hosts():
            raise HttpError(421, f"refused: this site answers to {site.origin.removeprefix('http://')}, not {host!r}")
        parts = urlsplit(self.path)
        body = b""
        if method == "POST":
            length = self.headers.get("Content-Length")
            if length is None or not length.isdigit():
                raise HttpError(411, "a POST needs a Content-Length")
            if int(length) > MAX_BODY:
                raise HttpError(413, f"refused: a body of more than {MAX_BODY // 2**20} MB")
            body = self.rfile.read(int(length))
        return Request(method, unquote(parts.path), parse_qs(parts.query, keep_blank_values=True), self.headers, body)

    def _send(self, response: Response, *, body: bool) -> None:
        headers = {
            "Content-Type": response.content_type,
            "Content-Length": str(len(response.body)),
            "Content-Security-Policy": DEFAULT_POLICY,
            "X-Content-Type-Options": "nosniff",
            "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Cross-Origin-Resource-Policy": "same-origin",
            "Cache-Control": "no-store",
        } | response.headers
        try:
            self.send_response(response.status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            if body:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went away (a reload, a closed tab)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: :meth:`_handle` logs one line per request, with its time."""


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True  # a request still running does not keep Ctrl-C waiting

    def __init__(self, site: Site, log: TextIO | None):
        self.address_family = socket.AF_INET6 if ":" in site.host else socket.AF_INET
        self.site, self.log = site, log
        super().__init__((site.host, site.port), _Handler)
        site.port = self.server_address[1]  # the port the system chose, for --port 0


def make_server(site: Site, log: TextIO | None = None) -> SiteServer:
    """A server for ``site``, bound and ready for ``serve_forever()``; ValueError for an address of every interface."""
    try:
        unspecified = ipaddress.ip_address(site.host).is_unspecified
    except ValueError:
        unspecified = site.host == ""
    if unspecified:
        shown = site.host or "''"
        raise ValueError(f"--host {shown} listens on every interface; give one address (the Host check needs it)")
    return SiteServer(site, log)
