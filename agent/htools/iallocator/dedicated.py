"""allocate and multi-allocate on dedicated (exclusive-storage) groups (Ganeti `runDedicatedAllocation`).

Same group choice and answers as the normal path, but placements are ranked
by the lost-allocations metric of `agent.htools.dedicated` and there is no
capacity filter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..allocation import AllocationError, gen_alloc_nodes
from ..cluster import ClusterData
from ..dedicated import DedicatedAllocator, MetricSolution, describe
from ..instance import Instance
from ..node import Node
from .allocate import RequestFailed, has_required_networks
from .request import IAllocOptions, NewInstance


def _group_line(data: ClusterData, gdx: int, outcome: MetricSolution | str) -> list[str]:
    group = data.groups[gdx]
    if isinstance(outcome, str):
        return [f"Group {group.name}: error {outcome}"]
    return [f"Group {group.name} ({group.alloc_policy.raw}): {line}" for line in outcome.log]


def find_allocation(opts: IAllocOptions, data: ClusterData, nodes: Mapping[int, Node], gdx: int,
                    new: NewInstance, restrict: Sequence[str] | None) -> MetricSolution:
    """Dedicated allocation within one group; the log is the group's description."""
    group = data.groups[gdx]
    inst = new.instance
    if not has_required_networks(group, new.networks):
        raise RequestFailed(f"The group {group.name} is not connected to a network required "
                            f"by instance {inst.name}")
    gnodes = {i: n for i, n in nodes.items() if n.group == gdx}
    try:
        cands = gen_alloc_nodes(gnodes.values(), new.required_nodes, restrict_to=restrict)
    except AllocationError as err:
        raise RequestFailed(str(err)) from None
    alloc = DedicatedAllocator(gnodes, opts.ignore_soft_errors)
    if new.required_nodes == 1:
        if not cands:
            raise RequestFailed("No online nodes")
        sol = alloc.try_single(inst, cands)  # type: ignore[arg-type]
    else:
        if not cands:
            raise RequestFailed("Not enough online nodes")
        sol = alloc.try_pairs(inst, cands)  # type: ignore[arg-type]
    sol.log = [describe(sol, lambda i: gnodes[i].name), *sol.log]
    return sol


def _with_group_log(data: ClusterData, gdx: int, sol: MetricSolution) -> MetricSolution:
    return MetricSolution(sol.failures, sol.allocs, sol.solution, _group_line(data, gdx, sol))


@dataclass
class DedicatedChoice:
    """The winning group and its solution (log: `Selected group` + every group's line)."""

    gdx: int
    solution: MetricSolution


def find_mg_allocation(opts: IAllocOptions, data: ClusterData, nodes: Mapping[int, Node],
                       new: NewInstance, restrict: Sequence[str] | None) -> DedicatedChoice:
    """Dedicated allocation in the best group (Ganeti `findMGAllocation`)."""
    results: list[tuple[int, MetricSolution | str]] = []
    for gdx in sorted({n.group for n in nodes.values()}):
        try:
            outcome: MetricSolution | str = find_allocation(opts, data, nodes, gdx, new, restrict)
        except RequestFailed as err:
            outcome = str(err)
        results.append((gdx, outcome))
    msgs = [line for gdx, out in results for line in _group_line(data, gdx, out)]
    good = [(gdx, out) for gdx, out in reversed(results)
            if not isinstance(out, str) and out.solution is not None
            and data.groups[gdx].alloc_policy.raw != "unallocable"]
    good.sort(key=lambda go: (data.groups[go[0]].alloc_policy,
                              go[1].solution.metric))  # type: ignore[union-attr]
    if not good:
        raise RequestFailed(", ".join(msgs))
    gdx, sol = good[0]
    assert isinstance(sol, MetricSolution)
    chosen = MetricSolution(sol.failures, sol.allocs, sol.solution,
                            [f"Selected group: {data.groups[gdx].name}", *msgs])
    return DedicatedChoice(gdx, chosen)


def dedicated_allocate(opts: IAllocOptions, data: ClusterData, new: NewInstance,
                       request_restrict: Sequence[str] | None) -> MetricSolution:
    """allocate on a dedicated cluster."""
    restrict = opts.restrict_to if opts.restrict_to is not None else request_restrict
    nodes = {n.idx: n for n in data.nodes}
    if new.group_name is None:
        return find_mg_allocation(opts, data, nodes, new, restrict).solution
    gdx = _group_index(data, new.group_name)
    return _with_group_log(data, gdx, find_allocation(opts, data, nodes, gdx, new, restrict))


def _group_index(data: ClusterData, name: str) -> int:
    matches = [g for g in data.groups if name in (g.name, g.uuid)]
    if len(matches) != 1:
        raise RequestFailed(f"Wrong number of elems found with name {name}")
    return matches[0].idx


@dataclass
class DedicatedMulti:
    """Per instance its dedicated solution, in request order."""

    nodes: dict[int, Node]
    instances: dict[int, Instance]
    results: list[tuple[NewInstance, MetricSolution]]


def dedicated_allocate_list(opts: IAllocOptions, data: ClusterData,
                            items: Sequence[NewInstance]) -> DedicatedMulti:
    """multi-allocate on a dedicated cluster.

    As in Ganeti, an instance with a group name is placed against the original
    node list, and after a placement the node list keeps only the nodes of the
    group used.
    """
    original = {n.idx: n for n in data.nodes}
    nodes: dict[int, Node] = dict(original)
    insts: dict[int, Instance] = {i.idx: i for i in data.instances}
    results = []
    for new in items:
        if new.group_name is None:
            choice = find_mg_allocation(opts, data, nodes, new, opts.restrict_to)
            gdx, sol = choice.gdx, choice.solution
            base = nodes
        else:
            gdx = _group_index(data, new.group_name)
            sol = find_allocation(opts, data, original, gdx, new, opts.restrict_to)
            base = original
        if sol.solution is not None:
            nodes = {i: n for i, n in sol.solution.apply(base).items() if n.group == gdx}
            new_idx = max(insts, default=-1) + 1
            insts[new_idx] = sol.solution.instance
        results.append((new, sol))
    return DedicatedMulti(nodes, insts, results)
