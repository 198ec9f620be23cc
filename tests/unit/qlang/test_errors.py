"""How a human-filter parse error reads: Ganeti's first line, the input, a caret, the message."""

from __future__ import annotations

import pytest

from agent.errors import GanetiError
from agent.qlang import FilterError, QueryFilterParseError, parse


def _error(text: str) -> QueryFilterParseError:
    with pytest.raises(QueryFilterParseError) as err:
        parse(text)
    return err.value


def test_spec_example_renders_exactly() -> None:
    assert _error("name ==").format_error() == (
        "Error while parsing query filter: Failed to parse query filter 'name ==':"
        " Expected end of text, found '='  (at char 5), (line:1, col:6)\n"
        "name ==\n"
        "     ^\n"
        "Expected end of text, found '='  (at char 5), (line:1, col:6)"
    )


def test_message_carries_text_and_position() -> None:
    err = _error("a and (b")
    assert err.text == "a and (b"
    assert err.position == 2
    assert err.message == (
        "Failed to parse query filter 'a and (b': Expected end of text, found 'and'"
        "  (at char 2), (line:1, col:3)"
    )


def test_error_at_end_of_text_says_so() -> None:
    assert _error("(").located_reason.endswith("found end of text  (at char 1), (line:1, col:2)")


def test_caret_points_into_the_right_line_of_multiline_input() -> None:
    err = _error("a or\n b ==")
    assert err.details()[:2] == [" b ==", "   ^"]
    assert "(line:2, col:4)" in err.located_reason


def test_regex_errors_do_not_say_what_was_found() -> None:
    err = _error("name=~m#a#g")
    assert (
        err.located_reason == "Unknown regular expression flags: 'g'  (at char 6), (line:1, col:7)"
    )
    assert err.details()[1] == "      ^"


def test_both_errors_belong_to_the_ganeti_hierarchy() -> None:
    assert issubclass(QueryFilterParseError, GanetiError)
    assert issubclass(FilterError, GanetiError)
    assert _error("x ==").encode()[0] == "QueryFilterParseError"
