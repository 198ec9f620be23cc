"""Ganeti's query language: one filter evaluator for job filter rules and ``list`` commands.

API (everything raises GanetiError subclasses; JSON filters are Python lists):

- ``parse(text) -> JSON``: the human syntax of §6.3 (``-F``); raises
  QueryFilterParseError (``.reason``, ``.text``, ``.position``,
  ``.format_error()`` for the CLI's multi-line message).
- ``make_list_filter(args, name_field="name", numeric_names=False,
  force_filter=False) -> JSON | None``: §6.4 for positional arguments;
  raises OpPrereqError or QueryFilterParseError. ``combine_filters(names,
  extra)`` ANDs a command's own filter.
- ``decode(json) -> Expr`` validates a JSON filter (FilterError with
  Ganeti's §6.1 messages); ``encode(expr)`` / ``normalise(json)`` give the
  stored form (``=`` as ``==``, ``!=`` as ``["!", ["==", ...]]``).
- ``QueryFilter(json_or_expr, {field: FieldKind})`` checks field names
  (ParameterError ``Can't find field named 'F'``); ``.matches(get_field)``
  evaluates one object (ParameterError on type errors; a value of
  UNAVAILABLE makes its leaf true, Q10). ``matches(expr, get_field, kinds)``
  is the one-shot form; ``requested_names(expr, name_field)`` lists the
  names of a pure ``name == V`` OR (None otherwise).
- ``decode_predicates(json) -> [Predicate]`` / ``validate_predicates(json)
  -> normalised JSON`` check a rule's predicates (FilterError, §5.1);
  ``Predicate.matches(job_ops, job_id, watermark)``,
  ``predicate_matches(kind, expr, job_ops, job_id, watermark)`` and
  ``rule_matches(predicates, job_ops, job_id, watermark)`` evaluate them
  with Ganeti's quirks (Q7, Q8, DEVIATION D1). Never raise on job data.
- ``render(json_or_expr) -> str``: back to the human syntax (FilterError
  when it cannot be said).
"""

from .args import combine_filters, looks_like_filter, make_list_filter
from .decode import decode, encode, normalise
from .errors import FilterError, QueryFilterParseError
from .expr import And, Compare, Contains, Empty, Expr, IsTrue, Not, Or, Regex
from .glob import dns_glob_pattern
from .parser import parse
from .predicates import (
    PREDICATE_KINDS,
    Predicate,
    decode_predicates,
    predicate_matches,
    rule_matches,
    validate_predicates,
)
from .query import UNAVAILABLE, FieldKind, QueryFilter, matches, requested_names
from .render import render

__all__ = [
    "PREDICATE_KINDS",
    "UNAVAILABLE",
    "And",
    "Compare",
    "Contains",
    "Empty",
    "Expr",
    "FieldKind",
    "FilterError",
    "IsTrue",
    "Not",
    "Or",
    "Predicate",
    "QueryFilter",
    "QueryFilterParseError",
    "Regex",
    "combine_filters",
    "decode",
    "decode_predicates",
    "dns_glob_pattern",
    "encode",
    "looks_like_filter",
    "make_list_filter",
    "matches",
    "normalise",
    "parse",
    "predicate_matches",
    "render",
    "requested_names",
    "rule_matches",
    "validate_predicates",
]
