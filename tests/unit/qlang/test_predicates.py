"""Job filter rule predicates (§5.4) with Ganeti's quirks Q7, Q8 and DEVIATION D1; validation (§5.1)."""

from __future__ import annotations

from typing import Any

import pytest

from agent.qlang import (
    FilterError,
    Predicate,
    decode,
    decode_predicates,
    predicate_matches,
    rule_matches,
    validate_predicates,
)

DELAY = {
    "OP_ID": "OP_TEST_DELAY",
    "duration": 0.5,
    "on_master": True,
    "on_nodes": ["node1", "node2"],
    "repeat": 0,
    "no_locks": True,
    "priority": 0,
    "depends": None,
    "comment": None,
    "dry_run": False,
    "debug_level": 0,
    "reason": [
        ["gnt:user", "maint pink bunny", 1700000000123456768],
        ["gnt:opcode:test_delay", "job=9;index=0", 1700000000200000000],
    ],
}
CREATE = {
    "OP_ID": "OP_INSTANCE_CREATE",
    "instance_name": "web1",
    "beparams": {"maxmem": 1024, "vcpus": 2},
    "disks": [{"size": 1024}],
    "tags": ["prod", "web"],
    "ids": [1, 2],
    "priority": 0,
    "reason": [["hbal", "", 5]],
}


def _holds(
    kind: str,
    expr: Any,
    ops: list[dict[str, Any]] | None = None,
    job_id: int = 10,
    watermark: int = 7,
) -> bool:
    return predicate_matches(kind, expr, [DELAY] if ops is None else ops, job_id, watermark)


# -- jobid -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (["=", "id", 10], True),
        (["==", "id", 11], False),
        (["!=", "id", 11], True),
        ([">", "id", "watermark"], True),
        (["<=", "id", "watermark"], False),
        (["&", [">=", "id", 10], ["<", "id", 11]], True),
        (["==", "id", "10"], False),  # only "watermark" is a usable string
        (None, True),
    ],
)
def test_jobid_compares_id_with_integers_and_the_watermark(expr: Any, expected: bool) -> None:
    assert _holds("jobid", expr) is expected


def test_watermark_is_the_rules_own() -> None:
    assert predicate_matches("jobid", [">", "id", "watermark"], [], 118, 117)
    assert not predicate_matches("jobid", [">", "id", "watermark"], [], 117, 117)


@pytest.mark.parametrize(
    "expr",
    [
        ["!", ["=~", "id", "1"]],  # the spec's example
        ["!", ["?", "id"]],
        ["!", ["=[]", "id", 1]],
        ["!", ["==", "job", 1]],
        ["!", ["==", "id", "x"]],
        ["|", ["==", "id", 99], ["!", ["?", "id"]]],
    ],
)
def test_jobid_unusable_leaf_makes_whole_predicate_false_even_negated_q8(expr: Any) -> None:
    assert _holds("jobid", expr) is False


def test_jobid_short_circuit_stops_before_an_unusable_leaf() -> None:
    assert _holds("jobid", ["|", ["==", "id", 10], ["?", "id"]])
    assert not _holds("jobid", ["&", ["==", "id", 99], ["?", "id"]])
    assert _holds("jobid", ["!", ["&", ["==", "id", 99], ["?", "id"]]])


# -- opcode ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (["=", "OP_ID", "OP_TEST_DELAY"], True),
        (["=", "OP_ID", "OP_INSTANCE_CREATE"], False),
        (["<", "duration", 1], True),
        (["==", "duration", 0], False),
        (["==", "duration", 0.5], None),  # a fractional literal is refused when decoding
        (["?", "on_master"], True),
        (["!", ["?", "no_locks"]], False),
        (["=[]", "on_nodes", "node2"], True),
        (["=[]", "on_nodes", "node3"], False),
        (["=~", "OP_ID", "DELAY$"], True),
        (["=~", "OP_ID", "^DELAY"], False),
    ],
)
def test_opcode_fields_of_a_test_delay(expr: Any, expected: bool | None) -> None:
    if expected is None:
        with pytest.raises(FilterError, match="fractional value: 1 % 2"):
            _holds("opcode", expr)
    else:
        assert _holds("opcode", expr) is expected


