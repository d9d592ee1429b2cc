"""How the graph scales: every stage and command timed on synthetic corpora, against rdflib and raw pyoxigraph.

For each size N (claims; ``article`` is the project's own data), in one run:

- the library's stages in a child process each: load and validate; make the quads (no
  writes); build (quads, Turtle, N-Triples, TriG and the store); write = build - quads;
- opening the built store (``Store.read_only``, and ``open_store`` with its staleness check);
- every example query (examples/queries/*.rq) on the built store, each in its own process;
- ``kg trace``, ``kg check``, ``kg flows`` and ``kg viz`` as whole processes (viz skipped when
  the command does not exist);
- the baselines on the same triples (the build's graph.nt): (a) rdflib's default in-memory
  store, parsing it and running the same queries; (b) raw pyoxigraph, an in-memory Store
  loading it and running the same queries: the limit of this stack.

Times are medians of ``--repeats`` runs where a step is cheap (under ``CHEAP`` seconds), else one
run. Peak memory is the child's own peak RSS, read with os.wait4. A table is printed per size,
with ratios against (a) and (b), then the targets of issue 6 (at 100,000 claims, or at the
largest size run) as met / missed with the gap. Everything also goes to benchmarks/out/ as JSON.

    python -m benchmarks.bench                              # 1k, 10k, 100k and the article: ~10 min
    python -m benchmarks.bench --sizes article,1000 --repeats 5
    python -m benchmarks.bench --sizes 1000000 --rdflib-max 0   # 1M: long; rdflib skipped

rdflib is slow and hungry at scale (the issue measured 28.7 s and 1.6 GB for 1.2 M triples), so
it parses only up to ``--rdflib-max`` claims (default 100,000, one run) and runs the queries only
up to ``--rdflib-query-max`` (default 10,000). Any query or command is stopped after ``--limit``
seconds (default 60; the baselines then skip that query): us-china-side-by-side joins every US
figure with every Chinese one of the same metric, 37 s at 10,000 claims and quadratic.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.corpus import generate

PROJECT = Path(__file__).resolve().parent.parent
QUERIES = sorted((PROJECT / "examples" / "queries").glob("*.rq"))
OUT = PROJECT / "benchmarks" / "out"
CHEAP = 5.0  # seconds: steps faster than this are repeated, slower ones run once
ARTICLE_FIGURE = "1091亿美元"
TARGET_SIZE = 100_000
GB = 1024.0  # MB

# Child programs. Each prints one JSON object on its last line of output.
_LOAD = """
import json, sys, time
from kg.load import load_dataset
start = time.perf_counter()
load_dataset(sys.argv[1])
print(json.dumps({"load": time.perf_counter() - start}))
"""
_QUADS = """
import json, sys, time
from kg.build import graph_quads
from kg.load import load_dataset
start = time.perf_counter()
dataset = load_dataset(sys.argv[1])
loaded = time.perf_counter()
quads = sum(len(graph) for graph in graph_quads(dataset))
print(json.dumps({"load": loaded - start, "quads": time.perf_counter() - loaded, "count": quads}))
"""
_BUILD = """
import json, sys, time
from kg.build import build
from kg.load import load_dataset
start = time.perf_counter()
dataset = load_dataset(sys.argv[1])
loaded = time.perf_counter()
summary = build(dataset, sys.argv[2])
print(json.dumps({"load": loaded - start, "build": time.perf_counter() - loaded, "triples": summary.triples}))
"""
_OPEN = """
import json, sys, time
from pyoxigraph import Store
start = time.perf_counter()
Store.read_only(sys.argv[1] + "/store")
opened = time.perf_counter()
from kg.store import open_store
checked = time.perf_counter()
open_store(sys.argv[1], sys.argv[2])
print(json.dumps({"open": opened - start, "open_store": time.perf_counter() - checked}))
"""
_QUERY = """
import json, statistics, sys, time
from kg.query import run_query
from kg.store import open_store
store = open_store(sys.argv[1])
text = open(sys.argv[2], encoding="utf-8").read()
times, rows = [], 0
for _ in range(int(sys.argv[3])):
    start = time.perf_counter()
    rows = len(run_query(store, text, timeout=None).rows)
    times.append(time.perf_counter() - start)
    if times[-1] > float(sys.argv[4]):
        break
