"""hsqueeze: which nodes to power off, or standby nodes to power on (spec §16).

When every node still has room for the *minimal* instance, hsqueeze looks
for nodes it can take offline (greedily, the last candidate first) so that,
after rebalancing, all instances sit on online nodes and every node keeps
room for the *target* instance. Otherwise it finds the shortest prefix of
the standby nodes whose onlining, after rebalancing, restores room for the
minimal instance. Follows Ganeti 3.0.2's `Program/Hsqueeze.hs`.
"""

from __future__ import annotations

import copy
import dataclasses
import enum
import math
from dataclasses import dataclass

from .balance import BalanceOptions, BalanceStep, balance
from .cluster import ClusterData
from .instance import NO_NODE, Instance
from .jobs import format_commands, split_jobsets
from .moves import move_codes
from .node import Node
from .types import DiskTemplate, InstanceStatus, ISpec, MirrorType

STANDBY_PREFIX = "htools:standby:"
STANDBY_AUTO = "htools:standby:auto"
"""The tag hsqueeze puts on the nodes it powers off."""

#: hbal's defaults except that every improvement counts and nothing stops early.
SQUEEZE_BALANCE = BalanceOptions(min_gain=0.0, min_gain_limit=0.0, min_score=-math.inf)


class SqueezeAction(enum.Enum):
    """What hsqueeze suggests."""

    ONLINE = "online"
    OFFLINE = "offline"
    NONE = "none"


@dataclass(frozen=True)
class SqueezeOptions:
    """Resource thresholds, in multiples of the cluster's standard instance."""

    minimal_resources: float = 2.0
    target_resources: float = 2.0


@dataclass(frozen=True)
class Rebalanced:
    """A cluster state after marking nodes on- or offline and balancing."""

    data: ClusterData
    steps: tuple[BalanceStep, ...]


@dataclass(frozen=True)
class SqueezePlan:
    """The suggestion and everything printed about it."""

    action: SqueezeAction
    offline_candidates: tuple[int, ...]
    online_candidates: tuple[int, ...]
    nodes: tuple[int, ...]
    """Nodes to power on (ONLINE) or off (OFFLINE), in candidate order."""
    enough: bool
    """False if even onlining every standby node leaves too little room."""
    final: Rebalanced


def instance_for(spec: ISpec, factor: float, name: str = "targetInstance") -> Instance:
    """A running `ext` instance of `factor` times the spec's memory, vcpus and spindles."""
    return Instance(name=name, mem=math.floor(factor * spec.memory_size), dsk=0,
                    vcpus=math.floor(factor * spec.cpu_count), status=InstanceStatus.RUNNING,
                    pnode=NO_NODE, snode=NO_NODE, disk_template=DiskTemplate.EXT,
                    auto_balance=False, spindle_use=math.floor(factor * spec.spindle_use))


def has_capacity(nodes: list[Node], inst: Instance) -> bool:
    """Every node, offline ones included, accepts `inst` as primary (strict checks)."""
    return all(isinstance(n.add_primary(inst), Node) for n in nodes)


def all_on_online_nodes(data: ClusterData) -> bool:
    """No instance has its primary on an offline node."""
    return all(not data.nodes[i.pnode].offline for i in data.instances)


def offline_candidates(data: ClusterData) -> list[int]:
    """Online non-master nodes without secondaries or local-storage primaries, busiest first."""
    cands = [n for n in data.nodes
             if not n.offline and not n.is_master and not n.slist
             and not any(data.instances[i].local_storage for i in n.plist)]
    return [n.idx for n in sorted(cands, key=lambda n: -len(n.plist))]


def online_candidates(data: ClusterData) -> list[int]:
    """Offline nodes tagged `htools:standby:*`, in index order."""
    return [n.idx for n in data.nodes
            if n.offline and any(t.startswith(STANDBY_PREFIX) for t in n.tags)]


def rebalance(data: ClusterData, offline: bool, ndxs: list[int]) -> Rebalanced:
    """Mark `ndxs` offline (or online) and balance the whole cluster until nothing improves."""
    groups = [n.group for n in data.nodes]
    work = ClusterData(data.groups, [n.clone() for n in data.nodes], list(data.instances),
                       data.cluster_tags, data.ipolicy)
    for ndx in ndxs:
        work.nodes[ndx].offline = offline
    # Ganeti balances the whole node list as one table: one group for the engine
    for node in work.nodes:
        node.group = 0
    res = balance(work, 0, SQUEEZE_BALANCE)
    for node, gidx in zip(res.data.nodes, groups, strict=True):
        node.group = gidx
    return Rebalanced(res.data, tuple(res.steps))


