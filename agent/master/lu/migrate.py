"""Failover and live migration of an instance to its DRBD secondary (or any node, when diskless).

One class does both, as Ganeti's migration tasklet does: a migration may
fall back to a failover (instance down with ``allow_failover``, or
``always_failover`` set), and both end with the target as the new primary
and, for DRBD, the old primary as the new secondary.
"""

from __future__ import annotations

from typing import Any

from agent.errors import ConfigError, OpExecError, OpPrereqError, RpcError
from agent.master.iallocator import RelocateRequest
from agent.master.locks import EXCLUSIVE, lockset
from agent.master.lu import allocate, drbd
from agent.master.lu.base import logical_unit
from agent.master.lu.instance import _InstanceLU, disk_path, effective_beparams, free_memory
from agent.store import ConfigObject, Put
from protos import node_pb2

EXT_MIRRORED = ("diskless", "blockdev", "ext", "sharedfile", "rbd", "gluster")
INT_MIRRORED = ("drbd",)


def disk_template(disks: list[ConfigObject]) -> str:
    """Ganeti's computed template: the disks' common type, ``diskless`` or ``mixed``."""
    kinds = {d.data.get("dev_type") for d in disks}
    if not kinds:
        return "diskless"
    return str(kinds.pop()) if len(kinds) == 1 else "mixed"


def secondary_nodes(inst: ConfigObject, disks: list[ConfigObject]) -> list[str]:
    out: list[str] = []
    for disk in disks:
        for uuid in disk.data.get("nodes", []):
            if uuid != inst.data["primary_node"] and uuid not in out:
                out.append(uuid)
    return out


