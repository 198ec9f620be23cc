"""``gnt-instance modify -t``: convert a stopped instance's disks between ``file`` and ``drbd``.

As Ganeti's generic conversion: new disks of the target template are
created, the primary copies each old disk into its new one, the instance
switches to the new disks and the old ones are removed. For drbd the
secondary is given with ``-n`` or chosen by an allocator through an
allocate-secondary request (Ganeti's path for plain-to-drbd; our local
template is ``file``).
"""

from __future__ import annotations

import uuid as uuidlib
from typing import Any, NoReturn

from agent.errors import OpExecError, OpPrereqError, RpcError
from agent.master.iallocator import AllocateSecondaryRequest
from agent.master.locks import EXCLUSIVE
from agent.master.lu import allocate, drbd
from agent.master.lu.base import logical_unit
from agent.master.lu.group import group_members
from agent.master.lu.instance import _InstanceLU, disk_spec
from agent.master.lu.migrate import INT_MIRRORED, disk_template
from agent.store import ConfigObject, Delete, Put
from protos import node_pb2

NOT_CONVERTIBLE_FROM = ("diskless",)
NOT_CONVERTIBLE_TO = ("diskless", "blockdev")
# What our node agents can convert: local file disks into DRBD pairs.
CONVERSIONS = {("file", "drbd"), ("drbd", "file")}


def format_size(mib: int) -> str:
    """A size as Ganeti's FormatUnit(value, "h") shows it: 512M, 1.0G, 2.5T."""
    if mib < 1024:
        return f"{mib}M"
    if mib < 1024 * 1024:
        return f"{mib / 1024:.1f}G"
    return f"{mib / 1024 / 1024:.1f}T"