print(json.dumps({"seconds": statistics.median(times), "rows": rows}))
"""
_RAW = """
import json, statistics, sys, time
from pyoxigraph import RdfFormat, Store
from kg.terms import PREFIXES
start = time.perf_counter()
store = Store()
store.load(path=sys.argv[1], format=RdfFormat.N_TRIPLES)
result = {"load": time.perf_counter() - start, "queries": {}}
for path in sys.argv[4:]:
    text = open(path, encoding="utf-8").read()
    times, rows = [], 0
    for _ in range(int(sys.argv[2])):
        begin = time.perf_counter()
        rows = len(list(store.query(text, prefixes=PREFIXES)))
        times.append(time.perf_counter() - begin)
        if times[-1] > float(sys.argv[3]):
            break
    result["queries"][path] = {"seconds": statistics.median(times), "rows": rows}
print(json.dumps(result))
"""
_RDFLIB = """
import json, signal, sys, time
import rdflib
from kg.terms import SPARQL_PREFIXES
start = time.perf_counter()
graph = rdflib.Graph()
graph.parse(sys.argv[1], format="nt")
result = {"load": time.perf_counter() - start, "queries": {}}
limit = int(float(sys.argv[2]))
def stop(signum, frame):
    raise TimeoutError
signal.signal(signal.SIGALRM, stop)
for path in sys.argv[3:]:
    text = SPARQL_PREFIXES + open(path, encoding="utf-8").read()
    signal.alarm(limit)
    begin = time.perf_counter()
    try:
        rows = len(list(graph.query(text)))
        result["queries"][path] = {"seconds": time.perf_counter() - begin, "rows": rows}
    except TimeoutError:
        result["queries"][path] = {"seconds": None, "note": f"stopped after {limit} s"}
    finally:
        signal.alarm(0)
