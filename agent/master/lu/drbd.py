"""DRBD disks on the master: ports, minors and secrets in the config, both halves on the nodes.

A DRBD disk's ``logical_id`` is Ganeti's ``[node_a, node_b, port, minor_a,
minor_b, secret]`` (node uuids); its ``nodes`` are ``[primary, secondary]``.
Ports come from the cluster's ``tcpudp_port_pool`` first, then above
``highest_used_port``; a minor is the lowest number no DRBD disk uses on that
node. Callers hold the node locks of every node whose minors they allocate.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid as uuidlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from agent.errors import OpExecError, OpPrereqError, RpcError
from agent.store import ConfigObject, Put
from protos import node_pb2

if TYPE_CHECKING:
    from agent.master.config import Config
    from agent.master.lu.base import LogicalUnit

LAST_DRBD_PORT = 14999
_PORT_LOCK: asyncio.Lock | None = None


def _port_lock() -> asyncio.Lock:
    global _PORT_LOCK
    if _PORT_LOCK is None:
        _PORT_LOCK = asyncio.Lock()
    return _PORT_LOCK


async def allocate_port(config: Config) -> int:
    """One TCP/UDP port for a DRBD disk, recorded in the cluster object at once."""
    async with _port_lock():
        cluster = await config.cluster()
        changed = cluster.copy()
        pool = list(changed.data.get("tcpudp_port_pool") or [])
        if pool:
            port = int(pool.pop(0))
            changed.data["tcpudp_port_pool"] = pool
        else:
            port = int(changed.data.get("highest_used_port", 10999)) + 1
            if port > LAST_DRBD_PORT:
                raise OpPrereqError("The highest used port is greater than 14999. Aborting.", "insufficient_resources")
            changed.data["highest_used_port"] = port
        await config.commit([Put(changed)])
        return port


async def release_ports(config: Config, ports: Iterable[int]) -> None:
    """Give ports of removed DRBD disks back to the cluster's pool."""
    ports = [p for p in ports if p]
    if not ports:
        return
    async with _port_lock():
        cluster = await config.cluster()
        changed = cluster.copy()
        pool = list(changed.data.get("tcpudp_port_pool") or [])
        pool.extend(p for p in ports if p not in pool)
        changed.data["tcpudp_port_pool"] = pool
        await config.commit([Put(changed)])


async def used_minors(config: Config, node_uuid: str) -> set[int]:
    used: set[int] = set()
    for disk in await config.objects("disk"):
        if disk.data.get("dev_type") == "drbd":
            lid = disk.data.get("logical_id") or []
            for node, minor in ((lid[0], lid[3]), (lid[1], lid[4])) if len(lid) == 6 else ():
                if node == node_uuid:
                    used.add(int(minor))
    return used


async def allocate_minors(config: Config, node_uuids: list[str]) -> list[int]:
    """The lowest free minor on each node, in order; a node may be named more than once."""
    taken: dict[str, set[int]] = {}
    minors = []
    for node in node_uuids:
        if node not in taken:
            taken[node] = await used_minors(config, node)
        minor = 0
        while minor in taken[node]:
            minor += 1
        taken[node].add(minor)
        minors.append(minor)
    return minors


async def new_secret(config: Config) -> str:
    existing = {
        str((d.data.get("logical_id") or [None] * 6)[5])
        for d in await config.objects("disk") if d.data.get("dev_type") == "drbd"
    }
    while True:
        secret = secrets.token_hex(20)
        if secret not in existing:
            return secret


def minor_on(disk: ConfigObject, node_uuid: str) -> int:
    lid = disk.data["logical_id"]
    if lid[0] == node_uuid:
        return int(lid[3])
    if lid[1] == node_uuid:
        return int(lid[4])
    raise OpExecError(f"Disk {disk.data.get('iv_name')} has no DRBD half on node {node_uuid}")


def peer_of(disk: ConfigObject, node_uuid: str) -> str:
    lid = disk.data["logical_id"]
    return str(lid[1] if lid[0] == node_uuid else lid[0])


def half_spec(disk: ConfigObject, node: ConfigObject, peer: ConfigObject | None,
              instance_name: str, index: int, primary: bool) -> node_pb2.DiskSpec:
    """The request for ``node``'s half of ``disk``; no peer means standalone."""
    lid = disk.data["logical_id"]
    drbd = node_pb2.DrbdSpec(
        minor=minor_on(disk, node.uuid), port=int(lid[2]), secret=str(lid[5]), primary=primary,
    )
    if peer is not None:
        drbd.peer_node = peer.name
        drbd.peer_address = str(peer.data.get("secondary_ip") or peer.data.get("primary_ip") or "")
        drbd.peer_minor = minor_on(disk, peer.uuid)
    return node_pb2.DiskSpec(
        uuid=disk.uuid, dev_type="drbd", size_mib=disk.data["size"], instance_name=instance_name,
        index=index, drbd=drbd,
    )