@logical_unit
class LUInstanceSetParams(_InstanceLU):
    op_id = "OP_INSTANCE_SET_PARAMS"

    async def expand_names(self) -> None:
        op = self.op
        if not op.get("disk_template"):
            raise OpPrereqError("No changes submitted", "wrong_input")
        await super().expand_names()
        self.remote: ConfigObject | None = None
        self.allocator: str | None = None
        if op["disk_template"] in INT_MIRRORED:
            self.allocator = await allocate.iallocator_or_node(
                self.ctx.config, op.get("iallocator"), op.get("remote_node")
            )
            if op.get("remote_node"):
                self.remote = await self.ctx.config.node(op["remote_node"])
        elif op.get("remote_node"):
            self.log_warning(
                "Changing the disk template to a non-mirrored one, the secondary node will be ignored"
            )

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level in ("node", "node-res"):
            uuids = {self.inst.data["primary_node"]}
            for disk in await self.ctx.config.instance_disks(self.inst):
                uuids.update(disk.data.get("nodes", []))
            if self.remote is not None:
                uuids.add(self.remote.uuid)
            elif self.allocator is not None:
                # The allocator may choose any node of the primary's group.
                uuids.update(await group_members(self.ctx.config, uuids))
            return {f"{level}/{u}": EXCLUSIVE for u in sorted(uuids)}
        return await super().needed_locks(level)

    async def check_prereq(self) -> None:
        await super().check_prereq()
        inst, target = self.inst, self.op["disk_template"]
        self.disks = await self.ctx.config.instance_disks(inst)
        self.old_template = disk_template(self.disks)
        if self.old_template == "mixed":
            raise OpPrereqError("Conversion from mixed is not yet supported.")
        if any(d.data.get("dev_type") in NOT_CONVERTIBLE_FROM for d in self.disks) or not self.disks:
            raise OpPrereqError(
                f"Conversion from the '{self.old_template}' disk template is not supported", "wrong_input"
            )
        if target in NOT_CONVERTIBLE_TO:
            raise OpPrereqError(f"Conversion to the '{target}' disk template is not supported", "wrong_input")
        if self.old_template == target:
            raise OpPrereqError(f"Instance already has disk template {target}", "wrong_input")
        cluster = await self.ctx.config.cluster()
        enabled = list(cluster.data.get("enabled_disk_templates") or [])
        if target not in enabled:
            raise OpPrereqError(
                f"Disk template '{target}' is not enabled for this cluster (enabled templates: "
                f"{', '.join(enabled)})",
                "wrong_state",
            )
        if (self.old_template, target) not in CONVERSIONS:
            raise OpPrereqError(
                f"Conversion from the '{self.old_template}' to the '{target}' disk template is not "
                "supported by this cluster's node agents",
                "wrong_input",
            )
        if inst.data.get("admin_state", "down") != "down":
            raise OpPrereqError(
                f"Instance '{inst.name}' is marked to be {inst.data.get('admin_state')}, cannot change "
                "disk template", "wrong_state",
            )
        listing = await self.ctx.rpc.call(self.pnode, lambda s: s.InstanceList, node_pb2.InstanceListRequest())
        if any(i.name == inst.name for i in listing.instances):
            raise OpPrereqError(f"Instance {inst.name} is running, cannot change disk template", "wrong_state")
        if self.remote is not None:
            self._check_secondary(self.remote)
        group = await self.ctx.config.get("group", str(self.pnode.data.get("group")))
        allowed = ((group.data.get("ipolicy") if group else None) or {}).get("disk-templates") \
            or (cluster.data.get("ipolicy") or {}).get("disk-templates")
        if allowed and target not in allowed:
            raise OpPrereqError(
                f"Disk template '{target}' in not allowed (allowed templates: {', '.join(allowed)})",
                "wrong_state",
            )

    def _check_secondary(self, node: ConfigObject) -> None:
        if node.uuid == self.pnode.uuid:
            raise OpPrereqError(
                f"Given new secondary node {node.name} is the same as the primary node of the instance",
                "wrong_state",
            )
        if node.data.get("offline"):
            raise OpPrereqError(f"Can't use offline node {node.name}", "wrong_state")
        if node.data.get("drained"):
            raise OpPrereqError(f"Can't use drained node {node.name}", "wrong_state")
        if not node.data.get("vm_capable", True):
            raise OpPrereqError(f"Can't use non-vm_capable node {node.name}", "wrong_state")
        if node.data.get("group") != self.pnode.data.get("group"):
            self.log_warning(
                "The primary and secondary nodes are in two different node groups; the disk "
                "parameters from the first disk's node group will be used"
            )

    async def _choose_secondary(self, allocator: str) -> ConfigObject:
        self.ctx.log(f"Using {allocator} to choose new secondary")
        answer = await allocate.ask_allocator(
            self, allocator, AllocateSecondaryRequest(self.inst.name), failure=None
        )
        if not answer.success:
            raise OpPrereqError(
                f"Can's find secondary node using iallocator {allocator}: {answer.info}",
                "insufficient_resources",
            )
        self.ctx.log(f"{allocator} choose {answer.result} as new secondary")
        node = await self.ctx.config.node(str(answer.result))
        self._check_secondary(node)
        return node

    async def exec(self) -> Any:
        target = self.op["disk_template"]
        old, name = self.old_template, self.inst.name
        self.ctx.log(f"Converting disk template from '{old}' to '{target}'")
        snode: ConfigObject | None = None
        if target in INT_MIRRORED:
            snode = self.remote if self.remote is not None else await self._choose_secondary(str(self.allocator))
        self.ctx.log(f"Generating new '{target}' disk template...")
        self.ctx.log(f"Creating new empty disks of type '{target}'...")
        if snode is not None:
            given = [{"mode": d.data.get("mode", "rw"), "name": d.data.get("name")} for d in self.disks]
            new_disks = await drbd.create_instance_disks(
                self, name, self.inst.uuid, self.pnode, snode, [int(d.data["size"]) for d in self.disks], given,
            )
        else:
            new_disks = await self._create_local_disks(target)
        self.ctx.log(f"Populating the new empty disks of type '{target}'...")
        for index, (old_disk, new_disk) in enumerate(zip(self.disks, new_disks, strict=True)):
            self.ctx.log(f" - copying data from disk {index} ({old_disk.data.get('dev_type')}), size "
                         f"{format_size(int(new_disk.data['size']))}")
            spec = (drbd.half_spec(new_disk, self.pnode, snode, name, index, True) if snode is not None
                    else disk_spec(new_disk, name, index))
            try:
                await self.ctx.rpc.call(self.pnode, lambda s: s.DiskConvert, node_pb2.DiskConvertRequest(
                    source=disk_spec(old_disk, name, index), target=spec,
                ))
            except RpcError as exc:
                await self._abort(old_disk, new_disk, new_disks, exc)
        self.ctx.log(f"Detaching old disks ({old}) from the instance and removing them from cluster config")
        self.ctx.log(f"Adding new disks ({target}) to cluster config and attaching them to the instance")
        inst = self.inst.copy()
        inst.data["disks"] = [d.uuid for d in new_disks]
        inst.data["disk_template"] = target
        changes: list[Put | Delete] = [Delete("disk", d.uuid) for d in self.disks]
        changes += [Put(d) for d in new_disks] + [Put(inst)]
        await self.ctx.config.commit(changes, bump_cluster=True)
        await drbd.release_ports(
            self.ctx.config, [d.data["logical_id"][2] for d in self.disks if d.data.get("dev_type") == "drbd"]
        )
        if snode is not None and not await drbd.wait_for_sync(
            self, new_disks, [self.pnode, snode], polls=30 if self.op["wait_for_sync"] else 1
        ):
            raise OpExecError("There are some degraded disks for this instance, please cleanup manually")
        self.ctx.log(f"Removing old block devices of type '{old}'...")
        await self._remove_disks(self.disks)
        return [["disk_template", target]]

    async def _create_local_disks(self, template: str) -> list[ConfigObject]:
        """New disks of a local template on the primary, one per old disk (undone on failure)."""
        name, created = self.inst.name, []
        try:
            for index, old_disk in enumerate(self.disks):
                disk = ConfigObject("disk", str(uuidlib.uuid4()), f"{self.inst.uuid}/disk{index}", {
                    "dev_type": template, "size": int(old_disk.data["size"]),
                    "mode": old_disk.data.get("mode", "rw"), "name": old_disk.data.get("name"),
                    "iv_name": f"disk/{index}", "nodes": [self.pnode.uuid], "instance": self.inst.uuid,
                    "params": {},
                })
                reply = await self.ctx.rpc.call(self.pnode, lambda s: s.DiskCreate,
                                                node_pb2.DiskCreateRequest(disk=disk_spec(disk, name, index)))
                disk.data["logical_id"] = ["loop", reply.path]
                created.append(disk)
        except RpcError as exc:
            await self._remove_disks(created)
            raise OpExecError(f"Can't create disks for instance {name}: {exc.message}") from None
        return created

    async def _remove_disks(self, disks: list[ConfigObject]) -> None:
        """Remove disks from every node holding a part of them; failures are warnings."""
        name = self.inst.name
        for index, disk in enumerate(disks):
            for uuid in disk.data.get("nodes", []):
                node = await self.ctx.config.get("node", uuid)
                if node is None:
                    continue
                try:
                    await self.ctx.rpc.call(node, lambda s: s.DiskRemove,
                                            node_pb2.DiskRemoveRequest(disk=disk_spec(disk, name, index)))
                except RpcError as exc:
                    self.log_warning(f"Could not remove disk {index} on {node.name}: {exc.message}")

    async def _abort(self, old_disk: ConfigObject, new_disk: ConfigObject, new_disks: list[ConfigObject],
                     exc: RpcError) -> NoReturn:
        """A copy failed: remove every new disk and leave the instance as it was."""
        target = self.op["disk_template"]
        old_id = (old_disk.data.get("logical_id") or ["", ""])[-1] if old_disk.data.get("dev_type") != "drbd" \
            else old_disk.uuid
        self.ctx.log(f" - ERROR: Could not copy disk '{old_id}' to '{new_disk.uuid}'")
        self.log_info("Some disks failed to copy")
        self.log_info("The instance will not be affected, aborting operation")
        self.log_info(f"Removing newly created disks of type '{target}'...")
        await self._remove_disks(new_disks)
        if target == "drbd":
            await drbd.release_ports(self.ctx.config, [d.data["logical_id"][2] for d in new_disks])
        self.log_info("Newly created disks removed successfully")
        raise OpExecError(f"Error while converting the instance's template: {exc.message}") from None
