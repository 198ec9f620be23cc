"""Job filter rule predicates (§5.4): does a ``jobid``, ``opcode`` or ``reason`` predicate hold for a job?

Each kind evaluates the shared expression with its own leaves and Ganeti's
quirks: a leaf a kind cannot evaluate makes the expression false for that
job, opcode or reason entry, whatever surrounds it (Q7, Q8), except that
``=~`` in a ``reason`` predicate is a real regex search (DEVIATION D1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .decode import as_expr, decode, encode
from .errors import FilterError
from .expr import Compare, Contains, Expr, IsTrue, Leaf, Regex, compare_values, evaluate, fields_of
from .jsonorder import json_ordered
from .valuetext import compact_json

PREDICATE_KINDS = ("jobid", "opcode", "reason")

# Opcode keys an ``opcode`` predicate cannot see.
COMMON_OPCODE_PARAMS = frozenset(
    {"priority", "depends", "comment", "reason", "dry_run", "debug_level"}
)

JobOps = Sequence[Mapping[str, Any]]


class _Unusable(Exception):
    """A leaf this predicate kind cannot evaluate: the expression is false."""


@dataclass(frozen=True)
class Predicate:
    """One ``[kind, expression]`` entry of a filter rule."""

    kind: str
    expr: Expr

    def matches(self, job_ops: JobOps, job_id: int, watermark: int) -> bool:
        """``job_ops`` are the job's opcodes in stored form; ``watermark`` is the rule's."""
        if self.kind == "jobid":
            return _holds(self.expr, lambda leaf: _jobid_leaf(leaf, job_id, watermark))
        if self.kind == "opcode":
            return any(_opcode_matches(self.expr, op) for op in job_ops if isinstance(op, Mapping))
        if self.kind == "reason":
            return any(_reason_matches(self.expr, entry) for entry in _reason_entries(job_ops))
        raise FilterError(f"Unknown filter predicate kind '{self.kind}'")

    def to_json(self) -> list[Any]:
        """The normalised form the server stores and shows."""
        return [self.kind, encode(self.expr)]


def decode_predicates(value: Any) -> list[Predicate]:
    """Validate a rule's predicate list; raise FilterError with §5.1's messages."""
    if not isinstance(value, (list, tuple)):
        raise FilterError("Unable to read list")
    return [_decode_predicate(item) for item in value]


def validate_predicates(value: Any) -> list[list[Any]]:
    """Validate a rule's predicate list and return it normalised (``[[kind, expr], ...]``)."""
    return [predicate.to_json() for predicate in decode_predicates(value)]


def predicate_matches(kind: str, expr: Any, job_ops: JobOps, job_id: int, watermark: int) -> bool:
    """Whether one predicate (kind and JSON or decoded expression) holds for a job."""
    return Predicate(kind, as_expr(expr)).matches(job_ops, job_id, watermark)


def rule_matches(predicates: Sequence[Any], job_ops: JobOps, job_id: int, watermark: int) -> bool:
    """Whether every predicate holds (an empty list matches every job).

    ``predicates`` are Predicate objects or stored ``[kind, expr]`` pairs.
    """
    return all(
        (p if isinstance(p, Predicate) else _decode_predicate(p)).matches(
            job_ops, job_id, watermark
        )
        for p in predicates
    )


def _decode_predicate(item: Any) -> Predicate:
    if isinstance(item, (list, tuple)) and item and isinstance(item[0], str):
        name = item[0]
        if len(item) == 2 and name in PREDICATE_KINDS:
            return Predicate(name, decode(item[1]))
        raise FilterError(
            f"malformed FilterPredicate: bad parameter list for '{name}' predicate: "
            + compact_json(list(item[1:]))
        )
    raise FilterError(
        "malformed FilterPredicate: must be a list with the first entry being a string"
        " describing the predicate type"
    )


def _holds(expr: Expr, leaf: Callable[[Leaf], bool]) -> bool:
    try:
        return evaluate(expr, leaf)
    except _Unusable:
        return False


# -- jobid ---------------------------------------------------------------


def _jobid_leaf(leaf: Leaf, job_id: int, watermark: int) -> bool:
    if isinstance(leaf, Compare) and leaf.field == "id":
        if isinstance(leaf.value, int):
            return compare_values(leaf.op, job_id, leaf.value)
        if leaf.value == "watermark":
            return compare_values(leaf.op, job_id, watermark)
    raise _Unusable


# -- opcode --------------------------------------------------------------


def _opcode_matches(expr: Expr, op: Mapping[str, Any]) -> bool:
    visible = {key: value for key, value in op.items() if key not in COMMON_OPCODE_PARAMS}
    try:
        values = {name: _dotted(visible, name) for name in fields_of(expr)}
    except _Unusable:
        return False  # Q7: a missing field makes the whole expression false
    return _holds(expr, lambda leaf: _opcode_leaf(leaf, values[leaf.field]))


def _dotted(obj: Mapping[str, Any], name: str) -> Any:
    value: Any = obj
    for key in name.split("."):
        if not isinstance(value, Mapping) or key not in value:
            raise _Unusable
        value = value[key]
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, Decimal)) and not isinstance(value, bool)


def _opcode_leaf(leaf: Leaf, value: Any) -> bool:
    if isinstance(leaf, Compare):
        return json_ordered(leaf.op, value, leaf.value)
    if isinstance(leaf, IsTrue):
        if isinstance(value, bool):
            return value
        raise _Unusable
    if isinstance(leaf, Regex):
        if isinstance(value, str):
            return leaf.search(value)
        raise _Unusable
    return _contains(leaf, value)


def _contains(leaf: Contains, value: Any) -> bool:
    if isinstance(value, (list, tuple)):
        if isinstance(leaf.value, str) and all(isinstance(v, str) for v in value):
            return leaf.value in value
        if isinstance(leaf.value, int) and all(_is_number(v) for v in value):
            return leaf.value in (round(v) for v in value)
    raise _Unusable


# -- reason --------------------------------------------------------------


def _reason_entries(job_ops: JobOps) -> Iterator[Sequence[Any]]:
    for op in job_ops:
        if not isinstance(op, Mapping):
            continue
        for entry in op.get("reason") or ():
            if isinstance(entry, (list, tuple)) and len(entry) == 3:
                yield entry


_REASON_FIELDS = {"source": 0, "reason": 1, "timestamp": 2}


def _reason_matches(expr: Expr, entry: Sequence[Any]) -> bool:
    return _holds(expr, lambda leaf: _reason_leaf(leaf, entry))


def _reason_leaf(leaf: Leaf, entry: Sequence[Any]) -> bool:
    index = _REASON_FIELDS.get(leaf.field)
    if index is None:
        raise _Unusable
    value = entry[index]
    if isinstance(leaf, Compare):
        # Ganeti compares its literal type: every string orders before every integer.
        return compare_values(leaf.op, _literal_key(value), _literal_key(leaf.value))
    if isinstance(leaf, Regex) and index < 2 and isinstance(value, str):
        return leaf.search(value)  # DEVIATION D1: Ganeti 3.0.2 never matches here
    raise _Unusable


def _literal_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, str):
        return (0, value)
    if isinstance(value, int) and not isinstance(value, bool):
        return (1, value)
    raise _Unusable
