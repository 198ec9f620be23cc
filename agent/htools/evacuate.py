"""Moving instances off nodes (spec §10.3 node-evacuate; Ganeti `Cluster/Evacuate.hs`).

Each function works on a node map (index -> Node, ascending) and returns the
new map instead of changing it. Candidates are ranked by the score of the
target group's nodes; ties go to the candidate tried last. Failures raise
`EvacuationError` with Ganeti's message.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .errors import HtoolsError
from .group_state import GroupState
from .instance import Instance
from .moves import Move, MoveKind, MoveResult, apply_move
from .node import Node
from .types import DiskTemplate, FailMode, MirrorType

NodeMap = Mapping[int, Node]


class EvacMode(enum.Enum):
    """Which nodes of an instance to change."""

    PRIMARY_ONLY = "primary-only"
    SECONDARY_ONLY = "secondary-only"
    ALL = "all"


class EvacuationError(HtoolsError):
    """An instance cannot be moved; the message is Ganeti's."""


@dataclass(frozen=True)
class EvacResult:
    """Node map after moving one instance, the moved instance and the moves made."""

    nodes: dict[int, Node]
    instance: Instance
    moves: tuple[Move, ...]


def _updated(nodes: NodeMap, changed: Mapping[int, Node]) -> dict[int, Node]:
    out = dict(nodes)
    out.update(changed)
    return out


class _GroupScorer:
    """Score of one group's nodes after a change (Ganeti `compCVNodes` of the group)."""

    def __init__(self, nodes: NodeMap, gdx: int) -> None:
        self.state = GroupState([n for n in nodes.values() if n.group == gdx], [])

    def score(self, changed: Mapping[int, Node]) -> float:
        own = self.state.nodes
        return self.state.score_with({k: v for k, v in changed.items() if k in own})


def _is_better_or_equal(new: float, old: float) -> bool:
    # Ganeti keeps the old candidate only when it is strictly better.
    return not old < new


def evac_one_node_only(nodes: NodeMap, inst: Instance, gdx: int, avail: Iterable[int],
                       force: bool) -> EvacResult:
    """Change the secondary (DRBD) or the primary (external mirror) to the best node."""
    mirror = inst.mirror
    if mirror is MirrorType.NONE:
        raise EvacuationError("Can't relocate/evacuate non-mirrored instances")
    kind = MoveKind.REPLACE_SECONDARY if mirror is MirrorType.INTERNAL \
        else MoveKind.FAILOVER_TO_ANY
    scorer = _GroupScorer(nodes, gdx)
    best: tuple[float, MoveResult, Move] | None = None
    msg = ""
    for ndx in avail:
        move = Move(kind, ndx)
        res = apply_move(nodes, inst, move, force)
        if isinstance(res, FailMode):
            if best is None:
                msg += f" Node {nodes[ndx].name} failed: {res.ganeti_name};"
            continue
        score = scorer.score(res.nodes)
        if best is None or _is_better_or_equal(score, best[0]):
            best = (score, res, move)
    if best is None:
        raise EvacuationError("Can't find any good node: " + msg)
    _, res, move = best
    return EvacResult(_updated(nodes, res.nodes), res.instance, (move,))


def _step(nodes: dict[int, Node], inst: Instance, move: Move, force: bool,
          what: str) -> tuple[dict[int, Node], Instance]:
    res = apply_move(nodes, inst, move, force)
    if isinstance(res, FailMode):
        raise EvacuationError(f"{what}: {res.ganeti_name}")
    return _updated(nodes, res.nodes), res.instance


def evac_drbd_all_inner(nodes: NodeMap, inst: Instance, gdx: int, pdx: int, sdx: int,
                        force: bool) -> tuple[EvacResult, float]:
    """Move a DRBD instance to the pair (pdx, sdx): [f,] r:p, f, r:s; and the group score."""
    cur = dict(nodes)
    moves: list[Move] = []
    if nodes[inst.pnode].offline:
        cur, inst = _step(cur, inst, Move(MoveKind.FAILOVER), force,
                          "Failing over to the secondary")
        moves.append(Move(MoveKind.FAILOVER))
    plan = [(Move(MoveKind.REPLACE_SECONDARY, pdx), "Changing secondary to new primary"),
            (Move(MoveKind.FAILOVER), "Failing over to new primary"),
            (Move(MoveKind.REPLACE_SECONDARY, sdx), "Changing secondary to final secondary")]
    for move, what in plan:
        cur, inst = _step(cur, inst, move, force, what)
        moves.append(move)
    score = GroupState([n for n in cur.values() if n.group == gdx], []).score()
    return EvacResult(cur, inst, tuple(moves)), score


