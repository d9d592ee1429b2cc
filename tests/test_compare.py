"""kg.compare and kg compare: what two or more sources say of one fact, side by side, with a verdict.

Library tests build their figures here; the command, the check section and the example queries run
on tests/fixtures/compare (three sources: two articles and the report they rest on); tests of the
shipped corpus keep only the figures of the sources they name, so a source added to data/ changes
none of them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import time
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg.check import analyse
from kg.cli import app
from kg.compare import SHOWN, VERDICTS, Comparison, compare, read_groups, render
from kg.figures import Figure, read_figures, recorded_figures
from kg.models import Period
from kg.rebuild import rebuild
from kg.store import open_store
from tests.conftest import FIXTURES, PROJECT, Curated

COMPARE = FIXTURES / "compare"
TOPIC_VERDICTS = ("agree", "disagree", "one-source", "different-units")


def figure(
    claim: str,
    value: str,
    text: str,
    *,
    source: str = "a",
    subjects: Iterable[str] = ("x",),
    metric: str = "m",
    period: str | None = "2024",
    unit: str = "USD",
    hedge: str = "none",
    bounds: tuple[str, str] | None = None,
    rank: str = "normal",
    reason: str | None = None,
    upstream: Iterable[tuple[str, str]] = (),
) -> Figure:
    low, high = (Decimal(bounds[0]), Decimal(bounds[1])) if bounds else (None, None)
    start, end = Period(label=period).start_end() if period else (None, None)
    return Figure(
        id=claim,
        value=Decimal(value),
        unit=unit,
        text=text,
        hedge=hedge,
        low=low,
        high=high,
        metric=metric,
        period=period,
        subjects=tuple(subjects),
        formula=None,
        share_of=None,
        quote=None,
        period_start=start.isoformat() if start else None,
        period_end=end.isoformat() if end else None,
        source=source,
        rank=rank,
        rank_reason=reason,
        upstream=tuple(upstream),
    )


def only(comparisons: list[Comparison], verdict: str) -> Comparison:
    found = [c for c in comparisons if c.verdict == verdict]
    assert len(found) == 1, [c.summary() for c in comparisons]
    return found[0]


def line_of(comparison: Comparison, claim: str):  # type: ignore[no-untyped-def]
    return next(line for line in comparison.lines if line.figure.id == claim)


# ---------------------------------------------------------------------------------------------
# Verdicts on one topic


@pytest.mark.parametrize(
    ("first", "second", "expected"),
    [
        pytest.param(
            ("109080000000", "109.08 billion", "none"), ("109100000000", "1091亿美元", "none"), "agree", id="rounding"
        ),
        pytest.param(
            ("364000000000", "$364 billion", "none"),
            ("380000000000", "$380 billion", "more-than"),
            "disagree",
            id="bound",
        ),
        pytest.param(
            ("3000000000000", "about 3 trillion", "about"),
            ("2900000000000", "2.9 trillion", "none"),
            "agree",
            id="about",
        ),
        pytest.param(
            ("3000000000000", "3.0 trillion", "none"),
            ("2800000000000", "2.8 trillion", "none"),
            "disagree",
            id="digits",
        ),
        pytest.param(("12", "nearly 12 times", "nearly"), ("11.7", "11.7 times", "none"), "agree", id="nearly"),
        pytest.param(
            ("350000000000", "$350 bn", "more-than"),
            ("400000000000", "$400 billion", "more-than"),
            "agree",
            id="bounds",
        ),
    ],
)
def test_verdict_follows_rounding_and_hedges(
    first: tuple[str, str, str], second: tuple[str, str, str], expected: str
) -> None:
    unit = "times" if "times" in first[1] else "USD"
    figures = [
        figure("a1", first[0], first[1], hedge=first[2], unit=unit),
        figure("b1", second[0], second[1], hedge=second[2], unit=unit, source="b"),
    ]
    found = only(compare(figures), expected)
    assert found.status == ("warn" if expected == "disagree" else "pass")
    assert found.sources == ("a", "b") and {line.figure.id for line in found.lines} == {"a1", "b1"}


def test_a_range_holds_what_lies_inside_it() -> None:
    ranged = figure("a1", "80000000000", "$75–$85 billion", hedge="range", bounds=("75000000000", "85000000000"))
    inside = figure("b1", "81500000000", "$81.5 billion", source="b")
    outside = figure("b1", "90500000000", "$90.5 billion", source="b")
    assert only(compare([ranged, inside]), "agree").agreed == (("USD", Decimal("81450000000"), Decimal("81550000000")),)
    assert only(compare([ranged, outside]), "disagree")


def test_a_source_with_two_values_agrees_with_either() -> None:
    """Yahoo Finance gives 364 billion and the 325 billion it replaced; the others give 364: they agree."""
    found = only(
        compare(
            [
                figure("a-now", "364000000000", "$364 billion"),
                figure("a-before", "325000000000", "$325 billion", hedge="about"),
                figure("b", "364000000000", "364 billion", source="b"),
            ]
        ),
        "agree",
    )
    assert line_of(found, "a-before").note == "outside the values every source allows"
    assert line_of(found, "a-now").note is None and "2 sources; every one allows" in found.note


def test_deprecated_is_shown_with_its_reason_never_counted() -> None:
    slip = "A currency slip for 4.52 billion US dollars."
    figures = [
        figure("report", "4520000000", "4.52 billion", source="report"),
        figure("pounds", "4500000000", "£4.5 billion", unit="GBP", source="article", rank="deprecated", reason=slip),
        figure("wrong", "9000000000", "$9 billion", source="article", rank="deprecated", reason="A typo."),
    ]
    found = only(compare(figures), "one-source")
    assert [line.figure.id for line in found.lines][-2:] == ["pounds", "wrong"]  # deprecated last
    assert not line_of(found, "wrong").counted and line_of(found, "wrong").note == "deprecated: not counted"
    assert f"why deprecated: {slip}" in render([found])
    # a third source that agrees with the report: the deprecated 9 billion makes no disagreement
    agreeing = figure("other", "4520000000", "4.52 billion", source="other")
    assert only(compare([*figures, agreeing]), "agree").status == "pass"


def test_preferred_is_marked_and_retires_its_own_source_s_other_values() -> None:
    """A curator prefers a source's later plan to its earlier one; the other sources' values still count."""
    figures = [
        figure("a-later", "125000000000", "$125 billion", rank="preferred", reason="The target after Q3."),
        figure("a-earlier", "118000000000", "$118 billion"),
        figure("b", "118000000000", "$118 billion", source="b"),
    ]
    found = only(compare(figures), "disagree")
    assert found.lines[0].figure.id == "a-later" and found.lines[0].counted
    assert not line_of(found, "a-earlier").counted
    assert "preferred: $125 billion [a]" in found.note
    text = render([found])
    assert "$125 billion = 125,000,000,000 USD; unhedged; fact; preferred" in text
    assert "why preferred: The target after Q3." in text
    # the same source's earlier value alone would agree with b: the preference is what disagrees
    assert only(compare([f for f in figures if f.rank == "normal"]), "agree")


def test_units_that_cannot_be_compared() -> None:
    figures = [
        figure("a", "85000000000", "$85 billion"),
        figure("b", "80000000000", "€80 billion", unit="EUR", source="b"),
    ]
    found = only(compare(figures), "different-units")
    assert found.status == "pass" and line_of(found, "b").note == "not compared: no other source gives it in EUR"


def test_one_source_alone_is_no_comparison() -> None:
    figures = [figure("a1", "1", "1"), figure("a2", "5", "5"), figure("a3", "5", "5", period="2025")]
    assert compare(figures) == []


# ---------------------------------------------------------------------------------------------
# Near matches, groups, report figures


def test_the_same_number_for_another_period() -> None:
    figures = [
        figure("a", "345000000000", "345 billion", period="2025"),
        figure("b", "345000000000", "345 billion", period="2025-01/2025-09", source="b"),
        figure("c", "433000000000", "433 billion", period="2024", source="c"),  # another number
        figure("d", "345000000000", "345 billion", period="2023", source="d", hedge="more-than"),  # a bound
    ]
    found = only(compare(figures), "different-period")
    assert found.status == "warn" and found.claims == ("a", "b")
    assert found.title() == "x · m · 2025 | 2025-01/2025-09"
    assert "x · 2025-01/2025-09: b: 345 billion" in render([found])


def test_the_same_number_of_other_subjects() -> None:
    figures = [
        figure("world", "3000000000000", "$3 trillion", subjects=("world",)),
        figure("hyper", "3000000000000", "3 trillion", subjects=("hyperscalers",), source="b"),
        figure("us", "109100000000", "$109.1 billion", subjects=("united-states",), source="c"),
        figure("cn", "9300000000", "$9.3 billion", subjects=("china",), source="d"),
    ]
    found = only(compare(figures), "different-subject")
    assert found.claims == ("hyper", "world") and found.title() == "hyperscalers | world · m · 2024"
    # a group and its member with the same number are a group beside its members, not other subjects
    grouped = compare(figures, {"hyperscalers": ["world"]})
    assert [c.verdict for c in grouped] == ["group-contains"]


def test_a_group_beside_its_largest_parts() -> None:
    groups = {"hyperscalers": ["amazon", "alphabet"], "tech-giants": ["amazon", "alphabet", "oracle"]}
    figures = [
        figure("hyper", "364000000000", "$364 billion", subjects=("hyperscalers",)),
        figure("amazon", "125000000000", "$125 billion", subjects=("amazon",), source="b"),
        figure("alphabet", "92000000000", "$92 billion", subjects=("alphabet",), source="b"),
        figure("giants", "550000000000", "$550 billion", subjects=("tech-giants",), source="c"),
    ]
    found = {c.title(): c for c in compare(figures, groups)}
    assert set(found) == {"hyperscalers ⊃ alphabet, amazon · m · 2024", "tech-giants ⊃ hyperscalers · m · 2024"}
    assert all(c.verdict == "group-contains" and c.status == "pass" for c in found.values())
    # the hyperscalers' 150 billion cannot hold Amazon's 125 and Alphabet's 92
    small = figure("hyper", "150000000000", "$150 billion", subjects=("hyperscalers",))
    warned = only(compare([small, *figures[1:3]], groups), "group-contains")
    assert warned.status == "warn" and "add up to at least 216 billion USD" in warned.note  # 124.5 + 91.5
    assert "(155 billion USD at most)" in warned.note  # $150 billion: its trailing zero is not significant


def test_figures_resting_on_one_report_figure() -> None:
    report = figure("r", "345000000000", "345 billion", source="report", period="2025-01/2025-09")
    figures = [
        report,
        figure("a", "345000000000", "3450亿美元", period="2025", upstream=[("r", "different-period")]),
        figure("b", "345000000000", "345 billion", source="b", period="2025-01/2025-09", upstream=[("r", "same")]),
    ]
    found = only(compare(figures), "same-report-figure")
    assert found.upstream is not None and found.upstream.figure.id == "r"
    assert [(line.figure.id, line.how, line.departure) for line in found.lines] == [
        ("a", "different-period", "differs in period"),
        ("b", "same", "agrees"),
    ]
    assert found.sources == ("a", "b", "report") and "different-period → differs in period" in render([found])
    # one source resting on the report figure is a fidelity item, not a comparison
    assert not [c for c in compare(figures[:2]) if c.verdict == "same-report-figure"]


# ---------------------------------------------------------------------------------------------
# Large groups: linear, capped


def _many(count: int, shape: str) -> list[Figure]:
    """``count`` figures of one topic, of one number, of one group's members, or resting on one report figure."""
    if shape == "one-topic":
        return [figure(f"f{n}", "1500000000000", "1.5 trillion", source=f"s{n}") for n in range(count)]
    if shape == "one-number":
        days = (date(1900, 1, 1) + timedelta(days=n) for n in range(count))
        return [figure(f"f{n}", "345", "345", source=f"s{n}", period=day.isoformat()) for n, day in enumerate(days)]
    if shape == "one-group":  # members' figures are bounds, so that no near match joins them
        members = [
            figure(f"f{n}", "1", "1", source=f"s{n}", subjects=(f"m{n}",), hedge="at-least") for n in range(count)
        ]
        return [figure("group", "100000", "100000", subjects=("g",), source="g"), *members]
    return [figure("r", "7", "7", source="r", period="2023")] + [
        figure(f"f{n}", "7", "7", source=f"s{n}", upstream=[("r", "same")]) for n in range(count)
    ]


