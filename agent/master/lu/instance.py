"""Instance logical units: create, remove, startup and shutdown."""

from __future__ import annotations

import random
import uuid as uuidlib
from typing import Any

from agent.errors import OpCodeError, OpExecError, OpPrereqError, RpcError
from agent.master.locks import EXCLUSIVE, lockset
from agent.master.lu import allocate, drbd
from agent.master.lu.base import LogicalUnit, logical_unit
from agent.master.opcodes import parse_size
from agent.store import ConfigObject, Delete, Put
from protos import node_pb2

BE_DEFAULTS: dict[str, Any] = {
    "minmem": 128,
    "maxmem": 128,
    "vcpus": 1,
    "auto_balance": True,
    "always_failover": False,
    "spindle_use": 1,
}
_BE_SIZES = ("minmem", "maxmem")
_BE_INTS = ("vcpus", "spindle_use")
_BE_BOOLS = ("auto_balance", "always_failover")
SUPPORTED_TEMPLATES = ("file", "diskless", "drbd")


def normalise_beparams(given: dict[str, Any]) -> dict[str, Any]:
    """Check backend parameters; ``memory`` is Ganeti's legacy name for min and max memory."""
    out: dict[str, Any] = {}
    for key, value in given.items():
        if key == "memory":
            out["minmem"] = out["maxmem"] = _be_size(key, value)
        elif key in _BE_SIZES:
            out[key] = _be_size(key, value)
        elif key in _BE_INTS:
            try:
                out[key] = int(value)
            except (TypeError, ValueError):
                raise OpPrereqError(f"Invalid value {value!r} for backend parameter {key}", "wrong_input") from None
        elif key in _BE_BOOLS:
            out[key] = value if isinstance(value, bool) else str(value).lower() in ("true", "yes", "1")
        else:
            raise OpPrereqError(f"Unknown backend parameter '{key}'", "wrong_input")
    return out


def _be_size(key: str, value: Any) -> int:
    try:
        return parse_size(value)
    except OpCodeError:
        raise OpPrereqError(f"Invalid size {value!r} for backend parameter {key}", "wrong_input") from None


async def effective_beparams(lu: LogicalUnit, inst: ConfigObject) -> dict[str, Any]:
    cluster = await lu.ctx.config.cluster()
    filled = dict(BE_DEFAULTS)
    filled.update(cluster.data.get("beparams", {}).get("default", {}))
    filled.update(inst.data.get("beparams", {}))
    return filled


def disk_path(disk: ConfigObject) -> str:
    if disk.data.get("dev_type") == "drbd":
        return "drbd:" + disk.uuid  # the node opens its own half, which must be primary
    logical_id = disk.data.get("logical_id") or []
    return str(logical_id[1]) if len(logical_id) > 1 else ""


def disk_spec(disk: ConfigObject, instance_name: str, index: int) -> node_pb2.DiskSpec:
    return node_pb2.DiskSpec(
        uuid=disk.uuid, dev_type=disk.data["dev_type"], size_mib=disk.data["size"],
        instance_name=instance_name, index=index,
    )


def check_node_usable(node: ConfigObject, role: str = "primary") -> None:
    if node.data.get("offline"):
        raise OpPrereqError(f"Cannot use offline {role} node '{node.name}'", "wrong_state")
    if node.data.get("drained"):
        raise OpPrereqError(f"Cannot use drained {role} node '{node.name}'", "wrong_state")
    if not node.data.get("vm_capable", True):
        raise OpPrereqError(f"Cannot use non-vm_capable {role} node '{node.name}'", "wrong_state")


async def free_memory(lu: LogicalUnit, node: ConfigObject) -> int:
    info = await lu.ctx.rpc.call(node, lambda s: s.NodeInfo, node_pb2.NodeInfoRequest())
    return int(info.memory_free_mib)


