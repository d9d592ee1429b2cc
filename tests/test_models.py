"""kg.models: periods, decimals, bounds, and what a claim must state."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kg.models import Claim, Label, Period, Quantity, Source, parse_decimal


@pytest.mark.parametrize(
    ("label", "start", "end"),
    [
        pytest.param("2024", date(2024, 1, 1), date(2024, 12, 31), id="year"),
        pytest.param("FY2025", date(2025, 1, 1), date(2025, 12, 31), id="fiscal-year"),
        pytest.param("2025-H1", date(2025, 1, 1), date(2025, 6, 30), id="half-year"),
        pytest.param("2025-Q4", date(2025, 10, 1), date(2025, 12, 31), id="quarter"),
        pytest.param("2024-02", date(2024, 2, 1), date(2024, 2, 29), id="month-leap"),
        pytest.param("2013/2024", date(2013, 1, 1), date(2024, 12, 31), id="years"),
        pytest.param("2025-01/2025-10", date(2025, 1, 1), date(2025, 10, 31), id="months"),
        pytest.param("../2028", None, date(2028, 12, 31), id="by-2028"),
        pytest.param("2022/..", date(2022, 1, 1), None, id="since-2022"),
        pytest.param("2025-11-14", date(2025, 11, 14), date(2025, 11, 14), id="one-day"),
        pytest.param("2025-01-01/2025-03-15", date(2025, 1, 1), date(2025, 3, 15), id="days"),
        pytest.param("2025-10-16/..", date(2025, 10, 16), None, id="since-a-day"),
    ],
)
def test_period_bounds(label: str, start: date | None, end: date | None) -> None:
    assert Period.model_validate(label).start_end() == (start, end)


@pytest.mark.parametrize(
    "label",
    [
        pytest.param("2025年", id="chinese-year"),
        pytest.param("2024/2013", id="ends-before-start"),
        pytest.param("2025-13", id="month-13"),
        pytest.param("FY25", id="two-digit-year"),
        pytest.param("next year", id="words"),
        pytest.param("２０２４", id="full-width-digits"),
        pytest.param("٢٠٢٤", id="arabic-indic-digits"),
        pytest.param("2025-02-30", id="no-such-day"),
        pytest.param("2025-11-14/2025-11-01", id="days-backwards"),
    ],
)
def test_period_refuses(label: str) -> None:
    with pytest.raises(ValidationError):
        Period.model_validate(label)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("109100000000", Decimal("109100000000")),
        ("1/12", Decimal("0.083333333333")),
        (12, Decimal(12)),
        ("4,049", Decimal(4049)),
    ],
)
def test_parse_decimal(raw: object, value: Decimal) -> None:
    assert parse_decimal(raw) == value


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        pytest.param(0.1, "in quotes", id="float"),
        pytest.param("abc", "not a number", id="word"),
        pytest.param("1/0", "not a number", id="division-by-zero"),
        pytest.param("nan", "not a finite number", id="nan"),
        pytest.param(True, "in quotes", id="boolean"),
        pytest.param("1,5", "comma may only separate thousands", id="decimal-comma"),
        pytest.param("12,34,567", "comma may only separate thousands", id="lakh-grouping"),
        pytest.param("1" * 29, "more than 28 significant digits", id="29-digits"),
        pytest.param("1e309", "larger than 10", id="huge-exponent"),
        pytest.param("１２", "ASCII digits", id="full-width"),
        pytest.param("9" * 500, "ASCII digits", id="very-long"),
    ],
)
def test_parse_decimal_refuses(raw: object, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_decimal(raw)


def test_label_in_one_language() -> None:
    assert Label(en="Blue Owl Capital").best("zh") == "Blue Owl Capital"
    assert Label(zh="穆迪").best("en") == "穆迪"
    with pytest.raises(ValidationError, match="en, zh or both"):
        Label()


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        pytest.param({"rank": "preferred"}, "needs a rank_reason", id="preferred-without-reason"),
        pytest.param({"rank_reason": "newer"}, "needs a rank_reason", id="reason-without-rank"),
    ],
)
def test_rank_needs_its_reason(fields: dict[str, str], problem: str) -> None:
    claim = {"id": "a", "subjects": ["x"], "kind": "fact", "evidence": {"page": "1"}, "metric": "m"}
    claim["quantity"] = {"value": "1", "unit": "count", "text": "1"}
    with pytest.raises(ValidationError, match=problem):
        Claim.model_validate(claim | fields)
    assert Claim.model_validate(claim | {"rank": "deprecated", "rank_reason": "superseded"}).rank == "deprecated"


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        pytest.param({"language": "Chinese"}, "language", id="language-not-bcp47"),
        pytest.param({"url": "https://exa mple.org"}, "url", id="space-in-url"),
        pytest.param({"url": "javascript:alert(1)"}, "url", id="not-http"),
        pytest.param({"text": "a.txt", "sha256": "0" * 64}, "date of publication", id="text-without-date"),
    ],
)
def test_source_metadata(fields: dict[str, str], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem):
        Source.model_validate({"id": "s", "kind": "article", "title": "T", "language": "en"} | fields)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-(10**15), max_value=10**15))
def test_decimal_round_trip(value: Decimal) -> None:
    assert parse_decimal(str(value)) == value


@pytest.mark.parametrize(
    ("hedge", "bounds"),
    [
        ("none", (None, None)),
        ("about", (None, None)),
        ("nearly", (None, Decimal(12))),
        ("more-than", (Decimal(12), None)),
        ("at-least", (Decimal(12), None)),
        ("up-to", (None, Decimal(12))),
    ],
)
def test_hedge_bounds(hedge: str, bounds: tuple[Decimal | None, Decimal | None]) -> None:
    assert Quantity.model_validate({"value": "12", "unit": "times", "text": "12倍", "hedge": hedge}).bounds() == bounds


def test_range_needs_bounds() -> None:
    with pytest.raises(ValidationError, match="min and max"):
        Quantity.model_validate({"value": "20", "unit": "percent", "text": "15%-25%", "hedge": "range"})
    quantity = Quantity.model_validate(
        {"value": "20", "unit": "percent", "text": "15%-25%", "hedge": "range", "min": "15", "max": "25"}
    )
    assert quantity.bounds() == (Decimal(15), Decimal(25))


def test_claim_states_something() -> None:
    evidence = {"start": 0, "end": 1, "quote": "x"}
    with pytest.raises(ValidationError, match="quantity, a flow"):
        Claim.model_validate({"id": "a", "subjects": ["x"], "kind": "fact", "evidence": evidence})
    with pytest.raises(ValidationError, match="needs a metric"):
        Claim.model_validate(
            {
                "id": "a",
                "subjects": ["x"],
                "kind": "fact",
                "evidence": evidence,
                "quantity": {"value": "1", "unit": "count", "text": "x"},
            }
        )
