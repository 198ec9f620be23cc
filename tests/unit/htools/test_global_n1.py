from __future__ import annotations

import pytest

from agent.htools import hcheck, load_cluster, parse_text
from agent.htools.allocation import try_alloc_single
from agent.htools.evacuate import EvacMode, EvacuationError, node_evac_instance, try_node_evac
from agent.htools.global_n1 import (
    MissingNodeError,
    alloc_global_n1,
    can_evacuate_node,
    failing_nodes,
    redundant,
    redundant_group,
)
from agent.htools.instance import NO_NODE, Disk, Instance
from agent.htools.types import DiskTemplate, InstanceStatus

HEAD = "g1|u1|preferred||\ng2|u2|preferred||\n\n"


def _node(name: str, fmem: int, group: str = "u1", offline: str = "N") -> str:
    return f"{name}|16384|1024|{fmem}|409600|409600|16|{offline}|{group}|1|"


def _inst(name: str, mem: int, pri: str, sec: str = "", tmpl: str = "drbd",
          status: str = "running") -> str:
    return f"{name}|{mem}|10240|1|{status}|Y|{pri}|{sec}|{tmpl}||1"


def _load(nodes: list[str], insts: list[str]):
    text = HEAD + "\n".join(nodes) + "\n\n" + "\n".join(insts) + "\n\n\n"
    data = load_cluster(parse_text(text)).data
    return {n.idx: n for n in data.nodes}, {i.idx: i for i in data.instances}, data


def test_small_drbd_instance_can_fail_over_either_way():
    nodes, insts, _ = _load([_node("a", 14336), _node("b", 15360)],
                            [_inst("i1", 1024, "a", "b")])
    assert failing_nodes(nodes, insts) == []
    assert redundant(nodes, insts)


def test_drbd_instance_too_big_for_its_secondary_blocks_the_primary():
    nodes, insts, _ = _load([_node("a", 1384), _node("b", 1000)],
                            [_inst("i1", 14000, "a", "b"), _inst("i2", 500, "b", "a")])
    assert not can_evacuate_node(nodes, insts, 0)
    assert can_evacuate_node(nodes, insts, 1)
    assert failing_nodes(nodes, insts) == [0]
    assert not redundant(nodes, insts)


def test_stopped_drbd_instance_needs_no_memory_to_fail_over():
    nodes, insts, _ = _load([_node("a", 15360), _node("b", 1000)],
                            [_inst("i1", 14000, "a", "b", status="ADMIN_down")])
    assert can_evacuate_node(nodes, insts, 0)


def test_shared_storage_instances_move_to_another_group_node():
    nodes, insts, _ = _load([_node("a", 11360), _node("b", 15360), _node("c", 15360)],
                            [_inst("e1", 4000, "a", tmpl="ext"), _inst("r1", 4000, "b", tmpl="rbd")])
    assert failing_nodes(nodes, insts) == []
    full = {**nodes, 1: nodes[1], 2: nodes[2]}
    res = node_evac_instance(full, insts[0], EvacMode.PRIMARY_ONLY, 0, [1, 2], True)
    assert res.instance.pnode in (1, 2) and res.nodes[0].plist == []


def test_a_node_alone_in_its_group_cannot_move_anything():
    nodes, insts, _ = _load([_node("a", 11360), _node("z", 15360, group="u2")],
                            [_inst("e1", 4000, "a", tmpl="ext")])
    group0 = {0: nodes[0]}
    assert not can_evacuate_node(group0, insts, 0)
    assert redundant_group(nodes, insts, 1)
    assert not redundant_group(nodes, insts, 0)


def test_plain_instances_are_recreated_largest_first():
    # b can take 9000 + 5000 only if the 9000 instance is placed before c fills up
    nodes, insts, _ = _load(
        [_node("a", 1360), _node("b", 9500), _node("c", 5500)],
        [_inst("p1", 5000, "a", tmpl="plain"), _inst("p2", 9000, "a", tmpl="plain")])
    assert can_evacuate_node(nodes, insts, 0)
    smaller = _load([_node("a", 1360), _node("b", 9500), _node("c", 4500)],
                    [_inst("p1", 5000, "a", tmpl="plain"),
                     _inst("p2", 9000, "a", tmpl="plain")])
    assert not can_evacuate_node(smaller[0], smaller[1], 0)


def test_recreation_checks_the_instance_policy():
    # 40000 MiB is above the default policy maximum (32768): never re-creatable
    big = "p1|40000|10240|1|ADMIN_down|Y|a||plain||1"
    nodes, insts, _ = _load([_node("a", 15360), _node("b", 15360)], [big])
    assert not can_evacuate_node(nodes, insts, 0)
    assert can_evacuate_node(nodes, insts, 1)


