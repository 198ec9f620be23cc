"""The shortcuts that make hspace fast on small clusters give the answers of the long way.

* `try_alloc_pair` looks at a primary once for all its secondaries and at a
  secondary before placing the pair; the long way is `allocate_on_pair` on
  every pair.
* `Allocator.fits_after_shrinking` remembers every spec a walk passed with the
  walk's end; the long way is Ganeti's walk from scratch each time.
* `FastEngine` hands small candidate sets to its plain engine.
"""

from __future__ import annotations

import random

import pytest

from agent.htools.allocation import (
    AllocCollection,
    AllocSolution,
    allocate_on_pair,
    collection_to_solution,
    failure_counts,
    gen_alloc_nodes,
    sum_allocs,
    try_alloc_pair,
)
from agent.htools.hspace import (
    Allocator,
    AllocState,
    CapacityOptions,
    PlainEngine,
    RSpec,
    instance_from_spec,
    shrink,
    simulate_cluster,
)
from agent.htools.hspace import engine as fast_engine
from agent.htools.hspace.loops import solution_counts
from agent.htools.instance import Instance
from agent.htools.loader import LoadOptions, load_cluster
from agent.htools.statistics import ClusterStats
from agent.htools.text_backend import parse_text
from agent.htools.types import DiskTemplate, FailMode
from tests.unit.htools.conftest import random_cluster


def _pairs_the_long_way(nodes, inst, pairs, force, is_good) -> AllocSolution:
    stats = ClusterStats.of_nodes(nodes.values())
    total = AllocSolution()
    for pdx, secs in pairs:
        coll = AllocCollection()
        for sdx in secs:
            coll.add(allocate_on_pair(nodes, stats, inst, pdx, sdx, force))
        total = sum_allocs(total, collection_to_solution(coll, is_good))
    return total


def _summary(sol: AllocSolution) -> tuple:
    elem = sol.solution
    return (failure_counts(sol.failures), sol.allocs,
            None if elem is None else (elem.node_ids, elem.score))


@pytest.mark.parametrize("seed", range(8))
def test_pair_failures_found_once_per_primary_are_those_of_every_pair(seed: int) -> None:
    rnd = random.Random(seed)
    data = load_cluster(parse_text(random_cluster(seed, nodes=6, instances=18))).data
    nodes = {n.idx: n for n in data.nodes}
    pairs = gen_alloc_nodes(data.nodes, 2)
    # from sizes every pair takes to sizes no primary or no secondary takes
    for mem, dsk in ((512, 1024), (8192, 20480), (20000, 1024), (1024, 500000),
                     (rnd.choice([4096, 16384]), rnd.choice([200000, 400000]))):
        inst = instance_from_spec(RSpec(mem, dsk, rnd.choice([1, 4, 32]), 1),
                                  DiskTemplate.DRBD, 1)
        inst.idx = len(data.instances)
        for force in (False, True):
            for is_good in (None, lambda e: e.node_ids[0] % 2 == 1):
                fast = try_alloc_pair(nodes, inst, pairs, force, is_good)
                slow = _pairs_the_long_way(nodes, inst, pairs, force, is_good)
                assert _summary(fast) == _summary(slow), (mem, dsk, force, is_good)


def _fresh_walk(alloc: Allocator, state: AllocState, inst: Instance,
                mode: FailMode) -> Instance | None:
    """Ganeti's `sufficesShrinking`, probing every spec again."""
    cap = alloc.capacity if alloc.capacity.enabled else None
    cur: Instance | None = inst
    while cur is not None:
        sol = alloc.engine.try_alloc(state, cur, alloc.cands, cap)
        if sol.solution is not None:
            return cur
        if dict(solution_counts(sol))[mode] == 0:
            return None
        cur = shrink(cur, mode)
    return None


class _Forgetful(Allocator):
    def fits_after_shrinking(self, state: AllocState, inst: Instance,
                             mode: FailMode) -> Instance | None:
        return _fresh_walk(self, state, inst, mode)


def _spec(inst: Instance) -> tuple:
    return inst.mem, inst.dsk, inst.vcpus, [(d.size, d.spindles) for d in inst.disks]


@pytest.mark.parametrize(("sim", "template", "spec"), [
    ("p,2,20g,8g,4", DiskTemplate.DRBD, RSpec(6000, 30000, 6, 1)),
    ("p,3,20g,8g,4", DiskTemplate.DRBD, RSpec(12000, 30000, 8, 1)),
    ("p,3,20g,8g,4", DiskTemplate.PLAIN, RSpec(12000, 30000, 8, 1)),
    ("p,4,30g,16g,2", DiskTemplate.DRBD, RSpec(9000, 12000, 3, 1)),
])
def test_remembered_walks_end_where_fresh_walks_end(sim: str, template: DiskTemplate,
                                                    spec: RSpec) -> None:
    data = load_cluster(simulate_cluster([sim]), LoadOptions()).data
    nodes = {n.idx: n for n in data.nodes}
    cands = gen_alloc_nodes(data.nodes, template.required_nodes)
    inst = instance_from_spec(spec, template, 1)
    runs = []
    for cls in (Allocator, _Forgetful):
        alloc = cls(PlainEngine(), cands, CapacityOptions())
        run = alloc.tiered(AllocState(nodes, {}), None, inst)
        runs.append(([(_spec(i), i.pnode, i.snode) for i in run.state.allocated],
                     run.failures))
    assert runs[0] == runs[1]
    assert runs[0][0], "the case should place something after shrinking"
    # and each walk on its own, from every spec of a descent, in every mode
    alloc = Allocator(PlainEngine(), cands, CapacityOptions())
    state = AllocState(nodes, {})
    cur: Instance | None = inst
    for _ in range(12):
        if cur is None:
            break
        for mode in (FailMode.FAIL_MEM, FailMode.FAIL_DISK, FailMode.FAIL_CPU):
            got = alloc.fits_after_shrinking(state, cur, mode)
            want = _fresh_walk(alloc, state, cur, mode)
            assert (None if got is None else _spec(got)) == (
                None if want is None else _spec(want))
        cur = shrink(cur, FailMode.FAIL_DISK)


def test_the_fast_engine_hands_small_candidate_sets_to_its_plain_engine(
        monkeypatch: pytest.MonkeyPatch) -> None:
    data = load_cluster(simulate_cluster(["p,3,60g,8g,4"]), LoadOptions()).data
    nodes = {n.idx: n for n in data.nodes}
    state = AllocState(nodes, {})
    calls: list[int] = []
    plain_try = PlainEngine.try_alloc

    def counted(self, *args, **kwargs):
        calls.append(1)
        return plain_try(self, *args, **kwargs)

    monkeypatch.setattr(PlainEngine, "try_alloc", counted)
    for template in (DiskTemplate.DRBD, DiskTemplate.PLAIN):
        inst = instance_from_spec(RSpec(1024, 10240, 1, 1), template, 1)
        cands = gen_alloc_nodes(data.nodes, template.required_nodes)
        engine = fast_engine.FastEngine()
        engine.try_alloc(state, inst, cands, None)
        assert len(calls) == 1
        monkeypatch.setattr(fast_engine, "PLAIN_MAX_PAIRS", 0)
        monkeypatch.setattr(fast_engine, "PLAIN_MAX_NODES", 0)
        engine.try_alloc(state, inst, cands, None)
        assert len(calls) == 1, "with no small sizes the arrays answer"
        monkeypatch.undo()
        monkeypatch.setattr(PlainEngine, "try_alloc", counted)
        calls.clear()
