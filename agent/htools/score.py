"""The cluster score ("CV", spec §7): 20 weighted components, lower is better.

Aggregations follow Ganeti's float operation order (left folds, mean then
centred sum of squares) so printed scores match to the last digit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from .node import Node, fdiv

if TYPE_CHECKING:
    import numpy as np


class Aggregate(Enum):
    """How a component is aggregated over nodes."""

    STDDEV = "stddev"
    SUM = "sum"
    OFFLINE_SUM = "offline_sum"
    MAP = "map"


@dataclass(frozen=True)
class Component:
    """One score component: its printed name, weight and aggregation."""

    name: str
    weight: float
    aggregate: Aggregate


COMPONENTS: tuple[Component, ...] = (
    Component("free_mem_cv", 0.5, Aggregate.STDDEV),
    Component("free_disk_cv", 0.5, Aggregate.STDDEV),
    Component("n1_cnt", 1.0, Aggregate.SUM),
    Component("reserved_mem_cv", 1.0, Aggregate.STDDEV),
    Component("offline_all_cnt", 4.0, Aggregate.OFFLINE_SUM),
    Component("offline_pri_cnt", 16.0, Aggregate.OFFLINE_SUM),
    Component("vcpu_ratio_cv", 0.5, Aggregate.STDDEV),
    Component("cpu_load_cv", 1.0, Aggregate.STDDEV),
    Component("mem_load_cv", 1.0, Aggregate.STDDEV),
    Component("disk_load_cv", 1.0, Aggregate.STDDEV),
    Component("net_load_cv", 1.0, Aggregate.STDDEV),
    Component("pri_tags_score", 2.0, Aggregate.SUM),
    Component("spindles_cv", 0.5, Aggregate.STDDEV),
    Component("free_mem_cv_forth", 0.5, Aggregate.STDDEV),
    Component("free_disk_cv_forth", 0.5, Aggregate.STDDEV),
    Component("vcpu_ratio_cv_forth", 0.5, Aggregate.STDDEV),
    Component("spindles_cv_forth", 0.5, Aggregate.STDDEV),
    Component("location_score", 1.0, Aggregate.SUM),
    Component("location_exclusion_score", 1.0, Aggregate.MAP),
    Component("reserved_mem_rtotal", 0.25, Aggregate.SUM),
)
"""Components in Ganeti's printing order."""

MAP_COMPONENT = 18
"""Index of the (location, exclusion tag) map component."""

RESERVED_MEM_RTOTAL_COEFF = 0.25

STDDEV_ROWS = tuple(i for i, c in enumerate(COMPONENTS) if c.aggregate is Aggregate.STDDEV)
SUM_ROWS = tuple(i for i, c in enumerate(COMPONENTS) if c.aggregate is Aggregate.SUM)
OFFLINE_ROWS = tuple(i for i, c in enumerate(COMPONENTS) if c.aggregate is Aggregate.OFFLINE_SUM)


@dataclass(frozen=True)
class ComponentValue:
    """A component's aggregated value, as in the `-v -v -v` coefficient table."""

    name: str
    weight: float
    value: float


@dataclass(frozen=True)
class ScoreBreakdown:
    """A score with its per-component values (empty when no node is online)."""

    total: float
    components: tuple[ComponentValue, ...]


def node_values(node: Node) -> list[float]:
    """The node's 20 per-node values; index 18 (the map) is returned as 0."""
    n1 = float(len(node.slist) + len(node.plist)) if node.fail_n1 else 0.0
    ipri = float(len(node.plist))
    isec = float(len(node.slist))
    load = node.util_load
    return [
        node.p_mem,
        node.p_dsk,
        n1,
        node.p_rem,
        ipri + isec,
        ipri,
        node.p_cpu_eff,
        load.cpu / 1.0,
        load.mem / 1.0,
        load.dsk / 1.0,
        load.net / 1.0,
        float(node.conflicting_primaries),
        fdiv(node.inst_spindles, node.hi_spindles),
        node.p_mem_forth,
        node.p_dsk_forth,
        node.p_cpu_eff_forth,
        fdiv(node.inst_spindles_forth, node.hi_spindles),
        float(node.location_score),
        0.0,
        node.p_rem,
    ]


