"""Node choices through an allocator, for every logical unit that needs one.

``ask_allocator`` is the one path: it reads the configuration and the nodes'
live figures, sends one IAllocator request (any type) to the allocator named
by the opcode or the cluster default, and returns the checked answer. The
``choose_*`` and ``evacuation_jobs`` helpers are its uses per request type.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from agent.errors import OpExecError, OpPrereqError, RpcError
from agent.master.iallocator import (
    AllocateRequest,
    AllocateSecondaryRequest,
    Answer,
    ChangeGroupRequest,
    NodeEvacuateRequest,
    NodeLive,
    RelocateRequest,
    Request,
    Snapshot,
    call,
)
from agent.master.iallocator.runner import DEFAULT_TIMEOUT
from agent.store import ConfigObject
from protos import node_pb2

if TYPE_CHECKING:
    from agent.master.config import Config
    from agent.master.lu.base import LogicalUnit

DEFAULT_ALLOCATOR_SHORTCUT = "."
LIVE_TIMEOUT = 30.0


async def iallocator_or_node(config: Config, iallocator: str | None, node: Any) -> str | None:
    """The allocator to use, or None when a node was given (Ganeti's CheckIAllocatorOrNode)."""
    if node in ([], ""):
        node = None
    if node is not None and iallocator is not None:
        raise OpPrereqError("Do not specify both, iallocator and node", "wrong_input")
    if iallocator is not None and iallocator != DEFAULT_ALLOCATOR_SHORTCUT:
        return iallocator
    if node is not None:
        return None
    default = (await config.cluster()).data.get("default_iallocator")
    if not default:
        raise OpPrereqError(
            "No iallocator or node given and no cluster-wide default iallocator found; please "
            "specify either an iallocator or a node, or set a cluster-wide default iallocator",
            "wrong_input",
        )
    return str(default)


async def _node_live(lu: LogicalUnit, node: ConfigObject) -> tuple[str, NodeLive]:
    rpc = lu.ctx.rpc
    try:
        info, listing = await asyncio.gather(
            rpc.call(node, lambda s: s.NodeInfo, node_pb2.NodeInfoRequest(), timeout=LIVE_TIMEOUT),
            rpc.call(node, lambda s: s.InstanceList, node_pb2.InstanceListRequest(), timeout=LIVE_TIMEOUT),
        )
    except RpcError as exc:
        raise OpPrereqError(f"Can't get data for node {node.name}: {exc.message}", "environment_error") from None
    return node.uuid, NodeLive(
        memory_total=int(info.memory_total_mib),
        memory_free=int(info.memory_free_mib),
        memory_node=int(info.memory_node_mib),
        cpu_total=int(info.cpu_count),
        disk_total=int(info.disk_total_mib),
        disk_free=int(info.disk_free_mib),
        running={i.name: int(i.memory_mib) for i in listing.instances},
    )


async def cluster_snapshot(lu: LogicalUnit) -> Snapshot:
    """The configuration and the live figures of every online vm-capable node."""
    config = lu.ctx.config
    cluster = await config.cluster()
    groups = await config.objects("group")
    nodes = await config.objects("node")
    instances = await config.objects("instance")
    disks = {d.uuid: d for d in await config.objects("disk")}
    wanted = [n for n in nodes if not n.data.get("offline") and n.data.get("vm_capable", True)]
    live = dict(await asyncio.gather(*(_node_live(lu, n) for n in wanted)))
    return Snapshot(cluster, groups, nodes, instances, disks, live)


async def ask_allocator(
    lu: LogicalUnit,
    allocator: str,
    request: Request,
    failure: str | None = "Can't compute nodes",
    timeout: float = DEFAULT_TIMEOUT,
) -> Answer:
    """Send one request of any type to ``allocator`` and return its checked answer.

    With ``failure`` set, an answer saying the request cannot be met raises
    ``"<failure> using iallocator '<name>': <its reason>"``; with None it is returned.
    """
    snap = await cluster_snapshot(lu)
    exchange = await call(allocator, snap, request, allocator_options(snap.cluster.data), timeout)
    answer = exchange.answer
    if failure is not None and not answer.success:
        raise OpPrereqError(f"{failure} using iallocator '{allocator}': {answer.info}", "insufficient_resources")
    return answer


def allocator_options(cluster: dict[str, Any]) -> dict[str, str | None]:
    """The cluster's allocator parameters as command-line options (a bare flag for true or no value)."""
    out: dict[str, str | None] = {}
    for key, value in (cluster.get("default_iallocator_params") or {}).items():
        if value is False:
            continue
        out[str(key)] = None if value is None or value is True else str(value)
    return out


def new_instance_request(
    op: dict[str, Any],
    disk_template: str,
    hypervisor: str,
    beparams: dict[str, Any],
    disk_sizes: Sequence[int],
    nics: Sequence[dict[str, Any]],
    volume_group: str | None = None,
) -> AllocateRequest:
    """The allocate request for an OP_INSTANCE_CREATE (``beparams`` filled with the defaults)."""
    disks = []
    for index, size in enumerate(disk_sizes):
        given = op["disks"][index] if index < len(op["disks"]) else {}
        disk: dict[str, Any] = {
            "size": size,
            "mode": given.get("mode", "rw"),
            "vg": given.get("vg", volume_group),
            "name": given.get("name"),
            "dev_type": disk_template,
        }
        for key in ("metavg", "spindles"):
            if key in given:
                disk[key] = given[key]
        disks.append(disk)
    return AllocateRequest(
        name=op["instance_name"],
        disk_template=disk_template,
        memory=int(beparams["maxmem"]),
        vcpus=int(beparams["vcpus"]),
        spindle_use=int(beparams["spindle_use"]),
        disks=disks,
        nics=list(nics),
        os=op.get("os_type") or "",
        tags=list(op.get("tags") or []),
        hypervisor=hypervisor,
        group_name=op.get("group_name"),
    )


async def choose_nodes_for_new_instance(
    lu: LogicalUnit, allocator: str, request: AllocateRequest
) -> list[ConfigObject]:
    """Ask the allocator where a new instance goes; its primary (and secondary) node."""
    answer = await ask_allocator(lu, allocator, request)
    names: list[str] = list(answer.result)
    nodes = [await lu.ctx.config.node(name) for name in names]
    lu.log_info(
        f"Selected nodes for instance {request.name} via iallocator {allocator}: {', '.join(names)}"
    )
    return nodes


async def choose_relocation_target(
    lu: LogicalUnit, allocator: str, instance_name: str, relocate_from: Sequence[str]
) -> ConfigObject:
    """The node that replaces ``relocate_from`` (node names) for an instance: a new
    secondary for DRBD, a new primary for externally mirrored templates."""
    answer = await ask_allocator(lu, allocator, RelocateRequest(instance_name, tuple(relocate_from)))
    (name,) = answer.result
    return await lu.ctx.config.node(name)


async def choose_secondary(lu: LogicalUnit, allocator: str, instance_name: str) -> ConfigObject:
    """A secondary node for an instance converting from plain to DRBD."""
    answer = await ask_allocator(
        lu, allocator, AllocateSecondaryRequest(instance_name), failure="Can's find secondary node"
    )
    lu.log_info(f"{allocator} choose {answer.result} as new secondary")
    return await lu.ctx.config.node(str(answer.result))


async def evacuation_jobs(
    lu: LogicalUnit, allocator: str, request: NodeEvacuateRequest | ChangeGroupRequest,
    failure: str = "Can't compute node evacuation",
) -> list[list[dict[str, Any]]]:
    """The jobs (lists of opcodes) that carry out a node-evacuate or change-group answer."""
    answer = await ask_allocator(lu, allocator, request, failure=failure)
    moved, failed, jobs = answer.result
    if failed:
        reasons = ", ".join(f"{name} ({reason})" for name, reason in failed)
        lu.log_warning(f"Unable to evacuate instances {reasons}")
        raise OpExecError(f"Unable to evacuate instances {reasons}")
    if moved:
        by_nodes = isinstance(request, NodeEvacuateRequest)
        lu.log_info("Instances to be moved: " + ", ".join(
            f"{name} (to {', '.join(nodes) if by_nodes else group})" for name, group, nodes in moved
        ))
    return [[dict(op) for op in job] for job in jobs]
