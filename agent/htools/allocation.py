"""The allocation core shared by hail, hspace and the capacity checks (spec §9).

A *node map* is a mapping from node index to `Node` holding the nodes under
consideration in ascending index order (Ganeti's node list); scores are taken
over all of them. Placements are collected in generation order and ranked
by score with ties going to the candidate generated **last**; an optional
predicate (the capacity check) can then reject the best ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from .errors import HtoolsError
from .group_state import GroupState
from .instance import NO_NODE, Instance
from .moves import with_location_score
from .node import Node
from .policy import inst_matches_policy
from .statistics import ClusterStats
from .types import FailMode

NodeMap = Mapping[int, Node]
_MODES = tuple(FailMode)  # iterating the enum itself is slow in a hot loop


class AllocationError(HtoolsError):
    """No candidate could even be generated (no online nodes, bad node count)."""


@dataclass(frozen=True)
class AllocElement:
    """One successful placement: the changed nodes, the placed instance, its score."""

    changed: dict[int, Node]
    instance: Instance
    node_ids: tuple[int, ...]
    score: float

    def apply(self, nodes: NodeMap) -> dict[int, Node]:
        """The node map after this placement."""
        out = dict(nodes)
        out.update(self.changed)
        return out


@dataclass
class AllocCollection:
    """Placements and failures gathered over the candidates (generation order)."""

    failures: list[FailMode] = field(default_factory=list)
    allocs: int = 0
    solutions: list[AllocElement] = field(default_factory=list)

    def add(self, result: AllocElement | FailMode) -> None:
        """Record one candidate's outcome."""
        if isinstance(result, FailMode):
            self.failures.append(result)
        else:
            self.allocs += 1
            self.solutions.append(result)


@dataclass
class AllocSolution:
    """The chosen placement (or None), success count, failures and log lines."""

    failures: list[FailMode] = field(default_factory=list)
    allocs: int = 0
    solution: AllocElement | None = None
    log: list[str] = field(default_factory=list)


def ranked(solutions: Sequence[AllocElement]) -> list[AllocElement]:
    """Best score first; among equal scores the later-generated one first."""
    return sorted(reversed(solutions), key=lambda e: e.score)


def collection_to_solution(coll: AllocCollection,
                           is_good: Callable[[AllocElement], bool] | None = None,
                           fail_mode: FailMode = FailMode.FAIL_N1) -> AllocSolution:
    """Best placement satisfying `is_good`; rejected better ones count as `fail_mode`."""
    dropped = 0
    chosen = None
    for elem in ranked(coll.solutions):
        if is_good is None or is_good(elem):
            chosen = elem
            break
        dropped += 1
    return AllocSolution([fail_mode] * dropped + list(coll.failures), coll.allocs - dropped,
                         chosen)


def better(a: AllocElement | None, b: AllocElement | None) -> AllocElement | None:
    """Ganeti's `bestAllocElement`: `a` only if strictly better than `b`."""
    if b is None:
        return a
    if a is None:
        return b
    return a if a.score < b.score else b


def sum_allocs(acc: AllocSolution, part: AllocSolution) -> AllocSolution:
    """Merge a per-primary (or per-group) solution into the running one."""
    return AllocSolution(part.failures + acc.failures, acc.allocs + part.allocs,
                         better(acc.solution, part.solution), part.log + acc.log)


def failure_counts(failures: Iterable[FailMode]) -> list[tuple[FailMode, int]]:
    """Count per failure mode, in enumeration order (zeros included)."""
    fails = list(failures)
    return [(mode, fails.count(mode)) for mode in _MODES]


def describe_solution(sol: AllocSolution, node_name: Callable[[int], str]) -> str:
    """hail's description of a solution (Ganeti `genericDescribeSolution`)."""
    reasons = ", ".join(f"{m.ganeti_name}: {c}" for m, c in failure_counts(sol.failures) if c)
    if sol.solution is None:
        return ("No valid allocation solutions, failure reasons: "
                + (reasons if sol.failures else "unknown reasons"))
    elem = sol.solution
    names = "/".join(node_name(i) for i in elem.node_ids)
    return (f"score: {elem.score:.8f}, successes {sol.allocs}, failures {len(sol.failures)} "
            f"({reasons}) for node(s) {names}")


def annotate_solution(sol: AllocSolution, node_name: Callable[[int], str]) -> AllocSolution:
    """Prepend the description to the solution's log."""
    return replace(sol, log=[describe_solution(sol, node_name), *sol.log])


# -- candidates -----------------------------------------------------------------

def gen_alloc_nodes(nodes: Iterable[Node], count: int,
                    restrict_to: Iterable[str] | None = None,
                    allocable_groups: Iterable[int] | None = None,
                    ) -> list[int] | list[tuple[int, list[int]]]:
    """Candidate primaries (count 1) or (primary, secondaries) pairs (count 2), spec §9.1."""
    cands = [n for n in nodes if not n.offline]
    if allocable_groups is not None:
        ok = set(allocable_groups)
        cands = [n for n in cands if n.group in ok]
    if restrict_to is not None:
        names = set(restrict_to)
        cands = [n for n in cands if n.name in names]
    if count == 1:
        return [n.idx for n in cands]
    if count == 2:
        pairs = [(p.idx, [s.idx for s in cands if s.idx != p.idx and s.group == p.group])
                 for p in cands]
        return [(p, ss) for p, ss in pairs if ss]
    raise AllocationError("Unsupported number of nodes, only one or two  supported")


