"""hsqueeze's library: candidates, the power-off and power-on searches, the command text."""

from __future__ import annotations

import random

import pytest

from agent.htools import ClusterData, load_cluster, parse_text
from agent.htools import hsqueeze as hs
from agent.htools.hsqueeze import (
    STANDBY_AUTO,
    SqueezeAction,
    SqueezeOptions,
    all_on_online_nodes,
    has_capacity,
    instance_for,
    offline_candidates,
    online_candidates,
    plan_commands,
    squeeze,
)
from agent.htools.types import DEFAULT_STD_ISPEC, DiskTemplate

SPARE = """default|uuid-default|preferred||

node1.example.com|16384|1024|13312|409600|389120|8|M|uuid-default|1|
node2.example.com|16384|1024|13312|409600|409600|8|N|uuid-default|1|
node3.example.com|16384|1024|12288|409600|409600|8|N|uuid-default|1|
node4.example.com|16384|1024|14336|409600|409600|8|N|uuid-default|1|
node5.example.com|16384|1024|15360|409600|409600|8|N|uuid-default|1|
node6.example.com|16384|1024|14336|409600|389120|8|N|uuid-default|1|

d1.example.com|2048|20480|1|running|Y|node1.example.com|node6.example.com|drbd||1
v1.example.com|1024|0|1|running|Y|node2.example.com||ext||1
v2.example.com|1024|0|1|running|Y|node2.example.com||rbd||1
v3.example.com|1024|0|2|running|Y|node3.example.com||ext||1
v4.example.com|2048|0|1|running|Y|node3.example.com||ext||1
v5.example.com|1024|0|1|ADMIN_down|Y|node4.example.com||ext||1
v6.example.com|1024|0|1|running|Y|node4.example.com||ext||1

"""

CROWDED = """default|uuid-default|preferred||

node1|8192|1024|200|409600|409600|4|M|uuid-default|1|
node2|8192|1024|2048|409600|409600|4|N|uuid-default|1|
node3|8192|1024|3072|409600|409600|4|N|uuid-default|1|
node4|{spare}|1024|{free}|409600|409600|4|Y|uuid-default|1|htools:standby:auto
node5|8192|1024|7168|409600|409600|4|Y|uuid-default|1|
node6|{spare}|1024|{free}|409600|409600|4|Y|uuid-default|1|htools:standby:manual,rack:b

w1|2048|0|1|running|Y|node1||ext||1
w2|4920|0|2|running|Y|node1||ext||1
w3|2048|0|1|running|Y|node2||ext||1
w4|3072|0|1|running|Y|node2||rbd||1
w5|4096|0|2|running|Y|node3||ext||1

"""


def _load(text: str) -> ClusterData:
    return load_cluster(parse_text(text)).data


def _crowded(spare: int = 8192) -> ClusterData:
    return _load(CROWDED.format(spare=spare, free=spare - 1024))


def _names(data: ClusterData, ndxs: tuple[int, ...]) -> list[str]:
    return [data.nodes[n].name for n in ndxs]


def test_target_instance_is_the_standard_spec_times_the_factor_rounded_down() -> None:
    inst = instance_for(DEFAULT_STD_ISPEC, 2.5)
    assert (inst.mem, inst.vcpus, inst.dsk) == (320, 2, 0)
    assert inst.disk_template is DiskTemplate.EXT and inst.running


def test_offline_candidates_exclude_master_secondaries_and_local_storage() -> None:
    data = _load(SPARE)
    # node1: master; node6: a secondary; ordered by primaries, busiest first (stable)
    assert _names(data, tuple(offline_candidates(data))) == [
        "node2.example.com", "node3.example.com", "node4.example.com", "node5.example.com"]
    plain = SPARE.replace("v6.example.com|1024|0|1|running|Y|node4.example.com||ext||1",
                          "v6.example.com|1024|0|1|running|Y|node4.example.com||plain||1")
    assert 3 not in offline_candidates(_load(plain))


def test_online_candidates_are_offline_standby_nodes() -> None:
    data = _crowded()
    assert _names(data, tuple(online_candidates(data))) == ["node4", "node6"]


