"""Dedicated allocation: the lost-allocations metric for exclusive-storage clusters (spec §10.5).

On a cluster whose nodes all use exclusive storage, a placement is judged by
how many allocations of each policy size (biggest first) it costs the nodes
it uses, then by the disk it leaves; smaller is better, compared
lexicographically (Ganeti `Dedicated.hs`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .allocation import failure_counts
from .cluster import ClusterData
from .instance import NO_NODE, Instance
from .node import Node
from .policy import inst_matches_policy
from .types import AllocPolicy, DiskTemplate, FailMode, InstanceStatus, IPolicy, ISpec

Metric = tuple[tuple[int, ...], int]
"""(lost allocations per test size, disk left over)."""
MAX_COPIES = 1 << 20
"""Upper bound on counted copies (a zero-sized policy minimum would fit forever)."""


def is_dedicated(data: ClusterData, group_name: str | None) -> bool:
    """Whether every node of the concerned groups has exclusive storage (`isDedicated`)."""
    if group_name is None:
        groups = {g.idx for g in data.groups if g.alloc_policy is not AllocPolicy.UNALLOCABLE}
    else:
        groups = {g.idx for g in data.groups if g.name == group_name}
    return all(n.excl_storage or n.group not in groups for n in data.nodes)


def minimal_instance(spec: ISpec) -> Instance:
    """The smallest instance of a policy range: plain, running, no disks."""
    return Instance("minimalspecinstance", spec.memory_size, spec.disk_size, spec.cpu_count,
                    InstanceStatus.RUNNING, NO_NODE, NO_NODE, DiskTemplate.PLAIN, [], False,
                    spec.spindle_use, [], False)


def probe_instances(policy: IPolicy) -> list[Instance]:
    """One minimal instance per min/max range, largest disk first (stable)."""
    mins = sorted((rng.min for rng in policy.minmax), key=lambda s: -s.disk_size)
    return [minimal_instance(s) for s in mins]


def _scaled(inst: Instance, k: int) -> Instance:
    return replace(inst, mem=inst.mem * k, dsk=inst.dsk * k, vcpus=inst.vcpus * k,
                   spindle_use=inst.spindle_use * k)


def copies_fitting(node: Node, inst: Instance) -> int:
    """How many copies of `inst` strict addPrimary accepts one after another.

    After the first copy every check compares a running total with a fixed
    limit, so k more copies fit exactly when one copy k times the size does;
    the count is found by doubling and bisection.
    """
    first = node.add_primary(inst)
    if isinstance(first, FailMode):
        return 0

    def fits(k: int) -> bool:
        return not isinstance(first.add_primary(_scaled(inst, k)), FailMode)

    lo, hi = 0, 1
    while fits(hi):
        lo, hi = hi, hi * 2
        if hi > MAX_COPIES:
            return MAX_COPIES
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid
    return 1 + lo


def allocation_vector(tests: Sequence[Instance], node: Node) -> tuple[int, ...]:
    """Copies of each test instance the node can take."""
    return tuple(copies_fitting(node, t) for t in tests)


def _minus(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    return tuple(x - y for x, y in zip(a, b, strict=False))


@dataclass(frozen=True)
class MetricElement:
    """A placement judged by the lost-allocations metric."""

    changed: dict[int, Node]
    instance: Instance
    node_ids: tuple[int, ...]
    metric: Metric

    def apply(self, nodes: Mapping[int, Node]) -> dict[int, Node]:
        """The node map after this placement."""
        out = dict(nodes)
        out.update(self.changed)
        return out


@dataclass
class MetricSolution:
    """Best placement (ties to the later one), success count, failures and log."""

    failures: list[FailMode] = field(default_factory=list)
    allocs: int = 0
    solution: MetricElement | None = None
    log: list[str] = field(default_factory=list)

    def add(self, res: MetricElement | FailMode) -> None:
        """Ganeti `concatAllocs`."""
        if isinstance(res, FailMode):
            self.failures.append(res)
            return
        self.allocs += 1
        if self.solution is None or not self.solution.metric < res.metric:
            self.solution = res


def show_metric(metric: Metric) -> str:
    """The metric as Ganeti prints it: `([0,1,2],2400)`."""
    return "([" + ",".join(str(x) for x in metric[0]) + f"],{metric[1]})"


def describe(sol: MetricSolution, node_name: Callable[[int], str]) -> str:
    """hail's description of a dedicated solution."""
    reasons = ", ".join(f"{m.ganeti_name}: {c}" for m, c in failure_counts(sol.failures) if c)
    if sol.solution is None:
        return ("No valid allocation solutions, failure reasons: "
                + (reasons if sol.failures else "unknown reasons"))
    elem = sol.solution
    names = "/".join(node_name(i) for i in elem.node_ids)
    return (f"score: {show_metric(elem.metric)}, successes {sol.allocs}, failures "
            f"{len(sol.failures)} ({reasons}) for node(s) {names}")


