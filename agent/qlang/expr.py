"""Decoded filter expressions (Ganeti's ``Filter``) and the one short-circuit evaluator over them."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Deepest nesting the parser and the decoder accept (keeps recursion far from Python's limit).
MAX_DEPTH = 100

COMPARISONS = ("==", "<", "<=", ">", ">=")

Value = str | int


@dataclass(frozen=True)
class Empty:
    """``null``: matches everything."""


@dataclass(frozen=True)
class And:
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Or:
    operands: tuple[Expr, ...]


@dataclass(frozen=True)
class Not:
    operand: Expr


@dataclass(frozen=True)
class IsTrue:
    """``["?", field]``: the field is boolean true."""

    field: str


@dataclass(frozen=True)
class Compare:
    """``[op, field, value]`` for op in ``==``, ``<``, ``<=``, ``>``, ``>=``."""

    op: str
    field: str
    value: Value


@dataclass(frozen=True)
class Regex:
    """``["=~", field, pattern]``: an unanchored regular-expression search."""

    field: str
    pattern: str
    compiled: re.Pattern[str] = dataclasses.field(compare=False, repr=False, hash=False)

    def search(self, text: str) -> bool:
        return self.compiled.search(text) is not None


@dataclass(frozen=True)
class Contains:
    """``["=[]", field, value]``: the list field contains the value."""

    field: str
    value: Value


Leaf = IsTrue | Compare | Regex | Contains
Expr = Empty | And | Or | Not | Leaf

EXPR_TYPES = (Empty, And, Or, Not, IsTrue, Compare, Regex, Contains)


def compare_values(op: str, left: object, right: object) -> bool:
    """Apply a comparison operator to two values of one mutually ordered type."""
    if op == "==":
        return left == right
    if op == "<":
        return left < right  # type: ignore[operator]
    if op == "<=":
        return left <= right  # type: ignore[operator]
    if op == ">":
        return left > right  # type: ignore[operator]
    return left >= right  # type: ignore[operator]


def evaluate(expr: Expr, leaf: Callable[[Leaf], bool]) -> bool:
    """Evaluate left to right with short-circuit; ``leaf`` decides each leaf (and may raise)."""
    if isinstance(expr, Empty):
        return True
    if isinstance(expr, And):
        return all(evaluate(e, leaf) for e in expr.operands)
    if isinstance(expr, Or):
        return any(evaluate(e, leaf) for e in expr.operands)
    if isinstance(expr, Not):
        return not evaluate(expr.operand, leaf)
    return leaf(expr)


def leaves(expr: Expr) -> Iterator[Leaf]:
    """Every leaf, left to right."""
    if isinstance(expr, (And, Or)):
        for operand in expr.operands:
            yield from leaves(operand)
    elif isinstance(expr, Not):
        yield from leaves(expr.operand)
    elif not isinstance(expr, Empty):
        yield expr


def fields_of(expr: Expr) -> list[str]:
    """The field names used, in first-use order, without duplicates."""
    return list(dict.fromkeys(leaf.field for leaf in leaves(expr)))