def _timed(figures: list[Figure], groups: dict[str, list[str]]) -> tuple[float, list[Comparison]]:
    started = time.perf_counter()
    found = compare(figures, groups)
    return time.perf_counter() - started, found


@pytest.mark.parametrize(
    ("shape", "verdict"),
    [
        ("one-topic", "agree"),
        ("one-number", "different-period"),
        ("one-group", "group-contains"),
        ("one-report-figure", "same-report-figure"),
    ],
)
def test_twenty_thousand_figures_of_one_key_take_linear_time(shape: str, verdict: str) -> None:
    """20,000 figures of one key: a fraction of a second; every pair would be 200 million comparisons.

    Timed against 2,000 figures of the same shape, the two taken in turns and the fastest of each
    kept, so that other work on the machine slows both alike: ten times the figures must take
    less than forty times as long (linear is ten, all pairs a hundred).
    """
    groups = {"g": [f"m{n}" for n in range(20_000)]}
    small, large = _many(2_000, shape), _many(20_000, shape)
    times: dict[int, list[float]] = {2_000: [], 20_000: []}
    for _ in range(3):
        times[2_000].append(_timed(small, groups)[0])
        elapsed, found = _timed(large, groups)
        times[20_000].append(elapsed)
    fastest = {size: min(seconds) for size, seconds in times.items()}
    assert fastest[20_000] < 40 * fastest[2_000] and fastest[20_000] < 10.0, fastest
    biggest = max((c for c in found if c.verdict == verdict), key=lambda c: len(c.lines))
    assert len(biggest.lines) >= 20_000
    text = render([biggest])
    assert text.count("\n  ") <= SHOWN + 2 and f"more figures ({len(biggest.sources)} sources in all)" in text