def test_offline_nodes_are_checked_and_used_as_escape_targets():
    nodes, insts, _ = _load([_node("a", 11360), _node("b", 15360, offline="Y")],
                            [_inst("e1", 4000, "a", tmpl="ext")])
    assert failing_nodes(nodes, insts) == []
    assert redundant(nodes, insts, accept_existing=True)


def test_split_drbd_instance_aborts_like_ganeti():
    nodes, insts, _ = _load([_node("a", 14336), _node("z", 15360, group="u2")],
                            [_inst("i1", 1024, "a", "z")])
    with pytest.raises(MissingNodeError, match="key 1 is not an element"):
        can_evacuate_node({0: nodes[0]}, insts, 0)


def test_capacity_filter_rejects_allocations_that_break_redundancy():
    nodes, insts, _ = _load([_node("a", 15360), _node("b", 7000)], [])
    new = Instance("new", 10000, 10240, 1, InstanceStatus.RUNNING, NO_NODE, NO_NODE,
                   DiskTemplate.EXT, disks=[Disk(10240)])
    check = alloc_global_n1(nodes, insts)
    sol = try_alloc_single(nodes, new, [0, 1], False, is_good=check)
    assert sol.solution is None and sol.allocs == 0 and len(sol.failures) == 2
    small = Instance("new", 1000, 10240, 1, InstanceStatus.RUNNING, NO_NODE, NO_NODE,
                     DiskTemplate.EXT, disks=[Disk(10240)])
    sol = try_alloc_single(nodes, small, [0, 1], False, is_good=check)
    assert sol.solution is not None and sol.allocs == 2


def test_node_evacuation_reports_moves_and_failures():
    nodes, insts, _ = _load([_node("a", 11360), _node("b", 15360), _node("c", 15360),
                             _node("d", 15360)],
                            [_inst("e1", 4000, "a", tmpl="ext"),
                             _inst("p1", 1000, "a", tmpl="plain"), _inst("d1", 1000, "a", "b")])
    res = try_node_evac(nodes, insts, EvacMode.ALL, [0, 1, 2], False)
    assert [m[0] for m in res.moved] == [0, 2]
    assert res.moves[1][1][-1].kind.value == "replace_secondary"
    assert res.failed == [(1, "Instances of type plain cannot be relocated")]
    new_d1 = res.instances[2]
    assert 0 not in new_d1.all_nodes and 1 not in new_d1.all_nodes
    with pytest.raises(EvacuationError, match="can't execute change secondary"):
        node_evac_instance(nodes, insts[0], EvacMode.SECONDARY_ONLY, 0, [1, 2], False)
    three = {i: nodes[i] for i in (0, 1, 2)}
    res = try_node_evac(three, insts, EvacMode.ALL, [2], False)
    assert res.failed == [(2, "Can't find any good nodes for relocation: no nodes available")]


def test_hcheck_counts_gn1_per_group_unless_capacity_checks_are_off():
    _, _, data = _load([_node("a", 1384), _node("b", 1000)],
                       [_inst("i1", 14000, "a", "b"), _inst("i2", 500, "b", "a")])
    rep = hcheck(data, simulate=False)
    assert rep.initial[0].gn1_fail == 1 and rep.need_rebalance
    rep = hcheck(data, simulate=False, capacity=False)
    assert rep.initial[0].gn1_fail is None


@pytest.mark.parametrize("seed,fill,offline", [(931, 0.6, 0.0), (932, 0.85, 0.05), (933, 0.95, 0.1),
                                               (934, 0.9, 0.0)])
def test_failing_nodes_decided_by_limits_equal_the_full_simulation(seed: int, fill: float,
                                                                  offline: float) -> None:
    from tests.htools_corpus.gen import GenParams, generate, serialize

    text = serialize(generate(GenParams(seed=seed, nodes=24, groups=2, inst_per_node=6.0, fill=fill,
                                   offline_frac=offline)))
    data = load_cluster(parse_text(text, "gen")).data
    nodes = {n.idx: n for n in data.nodes}
    insts = {i.idx: i for i in data.instances}
    exact = [n for n in nodes if not can_evacuate_node(nodes, insts, n)]
    assert exact  # the limits alone must not be enough to decide every node
    assert failing_nodes(nodes, insts) == exact
    half = list(nodes)[::2]
    assert failing_nodes(nodes, insts, only=half) == [n for n in half if n in exact]
