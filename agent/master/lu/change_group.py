"""Moving an instance to another node group (``gnt-instance change-group``).

The allocator answers a change-group request with the jobs that move the
instance (failover, migrate, replace-disks); the logical unit submits them
and returns their ids, as Ganeti's LUInstanceChangeGroup does.
"""

from __future__ import annotations

from typing import Any

from agent.errors import OpPrereqError
from agent.master import opcodes
from agent.master.iallocator import ChangeGroupRequest
from agent.master.locks import SHARED
from agent.master.lu import allocate
from agent.master.lu.base import LogicalUnit, logical_unit
from agent.master.lu.group import instance_node_uuids, lookup_group


@logical_unit
class LUInstanceChangeGroup(LogicalUnit):
    op_id = "OP_INSTANCE_CHANGE_GROUP"

    async def expand_names(self) -> None:
        config = self.ctx.config
        self.inst = await config.instance(self.op["instance_name"])
        wanted = self.op.get("target_groups") or []
        self.requested = [(await lookup_group(config, g)).uuid for g in wanted]
        allocator = self.op.get("iallocator")
        if not allocator or allocator == allocate.DEFAULT_ALLOCATOR_SHORTCUT:
            allocator = (await config.cluster()).data.get("default_iallocator")
        if not allocator:
            raise OpPrereqError(
                "No iallocator was specified, neither in the opcode nor as a cluster-wide default",
                "wrong_input",
            )
        self.allocator = str(allocator)

    async def _instance_groups(self) -> set[str]:
        config = self.ctx.config
        group_of = {n.uuid: str(n.data.get("group")) for n in await config.objects("node")}
        return {group_of[u] for u in await instance_node_uuids(config, self.inst) if u in group_of}

    async def _locked_groups(self) -> set[str]:
        if self.requested:
            return set(self.requested) | await self._instance_groups()
        return {g.uuid for g in await self.ctx.config.objects("group")}

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level == "instance":
            return {f"instance/{self.inst.name}": SHARED}
        if level == "nodegroup":
            self.owned_groups = await self._locked_groups()
            return {f"nodegroup/{u}": SHARED for u in sorted(self.owned_groups)}
        if level == "node":
            nodes = await self.ctx.config.objects("node")
            uuids = {n.uuid for n in nodes if n.data.get("group") in self.owned_groups}
            uuids.update(await instance_node_uuids(self.ctx.config, self.inst))
            return {f"node/{u}": SHARED for u in sorted(uuids)}
        return await super().needed_locks(level)

    async def check_prereq(self) -> None:
        self.inst = await self.ctx.config.instance(self.op["instance_name"])
        inst_groups = await self._instance_groups()
        if not self.owned_groups >= inst_groups:
            raise OpPrereqError(
                f"Instance {self.inst.name}'s node groups changed since locks were acquired, current "
                f"groups are are '{', '.join(sorted(inst_groups))}', owning groups "
                f"'{', '.join(sorted(self.owned_groups))}'; retry the operation",
                "wrong_state",
            )
        targets = set(self.requested) if self.requested else self.owned_groups - inst_groups
        conflicting = targets & inst_groups
        if conflicting:
            raise OpPrereqError(
                f"Can't use group(s) '{', '.join(sorted(conflicting))}' as targets, they are used by "
                f"the instance '{self.inst.name}'",
                "wrong_input",
            )
        if not targets:
            raise OpPrereqError("There are no possible target groups", "wrong_input")
        self.targets = sorted(targets)

    async def exec(self) -> Any:
        name = self.inst.name
        request = ChangeGroupRequest((name,), tuple(self.targets))
        jobs = await allocate.evacuation_jobs(
            self, self.allocator, request,
            failure=f"Can't compute solution for changing group of instance '{name}'",
        )
        self.log_info(f"Iallocator returned {len(jobs)} job(s) for changing group of instance '{name}'")
        inherited = {"reason": list(self.op["reason"]), "priority": self.op["priority"]}
        for job in jobs:
            for op in job:
                op.update(inherited)
                opdef = opcodes.REGISTRY.get(op["OP_ID"])
                if opdef is not None and "early_release" in opdef.by_name:
                    op["early_release"] = self.op["early_release"]
        ids = await self.ctx.submit_jobs(jobs) if jobs else []
        return {"jobs": [[True, job_id] for job_id in ids]}