def _evac_drbd_all(nodes: NodeMap, inst: Instance, gdx: int, avail: Sequence[int],
                   force: bool) -> EvacResult:
    best: tuple[float, EvacResult] | None = None
    msg = "no nodes available"
    for p in avail:
        for s in avail:
            if p == s:
                continue
            try:
                res, score = evac_drbd_all_inner(nodes, inst, gdx, p, s, force)
            except EvacuationError as err:
                if best is None:
                    msg = f"Allocation failed: {err}"
                continue
            if best is None or _is_better_or_equal(score, best[0]):
                best = (score, res)
    if best is None:
        raise EvacuationError("Can't find any good nodes for relocation: " + msg)
    return best[1]


def node_evac_instance(nodes: NodeMap, inst: Instance, mode: EvacMode, gdx: int,
                       avail: Sequence[int], force: bool) -> EvacResult:
    """Move one instance as node-evacuate does (Ganeti `nodeEvacInstance`)."""
    tmpl = inst.disk_template
    if tmpl in (DiskTemplate.PLAIN, DiskTemplate.FILE):
        raise EvacuationError(f"Instances of type {tmpl.value} cannot be relocated")
    if tmpl is not DiskTemplate.DRBD:
        if mode is EvacMode.SECONDARY_ONLY:
            raise EvacuationError(f"Instances with disk template '{tmpl.value}' can't execute "
                                  "change secondary")
        return evac_one_node_only(nodes, inst, gdx, avail, force)
    if mode is EvacMode.PRIMARY_ONLY:
        res = apply_move(nodes, inst, Move(MoveKind.FAILOVER), force)
        if isinstance(res, FailMode):
            raise EvacuationError(res.ganeti_name)
        return EvacResult(_updated(nodes, res.nodes), res.instance, (Move(MoveKind.FAILOVER),))
    if mode is EvacMode.SECONDARY_ONLY:
        return evac_one_node_only(nodes, inst, gdx, avail, force)
    return _evac_drbd_all(nodes, inst, gdx, avail, force)


def nodes_to_evacuate(instances: Iterable[Instance], mode: EvacMode) -> set[int]:
    """Nodes emptied by evacuating the instances in `mode` (Ganeti `nodesToEvacuate`)."""
    out: set[int] = set()
    for inst in instances:
        if mode is not EvacMode.SECONDARY_ONLY:
            out.add(inst.pnode)
        if mode is not EvacMode.PRIMARY_ONLY and inst.disk_template is DiskTemplate.DRBD:
            out.add(inst.snode)
    out.discard(-1)
    return out


@dataclass
class NodeEvacResult:
    """Outcome of a node-evacuate request, in request order."""

    nodes: dict[int, Node]
    instances: dict[int, Instance]
    moved: list[tuple[int, int, list[int]]] = field(default_factory=list)
    """(instance, new primary group, [new primary, secondary])"""
    failed: list[tuple[int, str]] = field(default_factory=list)
    moves: list[tuple[int, tuple[Move, ...]]] = field(default_factory=list)
    """Per moved instance, the moves (for the opcodes), in execution order."""


EvacOne = Callable[[NodeMap, Instance, EvacMode, int, Sequence[int], bool], EvacResult]
"""Moves one instance as `node_evac_instance` does (or a faster equivalent)."""


def try_node_evac(nodes: NodeMap, instances: Mapping[int, Instance], mode: EvacMode,
                  idxs: Sequence[int], force: bool,
                  evac_one: EvacOne = node_evac_instance) -> NodeEvacResult:
    """Evacuate the listed instances one after the other (Ganeti `tryNodeEvac`)."""
    evac = nodes_to_evacuate((instances[i] for i in idxs), mode)
    excluded = evac | {i for i, n in nodes.items() if n.offline}
    group_nodes: dict[int, list[int]] = {}
    for idx, node in nodes.items():
        group_nodes.setdefault(node.group, []).append(idx)
    out = NodeEvacResult(dict(nodes), dict(instances))
    for iidx in idxs:
        inst = out.instances[iidx]
        gdx = out.nodes[inst.pnode].group
        avail = [n for n in group_nodes.get(gdx, []) if n not in excluded and n != inst.pnode]
        try:
            res = evac_one(out.nodes, inst, mode, gdx, avail, force)
        except EvacuationError as err:
            out.failed.append((iidx, str(err)))
            continue
        out.nodes = res.nodes
        out.instances[iidx] = res.instance
        new = res.instance
        out.moved.append((iidx, res.nodes[new.pnode].group, new.all_nodes))
        out.moves.append((iidx, res.moves))
    return out