def test_missing_field_makes_the_expression_false_whatever_the_logic_q7() -> None:
    expr = ["|", ["=", "OP_ID", "OP_TEST_DELAY"], ["=", "instance_name", "x"]]
    assert _holds("opcode", expr) is False
    assert _holds("opcode", ["!", ["==", "instance_name", "x"]]) is False


def test_common_parameters_are_not_visible() -> None:
    for field in ("priority", "depends", "comment", "reason", "dry_run", "debug_level"):
        assert _holds("opcode", ["!", ["==", field, "nothing"]]) is False


def test_comparisons_use_the_total_json_order_without_type_errors() -> None:
    assert _holds("opcode", ["<", "duration", "x"])  # number < string
    assert not _holds("opcode", ["=", "on_master", 1])  # bool is not a number
    assert _holds("opcode", ["<", "on_master", 0])  # bool < number
    assert _holds("opcode", [">", "on_nodes", "zzz"])  # list > string
    assert _holds("opcode", ["==", "repeat", 0])


def test_dotted_names_reach_into_objects_but_not_lists() -> None:
    assert _holds("opcode", ["==", "beparams.maxmem", 1024], [CREATE])
    assert not _holds("opcode", [">", "beparams.maxmem", 1024], [CREATE])
    assert not _holds("opcode", ["!", ["==", "beparams.nosuch", 1]], [CREATE])
    assert not _holds("opcode", ["!", ["==", "disks.0.size", 1]], [CREATE])
    assert not _holds("opcode", ["!", ["==", "instance_name.x", 1]], [CREATE])


def test_regex_contains_and_truth_on_wrong_types_make_the_expression_false() -> None:
    assert not _holds("opcode", ["!", ["=~", "duration", "0"]])
    assert not _holds("opcode", ["!", ["?", "duration"]])
    assert not _holds("opcode", ["!", ["=[]", "on_nodes", 1]])  # strings list, integer literal
    assert not _holds("opcode", ["!", ["=[]", "OP_ID", "O"]])
    assert _holds("opcode", ["=[]", "ids", 2], [CREATE])
    assert _holds("opcode", ["|", ["?", "on_master"], ["?", "duration"]])  # short-circuit


def test_any_opcode_of_the_job_may_match() -> None:
    assert _holds("opcode", ["=", "OP_ID", "OP_INSTANCE_CREATE"], [DELAY, CREATE])
    assert not _holds("opcode", ["=", "OP_ID", "OP_INSTANCE_CREATE"], [DELAY])
    assert not _holds("opcode", None, [])
    assert _holds("opcode", None, [DELAY])


def test_watermark_has_no_meaning_in_opcode_predicates() -> None:
    assert not _holds("opcode", ["==", "OP_ID", "watermark"])


# -- reason ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        (["=", "reason", "maint pink bunny"], True),
        (["=", "reason", "maint"], False),
        (["=", "source", "gnt:user"], True),
        (["=", "timestamp", 1700000000123456768], True),
        ([">", "timestamp", 1700000000200000000], False),
        (["<", "reason", 5], True),  # strings order before integers
        ([">", "timestamp", "x"], True),
        (["==", "timestamp", "1700000000123456768"], False),
        (["==", "nosuch", ""], False),
        (["!", ["==", "nosuch", ""]], False),
    ],
)
def test_reason_compares_trail_entries(expr: Any, expected: bool) -> None:
    assert _holds("reason", expr) is expected


def test_reason_regex_is_a_real_search_deviation_d1() -> None:
    assert _holds("reason", ["=~", "reason", "maint pink bunny"])
    assert _holds("reason", ["=~", "source", "^gnt:"])
    assert not _holds("reason", ["=~", "reason", "^pink"])
    assert _holds("reason", ["!", ["=~", "reason", "^pink"]])
    assert not _holds("reason", ["=~", "timestamp", "1"])


