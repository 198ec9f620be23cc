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

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..allocation import AllocElement
from ..global_n1 import FREELY_MOVABLE, can_evacuate_node
from ..instance import Instance
from ..node import Node
from ..policy import inst_matches_policy
from ..types import DiskTemplate

NodeMap = Mapping[int, Node]
InstMap = Mapping[int, Instance]
Verdict = tuple[bool, frozenset[int] | None]
"""(evacuable, nodes the verdict depends on; None: depends on the whole group)."""


class Overlay(Mapping[int, Any]):
    """A map seen through a few replaced or added entries (no copy of the base)."""

    def __init__(self, base: Mapping[int, Any], top: dict[int, Any]) -> None:
        self.base = base
        self.top = top

    def __getitem__(self, key: int) -> Any:
        if key in self.top:
            return self.top[key]
        return self.base[key]

    def __iter__(self) -> Iterator[int]:
        yield from self.base
        yield from (k for k in self.top if k not in self.base)

    def __len__(self) -> int:
        return len(self.base) + sum(1 for k in self.top if k not in self.base)

    def __contains__(self, key: object) -> bool:
        return key in self.top or key in self.base


@dataclass(frozen=True)
class _Plan:
    """What evacuating one node involves: its DRBD failovers and the rest to place."""

    drbd: tuple[tuple[int, int, bool], ...]
    """(secondary, memory it takes, migration allowed) per DRBD instance."""
    mem: int
    dsk: int
    local: bool
    shared: bool
    fixed: tuple[Instance, ...]
    rest: int
    """Number of primaries that are not DRBD."""
    missing: bool
    """A DRBD secondary lies outside the node map (left to the simulation)."""


def evacuation_plan(nodes: NodeMap, insts: InstMap, x: int) -> _Plan:
    """Summarise node `x`'s primaries for `quick_evacuation`."""
    node = nodes[x]
    drbd = []
    rest = []
    missing = False
    for iidx in node.plist:
        inst = insts[iidx]
        if inst.disk_template is not DiskTemplate.DRBD:
            rest.append(inst)
            continue
        sec = nodes.get(inst.snode)
        if sec is None:
            missing = True
            continue
        drbd.append((inst.snode, inst.mem if inst.uses_memory else 0,
                     node.check_migration(sec)))
    return _Plan(tuple(drbd), sum(i.mem for i in rest if i.uses_memory),
                 sum(i.dsk for i in rest if i.local_storage),
                 any(i.local_storage for i in rest),
                 any(i.disk_template in FREELY_MOVABLE for i in rest),
                 tuple(i for i in rest if i.disk_template not in FREELY_MOVABLE), len(rest),
                 missing)


