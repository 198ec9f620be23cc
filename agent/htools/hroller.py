"""hroller: groups of nodes that can be rebooted at the same time (spec §15).

The candidate nodes are coloured so that no two nodes of a colour share a
DRBD instance (or, for live maintenance, the secondary of instances whose
primaries would fail over to it). Each colour class is then split so that
the non-redundant instances of a sub-group can all be moved elsewhere at
once, and with full evacuation so that every secondary on it gets a new
node. Follows Ganeti 3.0.2's `Program/Hroller.hs` step by step, including
its order of trials, so that groups and moves are the same.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .cluster import ClusterData
from .errors import HtoolsError
from .instance import NO_NODE, Instance
from .node import Node
from .node_graph import COLOURINGS, NodeGraph, colour_classes, node_graph, reboot_node_graph
from .types import FailMode


class RollerError(HtoolsError):
    """The reboot groups cannot be computed; the message is Ganeti's."""


NO_GRAPH = "Cannot create node graph"
NO_CAPACITY_NON_REDUNDANT = "Not enough capacity to move non-redundant instances"
MIGRATION_FAILED = "Failed to migrate instances off nodes"
NO_CAPACITY_SECONDARIES = "Not enough capacity to move secondaries"


@dataclass(frozen=True)
class RollerOptions:
    """What hroller's command line selects."""

    node_tags: tuple[str, ...] | None = None
    """`--node-tags`: only nodes carrying at least one of these tags."""
    group: int | None = None
    """`-G`: only nodes of this group (index)."""
    offline_maintenance: bool = False
    skip_non_redundant: bool = False
    ignore_non_redundant: bool = False
    full_evacuation: bool = False


@dataclass(frozen=True)
class InstanceMove:
    """An instance that ends on other nodes while a reboot group is down."""

    instance: str
    pnode: str
    snode: str | None
    """New secondary (DRBD instances only)."""


@dataclass(frozen=True)
class RebootGroup:
    """Candidate nodes to reboot together (output order) and the moves that frees them."""

    nodes: tuple[int, ...]
    names: tuple[str, ...]
    moves: tuple[InstanceMove, ...]


@dataclass(frozen=True)
class Colouring:
    """One heuristic's colour classes."""

    algorithm: str
    classes: tuple[tuple[int, ...], ...]


@dataclass(frozen=True)
class RollerPlan:
    """Everything hroller prints: the graph, the colourings tried and the groups."""

    candidates: tuple[int, ...]
    graph: NodeGraph
    colourings: tuple[Colouring, ...]
    chosen: Colouring
    groups: tuple[RebootGroup, ...]


# -- the configuration being simulated ------------------------------------------------


class _Conf:
    """Nodes and instances by index; replaced, never changed in place."""

    def __init__(self, nodes: list[Node], insts: list[Instance]) -> None:
        self.nodes = nodes
        self.insts = insts

    def copy(self) -> _Conf:
        return _Conf(list(self.nodes), list(self.insts))


class _Trial:
    """Tentative changes on top of a configuration, kept only if all succeed."""

    def __init__(self, base: _Conf) -> None:
        self.base = base
        self.nodes: dict[int, Node] = {}
        self.insts: dict[int, Instance] = {}

    def node(self, ndx: int) -> Node:
        got = self.nodes.get(ndx)
        return got if got is not None else self.base.nodes[ndx]

    def inst(self, idx: int) -> Instance:
        got = self.insts.get(idx)
        return got if got is not None else self.base.insts[idx]

    def put_two(self, k1: int, v1: Node, k2: int, v2: Node) -> None:
        # Container.addTwo: the first key wins when both are the same
        self.nodes[k2] = v2
        self.nodes[k1] = v1

    def commit(self) -> None:
        for k, n in self.nodes.items():
            self.base.nodes[k] = n
        for k, i in self.insts.items():
            self.base.insts[k] = i


