from __future__ import annotations

import math

import pytest

from agent.htools.haskell_text import ReadFailure, read_double, read_int, show_string, show_strings


@pytest.mark.parametrize(("text", "value"), [
    ("42", 42), (" 42", 42), ("-5", -5), ("- 5", -5), ("(7)", 7), ("( (7) )", 7),
    ("0x1f", 31), ("0o17", 15), ("(-3)", -3),
])
def test_integers_read_like_haskell(text: str, value: int) -> None:
    assert read_int("n1", text) == value


@pytest.mark.parametrize(("text", "value"), [
    ("1.5", 1.5), ("1e3", 1000.0), ("2E-1", 0.2), ("0x10", 16.0), ("-Infinity", -math.inf),
])
def test_doubles_read_like_haskell(text: str, value: float) -> None:
    assert read_double("n1", text) == value


def test_nan_is_a_double() -> None:
    assert math.isnan(read_double("n1", "NaN"))


@pytest.mark.parametrize(("text", "message"), [
    ("32k", "n1: leftover characters when parsing '32k': 'k'"),
    ("5 ", "n1: leftover characters when parsing '5 ': ' '"),
    ("1.", "n1: leftover characters when parsing '1.': '.'"),
    ("1e", "n1: leftover characters when parsing '1e': 'e'"),
    ("0x", "n1: leftover characters when parsing '0x': 'x'"),
    ("1.5", "n1: cannot parse string '1.5'"),
    ("1e3", "n1: cannot parse string '1e3'"),
    ("", "n1: cannot parse string ''"),
    (".5", "n1: cannot parse string '.5'"),
    ("+5", "n1: cannot parse string '+5'"),
    ("--5", "n1: cannot parse string '--5'"),
    ("NaN", "n1: cannot parse string 'NaN'"),
    ("(5", "n1: cannot parse string '(5'"),
])
def test_bad_integers_get_ganetis_message(text: str, message: str) -> None:
    with pytest.raises(ReadFailure) as err:
        read_int("n1", text)
    assert str(err.value) == message


def test_integers_wrap_at_64_bits() -> None:
    assert read_int("x", "9223372036854775808") == -9223372036854775808


def test_identifiers_are_not_numbers_with_leftovers() -> None:
    with pytest.raises(ReadFailure, match="cannot parse string 'Infinityx'"):
        read_double("n1", "Infinityx")


def test_show_escapes_like_haskell() -> None:
    assert show_string('a"b\\c') == '"a\\"b\\\\c"'
    assert show_string("\t\r\x7f\x01") == '"\\t\\r\\DEL\\SOH"'
    assert show_string("\u00e91") == '"\\233\\&1"'
    assert show_string("\x0eH") == '"\\SO\\&H"'
    assert show_strings(["a", ""]) == '["a",""]'
