"""IAllocator requests and the input document the master sends with them.

``build_input`` turns a ``Snapshot`` and one request into Ganeti's input
document (cluster, node groups, nodes, instances, request), with the same
keys, values and key order as Ganeti's master produces.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from agent.errors import OpPrereqError
from agent.master.iallocator import params
from agent.master.iallocator.snapshot import Snapshot
from agent.store import ConfigObject


class Request:
    """Base of the request types: the ``request`` section each sends and its extra options."""

    mode: ClassVar[str]

    def body(self, snap: Snapshot) -> dict[str, Any]:
        raise NotImplementedError

    def storage_template(self, snap: Snapshot) -> str | None:
        """The template whose storage the nodes report (None: the cluster's first enabled one)."""
        return None

    def extra_params(self) -> dict[str, str | None]:
        """Extra command-line options for an external allocator (``--name[=value]``)."""
        return {}


@dataclass(frozen=True)
class AllocateRequest(Request):
    """Place a new instance: one node, or two for a network-mirrored template."""

    mode: ClassVar[str] = "allocate"
    name: str
    disk_template: str
    memory: int
    vcpus: int
    disks: Sequence[dict[str, Any]]
    nics: Sequence[dict[str, Any]] = ()
    spindle_use: int = 1
    os: str = ""
    tags: Sequence[str] = ()
    hypervisor: str = ""
    group_name: str | None = None
    node_whitelist: Sequence[str] | None = None

    @property
    def required_nodes(self) -> int:
        return params.required_nodes(self.disk_template)

    def body(self, snap: Snapshot) -> dict[str, Any]:
        disks = [{**d, "dev_type": self.disk_template} for d in self.disks]
        out: dict[str, Any] = {
            "name": self.name,
            "disk_template": self.disk_template,
            "group_name": self.group_name,
            "tags": list(self.tags),
            "os": self.os,
            "vcpus": self.vcpus,
            "memory": self.memory,
            "spindle_use": self.spindle_use,
            "disks": disks,
            "disk_space_total": params.disk_space(disks),
            "nics": [dict(n) for n in self.nics],
            "required_nodes": self.required_nodes,
            "hypervisor": self.hypervisor,
        }
        return out

    def storage_template(self, snap: Snapshot) -> str | None:
        return self.disk_template


@dataclass(frozen=True)
class MultiAllocateRequest(Request):
    mode: ClassVar[str] = "multi-allocate"
    instances: Sequence[AllocateRequest]

    def body(self, snap: Snapshot) -> dict[str, Any]:
        return {"instances": [r.body(snap) for r in self.instances]}


@dataclass(frozen=True)
class RelocateRequest(Request):
    """Move one node of a mirrored instance elsewhere (the secondary, for DRBD)."""

    mode: ClassVar[str] = "relocate"
    instance_name: str
    relocate_from: Sequence[str]  # node names

    def _instance(self, snap: Snapshot) -> ConfigObject:
        inst = snap.instance_by_name.get(self.instance_name)
        if inst is None:
            raise OpPrereqError(f"Instance '{self.instance_name}' not known", "wrong_input")
        return inst

    def storage_template(self, snap: Snapshot) -> str | None:
        return snap.disk_template(self._instance(snap))

    def body(self, snap: Snapshot) -> dict[str, Any]:
        inst = self._instance(snap)
        disks = snap.instance_disks(inst)
        types = [d.data.get("dev_type") for d in disks]
        if not all(t in params.INT_MIRROR or t in params.EXT_MIRROR for t in types):
            raise OpPrereqError("Can't relocate non-mirrored instances", "wrong_input")
        if any(t in params.INT_MIRROR for t in types) and len(snap.secondary_nodes(inst)) != 1:
            raise OpPrereqError("Instance has not exactly one secondary node", "wrong_state")
        sizes = [{"size": d.data.get("size", 0), "dev_type": d.data.get("dev_type")} for d in disks]
        return {
            "name": inst.name,
            "disk_space_total": params.disk_space(sizes),
            "required_nodes": 1,
            "relocate_from": list(self.relocate_from),
        }


@dataclass(frozen=True)
class NodeEvacuateRequest(Request):
    mode: ClassVar[str] = "node-evacuate"
    instances: Sequence[str]
    evac_mode: str  # primary-only, secondary-only or all
    ignore_soft_errors: bool = False

    def body(self, snap: Snapshot) -> dict[str, Any]:
        if self.evac_mode not in ("primary-only", "secondary-only", "all"):
            raise OpPrereqError(f"Invalid evacuation mode '{self.evac_mode}'", "wrong_input")
        return {"instances": list(self.instances), "evac_mode": self.evac_mode}

    def extra_params(self) -> dict[str, str | None]:
        return {"ignore-soft-errors": None} if self.ignore_soft_errors else {}


@dataclass(frozen=True)
class ChangeGroupRequest(Request):
    mode: ClassVar[str] = "change-group"
    instances: Sequence[str]
    target_groups: Sequence[str] = field(default_factory=tuple)

    def body(self, snap: Snapshot) -> dict[str, Any]:
        return {"instances": list(self.instances), "target_groups": list(self.target_groups)}


@dataclass(frozen=True)
class AllocateSecondaryRequest(Request):
    """Choose a secondary node for an instance converting from plain to DRBD."""

    mode: ClassVar[str] = "allocate-secondary"
    instance_name: str

    def body(self, snap: Snapshot) -> dict[str, Any]:
        return {"name": self.instance_name}


def _storage_template(request: Request, snap: Snapshot) -> str:
    template = request.storage_template(snap)
    if template:
        return template
    enabled = snap.cluster.data.get("enabled_disk_templates") or ["diskless"]
    return str(enabled[0])


def _nodegroups(snap: Snapshot) -> dict[str, Any]:
    cluster = snap.cluster.data
    return {
        g.uuid: {
            "name": g.name,
            "alloc_policy": g.data.get("alloc_policy", "preferred"),
            "networks": list(g.data.get("networks") or []),
            "ipolicy": params.group_ipolicy(cluster, g.data),
            "tags": list(g.data.get("tags") or []),
        }
        for g in snap.groups
    }


def _node_static(snap: Snapshot, node: ConfigObject) -> dict[str, Any]:
    data = node.data
    group = snap.group_by_uuid.get(data.get("group", ""))
    return {
        "tags": list(data.get("tags") or []),
        "primary_ip": data.get("primary_ip"),
        "secondary_ip": data.get("secondary_ip"),
        "offline": bool(data.get("offline")),
        "drained": bool(data.get("drained")),
        "master_candidate": bool(data.get("master_candidate")),
        "group": data.get("group"),
        "master_capable": bool(data.get("master_capable", True)),
        "vm_capable": bool(data.get("vm_capable", True)),
        "ndparams": params.node_ndparams(snap.cluster.data, group.data if group else None, data),
    }


def _node_dynamic(
    snap: Snapshot, node: ConfigObject, template: str, primaries: list[tuple[ConfigObject, int]]
) -> dict[str, Any] | None:
    """Live figures of an online vm-capable node; ``primaries`` are its instances with their memory."""
    live = snap.live.get(node.uuid)
    if live is None or node.data.get("offline") or not node.data.get("vm_capable", True):
        return None
    pri_mem = pri_up_mem = 0
    mem_free = live.memory_free
    for inst, maxmem in primaries:
        pri_mem += maxmem
        # An instance that should run but does not (or runs with less memory)
        # still claims its memory: the allocator must not hand it out.
        if inst.data.get("admin_state") == "up" and not inst.data.get("forthcoming"):
            mem_free -= max(0, maxmem - live.running.get(inst.name, 0))
            pri_up_mem += maxmem
    reported = template in params.REPORTED_STORAGE
    lvm = template in params.LVM_TEMPLATES
    return {
        "total_memory": live.memory_total,
        "reserved_memory": live.memory_node,
        "free_memory": mem_free,
        "total_disk": live.disk_total if reported else 0,
        "free_disk": live.disk_free if reported else 0,
        "total_spindles": live.total_spindles if lvm else 0,
        "free_spindles": live.free_spindles if lvm else 0,
        "total_cpus": live.cpu_total,
        "reserved_cpus": live.reserved_cpus,
        "i_pri_memory": pri_mem,
        "i_pri_up_memory": pri_up_mem,
    }


def _nodes(snap: Snapshot, template: str, beparams: dict[str, dict[str, Any]]) -> dict[str, Any]:
    primaries: dict[str, list[tuple[ConfigObject, int]]] = {}
    for inst in snap.instances:
        maxmem = int(beparams[inst.uuid]["maxmem"])
        primaries.setdefault(inst.data.get("primary_node", ""), []).append((inst, maxmem))
    out: dict[str, Any] = {}
    for node in snap.nodes:
        entry = _node_dynamic(snap, node, template, primaries.get(node.uuid, [])) or {}
        entry.update(_node_static(snap, node))
        out[node.name] = entry
    return out


def _nic(defaults: dict[str, Any], nic: dict[str, Any]) -> dict[str, Any]:
    filled = {**defaults, **(nic.get("nicparams") or {})}
    out = {"mac": nic.get("mac"), "ip": nic.get("ip"), "mode": filled.get("mode"), "link": filled.get("link")}
    if filled.get("mode") == "bridged":
        out["bridge"] = filled.get("link")
    return out


def _instances(snap: Snapshot, beparams: dict[str, dict[str, Any]]) -> dict[str, Any]:
    nic_defaults = (snap.cluster.data.get("nicparams") or {}).get("default", {})
    out: dict[str, Any] = {}
    for inst in snap.instances:
        data = inst.data
        be = beparams[inst.uuid]
        inst_disks = snap.instance_disks(inst)
        primary = data["primary_node"]
        secondaries: list[str] = []
        for disk in inst_disks:
            for uuid in disk.data.get("nodes", []):
                if uuid != primary and uuid not in secondaries:
                    secondaries.append(uuid)
        disks = [
            {"dev_type": d.data.get("dev_type"), "size": d.data.get("size", 0),
             "mode": d.data.get("mode", "rw"), "spindles": d.data.get("spindles")}
            for d in inst_disks
        ]
        entry: dict[str, Any] = {
            "tags": list(data.get("tags") or []),
            "admin_state": data.get("admin_state", "down"),
            "vcpus": be["vcpus"],
            "memory": be["maxmem"],
            "spindle_use": be["spindle_use"],
            "os": data.get("os", ""),
            "nodes": [snap.node_name(u) for u in [primary, *secondaries]],
            "nics": [_nic(nic_defaults, n) for n in data.get("nics") or []],
            "disks": disks,
            "disk_template": snap.disk_template(inst),
            "disks_active": bool(data.get("disks_active")),
            "hypervisor": data.get("hypervisor"),
            "disk_space_total": params.disk_space(disks),
        }
        if data.get("forthcoming"):
            entry["forthcoming"] = True
        out[inst.name] = entry
    return out


def build_input(snap: Snapshot, request: Request) -> dict[str, Any]:
    """Ganeti's IAllocator input document for ``request`` over ``snap``."""
    body = request.body(snap)
    cluster = snap.cluster.data
    beparams = {inst.uuid: snap.filled_beparams(inst) for inst in snap.instances}
    data: dict[str, Any] = {
        "version": params.IALLOCATOR_VERSION,
        "cluster_name": cluster.get("cluster_name", snap.cluster.name),
        "cluster_tags": list(cluster.get("tags") or []),
        "enabled_hypervisors": list(cluster.get("enabled_hypervisors") or []),
        "ipolicy": params.cluster_ipolicy(cluster),
        "nodegroups": _nodegroups(snap),
        "nodes": _nodes(snap, _storage_template(request, snap), beparams),
        "instances": _instances(snap, beparams),
    }
    body["type"] = request.mode
    if isinstance(request, AllocateRequest) and request.node_whitelist is not None:
        body["restrict-to-nodes"] = list(request.node_whitelist)
    data["request"] = body
    return data
