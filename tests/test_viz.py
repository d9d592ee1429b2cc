"""kg.viz: one offline page of who funds whom, checked as text and in Debian's chromium.

The browser tests drive /usr/bin/chromium (or $KG_CHROMIUM) through playwright, never Playwright's
own browser download. Without chromium they are skipped, except under CI=true, where they fail.

Tests of the curated data draw the article's own flows (``source_ids=["article-zh"]``) and run
on the shipped data and on a copy of it with the article under a second source id. Legibility
is measured in the browser on a corpus of many sources (benchmarks.viz_layout.screen_corpus):
every label's size and box as vis-network drew them, at the first view and zoomed in.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from benchmarks.viz_layout import MEASURE_LABELS, overlaps, screen_corpus
from kg.cli import app
from kg.figures import figures
from kg.flows import Actor, Flow, UnknownSource, flows, funding_graph
from kg.rebuild import rebuild
from kg.store import open_store
from kg.trace import evidence
from kg.viz import SOURCE_COLOURS, build_page, context_segments, draw, json_for_html, period_words, render, write_page
from tests.conftest import ARTICLE, COPY, FIXTURES

SCRIPT_PAYLOAD = "<script>window.__xss=1</script>"
IMAGE_PAYLOAD = '<img src=x onerror="window.__xss=1">'
ANNUITIES = f"{ARTICLE}.us-annuity-sales-2025"  # an arrow's id: source.claim, as the claim's IRI


def page_data(page: str) -> dict[str, Any]:
    """The JSON the page carries, read back as the browser reads it."""
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, flags=re.DOTALL)
    assert match, "the page carries no data"
    return json.loads(match[1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def article_page(curated_build: Path) -> str:
    return build_page(open_store(curated_build), source_ids=[ARTICLE])


@pytest.fixture(scope="module")
def multi_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three sources in two languages; Widget AI is named in English only, 星辰基金 in Chinese only."""
    build_dir = tmp_path_factory.mktemp("multi") / "build"
    rebuild(FIXTURES / "multi", build_dir)
    return build_dir