def test_reason_contains_and_truth_stay_false_q8() -> None:
    assert not _holds("reason", ["!", ["?", "reason"]])
    assert not _holds("reason", ["!", ["=[]", "reason", "x"]])


def test_reason_is_true_if_any_entry_of_any_opcode_matches() -> None:
    expr = ["&", ["=", "source", "hbal"], ["=", "timestamp", 5]]
    assert _holds("reason", expr, [DELAY, CREATE])
    assert not _holds("reason", expr, [DELAY])
    # Each entry is judged alone: no entry has both of these.
    assert not _holds(
        "reason",
        ["&", ["=", "source", "hbal"], ["=", "reason", "maint pink bunny"]],
        [DELAY, CREATE],
    )


# -- rules -----------------------------------------------------------------


def test_rule_matches_when_every_predicate_holds() -> None:
    predicates = [["jobid", [">", "id", "watermark"]], ["opcode", ["=", "OP_ID", "OP_TEST_DELAY"]]]
    assert rule_matches(predicates, [DELAY], 10, 7)
    assert not rule_matches(predicates, [DELAY], 5, 7)
    assert rule_matches([], [DELAY], 1, 7)
    assert rule_matches(decode_predicates(predicates), [DELAY], 10, 7)


def test_recipe_2_accepts_only_the_maintenance_reason() -> None:
    accept = decode_predicates([["reason", ["=~", "reason", "maint pink bunny"]]])
    assert rule_matches(accept, [DELAY], 200, 117)
    assert not rule_matches(accept, [CREATE], 200, 117)


def test_predicate_takes_a_decoded_expression_too() -> None:
    assert Predicate("jobid", decode(["==", "id", 3])).matches([], 3, 0)
    assert predicate_matches("jobid", decode(["==", "id", 3]), [], 3, 0)


# -- validation (§5.1) -----------------------------------------------------


def test_valid_predicates_are_returned_normalised() -> None:
    assert validate_predicates(
        [
            ["jobid", [">", "id", "watermark"]],
            ["opcode", ["!=", "OP_ID", "OP_TEST_DELAY"]],
            ["reason", ["=", "source", "hbal"]],
        ]
    ) == [
        ["jobid", [">", "id", "watermark"]],
        ["opcode", ["!", ["==", "OP_ID", "OP_TEST_DELAY"]]],
        ["reason", ["==", "source", "hbal"]],
    ]
    assert validate_predicates([]) == []


def test_jobid_with_another_field_is_accepted_but_never_matches() -> None:
    assert validate_predicates([["jobid", ["==", "name", "x"]]])
    assert not rule_matches([["jobid", ["==", "name", "x"]]], [DELAY], 1, 0)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            [["JOBID", ["==", "id", 1]]],
            'malformed FilterPredicate: bad parameter list for \'JOBID\' predicate: [["==","id",1]]',
        ),
        ([["jobid"]], "malformed FilterPredicate: bad parameter list for 'jobid' predicate: []"),
        (
            [["opcode", None, 1]],
            "malformed FilterPredicate: bad parameter list for 'opcode' predicate: [null,1]",
        ),
        (
            [[]],
            "malformed FilterPredicate: must be a list with the first entry being a string"
            " describing the predicate type",
        ),
        (
            [[1, 2]],
            "malformed FilterPredicate: must be a list with the first entry being a string"
            " describing the predicate type",
        ),
        (
            ["jobid"],
            "malformed FilterPredicate: must be a list with the first entry being a string"
            " describing the predicate type",
        ),
        ([["jobid", ["~", "id", 1]]], "Unknown filter operand '~'"),
        ([["reason", ["=~", "reason", "("]]], "Invalid regular expression '('"),
        ({"jobid": 1}, "Unable to read list"),
    ],
)
def test_invalid_predicates_are_refused_with_ganetis_message(value: Any, message: str) -> None:
    with pytest.raises(FilterError) as err:
        validate_predicates(value)
    assert str(err.value).startswith(message)
