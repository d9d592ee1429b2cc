"""kg serve as attack surface: Host checks, write tokens and origins, escaping, paths, the policy.

A page of another site must change nothing: not through DNS rebinding (a foreign Host), not with
a form or a fetch from its own origin, not without the token only our pages carry.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.rebuild import rebuild
from kg.serve import Site, make_server
from tests.conftest import FIXTURES
from tests.serving import call, serving, tree, write

SCRIPT = "<script>window.__xss=1</script>"
IMAGE = '<img src=x onerror="window.__xss=1">'


@pytest.fixture
def desk(mini_copy: Path, tmp_path: Path) -> Iterator[Site]:
    (mini_copy / "drafts").mkdir()
    for name in ("review-en.yaml", "review-en.txt"):
        shutil.copy(FIXTURES / "serve" / name, mini_copy / "drafts" / name)
    rebuild(mini_copy, tmp_path / "build")
    with serving(mini_copy, tmp_path / "build") as site:
        yield site


def review_all(action: str = "reject") -> dict[str, object]:
    return {"claims": [{"index": 0, "decision": "accept", "claim": {}}, {"index": 1, "decision": action}]}


# --- DNS rebinding: only our own name --------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        pytest.param("attacker.example:{port}", id="rebound-name"),
        pytest.param("attacker.example", id="no-port"),
        pytest.param("127.0.0.1:1", id="other-port"),
        pytest.param(None, id="no-host"),
    ],
)
def test_a_foreign_host_is_refused(desk: Site, host: str | None) -> None:
    before = tree(desk.data_dir)
    named = host.format(port=desk.port) if host else None
    assert call(desk, "GET", "/", host=named).status == 421
    answer = call(
        desk,
        "POST",
        "/review",
        host=named,
        body=json.dumps({"text": "Acme Capital invested $1 billion.", "source_id": "x", "published": "2025-01-01"}),
        headers={"Content-Type": "application/json", "X-KG-Token": desk.token, "Origin": f"http://{named}"},
    )
    assert answer.status == 421 and tree(desk.data_dir) == before


def test_our_own_names_are_answered(desk: Site) -> None:
    assert call(desk, "GET", "/").status == 200
    assert call(desk, "GET", "/", host=f"localhost:{desk.port}").status == 200


# --- writes: token, JSON, same origin --------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status", "message"),
    [
        pytest.param({"Origin": "https://attacker.example"}, 403, "a page of another site", id="foreign-origin"),
        pytest.param({"Origin": "null"}, 403, "a page of another site", id="opaque-origin"),
        pytest.param({"Origin": "", "Sec_Fetch_Site": "cross-site"}, 403, "cross-site", id="cross-site-fetch"),
        pytest.param({"Origin": "", "Sec_Fetch_Site": "same-site"}, 403, "same-site", id="same-site-is-not-ours"),
        pytest.param({"Origin": ""}, 403, "no Origin, no Sec-Fetch-Site", id="no-origin"),
        pytest.param({"X_KG_Token": ""}, 403, "no valid token", id="no-token"),
        pytest.param({"X_KG_Token": "guessed"}, 403, "no valid token", id="wrong-token"),
        pytest.param({"Content_Type": "text/plain"}, 415, "a write sends JSON", id="simple-form-post"),
    ],
)
def test_a_write_from_elsewhere_changes_nothing(desk: Site, headers: dict[str, str], status: int, message: str) -> None:
    before = tree(desk.data_dir)
    for path, payload in (("/review/review-en", review_all()), ("/review", {"text": "x", "source_id": "x"})):
        answer = write(desk, path, payload, **headers)
        assert answer.status == status and message in answer.text
    assert tree(desk.data_dir) == before


def test_the_token_is_in_our_pages_only(desk: Site) -> None:
    assert f'<meta name="kg-token" content="{desk.token}">' in call(desk, "GET", "/review").text
    assert desk.token not in call(desk, "GET", "/static/review.js").text
    assert desk.token not in call(desk, "GET", "/review/review-en.json").text  # a twin is data, not a page
    assert "Access-Control-Allow-Origin" not in call(desk, "GET", "/review/review-en.json").headers


def test_reading_is_never_a_write(desk: Site) -> None:
    assert call(desk, "GET", "/review/review-en/save").status == 404
    assert call(desk, "PUT", "/review/review-en").status == 501  # no such method at all


# --- every response: the policy, and data as text --------------------------------------------


PATHS = ["/", "/index.json", "/figures", "/figure/acme-widget-2024", "/review", "/review/review-en", "/static/site.css"]


@pytest.mark.parametrize("path", [*PATHS, "/no-such-page", "/sparql?query=ASK%7B%7D"])
def test_every_response_carries_the_policy(desk: Site, path: str) -> None:
    headers = call(desk, "GET", path).headers
    policy = headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_the_query_page_allows_inline_styles_but_no_inline_script(desk: Site) -> None:
    policy = call(desk, "GET", "/query").headers["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy


@pytest.fixture
def hostile(mini_copy: Path, tmp_path: Path) -> Iterator[Site]:
    """The small dataset with markup in an actor's label, a source's title and a claim's note."""
    actors = mini_copy / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8").replace("Acme Capital, zh", f"{json.dumps(SCRIPT)}, zh"))
    sources = mini_copy / "sources.yaml"
    sources.write_text(sources.read_text(encoding="utf-8").replace("A small article for tests", json.dumps(IMAGE)))
    rebuild(mini_copy, tmp_path / "build")
    with serving(mini_copy, tmp_path / "build") as site:
        yield site


