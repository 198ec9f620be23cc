from __future__ import annotations

import math

import pytest

from agent.htools import load_cluster, parse_text
from agent.htools.allocation import (
    AllocationError,
    AllocCollection,
    AllocElement,
    AllocSolution,
    allocate_on_pair,
    annotate_solution,
    collection_to_solution,
    describe_solution,
    gen_alloc_nodes,
    sum_allocs,
    try_alloc_pair,
    try_alloc_single,
)
from agent.htools.instance import NO_NODE, Disk, Instance
from agent.htools.policy import inst_matches_policy
from agent.htools.score import cluster_score
from agent.htools.statistics import ClusterStats
from agent.htools.types import DiskTemplate, FailMode, InstanceStatus

from .conftest import random_cluster

# Three equal nodes (n3 offline) in g1 and one in g2.
CLUSTER = """g1|u1|preferred||
g2|u2|preferred||

n1|16384|1024|15360|409600|409600|16|N|u1|1|rack:a
n2|16384|1024|15360|409600|409600|16|N|u1|1|rack:b
n3|16384|1024|15360|409600|409600|16|Y|u1|1|rack:a
n4|16384|1024|15360|409600|409600|16|N|u2|1|rack:c


htools:nlocation:rack
"""


def _data(text: str = CLUSTER):
    return load_cluster(parse_text(text)).data


def _new(mem: int = 1024, dsk: int = 10240, tmpl: DiskTemplate = DiskTemplate.PLAIN) -> Instance:
    return Instance("new", mem, dsk, 1, InstanceStatus.RUNNING, NO_NODE, NO_NODE, tmpl,
                    disks=[Disk(dsk)])


def _nodes(data, group: int | None = None):
    return {n.idx: n for n in data.nodes if group is None or n.group == group}


def test_candidates_are_online_nodes_and_same_group_pairs():
    data = _data()
    assert gen_alloc_nodes(data.nodes, 1) == [0, 1, 3]
    assert gen_alloc_nodes(data.nodes, 2) == [(0, [1]), (1, [0])]
    assert gen_alloc_nodes(data.nodes, 1, restrict_to=["n2", "n4"]) == [1, 3]
    assert gen_alloc_nodes(data.nodes, 1, allocable_groups=[1]) == [3]


def test_unsupported_node_count_and_empty_candidates_fail():
    data = _data()
    with pytest.raises(AllocationError, match="only one or two  supported"):
        gen_alloc_nodes(data.nodes, 3)
    with pytest.raises(AllocationError, match="No online nodes"):
        try_alloc_single(_nodes(data), _new(), [], False)
    with pytest.raises(AllocationError, match="Not enough online nodes"):
        try_alloc_pair(_nodes(data), _new(), [], False)


def test_single_allocation_ties_go_to_the_last_candidate():
    data = _data()
    nodes = _nodes(data, 0)
    sol = try_alloc_single(nodes, _new(), [0, 1], False)
    assert sol.allocs == 2 and sol.failures == []
    assert sol.solution is not None and sol.solution.node_ids == (1,)
    sol = try_alloc_single(nodes, _new(), [1, 0], False)
    assert sol.solution is not None and sol.solution.node_ids == (0,)


def test_single_allocation_prefers_the_emptier_node():
    text = CLUSTER.replace("n2|16384|1024|15360|409600|409600",
                           "n2|16384|1024|15360|409600|209600")
    data = _data(text)
    sol = try_alloc_single(_nodes(data, 0), _new(), [0, 1], False)
    assert sol.solution is not None and sol.solution.node_ids == (0,)
    placed = sol.solution.instance
    assert (placed.pnode, placed.snode) == (0, NO_NODE)


def test_policy_and_memory_failures_are_counted_per_candidate():
    data = _data()
    nodes = _nodes(data, 0)
    sol = try_alloc_single(nodes, _new(mem=65536), [0, 1], False)
    assert sol.solution is None and sol.failures == [FailMode.FAIL_MEM] * 2
    text = describe_solution(sol, lambda i: data.nodes[i].name)
    assert text == "No valid allocation solutions, failure reasons: FailMem: 2"
    sol = try_alloc_single(nodes, _new(mem=20000), [0, 1], False)  # within policy, too big
    assert sol.failures == [FailMode.FAIL_MEM] * 2
    assert describe_solution(AllocSolution(), str) == (
        "No valid allocation solutions, failure reasons: unknown reasons")


def test_policy_check_order_and_ranges():
    inst = _new(mem=64, dsk=2_000_000)
    pol = _data().nodes[0].ipolicy
    assert inst_matches_policy(inst, pol, False) is FailMode.FAIL_MEM
    assert inst_matches_policy(_new(dsk=2_000_000), pol, False) is FailMode.FAIL_DISK
    assert inst_matches_policy(_new(), pol, False) is None
    assert inst_matches_policy(_new(), pol, True) is FailMode.FAIL_SPINDLES  # unknown spindles


def test_capacity_filter_drops_better_placements_as_failn1():
    data = _data()
    sol = try_alloc_single(_nodes(data, 0), _new(), [0, 1], False,
                           is_good=lambda e: e.node_ids == (0,))
    assert sol.solution is not None and sol.solution.node_ids == (0,)
    assert sol.allocs == 1 and sol.failures == [FailMode.FAIL_N1]
    desc = annotate_solution(sol, lambda i: data.nodes[i].name).log[0]
    assert desc.startswith("score: ") and desc.endswith(
        ", successes 1, failures 1 (FailN1: 1) for node(s) n1")


def test_collection_ranking_and_merging():
    def elem(score: float, node: int) -> AllocElement:
        return AllocElement({}, _new(), (node,), score)

    coll = AllocCollection()
    for result in (elem(2.0, 0), FailMode.FAIL_DISK, elem(1.0, 1), elem(1.0, 2)):
        coll.add(result)
    sol = collection_to_solution(coll)
    assert sol.solution is not None and sol.solution.node_ids == (2,)
    assert (sol.allocs, sol.failures) == (3, [FailMode.FAIL_DISK])
    other = AllocSolution([FailMode.FAIL_MEM], 1, elem(1.0, 7), ["b"])
    merged = sum_allocs(AllocSolution(log=["a"]), sol)
    merged = sum_allocs(merged, other)
    assert merged.solution is not None and merged.solution.node_ids == (7,)
    assert merged.allocs == 4 and merged.log == ["b", "a"]


def test_pair_allocation_score_tracks_a_full_recomputation():
    data = load_cluster(parse_text(random_cluster(5, nodes=6, instances=15))).data
    nodes = _nodes(data)
    stats = ClusterStats.of_nodes(nodes.values())
    assert math.isclose(stats.score(), cluster_score(nodes.values()), abs_tol=1e-12)
    inst = _new(tmpl=DiskTemplate.DRBD)
    res = allocate_on_pair(nodes, stats, inst, 0, 1, False)
    assert isinstance(res, AllocElement)
    after = res.apply(nodes)
    assert math.isclose(res.score, cluster_score(after.values()), abs_tol=1e-9)
    assert (res.instance.pnode, res.instance.snode) == (0, 1)
    assert after[1].peers.get(0, 0) >= inst.mem


def test_pair_allocation_picks_a_secondary_in_the_same_group():
    data = _data()
    pairs = gen_alloc_nodes(data.nodes, 2)
    sol = try_alloc_pair(_nodes(data), _new(tmpl=DiskTemplate.DRBD), pairs, False)  # type: ignore[arg-type]
    assert sol.solution is not None and sorted(sol.solution.node_ids) == [0, 1]
    assert sol.allocs == 2