async def create_half(lu: LogicalUnit, disk: ConfigObject, node: ConfigObject,
                      peer: ConfigObject | None, instance_name: str, index: int, primary: bool) -> None:
    await lu.ctx.rpc.call(
        node, lambda s: s.DiskCreate,
        node_pb2.DiskCreateRequest(disk=half_spec(disk, node, peer, instance_name, index, primary)),
    )


async def remove_half(lu: LogicalUnit, disk: ConfigObject, node: ConfigObject,
                      instance_name: str, index: int) -> None:
    await lu.ctx.rpc.call(
        node, lambda s: s.DiskRemove,
        node_pb2.DiskRemoveRequest(disk=node_pb2.DiskSpec(
            uuid=disk.uuid, dev_type="drbd", size_mib=disk.data["size"],
            instance_name=instance_name, index=index,
        )),
    )


async def create_instance_disks(
    lu: LogicalUnit, instance_name: str, instance_uuid: str, pnode: ConfigObject,
    snode: ConfigObject, sizes: list[int], given: list[dict[str, Any]],
) -> list[ConfigObject]:
    """Generate the DRBD layout and create both halves of every disk (undone on failure)."""
    config = lu.ctx.config
    disks: list[ConfigObject] = []
    created: list[tuple[ConfigObject, ConfigObject, int]] = []
    ports: list[int] = []
    try:
        minors = await allocate_minors(config, [pnode.uuid, snode.uuid] * len(sizes))
        for index, size in enumerate(sizes):
            port = await allocate_port(config)
            ports.append(port)
            disk_uuid = str(uuidlib.uuid4())
            disk = ConfigObject("disk", disk_uuid, f"{instance_uuid}/disk{index}", {
                "dev_type": "drbd", "size": size,
                "logical_id": [pnode.uuid, snode.uuid, port, minors[2 * index],
                               minors[2 * index + 1], await new_secret(config)],
                "children": [{"dev_type": "file", "size": size,
                              "logical_id": ["loop", f"{disk_uuid}.disk{index}_data"]}],
                "mode": given[index].get("mode", "rw"), "name": given[index].get("name"),
                "iv_name": f"disk/{index}", "nodes": [pnode.uuid, snode.uuid],
                "instance": instance_uuid, "params": {},
            })
            lu.log_info(f"Creating disk {index} ({size} MiB) on {pnode.name} and {snode.name}")
            for node, peer, primary in ((snode, pnode, False), (pnode, snode, True)):
                await create_half(lu, disk, node, peer, instance_name, index, primary)
                created.append((disk, node, index))
            disks.append(disk)
    except RpcError as exc:
        for disk, node, index in reversed(created):
            try:
                await remove_half(lu, disk, node, instance_name, index)
            except RpcError as undo:
                lu.log_warning(f"Could not remove disk {index} on {node.name}: {undo.message}")
        await release_ports(config, ports)
        raise OpExecError(f"Can't create disks for instance {instance_name}: {exc.message}") from None
    return disks


async def disk_states(lu: LogicalUnit, node: ConfigObject, disks: list[ConfigObject]) -> list[node_pb2.DrbdState]:
    reply = await lu.ctx.rpc.call(
        node, lambda s: s.DrbdStatus, node_pb2.DrbdStatusRequest(uuids=[d.uuid for d in disks]),
    )
    return list(reply.disks)


async def degraded_on(lu: LogicalUnit, node: ConfigObject, disks: list[ConfigObject]) -> list[int]:
    """Indices of the disks whose half on ``node`` is missing, out of sync or disconnected."""
    states = await disk_states(lu, node, disks)
    return [
        index for index, st in enumerate(states)
        if not st.exists or st.disk_state != "UpToDate" or st.connection != "Connected"
    ]


async def wait_for_sync(lu: LogicalUnit, disks: list[ConfigObject], nodes: list[ConfigObject],
                        polls: int = 30) -> bool:
    """Wait until every half is connected and up to date; False when still degraded."""
    for attempt in range(polls):
        worst = 100.0
        done = True
        for node in nodes:
            for st in await disk_states(lu, node, disks):
                if not st.exists:
                    return False
                worst = min(worst, st.sync_percent)
                done = done and st.disk_state == "UpToDate" and st.connection == "Connected"
        if done:
            return True
        lu.ctx.log(f"   - progress: {worst:.1f}%")
        await asyncio.sleep(min(2.0, 0.1 * (attempt + 1)))
    return False


async def set_role(lu: LogicalUnit, node: ConfigObject, disks: list[ConfigObject], primary: bool,
                   allow_two_primaries: bool = False) -> None:
    for disk in disks:
        await lu.ctx.rpc.call(
            node, lambda s: s.DrbdSetRole,
            node_pb2.DrbdSetRoleRequest(uuid=disk.uuid, primary=primary,
                                        allow_two_primaries=allow_two_primaries),
        )
