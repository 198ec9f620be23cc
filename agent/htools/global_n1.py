"""Global N+1 redundancy, the "capacity checks" (spec §11.2; Ganeti `GlobalN1.hs`).

A node can be evacuated when, inside its group and starting from the current
state, its DRBD instances can all fail over, its freely movable instances can
all be moved to other nodes, and the rest can be re-created elsewhere by
single-node allocation (largest memory first), soft errors ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from .allocation import AllocElement, try_alloc_single
from .errors import HtoolsError
from .evacuate import EvacMode, EvacuationError, node_evac_instance
from .instance import NO_NODE, Instance
from .moves import Move, MoveKind, apply_move
from .node import Node
from .types import DiskTemplate, FailMode

NodeMap = Mapping[int, Node]
InstanceMap = Mapping[int, Instance]

FREELY_MOVABLE = frozenset({DiskTemplate.DISKLESS, DiskTemplate.SHAREDFILE, DiskTemplate.RBD,
                            DiskTemplate.EXT, DiskTemplate.GLUSTER})
"""Templates moved by evacuation; all others except DRBD are re-created."""


class MissingNodeError(HtoolsError):
    """An instance refers to a node outside the node map (Ganeti aborts on this)."""


def _missing(idx: int) -> MissingNodeError:
    return MissingNodeError(f"IntMap.!: key {idx} is not an element of the map")


def can_evacuate_node(nodes: NodeMap, instances: InstanceMap, ndx: int) -> bool:
    """Whether node `ndx` can be emptied within its group (Ganeti `canEvacuateNode`).

    Raises `MissingNodeError` when a DRBD instance to fail over has its
    secondary outside `nodes` (Ganeti crashes there).
    """
    node = nodes[ndx]
    drbd = [i for i in node.plist if instances[i].disk_template is DiskTemplate.DRBD]
    others = [i for i in node.plist if instances[i].disk_template is not DiskTemplate.DRBD]
    shared = [i for i in others if instances[i].disk_template in FREELY_MOVABLE]
    fixed = [i for i in others if instances[i].disk_template not in FREELY_MOVABLE]
    cur = dict(nodes)
    insts = dict(instances) if drbd or shared else instances
    for iidx in drbd:
        inst = insts[iidx]
        if inst.snode not in cur:
            raise _missing(inst.snode)
        res = apply_move(cur, inst, Move(MoveKind.FAILOVER), True)
        if isinstance(res, FailMode):
            return False
        cur.update(res.nodes)
        insts[iidx] = res.instance  # type: ignore[index]
    group = node.group
    escape = [i for i, n in cur.items() if n.group == group and i != ndx]
    for iidx in shared:
        try:
            ev = node_evac_instance(cur, insts[iidx], EvacMode.PRIMARY_ONLY, group, escape, True)
        except EvacuationError:
            return False
        cur = ev.nodes
        insts[iidx] = ev.instance  # type: ignore[index]
    # stable sort: equal memory keeps primary-list order
    for inst in sorted((insts[i] for i in fixed), key=lambda i: -i.mem):
        sol = try_alloc_single(cur, inst, escape, True) if escape else None
        if sol is None or sol.solution is None:
            return False
        cur.update(sol.solution.changed)
    return True


def failing_nodes(nodes: NodeMap, instances: InstanceMap,
                  only: Iterable[int] | None = None) -> list[int]:
    """Nodes (all of `nodes`, or those in `only`) that cannot be evacuated.

    Most nodes are decided by their limits alone (`QuickEvacuation`: the failovers
    their secondaries can take, one node that could take all the rest); only the
    others are simulated. Exclusive storage counts spindles the limits do not see:
    every node is simulated there.
    """
    check = list(nodes) if only is None else list(only)
    if any(n.excl_storage for n in nodes.values()):
        return [n for n in check if not can_evacuate_node(nodes, instances, n)]
    from .iallocator.capacity import QuickEvacuation

    quick = QuickEvacuation(nodes, instances)
    out = []
    for ndx in check:
        verdict = quick.verdict(ndx, {}, instances)
        if not (verdict[0] if verdict is not None else can_evacuate_node(nodes, instances, ndx)):
            out.append(ndx)
    return out


def redundant(nodes: NodeMap, instances: InstanceMap, accept_existing: bool = False,
              ignore_groups: Iterable[int] = ()) -> bool:
    """Whether every node (online only with `accept_existing`) can be evacuated."""
    skip = set(ignore_groups)
    for idx, node in nodes.items():
        if node.group in skip or (accept_existing and node.offline):
            continue
        if not can_evacuate_node(nodes, instances, idx):
            return False
    return True


def redundant_group(nodes: NodeMap, instances: InstanceMap, gdx: int,
                    accept_existing: bool = False, ignore_groups: Iterable[int] = ()) -> bool:
    """`redundant` restricted to the nodes of one group."""
    sub = {i: n for i, n in nodes.items() if n.group == gdx}
    return redundant(sub, instances, accept_existing, ignore_groups)


def placed_state(nodes: NodeMap, instances: InstanceMap,
                 elem: AllocElement) -> tuple[dict[int, Node], dict[int, Instance]]:
    """Cluster after an allocation; a new instance (index < 0) gets the next free index."""
    new_nodes = elem.apply(nodes)
    new_insts = dict(instances)
    inst = elem.instance
    if inst.idx < 0:
        new_idx = max(new_insts, default=-1) + 1
        for ndx in elem.node_ids:
            fixed = new_nodes[ndx].clone()
            for attr in ("plist", "slist", "plist_forth", "slist_forth"):
                setattr(fixed, attr, [new_idx if i < 0 else i for i in getattr(fixed, attr)])
            new_nodes[ndx] = fixed
        inst = _with_idx(inst, new_idx)
    new_insts[inst.idx] = inst
    return new_nodes, new_insts


def _with_idx(inst: Instance, idx: int) -> Instance:
    from dataclasses import replace

    return replace(inst, idx=idx)


def alloc_global_n1(nodes: NodeMap, instances: InstanceMap, accept_existing: bool = False,
                    ignore_groups: Iterable[int] = ()) -> Callable[[AllocElement], bool]:
    """The capacity filter for allocation: is the cluster redundant after `elem`?"""
    def check(elem: AllocElement) -> bool:
        new_nodes, new_insts = placed_state(nodes, instances, elem)
        return redundant(new_nodes, new_insts, accept_existing, ignore_groups)
    return check


__all__ = ["FREELY_MOVABLE", "MissingNodeError", "NO_NODE", "alloc_global_n1",
           "can_evacuate_node", "failing_nodes", "placed_state", "redundant", "redundant_group"]
