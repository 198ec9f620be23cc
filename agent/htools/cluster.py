"""The whole cluster as loaded: groups, nodes, instances, tags and policy.

Lists are indexed by the objects' `idx` (load order); algorithms work on
copies made with `ClusterData.copy()`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from .errors import LookupError_
from .group import Group
from .instance import NO_NODE, Instance
from .node import Node
from .types import DEFAULT_IPOLICY, IPolicy


@dataclass
class ClusterData:
    """Everything a backend loads (Ganeti's `ClusterData`)."""

    groups: list[Group]
    nodes: list[Node]
    instances: list[Instance]
    cluster_tags: list[str] = field(default_factory=list)
    ipolicy: IPolicy = DEFAULT_IPOLICY

    def copy(self) -> ClusterData:
        """A copy whose nodes and instances can be changed independently."""
        return ClusterData(
            groups=[copy.copy(g) for g in self.groups],
            nodes=[n.clone() for n in self.nodes],
            instances=[i.__copy__() for i in self.instances],
            cluster_tags=list(self.cluster_tags),
            ipolicy=self.ipolicy,
        )

    def group_of(self, node: Node) -> Group:
        """The node's group."""
        return self.groups[node.group]

    def group_nodes(self, gidx: int) -> list[Node]:
        """Nodes of one group, in index order."""
        return [n for n in self.nodes if n.group == gidx]

    def groups_with_nodes(self) -> list[int]:
        """Indices of groups that have at least one node, ascending."""
        return sorted({n.group for n in self.nodes})

    def group_instances(self, gidx: int) -> list[Instance]:
        """Instances whose primary node is in the group."""
        return [i for i in self.instances if self.nodes[i.pnode].group == gidx]

    def split_instances(self) -> list[Instance]:
        """Instances whose nodes lie in more than one group."""
        out = []
        for inst in self.instances:
            groups = {self.nodes[n].group for n in inst.all_nodes if n != NO_NODE}
            if len(groups) > 1:
                out.append(inst)
        return out

    def find_group(self, key: str) -> Group:
        """Group by name or UUID (exactly one match required)."""
        matches = [g for g in self.groups if key in (g.name, g.uuid)]
        if len(matches) != 1:
            raise LookupError_(f"Node group {key} not found")
        return matches[0]


def lookup_name(names: list[str], key: str) -> str:
    """Resolve a user-given name: exact match, or unique `key.` prefix match."""
    if key in names:
        return key
    partial = [n for n in names if n.startswith(key + ".")]
    if len(partial) == 1:
        return partial[0]
    raise LookupError_(key)


def longest_domain(names: list[str]) -> str:
    """Longest suffix starting with '.' shared by all names ('' if none)."""
    if not names:
        return ""
    first, rest = names[0], names[1:]
    best = ""
    # Ganeti folds from the right over tails of the first name: the longest
    # qualifying suffix wins.
    for pos in range(len(first)):
        suffix = first[pos:]
        if suffix.startswith(".") and all(n.endswith(suffix) for n in rest):
            best = suffix
            break
    return best


def compute_alias(suffix: str, name: str) -> str:
    """Name with the common suffix stripped (only when it really ends so)."""
    if suffix and name.endswith(suffix):
        return name[: -len(suffix)]
    return name