# ---------------------------------------------------------------------------------------------
# The check section, the command and the queries on tests/fixtures/compare


@pytest.fixture(scope="module")
def compare_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    build_dir = tmp_path_factory.mktemp("compare") / "build"
    rebuild(COMPARE, build_dir)
    return build_dir


def kg(runner: CliRunner, build: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [*args, "--data", str(COMPARE), "--build", str(build)])
    return result.exit_code, result.stdout, result.stderr


EXPECTED = {
    "amazon · data-centre-capex · 2025": "agree",
    "world · financing-gap · ../2028": "agree",
    "united-states · annuity-sales · 2025-01/2025-09": "agree",
    "hyperscalers · data-centre-capex · 2025": "disagree",
    "united-kingdom · private-ai-investment · 2024": "one-source",
    "alphabet · data-centre-capex · 2025": "different-units",
    "united-states · annuity-sales · 2025 | 2025-01/2025-09": "different-period",
    "hyperscalers | world · data-centre-capex · ../2028": "different-subject",
    "hyperscalers ⊃ alphabet, amazon · data-centre-capex · 2025": "group-contains",
    "united-states · annuity-sales · 2025-01/2025-09 ← g-annuity-sales-9m": "same-report-figure",
    "world · financing-gap · ../2028 ← g-gap": "same-report-figure",
}


