"""Replace the disks of a DRBD instance: rebuild one side (-p, -s, -a) or move the secondary (-n)."""

from __future__ import annotations

from typing import Any

from agent.errors import OpExecError, OpPrereqError, RpcError
from agent.master.iallocator import RelocateRequest
from agent.master.locks import EXCLUSIVE
from agent.master.lu import allocate, drbd
from agent.master.lu.base import logical_unit
from agent.master.lu.group import group_members
from agent.master.lu.instance import _InstanceLU
from agent.master.lu.migrate import secondary_nodes
from agent.store import ConfigObject, Put
from protos import node_pb2

PRI, SEC, CHG, AUTO = "replace_on_primary", "replace_on_secondary", "replace_new_secondary", "replace_auto"


@logical_unit
class LUInstanceReplaceDisks(_InstanceLU):
    op_id = "OP_INSTANCE_REPLACE_DISKS"

    async def expand_names(self) -> None:
        op = self.op
        if op["mode"] == CHG:
            if not op.get("remote_node") and not op.get("iallocator"):
                raise OpPrereqError(
                    "When changing the secondary either an iallocator script must be used or the new "
                    "node given", "wrong_input",
                )
            if op.get("remote_node") and op.get("iallocator"):
                raise OpPrereqError("Do not specify both, iallocator and node", "wrong_input")
        elif op.get("remote_node") or op.get("iallocator"):
            raise OpPrereqError(
                "The iallocator and new node options can only be used when changing the secondary node",
                "wrong_input",
            )
        await super().expand_names()
        self.remote = await self.ctx.config.node(op["remote_node"]) if op.get("remote_node") else None
        self.allocator: str | None = None
        if op["mode"] == CHG and self.remote is None:
            self.allocator = await allocate.iallocator_or_node(self.ctx.config, op.get("iallocator"), None)

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level in ("node", "node-res"):
            disks = await self.ctx.config.instance_disks(self.inst)
            uuids = {self.inst.data["primary_node"], *secondary_nodes(self.inst, disks)}
            if self.remote is not None:
                uuids.add(self.remote.uuid)
            if self.allocator is not None:
                # The allocator may pick any node of the instance's groups.
                uuids.update(await group_members(self.ctx.config, uuids))
            return {f"{level}/{u}": EXCLUSIVE for u in sorted(uuids)}
        return await super().needed_locks(level)

    async def _node(self, uuid: str) -> ConfigObject:
        node = await self.ctx.config.get("node", uuid)
        if node is None:
            raise OpPrereqError(f"Node {uuid} of instance {self.inst.name} is unknown", "wrong_state")
        return node

    async def check_prereq(self) -> None:
        await super().check_prereq()
        op, inst = self.op, self.inst
        self.disks = await self.ctx.config.instance_disks(inst)
        seconds = secondary_nodes(inst, self.disks)
        if len(seconds) != 1:
            raise OpPrereqError(
                f"The instance has a strange layout, expected one secondary but found {len(seconds)}",
                "internal_error",
            )
        self.snode = await self._node(seconds[0])
        if self.allocator is not None:
            self.remote = await self._run_allocator(self.allocator)
        remote = self.remote
        if remote is not None and remote.uuid == inst.data["primary_node"]:
            raise OpPrereqError("The specified node is the primary node of the instance", "wrong_input")
        if remote is not None and remote.uuid == self.snode.uuid:
            raise OpPrereqError("The specified node is already the secondary node of the instance", "wrong_input")
        mode = op["mode"]
        self.early_release = bool(op["early_release"])
        self.indices: list[int] = list(op["disks"])
        if self.indices and mode in (AUTO, CHG):
            raise OpPrereqError("Cannot specify disks to be replaced", "wrong_input")
        if not self.disks or any(d.data.get("dev_type") != "drbd" for d in self.disks):
            raise OpPrereqError("Can only run replace disks for DRBD8-based instances", "wrong_input")
        self.new_node: ConfigObject | None = None
        if mode == AUTO:
            faulty_p = await drbd.degraded_on(self, self.pnode, self.disks)
            faulty_s = await drbd.degraded_on(self, self.snode, self.disks)
            if faulty_p and faulty_s:
                raise OpPrereqError(
                    f"Instance {inst.name} has faulty disks on more than one node and can not be "
                    "repaired automatically", "wrong_state",
                )
            self.indices = faulty_p or faulty_s
            self.target, self.other = (self.pnode, self.snode) if faulty_p else (self.snode, self.pnode)
            check = [self.target, self.other] if self.indices else []
        else:
            if mode == PRI:
                self.target, self.other = self.pnode, self.snode
            elif mode == SEC:
                self.target, self.other = self.snode, self.pnode
            else:
                assert remote is not None
                self.new_node, self.target, self.other = remote, self.snode, self.pnode
                if remote.data.get("drained"):
                    raise OpPrereqError(f"Can't use drained node {remote.name}", "wrong_state")
                if not remote.data.get("vm_capable", True):
                    raise OpPrereqError(f"Can't use non-vm_capable node {remote.uuid}", "wrong_state")
                if self.snode.data.get("offline") and not self.early_release:
                    self.early_release = True
                    self.log_info(f"Old secondary {self.snode.name} is offline, automatically enabling early-release mode")
            check = [self.new_node or self.target, self.other]
            if not self.indices:
                self.indices = list(range(len(self.disks)))
        for node in check:
            if node.data.get("offline"):
                raise OpPrereqError(f"Can't use offline node: {node.name}", "wrong_state")
        for index in self.indices:
            if index >= len(self.disks):
                raise OpPrereqError(
                    f"Invalid disk index: {index} (instace has disks 0 to {len(self.disks) - 1}",
                    "wrong_input",
                )

    async def _run_allocator(self, allocator: str) -> ConfigObject:
        """The new secondary, as a relocate request away from the current one chooses it."""
        answer = await allocate.ask_allocator(
            self, allocator, RelocateRequest(self.inst.name, (self.snode.name,))
        )
        name = str(answer.result[0])
        # As Ganeti, the instance is named by its UUID in this line.
        self.log_info(f"Selected new secondary for instance '{self.inst.uuid}': {name}")
        return await self.ctx.config.node(name)

    def _step(self, number: int, total: int, text: str) -> None:
        self.ctx.log(f"STEP {number}/{total} {text}")

    async def exec(self) -> Any:
        if not self.indices:
            self.ctx.log(f"No disks need replacement for instance '{self.inst.name}'")
            return None
        self.ctx.log(f"Replacing disk(s) {', '.join(map(str, self.indices))} for instance '{self.inst.name}'")
        self.ctx.log(f"Current primary node: {self.pnode.name}")
        self.ctx.log(f"Current secondary node: {self.snode.name}")
        if self.new_node is not None:
            await self._change_secondary(self.new_node)
        else:
            await self._replace_one_side()
        return None

    async def _check_existence(self, nodes: list[ConfigObject]) -> None:
        for node in nodes:
            states = await drbd.disk_states(self, node, [self.disks[i] for i in self.indices])
            for index, st in zip(self.indices, states, strict=True):
                self.log_info(f"Checking disk/{index} on {node.name}")
                if not st.exists:
                    raise OpExecError(f"Can't find disk/{index} on node {node.name}: disk not found")

    async def _check_peer(self, node: ConfigObject) -> None:
        self.log_info(f"Checking disk/{self.indices[0]} consistency on node {node.name}")
        states = await drbd.disk_states(self, node, [self.disks[i] for i in self.indices])
        if any(st.disk_state != "UpToDate" for st in states):
            raise OpExecError(
                f"Node {node.name} has degraded storage, unsafe to replace disks for instance {self.inst.name}"
            )

    async def _replace_one_side(self) -> None:
        """Rebuild the target node's half of each disk from its peer (modes -p, -s, -a)."""
        target, other, name = self.target, self.other, self.inst.name
        self._step(1, 6, "Check device existence")
        await self._check_existence([other, target])
        self._step(2, 6, "Check peer consistency")
        await self._check_peer(other)
        self._step(3, 6, "Allocate new storage")
        for index in self.indices:
            self.log_info(f"Adding storage on {target.name} for disk/{index}")
        self._step(4, 6, "Changing drbd configuration")
        primary = target.uuid == self.pnode.uuid
        for index in self.indices:
            disk = self.disks[index]
            self.log_info(f"Detaching disk/{index} drbd from local storage")
            try:
                await drbd.create_half(self, disk, target, other, name, index, primary)
            except RpcError as exc:
                raise OpExecError(f"Can't add local storage to drbd: {exc.message}") from None
        self._step(5, 6, "Sync devices")
        if not await drbd.wait_for_sync(self, [self.disks[i] for i in self.indices], [target, other]):
            raise OpExecError(f"DRBD device disk/{self.indices[0]} is degraded!")
        self._step(6, 6, "Removing old storage")
        for index in self.indices:
            self.log_info(f"Remove logical volumes for disk/{index}")

    async def _change_secondary(self, new: ConfigObject) -> None:
        old, primary, name = self.snode, self.pnode, self.inst.name
        config = self.ctx.config
        self._step(1, 6, "Check device existence")
        await self._check_existence([primary])
        self._step(2, 6, "Check peer consistency")
        await self._check_peer(primary)
        self._step(3, 6, "Allocate new storage")
        minors = await drbd.allocate_minors(config, [new.uuid] * len(self.disks))
        renewed: list[ConfigObject] = []
        for index, disk in enumerate(self.disks):
            lid = disk.data["logical_id"]
            changed = disk.copy()
            changed.data["logical_id"] = [primary.uuid, new.uuid, lid[2], drbd.minor_on(disk, primary.uuid),
                                          minors[index], lid[5]]
            changed.data["nodes"] = [primary.uuid, new.uuid]
            renewed.append(changed)
        created: list[int] = []
        try:
            for index, disk in enumerate(renewed):
                self.log_info(f"Adding new local storage on {new.name} for disk/{index}")
                await drbd.create_half(self, disk, new, primary, name, index, False)
                created.append(index)
        except RpcError as exc:
            for index in created:
                await self._try_remove(renewed[index], new, index)
            raise OpExecError(f"Can't create block device: {exc.message}") from None
        self._step(4, 6, "Changing drbd configuration")
        self.log_info("Detaching primary drbds from the network (=> standalone)")
        try:
            for disk in self.disks:
                await self._reconnect(disk, primary, None)
        except RpcError as exc:
            for index in created:
                await self._try_remove(renewed[index], new, index)
            raise OpExecError(f"Can't detach the disks from the network on old node: {exc.message}") from None
        self.log_info("Updating instance configuration")
        await config.commit([Put(d) for d in renewed])
        self.disks = await config.instance_disks(self.inst)
        self.log_info("Attaching primary drbds to new secondary (standalone => connected)")
        try:
            for disk in self.disks:
                await self._reconnect(disk, primary, new)
        except RpcError as exc:
            raise OpExecError(f"Can't attach drbd disks on node {primary.name}: {exc.message}") from None
        early = self.early_release
        step = 5
        if early:
            self._step(step, 6, "Removing old storage")
            await self._remove_old(old)
            step += 1
        self._step(step, 6, "Sync devices")
        if not await drbd.wait_for_sync(self, self.disks, [primary, new]):
            raise OpExecError("DRBD device disk/0 is degraded!")
        if not early:
            self._step(step + 1, 6, "Removing old storage")
            await self._remove_old(old)

    async def _reconnect(self, disk: ConfigObject, node: ConfigObject, peer: ConfigObject | None) -> None:
        index = self.disks.index(disk) if disk in self.disks else 0
        spec = drbd.half_spec(disk, node, peer, self.inst.name, index, node.uuid == self.pnode.uuid)
        await self.ctx.rpc.call(node, lambda s: s.DrbdReconnect, node_pb2.DrbdReconnectRequest(disk=spec))

    async def _remove_old(self, old: ConfigObject) -> None:
        for index, disk in enumerate(self.disks):
            self.log_info(f"Remove logical volumes for disk/{index}")
            await self._try_remove(disk, old, index)

    async def _try_remove(self, disk: ConfigObject, node: ConfigObject, index: int) -> None:
        try:
            await drbd.remove_half(self, disk, node, self.inst.name, index)
        except RpcError as exc:
            self.log_warning(f"Can't remove old LV: {exc.message}; manually remove unused LVs")