class _InstanceLU(LogicalUnit):
    """Operations on one existing instance, holding its lock exclusively."""

    lock_nodes = False

    async def expand_names(self) -> None:
        self.inst = await self.ctx.config.instance(self.op["instance_name"])

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level == "instance":
            return {f"instance/{self.inst.name}": EXCLUSIVE}
        if self.lock_nodes and level in ("node", "node-res"):
            disks = await self.ctx.config.instance_disks(self.inst)
            uuids = {self.inst.data["primary_node"]}
            for d in disks:
                uuids.update(d.data.get("nodes", []))
            return {f"{level}/{u}": EXCLUSIVE for u in sorted(uuids)}
        return await super().needed_locks(level)

    async def check_prereq(self) -> None:
        # Re-read under the lock: the object may have changed while we waited.
        self.inst = await self.ctx.config.instance(self.op["instance_name"])
        pnode = await self.ctx.config.get("node", self.inst.data["primary_node"])
        if pnode is None:
            raise OpPrereqError(f"Primary node of instance {self.inst.name} is unknown", "wrong_state")
        self.pnode = pnode

    async def set_admin_state(self, state: str, source: str | None = None) -> None:
        changed = self.inst.copy()
        changed.data["admin_state"] = state
        if source is not None:
            changed.data["admin_state_source"] = source
        if changed.data != self.inst.data:
            (self.inst,) = await self.ctx.config.commit([Put(changed)])