@pytest.mark.parametrize("path", ["/", "/figures", "/figure/acme-widget-2024", "/search?q=widget"])
def test_data_is_shown_as_text(hostile: Site, path: str) -> None:
    page = call(hostile, "GET", path).text
    assert SCRIPT not in page and IMAGE not in page
    assert "&lt;script&gt;" in page or "&lt;img" in page


def test_a_pasted_article_with_markup_stays_text(desk: Site) -> None:
    text = f"Review News, 2 March 2025\n\n{SCRIPT} Acme Capital invested $1.2 billion in Widget AI. {IMAGE}\n"
    answer = write(desk, "/review", {"text": text, "source_id": "markup", "published": "2025-03-02", "lang": "en"})
    assert answer.status == 200, answer.text
    page = call(desk, "GET", "/review/markup").text
    assert SCRIPT not in page and IMAGE not in page and "\\u003cscript\\u003e" in page  # JSON with < escaped
    assert (desk.data_dir / "drafts" / "markup.txt").read_text(encoding="utf-8") == text


# --- paths -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/static/../server.py", "/static/%2e%2e/server.py", "/static/yasgui/../../web.py", "/static//etc/passwd",
     "/review/..%2f..%2fsources", "/figure/..%2f..%2fetc"],
)  # fmt: skip
def test_nothing_is_served_from_outside_its_folder(desk: Site, path: str) -> None:
    answer = call(desk, "GET", path)
    assert answer.status == 404 and b"import" not in answer.body and b"root:" not in answer.body


@pytest.mark.parametrize("host", ["0.0.0.0", "::", ""])
def test_every_interface_is_refused(host: str, mini_build: Path) -> None:
    with pytest.raises(ValueError, match="listens on every interface"):
        make_server(Site(data_dir=FIXTURES / "mini", build_dir=mini_build, host=host, port=0))


# --- the command -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(["--host", "0.0.0.0"], "--host 0.0.0.0 listens on every interface", id="every-interface"),
        pytest.param(["--draft", "no-such-draft.yaml"], "no-such-draft.yaml: no such draft file", id="no-draft"),
        pytest.param(["--port", "70000"], "65535", id="bad-port"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(
    runner: CliRunner, mini_build: Path, arguments: list[str], message: str
) -> None:
    result = runner.invoke(app, ["serve", *arguments, "--data", str(FIXTURES / "mini"), "--build", str(mini_build)])
    assert result.exit_code == 2 and message in result.output


def test_a_taken_port_is_one_line(runner: CliRunner, mini_build: Path) -> None:
    with serving(FIXTURES / "mini", mini_build) as running:
        result = runner.invoke(
            app, ["serve", "--port", str(running.port), "--data", str(FIXTURES / "mini"), "--build", str(mini_build)]
        )
    assert result.exit_code == 2 and f"cannot listen on 127.0.0.1:{running.port}" in result.output


def test_kg_serve_starts_answers_and_stops_on_ctrl_c(mini_copy: Path, tmp_path: Path) -> None:
    rebuild(mini_copy, tmp_path / "build")
    command = [
        sys.executable,
        "-m",
        "kg.cli",
        "serve",
        "--port",
        "0",
        "--data",
        str(mini_copy),
        "--build",
        str(tmp_path / "build"),
    ]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ | {"PYTHONUNBUFFERED": "1"}
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("serving http://127.0.0.1:"), line
        port = int(line.split(":")[2].split("/")[0])
        site = Site(data_dir=mini_copy, build_dir=tmp_path / "build", port=port)
        assert call(site, "GET", "/").status == 200
        process.send_signal(signal.SIGINT)
        _, errors = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 0 and "stopped" in errors and "Traceback" not in errors
