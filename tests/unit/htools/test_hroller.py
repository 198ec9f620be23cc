"""hroller's library: conflict graphs, greedy colourings and reboot groups."""

from __future__ import annotations

import random

import pytest

from agent.htools import ClusterData, load_cluster, parse_text, set_node_status
from agent.htools.hroller import (
    MIGRATION_FAILED,
    NO_CAPACITY_NON_REDUNDANT,
    NO_CAPACITY_SECONDARIES,
    NO_GRAPH,
    RollerError,
    RollerOptions,
    candidate_nodes,
    plan_reboots,
    reboot_graph,
)
from agent.htools.node_graph import (
    build_graph,
    colour_classes,
    colour_dcolor,
    colour_dsatur,
    colour_lf,
    colouring_stats,
    is_proper,
    node_graph,
    reboot_node_graph,
)

from .conftest import random_cluster

RACKS = """default|uuid-default|preferred||

n1|16384|1024|13312|409600|368640|16|M|uuid-default|1|rack:a
n2|16384|1024|12800|409600|389120|16|N|uuid-default|1|rack:a
n3|16384|1024|15360|409600|368640|16|N|uuid-default|1|rack:b
n4|16384|1024|12288|409600|378880|16|N|uuid-default|1|rack:b
n5|16384|1024|13312|409600|368640|16|N|uuid-default|1|rack:c
n6|16384|1024|13312|409600|368640|16|N|uuid-default|1|

i1|2048|20480|2|running|Y|n1|n3|drbd||1
i2|2048|20480|2|running|Y|n2|n3|drbd||1
i3|2048|20480|2|running|Y|n4|n5|drbd||1
i4|2048|20480|2|running|Y|n5|n6|drbd||1
i5|2048|20480|2|running|Y|n6|n1|drbd||1
p1|1024|10240|1|running|Y|n4||plain||1
e1|512|0|1|running|Y|n2||ext||1

"""

CROWDED = """default|uuid-default|preferred||

node1|8192|512|2680|204800|194560|8|M|uuid-default|1|
node2|8192|512|2680|204800|194560|8|N|uuid-default|1|
node3|8192|512|2680|204800|194560|8|N|uuid-default|1|
node4|8192|512|7680|204800|204800|8|N|uuid-default|1|

big1|5000|10240|2|running|Y|node1||plain||1
big2|5000|10240|2|running|Y|node2||plain||1
big3|5000|10240|2|running|Y|node3||plain||1

"""

RING = """default|uuid-default|preferred||

n1|32768|1024|27648|{dsk}|{free}|16|M|uuid-default|1|
n2|{mem}|1024|{fmem}|{dsk}|{free}|16|N|uuid-default|1|
n3|32768|1024|27648|{dsk}|{free}|16|N|uuid-default|1|

a1|4096|40960|2|running|Y|n1|n2|drbd||1
a2|4096|40960|2|running|Y|n2|n3|drbd||1
a3|4096|40960|2|running|Y|n3|n1|drbd||1

"""


def _load(text: str) -> ClusterData:
    return load_cluster(parse_text(text)).data


def _names(data: ClusterData, groups: tuple) -> list[list[str]]:
    return [list(g.names) for g in groups]


# -- graphs -----------------------------------------------------------------------------


def test_graph_adjacency_is_in_reverse_edge_order_and_prints_like_haskell() -> None:
    g = build_graph([0, 1, 2], [(0, 1), (1, 0), (0, 2), (2, 0), (0, 0)])
    assert g is not None
    assert g.neighbours(0) == (0, 2, 1)
    assert g.show() == "array (0,2) [(0,[0,2,1]),(1,[0]),(2,[0])]"


def test_graph_keeps_only_edges_between_candidates_and_isolates_the_rest() -> None:
    g = build_graph([1, 3], [(1, 2), (2, 1), (1, 3), (3, 1)])
    assert g is not None
    assert list(g.vertices) == [1, 2, 3]
    assert g.neighbours(2) == () and g.neighbours(1) == (3,)


def test_no_candidates_means_no_graph() -> None:
    assert build_graph([], [(0, 1)]) is None


def test_reboot_graph_joins_primaries_sharing_a_secondary() -> None:
    data = _load(RACKS)
    everyone = [n.idx for n in data.nodes]
    reboot = reboot_node_graph(data.nodes, everyone, data.instances)
    offline = node_graph(everyone, data.instances)
    assert reboot is not None and offline is not None
    # i1 (n1) and i2 (n2) both use n3 as secondary: n1 and n2 conflict, with self-loops
    assert 1 in reboot.neighbours(0) and 0 in reboot.neighbours(0)
    assert 1 not in offline.neighbours(0)
    assert sorted(offline.neighbours(2)) == [0, 1]


