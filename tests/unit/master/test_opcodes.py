"""The opcode registry: validation with Ganeti's messages, defaults, summaries, secrets."""

from __future__ import annotations

import pytest

from agent.errors import OpCodeError
from agent.master import opcodes


def test_unknown_opcode_is_refused() -> None:
    with pytest.raises(OpCodeError, match="Unknown opcode OP_FOO"):
        opcodes.validate({"OP_ID": "OP_FOO"})


def test_superfluous_key_is_refused() -> None:
    with pytest.raises(OpCodeError, match=r"Superfluous dictionary keys: \[\"bogus\"\]"):
        opcodes.validate({"OP_ID": "OP_TEST_DELAY", "duration": 1, "bogus": 1})


def test_missing_required_key_is_refused() -> None:
    with pytest.raises(OpCodeError, match="key 'duration' not found"):
        opcodes.validate({"OP_ID": "OP_TEST_DELAY"})


def test_wrongly_typed_value_names_the_key() -> None:
    with pytest.raises(OpCodeError, match="key 'on_master'"):
        opcodes.validate({"OP_ID": "OP_TEST_DELAY", "duration": 1, "on_master": "yes"})


def test_priority_outside_the_three_submit_values_is_refused() -> None:
    with pytest.raises(OpCodeError, match="key 'priority'"):
        opcodes.validate({"OP_ID": "OP_TEST_DELAY", "duration": 1, "priority": 5})


def test_defaults_are_filled_in() -> None:
    op = opcodes.validate({"OP_ID": "OP_TEST_DELAY", "duration": 2})
    assert op["duration"] == 2.0 and op["on_master"] is True and op["no_locks"] is True
    assert op["priority"] == 0 and op["reason"] == [] and op["depends"] is None
    assert "dry_run" not in op


@pytest.mark.parametrize(
    ("op", "text"),
    [
        ({"OP_ID": "OP_TEST_DELAY", "duration": 0.001}, "TEST_DELAY(1.0e-3)"),
        ({"OP_ID": "OP_TEST_DELAY", "duration": 10}, "TEST_DELAY(10.0)"),
        ({"OP_ID": "OP_INSTANCE_STARTUP", "instance_name": "web1"}, "INSTANCE_STARTUP(web1)"),
        ({"OP_ID": "OP_CLUSTER_VERIFY"}, "CLUSTER_VERIFY"),
        ({}, "INVALID_OP"),
    ],
)
def test_summary_is_ganetis(op: dict, text: str) -> None:
    assert opcodes.summary(op) == text


def test_secret_fields_are_split_off_and_redacted() -> None:
    op = opcodes.validate({"OP_ID": "OP_NODE_ADD", "node_name": "n2", "join_token": "s3cret"})
    stored, secrets = opcodes.split_secrets(op)
    assert stored["join_token"] == "<redacted>"
    assert secrets == {"join_token": "s3cret"}
    assert "s3cret" not in repr(stored)


@pytest.mark.parametrize(("text", "mib"), [("512", 512), ("10G", 10240), ("1.5g", 1536), ("1T", 1048576), (300, 300)])
def test_sizes_take_ganetis_units(text: object, mib: int) -> None:
    assert opcodes.parse_size(text) == mib


@pytest.mark.parametrize("text", ["10X", "", "-5", "G"])
def test_bad_sizes_are_refused(text: str) -> None:
    with pytest.raises(OpCodeError, match="Invalid size"):
        opcodes.parse_size(text)


def test_every_registered_opcode_has_a_logical_unit() -> None:
    from agent.master.lu import REGISTRY

    assert set(opcodes.REGISTRY) == set(REGISTRY)