class DedicatedAllocator:
    """Placements on one node map, with the nodes' allocation vectors cached."""

    def __init__(self, nodes: Mapping[int, Node], force: bool) -> None:
        self.nodes = nodes
        self.force = force
        self._vectors: dict[tuple[int, int], tuple[int, ...]] = {}

    def _vector(self, tests: list[Instance], idx: int) -> tuple[int, ...]:
        key = (idx, id(self.nodes[idx].ipolicy))
        vec = self._vectors.get(key)
        if vec is None:
            vec = allocation_vector(tests, self.nodes[idx])
            self._vectors[key] = vec
        return vec

    def on_single(self, inst: Instance, pdx: int) -> MetricElement | FailMode:
        """Ganeti `Dedicated.allocateOnSingle`."""
        node = self.nodes[pdx]
        err = inst_matches_policy(inst, node.ipolicy, node.excl_storage)
        if err is not None:
            return err
        tests = probe_instances(node.ipolicy)
        new_p = node.add_primary(inst, self.force)
        if isinstance(new_p, FailMode):
            return new_p
        lost = _minus(self._vector(tests, pdx), allocation_vector(tests, new_p))
        placed = replace(inst, pnode=pdx, snode=NO_NODE)
        return MetricElement({pdx: new_p}, placed, (pdx,), (lost, new_p.f_dsk))

    def on_pair(self, inst: Instance, pdx: int, sdx: int) -> MetricElement | FailMode:
        """Ganeti `Dedicated.allocateOnPair` (no location score is set)."""
        pri = self.nodes[pdx]
        sec = self.nodes[sdx]
        err = inst_matches_policy(inst, pri.ipolicy, pri.excl_storage)
        if err is not None:
            return err
        tests = probe_instances(pri.ipolicy)
        placed = replace(inst, pnode=pdx, snode=sdx)
        new_p = pri.add_primary(placed, self.force)
        if isinstance(new_p, FailMode):
            return new_p
        lost_p = _minus(self._vector(tests, pdx), allocation_vector(tests, new_p))
        new_s = sec.add_secondary(placed, pdx)
        if isinstance(new_s, FailMode):
            return new_s
        lost_s = _minus(self._vector(tests, sdx), allocation_vector(tests, new_s))
        lost = tuple(a + b for a, b in zip(lost_p, lost_s, strict=False))
        return MetricElement({pdx: new_p, sdx: new_s}, placed, (pdx, sdx),
                             (lost, new_p.f_dsk + new_s.f_dsk))

    def try_single(self, inst: Instance, cands: Sequence[int]) -> MetricSolution:
        """Best single-node placement among the candidates."""
        sol = MetricSolution()
        for pdx in cands:
            sol.add(self.on_single(inst, pdx))
        return sol

    def try_pairs(self, inst: Instance, pairs: Sequence[tuple[int, list[int]]]) -> MetricSolution:
        """Best pair: per primary, then across primaries (`sumAllocs`)."""
        total = MetricSolution()
        for pdx, secs in pairs:
            part = MetricSolution()
            for sdx in secs:
                part.add(self.on_pair(inst, pdx, sdx))
            total.failures = part.failures + total.failures
            total.allocs += part.allocs
            if part.solution is not None and (total.solution is None
                                              or not total.solution.metric < part.solution.metric):
                total.solution = part.solution
        return total
