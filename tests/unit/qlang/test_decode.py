"""Decoding a JSON filter (§6.1): Ganeti's messages for bad ones, the normalised form for good ones."""

from __future__ import annotations

import json

import pytest

from agent.qlang import FilterError, decode, encode, normalise
from agent.qlang.expr import And, Compare, Empty, IsTrue, Not, Regex


def test_null_matches_everything() -> None:
    assert decode(None) == Empty()
    assert normalise(None) is None


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (["=", "name", "x"], ["==", "name", "x"]),
        (["!=", "name", "x"], ["!", ["==", "name", "x"]]),
        (["==", "id", 5.0], ["==", "id", 5]),
        (["&"], ["&"]),
        (["|", ["?", "a"], None], ["|", ["?", "a"], None]),
        (["=~", "name", "^web"], ["=~", "name", "^web"]),
        (["=[]", "tags", 7], ["=[]", "tags", 7]),
        ([">=", "id", -3], [">=", "id", -3]),
    ],
)
def test_normalised_form_is_what_the_server_shows(given: object, stored: object) -> None:
    assert normalise(given) == stored


def test_decoded_tree_has_typed_nodes() -> None:
    expr = decode(["&", ["?", "a"], ["!=", "b", 1], ["=~", "c", "x"]])
    assert isinstance(expr, And)
    assert expr.operands[0] == IsTrue("a")
    assert expr.operands[1] == Not(Compare("==", "b", 1))
    regex = expr.operands[2]
    assert isinstance(regex, Regex) and regex.search("axb")
    assert encode(expr) == ["&", ["?", "a"], ["!", ["==", "b", 1]], ["=~", "c", "x"]]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["~~", "a", "b"], "Unknown filter operand '~~'"),
        ("name", 'Cannot deserialise filter: expected array [string, args], got "name"'),
        ([], "Cannot deserialise filter: expected array [string, args], got []"),
        ([1, "a"], 'Cannot deserialise filter: expected array [string, args], got [1, "a"]'),
        ({"a": 1}, 'Cannot deserialise filter: expected array [string, args], got {"a": 1}'),
        (["?", "a", "b"], 'Cannot deserialise field, expected [fieldname] but got ["a", "b"]'),
        (["?"], "Cannot deserialise field, expected [fieldname] but got []"),
        (["!"], "Cannot deserialise field, expected [filter] but got []"),
        (
            ["!", ["?", "a"], ["?", "b"]],
            'Cannot deserialise field, expected [filter] but got [["?", "a"], ["?", "b"]]',
        ),
        (
            ["==", "a"],
            'Cannot deserialise field/value pair, expected [fieldname, value] but got ["a"]',
        ),
        (
            ["<", "a", 1, 2],
            'Cannot deserialise field/value pair, expected [fieldname, value] but got ["a", 1, 2]',
        ),
        (
            ["==", "a", True],
            "Cannot deserialise filter value, expecting string or integer, got true",
        ),
        (
            ["==", "a", None],
            "Cannot deserialise filter value, expecting string or integer, got null",
        ),
        (["==", "a", [1]], "Cannot deserialise filter value, expecting string or integer, got [1]"),
        (["=[]", "a", {}], "Cannot deserialise filter value, expecting string or integer, got {}"),
        (
            ["==", "a", 1.5],
            "Cannot deserialise numeric filter value, expecting integral but got a fractional value: 3 % 2",
        ),
        (
            ["<", "a", -0.1],
            "Cannot deserialise numeric filter value, expecting integral but got a fractional value: (-1) % 10",
        ),
        (["==", 5, "x"], "Unable to read String"),
        (["=~", "a", 5], "Unable to read String"),
    ],
)
def test_bad_filter_is_refused_with_ganetis_message(value: object, message: str) -> None:
    with pytest.raises(FilterError) as err:
        decode(value)
    assert str(err.value) == message


def test_nested_errors_surface_from_inside() -> None:
    with pytest.raises(FilterError, match="Unknown filter operand 'x'"):
        decode(["&", ["?", "a"], ["|", ["x"]]])


def test_regex_must_compile() -> None:
    with pytest.raises(FilterError, match=r"Invalid regular expression '\(': missing \)"):
        decode(["=~", "name", "("])


def test_numbers_from_a_json_text_decode_like_ganeti() -> None:
    assert normalise(json.loads('["==", "id", 1e2]')) == ["==", "id", 100]
    with pytest.raises(FilterError, match="fractional value: 1 % 10"):
        decode(json.loads('["==", "id", 0.1]'))


def test_deep_nesting_is_refused() -> None:
    value: object = ["?", "a"]
    for _ in range(150):
        value = ["!", value]
    with pytest.raises(FilterError, match="nested too deeply"):
        decode(value)
