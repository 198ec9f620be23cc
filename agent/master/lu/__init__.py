"""The logical units, one per opcode; importing this package registers them all."""

from agent.master.lu import (
    change_group,
    cluster,
    group,
    instance,
    migrate,
    node,
    node_evacuate,
    replace_disks,
    set_params,
    test,
)
from agent.master.lu.base import REGISTRY, LogicalUnit, LuContext

__all__ = ["REGISTRY", "LogicalUnit", "LuContext", "cluster", "instance", "migrate", "node", "node_evacuate", "replace_disks",
           "test",
           "change_group", "group", "set_params"]