# -- trying placements ------------------------------------------------------------

def allocate_on_single(nodes: NodeMap, inst: Instance, pdx: int, force: bool,
                       scorer: GroupState | None = None) -> AllocElement | FailMode:
    """Place `inst` alone on `pdx` (policy check, addPrimary); score over `nodes`."""
    node = nodes[pdx]
    err = inst_matches_policy(inst, node.ipolicy, node.excl_storage)
    if err is not None:
        return err
    new_p = node.add_primary(inst, force)
    if isinstance(new_p, FailMode):
        return new_p
    if scorer is None:
        scorer = GroupState(list(nodes.values()), [])
    placed = replace(inst, pnode=pdx, snode=NO_NODE)
    return AllocElement({pdx: new_p}, placed, (pdx,), scorer.score_with({pdx: new_p}))


def allocate_on_pair(nodes: NodeMap, stats: ClusterStats, inst: Instance, pdx: int, sdx: int,
                     force: bool) -> AllocElement | FailMode:
    """Place `inst` on the pair (pdx, sdx); score by updating `stats` (spec §9.2)."""
    tgt_p = nodes[pdx]
    tgt_s = nodes[sdx]
    err = inst_matches_policy(inst, tgt_p.ipolicy, tgt_p.excl_storage)
    if err is not None:
        return err
    placed = with_location_score(inst, tgt_p, tgt_s)
    placed.pnode, placed.snode = pdx, sdx
    new_p = tgt_p.add_primary(placed, force)
    if isinstance(new_p, FailMode):
        return new_p
    new_s = tgt_s.add_secondary(placed, pdx)
    if isinstance(new_s, FailMode):
        return new_s
    score = stats.replace(tgt_p, new_p).replace(tgt_s, new_s).score()
    return AllocElement({pdx: new_p, sdx: new_s}, placed, (pdx, sdx), score)


def try_alloc_single(nodes: NodeMap, inst: Instance, candidates: Sequence[int], force: bool,
                     is_good: Callable[[AllocElement], bool] | None = None) -> AllocSolution:
    """Best single-node placement among `candidates` (Ganeti `tryAlloc`, count 1)."""
    if not candidates:
        raise AllocationError("No online nodes")
    scorer = GroupState(list(nodes.values()), [])
    coll = AllocCollection()
    for pdx in candidates:
        coll.add(allocate_on_single(nodes, inst, pdx, force, scorer))
    return collection_to_solution(coll, is_good)


def try_alloc_pair(nodes: NodeMap, inst: Instance, pairs: Sequence[tuple[int, list[int]]],
                   force: bool,
                   is_good: Callable[[AllocElement], bool] | None = None) -> AllocSolution:
    """Best pair placement: per primary with the filter, then across primaries."""
    if not pairs:
        raise AllocationError("Not enough online nodes")
    stats: ClusterStats | None = None  # only a pair that fits is scored
    policy: dict[tuple[int, bool], FailMode | None] = {}
    total = AllocSolution()
    for pdx, secs in pairs:
        coll = AllocCollection()
        fail = _primary_failure(nodes[pdx], inst, force, policy)
        if fail is not None:
            coll.failures = [fail] * len(secs)
        else:
            for sdx in secs:
                # as for the primary, the secondary's verdict ignores the location score
                new_s = nodes[sdx].add_secondary(inst, pdx, force)
                if isinstance(new_s, FailMode):
                    coll.failures.append(new_s)
                    continue
                if stats is None:
                    stats = ClusterStats.of_nodes(nodes.values())
                coll.add(allocate_on_pair(nodes, stats, inst, pdx, sdx, force))
        total = sum_allocs(total, collection_to_solution(coll, is_good))
    return total


def _primary_failure(node: Node, inst: Instance, force: bool,
                     policy: dict[tuple[int, bool], FailMode | None]) -> FailMode | None:
    """Why `inst` fails on `node` as a primary whatever the secondary, None if it does not.

    `allocate_on_pair` checks the policy and then `add_primary`, and neither
    outcome depends on the secondary (the pair's location score only enters
    the placed instance's bookkeeping once it fits), so one look per primary
    gives every pair's failure. `policy` remembers the verdict per (policy,
    exclusive storage).
    """
    key = (id(node.ipolicy), node.excl_storage)
    if key not in policy:
        policy[key] = inst_matches_policy(inst, node.ipolicy, node.excl_storage)
    err = policy[key]
    if err is not None:
        return err
    new_p = node.add_primary(inst, force)
    return new_p if isinstance(new_p, FailMode) else None
