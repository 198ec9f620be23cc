"""Positional arguments of ``list`` commands turned into a filter (§6.4)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from agent.errors import OpPrereqError

from .glob import dns_glob_pattern
from .parser import parse

# Any of these makes a lone argument a filter expression rather than a name.
FILTER_DETECTION_CHARS = frozenset("!\"'()/<>=\\~ \t\r\n\x0b\x0c")
GLOB_DETECTION_CHARS = frozenset("*?")


def looks_like_filter(text: str) -> bool:
    return not FILTER_DETECTION_CHARS.isdisjoint(text)


def make_list_filter(
    args: Sequence[str] | None,
    name_field: str = "name",
    numeric_names: bool = False,
    force_filter: bool = False,
) -> Any:
    """The JSON filter for a list command's arguments, or None for "everything".

    With ``force_filter`` (``-F``) or a lone argument that looks like an
    expression, parse it (QueryFilterParseError); otherwise OR one term per
    name: a glob becomes a regex, a plain name an equality, and with
    ``numeric_names`` (job ids) an integer equality. Raises OpPrereqError for
    ``-F`` without exactly one argument or a job id that is not an integer.
    """
    args = list(args or [])
    if force_filter or (len(args) == 1 and looks_like_filter(args[0])):
        if len(args) != 1:
            raise OpPrereqError("Exactly one argument must be given as a filter", "wrong_input")
        return parse(args[0])
    if not args:
        return None
    return ["|", *(_name_term(arg, name_field, numeric_names) for arg in args)]


def _name_term(arg: str, name_field: str, numeric: bool) -> list[Any]:
    if numeric:
        try:
            return ["==", name_field, int(arg)]
        except ValueError as err:
            raise OpPrereqError(f"Invalid job ID passed: {err}", "wrong_input") from None
    if not GLOB_DETECTION_CHARS.isdisjoint(arg):
        return ["=~", name_field, dns_glob_pattern(arg)]
    return ["==", name_field, arg]


def combine_filters(name_filter: Any, extra: Any) -> Any:
    """A command's own filter (``gnt-job list --running``) ANDed after the name filter."""
    if extra is None:
        return name_filter
    if name_filter is None:
        return extra
    return ["&", name_filter, extra]