def test_every_verdict_on_the_fixture(compare_build: Path) -> None:
    store = open_store(compare_build)
    found = compare(read_figures(store), read_groups(store))
    assert {c.title(): c.verdict for c in found} == EXPECTED
    assert set(EXPECTED.values()) == set(VERDICTS)


def test_kg_compare_reads_the_figures_the_build_recorded(compare_build: Path) -> None:
    """The build's tables of figures (what kg compare reads: 20 s faster at 10,000 claims) equal the store's."""
    recorded = recorded_figures(compare_build)
    assert recorded is not None and len(recorded) == 18
    assert recorded == read_figures(open_store(compare_build))
    assert (recorded["b-uk-investment"].rank_reason or "").startswith("A currency slip: the Gamma Outlook gives")


def test_the_build_records_comparisons_as_findings(runner: CliRunner, compare_build: Path) -> None:
    code, out, _ = kg(runner, compare_build, "check", "--no-shacl", "--format", "json")
    assert code == 0
    findings = [f for f in json.loads(out) if f["check"] == "compare"]
    statuses = {f["verdict"]: set() for f in findings}
    for f in findings:
        statuses[f["verdict"]].add(f["status"])
    assert statuses == {
        "agree": {"pass"},
        "disagree": {"warn"},
        "one-source": {"pass"},
        "different-units": {"pass"},
        "different-period": {"warn"},
        "different-subject": {"warn"},
        "group-contains": {"pass"},
        "same-report-figure": {"pass"},
    }
    disagree = next(f for f in findings if f["verdict"] == "disagree")
    assert set(disagree["claims"]) == {"b-hyperscalers-capex", "a-hyperscalers-capex", "g-hyperscalers-capex"}
    assert all(f"[{source}" in disagree["message"] for source in ("alpha-news", "beta-daily", "gamma-report"))
    query = (
        "SELECT ?claim WHERE { ?f kg:check 'compare' ; kg:verdict 'disagree' ; kg:concerns/dcterms:identifier ?claim }"
    )
    code, out, _ = kg(runner, compare_build, "query", "-e", query, "--format", "csv")
    assert sorted(out.split()[1:]) == ["a-hyperscalers-capex", "b-hyperscalers-capex", "g-hyperscalers-capex"]


