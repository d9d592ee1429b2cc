"""Every example query on a built corpus against the same query on a raw in-memory pyoxigraph store.

Issue 15's target: each example query within 2× of raw pyoxigraph on the same triples (the build's
graph.nt loaded into ``Store()``), which is the limit of this stack. Ours runs on the build's
store as `kg query` does (``kg.query.run_query``: the union of the named graphs as the default
graph, the lexer first). Each side runs in its own process, every query ``--repeats`` times
(median), stopped after ``--limit`` seconds. A query whose row counts differ is reported, not
compared (graph.nt is written before ``kg check`` records its findings).

    python -m benchmarks.corpus --claims 10000 --out /tmp/corpus-10000
    kg build --data /tmp/corpus-10000 --build /tmp/build-10000
    python -m benchmarks.example_queries --build /tmp/build-10000
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
QUERIES = sorted((PROJECT / "examples" / "queries").glob("*.rq"))
TARGET = 2.0

# Each child prints one JSON object: {query path: {"seconds": median, "rows": n}}.
_OURS = """
import json, statistics, sys, time
from kg.query import run_query
from kg.store import open_store
store = open_store(sys.argv[1])
result = {}
for path in sys.argv[4:]:
    text = open(path, encoding="utf-8").read()
    times, rows = [], 0
    for _ in range(int(sys.argv[2])):
        start = time.perf_counter()
        rows = len(run_query(store, text, timeout=float(sys.argv[3])).rows)
        times.append(time.perf_counter() - start)
    result[path] = {"seconds": statistics.median(times), "rows": rows}
print(json.dumps(result))
"""
_RAW = """
import json, statistics, sys, time
from pyoxigraph import RdfFormat, Store
from kg.terms import PREFIXES
store = Store()
store.load(path=sys.argv[1] + "/graph.nt", format=RdfFormat.N_TRIPLES)
result = {}
for path in sys.argv[4:]:
    text = open(path, encoding="utf-8").read()
    times, rows = [], 0
    for _ in range(int(sys.argv[2])):
        start = time.perf_counter()
        rows = len(list(store.query(text, prefixes=PREFIXES)))
        times.append(time.perf_counter() - start)
        if times[-1] > float(sys.argv[3]):
            break
    result[path] = {"seconds": statistics.median(times), "rows": rows}
print(json.dumps(result))
"""


def measure(code: str, build: Path, repeats: int, limit: float, query: Path) -> dict[str, float] | None:
    """One query in a child process; None if it failed or ran past ``limit``."""
    argv = [sys.executable, "-c", code, str(build), str(repeats), str(limit), str(query)]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=limit * repeats + 120, check=False)
    except subprocess.TimeoutExpired:
        return None
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return None
    return json.loads(lines[-1]).get(str(query))  # type: ignore[no-any-return]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, required=True, help="A build folder (kg build) with graph.nt.")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--limit", type=float, default=60.0, help="Seconds before a query is given up.")
    parser.add_argument("--only", default="", help="Comma-separated query names (default: all).")
    args = parser.parse_args(argv)
    chosen = [q for q in QUERIES if not args.only or q.stem in args.only.split(",")]
    print(f"{'query':32} {'ours s':>8} {'raw s':>8} {'ratio':>6} {'rows':>7}  verdict", flush=True)
    missed = 0
    for query in chosen:
        ours = measure(_OURS, args.build, args.repeats, args.limit, query)
        raw = measure(_RAW, args.build, args.repeats, args.limit, query)
        if ours is None or raw is None:
            verdict, ratio = f"{'ours' if ours is None else 'raw'} failed or ran past {args.limit:g} s", None
        elif ours["rows"] != raw["rows"]:
            verdict, ratio = f"rows differ (raw {raw['rows']}): not compared", None
        else:
            ratio = ours["seconds"] / raw["seconds"] if raw["seconds"] else None
            verdict = "met" if ratio is not None and ratio <= TARGET else f"missed (target ≤ {TARGET:g}×)"
        missed += verdict.startswith(("missed", "ours"))
        print(
            f"{query.stem:32} {_fmt(ours and ours['seconds']):>8} {_fmt(raw and raw['seconds']):>8} "
            f"{'' if ratio is None else f'{ratio:.2f}':>6} {ours['rows'] if ours else '':>7}  {verdict}",
            flush=True,
        )
    sys.exit(1 if missed else 0)


def _fmt(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds:.3f}"


if __name__ == "__main__":
    main()
