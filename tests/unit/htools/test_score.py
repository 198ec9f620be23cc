from __future__ import annotations

import pytest

from agent.htools import cluster_score, load_cluster, optimal_score, parse_text, score_breakdown

from .conftest import TINY


def test_tiny_cluster_score_matches_ganeti():
    data = load_cluster(parse_text(TINY)).data
    bd = score_breakdown(data.nodes)
    assert f"{bd.total:.8f}" == "3.79687500"
    vals = {c.name: c.value for c in bd.components}
    assert vals["free_mem_cv_forth"] == pytest.approx(0.09375)
    assert vals["vcpu_ratio_cv"] == pytest.approx(0.1875)
    assert vals["disk_load_cv"] == pytest.approx(0.5)
    assert vals["reserved_mem_rtotal"] == pytest.approx(0.0625)


def test_exclusion_conflicts_count_twice_weighted():
    text = TINY.replace("db1|1024|0|2|ADMIN_down|Y|n1||ext||1",
                        "db1|1024|0|2|ADMIN_down|Y|n1||ext|svc:web|1")
    data = load_cluster(parse_text(text)).data
    vals = {c.name: c.value for c in score_breakdown(data.nodes).components}
    assert vals["pri_tags_score"] == 1.0
    assert vals["location_exclusion_score"] == 1.0


def test_no_online_nodes_scores_zero_without_components():
    data = load_cluster(parse_text(TINY)).data
    for node in data.nodes:
        node.offline = True
    bd = score_breakdown(data.nodes)
    assert bd.total == 0 and bd.components == ()
    assert cluster_score([]) == 0


def test_offline_node_primaries_weigh_sixteen():
    data = load_cluster(parse_text(TINY)).data
    data.nodes[0].offline = True
    vals = {c.name: c.value for c in score_breakdown(data.nodes).components}
    assert vals["offline_pri_cnt"] == 2 and vals["offline_all_cnt"] == 2


def test_optimal_score_counts_drbd_reservations():
    data = load_cluster(parse_text(TINY)).data
    # D = 512 MiB reserved; 0.25 * (512/8192 - 512/16384)
    assert optimal_score(data.nodes) == pytest.approx(0.25 * (512 / 8192 - 512 / 16384))
    assert optimal_score(data.nodes[:1]) == 0