@pytest.fixture(scope="module")
def corpus_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Many sources and many arrows: data/, a copy of the article, the two-language fixture, a synthetic corpus."""
    folder = tmp_path_factory.mktemp("corpus")
    rebuild(screen_corpus(folder / "data"), folder / "build")
    return folder / "build"


# --- the page as text ------------------------------------------------------------------------


def test_page_fetches_nothing(article_page: str) -> None:
    assert not re.search(r"<script[^>]*\ssrc\s*=", article_page, flags=re.IGNORECASE)
    assert not re.search(r"<link\b", article_page, flags=re.IGNORECASE)
    assert not re.search(r"""\s(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", article_page, flags=re.IGNORECASE)
    assert "default-src 'none'" in article_page  # the policy forbids every fetch the page might try
    assert "vis-network" in article_page and "@version 9." in article_page  # inlined from pyvis's copy


def test_writing_the_page_leaves_no_lib_folder(
    mini_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    size = write_page(tmp_path / "out" / "graph.html", open_store(mini_build))
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["graph.html", "out"]
    assert size == (tmp_path / "out" / "graph.html").stat().st_size


def test_nodes_and_edges_are_the_flow_graph(curated_build: Path, article_page: str) -> None:
    graph = funding_graph(flows(open_store(curated_build), source_ids=[ARTICLE]))
    data = page_data(article_page)
    assert len(data["nodes"]) == graph.number_of_nodes() == 25
    assert len(data["edges"]) == graph.number_of_edges() == 28
    assert {n["id"] for n in data["nodes"]} == set(graph.nodes)
    assert {e["id"] for e in data["edges"]} == {key for _, _, key in graph.edges(keys=True)}
    assert {(e["from"], e["to"]) for e in data["edges"]} == {(a, b) for a, b, _ in graph.edges(keys=True)}


def test_edges_show_amounts_and_dash_without_one(article_page: str) -> None:
    edges = {e["id"]: e for e in page_data(article_page)["edges"]}
    annuities = edges[ANNUITIES]
    assert annuities["label"] == "3450亿美元 ($345B) · 2025"
    assert "3450亿美元 (= 345,000,000,000 USD)" in annuities["title"]
    assert "\nSource: Who pays for America?\n" in annuities["title"]
    assert not annuities["dashes"] and annuities["arrows"] == "to"
    unstated = edges[f"{ARTICLE}.life-insurers-buy-tech-bonds"]
    assert unstated["dashes"] and unstated["width"] < annuities["width"]
    widths = sorted((e["width"], e["id"]) for e in edges.values() if not e["dashes"])
    assert widths[-1][1] == f"{ARTICLE}.tech-giants-capex-commitments-2025"  # 数千亿美元, the biggest amount
    assert edges[f"{ARTICLE}.dc-capex-cash-flow-coverage-by-2028"]["label"] == "一半 · by 2028"  # not ../2028
    assert edges[f"{ARTICLE}.oracle-issues-bonds-2025"]["label"] == "Jan–Oct 2025"  # not 2025-01/2025-10


def test_nodes_sized_by_money_and_coloured_by_type(article_page: str) -> None:
    data = page_data(article_page)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["ai-data-centres"]["size"] > nodes["us-life-insurers"]["size"] > nodes["oracle"]["size"]
    assert nodes["oracle"]["color"]["background"] == nodes["openai"]["color"]["background"]  # both companies
    assert set(data["types"]) >= {"Company", "Insurer", "Market"}
    assert nodes["oracle"]["title"].startswith("Oracle  (甲骨文)\nType: Company")
    assert nodes["us-retirees"]["label"] == "US retirees and\nannuity buyers"  # wrapped; the name is whole
    assert data["nodeMeta"]["us-retirees"]["name"] == "US retirees and annuity buyers"


def test_clicks_carry_the_evidence_that_tracing_shows(curated_build: Path, article_page: str) -> None:
    store = open_store(curated_build)
    record = page_data(article_page)["evidence"][ANNUITIES]
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
    assert upstream["period"] == "Jan–Sep 2025" and "Wall Street Journal" in upstream["source"]  # 2025-01/2025-09


def test_context_counts_code_points_not_utf16(curated_build: Path) -> None:
    found = evidence(open_store(curated_build), "us-annuity-sales-2025")
    assert found.sentence and found.sentence_start is not None and found.start is not None
    shifted = "𝟘" + found.sentence  # a character outside the BMP before the figure
    found.sentence, found.sentence_start = shifted, found.sentence_start - 1
    pieces = context_segments(found)
    assert pieces and [p[0] for p in pieces if p[1] == "figure"] == ["3450亿美元"]


def test_zh_labels(curated_build: Path) -> None:
    data = page_data(build_page(open_store(curated_build), lang="zh", source_ids=[ARTICLE]))
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert labels["us-life-insurers"] == "人寿保险公司"
    assert data["types"]["Insurer"]["label"] == "保险公司"
    assert data["kindLabels"]["forecast"] == "预测"
    assert data["text"]["title"].startswith("谁资助谁")
    assert data["periodWords"]["../2028"] == "2028年前"
    assert [(s["id"], s["label"], s["publisher"]) for s in data["sources"]] == [(ARTICLE, "谁为美国买单?", "观察者网")]
    with pytest.raises(ValueError, match="language must be one of en, zh"):
        build_page(open_store(curated_build), lang="fr")


def test_claims_hang_figures_off_their_actors(curated_build: Path) -> None:
    store = open_store(curated_build)
    flow_claims = {f.key for f in flows(store, source_ids=[ARTICLE])}
    expected = {f"{ARTICLE}.{r['id']}" for r in figures(store) if r["source"] == ARTICLE} - flow_claims
    data = page_data(build_page(store, claims=True, source_ids=[ARTICLE]))
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


@pytest.mark.parametrize(
    ("period", "english", "chinese"),
    [
        pytest.param("2024", "2024", "2024年", id="year"),
        pytest.param("FY2025", "FY2025", "2025财年", id="fiscal-year"),
        pytest.param("2025-H1", "2025 H1", "2025年上半年", id="half"),
        pytest.param("2025-Q3", "2025 Q3", "2025年第三季度", id="quarter"),
        pytest.param("2025-11", "Nov 2025", "2025年11月", id="month"),
        pytest.param("2025-11-14", "14 Nov 2025", "2025年11月14日", id="day"),
        pytest.param("../2028", "by 2028", "2028年前", id="by"),
        pytest.param("../2025-02", "by Feb 2025", "2025年2月前", id="by-month"),
        pytest.param("2022/..", "since 2022", "2022年以来", id="since"),
        pytest.param("2013/2024", "2013–2024", "2013–2024年", id="years"),
        pytest.param("2025-01/2025-09", "Jan–Sep 2025", "2025年1–9月", id="months-of-a-year"),
        pytest.param("2025-11/2026-03", "Nov 2025 – Mar 2026", "2025年11月–2026年3月", id="months-across-years"),
        pytest.param("2025-03-01/2025-03-15", "1–15 Mar 2025", "2025年3月1–15日", id="days-of-a-month"),
        pytest.param("2025-01-01/2025-03-15", "1 Jan – 15 Mar 2025", "2025年1月1日–3月15日", id="days-of-a-year"),
        pytest.param("2025-13", "2025-13", "2025-13", id="not-a-month-stays-as-it-is"),
    ],
)
def test_periods_in_words(period: str, english: str, chinese: str) -> None:
    assert (period_words(period, "en"), period_words(period, "zh")) == (english, chinese)


def test_arrows_are_coloured_by_source(multi_build: Path) -> None:
    data = page_data(build_page(open_store(multi_build)))
    assert [(s["id"], s["flows"], s["colour"]) for s in data["sources"]] == [
        ("wire-en", 4, SOURCE_COLOURS[0]),  # the most flows first
        ("bao-zh", 3, SOURCE_COLOURS[1]),
        ("example-report", 1, SOURCE_COLOURS[2]),
    ]
    bao = next(s for s in data["sources"] if s["id"] == "bao-zh")
    assert (bao["label"], bao["title"], bao["publisher"], bao["date"]) == (
        "Xingchen Fund's data-centre investments",
        "星辰基金的数据中心投资",
        "示例日报",  # the publisher has a Chinese label only
        "2025-11-20",
    )
    colour = {s["id"]: s["colour"] for s in data["sources"]}
    for edge in data["edges"]:
        source = data["edgeMeta"][edge["id"]]["source"]
        assert edge["id"].startswith(f"{source}.") and edge["color"]["color"] == colour[source]
    two_sources = {e["id"] for e in data["edges"] if (e["from"], e["to"]) == ("acme-capital", "widget-ai")}
    assert two_sources == {"wire-en.acme-widget-2024", "example-report.report-acme-widget-2024"}


def test_sources_past_the_palette_share_a_grey() -> None:
    people = [Actor(f"a{i}", f"Actor {i}", None, "Company") for i in range(40)]
    instrument: dict[str, str | None] = {"id": "venture-round", "en": "Venture round", "zh": None}
    found = [Flow(f"c{i}", people[i], people[i + 1], instrument, "fact", f"source-{i:02d}") for i in range(20)]
    legend = draw(found).sources
    assert [s["colour"] for s in legend[: len(SOURCE_COLOURS)]] == list(SOURCE_COLOURS)
    assert {s["colour"] for s in legend[len(SOURCE_COLOURS) :]} == {"#8a939c"}
    assert [s["shared"] for s in legend].count(True) == 20 - len(SOURCE_COLOURS)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        pytest.param("en", {"widget-ai": "Widget AI", "xingchen-fund": "星辰基金", "acme-capital": "Acme Capital"}),
        pytest.param("zh", {"widget-ai": "Widget AI", "xingchen-fund": "星辰基金", "acme-capital": "极致资本"}),
    ],
)
def test_actors_named_in_one_language(multi_build: Path, lang: str, expected: dict[str, str]) -> None:
    """An actor with one label shows it on either page, in its node, hover title, search names and arrows."""
    data = page_data(build_page(open_store(multi_build), lang=lang))
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    assert {k: labels[k] for k in expected} == expected
    titles = {n["id"]: n["title"] for n in data["nodes"]}
    assert titles["xingchen-fund"].startswith("星辰基金\n") and "None" not in titles["xingchen-fund"]
    assert data["nodeMeta"]["xingchen-fund"]["names"] == ["星辰基金", "xingchen-fund"]
    guidance = next(e for e in data["edges"] if e["id"] == "bao-zh.acme-injects-xingchen")
    assert "星辰基金" in guidance["title"] and "引导基金" in guidance["title"]  # the instrument: a Chinese label only
    assert guidance["label"] == ("5亿美元 ($500M) · 14 Nov 2025" if lang == "en" else "5亿美元 · 2025年11月14日")


