"""What the master knows when it asks an allocator: the configuration and the nodes' live figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agent.store import ConfigObject


@dataclass(frozen=True)
class NodeLive:
    """One node's answer to the node-info and instance-list calls."""

    memory_total: int
    memory_free: int
    memory_node: int
    cpu_total: int
    disk_total: int
    disk_free: int
    reserved_cpus: int = 0
    total_spindles: int = 0
    free_spindles: int = 0
    # Name -> memory (MiB) of every instance running on the node.
    running: dict[str, int] = field(default_factory=dict)


@dataclass
class Snapshot:
    """The configuration objects and the live data of every reachable vm-capable node.

    ``live`` has an entry for every node that is online and vm-capable; the
    request builder gives the other nodes only their configuration fields.
    """

    cluster: ConfigObject
    groups: list[ConfigObject]
    nodes: list[ConfigObject]
    instances: list[ConfigObject]
    disks: dict[str, ConfigObject]
    live: dict[str, NodeLive] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Ganeti keeps its objects in maps keyed by UUID; the order of the
        # request's keys (which decides the allocator's ties) follows it.
        self.groups = sorted(self.groups, key=lambda o: o.uuid)
        self.nodes = sorted(self.nodes, key=lambda o: o.uuid)
        self.instances = sorted(self.instances, key=lambda o: o.uuid)
        self.node_by_uuid = {n.uuid: n for n in self.nodes}
        self.node_by_name = {n.name: n for n in self.nodes}
        self.group_by_uuid = {g.uuid: g for g in self.groups}
        self.instance_by_name = {i.name: i for i in self.instances}
        from agent.master.lu.instance import BE_DEFAULTS

        self._be_defaults = {**BE_DEFAULTS, **(self.cluster.data.get("beparams") or {}).get("default", {})}

    def instance_disks(self, inst: ConfigObject) -> list[ConfigObject]:
        return [self.disks[u] for u in inst.data.get("disks", []) if u in self.disks]

    def secondary_nodes(self, inst: ConfigObject) -> list[str]:
        """UUIDs of the instance's nodes other than its primary, in disk order."""
        primary = inst.data.get("primary_node")
        out: list[str] = []
        for disk in self.instance_disks(inst):
            for uuid in disk.data.get("nodes", []):
                if uuid != primary and uuid not in out:
                    out.append(uuid)
        return out

    def disk_template(self, inst: ConfigObject) -> str:
        template = inst.data.get("disk_template")
        if template:
            return str(template)
        types = {d.data.get("dev_type") for d in self.instance_disks(inst)}
        if not types:
            return "diskless"
        return str(types.pop()) if len(types) == 1 else "mixed"

    def node_name(self, uuid: str) -> str:
        node = self.node_by_uuid.get(uuid)
        return node.name if node is not None else uuid

    def filled_beparams(self, inst: ConfigObject) -> dict[str, Any]:
        return {**self._be_defaults, **(inst.data.get("beparams") or {})}
