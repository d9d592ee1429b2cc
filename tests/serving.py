"""Helpers for the tests of kg serve: a site on a free port of 127.0.0.1, and raw HTTP requests to it."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.serve import Site, make_server


@contextmanager
def serving(data_dir: Path, build_dir: Path, **options: Any) -> Iterator[Site]:
    """A site served from a thread on a port the system picks; stopped and closed afterwards."""
    site = Site(data_dir=data_dir, build_dir=build_dir, port=0, **options)
    server = make_server(site)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def json(self) -> Any:
        return json.loads(self.body)


def call(
    site: Site,
    method: str,
    path: str,
    *,
    body: bytes | str | None = None,
    headers: dict[str, str] | None = None,
    host: str | None = "",
) -> Answer:
    """One request, with exactly the headers given; ``host`` "" sends the site's own, None sends none."""
    connection = http.client.HTTPConnection(site.host, site.port, timeout=60)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host or f"{site.host}:{site.port}")
        payload = body.encode("utf-8") if isinstance(body, str) else body
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if payload is not None:
            connection.putheader("Content-Length", str(len(payload)))
        connection.endheaders(payload)
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def write(site: Site, path: str, payload: Any, **headers: str) -> Answer:
    """A write as the site's own page sends it (token, JSON, same origin); keyword headers override."""
    sent = {"Content-Type": "application/json", "X-KG-Token": site.token, "Origin": site.origin}
    sent |= {name.replace("_", "-"): value for name, value in headers.items()}
    return call(site, "POST", path, body=json.dumps(payload), headers={k: v for k, v in sent.items() if v})


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: to show that nothing changed, or what did."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