def test_a_page_of_some_sources(multi_build: Path) -> None:
    data = page_data(build_page(open_store(multi_build), source_ids=["bao-zh"]))
    assert {data["edgeMeta"][e["id"]]["source"] for e in data["edges"]} == {"bao-zh"}
    assert {n["id"] for n in data["nodes"]} == {"acme-capital", "xingchen-fund", "widget-ai", "data-centres"}
    assert data["text"]["counts"] == "3 funding flows between 4 actors, from 1 source"
    with pytest.raises(UnknownSource, match="no source 'bao' in the graph; known: bao-zh, "):
        build_page(open_store(multi_build), source_ids=["bao"])


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


def test_evidence_is_embedded_up_to_a_limit(curated_build: Path) -> None:
    store = open_store(curated_build)
    found = flows(store, source_ids=[ARTICLE])
    drawing = draw(found, evidence_of=lambda claim: evidence(store, claim), evidence_limit=3)
    assert len(drawing.evidence) == 3
    assert ANNUITIES in drawing.evidence  # the biggest amounts come first
    assert any(note.startswith("Quotes are embedded for 3 of 28 claims") for note in drawing.notes)


def test_cli_writes_the_page(runner: CliRunner, multi_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "money.html"
    result = runner.invoke(
        app,
        [
            "viz",
            "--build",
            str(multi_build),
            "--data",
            str(FIXTURES / "multi"),
            "-o",
            str(out),
            "--lang",
            "zh",
            "--source",
            "bao-zh,example-report",
        ],
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"wrote {out} (") and out.exists()
    data = page_data(out.read_text(encoding="utf-8"))
    assert data["lang"] == "zh" and [s["id"] for s in data["sources"]] == ["bao-zh", "example-report"]
    assert {e["id"].split(".")[0] for e in data["edges"]} == {"bao-zh", "example-report"}


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
    assert {m["name"] for m in data["nodeMeta"].values()} >= {SCRIPT_PAYLOAD, IMAGE_PAYLOAD}
    assert [s["label"] for s in data["sources"]] == [f"{IMAGE_PAYLOAD} article"]  # the source title, in the legend
    quote = "".join(p[0] for p in data["evidence"]["mini.acme-widget-2024"]["context"])
    assert SCRIPT_PAYLOAD in quote and IMAGE_PAYLOAD in quote


# --- in the browser ----------------------------------------------------------------------------


class Visit:
    """A page opened from a file, with every request but the file itself refused and recorded."""

    def __init__(self, browser: Any, path: Path, viewport: tuple[int, int] = (1600, 1000)) -> None:
        self.uri = path.resolve().as_uri()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda err: self.errors.append(str(err)))
        self.page.on("dialog", self._dialog)
        self.page.goto(self.uri)
        self.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)

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

    def measure(self) -> dict[str, Any]:
        return self.page.evaluate(MEASURE_LABELS)  # type: ignore[no-any-return]

    def zoom(self, factor: float, on: str) -> None:
        """Zoom in ``factor`` times the first view, centred on a node, and let vis draw it."""
        self.page.evaluate(
            "([f, id]) => network.moveTo({position: network.getPositions([id])[id], scale: kgLabels.scale * f})",
            [factor, on],
        )
        self.page.evaluate("() => network.emit('zoom', {})")  # as a wheel would: labels past 20 px shrink
        self.page.wait_for_timeout(100)
        self.page.evaluate("() => network.redraw()")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser: Any) -> Iterator[Any]:
    opened: list[Visit] = []

    def open_page(path: Path, viewport: tuple[int, int] = (1600, 1000)) -> Visit:
        opened.append(Visit(browser, path, viewport))
        return opened[-1]

    yield open_page
    for page in opened:
        page.close()


