"""Placing new instances: one group or the best group, one instance or a list (spec §9.4).

Ganeti `Cluster.tryAlloc`, `findAllocation`, `findBestAllocGroup`,
`tryMGAlloc`, `tryGroupAlloc` and `allocList` over node and instance maps.
Failures that end the request raise `RequestFailed` with Ganeti's text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from ..allocation import AllocationError, AllocSolution, annotate_solution, gen_alloc_nodes
from ..cluster import ClusterData
from ..errors import HtoolsError
from ..global_n1 import placed_state
from ..group import Group
from ..instance import Instance
from ..node import Node
from .capacity import CapacityFilter
from .fast_alloc import Runs, fast_alloc_pair, fast_alloc_single, pair_runs
from .haskell_show import show_group, show_list
from .request import IAllocOptions, NewInstance

NodeMap = Mapping[int, Node]
InstMap = Mapping[int, Instance]


class RequestFailed(HtoolsError):
    """The request cannot be satisfied; the message is the answer's reason."""


def restriction(opts: IAllocOptions, request_list: Sequence[str] | None) -> tuple[str, ...] | None:
    """The command line's node restriction, else the request's."""
    if opts.restrict_to is not None:
        return opts.restrict_to
    return None if request_list is None else tuple(request_list)


def has_required_networks(group: Group, networks: Sequence[str]) -> bool:
    """Whether the group is connected to every network the instance's NICs name."""
    return all(net in group.networks for net in networks)


def try_alloc(opts: IAllocOptions, nodes: NodeMap, insts: InstMap, inst: Instance,
              cands: list[int] | Runs, count: int) -> AllocSolution:
    """Best placement on the candidates, scored (and capacity-checked) over `nodes`."""
    pred = CapacityFilter(nodes, insts) if opts.capacity else None
    force = opts.ignore_soft_errors
    if count == 1:
        if not cands:
            raise AllocationError("No online nodes")
        sol = fast_alloc_single(nodes, inst, cands, force, pred)  # type: ignore[arg-type]
    else:
        if not cands:
            raise AllocationError("Not enough online nodes")
        sol = fast_alloc_pair(nodes, inst, cands, force, pred)  # type: ignore[arg-type]
    return annotate_solution(sol, lambda i: nodes[i].name)


def _candidates(nodes: NodeMap, count: int, restrict: Sequence[str] | None
                ) -> list[int] | Runs:
    """Ganeti's `genAllocNodes`: nodes (count 1) or primary runs (count 2)."""
    if count == 2:
        single = gen_alloc_nodes(nodes.values(), 1, restrict_to=restrict)
        return pair_runs(nodes, single)  # type: ignore[arg-type]
    return gen_alloc_nodes(nodes.values(), count, restrict_to=restrict)  # type: ignore[return-value]


def describe_group(group: Group, outcome: AllocSolution | str) -> list[str]:
    """Ganeti's `solutionDescription`: the group's log lines or its error."""
    if isinstance(outcome, str):
        return [f"Group {group.name}: error {outcome}"]
    return [f"Group {group.name} ({group.alloc_policy.raw}): {line}" for line in outcome.log]


def find_allocation(opts: IAllocOptions, data: ClusterData, nodes: NodeMap, insts: InstMap,
                    gdx: int, new: NewInstance, restrict: Sequence[str] | None
                    ) -> AllocSolution:
    """Allocate within one group, scored over that group only (Ganeti `findAllocation`)."""
    group = data.groups[gdx]
    inst = new.instance
    if not has_required_networks(group, new.networks):
        raise RequestFailed(f"The group {group.name} is not connected to a network required "
                            f"by instance {inst.name}")
    gnodes = {i: n for i, n in nodes.items() if n.group == gdx}
    ginsts = {i: x for i, x in insts.items() if x.pnode in gnodes}
    try:
        cands = _candidates(gnodes, new.required_nodes, restrict)
        sol = try_alloc(opts, gnodes, ginsts, inst, cands, new.required_nodes)
    except AllocationError as err:
        raise RequestFailed(str(err)) from None
    return replace(sol, log=describe_group(group, sol))


@dataclass
class GroupChoice:
    """The chosen group, its solution and every group's log lines."""

    group: Group
    solution: AllocSolution
    messages: list[str]