def test_a_notebook_compares_through_the_package(compare_build: Path) -> None:
    import kg

    store = kg.open_store(compare_build)
    found = kg.compare_sources(kg.read_figures(store), kg.read_groups(store))
    assert all(isinstance(c, kg.Comparison) for c in found) and {c.title() for c in found} == set(EXPECTED)


def test_analyse_says_when_nothing_compares() -> None:
    findings = [f for f in analyse({"a": figure("a", "1", "1")}) if f.check == "compare"]
    assert [(f.status, f.message) for f in findings] == [
        ("pass", "no subject, metric and period has figures of two or more sources")
    ]


SOURCES = {"alpha-news", "beta-daily", "gamma-report"}


def test_compare_command_names_the_source_on_every_line(runner: CliRunner, compare_build: Path) -> None:
    code, out, _ = kg(runner, compare_build, "compare")
    assert code == 0
    heads = [line for line in out.splitlines() if line and not line.startswith(" ")]
    assert {head.split(" — ")[0] for head in heads} == set(EXPECTED)
    figures = [line for line in out.splitlines() if line.startswith("  ") and not line.startswith("      ")]
    assert len(figures) >= 30
    for line in figures:
        source = r"(alpha-news \(Alpha News\)|beta-daily \(Beta Daily\)|gamma-report \(Gamma Institute\)): "
        named = re.search(r"(?:^  (?:rests on )?|: )" + source, line)
        assert named, line
    assert "  beta-daily (Beta Daily): $380 billion = 380,000,000,000 USD; more than; plan; preferred" in out
    assert "      why deprecated: A currency slip: the Gamma Outlook gives 4.52 billion US dollars." in out


def test_compare_command_json(runner: CliRunner, compare_build: Path) -> None:
    code, out, _ = kg(runner, compare_build, "compare", "--format", "json")
    assert code == 0
    plain = json.loads(out)
    assert {c["title"]: c["verdict"] for c in plain} == EXPECTED
    uk = next(c for c in plain if c["verdict"] == "one-source")
    assert [(f["claim"], f["source"], f["rank"], f["counted"]) for f in uk["figures"]] == [
        ("g-uk-investment", "gamma-report", "normal", True),
        ("b-uk-investment", "beta-daily", "deprecated", False),
    ]
    gap = next(c for c in plain if c["title"] == "world · financing-gap · ../2028")
    assert gap["agreed"] == [{"unit": "USD", "low": "1450000000000", "high": "1550000000000"}]
    assert gap["figures"][0]["outlet"] == "Alpha News" and gap["figures"][0]["value"] == "1500000000000"


@pytest.mark.parametrize(
    ("options", "titles"),
    [
        pytest.param(["--verdict", "disagree"], {"hyperscalers · data-centre-capex · 2025"}, id="verdict"),
        pytest.param(
            ["--metric", "annuity-sales"],
            {t for t in EXPECTED if "annuity-sales" in t},
            id="metric",
        ),
        pytest.param(
            ["--subject", "amazon"],
            {"amazon · data-centre-capex · 2025", "hyperscalers ⊃ alphabet, amazon · data-centre-capex · 2025"},
            id="subject",
        ),
        pytest.param(
            ["--source", "alpha-news", "--verdict", "agree"],
            {"amazon · data-centre-capex · 2025", "world · financing-gap · ../2028"},
            id="source-and-verdict",
        ),
    ],
)
def test_compare_filters(runner: CliRunner, compare_build: Path, options: list[str], titles: set[str]) -> None:
    code, out, _ = kg(runner, compare_build, "compare", "--format", "json", *options)
    assert code == 0
    assert {c["title"] for c in json.loads(out)} == titles


