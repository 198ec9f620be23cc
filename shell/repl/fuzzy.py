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


def rank(word: str, items: Iterable[T], key: Callable[[T], str]) -> list[tuple[T, Match]]:
    """The items whose key matches ``word``, best first; ties keep the given order."""
    found = []
    for item in items:
        m = match(word, key(item))
        if m is not None:
            found.append((item, m))
    found.sort(key=lambda pair: (pair[1].rank, pair[1].score))
    return found
