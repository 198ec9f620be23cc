"""Node conflict graphs and their greedy colourings (hroller's reboot groups, spec §15).

Nodes that must not reboot together are joined by an edge; a colouring puts
each node in a colour class of nodes with no edge between them. The graph is
Ganeti's `Data.Graph` over a contiguous index range, built from the same edge
list in the same order, so its printed form and every colouring tie-break
match Ganeti 3.0.2 (`Graph.hs`, `Node.mkNodeGraph`, `Node.mkRebootNodeGraph`).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from .instance import Instance
from .node import Node

Edge = tuple[int, int]


@dataclass(frozen=True)
class NodeGraph:
    """An undirected multigraph on the node indices `lo..hi` (adjacency in Ganeti's order)."""

    lo: int
    hi: int
    adjacency: tuple[tuple[int, ...], ...]
    """Neighbours of vertex `lo + k` at position k (duplicates and self-loops kept)."""

    @property
    def vertices(self) -> range:
        """Every vertex, ascending (non-candidate indices in the range are isolated)."""
        return range(self.lo, self.hi + 1)

    def neighbours(self, v: int) -> tuple[int, ...]:
        """Adjacency list of `v`."""
        return self.adjacency[v - self.lo]

    def degree(self, v: int) -> int:
        """Length of the adjacency list (duplicates and self-loops count)."""
        return len(self.adjacency[v - self.lo])

    def show(self) -> str:
        """The graph as Haskell's `show` prints a `Data.Graph` value."""
        items = ",".join(f"({self.lo + k},[{','.join(map(str, adj))}])"
                         for k, adj in enumerate(self.adjacency))
        return f"array ({self.lo},{self.hi}) [{items}]"


def build_graph(candidates: Collection[int], edges: Sequence[Edge]) -> NodeGraph | None:
    """`Graph.buildG` over [min, max] of the candidates, keeping edges between candidates.

    None when there are no candidates. Each adjacency list is in reverse edge
    order, as `buildG` accumulates it.
    """
    if not candidates:
        return None
    lo, hi = min(candidates), max(candidates)
    wanted = set(candidates)
    adj: list[list[int]] = [[] for _ in range(hi - lo + 1)]
    for a, b in edges:
        if a in wanted and b in wanted:
            adj[a - lo].append(b)
    return NodeGraph(lo, hi, tuple(tuple(reversed(x)) for x in adj))


def instance_edges(instances: Sequence[Instance]) -> list[Edge]:
    """Primary–secondary edges, both directions, one pair per DRBD instance."""
    out: list[Edge] = []
    for inst in instances:
        if inst.has_secondary:
            out.append((inst.pnode, inst.snode))
            out.append((inst.snode, inst.pnode))
    return out


def shared_secondary_edges(nodes: Sequence[Node], instances: Sequence[Instance]) -> list[Edge]:
    """For every node, all ordered pairs of primaries of the instances it is secondary for."""
    out: list[Edge] = []
    for node in nodes:
        prims = [instances[i].pnode for i in node.slist]
        out.extend((a, b) for a in prims for b in prims)
    return out


def node_graph(candidates: Collection[int], instances: Sequence[Instance]) -> NodeGraph | None:
    """Graph of DRBD replication between candidate nodes (`--offline-maintenance`)."""
    return build_graph(candidates, instance_edges(instances))


def reboot_node_graph(all_nodes: Sequence[Node], candidates: Collection[int],
                      instances: Sequence[Instance]) -> NodeGraph | None:
    """Replication edges plus shared-secondary cliques over the whole cluster.

    Two nodes that are primaries of instances sharing a secondary cannot
    reboot together either: the instances could not fail over at once. The
    shared-secondary pairs are deduplicated and those already present among
    the replication edges dropped (Haskell's `union`).
    """
    first = instance_edges(instances)
    present = set(first)
    extra: list[Edge] = []
    for e in shared_secondary_edges(all_nodes, instances):
        if e not in present:
            present.add(e)
            extra.append(e)
    return build_graph(candidates, first + extra)


# -- colouring ------------------------------------------------------------------

Colours = dict[int, int]
"""Vertex → colour (0, 1, ...)."""


def _smallest_free(used: set[int]) -> int:
    colour = 0
    while colour in used:
        colour += 1
    return colour


def _colour_of(graph: NodeGraph, colours: Colours, v: int) -> int:
    return _smallest_free({colours[u] for u in graph.neighbours(v) if u in colours})


def colour_in_order(graph: NodeGraph, order: Sequence[int]) -> Colours:
    """Greedy colouring visiting `order` from its end (Ganeti folds from the right)."""
    colours: Colours = {}
    for v in reversed(order):
        colours[v] = _colour_of(graph, colours, v)
    return colours


def colour_lf(graph: NodeGraph) -> Colours:
    """Largest degree first; among equal degrees the highest index first."""
    order = sorted(graph.vertices, key=graph.degree)
    return colour_in_order(graph, order)


def _colour_dynamic(graph: NodeGraph, saturation: bool) -> Colours:
    """Repeatedly colour the uncoloured vertex with the largest (key, degree, index).

    The key is the number of distinct neighbour colours (`saturation`) or the
    number of coloured neighbour entries. Keys only grow, so a heap with
    stale entries skipped gives Ganeti's linear maximum search's choice.
    """
    lo = graph.lo
    back: list[list[int]] = [[] for _ in graph.vertices]
    for v in graph.vertices:
        for u in graph.neighbours(v):
            back[u - lo].append(v)
    seen: list[set[int]] = [set() for _ in graph.vertices]
    count = [0] * len(back)
    colours: Colours = {}
    heap = [(0, -graph.degree(v), -v) for v in graph.vertices]
    heapq.heapify(heap)
    while heap:
        key, neg_deg, neg_v = heapq.heappop(heap)
        v = -neg_v
        if v in colours:
            continue
        current = len(seen[v - lo]) if saturation else count[v - lo]
        if -key != current:
            continue
        colour = _colour_of(graph, colours, v)
        colours[v] = colour
        for u in back[v - lo]:
            if u in colours:
                continue
            k = u - lo
            if saturation:
                if colour in seen[k]:
                    continue
                seen[k].add(colour)
                new = len(seen[k])
            else:
                count[k] += 1
                new = count[k]
            heapq.heappush(heap, (-new, -graph.degree(u), -u))
    return colours


def colour_dsatur(graph: NodeGraph) -> Colours:
    """Dsatur: most distinct neighbour colours first, then degree, then highest index."""
    return _colour_dynamic(graph, saturation=True)


def colour_dcolor(graph: NodeGraph) -> Colours:
    """Dcolor: most coloured neighbour entries first, then degree, then highest index."""
    return _colour_dynamic(graph, saturation=False)


COLOURINGS: tuple[tuple[str, Callable[[NodeGraph], Colours]], ...] = (
    ("LF", colour_lf), ("Dsatur", colour_dsatur), ("Dcolor", colour_dcolor),
)
"""hroller's heuristics in the order ties between them are resolved."""


def colour_classes(colours: Colours) -> list[list[int]]:
    """Vertices of each colour (ascending), colours in increasing order."""
    classes: dict[int, list[int]] = {}
    for v in sorted(colours):
        classes.setdefault(colours[v], []).append(v)
    return [classes[c] for c in sorted(classes)]


def is_proper(graph: NodeGraph, colours: Colours) -> bool:
    """No edge joins two distinct vertices of the same colour."""
    return all(colours[u] != colours[v] for v in graph.vertices
               for u in graph.neighbours(v) if u != v)


def colouring_stats(results: Sequence[tuple[str, list[list[int]]]]) -> str:
    """hroller's `-v -v` summary: worst heuristic first, TIE/LOOSE against the previous one."""
    ordered = sorted(results, key=lambda r: -len(r[1]))
    size, text = 0, ""
    for name, classes in reversed(ordered):
        stat = f"{name}: {len(classes)} ({','.join(str(len(c)) for c in classes)})"
        if size == 0:
            size, text = len(classes), stat
        else:
            word = "TIE" if size == len(classes) else "LOOSE"
            size, text = len(classes), f"{text} {word} {stat}"
    return text


__all__ = [
    "COLOURINGS", "Colours", "Edge", "NodeGraph", "build_graph", "colour_classes",
    "colour_dcolor", "colour_dsatur", "colour_in_order", "colour_lf", "colouring_stats",
    "instance_edges", "is_proper", "node_graph", "reboot_node_graph", "shared_secondary_edges",
]