print(json.dumps(result))
"""


@dataclass
class Run:
    """One child process: wall time, its own peak RSS, what it printed, how it ended."""

    seconds: float
    peak_mb: float
    output: dict[str, Any]
    code: int
    error: str = ""
    output_rows: int = 0  # items of a JSON list printed, for commands run with --format json


def run(argv: list[str], *, timeout: float = 1800, env: dict[str, str] | None = None) -> Run:
    """Run a child to the end and read its own resource usage (os.wait4, not RUSAGE_CHILDREN's maximum)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=out, stderr=err, cwd=PROJECT, env=env)
        timer = threading.Timer(timeout, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        printed = out.read().decode("utf-8", "replace").strip().splitlines()
        problem = err.read().decode("utf-8", "replace").strip()
    output: dict[str, Any] = {}
    rows = 0
    if printed and printed[0].startswith("["):
        try:
            rows = len(json.loads("\n".join(printed)))
        except json.JSONDecodeError:
            rows = 0
    if printed and printed[-1].startswith("{"):
        try:
            output = json.loads(printed[-1])
        except json.JSONDecodeError:
            output = {}
    peak = usage.ru_maxrss / 1024  # kilobytes on Linux
    return Run(seconds, peak, output, process.returncode, problem.splitlines()[-1] if problem else "", rows)


def python(code: str, *args: str | Path | float, timeout: float = 1800) -> Run:
    return run([sys.executable, "-c", code, *map(str, args)], timeout=timeout)


def kg_command(*args: str | Path | float) -> list[str]:
    script = Path(sys.executable).parent / "kg"
    return [str(script) if script.exists() else sys.executable, *([] if script.exists() else ["-m", "kg.cli"])] + [
        str(a) for a in args
    ]


@dataclass
class Step:
    """A measured step: the median of its runs, its peak memory, and what it is compared with."""

    name: str
    seconds: float | None
    peak_mb: float | None
    runs: int = 1
    rdflib: float | None = None  # the same work in rdflib, seconds
    raw: float | None = None  # the same work in raw pyoxigraph, seconds
    note: str = ""


@dataclass
class Size:
    label: str
    claims: int
    triples: int = 0
    steps: list[Step] = field(default_factory=list)

    def step(self, name: str) -> Step | None:
        return next((s for s in self.steps if s.name == name), None)


def repeated(make: Any, repeats: int) -> tuple[list[Run], float]:
    """Run ``make()`` once, then again up to ``repeats`` times while it is cheap; the median wall time."""
    runs = [make()]
    while len(runs) < repeats and runs[0].seconds < CHEAP:
        runs.append(make())
    return runs, statistics.median(r.seconds for r in runs)


def measure(label: str, data: Path, work: Path, args: argparse.Namespace, claims: int) -> Size:
    size = Size(label, claims)
    build_dir = work / f"build-{label}"

    def add(step: Step) -> Step:
        size.steps.append(step)
        if args.verbose:
            print(f"  {label}: {step.name}: {_fmt(step.seconds)}, {step.peak_mb} MB {step.note}", flush=True)
        return step

    loads, _ = repeated(lambda: python(_LOAD, data), args.repeats)
    _fail_on(loads, "load")
    load_times = [r.output["load"] for r in loads]
    add(Step("load + validate", statistics.median(load_times), max(r.peak_mb for r in loads), len(loads)))

    quad_runs, _ = repeated(lambda: python(_QUADS, data), args.repeats)
    _fail_on(quad_runs, "quads")
    quads = statistics.median(r.output["quads"] for r in quad_runs)
    add(Step("build: make quads", quads, max(r.peak_mb for r in quad_runs), len(quad_runs)))

    build_runs, _ = repeated(lambda: python(_BUILD, data, build_dir), args.repeats)
    _fail_on(build_runs, "build")
    size.triples = int(build_runs[0].output["triples"])
    build = statistics.median(r.output["build"] for r in build_runs)
    build_peak = max(r.peak_mb for r in build_runs)
    add(Step("build: write (files + store)", build - quads, None, len(build_runs), note="build − make quads"))
    whole = add(Step("build, whole (load + build)", statistics.median(load_times) + build, build_peak, len(build_runs)))

    opens, _ = repeated(lambda: python(_OPEN, build_dir, data), args.repeats)
    _fail_on(opens, "open")
    add(Step("open store (read-only)", statistics.median(r.output["open"] for r in opens), None, len(opens)))
    add(
        Step(
            "open_store (+ staleness check)",
            statistics.median(r.output["open_store"] for r in opens),
            max(r.peak_mb for r in opens),
            len(opens),
        )
    )

    # kg check first: it puts the findings graph into the store, which flagged-figures.rq reads
    check = run(kg_command("check", "--data", data, "--build", build_dir, "--format", "json"), timeout=args.limit)
    add(Step("kg check (process)", check.seconds, check.peak_mb, note=_ended(check, ok=(0, 1))))

    ours = {query: python(_QUERY, build_dir, query, args.repeats, CHEAP, timeout=args.limit) for query in QUERIES}
    finished = [query for query, result in ours.items() if result.output]  # the baselines skip the others
    nt = build_dir / "graph.nt"
    raw = python(_RAW, nt, args.repeats, CHEAP, *finished, timeout=3600) if args.raw else None
    rdflib = None
    if claims <= args.rdflib_max:
        query_files = finished if claims <= args.rdflib_query_max else []
        rdflib = python(_RDFLIB, nt, args.limit, *query_files, timeout=3600)
    if raw is not None:
        whole.raw = raw.output.get("load")
    if rdflib is not None:
        whole.rdflib = rdflib.output.get("load")
    whole.note = "ratios: against loading graph.nt"

    for query, result in ours.items():
        step = add(Step(f"query {query.stem}", result.output.get("seconds"), result.peak_mb, note=_ended(result)))
        if result.output:
            step.note = f"{result.output['rows']} rows"
        if raw is not None:
            baseline = raw.output.get("queries", {}).get(str(query), {})
            step.raw = baseline.get("seconds")
            if result.output and baseline.get("rows") != result.output["rows"]:
                # graph.nt is written before kg check adds its findings: not the same question
                step.note += f"; raw has {baseline.get('rows')} rows: not compared"
                step.raw = None
        if rdflib is not None:
            found = rdflib.output.get("queries", {}).get(str(query), {})
            step.rdflib = found.get("seconds")
            if found.get("note"):
                step.note += f"; rdflib {found['note']}"

    claim, figure = ("", ARTICLE_FIGURE) if label == "article" else _a_figure(data)
    for wanted in filter(None, (claim, figure)):
        traces, median = repeated(
            lambda wanted=wanted: run(
                kg_command("trace", wanted, "--data", data, "--build", build_dir, "--format", "json"),
                timeout=args.limit,
            ),
            3,
        )
        note = _ended(traces[0]) or f"{traces[0].output_rows} matches"
        add(Step(f"kg trace {wanted} (process)", median, max(r.peak_mb for r in traces), len(traces), note=note))
    flows, median = repeated(
        lambda: run(kg_command("flows", "--data", data, "--build", build_dir), timeout=args.limit), args.repeats
    )
    add(Step("kg flows (process)", median, max(r.peak_mb for r in flows), len(flows), note=_ended(flows[0])))
    if run(kg_command("viz", "--help")).code == 0:
        page = build_dir / "bench-graph.html"
        viz = run(kg_command("viz", "--data", data, "--build", build_dir, "--output", page), timeout=args.limit)
        add(Step("kg viz (process)", viz.seconds, viz.peak_mb, note=_ended(viz)))
    else:
        add(Step("kg viz (process)", None, None, note="no kg viz command: skipped"))

    if raw is not None:
        add(Step("raw pyoxigraph: load graph.nt", raw.output.get("load"), raw.peak_mb, note="in memory, with queries"))
    if rdflib is not None:
        add(Step("rdflib: parse graph.nt", rdflib.output.get("load"), rdflib.peak_mb, note="with queries" if
                 claims <= args.rdflib_query_max else "parse only"))  # fmt: skip
    return size


def _fail_on(runs: list[Run], what: str) -> None:
    for result in runs:
        if result.code != 0 or not result.output:
            raise SystemExit(f"{what} failed (exit {result.code}): {result.error}")


def _ended(result: Run, ok: tuple[int, ...] = (0,)) -> str:
    if result.code == -9:
        return "stopped at the time limit"
    return "" if result.code in ok else f"exit {result.code}: {result.error[:80]}"


def _a_figure(data: Path) -> tuple[str, str]:
    """A claim id and its figure as written, from the corpus's first article, to trace.

    The id matches one claim; the figure, in a corpus whose values are dense, also matches
    every claim within 0.5 % of its value (hundreds at 100,000 claims), each traced in full.
    """
    claim = ""
    for line in (data / "claims" / "article-000001.yaml").read_text(encoding="utf-8").splitlines():
        if line.startswith("  - id:"):
            claim = line.split(":", 1)[1].strip()
        if line.strip().startswith("text:") and "亿美元" in line:
            return claim, str(json.loads(line.split("text:", 1)[1]))
    raise SystemExit(f"no figure to trace in {data}")


# ---------------------------------------------------------------------------------------------
# Output


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or theirs is None or theirs == 0:
        return "–"
    return f"{ours / theirs:.2f}×"


def table(size: Size) -> str:
    rows = [f"\n{size.label}: {size.claims:,} claims, {size.triples:,} triples", ""]
    rows.append("| step | median | peak MB | runs | vs rdflib | vs raw pyoxigraph | note |")
    rows.append("|---|---:|---:|---:|---:|---:|---|")
    for step in size.steps:
        peak = f"{step.peak_mb:.0f}" if step.peak_mb is not None else ""
        rows.append(
            f"| {step.name} | {_fmt(step.seconds)} | {peak} | {step.runs} | {_ratio(step.seconds, step.rdflib)} "
            f"| {_ratio(step.seconds, step.raw)} | {step.note} |"
        )
    return "\n".join(rows)


@dataclass
class Target:
    what: str
    met: bool | None
    detail: str


def targets(sizes: list[Size]) -> tuple[str, list[Target]]:
    """Issue 6's targets, judged at 100,000 claims (or at the largest size run) and on the article."""
    corpora = [s for s in sizes if s.label != "article"]
    found: list[Target] = []
    at = next((s for s in corpora if s.claims == TARGET_SIZE), max(corpora, key=lambda s: s.claims, default=None))
    where = "no corpus run"
    if at is not None:
        where = f"{at.claims:,} claims" + ("" if at.claims == TARGET_SIZE else f" (not {TARGET_SIZE:,}: not run)")
        whole = at.step("build, whole (load + build)")
        if whole and whole.seconds is not None and whole.raw:
            ratio = whole.seconds / whole.raw
            found.append(
                Target(
                    "build ≤ 3× raw pyoxigraph load",
                    ratio <= 3,
                    f"{_fmt(whole.seconds)} vs {_fmt(whole.raw)}: {ratio:.1f}×"
                    + ("" if ratio <= 3 else f", {_fmt(whole.seconds - 3 * whole.raw)} over"),
                )
            )
        if whole and whole.seconds is not None and whole.rdflib:
            speedup = whole.rdflib / whole.seconds
            found.append(
                Target(
                    "build ≥ 10× faster than rdflib parse",
                    speedup >= 10,
                    f"{_fmt(whole.rdflib)} / {_fmt(whole.seconds)} = {speedup:.1f}×",
                )
            )
        else:
            found.append(Target("build ≥ 10× faster than rdflib parse", None, "rdflib not run at this size"))
        for step in at.steps:
            if step.name.startswith("query ") and step.seconds is not None and step.raw:
                ratio = step.seconds / step.raw
                extra = "" if ratio <= 1.5 else f", {_fmt(step.seconds - 1.5 * step.raw)} over"
                found.append(
                    Target(f"{step.name} ≤ 1.5× raw", ratio <= 1.5, f"{_fmt(step.seconds)} vs {_fmt(step.raw)}{extra}")
                )
        peaks = [
            (s.name, s.peak_mb) for s in at.steps if s.peak_mb is not None and not s.name.startswith(("raw", "rdf"))
        ]
        worst = max(peaks, key=lambda p: p[1], default=None)
        if worst:
            found.append(Target("peak memory ≤ 1 GB", worst[1] <= GB, f"highest: {worst[0]}, {worst[1]:.0f} MB"))
        trace = next((s for s in at.steps if s.name.startswith("kg trace")), None)  # by claim id: one match
        if trace and trace.seconds is not None:
            found.append(Target("kg trace ≤ 1 s (process)", trace.seconds <= 1, _fmt(trace.seconds)))
    article = next((s for s in sizes if s.label == "article"), None)
    trace = next((s for s in article.steps if s.name.startswith("kg trace")), None) if article else None
    if trace and trace.seconds is not None:
        found.append(Target("kg trace ≤ 300 ms on the article (process)", trace.seconds <= 0.3, _fmt(trace.seconds)))
    return where, found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="article,1000,10000,100000", help="Claims per corpus; 'article' = data/.")
    parser.add_argument("--repeats", type=int, default=3, help="Runs of a cheap step (its median is shown).")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--work", type=Path, default=OUT / "work", help="Where corpora and builds go.")
    parser.add_argument("--rdflib-max", type=int, default=100_000, help="Largest corpus rdflib parses.")
    parser.add_argument("--rdflib-query-max", type=int, default=10_000, help="Largest corpus rdflib queries.")
    parser.add_argument("--limit", type=float, default=60, help="Seconds before a query or command is stopped.")
    parser.add_argument("--no-raw", dest="raw", action="store_false", help="Skip the raw pyoxigraph baseline.")
    parser.add_argument("--verbose", "-v", action="store_true", help="Print each step as it ends.")
    args = parser.parse_args(argv)

    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    sizes = []
    for label in args.sizes.split(","):
        if label == "article":
            data = PROJECT / "data"
            claims = sum(1 for line in _claim_lines(data))
        else:
            claims = int(label)
            data = args.work / f"corpus-{claims}-seed{args.seed}"
            if not (data / "sources.yaml").exists():
                generate(claims, data, seed=args.seed)
        size = measure(label, data, args.work, args, claims)
        sizes.append(size)
        print(table(size), flush=True)
    where, judged = targets(sizes)
    print(f"\nTargets of issue 6, at {where}:")
    for target in judged:
        mark = "met" if target.met else ("missed" if target.met is False else "not measured")
        print(f"  {mark:>12}  {target.what}: {target.detail}")
    elapsed = time.perf_counter() - started
    print(f"\n(benchmark ran {elapsed / 60:.1f} min on {os.cpu_count()} CPUs)")
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    report = {
        "sizes": [asdict(s) for s in sizes],
        "targets": {"at": where, "items": [asdict(t) for t in judged]},
        "seconds": elapsed,
        "cpus": os.cpu_count(),
    }
    (OUT / f"bench-{stamp}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _claim_lines(data: Path) -> list[str]:
    return [
        line
        for path in sorted((data / "claims").glob("*.yaml"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.startswith("  - id:")
    ]


if __name__ == "__main__":
    main()
