"""hspace's allocation loops: standard (`iterateAlloc`) and tiered (`tieredAlloc`).

Both repeatedly place a new instance with the allocation core (spec §9.2-9.3)
on the whole cluster and stop at the first failure or at the limit (spec
§12.3-12.4). The capacity filter (global N+1) is on for non-DRBD templates;
as Ganeti does, allocations are first tried in big batches without the filter
and a batch is kept when the cluster is still redundant at its end, falling
back to batches of 10 and then to one-by-one filtered allocation.

How one allocation is computed is the `Engine`'s business (a plain one on
`Node` objects, or the vectorised one of `engine.py`); the loops only see
`AllocSolution`s.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Generic, Protocol, TypeVar

from ..allocation import AllocSolution, failure_counts, try_alloc_pair, try_alloc_single
from ..global_n1 import alloc_global_n1, redundant
from ..instance import Instance
from ..node import Node
from ..types import DiskTemplate, FailMode
from .spec import shrink

Candidates = list[int] | list[tuple[int, list[int]]]
FailStats = list[tuple[FailMode, int]]


@dataclass(frozen=True)
class CapacityOptions:
    """The capacity-check part of Ganeti's algorithm options."""

    enabled: bool = True
    accept_existing: bool = False
    ignore_groups: tuple[int, ...] = ()


@dataclass
class AllocState:
    """A cluster state during allocation: nodes, instances, instances placed so far."""

    nodes: dict[int, Node]
    instances: dict[int, Instance]
    allocated: list[Instance] = field(default_factory=list)
    """New instances in allocation order (across tiers and specs)."""


@dataclass
class AllocRun:
    """The state an allocation loop ended in and the failures of its last attempt."""

    state: AllocState
    failures: FailStats


class Engine(Protocol):
    """Computes one allocation of `inst` on a state (Ganeti `tryAlloc`)."""

    def try_alloc(self, state: AllocState, inst: Instance, cands: Candidates,
                  capacity: CapacityOptions | None) -> AllocSolution:
        """Best placement; `capacity` None means no capacity filter."""
        ...


class PlainEngine:
    """`tryAlloc` on `Node` objects with the library's allocation core."""

    def try_alloc(self, state: AllocState, inst: Instance, cands: Candidates,
                  capacity: CapacityOptions | None) -> AllocSolution:
        pred = None
        if capacity is not None:
            pred = alloc_global_n1(state.nodes, state.instances, capacity.accept_existing,
                                   capacity.ignore_groups)
        if inst.disk_template.required_nodes == 2:
            return try_alloc_pair(state.nodes, inst, cands, False, pred)  # type: ignore[arg-type]
        return try_alloc_single(state.nodes, inst, cands, False, pred)  # type: ignore[arg-type]


def solution_counts(sol: AllocSolution) -> FailStats:
    """Failures per mode in enumeration order (engines may supply the counts directly)."""
    counts = getattr(sol, "counts", None)
    if counts is not None:
        return list(zip(FailMode, counts, strict=True))
    return failure_counts(sol.failures)


def _apply(state: AllocState, sol: AllocSolution) -> AllocState:
    assert sol.solution is not None
    elem = sol.solution
    nodes = elem.apply(state.nodes)
    insts = dict(state.instances)
    insts[elem.instance.idx] = elem.instance
    return AllocState(nodes, insts, [*state.allocated, elem.instance])


def _is_redundant(state: AllocState, cap: CapacityOptions) -> bool:
    return redundant(state.nodes, state.instances, cap.accept_existing, cap.ignore_groups)


V = TypeVar("V")


