"""Fuzzy matching of the REPL: prefix beats substring beats subsequence."""

from __future__ import annotations

from shell.repl.fuzzy import PREFIX, SUBSEQUENCE, SUBSTRING, match, rank


def test_match_classes() -> None:
    assert match("web", "web1.demo").rank == PREFIX  # type: ignore[union-attr]
    assert match("demo", "web1.demo").rank == SUBSTRING  # type: ignore[union-attr]
    assert match("wb1", "web1.demo").rank == SUBSEQUENCE  # type: ignore[union-attr]
    assert match("xyz", "web1.demo") is None


def test_match_is_case_insensitive_and_reports_positions() -> None:
    m = match("WB", "web1")
    assert m is not None and m.positions == (0, 2)


def test_rank_puts_prefix_first_then_tighter_matches() -> None:
    items = ["list-fields", "list", "blist", "l-i-s-t"]
    assert [i for i, _ in rank("list", items, key=str)] == [
        "list-fields",
        "list",
        "blist",
        "l-i-s-t",
    ]


def test_empty_word_keeps_the_given_order() -> None:
    items = ["b", "a", "c"]
    assert [i for i, _ in rank("", items, key=str)] == items
