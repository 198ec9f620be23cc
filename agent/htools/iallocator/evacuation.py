"""Requests that move existing instances: node-evacuate, change-group and relocate.

Ganeti `Evacuate.tryNodeEvac`, `Cluster.tryChangeGroup` and
`IAlloc.processRelocate` on top of `agent.htools.evacuate`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..cluster import ClusterData
from ..evacuate import EvacMode, EvacuationError, try_node_evac
from ..instance import NO_NODE, Instance
from ..jobs import instance_move_opcodes
from ..moves import Move
from ..node import Node
from ..types import DiskTemplate, MirrorType
from .allocate import RequestFailed, find_best_alloc_group
from .fast_evac import evac_instance
from .request import ChangeGroup, IAllocOptions, NewInstance, NodeEvacuate, Relocate


@dataclass
class EvacOutcome:
    """What node-evacuate and change-group answer, plus the final cluster."""

    nodes: dict[int, Node]
    instances: dict[int, Instance]
    moved: list[tuple[int, int, list[int]]] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)
    jobs: list[list[dict[str, Any]]] = field(default_factory=list)


def _jobs(moves: Sequence[Move], inst: Instance, nodes: Mapping[int, Node]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for move in moves:
        out.extend(instance_move_opcodes(inst.name, inst.forthcoming, move,
                                         lambda i: nodes[i].name))
    return out


def node_evacuate(opts: IAllocOptions, data: ClusterData, body: NodeEvacuate) -> EvacOutcome:
    """node-evacuate: each listed instance off its nodes, within its group (`tryNodeEvac`)."""
    res = try_node_evac({n.idx: n for n in data.nodes}, {i.idx: i for i in data.instances},
                        body.mode, body.instances, opts.ignore_soft_errors, evac_instance)
    jobs = [_jobs(moves, res.instances[iidx], res.nodes) for iidx, moves in res.moves]
    return EvacOutcome(res.nodes, res.instances, res.moved, res.failed, jobs)


def change_group(opts: IAllocOptions, data: ClusterData, body: ChangeGroup,
                 networks: Mapping[int, tuple[str, ...]]) -> EvacOutcome:
    """change-group: each instance to the best of the target groups (Ganeti `tryChangeGroup`)."""
    ini_nodes = {n.idx: n for n in data.nodes}
    ini_insts = {i.idx: i for i in data.instances}
    evac_groups: list[int] = []
    for iidx in body.instances:
        gdx = ini_nodes[ini_insts[iidx].pnode].group
        if gdx not in evac_groups:
            evac_groups.append(gdx)
    wanted = list(body.target_groups) if body.target_groups else [g.idx for g in data.groups]
    targets = [g for g in wanted if g not in evac_groups]
    offline = {i for i, n in ini_nodes.items() if n.offline}
    group_nodes: dict[int, list[int]] = {}
    for idx, node in ini_nodes.items():
        group_nodes.setdefault(node.group, []).append(idx)
    out = EvacOutcome(dict(ini_nodes), dict(ini_insts))
    for iidx in body.instances:
        inst = ini_insts[iidx]
        count = inst.disk_template.required_nodes
        new = NewInstance(inst, count, None, networks.get(iidx, ()))
        try:
            choice = find_best_alloc_group(opts, data, out.nodes, out.instances, targets, new,
                                           count, opts.restrict_to)
            gdx = choice.group.idx
            if gdx not in group_nodes:
                raise EvacuationError(f"Can't find group with index {gdx}")
            avail = [n for n in group_nodes[gdx] if n not in offline]
            res = evac_instance(out.nodes, inst, EvacMode.ALL, gdx, avail, False)
        except (RequestFailed, EvacuationError) as err:
            out.failed.append((iidx, str(err)))
            continue
        out.nodes = res.nodes
        out.instances[iidx] = res.instance
        new_inst = res.instance
        out.moved.append((iidx, res.nodes[new_inst.pnode].group, new_inst.all_nodes))
        out.jobs.append(_jobs(res.moves, new_inst, res.nodes))
    return out


def relocate(opts: IAllocOptions, data: ClusterData, body: Relocate
             ) -> tuple[dict[int, Node], dict[int, Instance], list[int]]:
    """relocate: new secondary (DRBD) or primary (external mirror); Ganeti `processRelocate`."""
    if body.required_nodes != 1:
        raise RequestFailed(f"Exchange {body.required_nodes} nodes mode is not implemented")
    orig = data.instances[body.instance]
    mirror = orig.mirror
    if mirror is MirrorType.NONE:
        raise RequestFailed("Can't relocate non-mirrored instances")
    if mirror is MirrorType.INTERNAL:
        expected, what, mode = orig.snode, "secondary", EvacMode.SECONDARY_ONLY
    else:
        expected, what, mode = orig.pnode, "primary", EvacMode.PRIMARY_ONLY
    if list(body.relocate_from) != [expected]:
        shown = "[" + ",".join(str(i) for i in body.relocate_from) + "]"
        raise RequestFailed("Unsupported request: excluded nodes not equal to instance's "
                            f"{what}({expected} versus {shown})")
    res = node_evacuate(opts, data, NodeEvacuate((body.instance,), mode))
    for iidx, msg in res.failed:
        if iidx == body.instance:
            raise RequestFailed(msg)
    new = res.instances[body.instance]
    if mirror is MirrorType.INTERNAL:
        if new.snode == orig.snode or new.snode in (new.pnode, NO_NODE):
            raise RequestFailed("Internal error: instance didn't change secondary node?!")
        if new.disk_template is not DiskTemplate.DRBD:
            raise RequestFailed("Internal error: mirror type changed during relocation")
        return res.nodes, res.instances, [new.snode]
    if new.pnode == orig.pnode:
        raise RequestFailed("Internal error: instance didn't change primary node?!")
    return res.nodes, res.instances, [new.pnode]
