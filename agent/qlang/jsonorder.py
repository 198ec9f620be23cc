"""Ganeti's total order over JSON values, as the ``opcode`` predicate compares them.

Haskell derives ``Ord`` for its JSON type: values order first by kind
(``null < bool < number < string < list < object``), then by content, so a
comparison never fails.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

_NUMBER_TYPES = (int, float, Decimal)


def _rank(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1
    if isinstance(value, _NUMBER_TYPES):
        return 2
    if isinstance(value, str):
        return 3
    if isinstance(value, (list, tuple)):
        return 4
    return 5


def json_compare(left: Any, right: Any) -> int:
    """-1, 0 or 1 as ``left`` is below, equal to or above ``right``."""
    left_rank, right_rank = _rank(left), _rank(right)
    if left_rank != right_rank:
        return -1 if left_rank < right_rank else 1
    if left_rank in (1, 2, 3):
        return (left > right) - (left < right)
    if left_rank == 4:
        return _lexicographic(
            [(a, b) for a, b in zip(left, right, strict=False)], len(left), len(right)
        )
    if left_rank == 5:
        pairs = list(zip(_pairs(left), _pairs(right), strict=False))
        steps = [step for (ka, va), (kb, vb) in pairs for step in ((ka, kb), (va, vb))]
        return _lexicographic(steps, len(_pairs(left)), len(_pairs(right)))
    return 0


def _pairs(value: Any) -> list[tuple[Any, Any]]:
    return list(value.items()) if isinstance(value, dict) else []


def _lexicographic(steps: list[tuple[Any, Any]], left_len: int, right_len: int) -> int:
    """The first differing step decides; otherwise the shorter sequence is smaller."""
    for a, b in steps:
        result = json_compare(a, b)
        if result:
            return result
    return (left_len > right_len) - (left_len < right_len)


def json_ordered(op: str, left: Any, right: Any) -> bool:
    """``left OP right`` for a comparison operator under the total order."""
    result = json_compare(left, right)
    if op == "==":
        return result == 0
    if op == "<":
        return result < 0
    if op == "<=":
        return result <= 0
    if op == ">":
        return result > 0
    return result >= 0
