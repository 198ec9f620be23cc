"""Cluster logical units: verify (config and per group) and query."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from agent.errors import RpcError
from agent.master.locks import SHARED, lockset
from agent.master.lu.base import LogicalUnit, logical_unit
from agent.master.lu.instance import disk_path
from agent.store import ConfigObject
from agent.version import VERSION
from protos import node_pb2

MAX_CLOCK_SKEW_S = 150.0


@logical_unit
class LUClusterVerify(LogicalUnit):
    """Submits the verification jobs: one for the config, one per node group."""

    op_id = "OP_CLUSTER_VERIFY"

    async def exec(self) -> Any:
        common = {
            "debug_simulate_errors": self.op["debug_simulate_errors"],
            "error_codes": self.op["error_codes"],
            "verbose": self.op["verbose"],
            "ignore_errors": self.op["ignore_errors"],
        }
        inherited = {"reason": list(self.op["reason"]), "debug_level": self.op.get("debug_level", 0)}
        groups = await self.ctx.config.objects("group")
        jobs: list[list[dict[str, Any]]] = []
        if self.op.get("group_name"):
            wanted = [g for g in groups if self.op["group_name"] in (g.name, g.uuid)]
            group_ops = [{"group_name": g.name} for g in wanted]
            depends = None
        else:
            jobs.append([{"OP_ID": "OP_CLUSTER_VERIFY_CONFIG", **common, **inherited}])
            group_ops = [{"group_name": g.uuid} for g in groups]
            depends = True
        for index, group_op in enumerate(group_ops):
            op = {
                "OP_ID": "OP_CLUSTER_VERIFY_GROUP", **common, **inherited, **group_op,
                "skip_checks": self.op["skip_checks"],
                "verify_clutter": self.op["verify_clutter"],
            }
            if depends:
                op["depends"] = [[-(index + 1), []]]
            jobs.append([op])
        ids = await self.ctx.submit_jobs(jobs)
        return {"jobs": [[True, job_id] for job_id in ids]}


class _Verifier(LogicalUnit):
    """Collects findings and logs them as Ganeti's verify does."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.bad = False

    def report(self, code: str, kind: str, name: str, message: str) -> None:
        severity = "WARNING" if code in self.op["ignore_errors"] else "ERROR"
        if severity == "ERROR":
            self.bad = True
        if self.op["error_codes"]:
            self.ctx.log(f"  - {severity}:{code}:{kind}:{name}:{message}")
        else:
            self.ctx.log(f"  - {severity}: {kind} {name}: {message}")


@logical_unit
class LUClusterVerifyConfig(_Verifier):
    op_id = "OP_CLUSTER_VERIFY_CONFIG"

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level in ("instance", "nodegroup", "node", "node-res"):
            return {lockset(level): SHARED}
        return await super().needed_locks(level)

    async def exec(self) -> Any:
        self.ctx.log("* Verifying cluster config")
        cfg = self.ctx.config
        cluster = await cfg.cluster()
        nodes = {n.uuid: n for n in await cfg.objects("node")}
        groups = {g.uuid: g for g in await cfg.objects("group")}
        disks = {d.uuid: d for d in await cfg.objects("disk")}
        if cluster.data.get("master_node") not in nodes:
            self.report("ECLUSTERCFG", "cluster", cluster.name, "master node is not in the configuration")
        for node in nodes.values():
            if node.data.get("group") not in groups:
                self.report("ECLUSTERCFG", "node", node.name, f"node group {node.data.get('group')} does not exist")
        used_disks: set[str] = set()
        for inst in await cfg.objects("instance"):
            if inst.data.get("primary_node") not in nodes:
                self.report("ECLUSTERCFG", "instance", inst.name, "primary node is not in the configuration")
            for index, uuid in enumerate(inst.data.get("disks", [])):
                disk = disks.get(uuid)
                if disk is None:
                    self.report("ECLUSTERCFG", "instance", inst.name, f"disk {index} ({uuid}) is missing")
                    continue
                used_disks.add(uuid)
                if disk.data.get("iv_name") != f"disk/{index}":
                    self.report("ECLUSTERCFG", "instance", inst.name, f"disk {index} is named {disk.data.get('iv_name')}")
                for node_uuid in disk.data.get("nodes", []):
                    if node_uuid not in nodes:
                        self.report("ECLUSTERCFG", "instance", inst.name, f"disk {index} is on unknown node {node_uuid}")
        for uuid in sorted(set(disks) - used_disks):
            self.report("ECLUSTERCFG", "cluster", cluster.name, f"disk {uuid} belongs to no instance")
        return not self.bad