# -- colourings -------------------------------------------------------------------------


def test_path_colourings_by_hand() -> None:
    g = build_graph([0, 1, 2, 3], [(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (3, 2)])
    assert g is not None
    for algo in (colour_lf, colour_dsatur, colour_dcolor):
        assert colour_classes(algo(g)) == [[0, 2], [1, 3]]


def test_lf_colours_highest_degree_then_highest_index_first() -> None:
    # star around 0 plus an isolated vertex: the centre gets colour 0
    g = build_graph([0, 1, 2, 3, 4], [(0, 1), (1, 0), (0, 2), (2, 0), (0, 3), (3, 0)])
    assert g is not None
    colours = colour_lf(g)
    assert colours[0] == 0 and colours[4] == 0
    assert {colours[v] for v in (1, 2, 3)} == {1}


def test_dsatur_breaks_ties_towards_the_highest_index() -> None:
    # two disjoint edges: 3 is taken first (colour 0), so 2 gets 1; then 1 before 0
    g = build_graph([0, 1, 2, 3], [(0, 1), (1, 0), (2, 3), (3, 2)])
    assert g is not None
    colours = colour_dsatur(g)
    assert colours == {3: 0, 2: 1, 1: 0, 0: 1}


@pytest.mark.parametrize("seed", range(12))
def test_every_heuristic_gives_a_proper_colouring(seed: int) -> None:
    rnd = random.Random(seed)
    n = rnd.randint(2, 40)
    edges = []
    for _ in range(rnd.randint(0, 3 * n)):
        a, b = rnd.randrange(n), rnd.randrange(n)
        edges += [(a, b), (b, a)]
    g = build_graph(list(range(n)), edges)
    assert g is not None
    for algo in (colour_lf, colour_dsatur, colour_dcolor):
        colours = algo(g)
        assert sorted(colours) == list(range(n))
        assert is_proper(g, colours)
        assert set(colours.values()) == set(range(max(colours.values()) + 1))


def test_stats_list_the_worst_heuristic_first() -> None:
    text = colouring_stats([("LF", [[0, 2], [1, 3]]), ("Dsatur", [[0], [1], [2]]),
                            ("Dcolor", [[0, 1, 2]])])
    assert text == "Dcolor: 1 (3) LOOSE LF: 2 (2,2) LOOSE Dsatur: 3 (1,1,1)"
    tie = colouring_stats([("LF", [[0], [1]]), ("Dsatur", [[1], [0]]), ("Dcolor", [[0], [1]])])
    assert tie == "Dcolor: 2 (1,1) TIE Dsatur: 2 (1,1) TIE LF: 2 (1,1)"


# -- reboot groups ----------------------------------------------------------------------


def test_groups_are_conflict_free_cover_all_candidates_and_end_with_the_master() -> None:
    data = _load(RACKS)
    plan = plan_reboots(data)
    assert _names(data, plan.groups) == [["n2", "n4", "n6"], ["n3"], ["n5", "n1"]]
    seen = [n for g in plan.groups for n in g.nodes]
    assert sorted(seen) == sorted(plan.candidates)
    for g in plan.groups:
        for v in g.nodes:
            assert not set(plan.graph.neighbours(v)) & (set(g.nodes) - {v})


@pytest.mark.parametrize("seed", range(8))
def test_random_clusters_give_conflict_free_groups_sorted_by_size(seed: int) -> None:
    data = _load(random_cluster(seed, nodes=8, instances=18, offline=seed % 3))
    try:
        plan = plan_reboots(data, RollerOptions(ignore_non_redundant=seed % 2 == 0))
    except RollerError as e:
        assert str(e) == NO_CAPACITY_NON_REDUNDANT
        return
    sizes = [len(g.nodes) for g in plan.groups]
    assert sorted(plan.candidates) == sorted(n for g in plan.groups for n in g.nodes)
    assert sizes == sorted(sizes, reverse=True)
    for g in plan.groups:
        for v in g.nodes:
            assert not set(plan.graph.neighbours(v)) & (set(g.nodes) - {v})


def test_node_tags_restrict_the_candidates() -> None:
    data = _load(RACKS)
    assert candidate_nodes(data, RollerOptions(node_tags=("rack:b", "rack:c"))) == [2, 3, 4]
    plan = plan_reboots(data, RollerOptions(node_tags=("rack:a",)))
    assert sorted(n for g in plan.groups for n in g.names) == ["n1", "n2"]
    with pytest.raises(RollerError, match=NO_GRAPH):
        reboot_graph(data, RollerOptions(node_tags=()))


def test_offline_nodes_and_other_groups_are_not_candidates() -> None:
    data = _load(RACKS)
    set_node_status(data, offline=["n3"])
    assert 2 not in candidate_nodes(data, RollerOptions())
    assert candidate_nodes(data, RollerOptions(group=0)) == [0, 1, 3, 4, 5]


def test_skip_non_redundant_leaves_out_nodes_with_plain_or_external_primaries() -> None:
    data = _load(RACKS)
    assert candidate_nodes(data, RollerOptions(skip_non_redundant=True)) == [0, 2, 4, 5]


def test_non_redundant_instances_are_moved_off_and_groups_split_by_capacity() -> None:
    data = _load(CROWDED)
    plan = plan_reboots(data)
    assert _names(data, plan.groups) == [["node2"], ["node3"], ["node4"], ["node1"]]
    assert [(m.instance, m.pnode, m.snode) for m in plan.groups[0].moves] == [
        ("big2", "node4", None)]
    assert plan.groups[2].moves == ()
    joined = plan_reboots(data, RollerOptions(ignore_non_redundant=True))
    assert _names(data, joined.groups) == [["node2", "node3", "node4", "node1"]]


def test_no_room_for_non_redundant_instances_is_an_error() -> None:
    text = CROWDED.replace("node4|8192|512|7680|", "node4|8192|512|2680|").replace(
        "big3|5000|10240|2|running|Y|node3||plain||1",
        "big3|5000|10240|2|running|Y|node3||plain||1\nbig4|5000|10240|2|running|Y|node4||plain||1")
    with pytest.raises(RollerError, match=NO_CAPACITY_NON_REDUNDANT):
        plan_reboots(_load(text))


def test_full_evacuation_moves_primaries_and_secondaries_away() -> None:
    data = _load(RACKS)
    plan = plan_reboots(data, RollerOptions(full_evacuation=True))
    first = plan.groups[0]
    assert first.names == ("n2", "n4", "n6")
    moved = {m.instance: (m.pnode, m.snode) for m in first.moves}
    rebooted = set(first.names)
    for name, (pnode, snode) in moved.items():
        assert pnode not in rebooted and snode not in rebooted, name
    # i4 (n5 -> n6) keeps its primary: only its secondary moves, onto another node
    assert moved["i4"][0] == "n5" and moved["i4"][1] not in ("n5", "n6")
    # a pure primary/secondary swap is not a move
    assert all(m.instance != "i1" for m in first.moves)


def test_full_evacuation_errors() -> None:
    tight = RING.format(mem=32768, fmem=27648, dsk=102400, free=20480)
    with pytest.raises(RollerError, match=NO_CAPACITY_SECONDARIES):
        plan_reboots(_load(tight), RollerOptions(full_evacuation=True))
    no_mem = RING.format(mem=5120, fmem=0, dsk=409600, free=327680)
    with pytest.raises(RollerError, match=MIGRATION_FAILED):
        plan_reboots(_load(no_mem), RollerOptions(full_evacuation=True))


def test_planning_leaves_the_cluster_unchanged() -> None:
    data = _load(RACKS)
    before = [(n.name, list(n.plist), list(n.slist), n.f_mem, n.f_dsk) for n in data.nodes]
    places = [(i.pnode, i.snode) for i in data.instances]
    plan_reboots(data, RollerOptions(full_evacuation=True))
    assert [(n.name, list(n.plist), list(n.slist), n.f_mem, n.f_dsk)
            for n in data.nodes] == before
    assert [(i.pnode, i.snode) for i in data.instances] == places


def test_drbd_instance_without_secondary_is_named_not_a_crash() -> None:
    text = RACKS.replace("i5|2048|20480|2|running|Y|n6|n1|drbd||1",
                         "i5|2048|20480|2|running|Y|n6||drbd||1")
    data = _load(text)
    assert plan_reboots(data).groups
    with pytest.raises(RollerError, match="instance i5 uses drbd but has no secondary node"):
        plan_reboots(data, RollerOptions(full_evacuation=True))
