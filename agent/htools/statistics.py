"""Ganeti's updatable cluster statistics (spec §7.3), used to score pair allocations.

Allocation on node pairs does not recompute the score: it replaces the
contributions of the two changed nodes in running statistics. The results can
differ from a full recomputation in the last bits, so hail's scores (and its
choices on near-ties) are only reproduced by doing exactly the same updates.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from .node import Node
from .score import COMPONENTS, MAP_COMPONENT, Aggregate, node_values


@dataclass(frozen=True)
class _StdDev:
    n: float
    total: float
    var: float


Stat = float | _StdDev | dict
"""A sum (float), a standard deviation (count, sum, variance) or a map of counts."""


def _fold(values: Iterable[float]) -> float:
    total = 0.0
    for v in values:
        total = total + v
    return total


class ClusterStats:
    """Per-component statistics of a node list; immutable, `replace` gives a new one."""

    __slots__ = ("stats",)

    def __init__(self, stats: list[Stat]) -> None:
        self.stats = stats

    @classmethod
    def of_nodes(cls, nodes: Iterable[Node]) -> ClusterStats:
        """Statistics of the nodes (Ganeti `compClusterStatistics`); empty if none online."""
        node_list = list(nodes)
        online = [node_values(n) for n in node_list if not n.offline]
        offline = [node_values(n) for n in node_list if n.offline]
        if not online:
            return cls([])
        stats: list[Stat] = []
        for k, comp in enumerate(COMPONENTS):
            agg = comp.aggregate
            if k == MAP_COMPONENT:
                merged: dict = {}
                for node in node_list:
                    if not node.offline:
                        for key, val in node.instance_map.items():
                            merged[key] = merged.get(key, 0) + val
                stats.append(merged)
            elif agg is Aggregate.STDDEV:
                xs = [row[k] for row in online]
                n = float(len(xs))
                total = _fold(xs)
                mean = total / n
                nvar = 0.0
                for x in xs:
                    d = x - mean
                    nvar = nvar + d * d
                stats.append(_StdDev(n, total, nvar / n))
            elif agg is Aggregate.OFFLINE_SUM:
                stats.append(_fold(row[k] for row in offline))
            else:
                stats.append(_fold(row[k] for row in online))
        return cls(stats)

    def replace(self, old: Node, new: Node) -> ClusterStats:
        """Statistics with `old`'s contribution replaced by `new`'s (`updateClusterStatistics`)."""
        if not self.stats:
            return self
        xs = node_values(old)
        ys = node_values(new)
        online = not old.offline
        out: list[Stat] = []
        for k, (comp, stat) in enumerate(zip(COMPONENTS, self.stats, strict=True)):
            for_online = comp.aggregate is not Aggregate.OFFLINE_SUM
            if for_online != online:
                out.append(stat)
            elif k == MAP_COMPONENT:
                assert isinstance(stat, dict)
                merged = dict(stat)
                for key, val in old.instance_map.items():
                    merged[key] = merged.get(key, 0) - val
                for key, val in new.instance_map.items():
                    merged[key] = merged.get(key, 0) + val
                out.append(merged)  # zero counts are kept, as in Ganeti
            elif isinstance(stat, _StdDev):
                x, y = xs[k], ys[k]
                ds = y - x
                dss = y * y - x * x
                dnnvar = (stat.n * dss - 2 * stat.total * ds) - ds * ds
                var = max(0.0, stat.var + dnnvar / (stat.n * stat.n))
                out.append(_StdDev(stat.n, stat.total + ds, var))
            else:
                assert isinstance(stat, float)
                out.append(stat + (ys[k] - xs[k]))
        return ClusterStats(out)

    def values(self) -> list[float]:
        """Component values (Ganeti `getStatisticValue`)."""
        out = []
        for stat in self.stats:
            if isinstance(stat, _StdDev):
                out.append(math.sqrt(stat.var))
            elif isinstance(stat, dict):
                out.append(float(sum(stat.values()) - len(stat)))
            else:
                out.append(stat)
        return out

    def score(self) -> float:
        """The cluster score from the statistics (Ganeti `compCVfromStats`)."""
        total = 0.0
        for comp, val in zip(COMPONENTS, self.values(), strict=False):
            total = total + comp.weight * val
        return total