def _with_entry(node: Node, idx: int, primary: bool, forthcoming: bool) -> Node:
    """`node` with `idx` present in its lists, so that removing it behaves like `delete`."""
    lists = ("plist", "plist_forth") if primary else ("slist", "slist_forth")
    need_now = not forthcoming and idx not in getattr(node, lists[0])
    need_forth = idx not in getattr(node, lists[1])
    if not (need_now or need_forth):
        return node
    node = node.clone()
    if need_now:
        getattr(node, lists[0]).append(idx)
    if need_forth:
        getattr(node, lists[1]).append(idx)
    return node


def _remove_pri(node: Node, inst: Instance) -> Node:
    return _with_entry(node, inst.idx, True, inst.forthcoming).remove_primary(inst)


def _remove_sec(node: Node, inst: Instance) -> Node:
    # Ganeti also "removes" secondaries from nodes that do not hold them (see
    # `_replace_secondary`); list deletion is then a no-op, the rest applies.
    return _with_entry(node, inst.idx, False, inst.forthcoming).remove_secondary(inst)


def _placed(inst: Instance, pnode: int, snode: int) -> Instance:
    new = copy.copy(inst)
    new.pnode, new.snode = pnode, snode
    return new


# -- simulated operations (Ganeti: move, migrate, replaceSecondary) ------------------


def _move(t: _Trial, idx: int, new_ndx: int) -> bool:
    """Move a non-redundant instance to `new_ndx` (hard checks only)."""
    inst = t.inst(idx)
    old_ndx = inst.pnode
    new_node = t.node(new_ndx).add_primary(inst, force=True)
    if isinstance(new_node, FailMode):
        return False
    t.put_two(old_ndx, _remove_pri(t.node(old_ndx), inst), new_ndx, new_node)
    t.insts[idx] = _placed(inst, new_ndx, inst.snode)
    return True


def _migrate(t: _Trial, idx: int) -> bool:
    """Swap primary and secondary of a DRBD instance (forced)."""
    inst = t.inst(idx)
    pdx, sdx = inst.pnode, inst.snode
    if sdx == NO_NODE:
        # Ganeti 3.0.2 crashes here (an IntMap lookup of -1)
        raise RollerError(f"instance {inst.name} uses drbd but has no secondary node")
    p_node = _remove_pri(t.node(pdx), inst)
    s_node = _remove_sec(t.node(sdx), inst)
    new_s = s_node.add_primary(inst, force=True)
    if isinstance(new_s, FailMode):
        return False
    new_p = p_node.add_secondary(inst, sdx, force=True)
    if isinstance(new_p, FailMode):
        return False
    t.put_two(pdx, new_p, sdx, new_s)
    t.insts[idx] = _placed(inst, sdx, pdx)
    return True


def _replace_secondary(t: _Trial, idx: int, new_ndx: int) -> bool:
    """Give a DRBD instance the secondary `new_ndx` (forced).

    As in Ganeti 3.0.2, the node taken for the *old* secondary is the
    instance's primary: the old secondary's slot ends up holding a copy of
    the primary with the secondary removed. Kept because it decides which
    later placements Ganeti finds feasible and which names it prints.
    """
    inst = t.inst(idx)
    old_ndx, pdx = inst.snode, inst.pnode
    if pdx == new_ndx:
        return False
    new_sec = t.node(new_ndx).add_secondary(inst, pdx, force=True)
    if isinstance(new_sec, FailMode):
        return False
    t.put_two(old_ndx, _remove_sec(t.node(pdx), inst), new_ndx, new_sec)
    t.insts[idx] = _placed(inst, pdx, new_ndx)
    return True


def _room_for_primary(node: Node, inst: Instance) -> bool:
    """False only where a forced `add_primary` must fail (memory or disk exhausted)."""
    if inst.forthcoming:
        return True
    mem = inst.mem if inst.uses_memory else 0
    if node.unallocated_mem - mem <= 0:
        return False
    return not (inst.local_storage and node.f_dsk - inst.dsk <= 0)


def _room_for_secondary(node: Node, inst: Instance) -> bool:
    """False only where a forced `add_secondary` must fail (disk exhausted)."""
    return inst.forthcoming or node.f_dsk - inst.dsk > 0