@pytest.mark.browser
def test_article_page_in_chromium(visit: Any, curated_build: Path, article_page: str, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    path.write_text(article_page, encoding="utf-8")
    opened = visit(path)
    page = opened.page
    assert opened.errors == [] and opened.requests == []
    graph = funding_graph(flows(open_store(curated_build), source_ids=[ARTICLE]))
    assert page.evaluate("() => network.body.data.nodes.length") == graph.number_of_nodes()
    assert page.evaluate("() => network.body.data.edges.length") == graph.number_of_edges()
    assert page.evaluate("() => window.nodes.length + window.edges.length") == 25 + 28
    assert page.evaluate("() => network.physics.physicsEnabled") is False  # settled, then stopped
    assert page.inner_text("#legend-sources").split("\n") == ["Who pays for America? · 2025-11-19", "28 flows"]

    x, y = opened.edge_midpoint(ANNUITIES)
    page.mouse.move(x, y)
    page.wait_for_selector("div.vis-tooltip", state="visible")
    tooltip = page.inner_text("div.vis-tooltip")
    assert "3450亿美元 (= 345,000,000,000 USD)" in tooltip and "Period: 2025" in tooltip
    assert "Source: Who pays for America?" in tooltip
    hovered = [label["id"] for label in opened.measure()["labels"] if label["kind"] == "edge"]
    assert hovered == [ANNUITIES]  # the arrow under the pointer shows its amount
    page.mouse.click(x, y)
    panel = page.inner_text("#panel")
    assert "2025年美国年金销售额创下历史新高,达到3450亿美元" in panel
    assert page.inner_text("#panel mark") == "3450亿美元"
    assert "Who pays for America?" in panel and "us-annuity-sales-2025" in panel
    assert page.inner_text("#panel dl .source") == "Who pays for America?"  # the arrow's source, with its colour
    assert "In the report it rests on" in panel and "differs in period" in panel and "345 billion" in panel
    assert "Jan–Sep 2025" in panel  # the report's period, in words
    screenshot = tmp_path / "graph.png"
    page.screenshot(path=str(screenshot))
    assert screenshot.stat().st_size > 50_000
    assert opened.errors == [] and opened.requests == []


@pytest.mark.browser
def test_filters_and_search(visit: Any, article_page: str, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    path.write_text(article_page, encoding="utf-8")
    opened = visit(path)
    page = opened.page
    assert "by 2028" in page.inner_text("#period")  # the periods in words
    page.select_option("#period", "2025")
    shown = page.evaluate("() => edges.get({filter: (e) => !e.hidden}).map((e) => e.id).sort()")
    assert shown == sorted(
        f"{ARTICLE}.{claim}"
        for claim in ["ai-megaround-size-2025", "tech-giants-capex-commitments-2025",
                      "us-ai-startup-funds-raised-threshold-2025", "us-annuity-sales-2025"]
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
    assert opened.errors == [] and opened.requests == []


@pytest.mark.browser
def test_chinese_page_with_figures(visit: Any, curated_build: Path, tmp_path: Path) -> None:
    path = tmp_path / "graph-zh.html"
    write_page(path, open_store(curated_build), lang="zh", claims=True, source_ids=[ARTICLE])
    opened = visit(path)
    page = opened.page
    assert opened.errors == [] and opened.requests == []
    assert page.inner_text("h1").startswith("谁资助谁")
    figure = f"figure:{ARTICLE}.us-private-ai-investment-2024"
    assert page.evaluate("(id) => nodes.get(id) !== null", figure)
    page.evaluate("(id) => network.focus(id, {scale: 2})", figure)
    x, y = opened.node_position(figure)
    page.mouse.click(x, y)
    assert page.inner_text("#panel mark") == "1091亿美元"
    assert "2024年" in page.inner_text("#panel dl")
    measured = opened.measure()  # zoomed in on figures hung off their actors: still nothing on top of anything
    assert overlaps(measured["labels"]) == []
    page.screenshot(path=str(tmp_path / "graph-zh.png"))
    assert opened.errors == [] and opened.requests == []


# --- many sources, legible ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_corpus_is_legible_at_1600_by_1000(visit: Any, corpus_build: Path, tmp_path: Path, lang: str) -> None:
    """Every actor labelled in the first view, at 12 px or more, no label on another label or a dot;
    zoomed in, amounts appear on the arrows, and still nothing overlaps."""
    path = tmp_path / f"corpus-{lang}.html"
    write_page(path, open_store(corpus_build), lang=lang)
    opened = visit(path)
    data = page_data(path.read_text(encoding="utf-8"))
    assert len(data["sources"]) >= 10 and len(data["edges"]) > 150  # many sources, many arrows
    first = opened.measure()
    shown = [label for label in first["labels"] if label["kind"] == "node"]
    assert {label["id"] for label in shown} == {n["id"] for n in data["nodes"]}  # every actor, named
    assert min(label["px"] for label in first["labels"]) >= 12
    assert [label["id"] for label in first["labels"] if label["kind"] == "edge"] == []  # amounts wait for a zoom
    assert overlaps(first["labels"]) == []
    assert overlaps(first["labels"], first["dots"]) == []
    width, height = first["width"], first["height"]
    outside = [b["id"] for b in first["labels"] + first["dots"] if not (0 <= b["left"] < b["right"] <= width)]
    outside += [b["id"] for b in first["labels"] + first["dots"] if not (0 <= b["top"] < b["bottom"] <= height)]
    assert outside == []  # every label and every dot inside the view
    arrows = 0
    for factor in (1.6, 2.5, 4, 6.5):
        opened.zoom(factor, on="ai-data-centres")  # the hub where arrows pile up
        zoomed = opened.measure()
        assert overlaps(zoomed["labels"]) == [], factor
        assert overlaps(zoomed["labels"], [d for d in zoomed["dots"] if d["radius"] >= 4]) == [], factor
        assert min(label["px"] for label in zoomed["labels"]) >= 12
        assert max(label["px"] for label in zoomed["labels"]) <= 20.5
        arrows = max(arrows, sum(1 for label in zoomed["labels"] if label["kind"] == "edge"))
    assert arrows >= 5  # amounts do show once zoomed in
    assert opened.errors == [] and opened.requests == []


@pytest.mark.browser
def test_sources_tick_on_and_off(visit: Any, corpus_build: Path, tmp_path: Path) -> None:
    path = tmp_path / "corpus.html"
    write_page(path, open_store(corpus_build))
    opened = visit(path)
    page = opened.page

    def visible_sources() -> set[str]:
        ids = page.evaluate("() => edges.get({filter: (e) => !e.hidden}).map((e) => e.id)")
        return {edge_id.split(".")[0] for edge_id in ids}

    everything = visible_sources()
    assert {ARTICLE, COPY, "wire-en", "bao-zh"} <= everything
    page.uncheck(f"#legend-sources input[data-source='{COPY}']")
    assert visible_sources() == everything - {COPY}
    page.click("#sources-none")
    assert visible_sources() == set()
    page.check("#legend-sources input[data-source='bao-zh']")
    assert visible_sources() == {"bao-zh"}
    assert page.evaluate("() => nodes.get({filter: (n) => !n.hidden}).map((n) => n.id).sort()") == [
        "acme-capital", "data-centres", "widget-ai", "xingchen-fund"
    ]  # fmt: skip
    page.evaluate("() => network.emit('click', {nodes: [], edges: ['bao-zh.xingchen-widget-2025-h1']})")
    assert page.inner_text("#panel dl .source") == "Xingchen Fund's data-centre investments"
    page.click("#sources-all")
    assert visible_sources() == everything
    legend = page.inner_text("#legend-sources")
    assert "Who pays for America? · 2025-11-19" in legend and "人工智能投资观察" in legend
    assert opened.errors == [] and opened.requests == []


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
    page.evaluate("() => network.emit('click', {nodes: [], edges: ['mini.acme-widget-2024']})")
    assert SCRIPT_PAYLOAD in page.text_content("#panel blockquote")  # shown as text
    assert IMAGE_PAYLOAD in page.text_content("#panel blockquote")
    assert page.text_content("#legend-sources .name") == f"{IMAGE_PAYLOAD} article · 2025-01-15"  # a source title
    assert page.get_attribute("#legend-sources label", "title").startswith(f"{IMAGE_PAYLOAD} article\n")
    assert IMAGE_PAYLOAD in page.text_content("#panel dl .source")
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
    grouped_actor = drawing.grouped["others:Fund"][-3]  # the poorest fund's English name (then Chinese, id)
    page.fill("#search", grouped_actor)
    page.press("#search", "Enter")
    group_label = drawing.node_meta["others:Fund"]["name"]
    assert page.inner_text("#status") == f"{grouped_actor} is grouped into “{group_label}”."
    assert page.evaluate("() => network.getSelectedNodes()") == ["others:Fund"]
    assert opened.errors == [] and opened.requests == []
