"""kg.viz: one offline page of who funds whom, checked as text and in Debian's chromium.

The browser tests drive /usr/bin/chromium (or $KG_CHROMIUM) through playwright, never Playwright's
own browser download. Without chromium they are skipped, except under CI=true, where they fail.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.figures import figures
from kg.flows import Actor, Flow, flows, funding_graph
from kg.rebuild import rebuild
from kg.store import open_store
from kg.trace import evidence
from kg.viz import build_page, context_segments, draw, json_for_html, render, write_page

CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")  # Debian's; never Playwright's download
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCRIPT_PAYLOAD = "<script>window.__xss=1</script>"
IMAGE_PAYLOAD = '<img src=x onerror="window.__xss=1">'


def page_data(page: str) -> dict[str, Any]:
    """The JSON the page carries, read back as the browser reads it."""
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, flags=re.DOTALL)
    assert match, "the page carries no data"
    return json.loads(match[1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def article_page(article_build: Path) -> str:
    return build_page(open_store(article_build))


# --- the page as text ------------------------------------------------------------------------


def test_page_fetches_nothing(article_page: str) -> None:
    assert not re.search(r"<script[^>]*\ssrc\s*=", article_page, flags=re.IGNORECASE)
    assert not re.search(r"<link\b", article_page, flags=re.IGNORECASE)
    assert not re.search(r"""\s(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", article_page, flags=re.IGNORECASE)
    assert "default-src 'none'" in article_page  # the policy forbids every fetch the page might try
    assert "vis-network" in article_page and "@version 9." in article_page  # inlined from pyvis's copy


def test_writing_the_page_leaves_no_lib_folder(
    article_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    size = write_page(tmp_path / "out" / "graph.html", open_store(article_build))
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["graph.html", "out"]
    assert size == (tmp_path / "out" / "graph.html").stat().st_size


def test_nodes_and_edges_are_the_flow_graph(article_build: Path, article_page: str) -> None:
    graph = funding_graph(flows(open_store(article_build)))
    data = page_data(article_page)
    assert len(data["nodes"]) == graph.number_of_nodes() == 25
    assert len(data["edges"]) == graph.number_of_edges() == 28
    assert {n["id"] for n in data["nodes"]} == set(graph.nodes)
    assert {e["id"] for e in data["edges"]} == {key for _, _, key in graph.edges(keys=True)}
    assert {(e["from"], e["to"]) for e in data["edges"]} == {(a, b) for a, b, _ in graph.edges(keys=True)}


def test_edges_show_amounts_and_dash_without_one(article_page: str) -> None:
    edges = {e["id"]: e for e in page_data(article_page)["edges"]}
    annuities = edges["us-annuity-sales-2025"]
    assert annuities["label"] == "3450亿美元 ($345B) · 2025"
    assert "3450亿美元 (= 345,000,000,000 USD)" in annuities["title"]
    assert not annuities["dashes"] and annuities["arrows"] == "to"
    unstated = edges["life-insurers-buy-tech-bonds"]
    assert unstated["dashes"] and unstated["width"] < annuities["width"]
    widths = sorted((e["width"], e["id"]) for e in edges.values() if not e["dashes"])
    assert widths[-1][1] == "tech-giants-capex-commitments-2025"  # 数千亿美元, the biggest amount


def test_nodes_sized_by_money_and_coloured_by_type(article_page: str) -> None:
    data = page_data(article_page)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["ai-data-centres"]["size"] > nodes["us-life-insurers"]["size"] > nodes["oracle"]["size"]
    assert nodes["oracle"]["color"]["background"] == nodes["openai"]["color"]["background"]  # both companies
    assert set(data["types"]) >= {"Company", "Insurer", "Market"}
    assert nodes["oracle"]["title"].startswith("Oracle  (甲骨文)\nType: Company")


def test_clicks_carry_the_evidence_that_tracing_shows(article_build: Path, article_page: str) -> None:
    store = open_store(article_build)
    record = page_data(article_page)["evidence"]["us-annuity-sales-2025"]
    traced = evidence(store, "us-annuity-sales-2025")
    assert record["summary"] == traced.sentence_en
    assert "".join(piece[0] for piece in record["context"]) == traced.sentence
    assert [p[0] for p in record["context"] if p[1] == "figure"] == ["3450亿美元"]
    assert record["source"] == {
        "title": "Who pays for America?",
        "original_title": "谁为美国买单?",
        "publisher": traced.source["publisher"],
        "author": "心灵观察",
        "date": "2025-11-19",
        "id": "article-zh",
    }
    (upstream,) = record["upstream"]  # issue 8: the report's own figure and the verdict
    assert (upstream["claim"], upstream["text"], upstream["verdict"]) == (
        "wsj-us-annuity-sales-2025-9m",
        "345 billion",
        "differs in period",
    )
    assert upstream["period"] == "2025-01/2025-09" and "Wall Street Journal" in upstream["source"]


def test_context_counts_code_points_not_utf16(article_build: Path) -> None:
    found = evidence(open_store(article_build), "us-annuity-sales-2025")
    assert found.sentence and found.sentence_start is not None and found.start is not None
    shifted = "𝟘" + found.sentence  # a character outside the BMP before the figure
    found.sentence, found.sentence_start = shifted, found.sentence_start - 1
    pieces = context_segments(found)
    assert pieces and [p[0] for p in pieces if p[1] == "figure"] == ["3450亿美元"]


def test_zh_labels(article_build: Path) -> None:
    data = page_data(build_page(open_store(article_build), lang="zh"))
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels["us-life-insurers"] == "人寿保险公司"
    assert data["types"]["Insurer"]["label"] == "保险公司"
    assert data["kindLabels"]["forecast"] == "预测"
    assert data["text"]["title"].startswith("谁资助谁")
    with pytest.raises(ValueError, match="language must be one of en, zh"):
        build_page(open_store(article_build), lang="fr")


def test_claims_hang_figures_off_their_actors(article_build: Path) -> None:
    store = open_store(article_build)
    flow_claims = {f.claim for f in flows(store)}
    expected = {r["id"] for r in figures(store) if r["id"] not in flow_claims}
    data = page_data(build_page(store, claims=True))
    figure_nodes = {n["id"].removeprefix("figure:") for n in data["nodes"] if n["id"].startswith("figure:")}
    assert figure_nodes == expected and len(expected) > 20
    links = [e for e in data["edges"] if data["edgeMeta"][e["id"]]["kind"] == "figureLink"]
    assert {e["to"].removeprefix("figure:") for e in links} == expected
    assert all(e["from"] in data["nodeMeta"] for e in links)
    assert set(data["evidence"]) >= expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("</script><script>alert(1)</script>", id="closing-script"),
        pytest.param("<!-- <script>", id="comment-open"),
        pytest.param("a & b > c\u2028d", id="ampersand-and-line-separator"),
    ],
)
def test_json_for_html_cannot_leave_its_script(text: str) -> None:
    encoded = json_for_html({"label": text})
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert json.loads(encoded) == {"label": text}


