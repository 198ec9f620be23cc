"""N+1 redundancy checks and the hcheck health report, as data (spec §11, §13).

Classic N+1 is per node (`Node.fail_n1`); the global capacity check
(`GN1_FAIL`, spec §11.2) lives in `global_n1` and is counted here per group.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .cluster import ClusterData
from .instance import Instance
from .node import Node
from .score import cluster_score, optimal_score
from .types import FailMode

if TYPE_CHECKING:
    from .balance import BalanceOptions


def bad_items(nodes: Sequence[Node]) -> tuple[list[int], list[int]]:
    """Online nodes failing N+1 and their (deduplicated, sorted) instances."""
    bad = [n for n in nodes if not n.offline and n.fail_n1]
    insts = sorted({i for n in bad for i in n.slist + n.plist})
    return [n.idx for n in bad], insts


def n1_happy(nodes: Sequence[Node]) -> bool:
    """Whether no online node fails N+1 (hinfo's "Cluster is N+1 happy")."""
    return not bad_items(nodes)[0]


def policy_violations(nodes: Sequence[Node]) -> list[tuple[int, FailMode]]:
    """Nodes (not failing N+1) over their spindle or vcpu limits (hbal's message)."""
    bad = set(bad_items(nodes)[0])
    out = []
    for node in nodes:
        if node.idx in bad:
            continue
        err = node.policy_health()
        if err is not None:
            out.append((node.idx, err))
    return out


@dataclass(frozen=True)
class GroupHealth:
    """hcheck's per-group values (keys N1_FAIL ... SCORE)."""

    group: int
    n1_fail: int
    conflict_tags: int
    offline_pri: int
    offline_sec: int
    score: float
    gn1_fail: int | None = None
    """Nodes failing the capacity check; None when not computed (or on error)."""
    gn1_error: str | None = None
    """Set when Ganeti's hcheck would abort while counting GN1_FAIL (split instance)."""

    def values(self) -> list[int]:
        """The integer statistics in hcheck's order (GN1 only when computed)."""
        vals = [self.n1_fail, self.conflict_tags, self.offline_pri, self.offline_sec]
        if self.gn1_fail is not None:
            vals.append(self.gn1_fail)
        return vals


def group_health(gidx: int, nodes: Sequence[Node],
                 instances: Sequence[Instance] | None = None) -> GroupHealth:
    """hcheck's checks for one group's nodes (Ganeti `perGroupChecks`).

    With `instances` (those whose primary is in the group) the capacity check
    is run too and `gn1_fail` is filled in.
    """
    offline = [n for n in nodes if n.offline]
    gn1: int | None = None
    gn1_error: str | None = None
    if instances is not None:
        from .global_n1 import MissingNodeError, failing_nodes  # NumPy: only when needed

        try:
            gn1 = len(failing_nodes({n.idx: n for n in nodes}, {i.idx: i for i in instances}))
        except MissingNodeError as err:
            gn1_error = str(err)
    return GroupHealth(
        group=gidx,
        n1_fail=len(bad_items(nodes)[0]),
        conflict_tags=sum(1 for n in nodes if n.conflicting_primaries > 0),
        offline_pri=sum(len(n.plist) for n in offline),
        offline_sec=len(offline),  # quirk copied: counts nodes, not instances
        score=cluster_score(nodes),
        gn1_fail=gn1,
        gn1_error=gn1_error,
    )


@dataclass
class HcheckReport:
    """Initial and (optionally) post-rebalancing health of every group."""

    initial: list[GroupHealth]
    final: list[GroupHealth] = field(default_factory=list)
    need_rebalance: bool = False
    simulated: bool = False
    error: str | None = None
    """First `GroupHealth.gn1_error` of the initial pass; then `final` is empty."""

    @staticmethod
    def totals(groups: Sequence[GroupHealth]) -> list[int]:
        """Cluster-wide sums of the integer statistics."""
        if not groups:
            return []
        cols = [g.values() for g in groups]
        return [sum(c[i] for c in cols) for i in range(len(cols[0]))]


def _group_nodes(data: ClusterData, gidx: int) -> list[Node]:
    return [n for n in data.nodes if n.group == gidx]


def _group_instances(data: ClusterData, gidx: int) -> list[Instance]:
    return [i for i in data.instances if data.nodes[i.pnode].group == gidx]


def hcheck(data: ClusterData, opts: BalanceOptions | None = None,
           simulate: bool = True, capacity: bool = True) -> HcheckReport:
    """Run hcheck's analysis; rebalance groups in simulation when needed.

    `capacity=False` is `--no-capacity-checks` (no GN1_FAIL values).
    """
    groups = data.groups_with_nodes()

    def health(d: ClusterData, gidx: int) -> GroupHealth:
        insts = _group_instances(d, gidx) if capacity else None
        return group_health(gidx, _group_nodes(d, gidx), insts)

    initial = []
    for g in groups:
        initial.append(health(data, g))
        if initial[-1].gn1_error is not None:
            return HcheckReport(initial, error=initial[-1].gn1_error)
    need = sum(HcheckReport.totals(initial)) > 0
    report = HcheckReport(initial, need_rebalance=need)
    do_sim = simulate and need
    report.simulated = do_sim
    if do_sim:
        from .balance import BalanceOptions, balance  # NumPy: only when simulating

        opts = opts or BalanceOptions()
    final = []
    for gidx, ini_health in zip(groups, initial, strict=True):
        if not do_sim:
            final.append(ini_health)
            continue
        assert opts is not None
        nodes = _group_nodes(data, gidx)
        if cluster_score(nodes) < opts.min_score + optimal_score(nodes):
            final.append(ini_health)
            continue
        res = balance(data, gidx, opts)
        final.append(health(res.data, gidx))
    report.final = final
    return report


def instances_of(data: ClusterData, idxs: Sequence[int]) -> list[Instance]:
    """Instances by index (helper for front ends printing bad instances)."""
    return [data.instances[i] for i in idxs]