def find_best_alloc_group(opts: IAllocOptions, data: ClusterData, nodes: NodeMap,
                          insts: InstMap, allowed: Sequence[int] | None, new: NewInstance,
                          count: int, restrict: Sequence[str] | None) -> GroupChoice:
    """Try every group with nodes; best (policy, score), ties to the higher group."""
    gidxs = sorted({n.group for n in nodes.values()})
    if allowed is not None:
        gidxs = [g for g in gidxs if g in allowed]
    inst = new.instance
    msgs: list[str] = []
    valid = []
    for gdx in gidxs:
        group = data.groups[gdx]
        if has_required_networks(group, new.networks):
            valid.append(gdx)
        else:
            msgs.append(f"group {group.name} is not connected to a network required by "
                        f"instance {inst.name}")
    results: list[tuple[Group, AllocSolution | str]] = []
    for gdx in valid:
        gnodes = {i: n for i, n in nodes.items() if n.group == gdx}
        try:
            cands = _candidates(gnodes, count, restrict)
            outcome: AllocSolution | str = try_alloc(opts, nodes, insts, inst, cands, count)
        except AllocationError as err:
            outcome = str(err)
        results.append((data.groups[gdx], outcome))
    for group, outcome in results:
        msgs.extend(describe_group(group, outcome))
    good = [(g, o) for g, o in reversed(results)
            if not isinstance(o, str) and o.solution is not None and g.alloc_policy.raw != "unallocable"]
    good.sort(key=lambda go: (go[0].alloc_policy, go[1].solution.score))  # type: ignore[union-attr]
    if not good:
        if not gidxs:
            all_groups = show_list([show_group(data.groups[g])
                                    for g in sorted({n.group for n in nodes.values()})])
            shown = "Nothing" if allowed is None else "Just " + show_list([str(g) for g in allowed])
            raise RequestFailed(f"no groups for evacuation: allowed groups was {shown}, "
                                f"all groups: {all_groups}")
        raise RequestFailed(", ".join(msgs))
    group, sol = good[0]
    return GroupChoice(group, sol, msgs)  # type: ignore[arg-type]


def try_mg_alloc(opts: IAllocOptions, data: ClusterData, nodes: NodeMap, insts: InstMap,
                 new: NewInstance, restrict: Sequence[str] | None) -> AllocSolution:
    """Allocation in the best group (Ganeti `tryMGAlloc`)."""
    choice = find_best_alloc_group(opts, data, nodes, insts, None, new, new.required_nodes,
                                   restrict)
    return replace(choice.solution, log=[f"Selected group: {choice.group.name}",
                                         *choice.messages])


def try_group_alloc(opts: IAllocOptions, data: ClusterData, nodes: NodeMap, insts: InstMap,
                    group_name: str, new: NewInstance, restrict: Sequence[str] | None
                    ) -> AllocSolution:
    """Allocation in the named group (Ganeti `tryGroupAlloc`)."""
    matches = [g for g in data.groups if group_name in (g.name, g.uuid)]
    if len(matches) != 1:
        raise RequestFailed(f"Wrong number of elems found with name {group_name}")
    return find_allocation(opts, data, nodes, insts, matches[0].idx, new, restrict)


def allocate_one(opts: IAllocOptions, data: ClusterData, nodes: NodeMap, insts: InstMap,
                 new: NewInstance, restrict: Sequence[str] | None) -> AllocSolution:
    """allocate: group variant chosen by the instance's group name."""
    if new.group_name is None:
        return try_mg_alloc(opts, data, nodes, insts, new, restrict)
    return try_group_alloc(opts, data, nodes, insts, new.group_name, new, restrict)


def solution_text(sol: AllocSolution) -> str:
    """The log lines of a solution joined as hail prints them."""
    return ", ".join(sol.log)


@dataclass
class MultiOutcome:
    """multi-allocate: per instance its solution, in request order, and the final cluster."""

    nodes: dict[int, Node]
    instances: dict[int, Instance]
    results: list[tuple[NewInstance, AllocSolution]]


def allocate_list(opts: IAllocOptions, data: ClusterData, items: Sequence[NewInstance]
                  ) -> MultiOutcome:
    """Place the instances one after the other (Ganeti `allocList`); any error ends it."""
    nodes: dict[int, Node] = {n.idx: n for n in data.nodes}
    insts: dict[int, Instance] = {i.idx: i for i in data.instances}
    results = []
    for new in items:
        sol = allocate_one(opts, data, nodes, insts, new, opts.restrict_to)
        if sol.solution is not None:
            nodes, insts = placed_state(nodes, insts, sol.solution)
        results.append((new, sol))
    return MultiOutcome(nodes, insts, results)
