"""kg.extract.evaluate: every field of a draft scored, on every hand-labelled fixture and the curated article.

The thresholds are a little below what the rules reach today, field by field, so that a change that makes
a field worse fails here; the real pages (tests/fixtures/extract/real/) were labelled by hand before the
rules were run on them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from kg.extract import extract, read_article
from kg.extract.evaluate import Evaluation, score
from kg.load import DEFAULT_DATA
from kg.models import Dataset, parse_decimal
from tests.conftest import EXTRACT_ACTORS

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
ARTICLE = DEFAULT_DATA / "sources" / "article-zh.txt"
CURATED = DEFAULT_DATA / "claims" / "article-zh.yaml"
ENGLISH = FIXTURES / "article-en.txt"
EXPECTED_EN = yaml.safe_load((FIXTURES / "article-en.expected.yaml").read_text(encoding="utf-8"))["figures"]
FIXTURE_FILES = sorted(FIXTURES.glob("*.expected.yaml")) + sorted((FIXTURES / "real").glob("*.expected.yaml"))

#: What the old fixtures asserted before issue 12 (found .85, precision .9, unit and hedge .9, period .8,
#: subject .7, on every fixture of our own): the thresholds below keep at least these.
OLD_FLOOR = {"found": 0.85, "precision": 0.9, "unit": 0.9, "hedge": 0.9, "period": 0.8, "subject": 0.7}
#: Per fixture and field, five points below what the rules reach today, rounded down to a step of .05 (a field
#: absent is not labelled in that fixture). The real pages were labelled before the rules were run on them;
#: the rules were then written while reading them, so these numbers flatter the rules (issue 12's targets are
#: for pages nobody here has seen).
THRESHOLDS: dict[str, dict[str, float]] = {
    "article-en": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.75,
        "subject": 0.85,
    },
    "capex-en": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.85,
        "subject": 0.95,
    },
    "capital-zh": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.85,
    },
    "compute-zh": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.95,
        "subject": 0.70,
    },
    "funding-en": {
        "found": 0.85,
        "precision": 0.85,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.85,
        "subject": 0.80,
    },
    "funding-zh": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.95,
        "subject": 0.95,
    },
    "grid-en": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.85,
        "kind": 0.80,
        "subject": 0.95,
    },
    "power-zh": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.75,
        "subject": 0.95,
    },
    "reported-en": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.95,
        "subject": 0.95,
    },
    "reported-zh": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.85,
        "subject": 0.95,
    },
    "roundup-en": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.85,
        "kind": 0.85,
        "subject": 0.75,
    },
    "abilene-oracle-en": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.95,
        "subject": 0.45,
        "attribution": 0.95,
        "metric": 0.65,
        "flows": 0.75,
    },
    "ai-index-en": {
        "found": 0.85,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.95,
        "subject": 0.75,
        "attribution": 0.95,
        "metric": 0.85,
        "flows": 0.95,
    },
    "ai-index-zh": {
        "found": 0.95,
        "precision": 0.90,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.75,
        "kind": 0.95,
        "subject": 0.60,
        "attribution": 0.95,
        "metric": 0.90,
        "flows": 0.70,
    },
    "bigtech-capex-en": {
        "found": 0.85,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.80,
        "kind": 0.75,
        "subject": 0.80,
        "attribution": 0.95,
        "metric": 0.80,
        "flows": 0.75,
    },
    "entergy-power-en": {
        "found": 0.80,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.95,
        "kind": 0.80,
        "subject": 0.45,
        "attribution": 0.95,
        "metric": 0.70,
        "flows": 0.45,
    },
    "hyperion-pimco-en": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.35,
        "kind": 0.75,
        "subject": 0.45,
        "attribution": 0.95,
        "metric": 0.75,
        "flows": 0.95,
    },
    "hyperion-zh": {
        "found": 0.95,
        "precision": 0.95,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.60,
        "kind": 0.80,
        "subject": 0.70,
        "attribution": 0.95,
        "metric": 0.95,
        "flows": 0.95,
    },
    "stargate-zh-hant": {
        "found": 0.95,
        "precision": 0.85,
        "value": 0.95,
        "unit": 0.95,
        "hedge": 0.95,
        "period": 0.85,
        "kind": 0.80,
        "subject": 0.65,
        "attribution": 0.95,
        "metric": 0.85,
        "flows": 0.60,
    },
}


def fixture_score(path: Path, dataset: Dataset) -> Evaluation:
    text = read_article(path.with_name(path.name.replace(".expected.yaml", ".txt"))).text
    return score(text, dataset, path)


def test_every_fixture_is_collected() -> None:
    assert len(FIXTURE_FILES) == 19  # 11 of our own, 8 real pages
    assert {path.name.split(".")[0] for path in FIXTURE_FILES} == set(THRESHOLDS)
    for expected in FIXTURE_FILES:
        assert expected.with_name(expected.name.replace(".expected.yaml", ".txt")).exists()
    languages = {yaml.safe_load(p.read_text(encoding="utf-8")).get("lang") for p in FIXTURE_FILES}
    assert {"en", "zh", "zh-hant"} <= {str(lang).lower() for lang in languages}


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda path: path.name.split(".")[0])
def test_fixture(path: Path, article_dataset: Dataset) -> None:
    result = fixture_score(path, article_dataset)
    assert result.expected >= 9, "a fixture of a few figures proves little"
    floors = dict(THRESHOLDS[path.name.split(".")[0]])
    if path.parent == FIXTURES:  # our own fixtures keep what they asserted before
        floors = {field: max(floor, OLD_FLOOR.get(field, 0.0)) for field, floor in floors.items()}
    low = {name: round(result.share(name), 2) for name, floor in floors.items() if result.share(name) < floor}
    assert not low, f"{low} below {floors}\n{result.report()}"


def test_fixtures_together(article_dataset: Dataset) -> None:
    total = Evaluation(name="all fixtures")
    for path in FIXTURE_FILES:
        total.add(fixture_score(path, article_dataset))
    assert total.expected >= 250
    assert total.share("found") >= 0.97 and total.share("precision") >= 0.95, total.report()
    assert total.share("value") >= 0.98, total.report()


def test_first_article_against_its_curated_claims(article_dataset: Dataset) -> None:
    result = score(read_article(ARTICLE).text, article_dataset, CURATED)
    assert result.expected >= 60, "the curated figures with a span: an empty claims file cannot pass"
    assert result.share("found") >= 0.95 and result.share("value") >= 0.95, result.report()
    assert result.share("precision") >= 0.9 and result.share("unit") >= 0.95, result.report()
    assert result.share("period") >= 0.9 and result.share("subject") >= 0.8, result.report()


def test_english_article_against_expected_figures() -> None:
    figures = extract(read_article(ENGLISH).text, actors=EXTRACT_ACTORS)
    assert len(EXPECTED_EN) == 20
    got = [(f.text, f.value, f.unit, f.hedge, f.min, f.max, f.period) for f in figures]
    expected = [
        (
            e["text"],
            parse_decimal(e["value"]),
            e["unit"],
            e["hedge"],
            e.get("min") and parse_decimal(e["min"]),
            e.get("max") and parse_decimal(e["max"]),
            e["period"],
        )
        for e in EXPECTED_EN
    ]
    assert got == expected
    kinds = sum(f.kind == e["kind"] for f, e in zip(figures, EXPECTED_EN, strict=True))
    subjects = sum(f.subjects[0] in e["subjects"] for f, e in zip(figures, EXPECTED_EN, strict=True))
    assert kinds >= 17 and subjects >= 16, (kinds, subjects)


# -- the matching rules


def evaluate_one(article_dataset: Dataset, text: str, expected: dict[str, object], published: date) -> Evaluation:
    return _score_yaml(article_dataset, text, {"published": published.isoformat(), "figures": [expected]})


def _score_yaml(article_dataset: Dataset, text: str, data: dict[str, object]) -> Evaluation:
    from kg.extract import draft, read
    from kg.extract.evaluate import evaluate, expected_from_fixture

    figures, flows = expected_from_fixture(data, text)
    reading = read(text, published=date.fromisoformat(str(data["published"])), actors=article_dataset.actors)
    return evaluate(draft(reading, article_dataset, source_id="t"), article_dataset, figures, flows)


@pytest.mark.parametrize(
    ("field", "expected", "right"),
    [
        pytest.param("subjects", ["meta"], True, id="subject-by-id"),
        pytest.param("subjects", ["Meta Platforms"], True, id="subject-by-alias"),
        pytest.param("subjects", ["openai"], False, id="subject-wrong-id"),
        pytest.param("metric", ["capital expenditure"], False, id="metric-not-said"),
        pytest.param("metric", ["revenue"], True, id="metric-by-phrase"),
        pytest.param("metric", ["quarterly revenue", "total revenue"], True, id="metric-within-a-phrase"),
        pytest.param("metric", ["capex", "profit"], False, id="metric-other-phrases"),
    ],
)
def test_matching_rules(article_dataset: Dataset, field: str, expected: list[str], right: bool) -> None:
    text = "Meta Platforms reported revenue of $51.2 billion in the third quarter."
    item: dict[str, object] = {
        "text": "$51.2 billion", "value": "51200000000", "unit": "USD", "subjects": ["meta"], "metric": ["revenue"],
    }  # fmt: skip
    item[field] = expected
    result = evaluate_one(article_dataset, text, item, date(2025, 10, 30))
    name = {"subjects": "subject", "metric": "metric"}[field]
    assert result.share("found") == 1 and result.share(name) == (1.0 if right else 0.0), result.report()


def test_a_flow_needs_both_ends(article_dataset: Dataset) -> None:
    text = "Pimco bought $18 billion of Meta's bonds."
    data = {
        "published": "2025-10-22",
        "figures": [{"text": "$18 billion", "value": "18000000000", "unit": "USD"}],
        "flows": [
            {"funder": "Pimco", "recipient": "meta", "instrument": "bond-purchase", "text": "$18 billion"},
            {"funder": "Pimco", "recipient": "openai", "instrument": "bond-purchase", "text": None},
        ],
    }
    result = _score_yaml(article_dataset, text, data)
    assert (result.flows_expected, result.flows_right, result.instruments_right) == (2, 1, 1), result.report()


#: Held-out pages (tests/fixtures/extract/heldout/SOURCES.md): labelled and kept away while the rules were
#: written, and scored once. Their first-run shares are the floors: the rules must not get worse on text
#: they were not written for. They are few figures each, so they are not among the fixtures above.
HELD_OUT = FIXTURES / "heldout"
HELD_OUT_FIRST_RUN: dict[str, dict[str, float]] = {
    "meta-bonds-en": {
        "found": 1.0,
        "value": 1.0,
        "precision": 1.0,
        "period": 1 / 8,
        "kind": 1.0,
        "subject": 5 / 8,
        "attribution": 7 / 8,
        "metric": 4 / 8,
    },
    "insurers-zh-hant": {
        "found": 1.0,
        "value": 1.0,
        "precision": 1.0,
        "hedge": 7 / 8,
        "period": 7 / 8,
        "kind": 3 / 8,
        "subject": 3 / 8,
        "attribution": 4 / 8,
        "metric": 5 / 8,
    },
}


def test_held_out_pages_are_collected() -> None:
    assert sorted(path.name.split(".")[0] for path in HELD_OUT.glob("*.expected.yaml")) == sorted(HELD_OUT_FIRST_RUN)


@pytest.mark.parametrize("name", sorted(HELD_OUT_FIRST_RUN))
def test_held_out_page(name: str, article_dataset: Dataset) -> None:
    result = fixture_score(HELD_OUT / f"{name}.expected.yaml", article_dataset)
    assert result.expected == 8
    low = {
        field: round(result.share(field), 3)
        for field, floor in HELD_OUT_FIRST_RUN[name].items()
        if result.share(field) < floor - 1e-9
    }
    assert not low, f"{low} below the first run {HELD_OUT_FIRST_RUN[name]}\n{result.report()}"
