"""allocate-secondary: a secondary node for an instance converting to DRBD (Ganeti 2.16+).

Ganeti `AllocateSecondary.tryAllocateSecondary`: the instance is lifted off
its primary, turned into DRBD and placed on (primary, S) for every other node
S of the primary's group, offline ones included; the capacity check sees the
instance list as it was (the instance still plain on its primary).
"""

from __future__ import annotations

from dataclasses import replace

from ..allocation import AllocSolution, annotate_solution
from ..cluster import ClusterData
from ..instance import NO_NODE
from ..types import DiskTemplate
from .allocate import RequestFailed
from .capacity import CapacityFilter
from .fast_alloc import fast_alloc_pair
from .request import AllocateSecondary, IAllocOptions


def allocate_secondary(opts: IAllocOptions, data: ClusterData, body: AllocateSecondary
                       ) -> AllocSolution:
    """The best secondary for the instance, with the primary fixed."""
    inst = data.instances[body.instance]
    if inst.snode != NO_NODE:
        raise RequestFailed("Instance already has a secondary")
    pdx = inst.pnode
    nodes = {n.idx: n for n in data.nodes}
    nodes[pdx] = nodes[pdx].remove_primary(inst)
    drbd = replace(inst, disk_template=DiskTemplate.DRBD)
    gdx = nodes[pdx].group
    secs = [i for i, n in nodes.items() if n.group == gdx and i != pdx]
    insts = {i.idx: i for i in data.instances}

    pred = CapacityFilter(nodes, insts, keep_instances=True) if opts.capacity else None
    if not secs:
        raise RequestFailed("Not enough online nodes")
    sol = fast_alloc_pair(nodes, drbd, [([pdx], [pdx, *secs])], opts.ignore_soft_errors, pred)
    return annotate_solution(sol, lambda i: nodes[i].name)
