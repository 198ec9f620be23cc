"""Node evacuation (``gnt-node evacuate``): the allocator plans the moves, one job per instance.

With an allocator, a node-evacuate request returns the opcodes that move each
instance (failover, migrate, replace-disks); with ``-n NODE`` every secondary
instance gets a replace-disks job towards that node. The jobs are submitted
and their ids returned, as Ganeti's LUNodeEvacuate does.
"""

from __future__ import annotations

from typing import Any

from agent.errors import OpPrereqError
from agent.master import opcodes
from agent.master.iallocator import NodeEvacuateRequest
from agent.master.locks import SHARED
from agent.master.lu import allocate
from agent.master.lu.base import LogicalUnit, logical_unit
from agent.store import ConfigObject


@logical_unit
class LUNodeEvacuate(LogicalUnit):
    op_id = "OP_NODE_EVACUATE"

    async def expand_names(self) -> None:
        op = self.op
        config = self.ctx.config
        self.allocator = await allocate.iallocator_or_node(config, op.get("iallocator"), op.get("remote_node"))
        self.node = await config.node(op["node_name"])
        self.remote: ConfigObject | None = None
        if op.get("remote_node"):
            self.remote = await config.node(op["remote_node"])
            if self.remote.uuid == self.node.uuid:
                raise OpPrereqError("Can not use evacuated node as a new secondary node", "wrong_input")
            if op["mode"] != "secondary-only":
                raise OpPrereqError(
                    "Without the use of an iallocator only secondary instances can be evacuated",
                    "wrong_input",
                )
        if op["mode"] == "all":
            raise OpPrereqError(
                "Due to an issue with the iallocator interface it is not possible to evacuate all "
                "instances at once; specify explicitly whether to evacuate primary or secondary "
                "instances",
                "wrong_input",
            )
        self.instances = await self._instances()

    async def _instances(self) -> list[ConfigObject]:
        """The node's primary or secondary instances, as the mode asks."""
        found = []
        for inst in await self.ctx.config.objects("instance"):
            primary = inst.data.get("primary_node") == self.node.uuid
            if self.op["mode"] == "primary-only":
                if primary:
                    found.append(inst)
                continue
            disks = await self.ctx.config.instance_disks(inst)
            if not primary and any(self.node.uuid in d.data.get("nodes", []) for d in disks):
                found.append(inst)
        return sorted(found, key=lambda i: i.name)

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level == "instance":
            return {f"instance/{i.name}": SHARED for i in self.instances}
        if level == "node":
            if self.remote is not None:
                uuids = {self.node.uuid, self.remote.uuid}
            else:
                group = self.node.data.get("group")
                uuids = {n.uuid for n in await self.ctx.config.objects("node") if n.data.get("group") == group}
                uuids.add(self.node.uuid)
            return {f"node/{u}": SHARED for u in sorted(uuids)}
        return await super().needed_locks(level)

    async def check_prereq(self) -> None:
        names = [i.name for i in await self._instances()]
        if names != [i.name for i in self.instances]:
            raise OpPrereqError(
                f"Instances on node '{self.node.name}' changed since locks were acquired, current "
                f"instances are '{', '.join(names)}', used to be "
                f"'{', '.join(i.name for i in self.instances)}'; retry the operation",
                "wrong_state",
            )
        if names:
            self.log_info(f"Evacuating instances from node '{self.node.name}': {', '.join(names)}")
        else:
            self.log_info(f"No instances to evacuate from node '{self.node.name}'")
        if self.remote is not None:
            for inst in self.instances:
                if inst.data.get("primary_node") == self.remote.uuid:
                    raise OpPrereqError(
                        f"Node {self.remote.name} is the primary node of instance {inst.name}, "
                        "cannot use it as secondary",
                        "wrong_input",
                    )

    async def exec(self) -> Any:
        names = [i.name for i in self.instances]
        jobs: list[list[dict[str, Any]]] = []
        if names and self.allocator is not None:
            request = NodeEvacuateRequest(
                tuple(names), self.op["mode"], bool(self.op.get("ignore_soft_errors"))
            )
            jobs = await allocate.evacuation_jobs(self, self.allocator, request)
        elif names and self.remote is not None:
            jobs = [[{
                "OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": name,
                "remote_node": self.remote.name, "disks": [], "mode": "replace_new_secondary",
            }] for name in names]
        inherited = {"reason": list(self.op["reason"]), "priority": self.op["priority"]}
        for job in jobs:
            for op in job:
                op.update(inherited)
                opdef = opcodes.REGISTRY.get(op["OP_ID"])
                if opdef is not None and "early_release" in opdef.by_name:
                    op["early_release"] = self.op["early_release"]
        ids = await self.ctx.submit_jobs(jobs) if jobs else []
        return {"jobs": [[True, job_id] for job_id in ids]}