@logical_unit
class LUInstanceCreate(LogicalUnit):
    op_id = "OP_INSTANCE_CREATE"

    async def expand_names(self) -> None:
        op = self.op
        name = op["instance_name"]
        if op["forthcoming"] and op["commit"]:
            raise OpPrereqError("Forthcoming generation and commiting are mutually exclusive", "wrong_input")
        if op["ip_check"] and not op["name_check"]:
            raise OpPrereqError("Cannot do IP address check without a name check", "wrong_input")
        if op["mode"] != "create":
            raise OpPrereqError(f"Creation mode {op['mode']} is not supported yet", "wrong_input")
        if not op.get("os_type") and not op.get("no_install"):
            raise OpPrereqError("No guest OS or OS image specified", "wrong_input")
        if await self.ctx.config.find("instance", name) is not None:
            raise OpPrereqError(f"Instance '{name}' is already in the cluster", "exists")
        cluster = await self.ctx.config.cluster()
        self.cluster = cluster
        enabled = cluster.data["enabled_disk_templates"]
        self.template = op.get("disk_template") or enabled[0]
        if self.template not in enabled:
            raise OpPrereqError(
                f"Disk template {self.template} is not enabled in the cluster (enabled: "
                f"{', '.join(enabled)})",
                "wrong_input",
            )
        if self.template not in SUPPORTED_TEMPLATES:
            raise OpPrereqError(f"Disk template {self.template} is not supported yet", "wrong_input")
        hvs = cluster.data["enabled_hypervisors"]
        self.hypervisor = op.get("hypervisor") or hvs[0]
        if self.hypervisor not in hvs:
            raise OpPrereqError(
                f"Selected hypervisor ({self.hypervisor}) not enabled in the cluster ({', '.join(hvs)})",
                "wrong_input",
            )
        self.iallocator = await allocate.iallocator_or_node(self.ctx.config, op.get("iallocator"), op.get("pnode"))
        self.allocated_nics: list[dict[str, Any]] | None = None
        self.pnode: ConfigObject  # with an allocator, chosen in check_prereq
        if self.iallocator is None:
            self.pnode = await self.ctx.config.node(op["pnode"])
        self.snode: ConfigObject | None = None
        if self.template == "drbd" and self.iallocator is None:
            if not op.get("snode"):
                raise OpPrereqError("The networked disk templates need a mirror node", "wrong_input")
            self.snode = await self.ctx.config.node(op["snode"])
            if self.snode.uuid == self.pnode.uuid:
                raise OpPrereqError("The secondary node cannot be the primary node", "wrong_input")
        self.beparams = normalise_beparams(op["beparams"])
        self.disk_sizes: list[int] = []
        if self.template == "diskless" and op["disks"]:
            raise OpPrereqError("Diskless instances cannot have disks", "wrong_input")
        for index, disk in enumerate(op["disks"]):
            if "size" not in disk:
                raise OpPrereqError(f"Missing disk size for disk {index}", "wrong_input")
            try:
                self.disk_sizes.append(parse_size(disk["size"]))
            except OpCodeError:
                raise OpPrereqError(f"Invalid disk size '{disk['size']}' for disk {index}", "wrong_input") from None
        if self.template != "diskless" and not self.disk_sizes:
            raise OpPrereqError("At least one disk is needed", "wrong_input")

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level == "instance":
            return {f"instance/{self.op['instance_name']}": EXCLUSIVE}
        if level in ("node", "node-res"):
            if self.iallocator is not None:
                return {lockset(level): EXCLUSIVE}
            uuids = [self.pnode.uuid] + ([self.snode.uuid] if self.snode is not None else [])
            return {f"{level}/{u}": EXCLUSIVE for u in uuids}
        return await super().needed_locks(level)

    async def check_prereq(self) -> None:
        name = self.op["instance_name"]
        if await self.ctx.config.find("instance", name) is not None:
            raise OpPrereqError(f"Instance '{name}' is already in the cluster", "exists")
        if self.iallocator is not None:
            await self._run_allocator(self.iallocator)
        self.pnode = await self.ctx.config.node(self.pnode.name)
        check_node_usable(self.pnode)
        if self.snode is not None:
            self.snode = await self.ctx.config.node(self.snode.name)
            check_node_usable(self.snode, "secondary")
        if self.op["start"]:
            needed = {**BE_DEFAULTS, **self.cluster.data["beparams"]["default"], **self.beparams}["maxmem"]
            available = await free_memory(self, self.pnode)
            if needed > available:
                raise OpPrereqError(
                    f"Not enough memory on node {self.pnode.name} for creating instance {name}: "
                    f"needed {needed} MiB, available {available} MiB",
                    "insufficient_resources",
                )

    async def _run_allocator(self, allocator: str) -> None:
        # The MACs are generated first so that the allocator sees the final NICs.
        self.allocated_nics = await self._nics()
        be = {**BE_DEFAULTS, **self.cluster.data["beparams"]["default"], **self.beparams}
        request = allocate.new_instance_request(
            self.op, self.template, self.hypervisor, be, self.disk_sizes, self.allocated_nics,
            self.cluster.data.get("volume_group_name"),
        )
        nodes = await allocate.choose_nodes_for_new_instance(self, allocator, request)
        self.pnode = nodes[0]
        self.snode = nodes[1] if len(nodes) > 1 else None
        if self.snode is not None and self.snode.uuid == self.pnode.uuid:
            raise OpPrereqError("The secondary node cannot be the primary node", "wrong_input")

    async def _used_macs(self) -> set[str]:
        return {
            nic.get("mac", "")
            for inst in await self.ctx.config.objects("instance")
            for nic in inst.data.get("nics", [])
        }

    async def _nics(self) -> list[dict[str, Any]]:
        used = await self._used_macs()
        prefix = self.cluster.data.get("mac_prefix", "aa:00:00")
        nics = []
        for given in self.op["nics"]:
            mac = given.get("mac") or "generate"
            if mac in ("generate", "auto"):
                while True:
                    mac = prefix + "".join(f":{random.randrange(256):02x}" for _ in range(3))
                    if mac not in used:
                        break
            elif mac in used:
                raise OpPrereqError(f"MAC address {mac} already in use in cluster", "notunique")
            used.add(mac)
            defaults = self.cluster.data["nicparams"]["default"]
            nics.append({
                "uuid": str(uuidlib.uuid4()),
                "mac": mac,
                "ip": given.get("ip"),
                "name": given.get("name"),
                "network": given.get("network"),
                "nicparams": {
                    "mode": given.get("mode", defaults["mode"]),
                    "link": given.get("link", defaults["link"]),
                    "vlan": given.get("vlan", defaults.get("vlan", "")),
                },
            })
        return nics

    async def exec(self) -> Any:
        name = self.op["instance_name"]
        inst_uuid = str(uuidlib.uuid4())
        disks: list[ConfigObject] = []
        created: list[tuple[ConfigObject, int]] = []
        try:
            for index, size in enumerate(self.disk_sizes if self.snode is None else []):
                disk = ConfigObject(
                    "disk", str(uuidlib.uuid4()), f"{inst_uuid}/disk{index}",
                    {
                        "dev_type": self.template,
                        "size": size,
                        "mode": self.op["disks"][index].get("mode", "rw"),
                        "name": self.op["disks"][index].get("name"),
                        "iv_name": f"disk/{index}",
                        "nodes": [self.pnode.uuid],
                        "instance": inst_uuid,
                        "params": {},
                    },
                )
                self.log_info(f"Creating disk {index} ({size} MiB) on {self.pnode.name}")
                reply = await self.ctx.rpc.call(
                    self.pnode, lambda s: s.DiskCreate,
                    node_pb2.DiskCreateRequest(disk=disk_spec(disk, name, index)),
                )
                disk.data["logical_id"] = [self.op.get("file_driver") or "loop", reply.path]
                created.append((disk, index))
                disks.append(disk)
        except RpcError as exc:
            await self._remove_created(created, name)
            raise OpExecError(f"Can't create disks for instance {name}: {exc.message}") from None
        if self.snode is not None:
            disks = await drbd.create_instance_disks(
                self, name, inst_uuid, self.pnode, self.snode, self.disk_sizes, self.op["disks"]
            )
            if not await drbd.wait_for_sync(self, disks, [self.pnode, self.snode],
                                            polls=30 if self.op["wait_for_sync"] else 1):
                for index, disk in enumerate(disks):
                    for node in (self.pnode, self.snode):
                        await drbd.remove_half(self, disk, node, name, index)
                await drbd.release_ports(self.ctx.config, [d.data["logical_id"][2] for d in disks])
                raise OpExecError("There are some degraded disks for this instance")
        inst = ConfigObject(
            "instance", inst_uuid, name,
            {
                "name": name,
                "primary_node": self.pnode.uuid,
                "os": self.op.get("os_type", ""),
                "hypervisor": self.hypervisor,
                "hvparams": self.op["hvparams"],
                "beparams": self.beparams,
                "osparams": self.op["osparams"],
                "osparams_private": {},
                "admin_state": "down",
                "admin_state_source": "admin",
                "nics": self.allocated_nics or await self._nics(),
                "disks": [d.uuid for d in disks],
                "disks_active": bool(disks),
                "disk_template": self.template,
                "tags": list(self.op["tags"]),
            },
        )
        await self.ctx.config.commit([Put(d) for d in disks] + [Put(inst)])
        if not self.op.get("no_install"):
            self.log_info(f"Running the OS create scripts for {name}")
            reply = await self.ctx.rpc.call(
                self.pnode, lambda s: s.OsCreate,
                node_pb2.OsCreateRequest(
                    instance_name=name, os=inst.data["os"], disk_paths=[disk_path(d) for d in disks],
                    osparams={k: str(v) for k, v in self.op["osparams"].items()},
                ),
            )
            if reply.log:
                self.log_info(reply.log)
        if self.op["start"]:
            inst = (await self.ctx.config.commit([Put(_with_state(await self.ctx.config.instance(name), "up"))]))[0]
            be = await effective_beparams(self, inst)
            self.log_info(f"Starting instance {name} on node {self.pnode.name}")
            try:
                await self.ctx.rpc.call(
                    self.pnode, lambda s: s.InstanceStart,
                    node_pb2.InstanceStartRequest(
                        name=name, hypervisor=self.hypervisor, memory_mib=be["maxmem"],
                        vcpus=be["vcpus"], disk_paths=[disk_path(d) for d in disks],
                    ),
                )
            except RpcError as exc:
                raise OpExecError(f"Could not start instance: {exc.message}") from None
        return [self.pnode.name]

    async def _remove_created(self, created: list[tuple[ConfigObject, int]], name: str) -> None:
        for disk, index in created:
            try:
                await self.ctx.rpc.call(
                    self.pnode, lambda s: s.DiskRemove,
                    node_pb2.DiskRemoveRequest(disk=disk_spec(disk, name, index)),
                )
            except RpcError as exc:
                self.log_warning(f"Could not remove disk {index} of {name}: {exc.message}")