@logical_unit
class LUClusterVerifyGroup(_Verifier):
    op_id = "OP_CLUSTER_VERIFY_GROUP"

    async def expand_names(self) -> None:
        wanted = self.op["group_name"]
        groups = [g for g in await self.ctx.config.objects("group") if wanted in (g.name, g.uuid)]
        if not groups:
            from agent.errors import OpPrereqError

            raise OpPrereqError(f"Group '{wanted}' not found", "noent")
        self.group = groups[0]

    async def needed_locks(self, level: str) -> dict[str, str]:
        if level == "nodegroup":
            return {f"nodegroup/{self.group.uuid}": SHARED}
        if level == "node":
            return {f"node/{n.uuid}": SHARED for n in await self._nodes()}
        return await super().needed_locks(level)

    async def _nodes(self) -> list[ConfigObject]:
        return [n for n in await self.ctx.config.objects("node") if n.data.get("group") == self.group.uuid]

    async def exec(self) -> Any:
        cfg = self.ctx.config
        nodes = await self._nodes()
        self.ctx.log(f"* Verifying group {self.group.name}")
        node_by_uuid = {n.uuid: n for n in await cfg.objects("node")}
        instances = await cfg.objects("instance")
        self.ctx.log("* Verifying node status")
        answers = await asyncio.gather(*(self._node_state(n) for n in nodes))
        running_on: dict[str, set[str]] = {}
        for node, state in zip(nodes, answers, strict=True):
            if state is None:
                continue
            for name in state["running"]:
                running_on.setdefault(name, set()).add(node.uuid)
        self.ctx.log("* Verifying instance status")
        known = {i.name for i in instances}
        for inst in instances:
            pnode = node_by_uuid.get(inst.data["primary_node"])
            if pnode is None or pnode.data.get("group") != self.group.uuid:
                continue
            where = running_on.get(inst.name, set())
            state = dict(zip([n.uuid for n in nodes], answers, strict=True)).get(pnode.uuid)
            if pnode.data.get("offline"):
                if inst.data["admin_state"] == "up":
                    self.report("EINSTANCEBADNODE", "instance", inst.name, f"instance is marked as running and lives on offline node {pnode.name}")
                continue
            if state is None:
                continue
            if inst.data["admin_state"] == "up" and pnode.uuid not in where:
                self.report("EINSTANCEDOWN", "instance", inst.name, f"instance not running on its primary node {pnode.name}")
            if inst.data["admin_state"] != "up" and pnode.uuid in where:
                self.report("EINSTANCEUPWRONG", "instance", inst.name, "instance is marked as down but is running")
            for other in sorted(where - {pnode.uuid}):
                self.report("EINSTANCEWRONGNODE", "instance", inst.name, f"instance should not run on node {node_by_uuid[other].name}")
            for index, disk in enumerate(await cfg.instance_disks(inst)):
                path = disk_path(disk)
                if path and path not in state["disk_paths"]:
                    self.report("EINSTANCEMISSINGDISK", "instance", inst.name, f"disk/{index} on {pnode.name} is missing")
        for node, state in zip(nodes, answers, strict=True):
            if state is None:
                continue
            for name in sorted(state["running"] - known):
                self.report("ENODEORPHANINSTANCE", "node", node.name, f"instance {name} is running but not in the configuration")
        return not self.bad

    async def _node_state(self, node: ConfigObject) -> dict[str, Any] | None:
        if node.data.get("offline"):
            return None
        rpc = self.ctx.rpc
        try:
            sent = time.time()
            ping = await rpc.call(node, lambda s: s.Ping, node_pb2.PingRequest(), timeout=10)
            received = time.time()
            listing = await rpc.call(node, lambda s: s.InstanceList, node_pb2.InstanceListRequest(), timeout=10)
            disks = await rpc.call(node, lambda s: s.DiskList, node_pb2.DiskListRequest(), timeout=10)
        except RpcError as exc:
            self.report("ENODERPC", "node", node.name, f"while contacting node: {exc.message}")
            return None
        if ping.node_name != node.name:
            self.report("ENODERPC", "node", node.name, f"node answers as {ping.node_name}")
        if ping.version != VERSION:
            self.report("ENODEVERSION", "node", node.name, f"version mismatch: master {VERSION}, node {ping.version}")
        if ping.time < sent - MAX_CLOCK_SKEW_S or ping.time > received + MAX_CLOCK_SKEW_S:
            self.report("ENODETIME", "node", node.name, f"node clock is off by {ping.time - received:.1f}s")
        return {
            "running": {i.name for i in listing.instances},
            "disk_paths": {d.path for d in disks.disks},
        }


@logical_unit
class LUClusterQuery(LogicalUnit):
    op_id = "OP_CLUSTER_QUERY"

    async def exec(self) -> Any:
        cluster = await self.ctx.config.cluster()
        return cluster.to_dict()


@logical_unit
class LUClusterSetParams(LogicalUnit):
    op_id = "OP_CLUSTER_SET_PARAMS"
    needs_bgl = True

    async def check_prereq(self) -> None:
        from agent.errors import OpPrereqError

        changes = {k: self.op[k] for k in _SETTABLE if k in self.op}
        if not changes:
            raise OpPrereqError("Please give at least one of the parameters", "wrong_input")
        if changes.get("default_iallocator"):
            from agent.master.iallocator import AllocatorRunError, resolve

            try:
                resolve(changes["default_iallocator"])
            except AllocatorRunError:
                raise OpPrereqError(
                    f"Invalid default iallocator script '{changes['default_iallocator']}' specified",
                    "wrong_input",
                ) from None
        templates = changes.get("enabled_disk_templates")
        if templates is not None and not templates:
            raise OpPrereqError("At least one disk template must be enabled", "wrong_input")
        self.changes = changes

    async def exec(self) -> Any:
        from agent.master.lu.instance import normalise_beparams
        from agent.store import Put

        cluster = await self.ctx.config.cluster()
        changed = cluster.copy()
        for key, value in self.changes.items():
            if key == "beparams":
                default = dict(changed.data["beparams"]["default"])
                default.update(normalise_beparams(value))
                changed.data["beparams"] = {"default": default}
            else:
                changed.data[key] = value
        (stored,) = await self.ctx.config.commit([Put(changed)])
        self.ctx.cluster_changed(stored)
        return None


_SETTABLE = (
    "max_running_jobs", "max_tracked_jobs", "candidate_pool_size", "beparams",
    "enabled_disk_templates", "default_iallocator", "default_iallocator_params", "mac_prefix",
)
