"""kg.arithmetic: formulas are arithmetic over claim ids, evaluated in exact decimals, never eval-ed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.arithmetic import FormulaError, evaluate, parse, references


def test_references_in_order() -> None:
    assert references("{a-1} * (1 - {b}) / {a-1}") == ["a-1", "b", "a-1"]


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("{us} / {cn}", Decimal("109100000000") / Decimal("9300000000")),
        ("{capex} * (1 - {half})", Decimal("1500000000000")),
        ("100 * {cn} / {us}", Decimal(100) * Decimal("9300000000") / Decimal("109100000000")),
        ("-{half} + 0.1", Decimal("-0.4")),
    ],
)
def test_evaluate(formula: str, value: Decimal) -> None:
    values = {
        "us": Decimal("109100000000"),
        "cn": Decimal("9300000000"),
        "capex": Decimal("3e12"),
        "half": Decimal("0.5"),
    }
    assert evaluate(formula, values) == value


@pytest.mark.parametrize(
    "formula",
    ["__import__('os')", "{a}.real", "{a} ** 2", "[{a}]", "{a} if 1 else 2", "'text'", "{a} +"],
)
def test_refuses_anything_but_arithmetic(formula: str) -> None:
    with pytest.raises(FormulaError):
        parse(formula)


def test_division_by_zero() -> None:
    with pytest.raises(FormulaError, match="divides by zero"):
        evaluate("{a} / {b}", {"a": Decimal(1), "b": Decimal(0)})