def _with_state(inst: ConfigObject, state: str) -> ConfigObject:
    changed = inst.copy()
    changed.data["admin_state"] = state
    return changed


@logical_unit
class LUInstanceRemove(_InstanceLU):
    op_id = "OP_INSTANCE_REMOVE"
    lock_nodes = True

    async def exec(self) -> Any:
        name = self.inst.name
        ignore = self.op["ignore_failures"]
        self.log_info(f"Shutting down instance {name} on node {self.pnode.name}")
        try:
            await self.ctx.rpc.call(
                self.pnode, lambda s: s.InstanceStop,
                node_pb2.InstanceStopRequest(
                    name=name, hypervisor=self.inst.data["hypervisor"],
                    timeout_s=self.op["shutdown_timeout"],
                ),
            )
        except RpcError as exc:
            if not ignore:
                raise OpExecError(f"Could not shutdown instance {name} on node {self.pnode.name}: {exc.message}") from None
            self.log_warning(f"Could not shutdown instance {name} on node {self.pnode.name}: {exc.message}")
        disks = await self.ctx.config.instance_disks(self.inst)
        self.log_info(f"Removing block devices for instance {name}")
        for index, disk in enumerate(disks):
            for node_uuid in disk.data.get("nodes", []):
                node = await self.ctx.config.get("node", node_uuid)
                if node is None:
                    continue
                try:
                    await self.ctx.rpc.call(
                        node, lambda s: s.DiskRemove,
                        node_pb2.DiskRemoveRequest(disk=disk_spec(disk, name, index)),
                    )
                except RpcError as exc:
                    if not ignore:
                        raise OpExecError(f"Can't remove instance's disks: {exc.message}") from None
                    self.log_warning(f"Could not remove disk {index} on {node.name}: {exc.message}")
        self.log_info(f"Removing instance {name} out of cluster config")
        await self.ctx.config.commit(
            [Delete("disk", d.uuid) for d in disks] + [Delete("instance", self.inst.uuid)],
            bump_cluster=True,
        )
        await drbd.release_ports(
            self.ctx.config, [d.data["logical_id"][2] for d in disks if d.data.get("dev_type") == "drbd"]
        )
        return None


