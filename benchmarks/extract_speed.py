"""How fast kg.extract reads: megabytes of text per second, on the first article repeated to ≥ 1 MB.

The target is 1 MB/s on a 2-core machine. The best of a few runs is reported (the least disturbed
by other processes), by the clock and in CPU time (which other processes on a busy machine do not
inflate as much); actors are loaded and patterns compiled before the clock starts, as they are once
per process.

    python -m benchmarks.extract_speed              # the first article (Chinese)
    python -m benchmarks.extract_speed --english    # the English test article, denser in figures
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kg.extract import default_actors, extract

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = {
    "zh": ROOT / "data" / "sources" / "article-zh.txt",
    "en": ROOT / "tests" / "fixtures" / "extract" / "article-en.txt",
}
TARGET = 1.0  # MB/s


def measure(megabytes: float = 1.0, repeats: int = 3, lang: str = "zh") -> tuple[float, int, int]:
    """(MB/s of the best run, bytes read, figures found) for an article repeated to ``megabytes``."""
    speed, _, size, count = measure_both(megabytes, repeats, lang)
    return speed, size, count


def measure_both(megabytes: float = 1.0, repeats: int = 3, lang: str = "zh") -> tuple[float, float, int, int]:
    """(MB/s by the clock, MB/s in CPU time, bytes read, figures found), each the best of ``repeats`` runs."""
    article = ARTICLES[lang].read_text(encoding="utf-8")
    copies = int(megabytes * 1_000_000 // len(article.encode("utf-8"))) + 1
    text = "\n".join([article] * copies)
    size = len(text.encode("utf-8"))
    actors = default_actors()
    extract(article, actors=actors)  # compile the patterns and the gazetteer
    best = best_cpu = float("inf")
    count = 0
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        count = len(extract(text, actors=actors))
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    return size / 1_000_000 / best, size / 1_000_000 / best_cpu, size, count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=1.0, help="size of the text read (default 1)")
    parser.add_argument("--repeats", type=int, default=3, help="runs, the best reported (default 3)")
    parser.add_argument("--english", action="store_true", help="read the English test article instead")
    arguments = parser.parse_args()
    lang = "en" if arguments.english else "zh"
    speed, cpu_speed, size, count = measure_both(arguments.megabytes, arguments.repeats, lang)
    verdict = "meets" if speed >= TARGET else "misses"
    print(
        f"kg extract: {speed:.2f} MB/s ({cpu_speed:.2f} MB/s of CPU time) on {size / 1_000_000:.2f} MB of"
        f" {ARTICLES[lang].name} repeated ({count} figures); {verdict} the target of {TARGET:.0f} MB/s"
    )


if __name__ == "__main__":
    main()
