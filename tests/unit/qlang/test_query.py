"""Filters in list queries (§6.2): field checks, type errors, Q10, host names, timestamps."""

from __future__ import annotations

from typing import Any

import pytest

from agent.errors import ParameterError
from agent.qlang import UNAVAILABLE, FieldKind, QueryFilter, matches, parse, requested_names

NODE_FIELDS = {
    "name": FieldKind.HOSTNAME,
    "pinst_cnt": FieldKind.NUMBER,
    "master_candidate": FieldKind.BOOL,
    "tags": FieldKind.LIST,
    "status": FieldKind.TEXT,
    "received_ts": FieldKind.TIMESTAMP,
    "ids": FieldKind.LIST,
}

NODE = {
    "name": "web1.example.com",
    "pinst_cnt": 3,
    "master_candidate": True,
    "tags": ["foo", "bar"],
    "status": "running",
    "received_ts": [1700000000, 123456],
    "ids": [1, 2, 3],
}


def _passes(text_or_json: Any, obj: dict[str, Any] = NODE) -> bool:
    expr = parse(text_or_json) if isinstance(text_or_json, str) else text_or_json
    return QueryFilter(expr, NODE_FIELDS).matches(obj.__getitem__)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('status == "running"', True),
        ('status != "running"', False),
        ("pinst_cnt > 2 and pinst_cnt <= 3", True),
        ("master_candidate", True),
        ("not master_candidate", False),
        ('"foo" in tags', True),
        ('"baz" not in tags', True),
        ("2 in ids", True),
        ("name =~ /^web/", True),
        ("name =~ /^WEB/", False),
        ("name =~ m/^WEB/i", True),
        ("name =* 'web*'", True),
        ('status < "s"', True),
        ("pinst_cnt == 3 or nosuch == 1", True),
    ],
)
def test_object_passes_as_ganeti_evaluates(text: str, expected: bool) -> None:
    if "nosuch" in text:
        with pytest.raises(ParameterError, match="Can't find field named 'nosuch'"):
            _passes(text)
    else:
        assert _passes(text) is expected


def test_unknown_field_fails_before_any_object_is_seen() -> None:
    with pytest.raises(ParameterError) as err:
        QueryFilter(["?", "foo"], NODE_FIELDS)
    assert str(err.value) == "Can't find field named 'foo'"


def test_empty_filter_passes_everything() -> None:
    assert QueryFilter(None, NODE_FIELDS).matches(NODE.__getitem__)
    assert QueryFilter(["&"], NODE_FIELDS).matches(NODE.__getitem__)
    assert not QueryFilter(["|"], NODE_FIELDS).matches(NODE.__getitem__)


@pytest.mark.parametrize(
    ("expr", "message"),
    [
        (
            ["==", "pinst_cnt", "3"],
            "Invalid types in comparison, trying to compare 3 with 'QuotedString \"3\"'",
        ),
        (
            ["<", "status", 5],
            "Invalid types in comparison, trying to compare \"running\" with 'NumericValue 5'",
        ),
        (
            ["==", "tags", -1],
            'Invalid types in comparison, trying to compare ["foo", "bar"] with \'NumericValue (-1)\'',
        ),
        (
            ["==", "master_candidate", 1],
            "Invalid types in comparison, trying to compare true with 'NumericValue 1'",
        ),
        (["?", "status"], "Unexpected value '\"running\"' in boolean context"),
        (["?", "pinst_cnt"], "Unexpected value '3' in boolean context"),
        (
            ["=~", "pinst_cnt", "3"],
            "Invalid field value used in regexp matching, expecting string but got '3'",
        ),
        (
            ["=[]", "tags", 1],
            'Cannot convert value \'["foo", "bar"]\', error: Unable to read Integer',
        ),
        (["=[]", "ids", "1"], "Cannot convert value '[1, 2, 3]', error: Unable to read String"),
        (["=[]", "status", "r"], "Cannot convert value '\"running\"', error: Unable to read list"),
    ],
)
def test_type_errors_are_parameter_errors_with_ganetis_message(expr: Any, message: str) -> None:
    with pytest.raises(ParameterError) as err:
        _passes(expr)
    assert str(err.value) == message


def test_type_error_after_short_circuit_is_never_reached() -> None:
    assert _passes(["|", ["?", "master_candidate"], ["?", "status"]])
    assert not _passes(["&", ["!", ["?", "master_candidate"]], ["?", "status"]])


def test_unavailable_value_makes_its_leaf_true_q10() -> None:
    obj = dict(NODE, status=UNAVAILABLE, pinst_cnt=UNAVAILABLE)
    assert _passes('status == "stopped"', obj)
    assert _passes("pinst_cnt > 100 and status", obj)
    assert not _passes('not status == "stopped"', obj)


def test_host_name_equality_matches_leading_components() -> None:
    assert _passes('name == "web1"')
    assert _passes('name == "web1.example"')
    assert _passes('name == "web1.example.com"')
    assert not _passes('name == "web"')
    assert not _passes('name == "example.com"')
    assert not _passes('name != "web1"')


def test_text_fields_compare_exactly() -> None:
    fields = {"name": FieldKind.TEXT}
    flt = QueryFilter(["==", "name", "web1"], fields)
    assert not flt.matches({"name": "web1.example.com"}.__getitem__)


def test_timestamps_compare_by_seconds() -> None:
    assert _passes("received_ts >= 1700000000")
    assert _passes("received_ts == 1700000000")
    assert not _passes("received_ts > 1700000000")
    as_float = dict(NODE, received_ts=1700000000.9)
    assert _passes("received_ts == 1700000000", as_float)


def test_numbers_compare_numerically_including_floats() -> None:
    assert _passes(["<", "pinst_cnt", 4], dict(NODE, pinst_cnt=3.5))
    assert not _passes(["==", "pinst_cnt", 3], dict(NODE, pinst_cnt=3.5))


def test_strings_compare_by_code_point() -> None:
    assert _passes(["<", "status", "running\u00e9"])
    assert _passes([">", "status", "Running"])


def test_one_shot_matches_reports_unknown_fields_from_the_getter() -> None:
    assert matches(["==", "id", 5], {"id": 5}.__getitem__)
    with pytest.raises(ParameterError, match="Can't find field named 'x'"):
        matches(["?", "x"], {}.__getitem__)
    assert matches(["==", "name", "a"], {"name": "a.b"}.__getitem__, {"name": FieldKind.HOSTNAME})


def test_filter_lists_the_fields_it_needs() -> None:
    assert QueryFilter(
        parse("a or (b and a)"), {"a": FieldKind.BOOL, "b": FieldKind.BOOL}
    ).fields == [
        "a",
        "b",
    ]


@pytest.mark.parametrize(
    ("expr", "names"),
    [
        (None, []),
        (["|", ["==", "id", 5], ["==", "id", 7], ["==", "id", 5]], [5, 7]),
        (["==", "id", 5], [5]),
        (["|", ["|", ["==", "id", 1]], ["=", "id", 2]], [1, 2]),
        (["|", ["==", "id", 5], [">", "id", 7]], None),
        (["&", ["==", "id", 5]], None),
        (["==", "status", "x"], None),
    ],
)
def test_requested_names_only_for_a_pure_or_of_equalities(expr: Any, names: Any) -> None:
    assert requested_names(expr, "id") == names
