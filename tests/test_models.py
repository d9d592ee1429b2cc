"""kg.models: periods, decimals, bounds, and what a claim must state."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kg.models import Claim, Period, Quantity, parse_decimal


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
    ],
)
def test_period_bounds(label: str, start: date | None, end: date | None) -> None:
    assert Period.model_validate(label).start_end() == (start, end)


@pytest.mark.parametrize("label", ["2025年", "2024/2013", "2025-13", "FY25", "next year"])
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


@pytest.mark.parametrize("raw", [0.1, "abc", "1/0", "nan", True])
def test_parse_decimal_refuses(raw: object) -> None:
    with pytest.raises(ValueError):
        parse_decimal(raw)


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