def test_squeezing_offlines_nodes_and_keeps_room_for_the_target() -> None:
    data = _load(SPARE)
    plan = squeeze(data)
    assert plan.action is SqueezeAction.OFFLINE
    assert _names(data, plan.nodes) == [
        "node2.example.com", "node3.example.com", "node4.example.com", "node5.example.com"]
    final = plan.final.data
    assert all(final.nodes[n].offline for n in plan.nodes)
    assert all_on_online_nodes(final)
    assert has_capacity(final.nodes, instance_for(data.ipolicy.std, 2.0))
    assert plan.final.steps


def test_nothing_is_offlined_when_the_target_does_not_fit_anyway() -> None:
    plan = squeeze(_load(SPARE), SqueezeOptions(target_resources=200.0))
    assert plan.action is SqueezeAction.NONE and plan.nodes == ()
    assert plan_commands(_load(SPARE), plan) == "echo Nothing to do"


def test_expanding_onlines_the_shortest_prefix_of_standby_nodes() -> None:
    data = _crowded()
    plan = squeeze(data, SqueezeOptions(minimal_resources=8.0))
    assert plan.action is SqueezeAction.ONLINE and plan.enough
    assert _names(data, plan.nodes) == ["node4"]
    assert not plan.final.data.nodes[3].offline


def test_expanding_takes_every_standby_node_when_none_is_enough() -> None:
    data = _crowded(spare=2048)
    plan = squeeze(data, SqueezeOptions(minimal_resources=8.0))
    assert plan.action is SqueezeAction.ONLINE and not plan.enough
    assert _names(data, plan.nodes) == ["node4", "node6"]


def test_commands_name_instances_in_full_and_tag_and_power_off_by_alias() -> None:
    data = _load(SPARE)
    text = plan_commands(data, squeeze(data))
    assert "gnt-instance migrate -f -n node6 v1.example.com" in text
    tail = text[text.index("\necho Tagging Commands\n"):]
    assert tail.startswith(
        "\necho Tagging Commands\n"
        f"  gnt-node add-tags node2 {STANDBY_AUTO}\n")
    assert tail.endswith("\necho Power Commands\n  gnt-node power -f off node2\n"
                         "  gnt-node power -f off node3\n  gnt-node power -f off node4\n"
                         "  gnt-node power -f off node5\n")


def test_power_on_commands_come_before_the_moves() -> None:
    data = _crowded()
    text = plan_commands(data, squeeze(data, SqueezeOptions(minimal_resources=8.0)))
    assert text.startswith("echo Power Commands\n  gnt-node power -f on node4\n\necho jobset 1")


def test_squeezing_leaves_the_cluster_unchanged() -> None:
    data = _load(SPARE)
    before = [(n.offline, list(n.plist), n.group) for n in data.nodes]
    squeeze(data)
    assert [(n.offline, list(n.plist), n.group) for n in data.nodes] == before


def _random_power_cluster(seed: int) -> str:
    rnd = random.Random(seed)
    nodes, insts = [], []
    for k in range(rnd.randint(4, 7)):
        flag = "M" if k == 0 else rnd.choice("NNNY")
        tag = "htools:standby:auto" if flag == "Y" and rnd.random() < 0.7 else ""
        nodes.append([f"n{k}", 16384, 1024, 15360, 409600, 409600, 8, flag, "u", 1, tag])
    for k in range(rnd.randint(2, 14)):
        p = rnd.randrange(len(nodes))
        tmpl = rnd.choice(["ext", "ext", "rbd", "diskless", "file"])
        mem = rnd.choice([1024, 2048, 4096])
        if nodes[p][3] - mem < 512:
            continue
        nodes[p][3] -= mem
        auto = rnd.choice("YYYN")
        insts.append(f"i{k}|{mem}|0|1|running|{auto}|n{p}||{tmpl}||1")
    return ("g|u|preferred||\n\n" + "\n".join("|".join(map(str, n)) for n in nodes)
            + "\n\n" + "\n".join(insts) + "\n\n")


@pytest.mark.parametrize("seed", range(10))
def test_skipping_hopeless_candidates_never_changes_the_suggestion(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    data = _load(_random_power_cluster(seed))
    fast = squeeze(data, SqueezeOptions(target_resources=4.0))
    monkeypatch.setattr(hs, "_stuck", lambda _data, _ndxs: False)
    monkeypatch.setattr(hs, "_no_room_left", lambda _data, _ndxs, _inst: False)
    slow = squeeze(data, SqueezeOptions(target_resources=4.0))
    assert (fast.action, fast.nodes) == (slow.action, slow.nodes)
    assert [s.codes for s in fast.final.steps] == [s.codes for s in slow.final.steps]
