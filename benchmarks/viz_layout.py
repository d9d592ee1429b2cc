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
"""

from __future__ import annotations

import argparse
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
