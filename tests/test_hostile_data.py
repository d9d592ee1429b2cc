"""Hostile data files: whatever a claims, sources or actors file holds, loading says what is wrong in lines or loads.

Hypothesis mutates the small dataset's files (characters cut, doubled or replaced; values swapped
for strange ones; keys dropped or repeated) and the loader must either load the data or raise
LoadError, each problem one line naming a file of the dataset: never another exception, never a
traceback. A few of the mutants also go through `kg build` as a user runs it.
"""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kg.cli import app
from kg.load import LoadError, load_dataset
from tests.conftest import MINI

FILES = ["claims/mini.yaml", "claims/example-report.yaml", "sources.yaml", "actors.yaml", "vocabulary.yaml"]
STRANGE = [
    "",
    "~",
    "null",
    "-1",
    "1e309",
    "1,5",
    "１２",
    "٢٠٢٤",
    "2025-02-30",
    "FY25",
    "../../etc/passwd",
    "/etc/os-release",
    "&a [1]",
    "*a",
    "!!python/object:os.system",
    "{",
    "[[[[",
    '"\\u0000"',
    "'",
    "a" * 2000,
    "https://exa mple.org",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    "\u2028",
    "9" * 40,
]

mutation = st.one_of(
    st.tuples(st.just("cut"), st.integers(0, 10_000), st.integers(1, 40)),
    st.tuples(st.just("double"), st.integers(0, 10_000), st.integers(1, 40)),
    st.tuples(st.just("replace"), st.integers(0, 10_000), st.sampled_from(STRANGE)),
    st.tuples(st.just("value"), st.integers(0, 10_000), st.sampled_from(STRANGE)),
    st.tuples(st.just("line"), st.integers(0, 10_000), st.sampled_from(["drop", "repeat"])),
)


Mutation = tuple[str, int, object]


def _mutate(text: str, how: Mutation) -> str:
    kind, at, what = how
    at %= max(len(text), 1)
    if kind == "cut":
        return text[:at] + text[at + int(str(what)) :]
    if kind == "double":
        return text[:at] + text[at : at + int(str(what))] * 2 + text[at:]
    if kind == "replace":
        return text[:at] + str(what) + text[at + 1 :]
    lines = text.splitlines(keepends=True)
    index = at % max(len(lines), 1)
    if kind == "value" and ": " in lines[index]:
        key = lines[index].split(": ", 1)[0]
        lines[index] = f"{key}: {what}\n"
    elif kind == "line":
        lines[index : index + 1] = [] if what == "drop" else [lines[index]] * 2
    return "".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FILES), st.lists(mutation, min_size=1, max_size=3))
def test_a_mutated_file_loads_or_says_why(
    tmp_path_factory: pytest.TempPathFactory, name: str, mutations: list[Mutation]
) -> None:
    data = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(MINI, data, ignore=shutil.ignore_patterns("expected*"))
    path = data / name
    text = path.read_text(encoding="utf-8")
    for how in mutations:
        text = _mutate(text, how)
    path.write_text(text, encoding="utf-8")
    try:
        load_dataset(data)
    except LoadError as err:
        lines = str(err).splitlines()
        assert lines and all(line.startswith(str(data)) for line in lines), lines
        assert "Traceback" not in str(err)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.sampled_from(FILES), mutation)
def test_kg_build_on_a_mutant_exits_0_or_2(tmp_path_factory: pytest.TempPathFactory, name: str, how: Mutation) -> None:
    folder = tmp_path_factory.mktemp("hostile")
    data = folder / "data"
    shutil.copytree(MINI, data, ignore=shutil.ignore_patterns("expected*"))
    (data / name).write_text(_mutate((data / name).read_text(encoding="utf-8"), how), encoding="utf-8")
    result = CliRunner().invoke(app, ["build", "--data", str(data), "--build", str(folder / "build")])
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert all(line.startswith("error: ") for line in result.output.splitlines()), result.output
