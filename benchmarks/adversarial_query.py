"""Hostile input to `kg query` and `kg trace`, doubling in size: time, peak memory and how each run ended.

Every case makes an input of size n (characters, nesting levels, UNIONs, rows...) and runs the
command as a user would, in its own process: the query on standard input, the figure as an
argument. The table shows each size's wall time, the child's own peak RSS (os.wait4) and its
exit code with the last line it wrote on stderr, so that linear growth, a crash (a negative exit
code is a signal: -11 SIGSEGV) or a hang (killed after ``--give-up`` seconds) is visible. A case
stops growing after a run that was killed or crashed.

    python -m benchmarks.adversarial_query --build build
    python -m benchmarks.adversarial_query --build build --only literal,braces --give-up 120

Results also go to benchmarks/out/adversarial.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "benchmarks" / "out"
NONE = "?s <http://example.org/none> ?o"  # matches nothing: the time is the parser's and the planner's
PRODUCT = "?a ?b ?c . ?d ?e ?f"


@dataclass(frozen=True)
class Case:
    """A hostile input of size n, for `kg query` (a query) or `kg trace` (a figure)."""

    make: Callable[[int], str]
    sizes: tuple[int, ...]
    command: str = "query"
    options: tuple[str, ...] = ()


def _doubling(start: int, stop: int) -> tuple[int, ...]:
    sizes = [start]
    while sizes[-1] * 2 <= stop:
        sizes.append(sizes[-1] * 2)
    return tuple(sizes)


TEXT = _doubling(12_500, 3_200_000)  # characters
ROWS = _doubling(125_000, 4_000_000)


def _where(body: str, after: str = "") -> str:
    return f"SELECT * WHERE {{ {body} }}{after}"


CASES: dict[str, Case] = {
    # The keyword scan that ran before the engine was quadratic in a run of word characters: a long
    # number (the "100 kB literal: 51 s"), word or unterminated string.
    "number-literal": Case(lambda n: _where(f"{NONE} FILTER(?o = {'1' * n})"), TEXT),
    "string-literal": Case(lambda n: _where(f'{NONE} FILTER(?o = "{"a" * n}")'), TEXT),
    "bare-word": Case(lambda n: _where(NONE, " " + "a" * n), TEXT),
    "unterminated-string": Case(lambda n: f'SELECT * WHERE {{ {NONE} FILTER(?o = "{"a" * n}', TEXT),
    # an unterminated long string whose escapes reopen it, IRIs that never close, dotted words:
    # quadratic for a lexer that backs off one character and tries again
    "reopened-strings": Case(lambda n: "SELECT * WHERE { ?s ?p " + "'''a\\'" * (n // 6), TEXT),
    "unclosed-iris": Case(lambda n: _where(f"{NONE} FILTER(?o {'<a' * (n // 2)})"), TEXT),
    "dotted-names": Case(lambda n: _where(NONE, " " + "a." * (n // 2)), TEXT),
    # the engine's parser and evaluator recurse: these crashed the process (SIGSEGV)
    "braces": Case(lambda n: "SELECT * WHERE " + "{" * n + NONE + "}" * n, _doubling(250, 16_000)),
    "parentheses": Case(lambda n: _where(f"{NONE} FILTER({'(' * n}1{')' * n})"), _doubling(250, 16_000)),
    "unions": Case(lambda n: _where("{" + NONE + "}" + (" UNION {" + NONE + "}") * n), _doubling(625, 40_000)),
    "binds": Case(lambda n: _where(NONE + "".join(f" BIND({i} AS ?v{i})" for i in range(n))), _doubling(500, 16_000)),
    "nested-exists": Case(lambda n: _where(NONE + " FILTER EXISTS {" * n + NONE + "}" * n), _doubling(250, 8_000)),
    # rows and bytes: the graph joined with itself (the article's 5,000 triples: 25 million rows)
    "product-csv": Case(lambda n: _where(PRODUCT, f" LIMIT {n}"), ROWS, options=("--format", "csv")),
    "product-json": Case(lambda n: _where(PRODUCT, f" LIMIT {n}"), ROWS, options=("--format", "json")),
    "product-table": Case(lambda n: _where(PRODUCT, f" LIMIT {n}"), ROWS, options=("--format", "table")),
    "product-sorted": Case(lambda n: _where(PRODUCT, f" ORDER BY ?c ?f LIMIT {n}"), (10,)),
    "product-counted": Case(lambda n: f"SELECT (COUNT(*) AS ?n) WHERE {{ {PRODUCT} . ?g ?h ?i }}", (1,)),
    # kg trace: a figure followed by spaces sent a regex on the typed figure into cubic time
    "trace-spaces": Case(lambda n: "1" + " " * n + "!", _doubling(200, 102_400), command="trace"),
    "trace-digits": Case(lambda n: "1," * (n // 2) + "x", _doubling(200, 102_400), command="trace"),
    "trace-word": Case(lambda n: "a" * n, _doubling(200, 102_400), command="trace"),
}


@dataclass
class Result:
    case: str
    size: int
    chars: int
    seconds: float
    peak_mb: float
    code: int
    message: str


def kg_command(*args: str | Path) -> list[str]:
    script = Path(sys.executable).parent / "kg"
    return [str(script), *map(str, args)] if script.exists() else [sys.executable, "-m", "kg.cli", *map(str, args)]


def run_case(name: str, case: Case, size: int, build: Path, timeout: float, give_up: float) -> Result:
    text = case.make(size)
    if case.command == "query":
        argv = kg_command("query", "-", "--build", build, "--timeout", str(timeout), *case.options)
    else:
        argv = kg_command("trace", text, "--build", build, "--format", "json", *case.options)
    with tempfile.TemporaryFile() as given, tempfile.TemporaryFile() as err:
        given.write(text.encode("utf-8") if case.command == "query" else b"")
        given.seek(0)
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdin=given, stdout=subprocess.DEVNULL, stderr=err, cwd=PROJECT)
        timer = threading.Timer(give_up, process.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        err.seek(0)
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    code = os.waitstatus_to_exitcode(status)
    message = f"killed after {give_up:g} s" if seconds >= give_up and code < 0 else (lines[-1] if lines else "")
    return Result(name, size, len(text), seconds, usage.ru_maxrss / 1024, code, message[:110])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", type=Path, default=PROJECT / "build", help="A build folder (kg build).")
    parser.add_argument("--only", default="", help="Comma-separated case names (default: all).")
    parser.add_argument("--timeout", type=float, default=10, help="--timeout given to kg query.")
    parser.add_argument("--give-up", type=float, default=60, help="Seconds before a run is killed.")
    args = parser.parse_args(argv)
    chosen = [n for n in args.only.split(",") if n] or list(CASES)
    unknown = set(chosen) - set(CASES)
    if unknown:
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}; known: {', '.join(CASES)}")
    results: list[Result] = []
    print(f"{'case':20} {'size':>9} {'chars':>9} {'seconds':>8} {'peak MB':>8} {'exit':>5}  message", flush=True)
    for name in chosen:
        for size in CASES[name].sizes:
            result = run_case(name, CASES[name], size, args.build, args.timeout, args.give_up)
            results.append(result)
            print(
                f"{name:20} {size:>9} {result.chars:>9} {result.seconds:>8.2f} {result.peak_mb:>8.0f} "
                f"{result.code:>5}  {result.message}",
                flush=True,
            )
            if result.code < 0:
                break
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "adversarial.json").write_text(json.dumps([asdict(r) for r in results], indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
