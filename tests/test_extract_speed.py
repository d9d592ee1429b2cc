"""kg extract's speed: the benchmark scripts run, and hostile texts take time in proportion to their length."""

from __future__ import annotations

import time

import pytest

from benchmarks.adversarial_extract import INPUTS
from kg.extract import extract


def test_speed_benchmark_runs() -> None:
    from benchmarks.extract_speed import measure

    megabytes_per_second, size, count = measure(megabytes=0.05, repeats=1)
    assert size >= 50_000 and count > 0 and megabytes_per_second > 0


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_hostile_text_in_linear_time(name: str) -> None:
    """Each input of issue 11 (tables of numbers, 1亿亿亿…, numerals, 百分之…, 万亿美元 repeated) was 40-60+ s at
    25k characters; 40k characters now take a few seconds at most, and four times as many characters less
    than eight times as long. CPU time, not the clock: other processes on the machine do not count."""
    timings = []
    for size in (10_000, 40_000):
        text = INPUTS[name](size)
        started = time.process_time()
        extract(text)
        timings.append(time.process_time() - started)
    assert timings[1] < 5.0, timings
    assert timings[1] < 8 * timings[0] + 0.25, timings
