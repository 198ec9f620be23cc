"""Filters in list queries (§6.2): which objects a ``list`` command or the Query API returns."""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any, Final

from agent.errors import ParameterError

from .decode import as_expr
from .expr import Compare, Contains, Empty, Expr, IsTrue, Leaf, Or, Value, evaluate, fields_of
from .expr import compare_values as _ordered
from .valuetext import pretty_json, show_filter_value


class FieldKind(enum.Enum):
    """What a list command tells the filter about a field; only hostname and timestamp change matching."""

    TEXT = "text"
    NUMBER = "number"
    BOOL = "bool"
    LIST = "list"
    HOSTNAME = (
        "hostname"  # ``==`` also matches the leading name components: web1 ~ web1.example.com
    )
    TIMESTAMP = "timestamp"  # ``(seconds, microseconds)`` or a float; compared by whole seconds
    OTHER = "other"


class _Unavailable:
    def __repr__(self) -> str:
        return "UNAVAILABLE"


# A field value the object does not have (shown as -, ?, * or ??): every leaf on it is true (Q10).
UNAVAILABLE: Final = _Unavailable()

FieldGetter = Callable[[str], Any]


class QueryFilter:
    """A filter checked once against a resource's fields, then applied to many objects."""

    def __init__(self, expr: Any, fields: Mapping[str, FieldKind]) -> None:
        """``expr`` is a JSON filter or decoded expression; raises FilterError, or ParameterError
        ``Can't find field named 'F'`` for a field the resource does not have."""
        self.expr: Expr = as_expr(expr)
        self.fields = fields_of(self.expr)
        for name in self.fields:
            if name not in fields:
                raise ParameterError(f"Can't find field named '{name}'")
        self.kinds = {name: fields[name] for name in self.fields}

    def matches(self, get_field: FieldGetter) -> bool:
        """Whether one object passes; ``get_field(name)`` returns its value or UNAVAILABLE.

        Raises ParameterError with Ganeti's message on a type mismatch.
        """
        return evaluate(
            self.expr,
            lambda leaf: _leaf_matches(leaf, get_field(leaf.field), self.kinds[leaf.field]),
        )


def matches(
    expr: Any, get_field: FieldGetter, kinds: Mapping[str, FieldKind] | None = None
) -> bool:
    """One-off evaluation; a field is unknown when ``get_field`` raises KeyError for it.

    ``kinds`` (field name → FieldKind) marks host-name and timestamp fields;
    others default to FieldKind.OTHER.
    """
    kinds = kinds or {}

    def leaf_matches(leaf: Leaf) -> bool:
        try:
            value = get_field(leaf.field)
        except KeyError:
            raise ParameterError(f"Can't find field named '{leaf.field}'") from None
        return _leaf_matches(leaf, value, kinds.get(leaf.field, FieldKind.OTHER))

    return evaluate(as_expr(expr), leaf_matches)


def requested_names(expr: Any, name_field: str) -> list[Value] | None:
    """The names asked for when the filter is only an OR of ``name_field == V`` terms.

    Distinct values in first-seen order; ``[]`` for no filter; None when the
    filter is anything else (then every object must be examined).
    """
    names = _names(as_expr(expr), name_field)
    return None if names is None else list(dict.fromkeys(names))


def _names(expr: Expr, name_field: str) -> list[Value] | None:
    if isinstance(expr, Empty):
        return []
    if isinstance(expr, Compare) and expr.op == "==" and expr.field == name_field:
        return [expr.value]
    if isinstance(expr, Or):
        names: list[Value] = []
        for operand in expr.operands:
            more = _names(operand, name_field)
            if more is None:
                return None
            names.extend(more)
        return names
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _seconds(value: Any) -> Any:
    if isinstance(value, (list, tuple)) and len(value) == 2 and _is_number(value[0]):
        return value[0]
    if _is_number(value) and math.isfinite(value):
        return math.floor(value)
    return value


def _leaf_matches(leaf: Leaf, value: Any, kind: FieldKind) -> bool:
    if value is UNAVAILABLE:
        return True
    if kind is FieldKind.TIMESTAMP:
        value = _seconds(value)
    if isinstance(leaf, IsTrue):
        if isinstance(value, bool):
            return value
        raise ParameterError(f"Unexpected value '{pretty_json(value)}' in boolean context")
    if isinstance(leaf, Compare):
        if (
            leaf.op == "=="
            and kind is FieldKind.HOSTNAME
            and isinstance(value, str)
            and isinstance(leaf.value, str)
        ):
            return value == leaf.value or value.startswith(leaf.value + ".")
        if (isinstance(value, str) and isinstance(leaf.value, str)) or (
            _is_number(value) and isinstance(leaf.value, int)
        ):
            return _ordered(leaf.op, value, leaf.value)
        raise ParameterError(
            "Invalid types in comparison, trying to compare"
            f" {pretty_json(value)} with '{show_filter_value(leaf.value)}'"
        )
    if isinstance(leaf, Contains):
        return leaf.value in _list_of(value, str if isinstance(leaf.value, str) else int)
    if isinstance(value, str):
        return leaf.search(value)
    raise ParameterError(
        "Invalid field value used in regexp matching, expecting string but got"
        f" '{pretty_json(value)}'"
    )


def _list_of(value: Any, item_type: type) -> list[Any]:
    """The value as a list of strings or of integers, or Ganeti's conversion error."""
    if not isinstance(value, (list, tuple)):
        problem = "Unable to read list"
    elif item_type is str and all(isinstance(v, str) for v in value):
        return list(value)
    elif item_type is int and all(_is_number(v) and math.isfinite(v) for v in value):
        return [round(v) for v in value]  # Haskell's round: half to even, like Python's
    else:
        problem = "Unable to read String" if item_type is str else "Unable to read Integer"
    raise ParameterError(f"Cannot convert value '{pretty_json(value)}', error: {problem}")
