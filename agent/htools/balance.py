"""hbal's balancing algorithm (spec §8): greedy steps, each the best single move.

`balance()` runs the step loop on one node group and returns every accepted
step as data. Candidate moves are scored in bulk by `balance_engine`; the few
whose approximate score is within rounding distance of the best are then
re-scored exactly (Ganeti's float order) so ties break exactly as in Ganeti.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cluster import ClusterData
from .instance import NO_NODE, Instance
from .moves import Move, MoveKind, MoveResult, apply_move, move_codes
from .node import Node
from .score import cluster_score, optimal_score
from .types import FailMode, MirrorType

if TYPE_CHECKING:
    from .balance_engine import Candidate, Engine
    from .group_state import GroupState


@dataclass(frozen=True)
class BalanceOptions:
    """Algorithm options of hbal (and hcheck's simulation)."""

    max_length: int = -1
    min_score: float = 1e-9
    min_gain: float = 0.01
    min_gain_limit: float = 0.1
    ignore_soft_errors: bool = False
    disk_moves: bool = True
    instance_moves: bool = True
    evac_mode: bool = False
    restricted_migration: bool = False
    exact: bool = False
    """Score every candidate exactly (slow reference mode, for tests)."""


class StopReason(enum.Enum):
    """Why the step loop ended."""

    MAX_LENGTH = "max_length"
    MIN_SCORE = "min_score"
    NO_IMPROVEMENT = "no_improvement"
    MIN_GAIN = "min_gain"


@dataclass(frozen=True)
class BalanceStep:
    """One accepted move, with everything the front ends print."""

    number: int
    instance: int
    instance_alias: str
    move: Move
    old_pnode: int
    old_snode: int
    new_pnode: int
    new_snode: int
    score: float
    codes: str
    commands: tuple[str, ...]
    involved_nodes: tuple[int, ...]
    running: bool
    forthcoming: bool


@dataclass
class BalanceResult:
    """Outcome of `balance()` on one group."""

    group: int
    initial_score: float
    optimal_score: float
    final_score: float
    steps: list[BalanceStep]
    stop_reason: StopReason
    data: ClusterData
    """Cluster copy with the final placement (all nodes; the group's changed)."""
    group_nodes: list[int] = field(default_factory=list)
    group_instances: list[int] = field(default_factory=list)


def possible_moves(mirror: MirrorType, use_secondary: bool, inst_moves: bool, disk_moves: bool,
                   restricted: bool, primary_offline: bool, target: int) -> list[Move]:
    """Moves tried for one target node (Ganeti `possibleMoves`)."""
    if mirror is MirrorType.NONE:
        return []
    if mirror is MirrorType.EXTERNAL:
        return [Move(MoveKind.FAILOVER_TO_ANY, target)] if inst_moves else []
    if not disk_moves:
        return []
    if not inst_moves:
        return [Move(MoveKind.REPLACE_SECONDARY, target)]
    if restricted and not primary_offline:
        return [Move(MoveKind.REPLACE_SECONDARY, target)]
    if use_secondary and not restricted:
        kinds = [MoveKind.REPLACE_SECONDARY, MoveKind.REPLACE_AND_FAILOVER,
                 MoveKind.REPLACE_PRIMARY, MoveKind.FAILOVER_AND_REPLACE]
    elif use_secondary:
        kinds = [MoveKind.REPLACE_SECONDARY, MoveKind.REPLACE_AND_FAILOVER,
                 MoveKind.FAILOVER_AND_REPLACE]
    else:
        kinds = [MoveKind.REPLACE_SECONDARY, MoveKind.REPLACE_AND_FAILOVER]
    return [Move(k, target) for k in kinds]


def candidate_instances(state: GroupState, group_instances: list[int],
                        opts: BalanceOptions) -> list[Instance]:
    """Instances hbal may move this step, in index order."""
    out = []
    offline = {idx for idx, n in state.nodes.items() if n.offline}
    for iidx in group_instances:
        inst = state.instances[iidx]
        if opts.evac_mode and not any(n in offline for n in inst.all_nodes):
            continue
        if inst.movable and inst.auto_balance:
            out.append(inst)
    return out


def instance_moves(state: GroupState, inst: Instance, targets: list[int],
                   opts: BalanceOptions) -> list[Move]:
    """All moves of one instance in Ganeti's trial order."""
    online = set(targets)
    use_sec = inst.snode in online and opts.instance_moves
    moves: list[Move] = []
    mirror = inst.mirror
    if mirror is MirrorType.INTERNAL and use_sec:
        moves.append(Move(MoveKind.FAILOVER))
    p_off = state.nodes[inst.pnode].offline
    for tdx in targets:
        if tdx in (inst.pnode, inst.snode):
            continue
        moves.extend(possible_moves(mirror, use_sec, opts.instance_moves, opts.disk_moves,
                                    opts.restricted_migration, p_off, tdx))
    return moves


def _exact_candidate(state: GroupState, inst: Instance, move: Move,
                     force: bool) -> tuple[float, MoveResult] | None:
    res = apply_move(state.nodes, inst, move, force)
    if isinstance(res, FailMode):
        return None
    return state.score_with(res.nodes), res


def _best_exact(state: GroupState, cands: list[Candidate], cur: float,
                force: bool) -> tuple[float, Instance, Move, MoveResult] | None:
    best: tuple[float, Instance, Move, MoveResult] | None = None
    for cand in cands:
        inst = state.instances[cand.instance]
        got = _exact_candidate(state, inst, cand.move, force)
        if got is None:
            continue
        score, res = got
        limit = cur if best is None else best[0]
        if score < limit:
            best = (score, inst, cand.move, res)
    return best


def _make_step(number: int, state: GroupState, inst: Instance, move: Move, res: MoveResult,
               score: float) -> BalanceStep:
    nodes = state.nodes
    npri = nodes[res.pnode].alias
    nsec = nodes[res.snode].alias if res.snode != NO_NODE else ""
    codes, cmds = move_codes(move, inst, npri, nsec)
    involved: list[int] = []
    for n in [res.pnode, res.snode, *inst.all_nodes]:
        if n >= 0 and n not in involved:
            involved.append(n)
    return BalanceStep(number, inst.idx, inst.alias, move, inst.pnode, inst.snode, res.pnode,
                       res.snode, score, codes, tuple(cmds), tuple(involved), inst.running,
                       inst.forthcoming)


def _search_state(work: ClusterData, gnodes: list[Node], targets: list[int],
                  opts: BalanceOptions) -> tuple[GroupState, Engine | None]:
    """The group's score matrix and, unless `opts.exact`, the bulk engine (both NumPy)."""
    from .balance_engine import Engine
    from .group_state import GroupState

    state = GroupState(gnodes, work.instances)
    return state, None if opts.exact else Engine(state, targets, opts.ignore_soft_errors)


def _all_candidates(state: GroupState, victims: list[Instance], targets: list[int],
                    opts: BalanceOptions) -> list[Candidate]:
    """Every move of every victim, unfiltered (the exact reference mode)."""
    from .balance_engine import Candidate

    return [Candidate(i.idx, mv) for i in victims for mv in instance_moves(state, i, targets, opts)]


def balance(data: ClusterData, group: int, opts: BalanceOptions | None = None,
            on_step: Callable[[BalanceStep], None] | None = None) -> BalanceResult:
    """Run hbal's step loop on `group` of a copy of `data`.

    `on_step` is called with each accepted step as soon as it is found (the
    CLI prints it then, like Ganeti). The score matrix and the bulk engine
    (NumPy) are built only when a step is searched for.
    """
    opts = opts or BalanceOptions()
    work = data.copy()
    gnodes = [n for n in work.nodes if n.group == group]
    ginsts = [i.idx for i in work.instances if work.nodes[i.pnode].group == group]
    cur = cluster_score(gnodes)
    initial = cur
    opt = optimal_score(gnodes)
    min_score = opt + opts.min_score
    targets = [n.idx for n in gnodes if not n.offline]
    state: GroupState | None = None
    engine: Engine | None = None
    steps: list[BalanceStep] = []
    reason = StopReason.NO_IMPROVEMENT
    while True:
        if not (opts.max_length < 0 or len(steps) < opts.max_length):
            reason = StopReason.MAX_LENGTH
            break
        if not cur > min_score:
            reason = StopReason.MIN_SCORE
            break
        if state is None:
            state, engine = _search_state(work, gnodes, targets, opts)
        victims = candidate_instances(state, ginsts, opts)
        if engine is None:
            cands = _all_candidates(state, victims, targets, opts)
        else:
            cands = engine.shortlist(victims, cur, opts)
        best = _best_exact(state, cands, cur, opts.ignore_soft_errors)
        if best is None:
            reason = StopReason.NO_IMPROVEMENT
            break
        score, inst, move, res = best
        if not (cur > opts.min_gain_limit or cur - score >= opts.min_gain):
            reason = StopReason.MIN_GAIN
            break
        step = _make_step(len(steps) + 1, state, inst, move, res, score)
        state.commit(res.nodes, res.instance)
        if engine is not None:
            engine.refresh(res.nodes.keys(), res.instance)
        for idx, node in res.nodes.items():
            work.nodes[idx] = node
        steps.append(step)
        cur = score
        if on_step is not None:
            on_step(step)
    return BalanceResult(group, initial, opt, cur, steps, reason, work,
                         [n.idx for n in gnodes], ginsts)