class _PerState(Generic[V]):
    """Answers remembered per cluster state, emptied once it holds `limit` of them.

    A state is known by its node map, which is never changed in place: an entry is
    keyed by the map's id and keeps the map, so that an id reused by a later map
    never answers for it.
    """

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._known: dict[tuple[int, Hashable], tuple[object, V]] = {}

    def get(self, nodes: object, key: Hashable) -> tuple[bool, V | None]:
        """(True, the answer) if one is remembered for `key` on `nodes`, else (False, None)."""
        hit = self._known.get((id(nodes), key))
        if hit is not None and hit[0] is nodes:
            return True, hit[1]
        return False, None

    def put(self, nodes: object, key: Hashable, value: V) -> None:
        if len(self._known) > self._limit:
            self._known.clear()
        self._known[(id(nodes), key)] = (nodes, value)


@dataclass
class Allocator:
    """The loops, bound to an engine, the candidates and the capacity options.

    Tiered allocation probes the same cluster state with thousands of
    slightly smaller specs, many of them more than once; failed probes,
    shrinking walks and redundancy verdicts are remembered per state.
    """

    engine: Engine
    cands: Candidates
    capacity: CapacityOptions
    _failed: _PerState[AllocSolution] = field(default_factory=lambda: _PerState(200_000))
    _walks: _PerState[Instance | None] = field(default_factory=lambda: _PerState(200_000))
    _redundant: _PerState[bool] = field(default_factory=lambda: _PerState(10_000))

    def _try(self, state: AllocState, inst: Instance,
             cap: CapacityOptions | None) -> AllocSolution:
        key = (_spec_key(inst), cap is not None)
        known, failed = self._failed.get(state.nodes, key)
        if known:
            assert failed is not None
            return failed
        sol = self.engine.try_alloc(state, inst, self.cands, cap)
        if sol.solution is None:
            self._failed.put(state.nodes, key, sol)
        return sol

    def _is_redundant(self, state: AllocState) -> bool:
        known, verdict = self._redundant.get(state.nodes, None)
        if not known:
            verdict = _is_redundant(state, self.capacity)
            self._redundant.put(state.nodes, None, verdict)
        return bool(verdict)

    def _filter(self, inst: Instance, enabled: bool) -> CapacityOptions | None:
        if not enabled or inst.disk_template is DiskTemplate.DRBD:
            return None
        return self.capacity

    def small_step(self, state: AllocState, limit: int | None, inst: Instance,
                   check: bool) -> AllocRun:
        """Ganeti `iterateAllocSmallStep`: one filtered allocation after another."""
        cap = self._filter(inst, check)
        while True:
            depth = len(state.allocated)
            name = f"new-{depth}"
            new = replace(inst, name=name, alias=name, idx=len(state.instances))
            sol = self._try(state, new, cap)
            failures = solution_counts(sol)
            if sol.solution is None or limit == 0:
                return AllocRun(state, failures)
            state = _apply(state, sol)
            if limit is not None:
                limit -= 1

    def iterate(self, state: AllocState, limit: int | None, inst: Instance,
                huge_step: bool = True) -> AllocRun:
        """Ganeti `iterateAlloc`: batches without the filter, kept while redundant."""
        if not self.capacity.enabled:
            return self.small_step(state, limit, inst, False)
        if inst.disk_template is DiskTemplate.DRBD:
            # DRBD allocations are never filtered: batches give the same result
            return self.small_step(state, limit, inst, False)
        while True:
            step = guess_step(state.nodes.values(), inst) if huge_step else 10
            if limit is None:
                batch, rest = step, None
            else:
                batch, rest = min(step, limit), max(0, limit - step)
            res = self.small_step(state, batch, inst, False)
            if self._is_redundant(res.state):
                if rest == 0 or len(res.state.allocated) == len(state.allocated):
                    return res
                state, limit = res.state, rest
                continue
            if huge_step:
                huge_step = False
                continue
            return self.small_step(state, limit, inst, True)

    def fits_after_shrinking(self, state: AllocState, inst: Instance,
                             mode: FailMode) -> Instance | None:
        """Ganeti `sufficesShrinking`: smallest shrink in `mode` alone that allocates.

        Probes with the capacity filter on whatever the template (as Ganeti).
        A walk from a spec goes on as the walk from the next smaller one, so
        every spec it passes is remembered with its end: the tiered descent
        starts walks one unit apart, and each then stops at the first spec an
        earlier walk passed.
        """
        cap = self.capacity if self.capacity.enabled else None
        nodes = state.nodes
        passed: list[tuple] = []
        found: Instance | None = None
        cur: Instance | None = inst
        while cur is not None:
            key = (mode, _spec_key(cur))
            known, found = self._walks.get(nodes, key)
            if known:
                break
            passed.append(key)
            sol = self._try(state, cur, cap)
            if sol.solution is not None:
                found = cur
                break
            if dict(solution_counts(sol))[mode] == 0:
                break
            cur = shrink(cur, mode)
        for key in passed:
            self._walks.put(nodes, key, found)
        return found

    def _shrunk_fit(self, res: AllocRun, inst: Instance,
                    ordered: list[FailMode]) -> Instance | None:
        for mode in reversed(ordered):
            fit = self.fits_after_shrinking(res.state, inst, mode)
            if fit is not None:
                return fit
        return None

    def tiered(self, state: AllocState, limit: int | None, inst: Instance) -> AllocRun:
        """Ganeti `tieredAlloc`: allocate, shrink the most blamed resource, repeat.

        Ganeti's recursion (one level per shrinking step, thousands deep for
        disk) is run on an explicit stack: a frame waits for the result of
        allocating the next smaller spec and keeps it only if it placed more.
        """
        stack: list[tuple[AllocRun, Instance, int | None, list[FailMode]]] = []
        call: tuple[AllocState, int | None, Instance] | None = (state, limit, inst)
        result: AllocRun | None = None
        while True:
            if call is not None:
                c_state, c_limit, c_inst = call
                call = None
                res = self.iterate(c_state, c_limit, c_inst)
                count = len(res.state.allocated)
                if c_limit is not None and c_limit <= count:
                    result = res
                else:
                    newlimit = None if c_limit is None else c_limit - count
                    ordered = [m for m, _ in sorted(res.failures, key=lambda mc: mc[1])]
                    smaller = shrink(c_inst, ordered[-1])
                    if smaller is not None:
                        stack.append((res, c_inst, newlimit, ordered))
                        call = (res.state, newlimit, smaller)
                        continue
                    fit = self._shrunk_fit(res, c_inst, ordered)
                    if fit is not None:
                        call = (res.state, newlimit, fit)
                        continue
                    result = res
            assert result is not None
            if not stack:
                return result
            res, f_inst, newlimit, ordered = stack.pop()
            if len(result.state.instances) > len(res.state.instances):
                continue
            fit = self._shrunk_fit(res, f_inst, ordered)
            if fit is not None:
                call = (res.state, newlimit, fit)
                continue
            result = res

    def tiered_specs(self, state: AllocState, limit: int | None,
                     insts: Sequence[Instance]) -> AllocRun:
        """Tiered allocation of several initial specs in turn (Ganeti `combineTiered`)."""
        run = AllocRun(state, [])
        for inst in insts:
            count = len(run.state.allocated)
            if limit is not None and limit <= count:
                continue
            run = self.tiered(run.state, None if limit is None else limit - count, inst)
        return run


def _spec_key(inst: Instance) -> tuple:
    """What a probe of `inst` depends on besides the state: its resources and template."""
    return (inst.mem, inst.dsk, inst.vcpus, tuple([(d.size, d.spindles) for d in inst.disks]),
            inst.spindle_use, inst.disk_template)


def guess_step(nodes: Iterable[Node], inst: Instance) -> int:
    """Ganeti `guessBigstepSize`: roughly the cluster's capacity for `inst`, at least 20."""
    node_list = list(nodes)
    total = sum(n.avail_mem for n in node_list)
    capacity = total // inst.mem if inst.mem > 0 else total
    guess = capacity - len(node_list)
    return max(20, guess)
