"""kg extract on hostile texts, doubling in size: the time per size shows whether it stays linear.

Each input is one of the shapes that were quadratic or worse (issue 11, item 8): tables of numbers,
numerals and scale words run together, long runs of one character, dense English. Every size runs in
a child process with a time limit, so a blow-up is reported as such instead of hanging the run.
Linear time doubles with the size (ratio ≈ 2); a ratio near 4 is quadratic.

    python -m benchmarks.adversarial_extract                   # every input, 16 kB to 512 kB
    python -m benchmarks.adversarial_extract --sizes 4 --limit 20 --only zh-numerals
"""

from __future__ import annotations

import argparse
import itertools
import multiprocessing
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ROOT / "tests" / "fixtures" / "extract" / "article-en.txt"


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda size: (unit * (size // len(unit) + 1))[:size]


def _english(size: int) -> str:
    return _repeat(ENGLISH.read_text(encoding="utf-8") + "\n")(size)


#: name → a text of (about) ``size`` characters.
INPUTS: dict[str, Callable[[int], str]] = {
    "numbers-spaced": _repeat("12 345 6789 0.5 "),
    "numbers-commas": _repeat("12,345,6789,0.5,"),
    "yi-yi-yi": _repeat("1亿"[0] + "亿" * 63),
    "zh-numerals": _repeat("一二三四五六七八九十百千万亿零两"),
    "bai-fen-zhi": _repeat("百分之"),
    "wan-yi-usd": _repeat("万亿美元"),
    "dots": _repeat("1.1."),
    "dashes": _repeat("1-2-"),
    "capitals": _repeat("Acme Capital Bank Fund Group "),
    "quotes": _repeat("“"),
    "english": _english,
}


def _run(name: str, size: int, queue: multiprocessing.Queue[float]) -> None:
    from kg.extract import extract

    text = INPUTS[name](size)
    extract(text[:2000])  # compile patterns and the gazetteer before the clock starts
    started = time.perf_counter()
    extract(text)
    queue.put(time.perf_counter() - started)


def timed(name: str, size: int, limit: float) -> float | None:
    """Seconds to extract from the input ``name`` of ``size`` characters; None past ``limit``.

    A child that fails (a traceback) raises RuntimeError: a crash is not a time."""
    queue: multiprocessing.Queue[float] = multiprocessing.Queue()
    child = multiprocessing.Process(target=_run, args=(name, size, queue))
    child.start()
    child.join(limit + 5)  # + start-up and compiling
    if child.is_alive():
        child.kill()
        child.join()
        return None
    if child.exitcode != 0:
        raise RuntimeError(f"{name} at {size} characters: the extraction failed (exit {child.exitcode})")
    return queue.get()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, default=6, help="how many doublings (default 6)")
    parser.add_argument("--start", type=int, default=16, help="first size in kilo-characters (default 16)")
    parser.add_argument("--limit", type=float, default=30.0, help="seconds allowed for one size (default 30)")
    parser.add_argument("--only", action="append", choices=sorted(INPUTS), help="run only this input")
    arguments = parser.parse_args()
    sizes = [arguments.start * 1000 * 2**step for step in range(arguments.sizes)]
    print(f"{'input':16}" + "".join(f"{size // 1000:>9} k" for size in sizes) + "   worst ratio")
    for name in arguments.only or INPUTS:
        cells, seconds = [], []
        for size in sizes:
            took = timed(name, size, arguments.limit)
            if took is None:
                cells.append(f"{'>' + format(arguments.limit, '.0f') + ' s':>11}")
                break
            cells.append(f"{took:>9.3f} s")
            seconds.append(took)
        ratios = [b / a for a, b in itertools.pairwise(seconds) if a > 0.02]
        worst = f"{max(ratios):.1f}" if ratios else "-"
        print(f"{name:16}" + "".join(cells) + f"   {worst}", flush=True)


if __name__ == "__main__":
    main()
