"""The node group, change-group and set-params opcodes: fields, defaults, summaries."""

from __future__ import annotations

import pytest

from agent.errors import OpCodeError
from agent.master import opcodes
from agent.master.lu.set_params import format_size


def test_change_group_defaults_and_summary() -> None:
    op = opcodes.validate({"OP_ID": "OP_INSTANCE_CHANGE_GROUP", "instance_name": "web1"})
    assert op["early_release"] is False
    assert "target_groups" not in op and "iallocator" not in op
    assert opcodes.summary(op) == "INSTANCE_CHANGE_GROUP(web1)"


def test_group_opcodes_are_summarised_by_group_name() -> None:
    add = opcodes.validate({"OP_ID": "OP_GROUP_ADD", "group_name": "rack2", "alloc_policy": "last_resort"})
    assert opcodes.summary(add) == "GROUP_ADD(rack2)"
    assign = opcodes.validate({"OP_ID": "OP_GROUP_ASSIGN_NODES", "group_name": "rack2", "nodes": ["n1"]})
    assert assign["force"] is False
    assert opcodes.summary(assign) == "GROUP_ASSIGN_NODES(rack2)"


@pytest.mark.parametrize(("op", "message"), [
    ({"OP_ID": "OP_GROUP_ASSIGN_NODES", "group_name": "rack2"}, "key 'nodes' not found"),
    ({"OP_ID": "OP_GROUP_ADD", "group_name": "g", "alloc_policy": "sometimes"}, "key 'alloc_policy'"),
    ({"OP_ID": "OP_INSTANCE_CHANGE_GROUP", "instance_name": "w", "target_groups": "g"}, "expected a list"),
    ({"OP_ID": "OP_INSTANCE_SET_PARAMS", "instance_name": "w", "disk_template": "floppy"},
     "key 'disk_template'"),
])
def test_bad_fields_are_refused(op: dict[str, object], message: str) -> None:
    with pytest.raises(OpCodeError, match=message):
        opcodes.validate(op)


def test_set_params_waits_for_sync_by_default() -> None:
    op = opcodes.validate({"OP_ID": "OP_INSTANCE_SET_PARAMS", "instance_name": "w", "disk_template": "drbd"})
    assert op["wait_for_sync"] is True and op["force"] is False


@pytest.mark.parametrize(("mib", "shown"), [(256, "256M"), (1024, "1.0G"), (1536, "1.5G"),
                                            (3 * 1024 * 1024, "3.0T")])
def test_sizes_are_shown_as_ganeti_does(mib: int, shown: str) -> None:
    assert format_size(mib) == shown
