"""Opcodes about node groups and placement: add a group, move nodes into it, move an instance
to another group, convert an instance's disks to another template.

They join the registry of ``agent.master.opcodes`` (which imports this module
last), with Ganeti's field names and defaults.
"""

from __future__ import annotations

from agent.master.opcodes import (
    _STR,
    DISK_TEMPLATES,
    REQUIRED,
    Field,
    _enum,
    _is_bool,
    _is_dict,
    _list_of,
    _op,
)

ALLOC_POLICIES = ("preferred", "last_resort", "unallocable")

_op(
    "OP_GROUP_ADD",
    Field("group_name", _STR, REQUIRED),
    Field("alloc_policy", _enum(*ALLOC_POLICIES)),
    Field("ndparams", _is_dict),
    Field("diskparams", _is_dict),
    Field("hv_state", _is_dict),
    Field("disk_state", _is_dict),
    Field("ipolicy", _is_dict),
    summary="group_name",
    doc="Add a node group to the cluster.",
)
_op(
    "OP_GROUP_ASSIGN_NODES",
    Field("group_name", _STR, REQUIRED),
    Field("force", _is_bool, False),
    Field("nodes", _list_of(_STR), REQUIRED),
    Field("node_uuids", _list_of(_STR)),
    summary="group_name",
    doc="Move nodes into a node group.",
)
_op(
    "OP_INSTANCE_CHANGE_GROUP",
    Field("instance_name", _STR, REQUIRED),
    Field("instance_uuid", _STR),
    Field("early_release", _is_bool, False),
    Field("iallocator", _STR),
    Field("target_groups", _list_of(_STR)),
    summary="instance_name",
    doc="Move an instance to another node group: submits the jobs the allocator plans.",
)
_op(
    "OP_INSTANCE_SET_PARAMS",
    Field("instance_name", _STR, REQUIRED),
    Field("instance_uuid", _STR),
    Field("force", _is_bool, False),
    Field("disk_template", _enum(*DISK_TEMPLATES)),
    Field("remote_node", _STR),
    Field("remote_node_uuid", _STR),
    Field("iallocator", _STR),
    Field("wait_for_sync", _is_bool, True),
    Field("ignore_ipolicy", _is_bool, False),
    summary="instance_name",
    doc="Change an instance's parameters; here its disk template (converting its disks).",
)
