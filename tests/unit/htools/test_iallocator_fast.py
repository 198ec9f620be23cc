"""The fast paths of hail give exactly the answers of the plain simulations."""

from __future__ import annotations

import json
import random

import pytest

from agent.htools.allocation import (
    allocate_on_pair,
    allocate_on_single,
    try_alloc_pair,
    try_alloc_single,
)
from agent.htools.evacuate import EvacMode, EvacuationError, node_evac_instance
from agent.htools.global_n1 import alloc_global_n1
from agent.htools.iallocator import parse_request
from agent.htools.iallocator.capacity import CapacityFilter
from agent.htools.iallocator.fast_alloc import fast_alloc_pair, fast_alloc_single, pair_runs
from agent.htools.iallocator.fast_evac import evac_instance
from agent.htools.instance import Disk, Instance
from agent.htools.statistics import ClusterStats
from agent.htools.types import DiskTemplate, FailMode, InstanceStatus
from tests.htools_corpus.gen import GenParams, generate
from tests.htools_corpus.iallocator.build import cluster_document

CLUSTERS = [
    GenParams(seed=901, nodes=10, inst_per_node=4.0, fill=0.3, tags=False, offline_frac=0.0),
    GenParams(seed=902, nodes=12, groups=2, inst_per_node=4.0, fill=0.5),
    GenParams(seed=903, nodes=9, inst_per_node=5.0, fill=0.7, offline_frac=0.15),
]


def _cluster(params: GenParams):  # type: ignore[no-untyped-def]
    doc = cluster_document(generate(params))
    doc["request"] = {"type": "node-evacuate", "instances": [], "evac_mode": "all"}
    data = parse_request(json.dumps(doc)).data
    return data, {n.idx: n for n in data.nodes}, {i.idx: i for i in data.instances}


def _new(template: DiskTemplate, mem: int) -> Instance:
    return Instance("new", mem, 10240, 2, InstanceStatus.RUNNING, -1, -1, template,
                    disks=[Disk(10240)], movable=True)


@pytest.mark.parametrize("params", CLUSTERS, ids=lambda p: f"seed{p.seed}")
def test_capacity_filter_agrees_with_the_full_simulation(params: GenParams) -> None:
    _data, nodes, insts = _cluster(params)
    fast = CapacityFilter(nodes, insts)
    slow = alloc_global_n1(nodes, insts)
    stats = ClusterStats.of_nodes(nodes.values())
    rng = random.Random(params.seed)
    online = [i for i, n in nodes.items() if not n.offline]
    checked = 0
    for mem in (512, 4096, 16384):
        for template in (DiskTemplate.DRBD, DiskTemplate.PLAIN, DiskTemplate.EXT):
            inst = _new(template, mem)
            for _ in range(8):
                p = rng.choice(online)
                if template is DiskTemplate.DRBD:
                    peers = [s for s in online if s != p and nodes[s].group == nodes[p].group]
                    if not peers:
                        continue
                    elem = allocate_on_pair(nodes, stats, inst, p, rng.choice(peers), True)
                else:
                    elem = allocate_on_single(nodes, inst, p, True)
                if isinstance(elem, FailMode):
                    continue
                assert fast(elem) == slow(elem)
                checked += 1
    assert checked > 20


@pytest.mark.parametrize("params", CLUSTERS, ids=lambda p: f"seed{p.seed}")
@pytest.mark.parametrize("capacity", [False, True])
def test_pair_allocation_on_arrays_equals_the_exact_one(params: GenParams,
                                                        capacity: bool) -> None:
    _data, nodes, insts = _cluster(params)
    cands = [i for i, n in nodes.items() if not n.offline]
    runs = pair_runs(nodes, cands)
    pairs = [(p, [s for s in cand if s != p]) for pdxs, cand in runs for p in pdxs]
    for mem in (1024, 8192):
        inst = _new(DiskTemplate.DRBD, mem)
        fast = fast_alloc_pair(nodes, inst, runs, False,
                               CapacityFilter(nodes, insts) if capacity else None)
        slow = try_alloc_pair(nodes, inst, pairs, False,
                              alloc_global_n1(nodes, insts) if capacity else None)
        assert sorted(fast.failures) == sorted(slow.failures)
        assert fast.allocs == slow.allocs
        if slow.solution is None:
            assert fast.solution is None
        else:
            assert fast.solution is not None
            assert fast.solution.node_ids == slow.solution.node_ids
            assert fast.solution.score == slow.solution.score


# groups with enough nodes for the array paths (MIN_VECTOR_NODES), tags and a full one
EVAC_CLUSTERS = [
    *CLUSTERS,
    GenParams(seed=904, nodes=30, inst_per_node=6.0, fill=0.6),
    GenParams(seed=905, nodes=24, groups=2, inst_per_node=5.0, fill=0.9, offline_frac=0.1),
]


@pytest.mark.parametrize("params", EVAC_CLUSTERS, ids=lambda p: f"seed{p.seed}")
@pytest.mark.parametrize("mode", [EvacMode.ALL, EvacMode.SECONDARY_ONLY], ids=lambda m: m.value)
def test_drbd_evacuation_on_arrays_equals_the_exact_one(params: GenParams,
                                                        mode: EvacMode) -> None:
    _data, nodes, insts = _cluster(params)
    drbd = [i for i in insts.values() if i.disk_template is DiskTemplate.DRBD][:12]
    outcomes = set()
    for inst in drbd:
        gdx = nodes[inst.pnode].group
        avail = [i for i, n in nodes.items() if n.group == gdx and i not in
                 (inst.pnode, inst.snode) and not n.offline]
        for force in (False, True):
            try:
                slow = node_evac_instance(nodes, inst, mode, gdx, avail, force)
            except EvacuationError as err:
                with pytest.raises(EvacuationError) as caught:
                    evac_instance(nodes, inst, mode, gdx, avail, force)
                assert str(caught.value) == str(err)
                outcomes.add("failed")
                continue
            fast = evac_instance(nodes, inst, mode, gdx, avail, force)
            assert (fast.instance.pnode, fast.instance.snode) == (slow.instance.pnode,
                                                                 slow.instance.snode)
            assert fast.moves == slow.moves
            assert fast.nodes == slow.nodes
            outcomes.add("moved")
    assert "moved" in outcomes


@pytest.mark.parametrize("params", CLUSTERS, ids=lambda p: f"seed{p.seed}")
@pytest.mark.parametrize("capacity", [False, True])
def test_single_node_allocation_on_arrays_equals_the_exact_one(params: GenParams,
                                                               capacity: bool) -> None:
    _data, nodes, insts = _cluster(params)
    cands = [i for i, n in nodes.items() if not n.offline]
    for template, mem in ((DiskTemplate.PLAIN, 1024), (DiskTemplate.EXT, 8192)):
        inst = _new(template, mem)
        fast = fast_alloc_single(nodes, inst, cands, False,
                                 CapacityFilter(nodes, insts) if capacity else None)
        slow = try_alloc_single(nodes, inst, cands, False,
                                alloc_global_n1(nodes, insts) if capacity else None)
        assert sorted(fast.failures) == sorted(slow.failures)
        assert fast.allocs == slow.allocs
        assert (fast.solution is None) == (slow.solution is None)
        if slow.solution is not None and fast.solution is not None:
            assert fast.solution.node_ids == slow.solution.node_ids
            assert fast.solution.score == slow.solution.score