def _first_fit(t: _Trial, idxs: Sequence[int], targets: Sequence[int],
               place: Callable[[_Trial, int, int], bool],
               room: Callable[[Node, Instance], bool]) -> bool:
    """Place each instance in turn on the first target where `place` succeeds.

    `room` is a cheap necessary condition of `place`: targets failing it are
    skipped without simulating (on big clusters most of the first nodes are
    full, and every instance scans them again).
    """
    for idx in idxs:
        inst = t.inst(idx)
        if not any(room(t.node(ndx), inst) and place(t, idx, ndx) for ndx in targets):
            return False
    return True


# -- greedy clearing and partitioning (Ganeti: greedyClearNodes, partitionNodes) -----

_Instances = Callable[[_Conf, int], list[int]]


@dataclass(frozen=True)
class _Clearing:
    """How nodes are cleared: which instances, how each is placed, a quick pre-check."""

    instances: _Instances
    place: Callable[[_Trial, int, int], bool]
    room: Callable[[Node, Instance], bool]
    error: str


def _non_redundant(conf: _Conf, ndx: int) -> list[int]:
    return [i for i in conf.nodes[ndx].plist if not conf.insts[i].has_secondary]


def _redundant(conf: _Conf, ndx: int) -> list[int]:
    return [i for i in conf.nodes[ndx].plist if conf.insts[i].has_secondary]


def _secondaries(conf: _Conf, ndx: int) -> list[int]:
    return list(conf.nodes[ndx].slist)


def _greedy_clear(how: _Clearing, ndxs: Sequence[int], targets: Sequence[int],
                  start: _Conf) -> tuple[list[int], _Conf]:
    """Nodes (in order) that can be cleared together, and the state once they are."""
    conf = start.copy()
    free = list(targets)
    chosen: list[int] = []
    for ndx in ndxs:
        others = list(free)
        if ndx in others:
            others.remove(ndx)
        group = conf.nodes[ndx].group
        same_group = [o for o in others if conf.nodes[o].group == group]
        trial = _Trial(conf)
        if _first_fit(trial, how.instances(conf, ndx), same_group, how.place, how.room):
            trial.commit()
            chosen.append(ndx)
            free = others
    return chosen, conf


def _partition(how: _Clearing, ndxs: Sequence[int], targets: Sequence[int], conf: _Conf
               ) -> list[tuple[list[int], _Conf]]:
    """Split `ndxs` into groups each clearable at once, every group starting from `conf`."""
    out: list[tuple[list[int], _Conf]] = []
    remaining = list(ndxs)
    while remaining:
        group, cleared = _greedy_clear(how, remaining, targets, conf)
        if not group:
            raise RollerError(how.error)
        out.append((group, cleared))
        taken = set(group)
        remaining = [n for n in remaining if n not in taken]
    return out


_MOVE_OFF = _Clearing(_non_redundant, _move, _room_for_primary, NO_CAPACITY_NON_REDUNDANT)
_NEW_SECONDARIES = _Clearing(_secondaries, _replace_secondary, _room_for_secondary,
                             NO_CAPACITY_SECONDARIES)


def _migrate_off(ndxs: Sequence[int], conf: _Conf) -> _Conf:
    """Migrate every DRBD primary of `ndxs` to its secondary."""
    idxs = [i for ndx in ndxs for i in _redundant(conf, ndx)]
    out = conf.copy()
    for idx in idxs:
        trial = _Trial(out)
        if not _migrate(trial, idx):
            raise RollerError(MIGRATION_FAILED)
        trial.commit()
    return out


# -- the plan -------------------------------------------------------------------------


def candidate_nodes(data: ClusterData, opts: RollerOptions) -> list[int]:
    """Online nodes passing `--skip-non-redundant`, `--node-tags` and `-G`."""
    out = []
    for node in data.nodes:
        if node.offline:
            continue
        if opts.skip_non_redundant and any(
                not data.instances[i].has_secondary for i in node.plist):
            continue
        if opts.node_tags is not None and not set(node.tags) & set(opts.node_tags):
            continue
        if opts.group is not None and node.group != opts.group:
            continue
        out.append(node.idx)
    return out