class _MigrationLU(_InstanceLU):
    failover = False
    fallback = False

    async def expand_names(self) -> None:
        await super().expand_names()
        if self.op.get("iallocator") and self.op.get("target_node"):
            raise OpPrereqError("Do not specify both, iallocator and node", "wrong_input")
        self.target_given = (
            await self.ctx.config.node(self.op["target_node"]) if self.op.get("target_node") else None
        )
        self.disks = await self.ctx.config.instance_disks(self.inst)

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level in ("node", "node-res"):
            if all(d.data.get("dev_type") in EXT_MIRRORED for d in self.disks):
                if self.target_given is None:
                    return {lockset(level): EXCLUSIVE}
                uuids = {self.inst.data["primary_node"], self.target_given.uuid}
            else:
                uuids = {self.inst.data["primary_node"], *secondary_nodes(self.inst, self.disks)}
            return {f"{level}/{u}": EXCLUSIVE for u in sorted(uuids)}
        return await super().needed_locks(level)

    async def check_prereq(self) -> None:
        await super().check_prereq()
        inst, op = self.inst, self.op
        self.disks = await self.ctx.config.instance_disks(inst)
        self.failover = type(self).failover
        up = inst.data["admin_state"] == "up"
        if not op["cleanup"] and not up and not self.failover and self.fallback:
            self.log_info("Instance is marked down or offline, fallback allowed, switching to failover")
            self.failover = True
        text = "failovers" if self.failover else "migrations"
        moved = "failed over" if self.failover else "migrated"
        bad = sorted({str(d.data.get("dev_type")) for d in self.disks
                      if d.data.get("dev_type") not in EXT_MIRRORED + INT_MIRRORED})
        if bad:
            raise OpPrereqError(f"Instance's disk layout '{', '.join(bad)}' does not allow {text}", "wrong_state")
        if all(d.data.get("dev_type") in EXT_MIRRORED for d in self.disks):
            self.target = await self._external_target()
            if self.target.uuid == inst.data["primary_node"]:
                raise OpPrereqError(
                    f"Cannot migrate instance {inst.name} to its primary ({self.pnode.name})", "wrong_state"
                )
        elif all(d.data.get("dev_type") in INT_MIRRORED for d in self.disks):
            seconds = secondary_nodes(inst, self.disks)
            if not seconds:
                raise ConfigError("No secondary node but using drbd disk types")
            target = await self.ctx.config.get("node", seconds[0])
            if target is None:
                raise ConfigError(f"Secondary node {seconds[0]} of instance {inst.name} is unknown")
            self.target = target
            given = self.target_given
            if op.get("iallocator") or (given is not None and given.uuid != target.uuid):
                raise OpPrereqError(
                    f"Instances with disk types drbd cannot be {moved} to arbitrary nodes (neither "
                    "an iallocator nor a target node can be passed)",
                    "wrong_input",
                )
        else:
            raise OpPrereqError("Instance mixes internal and external mirroring. This is not currently supported.")
        be = await effective_beparams(self, inst)
        if self.target.data.get("offline"):
            raise OpPrereqError(f"Can't use offline node: {self.target.name}", "wrong_state")
        if not op["cleanup"] and (not self.failover or up):
            available = await free_memory(self, self.target)
            if be["minmem"] > available:
                raise OpPrereqError(
                    f"Not enough memory on node {self.target.name} for migrating instance "
                    f"{inst.name}: needed {be['minmem']} MiB, available {available} MiB",
                    "insufficient_resources",
                )
        else:
            self.log_info("Not checking memory on the secondary node as instance will not be started")
        if not op["cleanup"] and not self.failover and be["always_failover"]:
            self.log_info("Instance configured to always failover; fallback to failover")
            self.failover = True
        if self.target.data.get("drained") and not op["cleanup"]:
            raise OpPrereqError(f"Can't use drained node {self.target.name}", "wrong_state")
        self.running: node_pb2.InstanceState | None = None
        if not self.failover and not op["cleanup"]:
            self.running = await self._running_on(self.pnode)
            if self.running is None:
                if self.fallback:
                    self.log_info("Can't migrate, instance offline, fallback to failover")
                    self.failover = True
                else:
                    raise OpPrereqError(
                        f"Can't migrate, please use failover: Instance {inst.name} is not running",
                        "wrong_state",
                    )
        if not self.failover:
            if op.get("live") is not None and op.get("mode") is not None:
                raise OpPrereqError("Only one of the 'live' and 'mode' parameters are accepted", "wrong_input")
            mode = op.get("mode") or ("non-live" if op.get("live") is False else "live")
            self.live = mode == "live"

    async def _external_target(self) -> ConfigObject:
        """The given target node, or the one a relocate request picks instead of the primary."""
        if self.target_given is not None:
            return self.target_given
        allocator = await allocate.iallocator_or_node(self.ctx.config, self.op.get("iallocator"), None)
        assert allocator is not None
        answer = await allocate.ask_allocator(
            self, allocator, RelocateRequest(self.inst.name, (self.pnode.name,))
        )
        names = [str(n) for n in answer.result]
        self.log_info(f"Selected nodes for instance {self.inst.name} via iallocator {allocator}: {', '.join(names)}")
        return await self.ctx.config.node(names[0])

    async def _running_on(self, node: ConfigObject) -> node_pb2.InstanceState | None:
        listing = await self.ctx.rpc.call(node, lambda s: s.InstanceList, node_pb2.InstanceListRequest())
        return next((i for i in listing.instances if i.name == self.inst.name), None)

    # -- exec --------------------------------------------------------------------

    async def exec(self) -> Any:
        self.source = self.pnode
        if self.failover:
            self.ctx.log(f"Failover instance {self.inst.name}")
            await self._exec_failover()
        else:
            self.ctx.log(f"Migrating instance {self.inst.name}")
            if self.op["cleanup"]:
                await self._exec_cleanup()
            else:
                await self._exec_migration()
        return None

    async def _exec_cleanup(self) -> None:
        """After an interrupted migration: make the config and the disks follow where it runs."""
        src, tgt = self.source, self.target
        self.ctx.log("* checking where the instance actually runs (if this hangs, the hypervisor "
                     "might be in a bad state)")
        where = [n for n in (src, tgt) if await self._running_on(n) is not None]
        self.ctx.log(f"* instance running on: {','.join(n.name for n in where)}")
        if len(where) == 2:
            raise OpExecError(
                "Instance seems to be running on two nodes, or the hypervisor is confused; you will "
                "have to ensure manually that it runs only on one and restart this operation"
            )
        if not where:
            raise OpExecError(
                "Instance does not seem to be running at all; in this case it's safer to repair by "
                "running 'gnt-instance stop' to ensure disk shutdown, and then restarting it"
            )
        if where[0] is tgt:
            self.ctx.log(f"* instance running on secondary node ({tgt.name}), updating config")
            await self._set_primary()
            demoted = src
        else:
            self.ctx.log(f"* instance confirmed to be running on its primary node ({src.name})")
            demoted = tgt
        if self._drbd:
            self.ctx.log("* changing disks into single-master mode")
            await drbd.set_role(self, demoted, self.disks, False)
            await drbd.wait_for_sync(self, self.disks, [src, tgt])
        self.ctx.log("* done")

    @property
    def _drbd(self) -> bool:
        return bool(self.disks) and all(d.data.get("dev_type") == "drbd" for d in self.disks)

    async def _set_primary(self) -> None:
        """Record the target as primary; DRBD disks list it first, the old primary second."""
        changes: list[Put] = []
        inst = (await self.ctx.config.instance(self.inst.name)).copy()
        inst.data["primary_node"] = self.target.uuid
        changes.append(Put(inst))
        for disk in self.disks:
            if disk.data.get("dev_type") == "drbd":
                changed = (await self.ctx.config.get("disk", disk.uuid) or disk).copy()
                changed.data["nodes"] = [self.target.uuid, self.source.uuid]
                changes.append(Put(changed))
        stored = await self.ctx.config.commit(changes)
        self.inst = stored[0]

    async def _start_request(self, memory: int) -> node_pb2.InstanceStartRequest:
        be = await effective_beparams(self, self.inst)
        return node_pb2.InstanceStartRequest(
            name=self.inst.name, hypervisor=self.inst.data["hypervisor"], memory_mib=memory or be["maxmem"],
            vcpus=be["vcpus"], disk_paths=[disk_path(d) for d in self.disks],
        )

    async def _exec_migration(self) -> None:
        src, tgt, name = self.source, self.target, self.inst.name
        if self._drbd:
            self.ctx.log("* checking disk consistency between source and target")
            degraded = await drbd.degraded_on(self, tgt, self.disks)
            if degraded:
                raise OpExecError(
                    f"Disk {degraded[0]} is degraded or not fully synchronized on target node, aborting migration"
                )
            self.ctx.log("* changing disks into dual-master mode")
            await drbd.set_role(self, tgt, self.disks, True, allow_two_primaries=True)
            self.ctx.log("* wait until resync is done")
            await drbd.wait_for_sync(self, self.disks, [src, tgt])
        memory = self.running.memory_mib if self.running is not None else 0
        self.ctx.log(f"* preparing {tgt.name} to accept the instance")
        try:
            await self.ctx.rpc.call(tgt, lambda s: s.InstanceAcceptMigration, await self._start_request(memory))
        except RpcError as exc:
            await self._revert_disks()
            raise OpExecError(f"Could not pre-migrate instance {name}: {exc.message}") from None
        self.ctx.log(f"* migrating instance to {tgt.name}")
        try:
            reply = await self.ctx.rpc.call(src, lambda s: s.InstanceMigrate, node_pb2.InstanceMigrateRequest(
                name=name, hypervisor=self.inst.data["hypervisor"], target_node=tgt.name,
                target_address=str(tgt.data.get("secondary_ip") or tgt.data.get("primary_ip") or ""),
                live=self.live,
            ))
            self.ctx.log("* starting memory transfer")
            if reply.status != "completed":
                raise RpcError(reply.message or "hypervisor returned failure")
            self.ctx.log("* memory transfer complete")
        except RpcError as exc:
            await self._abort_migration()
            raise OpExecError(f"Could not migrate instance {name}: {exc.message}") from None
        failures = []
        for node, source in ((src, True), (tgt, False)):
            try:
                await self.ctx.rpc.call(node, lambda s: s.InstanceFinalizeMigration,
                                        node_pb2.InstanceFinalizeMigrationRequest(
                                            name=name, hypervisor=self.inst.data["hypervisor"],
                                            source=source, success=True))
            except RpcError as exc:
                failures.append(f"{node.name}: {exc.message}")
        if failures:
            raise OpExecError(f"Could not finalize instance migration: {'; '.join(failures)}")
        await self._set_primary()
        if self._drbd:
            self.ctx.log("* changing disks into single-master mode")
            await drbd.set_role(self, src, self.disks, False)
            await drbd.wait_for_sync(self, self.disks, [src, tgt])
        self.ctx.log("* done")

    async def _abort_migration(self) -> None:
        for node, source in ((self.target, False), (self.source, True)):
            try:
                await self.ctx.rpc.call(node, lambda s: s.InstanceFinalizeMigration,
                                        node_pb2.InstanceFinalizeMigrationRequest(
                                            name=self.inst.name, hypervisor=self.inst.data["hypervisor"],
                                            source=source, success=False))
            except RpcError as exc:
                self.log_warning(f"Could not abort the migration on {node.name}: {exc.message}")
        await self._revert_disks()

    async def _revert_disks(self) -> None:
        if not self._drbd:
            return
        try:
            await drbd.set_role(self, self.target, self.disks, False)
        except RpcError as exc:
            self.log_warning(
                "Migration failed and I can't reconnect the drives, please try to recover the "
                f"instance manually; error '{exc.message}'"
            )

    async def _exec_failover(self) -> None:
        src, tgt, name = self.source, self.target, self.inst.name
        offline = bool(src.data.get("offline"))
        ignore = self.op.get("ignore_consistency", False)
        up = self.inst.data["admin_state"] == "up"
        if self._drbd and up:
            self.ctx.log("* checking disk consistency between source and target")
            degraded = await drbd.degraded_on(self, tgt, self.disks)
            if degraded and offline:
                self.ctx.log(f"Node {src.name} is offline, ignoring degraded disk {degraded[0]} on "
                             f"target node {tgt.name}")
            elif degraded and not ignore:
                raise OpExecError(f"Disk {degraded[0]} is degraded on target node, aborting failover")
        elif self._drbd:
            self.ctx.log("* not checking disk consistency as instance is not running")
        self.ctx.log("* shutting down instance on source node")
        try:
            await self.ctx.rpc.call(src, lambda s: s.InstanceStop, node_pb2.InstanceStopRequest(
                name=name, hypervisor=self.inst.data["hypervisor"],
                timeout_s=self.op.get("shutdown_timeout", 120),
            ))
        except RpcError as exc:
            if not (ignore or offline):
                raise OpExecError(f"Could not shutdown instance {name} on node {src.name}: {exc.message}") from None
            self.log_warning(
                f"Could not shutdown instance {name} on node {src.name}, proceeding anyway; please "
                f"make sure node {src.name} is down; error details: {exc.message}"
            )
        if self._drbd:
            self.ctx.log("* deactivating the instance's disks on source node")
            try:
                await drbd.set_role(self, src, self.disks, False)
            except RpcError as exc:
                # As Ganeti, failures on the (old) primary do not stop a failover.
                self.log_warning(f"Could not shut down the disks on node {src.name}: {exc.message}")
        await self._set_primary()
        if not up:
            return
        self.ctx.log(f"* activating the instance's disks on target node {tgt.name}")
        if self._drbd:
            try:
                await drbd.set_role(self, tgt, self.disks, True)
            except RpcError as exc:
                raise OpExecError(f"Can't activate the instance's disks: {exc.message}") from None
        self.ctx.log(f"* starting the instance on the target node {tgt.name}")
        try:
            await self.ctx.rpc.call(tgt, lambda s: s.InstanceStart, await self._start_request(0))
        except RpcError as exc:
            raise OpExecError(f"Could not start instance {name} on node {tgt.name}: {exc.message}") from None


@logical_unit
class LUInstanceFailover(_MigrationLU):
    op_id = "OP_INSTANCE_FAILOVER"
    failover = True


@logical_unit
class LUInstanceMigrate(_MigrationLU):
    op_id = "OP_INSTANCE_MIGRATE"

    async def check_prereq(self) -> None:
        self.fallback = self.op["allow_failover"]
        await super().check_prereq()
