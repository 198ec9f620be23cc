"""Fuzzy matching for completion: prefix, then substring, then in-order subsequence.

Our own small matcher rather than prompt_toolkit's ``FuzzyCompleter`` because
the completer replaces fragments that are not plain words (``name,os`` after
``-o``, ``NODE:NODE``, ``--flag=value``) and needs to rank within them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

PREFIX, SUBSTRING, SUBSEQUENCE = 0, 1, 2


@dataclass(frozen=True)
class Match:
    """How ``word`` matched a candidate: the class, a score within it, the matched positions."""

    rank: int
    score: int
    positions: tuple[int, ...]


def match(word: str, text: str) -> Match | None:
    """Match ``word`` against ``text`` case-insensitively; None when it does not match."""
    needle, hay = word.lower(), text.lower()
    if hay.startswith(needle):
        return Match(PREFIX, 0, tuple(range(len(needle))))
    at = hay.find(needle)
    if at >= 0:
        return Match(SUBSTRING, at, tuple(range(at, at + len(needle))))
    positions: list[int] = []
    start = 0
    for char in needle:
        found = hay.find(char, start)
        if found < 0:
            return None
        positions.append(found)
        start = found + 1
    # A tighter span is a better match: "wb1" fits "web1" better than "w...b...1".
    return Match(SUBSEQUENCE, positions[-1] - positions[0], tuple(positions))


def rank(word: str, items: Iterable[T], key: Callable[[T], str],
         limit: int | None = None) -> list[tuple[T, Match]]:
    """The items whose key matches ``word``, best first; ties keep the given order.

    With ``limit``, only the best ``limit`` are returned. Prefix matches, the
    common case, are found with one ``startswith`` per item; only the rest go
    through the full matcher.
    """
    needle = word.lower()
    prefix_match = Match(PREFIX, 0, tuple(range(len(needle))))
    found: list[tuple[T, Match]] = []
    rest: list[tuple[T, Match]] = []
    for item in items:
        text = key(item)
        if text.lower().startswith(needle):
            found.append((item, prefix_match))
        elif limit is None or len(found) < limit:
            m = match(needle, text)
            if m is not None:
                rest.append((item, m))
    if limit is not None and len(found) >= limit:
        return found[:limit]
    rest.sort(key=lambda pair: (pair[1].rank, pair[1].score))
    found.extend(rest)
    return found if limit is None else found[:limit]