def _moves(before: _Conf, after: _Conf) -> tuple[InstanceMove, ...]:
    """Instances on other nodes in `after`; plain primary/secondary swaps left out."""
    out = []
    for old, new in zip(before.insts, after.insts, strict=True):
        has_sec = old.has_secondary
        if not (old.pnode != new.pnode or (has_sec and old.snode != new.snode)):
            continue
        if new.pnode == old.snode and new.snode == old.pnode:
            continue
        snode = after.nodes[new.snode].name if has_sec and new.snode != NO_NODE else None
        out.append(InstanceMove(new.name, after.nodes[new.pnode].name, snode))
    return tuple(out)


def _master_last(groups: list[tuple[list[int], _Conf]], nodes: Sequence[Node]
                 ) -> list[tuple[list[int], _Conf]]:
    """Groups holding the master go last, the master last in its group."""
    plain: list[tuple[list[int], _Conf]] = []
    with_master: list[tuple[list[int], _Conf]] = []
    for ndxs, conf in groups:
        others = [n for n in ndxs if not nodes[n].is_master]
        masters = [n for n in ndxs if nodes[n].is_master]
        (with_master if masters else plain).append((others + masters, conf))
    return plain + with_master


def reboot_graph(data: ClusterData, opts: RollerOptions) -> tuple[list[int], NodeGraph]:
    """The candidate nodes and their conflict graph; `RollerError` if there is none."""
    candidates = candidate_nodes(data, opts)
    if opts.offline_maintenance:
        graph = node_graph(candidates, data.instances)
    else:
        graph = reboot_node_graph(data.nodes, candidates, data.instances)
    if graph is None:
        raise RollerError(NO_GRAPH)
    return candidates, graph


def plan_reboots(data: ClusterData, opts: RollerOptions | None = None,
                 graph: tuple[list[int], NodeGraph] | None = None) -> RollerPlan:
    """Compute hroller's reboot groups for `data` (offline flags already applied).

    `graph` is `reboot_graph(data, opts)` if already computed. Raises
    `RollerError` with Ganeti's message when there is no candidate or not
    enough capacity for the requested evacuation.
    """
    opts = opts or RollerOptions()
    candidates, graph_ = graph if graph is not None else reboot_graph(data, opts)
    colourings = tuple(Colouring(name, tuple(tuple(c) for c in colour_classes(algo(graph_))))
                       for name, algo in COLOURINGS)
    chosen = min(colourings, key=lambda c: len(c.classes))
    base = _Conf(list(data.nodes), list(data.instances))
    online = [n.idx for n in data.nodes if not n.offline]
    classes = [list(c) for c in chosen.classes]
    if opts.ignore_non_redundant:
        groups = [(c, base) for c in classes]
    else:
        groups = [g for c in classes for g in _partition(_MOVE_OFF, c, online, base)]
    if opts.full_evacuation:
        migrated = [(ndxs, _migrate_off(ndxs, conf)) for ndxs, conf in groups]
        groups = [g for ndxs, conf in migrated
                  for g in _partition(_NEW_SECONDARIES, ndxs, online, conf)]
    wanted = set(candidates)
    shown = [([n for n in ndxs if n in wanted], conf) for ndxs, conf in groups]
    shown.sort(key=lambda g: -len(g[0]))
    ordered = _master_last(shown, data.nodes)
    out = tuple(RebootGroup(tuple(ndxs), tuple(data.nodes[n].name for n in ndxs),
                            _moves(base, conf)) for ndxs, conf in ordered)
    return RollerPlan(tuple(candidates), graph_, colourings, chosen, out)


def master_names(data: ClusterData) -> list[str]:
    """Names of the nodes flagged as master (hroller wants exactly one)."""
    return [n.name for n in data.nodes if n.is_master]
