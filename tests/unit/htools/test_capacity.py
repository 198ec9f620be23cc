from __future__ import annotations

from agent.htools import bad_items, group_health, hcheck, load_cluster, parse_text

from .conftest import TINY, random_cluster


def test_n1_failure_lists_node_instances():
    text = TINY.replace("n2|8192|512|7680|", "n2|8192|512|100|")
    data = load_cluster(parse_text(text)).data
    nodes, insts = bad_items(data.nodes)
    assert nodes == [1] and insts == [0]


def test_offline_sec_counts_offline_nodes():
    data = load_cluster(parse_text(random_cluster(1, offline=2))).data
    health = group_health(0, data.nodes)
    assert health.offline_sec == 2
    assert health.offline_pri == sum(len(n.plist) for n in data.nodes[:2])


def test_hcheck_rebalances_when_needed():
    data = load_cluster(parse_text(random_cluster(1, offline=1))).data
    report = hcheck(data)
    assert report.need_rebalance and report.simulated
    assert report.final[0].score < report.initial[0].score