@pytest.mark.parametrize(
    ("options", "code", "message"),
    [
        pytest.param(
            ["--source", "alpha-newz"],
            2,
            "error: --source 'alpha-newz': no figure has it; did you mean alpha-news?\n",
            id="unknown-source",
        ),
        pytest.param(
            ["--metric", "capex"],
            2,
            "error: --metric 'capex': no figure has it; did you mean data-centre-capex?\n",
            id="unknown-metric",
        ),
        pytest.param(["--subject", "nobody"], 2, "error: --subject 'nobody': no figure has it\n", id="unknown-subject"),
        pytest.param(
            ["--source", "gamma-report", "--verdict", "different-units"],
            1,
            "nothing compares with these filters: no subject, metric and period with figures of two sources\n",
            id="nothing-compares",
        ),
    ],
)
def test_compare_bad_input_and_nothing_found(
    runner: CliRunner, compare_build: Path, options: list[str], code: int, message: str
) -> None:
    exit_code, out, err = kg(runner, compare_build, "compare", *options)
    assert (exit_code, out, err) == (code, "", message)


def test_compare_on_one_source_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(COMPARE, data)
    for other in ("beta-daily", "gamma-report"):
        (data / "claims" / f"{other}.yaml").unlink()
    alpha = data / "claims" / "alpha-news.yaml"
    alpha.write_text("".join(line for line in alpha.read_text().splitlines(True) if "derived_from" not in line))
    result = runner.invoke(app, ["compare", "--build", str(tmp_path / "build"), "--data", str(data)])
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "nothing compares here: no subject, metric and period with figures of two sources\n"


def test_compare_help_has_examples(runner: CliRunner) -> None:
    result = runner.invoke(app, ["compare", "--help"])
    assert result.exit_code == 0
    assert "kg compare --source cls-ms-dc-funding-gap" in result.stdout and "--verdict" in result.stdout


def _rows(runner: CliRunner, build: Path, query: str) -> list[dict[str, str]]:
    path = PROJECT / "examples" / "queries" / query
    code, out, _ = kg(runner, build, "query", str(path), "--format", "csv")
    assert code == 0
    return list(csv.DictReader(io.StringIO(out)))


def test_figures_across_sources_query(runner: CliRunner, compare_build: Path) -> None:
    rows = _rows(runner, compare_build, "figures-across-sources.rq")
    topics = {(r["subject"], r["metric"], r["period"]) for r in rows}
    assert topics == {
        ("alphabet", "data-centre-capex", "2025"),
        ("amazon", "data-centre-capex", "2025"),
        ("hyperscalers", "data-centre-capex", "2025"),
        ("united-kingdom", "private-ai-investment", "2024"),
        ("united-states", "annuity-sales", "2025-01/2025-09"),
        ("world", "financing-gap", "../2028"),
    }
    by_claim = {r["claim"]: r for r in rows}
    assert {
        c: (by_claim[c]["source"], by_claim[c]["rank"], by_claim[c]["best"]) for c in by_claim if "hyperscalers" in c
    } == {
        "a-hyperscalers-capex": ("alpha-news", "normal", "false"),
        "b-hyperscalers-capex": ("beta-daily", "preferred", "true"),
        "g-hyperscalers-capex": ("gamma-report", "normal", "false"),
    }
    uk = by_claim["b-uk-investment"]
    assert (uk["rank"], uk["best"], uk["figure"], uk["sources"]) == ("deprecated", "false", "£4.5 billion", "2")
    assert uk["rankReason"].startswith("A currency slip")
    assert by_claim["g-uk-investment"]["best"] == "true"  # normal, where nothing is preferred


