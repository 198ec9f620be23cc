"""Decode and validate a JSON filter (§6.1) into an expression; encode it back in normalised form."""

from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any

from .errors import FilterError
from .expr import (
    EXPR_TYPES,
    MAX_DEPTH,
    And,
    Compare,
    Contains,
    Empty,
    Expr,
    IsTrue,
    Not,
    Or,
    Regex,
    Value,
)
from .valuetext import haskell_rational, pretty_json

_COMPARE_OPS = {"==": "==", "=": "==", "<": "<", "<=": "<=", ">": ">", ">=": ">="}
_FIELD_VALUE_OPS = (*_COMPARE_OPS, "!=", "=~", "=[]")


def decode(value: Any) -> Expr:
    """Validate a JSON filter; raise FilterError with Ganeti's message if it is not one."""
    return _decode(value, 0)


def encode(expr: Expr) -> Any:
    """The normalised JSON form (``=`` as ``==``, ``!=`` as ``["!", ["==", ...]]``)."""
    if isinstance(expr, Empty):
        return None
    if isinstance(expr, And):
        return ["&", *(encode(e) for e in expr.operands)]
    if isinstance(expr, Or):
        return ["|", *(encode(e) for e in expr.operands)]
    if isinstance(expr, Not):
        return ["!", encode(expr.operand)]
    if isinstance(expr, IsTrue):
        return ["?", expr.field]
    if isinstance(expr, Compare):
        return [expr.op, expr.field, expr.value]
    if isinstance(expr, Regex):
        return ["=~", expr.field, expr.pattern]
    return ["=[]", expr.field, expr.value]


def normalise(value: Any) -> Any:
    """Validate a JSON filter and return the form the server stores and shows."""
    return encode(decode(value))


def as_expr(value: Any) -> Expr:
    """Accept either an already decoded expression or a JSON filter."""
    return value if isinstance(value, EXPR_TYPES) else decode(value)


def compile_regex(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except (re.error, RecursionError, OverflowError, ValueError) as err:
        raise FilterError(f"Invalid regular expression '{pattern}': {err}") from None


def _decode(value: Any, depth: int) -> Expr:
    if depth > MAX_DEPTH:
        raise FilterError(f"Filter nested too deeply (more than {MAX_DEPTH} levels)")
    if value is None:
        return Empty()
    if not (isinstance(value, (list, tuple)) and value and isinstance(value[0], str)):
        raise FilterError(
            "Cannot deserialise filter: expected array [string, args], got " + pretty_json(value)
        )
    op, args = value[0], list(value[1:])
    if op in ("&", "|"):
        operands = tuple(_decode(arg, depth + 1) for arg in args)
        return And(operands) if op == "&" else Or(operands)
    if op == "!":
        if len(args) != 1:
            raise FilterError(
                "Cannot deserialise field, expected [filter] but got " + pretty_json(args)
            )
        return Not(_decode(args[0], depth + 1))
    if op == "?":
        if len(args) != 1:
            raise FilterError(
                "Cannot deserialise field, expected [fieldname] but got " + pretty_json(args)
            )
        return IsTrue(_field(args[0]))
    if op not in _FIELD_VALUE_OPS:
        raise FilterError(f"Unknown filter operand '{op}'")
    if len(args) != 2:
        raise FilterError(
            "Cannot deserialise field/value pair, expected [fieldname, value] but got "
            + pretty_json(args)
        )
    field = _field(args[0])
    if op == "=~":
        pattern = _field(args[1])
        return Regex(field, pattern, compile_regex(pattern))
    literal = _value(args[1])
    if op == "=[]":
        return Contains(field, literal)
    if op == "!=":
        return Not(Compare("==", field, literal))
    return Compare(_COMPARE_OPS[op], field, literal)


def _field(value: Any) -> str:
    if not isinstance(value, str):
        raise FilterError("Unable to read String")
    return value


def _value(value: Any) -> Value:
    """A literal: a string or an integer (integral JSON numbers such as ``5.0`` included)."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, (float, Decimal)) and math.isfinite(value):
        if value == int(value):
            return int(value)
        raise FilterError(
            "Cannot deserialise numeric filter value, expecting integral but got a"
            " fractional value: " + haskell_rational(value)
        )
    raise FilterError(
        "Cannot deserialise filter value, expecting string or integer, got " + pretty_json(value)
    )
