"""Formulas that relate one figure to others: ``"{us-investment} / {cn-investment}"``.

A formula is data in a claim, not code: it may use claim ids in braces, decimal numbers,
``+ - * /`` and parentheses, nothing else. It is parsed with :mod:`ast`, never ``eval``-ed.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from decimal import Decimal, DivisionByZero, InvalidOperation, localcontext
from typing import Any

_REFERENCE = re.compile(r"\{([a-z0-9-]+)\}")
_OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


class FormulaError(ValueError):
    """The formula is not arithmetic over claim ids, or cannot be computed."""


def references(formula: str) -> list[str]:
    """The claim ids a formula names, in order of appearance."""
    return _REFERENCE.findall(formula)


def parse(formula: str) -> ast.expr:
    """The formula's syntax tree, with each ``{id}`` as a name; FormulaError if not arithmetic."""
    names = {ref: f"ref{i}" for i, ref in enumerate(dict.fromkeys(references(formula)))}
    python = _REFERENCE.sub(lambda m: names[m[1]], formula)
    try:
        tree = ast.parse(python, mode="eval").body
    except SyntaxError:
        raise FormulaError(f"formula {formula!r} is not arithmetic") from None
    for node in ast.walk(tree):
        allowed = (ast.BinOp, ast.UnaryOp, ast.USub, ast.Name, ast.Constant, ast.Load)
        if not isinstance(node, allowed + tuple(_OPERATORS)):
            raise FormulaError(f"formula {formula!r} may use only + - * / ( ), numbers and {{ids}}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)):
            raise FormulaError(f"formula {formula!r} has a constant that is not a number")
    return tree


def evaluate(formula: str, values: Mapping[str, Decimal]) -> Decimal:
    """The formula's value, with each ``{id}`` replaced by ``values[id]``, in exact decimals."""
    order = list(dict.fromkeys(references(formula)))
    by_name = {f"ref{i}": values[ref] for i, ref in enumerate(order)}

    def walk(node: ast.expr) -> Decimal:
        if isinstance(node, ast.Name):
            return by_name[node.id]
        if isinstance(node, ast.Constant):
            # repr keeps the literal as written: 0.1 stays 0.1, not the binary float
            return Decimal(repr(node.value))
        if isinstance(node, ast.UnaryOp):
            return -walk(node.operand)
        assert isinstance(node, ast.BinOp)
        operator: Any = _OPERATORS[type(node.op)]
        return operator(walk(node.left), walk(node.right))  # type: ignore[no-any-return]

    with localcontext() as context:
        context.prec = 28
        try:
            return walk(parse(formula))
        except (DivisionByZero, InvalidOperation, ZeroDivisionError):
            raise FormulaError(f"formula {formula!r} divides by zero") from None
