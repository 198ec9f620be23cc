"""Node group logical units: add a group and assign nodes to it, plus group lookups.

A node belongs to exactly one group (``node.data["group"]`` is its UUID);
DRBD instances whose two nodes end up in different groups are "split", which
Ganeti refuses unless forced.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from agent.errors import OpExecError, OpPrereqError
from agent.master.locks import EXCLUSIVE
from agent.master.lu.base import LogicalUnit, logical_unit
from agent.store import ConfigObject, Put

if TYPE_CHECKING:
    from agent.master.config import Config


async def lookup_group(config: Config, wanted: str) -> ConfigObject:
    """A node group by name or UUID (Ganeti's LookupNodeGroup)."""
    for group in await config.objects("group"):
        if wanted in (group.name, group.uuid):
            return group
    raise OpPrereqError(f"Node group '{wanted}' not found", "noent")


async def group_members(config: Config, node_uuids: Iterable[str]) -> set[str]:
    """Every node of the groups the given nodes belong to."""
    nodes = await config.objects("node")
    wanted = set(node_uuids)
    groups = {n.data.get("group") for n in nodes if n.uuid in wanted}
    return {n.uuid for n in nodes if n.data.get("group") in groups}


async def instance_node_uuids(config: Config, inst: ConfigObject) -> list[str]:
    """The primary node first, then the other nodes of the instance's disks."""
    uuids = [inst.data["primary_node"]]
    for disk in await config.instance_disks(inst):
        for uuid in disk.data.get("nodes", []):
            if uuid not in uuids:
                uuids.append(uuid)
    return uuids


@logical_unit
class LUGroupAdd(LogicalUnit):
    op_id = "OP_GROUP_ADD"

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level == "nodegroup":
            return {"nodegroup/" + self.op["group_name"]: EXCLUSIVE}
        return await super().needed_locks(level)

    async def check_prereq(self) -> None:
        name = self.op["group_name"]
        existing = await self.ctx.config.find("group", name)
        if existing is not None:
            raise OpPrereqError(
                f"Desired group name '{name}' already exists as a node group (UUID: {existing.uuid})",
                "exists",
            )

    async def exec(self) -> Any:
        op = self.op
        name = op["group_name"]
        group = ConfigObject("group", str(uuidlib.uuid4()), name, {
            "name": name,
            "alloc_policy": op.get("alloc_policy") or "preferred",
            "ndparams": dict(op.get("ndparams") or {}),
            "diskparams": dict(op.get("diskparams") or {}),
            "ipolicy": dict(op.get("ipolicy") or {}),
            "hv_state_static": dict(op.get("hv_state") or {}),
            "disk_state_static": dict(op.get("disk_state") or {}),
            "networks": {},
            "tags": [],
        })
        await self.ctx.config.commit([Put(group)])
        return None


@logical_unit
class LUGroupAssignNodes(LogicalUnit):
    op_id = "OP_GROUP_ASSIGN_NODES"

    async def expand_names(self) -> None:
        self.group = await lookup_group(self.ctx.config, self.op["group_name"])
        self.nodes = [await self.ctx.config.node(name) for name in self.op["nodes"]]

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level == "nodegroup":
            uuids = {self.group.uuid, *(str(n.data.get("group")) for n in self.nodes)}
            return {f"nodegroup/{u}": EXCLUSIVE for u in sorted(uuids)}
        if level == "node":
            return {f"node/{n.uuid}": EXCLUSIVE for n in self.nodes}
        return await super().needed_locks(level)

    async def check_prereq(self) -> None:
        config = self.ctx.config
        group = await config.get("group", self.group.uuid)
        if group is None:
            raise OpExecError(f"Could not retrieve group '{self.op['group_name']}' (UUID: {self.group.uuid})")
        self.group = group
        before = {n.uuid: n.data.get("group") for n in self.nodes}
        self.nodes = [await config.node(n.name) for n in self.nodes]
        now = {n.uuid: n.data.get("group") for n in self.nodes}
        if now != before:
            raise OpExecError(
                "Nodes changed groups since locks were acquired, current groups are "
                f"'{', '.join(sorted(map(str, set(now.values()))))}', used to be "
                f"'{', '.join(sorted(map(str, set(before.values()))))}'"
            )
        new_splits, previous = await self._split_instances()
        if new_splits:
            if not self.op["force"]:
                raise OpExecError(
                    "The following instances get split by this change and --force was not given: "
                    + ", ".join(new_splits)
                )
            self.log_warning(f"This operation will split the following instances: {', '.join(new_splits)}")
            if previous:
                self.log_warning(
                    "In addition, these already-split instances continue to be split across "
                    f"groups: {', '.join(previous)}"
                )

    async def _split_instances(self) -> tuple[list[str], list[str]]:
        """Mirrored instances split across groups by this change, and those already split."""
        config = self.ctx.config
        group_of = {n.uuid: n.data.get("group") for n in await config.objects("node")}
        after = dict(group_of)
        after.update({n.uuid: self.group.uuid for n in self.nodes})
        new, kept = [], []
        for inst in await config.objects("instance"):
            disks = await config.instance_disks(inst)
            if not any(d.data.get("dev_type") == "drbd" for d in disks):
                continue
            uuids = await instance_node_uuids(config, inst)
            was_split = len({group_of.get(u) for u in uuids}) > 1
            is_split = len({after.get(u) for u in uuids}) > 1
            if is_split and not was_split:
                new.append(inst.name)
            elif is_split:
                kept.append(inst.name)
        return sorted(new), sorted(kept)

    async def exec(self) -> Any:
        changes = []
        for node in self.nodes:
            if node.data.get("group") != self.group.uuid:
                changed = node.copy()
                changed.data["group"] = self.group.uuid
                changes.append(Put(changed))
        if changes:
            await self.ctx.config.commit(changes)
        return None
