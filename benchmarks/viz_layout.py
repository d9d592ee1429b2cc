"""How big a funding graph can `kg viz` lay out in a browser? Times vis-network in headless chromium.

Builds synthetic flow graphs (actors of eight types, ~1.5 flows per actor, money skewed towards
a few big funders, 70 % of flows with a USD amount), draws each with kg.viz, opens the page in
Debian's chromium and reports: Python build time, page size, time until physics has settled and
stopped (kgLayoutMs), and the time of one redraw afterwards (what panning and zooming cost).

    python benchmarks/viz_layout.py 1000 2000 5000 10000            # full graphs, no aggregation
    python benchmarks/viz_layout.py --max-nodes 1000 10000 100000   # as `kg viz` draws them

Needs /usr/bin/chromium and the Python package playwright (never its own browser download).

It also makes the datasets the graph page is looked at with: :func:`copy_article` (the shipped
data plus the first article again under another source id, as a second outlet reprinting it
would be) and :func:`screen_corpus` (that, plus the small two-language fixture and a synthetic
corpus from benchmarks/corpus.py: many sources and many arrows at once).

    python benchmarks/viz_layout.py --corpus /tmp/screen-corpus       # write that dataset and stop
    python benchmarks/viz_layout.py --screens data --click article-zh.us-annuity-sales-2025 \
        --zoom-on ai-data-centres                                      # docs/graph.png, graph-zh.png, graph-zoom.png

Every page is opened at 1600×1000 and its labels measured as drawn (MEASURE_LABELS, which the
browser tests use too): how many actors are named, the smallest label in pixels, overlaps.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import re
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from kg.flows import Actor, Flow
from kg.viz import draw, render

PROJECT = Path(__file__).resolve().parent.parent
SHIPPED = PROJECT / "data"
TWO_LANGUAGES = PROJECT / "tests" / "fixtures" / "multi"

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TYPES = ("Company", "Investor", "Fund", "Government body", "Market", "Sector", "Country", "Insurer")


def synthetic_flows(actors: int, *, per_actor: float = 1.5, seed: int = 7) -> list[Flow]:
    """Flows among ``actors`` actors; funders drawn with a skew, so a few hold most of the money."""
    rng = random.Random(seed)
    people = [Actor(f"a{i}", f"Actor {i}", f"主体{i}", TYPES[i % len(TYPES)]) for i in range(actors)]
    instrument = {"id": "venture-round", "en": "Venture round", "zh": "风险投资轮"}
    found = []
    for number in range(int(actors * per_actor)):
        funder, recipient = people[int(actors * rng.random() ** 2)], people[rng.randrange(actors)]
        if funder is recipient:
            continue
        value = Decimal(int(10 ** rng.uniform(6, 11))) if rng.random() < 0.7 else None
        found.append(
            Flow(
                claim=f"c{number}",
                funder=funder,
                recipient=recipient,
                instrument=instrument,
                kind=rng.choice(("fact", "forecast", "plan")),
                source="synthetic",
                value=value,
                unit="USD" if value is not None else None,
                text=f"${value:,}" if value is not None else None,
                hedge="unhedged" if value is not None else None,
                period=rng.choice(("2024", "2025", None)),
            )
        )
    return found


class _PlainDumper(yaml.SafeDumper):
    """Writes a record that appears twice out twice: the loader refuses anchors and aliases."""

    def ignore_aliases(self, data: Any) -> bool:
        return True


def _dump(records: Any) -> str:
    return yaml.dump(records, Dumper=_PlainDumper, allow_unicode=True, sort_keys=False)


def copy_article(data: Path, out: Path, *, source: str = "article-zh", copy: str = "article-zh-copy") -> Path:
    """``data`` copied to ``out``, plus ``source``'s text and claims again as source ``copy``.

    Claim ids are unique across a dataset, so the copy's get a ``copy-`` prefix (and its formulas
    and shares follow); its report links still point at the same report figures.
    """
    shutil.copytree(data, out)
    sources = yaml.safe_load((out / "sources.yaml").read_text(encoding="utf-8"))
    entry = next(s for s in sources["sources"] if s["id"] == source)
    text_name = f"{copy}.txt"
    shutil.copyfile(out / "sources" / entry["text"], out / "sources" / text_name)
    sources["sources"].append({**entry, "id": copy, "text": text_name})
    (out / "sources.yaml").write_text(_dump(sources), encoding="utf-8")
    claims = (out / "claims" / f"{source}.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^\s*- id: (\S+)$", claims, flags=re.MULTILINE)
    claims = re.sub(rf"^source: {re.escape(source)}$", f"source: {copy}", claims, flags=re.MULTILINE)
    claims = re.sub(r"^(\s*- id: )(\S+)$", r"\1copy-\2", claims, flags=re.MULTILINE)
    claims = re.sub(r"^(\s*share_of: )(\S+)$", r"\1copy-\2", claims, flags=re.MULTILINE)
    for claim_id in ids:
        claims = claims.replace(f"{{{claim_id}}}", f"{{copy-{claim_id}}}")
    (out / "claims" / f"{copy}.yaml").write_text(claims, encoding="utf-8")
    return out


def merge_dataset(out: Path, extra: Path) -> None:
    """Add to the dataset in ``out`` what ``extra`` has and it lacks: sources (and texts), actors,
    metrics, instruments, and the claims files of the sources added."""

    def records(folder: Path, name: str) -> dict[str, Any]:
        return yaml.safe_load((folder / name).read_text(encoding="utf-8")) or {}

    added: set[str] = set()
    for name, keys in (("sources.yaml", ("sources",)), ("actors.yaml", ("actors",)),
                       ("vocabulary.yaml", ("metrics", "instruments"))):  # fmt: skip
        mine, theirs = records(out, name), records(extra, name)
        for key in keys:
            known = {r["id"] for r in mine.setdefault(key, [])}
            new = [r for r in theirs.get(key, []) if r["id"] not in known]
            mine[key] += new
            if key == "sources":
                added |= {r["id"] for r in new}
                for record in new:
                    if record.get("text"):
                        shutil.copyfile(extra / "sources" / record["text"], out / "sources" / record["text"])
        (out / name).write_text(_dump(mine), encoding="utf-8")
    for claims in sorted((extra / "claims").glob("*.yaml")):
        if records(extra / "claims", claims.name).get("source") in added:
            shutil.copyfile(claims, out / "claims" / claims.name)


def screen_corpus(out: Path, *, synthetic_claims: int = 400, seed: int = 3) -> Path:
    """The shipped data, a copy of its article, the two-language fixture and a synthetic corpus."""
    from benchmarks.corpus import generate

    copy_article(SHIPPED, out)
    merge_dataset(out, TWO_LANGUAGES)
    with tempfile.TemporaryDirectory() as folder:
        generate(synthetic_claims, Path(folder) / "synthetic", seed=seed)
        merge_dataset(out, Path(folder) / "synthetic")
    return out


# What vis-network drew, in page pixels: each shown label's box and size, each dot, and the view.
# A label is shown when vis's own test says so (Label.visible: drawn at or above its threshold).
MEASURE_LABELS = """() => {
  const scale = network.getScale(), canvas = document.querySelector("#graph canvas").getBoundingClientRect();
  const dom = (x, y) => { const p = network.canvasToDOM({x, y}); return [p.x, p.y]; };
  const box = (id, kind, label) => {
    const s = label.size, [left, top] = dom(s.left, s.top), [right, bottom] = dom(s.left + s.width, s.top + s.height);
    return {id, kind, px: label.fontOptions.size * scale, left, top, right, bottom};
  };
  const labels = [], dots = [];
  for (const id of network.body.nodeIndices) {
    const node = network.body.nodes[id];
    if (node.options.hidden) continue;
    const [left, top] = dom(node.x - node.options.size, node.y - node.options.size);
    const [right, bottom] = dom(node.x + node.options.size, node.y + node.options.size);
    dots.push({id, left, top, right, bottom, radius: (right - left) / 2});
    if (node.options.label && node.labelModule.visible()) labels.push(box(id, "node", node.labelModule));
  }
  for (const id of network.body.edgeIndices) {
    const edge = network.body.edges[id];
    if (!edge.options.label || edge.options.hidden || !edge.labelModule.visible()) continue;
    labels.push(box(id, "edge", edge.labelModule));
  }
  return {labels, dots, width: canvas.width, height: canvas.height};
}"""
VIEWPORT = {"width": 1600, "height": 1000}


def overlaps(boxes: list[dict[str, Any]], others: list[dict[str, Any]] | None = None) -> list[tuple[str, str]]:
    """Pairs of boxes that share any area (of one list, or one box of each list)."""
    pairs = itertools.combinations(boxes, 2) if others is None else itertools.product(boxes, others)
    return [
        (a["id"], b["id"])
        for a, b in pairs
        if a["id"] != b["id"]
        and a["left"] < b["right"]
        and b["left"] < a["right"]
        and a["top"] < b["bottom"]
        and b["top"] < a["bottom"]
    ]


def legibility(tab: Any) -> dict[str, Any]:
    """Sizes and overlaps of the labels shown now: node labels, arrow labels, labels on dots."""
    drawn = tab.evaluate(MEASURE_LABELS)
    names = [label for label in drawn["labels"] if label["kind"] == "node"]
    return {
        "node_labels": len(names),
        "nodes": len(drawn["dots"]),
        "arrow_labels": len(drawn["labels"]) - len(names),
        "min_px": round(min((label["px"] for label in drawn["labels"]), default=0), 1),
        "overlaps": len(overlaps(drawn["labels"])),
        "on_dots": len(overlaps(drawn["labels"], [d for d in drawn["dots"] if d["radius"] >= 4])),
    }


def measure(
    actors: int,
    max_nodes: int,
    folder: Path,
    browser: Any,
    physics: dict[str, object] | None = None,
    screenshots: Path | None = None,
) -> dict[str, object]:
    found = synthetic_flows(actors)
    started = time.perf_counter()
    drawing = draw(found, max_nodes=max_nodes)
    if physics:
        drawing.options["physics"].update(physics)
    page = render(drawing, flows=len(found), sources=1)
    built = time.perf_counter() - started
    path = folder / f"graph-{actors}.html"
    path.write_text(page, encoding="utf-8")
    tab = browser.new_page(viewport=VIEWPORT)
    started = time.perf_counter()
    tab.goto(path.as_uri())
    tab.wait_for_selector("body[data-ready=true]", state="attached", timeout=600_000)
    opened = time.perf_counter() - started
    frame = tab.evaluate(
        "() => { const t = performance.now(); for (let i = 0; i < 5; i++) network.renderer._redraw();"
        " return (performance.now() - t) / 5; }"
    )
    arranged = tab.evaluate("() => window.kgArrangeMs")  # None on pages from before the labels were arranged
    result = {
        "actors": actors,
        "flows": len(found),
        "nodes": tab.evaluate("() => network.body.data.nodes.length"),
        "edges": tab.evaluate("() => network.body.data.edges.length"),
        "build_s": round(built, 2),
        "page_kb": len(page.encode()) // 1024,
        "layout_s": round(tab.evaluate("() => window.kgLayoutMs") / 1000, 2),
        "arrange_s": "-" if arranged is None else round(arranged / 1000, 2),
        "open_s": round(opened, 2),
        "redraw_ms": round(frame),
        **legibility(tab),
    }
    if screenshots is not None:
        tab.screenshot(path=str(screenshots / f"graph-{actors}.png"))
    tab.close()
    return result


def screens(data: Path, out: Path, browser: Any, *, click: str | None = None, zoom_on: str | None = None) -> None:
    """The page of a dataset at 1600×1000, as the README shows it: graph.png (English, ``click``'s
    arrow clicked), graph-zh.png (Chinese, the same), graph-zoom.png (English, 2.5× on ``zoom_on``,
    where amounts show on the arrows); with what was measured on each."""
    from kg.store import open_store
    from kg.viz import write_page

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "build", data)
        for name, lang, zoom in (("graph", "en", None), ("graph-zh", "zh", None), ("graph-zoom", "en", zoom_on)):
            path = Path(folder) / f"{name}.html"
            write_page(path, store, lang=lang)
            tab = browser.new_page(viewport=VIEWPORT)
            tab.goto(path.as_uri())
            tab.wait_for_selector("body[data-ready=true]", state="attached", timeout=600_000)
            measured = legibility(tab)
            if zoom:
                tab.evaluate(
                    "(id) => network.moveTo({position: network.getPositions([id])[id], scale: kgLabels.scale * 2.5})",
                    zoom,
                )
                tab.evaluate("() => network.emit('zoom', {})")  # as a wheel would: labels past 20 px shrink
                tab.wait_for_timeout(100)
                tab.evaluate("() => network.redraw()")
                measured = legibility(tab)
            elif click:
                tab.evaluate("(id) => network.selectEdges([id])", click)
                tab.evaluate("(id) => network.emit('click', {nodes: [], edges: [id]})", click)
            tab.screenshot(path=str(out / f"{name}.png"))
            print(f"{out / name}.png: {json.dumps(measured)}", flush=True)
            tab.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, help="numbers of actors")
    parser.add_argument("--max-nodes", type=int, default=10**9, help="aggregate past this many actors")
    parser.add_argument("--physics", type=json.loads, help="vis-network physics options to try, as JSON")
    parser.add_argument("--screenshots", type=Path, help="folder for a screenshot of each page")
    parser.add_argument("--corpus", type=Path, help="write the many-source dataset (screen_corpus) here and stop")
    parser.add_argument("--screens", type=Path, metavar="DATA", help="screenshots of this dataset's page")
    parser.add_argument("--out", type=Path, default=PROJECT / "docs", help="folder for --screens (default: docs/)")
    parser.add_argument("--click", help="--screens: the arrow to click (source.claim)")
    parser.add_argument("--zoom-on", help="--screens: the actor to zoom in on")
    options = parser.parse_args()
    if options.corpus:
        print(screen_corpus(options.corpus))
        return
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        if options.screens:
            screens(options.screens, options.out, browser, click=options.click, zoom_on=options.zoom_on)
        columns = ("actors", "flows", "nodes", "edges", "build_s", "page_kb", "layout_s", "arrange_s", "open_s",
                   "redraw_ms", "node_labels", "min_px", "overlaps")  # fmt: skip
        if options.sizes:
            print("  ".join(columns), flush=True)
        for actors in options.sizes:
            r = measure(actors, options.max_nodes, Path(folder), browser, options.physics, options.screenshots)
            print("  ".join(f"{r[c]!s:>{len(c)}}" for c in columns), flush=True)
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
