"""The capacity filter of hail's allocations: is the cluster globally N+1 after a placement?

Ganeti `GlobalN1.allocGlobalN1` (spec §11.2): after the placement every node
must be evacuable. Checking that from scratch for each candidate costs a
simulation of the whole cluster, so the answer for every node is computed
once on the starting cluster, with the nodes it depended on, and only the
nodes whose evacuation involves a node the placement changed are looked at
again.

Evacuating node X needs, with soft errors ignored, (1) every DRBD instance
of X to fail over to its secondary, then (2)/(3) the other instances to be
moved or re-created on other nodes of the group. Step 1 only involves hard
limits of X and its secondaries. For steps 2 and 3, if one node ("witness")
can take all those instances at once (memory, disk, policy, migration tags),
every step finds a node whatever the score picks, because the limits only
compare running totals; without a witness the exact simulation of
`global_n1.can_evacuate_node` decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from ..allocation import AllocElement
from ..global_n1 import FREELY_MOVABLE, can_evacuate_node, placed_state
from ..instance import Instance
from ..node import Node
from ..policy import inst_matches_policy
from ..types import DiskTemplate

NodeMap = Mapping[int, Node]
InstMap = Mapping[int, Instance]
Verdict = tuple[bool, frozenset[int] | None]
"""(evacuable, nodes the verdict depends on; None: depends on the whole group)."""


def quick_evacuation(nodes: NodeMap, insts: InstMap, x: int,
                     members: list[int]) -> tuple[bool, frozenset[int]] | None:
    """Whether node `x` can be evacuated, by limits alone; None when it takes the simulation."""
    node = nodes[x]
    deps = {x}
    extra: dict[int, int] = {}
    rest: list[Instance] = []
    for iidx in node.plist:
        inst = insts[iidx]
        if inst.disk_template is not DiskTemplate.DRBD:
            rest.append(inst)
            continue
        y = inst.snode
        sec = nodes.get(y)
        if sec is None:
            return None
        deps.add(y)
        if not node.check_migration(sec):
            return False, frozenset(deps)
        need = inst.mem if inst.uses_memory else 0
        used = extra.get(y, 0) + need
        extra[y] = used
        if sec.unallocated_mem - used <= 0 or sec.f_dsk <= 0:
            return False, frozenset(deps)
        if node.f_dsk <= 0 and not node.offline:
            return False, frozenset(deps)
    if not rest:
        return True, frozenset(deps)
    mem = sum(i.mem for i in rest if i.uses_memory)
    local = [i for i in rest if i.local_storage]
    dsk = sum(i.dsk for i in local)
    shared = [i for i in rest if i.disk_template in FREELY_MOVABLE]
    fixed = [i for i in rest if i.disk_template not in FREELY_MOVABLE]
    start = members.index(x) if x in members else 0
    order = members[start + 1:] + members[:start]
    for t in order:
        tgt = nodes[t]
        if tgt.unallocated_mem - extra.get(t, 0) - mem <= 0:
            continue
        if local and tgt.f_dsk - dsk <= 0:
            continue
        if shared and not node.check_migration(tgt):
            continue
        if any(inst_matches_policy(i, tgt.ipolicy, tgt.excl_storage) is not None for i in fixed):
            continue
        deps.add(t)
        return True, frozenset(deps)
    return None


class CapacityFilter:
    """Predicate on placements over fixed starting node and instance maps.

    With `keep_instances` the instance map is not updated with the placed
    instance (allocate-secondary: Ganeti checks the instance list as it was).
    """

    def __init__(self, nodes: NodeMap, insts: InstMap, keep_instances: bool = False) -> None:
        self.nodes = nodes
        self.insts = insts
        self.keep_instances = keep_instances
        self.exact_only = any(n.excl_storage for n in nodes.values())
        self.members: dict[int, list[int]] = {}
        for idx, node in nodes.items():
            self.members.setdefault(node.group, []).append(idx)
        self._base: dict[int, Verdict] | None = None
        self._dependents: dict[int, set[int]] = {}
        self._blockers: list[frozenset[int]] = []

    def _verdict(self, nodes: NodeMap, insts: InstMap, x: int) -> Verdict:
        quick = quick_evacuation(nodes, insts, x, self.members[nodes[x].group])
        if quick is not None:
            return quick
        return can_evacuate_node(nodes, insts, x), None

    def _prepare(self) -> dict[int, Verdict]:
        if self._base is None:
            self._base = {x: self._verdict(self.nodes, self.insts, x) for x in self.nodes}
            for x, (_ok, deps) in self._base.items():
                for dep in deps or ():
                    self._dependents.setdefault(dep, set()).add(x)
            self._blockers = [deps for ok, deps in self._base.values()
                              if not ok and deps is not None]
        return self._base

    def rejects(self, changed: Iterable[int]) -> bool:
        """True when a placement changing these nodes surely fails the check.

        A node that cannot be evacuated now, for reasons that only involve
        nodes the placement leaves alone, still cannot be evacuated after it.
        """
        if self.exact_only:
            return False
        self._prepare()
        touched = set(changed)
        return any(not deps & touched for deps in self._blockers)

    def state_after(self, elem: AllocElement) -> tuple[dict[int, Node], InstMap]:
        """Nodes and instances after the placement."""
        if self.keep_instances:
            return elem.apply(self.nodes), self.insts
        return placed_state(self.nodes, self.insts, elem)

    def __call__(self, elem: AllocElement) -> bool:
        if self.rejects(elem.changed):
            return False
        nodes, insts = self.state_after(elem)
        if self.exact_only:
            return all(can_evacuate_node(nodes, insts, x) for x in nodes)
        base = self._prepare()
        affected = set(elem.changed)
        for idx in elem.changed:
            affected |= self._dependents.get(idx, set())
        for x in sorted(affected):
            if x in nodes and not self._verdict(nodes, insts, x)[0]:
                return False
        for x, (_ok, deps) in base.items():
            if deps is None and x not in affected and not can_evacuate_node(nodes, insts, x):
                return False
        return True