def synthetic_flows(actors: int, *, seed: int = 7) -> list[Flow]:
    """~1.5 flows per actor, funders skewed so that a few hold most of the money."""
    rng = random.Random(seed)
    types = ("Company", "Investor", "Fund", "Market")
    people = [Actor(f"a{i}", f"Actor {i}", f"主体{i}", types[i % len(types)]) for i in range(actors)]
    found = []
    for number in range(actors * 3 // 2):
        funder, recipient = people[int(actors * rng.random() ** 2)], people[rng.randrange(actors)]
        value = Decimal(int(10 ** rng.uniform(6, 11))) if rng.random() < 0.7 and funder is not recipient else None
        found.append(
            Flow(
                claim=f"c{number}",
                funder=funder,
                recipient=recipient,
                instrument={"id": "venture-round", "en": "Venture round", "zh": "风险投资轮"},
                kind=rng.choice(("fact", "forecast")),
                source="synthetic",
                value=value,
                unit="USD" if value is not None else None,
                text=f"${value:,}" if value is not None else None,
                period=rng.choice(("2024", "2025", None)),
            )
        )
    return found


def test_big_graphs_are_aggregated() -> None:
    found = synthetic_flows(400)
    drawing = draw(found, max_nodes=60)
    kinds = {n["id"]: drawing.node_meta[n["id"]]["kind"] for n in drawing.nodes}
    assert len(drawing.nodes) <= 60
    assert sorted(k for k in kinds.values() if k == "group") == ["group"] * 4  # one per actor type
    shown = {a for a, k in kinds.items() if k == "actor"}
    everyone = funding_graph(found)
    grouped = sum(drawing.node_meta[g]["count"] for g, k in kinds.items() if k == "group")
    assert len(shown) + grouped == everyone.number_of_nodes()
    money = {a: sum((f.value or 0) for f in found if a in (f.funder.id, f.recipient.id)) for a in everyone}
    assert min(money[a] for a in shown) >= max(money[a] for a in everyone if a not in shown)  # the richest
    drawn = sum(1 for e in drawing.edges if drawing.edge_meta[e["id"]]["kind"] == "flow")
    merged = sum(len(drawing.edge_meta[e["id"]]["claims"]) for e in drawing.edges if e["id"].startswith("merged:"))
    hidden = int(re.search(r"([\d,]+) flows inside a group", drawing.notes[0])[1])  # type: ignore[index]
    assert drawn + merged + hidden == len(found)
    assert drawing.notes[0].startswith("Aggregated view: this graph has")
    assert "Actor 399" in drawing.grouped["others:Market"] or "Actor 399" in {
        n["label"] for n in drawing.nodes
    }  # grouped actors stay findable


def test_evidence_is_embedded_up_to_a_limit(article_build: Path) -> None:
    store = open_store(article_build)
    drawing = draw(flows(store), evidence_of=lambda claim: evidence(store, claim), evidence_limit=3)
    assert len(drawing.evidence) == 3
    assert "us-annuity-sales-2025" in drawing.evidence  # the biggest amounts come first
    assert any(note.startswith("Quotes are embedded for 3 of 28 claims") for note in drawing.notes)


def test_cli_writes_the_page(runner: CliRunner, article_build: Path, tmp_path: Path) -> None:
    from kg.load import DEFAULT_DATA

    out = tmp_path / "money.html"
    result = runner.invoke(
        app, ["viz", "--build", str(article_build), "--data", str(DEFAULT_DATA), "-o", str(out), "--lang", "zh"]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out} (") and out.exists()
    assert page_data(out.read_text(encoding="utf-8"))["lang"] == "zh"


def test_cli_default_output_is_in_the_build_folder(runner: CliRunner, mini_build: Path) -> None:
    from tests.conftest import MINI

    result = runner.invoke(app, ["viz", "--build", str(mini_build), "--data", str(MINI)])
    assert result.exit_code == 0, result.output
    assert (mini_build / "graph.html").exists()


def test_cli_refuses_a_bad_language(runner: CliRunner, mini_build: Path) -> None:
    result = runner.invoke(app, ["viz", "--build", str(mini_build), "--lang", "fr"])
    assert result.exit_code == 2
    assert "'fr' is not one of" in result.output


# --- a dataset whose every text is an attack ----------------------------------------------------


@pytest.fixture
def hostile_build(mini_copy: Path, tmp_path: Path) -> Path:
    """The small dataset with script and image tags in actor labels, a source title and the quotes."""
    text = (
        f"{SCRIPT_PAYLOAD} Acme Capital invested $2.5 billion in {IMAGE_PAYLOAD} Widget AI in 2024. "
        "Widget AI plans to spend more than 40% of the money on data centres by 2026."
    )
    (mini_copy / "sources" / "mini.txt").write_text(text, encoding="utf-8")
    first = text.split(". ")[0]
    second_start = len(first) + 2
    sources = (mini_copy / "sources.yaml").read_text(encoding="utf-8")
    sources = re.sub(r"sha256: \w+", f"sha256: {hashlib.sha256(text.encode()).hexdigest()}", sources)
    sources = sources.replace("title: A small article for tests", f"title: '{IMAGE_PAYLOAD} article'")
    (mini_copy / "sources.yaml").write_text(sources, encoding="utf-8")
    actors = (mini_copy / "actors.yaml").read_text(encoding="utf-8")
    actors = actors.replace("{en: Acme Capital, zh: 极致资本}", f"{{en: '{SCRIPT_PAYLOAD}', zh: '{IMAGE_PAYLOAD}'}}")
    actors = actors.replace("{en: Widget AI, zh: 小部件人工智能}", f"{{en: '{IMAGE_PAYLOAD}', zh: '{SCRIPT_PAYLOAD}'}}")
    (mini_copy / "actors.yaml").write_text(actors, encoding="utf-8")
    claims = f"""source: mini
claims:
  - id: acme-widget-2024
    subjects: [acme-capital, widget-ai]
    metric: investment
    quantity: {{value: "2500000000", unit: USD, text: $2.5 billion}}
    period: "2024"
    kind: fact
    evidence: {{start: 0, end: {len(first)}, quote: {json.dumps(first)}}}
    flow: {{funder: acme-capital, recipient: widget-ai, instrument: venture-round}}
  - id: widget-data-centre-share
    subjects: [widget-ai]
    metric: spending-share
    quantity: {{value: "40", unit: percent, text: 40%, hedge: more-than}}
    period: ../2026
    kind: plan
    evidence: {{start: {second_start}, end: {len(text) - 1}, quote: {json.dumps(text[second_start:-1])}}}
    flow: {{funder: widget-ai, recipient: data-centres, instrument: capex}}
"""
    (mini_copy / "claims" / "mini.yaml").write_text(claims, encoding="utf-8")
    (mini_copy / "claims" / "example-report.yaml").unlink()
    build_dir = tmp_path / "hostile-build"
    rebuild(mini_copy, build_dir)
    return build_dir


def test_hostile_texts_stay_inside_the_json(hostile_build: Path) -> None:
    page = build_page(open_store(hostile_build), claims=True)
    assert SCRIPT_PAYLOAD not in page and IMAGE_PAYLOAD not in page
    assert "window.__xss" in page  # it is there, escaped: \u003cscript\u003ewindow.__xss=1…
    data = page_data(page)
    assert {n["label"] for n in data["nodes"]} >= {SCRIPT_PAYLOAD, IMAGE_PAYLOAD}
    quote = "".join(p[0] for p in data["evidence"]["acme-widget-2024"]["context"])
    assert SCRIPT_PAYLOAD in quote and IMAGE_PAYLOAD in quote


# --- in the browser ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "the Python package playwright is not installed"
    if missing is None and not Path(CHROMIUM).exists():
        missing = f"{CHROMIUM} is missing (apt-get install chromium fonts-noto-cjk)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Visit:
    """A page opened from a file, with every request but the file itself refused and recorded."""

    def __init__(self, browser: Any, path: Path) -> None:
        self.uri = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": 1500, "height": 900})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.uri)
        self.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=60_000)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url == self.uri or url.startswith("data:"):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def edge_midpoint(self, edge: str) -> tuple[float, float]:
        """Where an edge's middle is on the screen (vis's own geometry, so curved edges work too)."""
        x, y = self.page.evaluate(
            """(id) => {
                const point = network.body.edges[id].edgeType.getPoint(0.5);
                const dom = network.canvasToDOM(point);
                const box = document.querySelector("#graph canvas").getBoundingClientRect();
                return [dom.x + box.left, dom.y + box.top];
            }""",
            edge,
        )
        return x, y

    def node_position(self, node: str) -> tuple[float, float]:
        x, y = self.page.evaluate(
            """(id) => {
                const dom = network.canvasToDOM(network.getPositions([id])[id]);
                const box = document.querySelector("#graph canvas").getBoundingClientRect();
                return [dom.x + box.left, dom.y + box.top];
            }""",
            node,
        )
        return x, y

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    opened: list[Visit] = []

    def open_page(path: Path) -> Visit:
        opened.append(Visit(browser, path))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


@pytest.mark.browser
def test_article_page_in_chromium(visit: Any, article_build: Path, article_page: str, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    path.write_text(article_page, encoding="utf-8")
    opened = visit(path)
    page = opened.page
    assert opened.errors == [] and opened.requests == []
    graph = funding_graph(flows(open_store(article_build)))
    assert page.evaluate("() => network.body.data.nodes.length") == graph.number_of_nodes()
    assert page.evaluate("() => network.body.data.edges.length") == graph.number_of_edges()
    assert page.evaluate("() => window.nodes.length + window.edges.length") == 25 + 28
    assert page.evaluate("() => network.physics.physicsEnabled") is False  # settled, then stopped

    x, y = opened.edge_midpoint("us-annuity-sales-2025")
    page.mouse.move(x, y)
    page.wait_for_selector("div.vis-tooltip", state="visible")
    tooltip = page.inner_text("div.vis-tooltip")
    assert "3450亿美元 (= 345,000,000,000 USD)" in tooltip and "Period: 2025" in tooltip
    page.mouse.click(x, y)
    panel = page.inner_text("#panel")
    assert "2025年美国年金销售额创下历史新高,达到3450亿美元" in panel
    assert page.inner_text("#panel mark") == "3450亿美元"
    assert "Who pays for America?" in panel and "us-annuity-sales-2025" in panel
    assert "In the report it rests on" in panel and "differs in period" in panel and "345 billion" in panel
    screenshot = tmp_path / "graph.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 50_000
    assert opened.errors == [] and opened.requests == []


@pytest.mark.browser
def test_filters_and_search(visit: Any, article_page: str, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    path.write_text(article_page, encoding="utf-8")
    page = visit(path).page
    page.select_option("#period", "2025")
    shown = page.evaluate("() => edges.get({filter: (e) => !e.hidden}).map((e) => e.id).sort()")
    assert shown == sorted(
        ["ai-megaround-size-2025", "tech-giants-capex-commitments-2025", "us-ai-startup-funds-raised-threshold-2025",
         "us-annuity-sales-2025"]
    )  # fmt: skip
    page.click("#reset")
    page.uncheck("#legend-types li:has-text('Company') input")
    assert page.evaluate("() => nodes.get('oracle').hidden") is True
    page.click("#reset")
    page.fill("#search", "人寿保险公司")
    page.press("#search", "Enter")
    assert page.evaluate("() => network.getSelectedNodes()") == ["us-life-insurers"]
    assert "US life insurers" in page.inner_text("#panel h3")
    page.fill("#search", "nobody at all")
    page.press("#search", "Enter")
    assert "No actor matches" in page.inner_text("#status")


@pytest.mark.browser
def test_chinese_page_with_figures(visit: Any, article_build: Path, tmp_path: Path) -> None:
    path = tmp_path / "graph-zh.html"
    write_page(path, open_store(article_build), lang="zh", claims=True)
    opened = visit(path)
    page = opened.page
    assert opened.errors == [] and opened.requests == []
    assert page.inner_text("h1").startswith("谁资助谁")
    figure = page.evaluate("() => nodes.getIds().find((id) => id === 'figure:us-private-ai-investment-2024')")
    assert figure == "figure:us-private-ai-investment-2024"
    page.evaluate("() => network.focus('figure:us-private-ai-investment-2024', {scale: 2})")
    x, y = opened.node_position("figure:us-private-ai-investment-2024")
    page.mouse.click(x, y)
    assert page.inner_text("#panel mark") == "1091亿美元"
    page.screenshot(path=str(tmp_path / "graph-zh.png"))


@pytest.mark.browser
def test_hostile_texts_do_not_run(visit: Any, hostile_build: Path, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    write_page(path, open_store(hostile_build), claims=True)
    opened = visit(path)
    page = opened.page
    for node in page.evaluate("() => nodes.getIds()"):
        x, y = opened.node_position(node)
        page.mouse.move(x, y)
        page.wait_for_timeout(250)  # the hover title shows
        page.mouse.click(x, y)
    for edge in page.evaluate("() => edges.getIds()"):
        x, y = opened.edge_midpoint(edge)
        page.mouse.move(x, y)
        page.wait_for_timeout(250)
        page.mouse.click(x, y)
    page.fill("#search", "script")
    page.press("#search", "Enter")
    page.evaluate("() => network.emit('click', {nodes: [], edges: ['acme-widget-2024']})")
    assert SCRIPT_PAYLOAD in page.text_content("#panel blockquote")  # shown as text
    assert IMAGE_PAYLOAD in page.text_content("#panel blockquote")
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.evaluate("() => document.querySelectorAll('img, #panel script').length") == 0
    tooltip_tags = page.evaluate("() => [...document.querySelectorAll('.vis-tooltip *')].map((e) => e.tagName)")
    assert set(tooltip_tags) <= {"BR"}  # innerText turns line breaks into <br>, and makes nothing else
    assert opened.dialogs == [] and opened.requests == []
    assert opened.errors == []


@pytest.mark.browser
def test_a_big_graph_opens_aggregated_in_seconds(visit: Any, tmp_path: Path) -> None:
    found = synthetic_flows(5000)
    drawing = draw(found)
    path = tmp_path / "big.html"
    path.write_text(render(drawing, flows=len(found), sources=1), encoding="utf-8")
    opened = visit(path)
    page = opened.page
    assert page.evaluate("() => network.body.data.nodes.length") <= 1000
    assert page.evaluate("() => window.kgLayoutMs") < 30_000  # ~5 s on a 2-core machine
    assert "Aggregated view" in page.inner_text("#notes")
    grouped_actor = drawing.grouped["others:Fund"][-2]  # the poorest fund's English name
    page.fill("#search", grouped_actor)
    page.press("#search", "Enter")
    group_label = next(n["label"] for n in drawing.nodes if n["id"] == "others:Fund")
    assert page.inner_text("#status") == f"{grouped_actor} is grouped into “{group_label}”."
    assert page.evaluate("() => network.getSelectedNodes()") == ["others:Fund"]
    assert opened.errors == [] and opened.requests == []
