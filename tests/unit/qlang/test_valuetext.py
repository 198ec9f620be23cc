"""Values inside Ganeti's messages print as its Haskell side prints them."""

from __future__ import annotations

import pytest

from agent.qlang.valuetext import (
    compact_json,
    haskell_double,
    haskell_rational,
    haskell_string,
    pretty_json,
    show_filter_value,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.5, "1.5"),
        (0.1, "0.1"),
        (1e-3, "1.0e-3"),
        (1e7, "1.0e7"),
        (9999999.0, "9999999.0"),
        (-2.5, "-2.5"),
        (0.05, "5.0e-2"),
        (123456.789, "123456.789"),
    ],
)
def test_doubles_print_like_haskell_show(value: float, text: str) -> None:
    assert haskell_double(value) == text


def test_rationals_strings_and_literals_print_like_haskell_show() -> None:
    assert haskell_rational(1.5) == "3 % 2"
    assert haskell_rational(-0.25) == "(-1) % 4"
    assert haskell_string('a"b\\c\n\u00e91') == '"a\\"b\\\\c\\n\\233\\&1"'
    assert show_filter_value("x") == 'QuotedString "x"'
    assert show_filter_value(-5) == "NumericValue (-5)"
    assert show_filter_value(5) == "NumericValue 5"


def test_json_prints_pretty_in_messages_and_compact_in_lists() -> None:
    value = [1, "a\n", {"k": True, "n": None}, 1.5, 2.0]
    assert pretty_json(value) == '[1, "a\\u000a", {"k": true, "n": null}, 1.5, 2]'
    assert compact_json(value) == '[1,"a\\n",{"k":true,"n":null},1.5,2]'