@logical_unit
class LUInstanceStartup(_InstanceLU):
    op_id = "OP_INSTANCE_STARTUP"

    async def check_prereq(self) -> None:
        await super().check_prereq()
        if self.inst.data["admin_state"] == "offline":
            raise OpPrereqError(
                f"Instance '{self.inst.name}' is marked to be offline, can't use instance from "
                "outside down, up states",
                "wrong_state",
            )
        if self.pnode.data.get("offline") and not self.op["ignore_offline_nodes"]:
            raise OpPrereqError(f"Can't use offline node: {self.pnode.name}", "wrong_state")
        self.running = False
        if not self.pnode.data.get("offline"):
            listing = await self.ctx.rpc.call(self.pnode, lambda s: s.InstanceList, node_pb2.InstanceListRequest())
            self.running = any(i.name == self.inst.name for i in listing.instances)
            if not self.running:
                be = await effective_beparams(self, self.inst)
                be.update(normalise_beparams(self.op["beparams"]))
                available = await free_memory(self, self.pnode)
                if be["minmem"] > available:
                    raise OpPrereqError(
                        f"Not enough memory on node {self.pnode.name} for starting instance "
                        f"{self.inst.name}: needed {be['minmem']} MiB, available {available} MiB",
                        "insufficient_resources",
                    )

    async def exec(self) -> Any:
        if not self.op["no_remember"]:
            await self.set_admin_state("up")
        if self.pnode.data.get("offline"):
            self.log_info("Ignoring offline primary node")
            return None
        if self.running:
            return None
        be = await effective_beparams(self, self.inst)
        be.update(normalise_beparams(self.op["beparams"]))
        disks = await self.ctx.config.instance_disks(self.inst)
        try:
            await self.ctx.rpc.call(
                self.pnode, lambda s: s.InstanceStart,
                node_pb2.InstanceStartRequest(
                    name=self.inst.name, hypervisor=self.inst.data["hypervisor"],
                    memory_mib=be["maxmem"], vcpus=be["vcpus"],
                    disk_paths=[disk_path(d) for d in disks], paused=self.op["startup_paused"],
                ),
            )
        except RpcError as exc:
            raise OpExecError(f"Could not start instance '{self.inst.name}': {exc.message}") from None
        return None


@logical_unit
class LUInstanceShutdown(_InstanceLU):
    op_id = "OP_INSTANCE_SHUTDOWN"

    async def check_prereq(self) -> None:
        await super().check_prereq()
        if self.inst.data["admin_state"] == "offline" and not self.op["force"]:
            raise OpPrereqError(
                f"Instance '{self.inst.name}' is marked to be offline, can't use instance from "
                "outside down, up states",
                "wrong_state",
            )
        if self.pnode.data.get("offline") and not self.op["ignore_offline_nodes"]:
            raise OpPrereqError(f"Can't use offline node: {self.pnode.name}", "wrong_state")

    async def exec(self) -> Any:
        if not self.op["no_remember"]:
            await self.set_admin_state("down", self.op.get("admin_state_source") or "admin")
        if self.pnode.data.get("offline"):
            self.log_info("Ignoring offline primary node")
            return None
        try:
            await self.ctx.rpc.call(
                self.pnode, lambda s: s.InstanceStop,
                node_pb2.InstanceStopRequest(
                    name=self.inst.name, hypervisor=self.inst.data["hypervisor"],
                    timeout_s=self.op["timeout"],
                ),
                timeout=self.op["timeout"] + 30,
            )
        except RpcError as exc:
            raise OpExecError(f"Could not shutdown instance '{self.inst.name}': {exc.message}") from None
        return None