def test_best_values_query(runner: CliRunner, compare_build: Path) -> None:
    rows = _rows(runner, compare_build, "best-values.rq")
    best = {
        (r["subject"], r["period"]): (r["figure"], r["sources"]) for r in rows if r["metric"] == "data-centre-capex"
    }
    assert best[("hyperscalers", "2025")] == ("$380 billion", "beta-daily")
    assert best[("amazon", "2025")] == ("$125 billion", "beta-daily")
    uk = [r for r in rows if r["subject"] == "united-kingdom"]
    assert [(r["figure"], r["rank"], r["sources"], r["figures"]) for r in uk] == [
        ("4.52 billion", "normal", "gamma-report", "2")
    ]


# ---------------------------------------------------------------------------------------------
# The shipped corpus, by source: on data/ and on data/ with the first article copied under another
# source id (conftest.curated); each comparison is made among the sources it names.


@pytest.fixture(scope="module")
def corpus(curated_build: Path) -> tuple[dict[str, Figure], dict[str, list[str]]]:
    store = open_store(curated_build)
    return read_figures(store), read_groups(store)


def compared_among(corpus: tuple[dict[str, Figure], dict[str, list[str]]], sources: set[str]) -> list[Comparison]:
    """The comparisons of only these sources' figures: what any other source says cannot change them."""
    figures, groups = corpus
    return compare([f for f in figures.values() if f.source in sources], groups)


def topic(comparisons: list[Comparison], subjects: tuple[str, ...], metric: str, period: str) -> Comparison:
    return next(
        c
        for c in comparisons
        if c.verdict in TOPIC_VERDICTS and c.metric == metric and c.topics == ((subjects, period),)
    )


MORGAN_STANLEY = {"article-zh", "cnyes-life-insurers-ai-bonds", "cls-ms-dc-funding-gap", "morgan-stanley-analysts"}
AI_INDEX = {"article-zh", "netease-ai-index-2025", "fudzilla-ai-index-2025", "stanford-ai-index-2025"}
CAPEX = {"article-zh", "yahoo-big-tech-capex-364b", "cryptonewshub-big-tech-capex-380b", "emarketer-big-tech-capex"}
ANNUITIES = {
    "beinsure-annuity-sales-2024",
    "liferisk-annuity-sales-2025-h1",
    "limra-annuity-sales-survey",
    "wsj-annuity-sales-2025-11-14",
    "cnyes-life-insurers-ai-bonds",
}


@pytest.mark.parametrize(
    ("sources", "subjects", "metric", "period", "verdict", "expected_sources"),
    [
        pytest.param(MORGAN_STANLEY, ("world",), "data-centre-capex", "../2028", "agree", MORGAN_STANLEY, id="ms-3t"),
        pytest.param(MORGAN_STANLEY, ("world",), "financing-gap", "../2028", "agree", MORGAN_STANLEY, id="ms-gap"),
        pytest.param(AI_INDEX, ("united-states",), "private-ai-investment", "2024", "agree", AI_INDEX, id="aii-us"),
        pytest.param(
            AI_INDEX,
            ("china",),
            "private-ai-investment",
            "2024",
            "agree",
            {"article-zh", "netease-ai-index-2025", "stanford-ai-index-2025"},
            id="aii-china",
        ),
        pytest.param(
            AI_INDEX,
            ("china", "united-states"),
            "private-ai-investment-ratio",
            "2024",
            "agree",
            AI_INDEX,
            id="aii-ratio",
        ),
        pytest.param(
            AI_INDEX,
            ("united-states",),
            "number-of-notable-ai-models",
            "2024",
            "agree",
            {"article-zh", "fudzilla-ai-index-2025", "stanford-ai-index-2025"},
            id="aii-models",
        ),
        pytest.param(
            AI_INDEX,
            ("united-kingdom",),
            "private-ai-investment",
            "2024",
            "one-source",
            {"fudzilla-ai-index-2025", "stanford-ai-index-2025"},
            id="aii-uk-deprecated",
        ),
        pytest.param(
            CAPEX,
            ("hyperscalers",),
            "data-centre-capex",
            "FY2025",
            "agree",
            {"article-zh", "yahoo-big-tech-capex-364b"},
            id="capex-fy2025",
        ),
        pytest.param(
            CAPEX,
            ("hyperscalers",),
            "data-centre-capex",
            "2025",
            "disagree",
            {"yahoo-big-tech-capex-364b", "cryptonewshub-big-tech-capex-380b"},
            id="capex-2025-raised",
        ),
        pytest.param(
            CAPEX,
            ("alphabet",),
            "data-centre-capex",
            "2025",
            "disagree",
            {"cryptonewshub-big-tech-capex-380b", "emarketer-big-tech-capex"},
            id="capex-alphabet",
        ),
        pytest.param(
            CAPEX,
            ("amazon",),
            "data-centre-capex",
            "2025",
            "agree",
            {"cryptonewshub-big-tech-capex-380b", "emarketer-big-tech-capex"},
            id="capex-amazon",
        ),
        pytest.param(
            ANNUITIES,
            ("united-states",),
            "annuity-sales",
            "2024",
            "agree",
            {"beinsure-annuity-sales-2024", "limra-annuity-sales-survey"},
            id="annuities-2024",
        ),
        pytest.param(
            ANNUITIES,
            ("united-states",),
            "annuity-sales",
            "2025-H1",
            "agree",
            {"liferisk-annuity-sales-2025-h1", "limra-annuity-sales-survey"},
            id="annuities-2025-h1",
        ),
        pytest.param(
            ANNUITIES,
            ("united-states",),
            "annuity-sales",
            "2025-01/2025-09",
            "agree",
            {"cnyes-life-insurers-ai-bonds", "wsj-annuity-sales-2025-11-14"},
            id="annuities-2025-9m",
        ),
        pytest.param(
            ANNUITIES,
            ("united-states",),
            "annuity-sales",
            "2025",
            "agree",
            {"beinsure-annuity-sales-2024", "liferisk-annuity-sales-2025-h1"},
            id="annuities-2025-forecasts",
        ),
    ],
)
def test_the_corpus_by_source(
    corpus: tuple[dict[str, Figure], dict[str, list[str]]],
    sources: set[str],
    subjects: tuple[str, ...],
    metric: str,
    period: str,
    verdict: str,
    expected_sources: set[str],
) -> None:
    found = topic(compared_among(corpus, sources), subjects, metric, period)
    assert (found.verdict, set(found.sources)) == (verdict, expected_sources), found.summary()