def fold_sum(values: np.ndarray) -> float:
    """Left-fold sum starting at 0, as Haskell's `foldl' (+) 0`."""
    import numpy as np

    if values.size == 0:
        return 0.0
    return float(np.cumsum(values)[-1])


def _fold_list(values: Sequence[float]) -> float:
    """`fold_sum` of a list, without NumPy (same additions in the same order)."""
    if not values:
        return 0.0
    total = values[0]
    for v in values[1:]:
        total = total + v
    return total


def _stddev_list(values: Sequence[float]) -> float:
    """`stddev` of a list, without NumPy (same operations in the same order)."""
    n = float(len(values))
    mean = _fold_list(values) / n
    return math.sqrt(_fold_list([(v - mean) * (v - mean) for v in values]) / n)


def stddev(values: np.ndarray) -> float:
    """Population standard deviation computed in Ganeti's order."""
    n = float(values.size)
    mean = fold_sum(values) / n
    d = values - mean
    return math.sqrt(fold_sum(d * d) / n)


def map_value(counts: dict) -> float:
    """Map statistic: sum of counts minus number of keys."""
    return float(sum(counts.values()) - len(counts))


def merge_maps(nodes: Iterable[Node]) -> dict:
    """Key-wise sum of the nodes' (location, exclusion tag) maps."""
    total: dict = {}
    for node in nodes:
        for key, val in node.instance_map.items():
            total[key] = total.get(key, 0) + val
    return total


def values_from_matrix(online: np.ndarray, offline: np.ndarray, map_val: float) -> list[float]:
    """Aggregate per-node value matrices (rows = components, cols = nodes).

    `online` and `offline` have 20 rows; returns [] when no node is online.
    """
    if online.shape[1] == 0:
        return []
    out = [0.0] * len(COMPONENTS)
    for row in STDDEV_ROWS:
        out[row] = stddev(online[row])
    for row in SUM_ROWS:
        out[row] = fold_sum(online[row])
    for row in OFFLINE_ROWS:
        out[row] = fold_sum(offline[row])
    out[MAP_COMPONENT] = map_val
    return out


def total_from_values(values: Sequence[float]) -> float:
    """Weighted sum in component order (Haskell `sum . zipWith (*)`)."""
    total = 0.0
    for comp, val in zip(COMPONENTS, values, strict=False):
        total = total + comp.weight * val
    return total


def component_values(nodes: Iterable[Node]) -> list[float]:
    """The aggregated component values of a node list ([] if none online).

    Plain Python (the tools that only score a cluster start without NumPy);
    the same float operations as `values_from_matrix`, so the same results.
    """
    node_list = list(nodes)
    online = [n for n in node_list if not n.offline]
    if not online:
        return []
    on_rows = list(zip(*(node_values(n) for n in online), strict=True))
    off_vals = [node_values(n) for n in node_list if n.offline]
    out = [0.0] * len(COMPONENTS)
    for row in STDDEV_ROWS:
        out[row] = _stddev_list(on_rows[row])
    for row in SUM_ROWS:
        out[row] = _fold_list(on_rows[row])
    for row in OFFLINE_ROWS:
        out[row] = _fold_list([v[row] for v in off_vals])
    out[MAP_COMPONENT] = map_value(merge_maps(online))
    return out


def cluster_score(nodes: Iterable[Node]) -> float:
    """The cluster score of a node list (Ganeti's `compCV`)."""
    return total_from_values(component_values(nodes))


def score_breakdown(nodes: Iterable[Node]) -> ScoreBreakdown:
    """Score plus per-component values, for coefficient tables."""
    vals = component_values(nodes)
    comps = tuple(
        ComponentValue(c.name, c.weight, v) for c, v in zip(COMPONENTS, vals, strict=False)
    )
    return ScoreBreakdown(total_from_values(vals), comps)


def optimal_score(nodes: Iterable[Node]) -> float:
    """Theoretical minimum score due to DRBD reservations (spec §7.2)."""
    node_list = list(nodes)
    if len(node_list) <= 1:
        return 0.0
    mems = [n.t_mem for n in node_list]
    total = 0.0
    for m in mems:
        total = total + m
    less_one = total - max(mems)
    if not less_one > 0:
        return 0.0
    drbd = float(sum(sum(n.peers.values()) for n in node_list))
    usage = drbd / total
    usage_less = drbd / less_one
    return RESERVED_MEM_RTOTAL_COEFF * (usage_less - usage)