def _stuck(data: ClusterData, ndxs: list[int]) -> bool:
    """Whether some primary of `ndxs` is one balancing never moves (it would stay offline)."""
    for ndx in ndxs:
        for iidx in data.nodes[ndx].plist:
            inst = data.instances[iidx]
            if not (inst.movable and inst.auto_balance) or inst.mirror is MirrorType.NONE:
                return True
    return False


def _no_room_left(data: ClusterData, ndxs: list[int], inst: Instance) -> bool:
    """Whether the online nodes cannot hold every instance's memory plus `inst` each.

    Balancing moves memory between nodes but never changes its total, and an
    online node keeps room for `inst` only with more than `inst.mem` free, so
    this rules a set out before any balancing.
    """
    off = set(ndxs)
    used = sum(n.i_mem for n in data.nodes)
    room = sum(math.trunc(n.t_mem) - n.n_mem - max(0, n.x_mem) - inst.mem - 1
               for n in data.nodes if not (n.offline or n.idx in off))
    return used > room


def _suffices(state: Rebalanced, inst: Instance) -> bool:
    return all_on_online_nodes(state.data) and has_capacity(state.data.nodes, inst)


def _try_offline(data: ClusterData, ndxs: list[int], inst: Instance) -> Rebalanced | None:
    """The balanced state with `ndxs` offline, if it still leaves room for `inst`."""
    if _stuck(data, ndxs) or _no_room_left(data, ndxs, inst):
        return None
    got = rebalance(data, True, ndxs)
    return got if _suffices(got, inst) else None


def squeeze(data: ClusterData, opts: SqueezeOptions | None = None) -> SqueezePlan:
    """Compute hsqueeze's suggestion for `data` (which is not changed)."""
    opts = opts or SqueezeOptions()
    std = data.ipolicy.std
    target = instance_for(std, opts.target_resources)
    minimal = instance_for(std, opts.minimal_resources)
    off_cands = offline_candidates(data)
    on_cands = online_candidates(data)
    unchanged = Rebalanced(data, ())
    if not has_capacity(data.nodes, minimal):
        # the last prefix tried is every candidate: its state is the answer when none suffices
        got = unchanged
        for k in range(len(on_cands) + 1):
            got = rebalance(data, False, on_cands[:k])
            if _suffices(got, minimal):
                return SqueezePlan(SqueezeAction.ONLINE, tuple(off_cands), tuple(on_cands),
                                   tuple(on_cands[:k]), True, got)
        return SqueezePlan(SqueezeAction.ONLINE, tuple(off_cands), tuple(on_cands),
                           tuple(on_cands), False, got)
    chosen: list[int] = []
    best = unchanged
    for ndx in reversed(off_cands):
        trial = _try_offline(data, [ndx, *chosen], target)
        if trial is not None:
            chosen.insert(0, ndx)
            best = trial
    action = SqueezeAction.OFFLINE if chosen else SqueezeAction.NONE
    return SqueezePlan(action, tuple(off_cands), tuple(on_cands), tuple(chosen), True, best)


# -- command text (-C) ---------------------------------------------------------------


def _named_steps(data: ClusterData, steps: tuple[BalanceStep, ...]) -> list[BalanceStep]:
    """Steps whose commands name instances by full name (hsqueeze, unlike hbal)."""
    out = []
    for step in steps:
        inst = copy.copy(data.instances[step.instance])
        inst.alias = inst.name
        npri = data.nodes[step.new_pnode].alias
        nsec = data.nodes[step.new_snode].alias if step.new_snode != NO_NODE else ""
        _, cmds = move_codes(step.move, inst, npri, nsec)
        out.append(dataclasses.replace(step, commands=tuple(cmds)))
    return out


def plan_commands(data: ClusterData, plan: SqueezePlan) -> str:
    """The `-C` text of a plan: moves, tagging and power commands (Ganeti's layout)."""
    names = [data.nodes[n].alias for n in plan.nodes]
    moves = format_commands(split_jobsets(_named_steps(data, plan.final.steps)))
    if plan.action is SqueezeAction.ONLINE:
        return ("echo Power Commands\n"
                + "".join(f"  gnt-node power -f on {n}\n" for n in names) + moves)
    if plan.action is SqueezeAction.OFFLINE:
        return (moves + "\necho Tagging Commands\n"
                + "".join(f"  gnt-node add-tags {n} {STANDBY_AUTO}\n" for n in names)
                + "\necho Power Commands\n"
                + "".join(f"  gnt-node power -f off {n}\n" for n in names))
    return "echo Nothing to do"