def test_the_corpus_ranks(corpus: tuple[dict[str, Figure], dict[str, list[str]]]) -> None:
    capex = topic(compared_among(corpus, CAPEX), ("hyperscalers",), "data-centre-capex", "2025")
    assert capex.lines[0].figure.rank == "preferred" and capex.lines[0].figure.text == "$380 billion"
    assert "preferred: $380 billion [cryptonewshub-big-tech-capex-380b]" in capex.note
    uk = topic(compared_among(corpus, AI_INDEX), ("united-kingdom",), "private-ai-investment", "2024")
    deprecated = [line for line in uk.lines if line.figure.rank == "deprecated"]
    assert {line.figure.text for line in deprecated} == {"£4.5 billion", "€5.3 billion"}
    assert all(not line.counted and line.figure.rank_reason for line in deprecated)


def test_the_corpus_report_figures_and_near_matches(corpus: tuple[dict[str, Figure], dict[str, list[str]]]) -> None:
    annuities = compared_among(corpus, {"article-zh", "cnyes-life-insurers-ai-bonds", "wsj-annuity-sales-2025-11-14"})
    resting = next(
        c
        for c in annuities
        if c.verdict == "same-report-figure" and c.upstream and c.upstream.figure.id == "wsj-us-annuity-sales-2025-9m"
    )
    assert {(line.figure.source, line.departure) for line in resting.lines} == {
        ("article-zh", "differs in period"),
        ("cnyes-life-insurers-ai-bonds", "agrees"),
    }
    capex = compared_among(corpus, CAPEX)
    near = [c for c in capex if c.verdict == "different-period" and c.metric == "data-centre-capex"]
    assert any({p for _, p in c.topics} == {"2025", "FY2025"} for c in near)  # 364 billion under both


def test_compare_command_on_the_corpus_names_every_source(runner: CliRunner, curated: Curated) -> None:
    result = runner.invoke(
        app, ["compare", "--source", "cls-ms-dc-funding-gap", "--metric", "financing-gap", *curated.options()]
    )
    assert result.exit_code == 0
    head = result.stdout.splitlines()[0]
    assert head.startswith("world · financing-gap · ../2028 — ") and head.split(" — ")[1].split(":")[0] in VERDICTS
    for source in MORGAN_STANLEY:
        assert f"\n  {source} (" in result.stdout
