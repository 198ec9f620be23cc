"""Opcodes that move instances between nodes: failover, migrate and replace-disks.

They join the registry of ``agent.master.opcodes`` (which imports this module
last), with Ganeti's field names and defaults; hbal's plans are made of them.
"""

from __future__ import annotations

from agent.master.opcodes import (
    _STR,
    REQUIRED,
    Field,
    _enum,
    _is_bool,
    _is_int_ge0,
    _list_of,
    _op,
)

MIGRATION_MODES = ("live", "non-live")
REPLACE_MODES = ("replace_on_primary", "replace_on_secondary", "replace_new_secondary", "replace_auto")

_op(
    "OP_INSTANCE_FAILOVER",
    Field("instance_name", _STR, REQUIRED),
    Field("instance_uuid", _STR),
    Field("shutdown_timeout", _is_int_ge0, 120),
    Field("ignore_consistency", _is_bool, False),
    Field("target_node", _STR),
    Field("target_node_uuid", _STR),
    Field("ignore_ipolicy", _is_bool, False),
    Field("cleanup", _is_bool, False),
    Field("iallocator", _STR),
    summary="instance_name",
    doc="Fail an instance over to another node: shut it down, start it there.",
)
_op(
    "OP_INSTANCE_MIGRATE",
    Field("instance_name", _STR, REQUIRED),
    Field("instance_uuid", _STR),
    Field("mode", _enum(*MIGRATION_MODES)),
    Field("live", _is_bool),
    Field("target_node", _STR),
    Field("target_node_uuid", _STR),
    Field("allow_runtime_changes", _is_bool, True),
    Field("ignore_ipolicy", _is_bool, False),
    Field("cleanup", _is_bool, False),
    Field("iallocator", _STR),
    Field("allow_failover", _is_bool, False),
    Field("ignore_hvversions", _is_bool, False),
    summary="instance_name",
    doc="Live-migrate an instance to another node.",
)
_op(
    "OP_INSTANCE_REPLACE_DISKS",
    Field("instance_name", _STR, REQUIRED),
    Field("instance_uuid", _STR),
    Field("early_release", _is_bool, False),
    Field("ignore_ipolicy", _is_bool, False),
    Field("mode", _enum(*REPLACE_MODES), REQUIRED),
    Field("disks", _list_of(_is_int_ge0), []),
    Field("remote_node", _STR),
    Field("remote_node_uuid", _STR),
    Field("iallocator", _STR),
    summary="instance_name",
    doc="Rebuild a DRBD instance's disks on one side, or move its secondary to another node.",
)
