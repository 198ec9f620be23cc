"""The working state of one node group during balancing: nodes, instances, exact score.

Keeps the per-node score values in a matrix so that the exact (Ganeti-order)
score of a candidate that changes two or three nodes costs one column swap and
a few folds instead of a rebuild.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from .instance import Instance
from .node import Node
from .score import merge_maps, node_values, total_from_values, values_from_matrix


class GroupState:
    """Nodes of one group (by global index), all instances, and the score matrix."""

    def __init__(self, nodes: list[Node], instances: list[Instance]) -> None:
        self.node_ids = [n.idx for n in nodes]
        self.nodes: dict[int, Node] = {n.idx: n for n in nodes}
        self.instances = instances
        self.col = {idx: j for j, idx in enumerate(self.node_ids)}
        self.matrix = np.zeros((20, len(nodes)), dtype=np.float64)
        for j, node in enumerate(nodes):
            self.matrix[:, j] = node_values(node)
        self.online = np.array([not n.offline for n in nodes], dtype=bool)
        self.map_counts = merge_maps(n for n in nodes if not n.offline)

    def _map_value_with(self, changed: Mapping[int, Node]) -> float:
        if not self.map_counts and not any(n.instance_map for n in changed.values()):
            return 0.0
        counts = dict(self.map_counts)
        for idx, new in changed.items():
            old = self.nodes[idx]
            if not old.offline:
                for key, val in old.instance_map.items():
                    left = counts.get(key, 0) - val
                    if left:
                        counts[key] = left
                    else:
                        counts.pop(key, None)
            if not new.offline:
                for key, val in new.instance_map.items():
                    counts[key] = counts.get(key, 0) + val
        return float(sum(counts.values()) - len(counts))

    def score_with(self, changed: Mapping[int, Node]) -> float:
        """Exact group score if the nodes in `changed` replaced the current ones."""
        mat = self.matrix
        if changed:
            mat = mat.copy()
            for idx, node in changed.items():
                mat[:, self.col[idx]] = node_values(node)
        online = mat[:, self.online]
        offline = mat[:, ~self.online]
        return total_from_values(values_from_matrix(online, offline,
                                                    self._map_value_with(changed)))

    def score(self) -> float:
        """Exact current group score."""
        return self.score_with({})

    def commit(self, changed: Mapping[int, Node], inst: Instance) -> None:
        """Make a simulated move permanent."""
        for idx, node in changed.items():
            old = self.nodes[idx]
            if not old.offline:
                for key, val in old.instance_map.items():
                    left = self.map_counts.get(key, 0) - val
                    if left:
                        self.map_counts[key] = left
                    else:
                        self.map_counts.pop(key, None)
            if not node.offline:
                for key, val in node.instance_map.items():
                    self.map_counts[key] = self.map_counts.get(key, 0) + val
            self.nodes[idx] = node
            self.matrix[:, self.col[idx]] = node_values(node)
        self.instances[inst.idx] = inst
