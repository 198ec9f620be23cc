"""Configuration objects joined with the nodes' live state, as the list and info commands show them."""

from __future__ import annotations

import asyncio
from typing import Any

from agent.errors import RpcError
from agent.master.config import Config
from agent.master.lu.instance import BE_DEFAULTS
from agent.master.rpc import NodeRpc
from agent.store import ConfigObject
from protos import node_pb2

LIVE_TIMEOUT = 5.0


async def _live_nodes(rpc: NodeRpc, nodes: list[ConfigObject]) -> dict[str, dict[str, Any]]:
    async def one(node: ConfigObject) -> tuple[str, dict[str, Any]]:
        if node.data.get("offline"):
            return node.uuid, {"offline": True}
        try:
            info, listing = await asyncio.gather(
                rpc.call(node, lambda s: s.NodeInfo, node_pb2.NodeInfoRequest(), timeout=LIVE_TIMEOUT),
                rpc.call(node, lambda s: s.InstanceList, node_pb2.InstanceListRequest(), timeout=LIVE_TIMEOUT),
            )
        except RpcError as exc:
            return node.uuid, {"error": exc.message}
        return node.uuid, {
            "mtotal": info.memory_total_mib,
            "mfree": info.memory_free_mib,
            "mnode": info.memory_node_mib,
            "dtotal": info.disk_total_mib,
            "dfree": info.disk_free_mib,
            "ctotal": info.cpu_count,
            "running": {i.name: {"memory": i.memory_mib, "vcpus": i.vcpus} for i in listing.instances},
        }

    return dict(await asyncio.gather(*(one(n) for n in nodes)))


def _instance_status(inst: ConfigObject, pnode: ConfigObject | None, live: dict[str, Any] | None,
                     running_elsewhere: bool) -> str:
    admin = inst.data.get("admin_state", "down")
    if pnode is None or pnode.data.get("offline"):
        return "ERROR_nodeoffline"
    if live is None or "error" in live:
        return "ERROR_nodedown"
    running = inst.name in live.get("running", {})
    if running_elsewhere and not running:
        return "ERROR_wrongnode"
    if running:
        return "running" if admin == "up" else "ERROR_up"
    if admin == "up":
        return "ERROR_down"
    return "ADMIN_offline" if admin == "offline" else "ADMIN_down"


async def query(config: Config, rpc: NodeRpc, kind: str, names: list[str], live: bool) -> tuple[list[dict[str, Any]], list[str]]:
    """Objects of one kind (all, or the named ones) with derived and live fields."""
    if kind == "cluster":
        cluster = await config.cluster()
        data = cluster.to_dict()
        master = await config.get("node", cluster.data["master_node"])
        data["master"] = master.name if master else None
        data["name"] = cluster.name
        return [data], []
    if kind not in ("node", "instance", "group"):
        raise ValueError(f"unknown object kind {kind!r}")
    objects = await config.objects(kind)
    missing = [n for n in names if not any(o.name == n for o in objects)]
    if names:
        order = {n: i for i, n in enumerate(names)}
        objects = sorted((o for o in objects if o.name in order), key=lambda o: order[o.name])
    nodes = await config.objects("node")
    node_by_uuid = {n.uuid: n for n in nodes}
    groups = {g.uuid: g for g in await config.objects("group")}
    instances = await config.objects("instance") if kind != "instance" else objects
    disks = {d.uuid: d for d in await config.objects("disk")}

    def inst_nodes(inst: ConfigObject) -> tuple[str, list[str]]:
        pnode = inst.data["primary_node"]
        seconds: list[str] = []
        for uuid in inst.data.get("disks", []):
            for n in disks[uuid].data.get("nodes", []) if uuid in disks else []:
                if n != pnode and n not in seconds:
                    seconds.append(n)
        return pnode, seconds

    live_state: dict[str, dict[str, Any]] = {}
    if live and kind in ("node", "instance"):
        wanted = nodes if kind == "node" else [
            node_by_uuid[u] for u in {o.data["primary_node"] for o in objects} if u in node_by_uuid
        ]
        if kind == "instance":
            wanted = nodes  # also find instances running on the wrong node
        live_state = await _live_nodes(rpc, wanted)

    out: list[dict[str, Any]] = []
    if kind == "group":
        for group in objects:
            data = group.to_dict()
            data["node_list"] = sorted(n.name for n in nodes if n.data.get("group") == group.uuid)
            data["node_cnt"] = len(data["node_list"])
            out.append(data)
    elif kind == "node":
        cluster = await config.cluster()
        for node in objects:
            data = node.to_dict()
            data["group_name"] = groups[node.data["group"]].name if node.data.get("group") in groups else None
            data["pinst_list"] = sorted(i.name for i in instances if inst_nodes(i)[0] == node.uuid)
            data["sinst_list"] = sorted(i.name for i in instances if node.uuid in inst_nodes(i)[1])
            data["role"] = (
                "M" if cluster.data.get("master_node") == node.uuid
                else "O" if node.data.get("offline")
                else "D" if node.data.get("drained")
                else "C" if node.data.get("master_candidate") else "R"
            )
            if live:
                state = live_state.get(node.uuid, {})
                data["live"] = {k: v for k, v in state.items() if k != "running"}
            out.append(data)
    else:
        cluster = await config.cluster()
        be_defaults = {**BE_DEFAULTS, **cluster.data.get("beparams", {}).get("default", {})}
        for inst in objects:
            data = inst.to_dict()
            pnode_uuid, snodes = inst_nodes(inst)
            pnode = node_by_uuid.get(pnode_uuid)
            data["pnode"] = pnode.name if pnode else None
            data["snodes"] = [node_by_uuid[s].name for s in snodes if s in node_by_uuid]
            inst_disks = [disks[u] for u in inst.data.get("disks", []) if u in disks]
            data["disk_sizes"] = [d.data["size"] for d in inst_disks]
            data["disk_objects"] = [d.to_dict() for d in inst_disks]
            data["be_filled"] = {**be_defaults, **inst.data.get("beparams", {})}
            if live:
                pstate = live_state.get(pnode_uuid)
                elsewhere = any(
                    inst.name in st.get("running", {})
                    for uuid, st in live_state.items() if uuid != pnode_uuid
                )
                data["status"] = _instance_status(inst, pnode, pstate, elsewhere)
                running = (pstate or {}).get("running", {}).get(inst.name)
                data["oper_state"] = running is not None if pstate and "error" not in pstate else None
                data["oper_ram"] = running["memory"] if running else None
                data["oper_vcpus"] = running["vcpus"] if running else None
            out.append(data)
    return out, missing
