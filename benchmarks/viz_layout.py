"""How big a funding graph can `kg viz` lay out in a browser? Times vis-network in headless chromium.

Builds synthetic flow graphs (actors of eight types, ~1.5 flows per actor, money skewed towards
a few big funders, 70 % of flows with a USD amount), draws each with kg.viz, opens the page in
Debian's chromium and reports: Python build time, page size, time until physics has settled and
stopped (kgLayoutMs), and the time of one redraw afterwards (what panning and zooming cost).

    python benchmarks/viz_layout.py 1000 2000 5000 10000            # full graphs, no aggregation
    python benchmarks/viz_layout.py --max-nodes 1000 10000 100000   # as `kg viz` draws them

Needs /usr/bin/chromium and the Python package playwright (never its own browser download).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from kg.flows import Actor, Flow
from kg.viz import draw, render

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


def measure(
    actors: int,
    max_nodes: int,
    folder: Path,
    browser: object,
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
    tab = browser.new_page(viewport={"width": 1400, "height": 900})  # type: ignore[attr-defined]
    started = time.perf_counter()
    tab.goto(path.as_uri())
    tab.wait_for_selector("body[data-ready=true]", state="attached", timeout=600_000)
    opened = time.perf_counter() - started
    frame = tab.evaluate(
        "() => { const t = performance.now(); for (let i = 0; i < 5; i++) network.renderer._redraw();"
        " return (performance.now() - t) / 5; }"
    )
    result = {
        "actors": actors,
        "flows": len(found),
        "nodes": tab.evaluate("() => network.body.data.nodes.length"),
        "edges": tab.evaluate("() => network.body.data.edges.length"),
        "build_s": round(built, 2),
        "page_kb": len(page.encode()) // 1024,
        "layout_s": round(tab.evaluate("() => window.kgLayoutMs") / 1000, 2),
        "open_s": round(opened, 2),
        "redraw_ms": round(frame),
    }
    if screenshots is not None:
        tab.screenshot(path=str(screenshots / f"graph-{actors}.png"))
    tab.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="+", type=int, help="numbers of actors")
    parser.add_argument("--max-nodes", type=int, default=10**9, help="aggregate past this many actors")
    parser.add_argument("--physics", type=json.loads, help="vis-network physics options to try, as JSON")
    parser.add_argument("--screenshots", type=Path, help="folder for a screenshot of each page")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        print("actors  flows  nodes  edges  build_s  page_kb  layout_s  open_s  redraw_ms", flush=True)
        for actors in options.sizes:
            r = measure(actors, options.max_nodes, Path(folder), browser, options.physics, options.screenshots)
            print(
                f"{r['actors']:>6} {r['flows']:>6} {r['nodes']:>6} {r['edges']:>6} {r['build_s']:>8} "
                f"{r['page_kb']:>8} {r['layout_s']:>9} {r['open_s']:>7} {r['redraw_ms']:>10}",
                flush=True,
            )
        browser.close()


if __name__ == "__main__":
    sys.exit(main())