class QuickEvacuation:
    """`quick_evacuation` over starting maps, with a few nodes replaced."""

    def __init__(self, nodes: NodeMap, insts: InstMap) -> None:
        self.nodes = nodes
        self.insts = insts
        self.members: dict[int, list[int]] = {}
        self.position: dict[int, int] = {}
        for idx, node in nodes.items():
            group = self.members.setdefault(node.group, [])
            self.position[idx] = len(group)
            group.append(idx)
        self.free = {i: (n.unallocated_mem, n.f_dsk) for i, n in nodes.items()}
        self.plans: dict[int, _Plan] = {}
        self.details: dict[int, tuple[dict[int, int], int | None, _Plan]] = {}
        """For nodes found evacuable at the start: load per secondary, witness, plan."""
        self._policy: dict[tuple[int, int, bool], bool] = {}

    def _fits_policy(self, inst: Instance, tgt: Node) -> bool:
        key = (id(inst), id(tgt.ipolicy), tgt.excl_storage)
        ok = self._policy.get(key)
        if ok is None:
            ok = inst_matches_policy(inst, tgt.ipolicy, tgt.excl_storage) is None
            self._policy[key] = ok
        return ok

    def verdict(self, x: int, over: Mapping[int, Node], insts: InstMap
                ) -> tuple[bool, frozenset[int]] | None:
        """Evacuable by limits alone (with the nodes in `over` replaced); None: simulate."""
        if x in over:
            nodes: NodeMap = Overlay(self.nodes, dict(over))
            plan = evacuation_plan(nodes, insts, x)
            node = over[x]
        else:
            plan = self.plans.get(x) or self.plans.setdefault(
                x, evacuation_plan(self.nodes, self.insts, x))
            node = self.nodes[x]
        if plan.missing:
            return None
        free = self.free

        def room(idx: int) -> tuple[int, int]:
            if idx in over:
                n = over[idx]
                return n.unallocated_mem, n.f_dsk
            return free[idx]

        deps = {x}
        extra: dict[int, int] = {}
        own_disk_full = node.f_dsk <= 0 and not node.offline
        for y, need, mig_ok in plan.drbd:
            deps.add(y)
            used = extra.get(y, 0) + need
            extra[y] = used
            mem, dsk = room(y)
            if not mig_ok or mem - used <= 0 or dsk <= 0 or own_disk_full:
                return False, frozenset(deps)
        if not plan.rest:
            if not over:
                self.details[x] = (extra, None, plan)
            return True, frozenset(deps)
        members = self.members[node.group]
        start = self.position[x]
        count = len(members)
        for step in range(1, count):
            t = members[(start + step) % count]
            mem, dsk = room(t)
            if mem - extra.get(t, 0) - plan.mem <= 0:
                continue
            if plan.local and dsk - plan.dsk <= 0:
                continue
            tgt = over[t] if t in over else self.nodes[t]
            if plan.shared and not node.check_migration(tgt):
                continue
            if not all(self._fits_policy(i, tgt) for i in plan.fixed):
                continue
            deps.add(t)
            if not over:
                self.details[x] = (extra, t, plan)
            return True, frozenset(deps)
        return None

    def still_evacuable(self, x: int, over: Mapping[int, Node], insts: InstMap) -> bool | None:
        """Re-check a node found evacuable at the start, after nodes in `over` changed.

        Only the limits of changed secondaries and of a changed witness are
        looked at again; a witness that no longer fits starts a new search.
        None: only the simulation can tell.
        """
        detail = self.details.get(x)
        if detail is None or x in over:
            verdict = self.verdict(x, over, insts)
            return verdict[0] if verdict is not None else None
        extra, witness, plan = detail
        for y, used in extra.items():
            if y in over:
                sec = over[y]
                if sec.unallocated_mem - used <= 0 or sec.f_dsk <= 0:
                    return False
        if witness is not None and witness in over:
            tgt = over[witness]
            if (tgt.unallocated_mem - extra.get(witness, 0) - plan.mem <= 0
                    or (plan.local and tgt.f_dsk - plan.dsk <= 0)):
                verdict = self.verdict(x, over, insts)
                return verdict[0] if verdict is not None else None
        return True


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
        self.quick = QuickEvacuation(nodes, insts)
        self.next_idx = max(insts, default=-1) + 1
        self._base: dict[int, Verdict] | None = None
        self._dependents: dict[int, set[int]] = {}
        self._blockers: list[frozenset[int]] = []
        self._simulated: list[int] = []

    def _verdict(self, over: Mapping[int, Node], insts: InstMap, x: int) -> Verdict:
        quick = self.quick.verdict(x, over, insts)
        if quick is not None:
            return quick
        nodes = Overlay(self.nodes, dict(over)) if over else self.nodes
        return can_evacuate_node(nodes, insts, x), None

    def _prepare(self) -> dict[int, Verdict]:
        if self._base is None:
            self._base = {x: self._verdict({}, self.insts, x) for x in self.nodes}
            for x, (_ok, deps) in self._base.items():
                for dep in deps or ():
                    self._dependents.setdefault(dep, set()).add(x)
            self._blockers = [deps for ok, deps in self._base.values()
                              if not ok and deps is not None]
            self._simulated = [x for x, (_ok, deps) in self._base.items() if deps is None]
        return self._base

    def rejects(self, changed: Iterable[int]) -> bool:
        """True when a placement surely fails the check.

        A node that cannot be evacuated now by its limits alone cannot be
        after a placement either: placing only takes memory and disk away.
        """
        if self.exact_only:
            return False
        self._prepare()
        return bool(self._blockers)

    def state_after(self, elem: AllocElement) -> tuple[dict[int, Node], InstMap]:
        """Replaced nodes and the instances after the placement (views, no copies)."""
        if self.keep_instances:
            return dict(elem.changed), self.insts
        inst = elem.instance
        if inst.idx >= 0:
            return dict(elem.changed), Overlay(self.insts, {inst.idx: inst})
        new_idx = self.next_idx
        changed = {}
        for ndx, node in elem.changed.items():
            fixed = node.clone()
            for attr in ("plist", "slist", "plist_forth", "slist_forth"):
                setattr(fixed, attr, [new_idx if i < 0 else i for i in getattr(fixed, attr)])
            changed[ndx] = fixed
        return changed, Overlay(self.insts, {new_idx: replace(inst, idx=new_idx)})

    def __call__(self, elem: AllocElement) -> bool:
        if self.rejects(elem.changed):
            return False
        over, insts = self.state_after(elem)
        if self.exact_only:
            nodes = Overlay(self.nodes, over)
            return all(can_evacuate_node(nodes, insts, x) for x in nodes)
        self._prepare()
        affected = set(over)
        for idx in over:
            affected |= self._dependents.get(idx, set())
        for x in sorted(affected):
            if x not in self.nodes:
                continue
            ok = self.quick.still_evacuable(x, over, insts)
            if ok is None:
                ok = self._verdict(over, insts, x)[0]
            if not ok:
                return False
        for x in self._simulated:
            if x not in affected and not self._verdict(over, insts, x)[0]:
                return False
        return True
