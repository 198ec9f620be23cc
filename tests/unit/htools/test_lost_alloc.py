"""The lost-allocations metric on the spec's worked example (sizes 1/1, 1/2, 1/4)."""

from __future__ import annotations

import json

import pytest

from agent.htools.dedicated import (
    DedicatedAllocator,
    allocation_vector,
    copies_fitting,
    is_dedicated,
    probe_instances,
    show_metric,
)
from agent.htools.iallocator import answer, parse_request
from agent.htools.types import FailMode
from tests.htools_corpus.iallocator.hand import _dedicated, _spec_example, new


def _request(size: str, mem: int, disk: int) -> str:
    doc = _spec_example()
    doc["request"] = {"type": "allocate", **new(size, "plain", mem, disk, spindles=1)}
    return json.dumps(doc)


def _loaded(size: str = "q", mem: int = 2000, disk: int = 25000):  # type: ignore[no-untyped-def]
    req = parse_request(_request(size, mem, disk))
    byname = {n.name: n for n in req.data.nodes}
    return req, byname


def test_test_instances_are_the_policy_minimums_largest_disk_first() -> None:
    req, nodes = _loaded()
    tests = probe_instances(nodes["nodeE"].ipolicy)
    assert [(t.mem, t.dsk) for t in tests] == [(8000, 100000), (4000, 50000), (2000, 25000)]
    assert all(t.disks == [] and t.disk_template.value == "plain" for t in tests)


def test_allocation_vectors_of_the_example_nodes() -> None:
    _, nodes = _loaded()
    tests = probe_instances(nodes["nodeE"].ipolicy)
    vectors = {name: allocation_vector(tests, nodes[name]) for name in "EQHT"
               for name in [f"node{name}"]}
    assert vectors == {"nodeE": (1, 2, 4), "nodeQ": (0, 1, 3), "nodeH": (0, 1, 2),
                       "nodeT": (0, 0, 1)}


def test_copies_fitting_equals_adding_one_copy_at_a_time() -> None:
    _, nodes = _loaded()
    for node in nodes.values():
        for t in probe_instances(node.ipolicy):
            count, cur = 0, node
            while not isinstance(nxt := cur.add_primary(t), FailMode):
                count, cur = count + 1, nxt
            assert copies_fitting(node, t) == count


@pytest.mark.parametrize(("node", "lost", "rest"), [
    ("nodeE", (1, 1, 1), 77400), ("nodeQ", (0, 0, 1), 52400),
    ("nodeH", (0, 1, 1), 27400), ("nodeT", (0, 0, 1), 2400)])
def test_quarter_instance_metric_per_node(node: str, lost: tuple, rest: int) -> None:
    req, nodes = _loaded()
    alloc = DedicatedAllocator({n.idx: n for n in req.data.nodes}, force=False)
    elem = alloc.on_single(req.body.new.instance, nodes[node].idx)  # type: ignore[union-attr]
    assert not isinstance(elem, FailMode)
    assert elem.metric == (lost, rest)


def test_quarter_instance_goes_to_the_fullest_fitting_node() -> None:
    out = json.loads(answer(_request("q", 2000, 25000)))
    assert out["result"] == ["nodeT"]
    assert "score: ([0,0,1],2400), successes 4, failures 0 ()" in out["info"]


def test_half_instance_prefers_least_disk_left_among_equal_losses() -> None:
    out = json.loads(answer(_request("h", 4000, 50000)))
    assert out["result"] == ["nodeH"]
    assert "score: ([0,1,2],2400), successes 3, failures 1 (FailMem: 1)" in out["info"]


def test_full_instance_only_fits_the_empty_node() -> None:
    out = json.loads(answer(_request("f", 8000, 100000)))
    assert out["result"] == ["nodeE"]
    assert "score: ([1,2,4],2400), successes 1, failures 3 (FailMem: 3)" in out["info"]


def test_metric_is_shown_like_ganeti() -> None:
    assert show_metric(((0, -1, 2), 7)) == "([0,-1,2],7)"


def test_cluster_with_a_shared_storage_node_is_not_dedicated() -> None:
    doc = _dedicated({"n1": [], "n2": ["quarter"]})
    doc["nodes"]["n2"]["ndparams"]["exclusive_storage"] = False
    doc["request"] = {"type": "allocate", **new("q", "plain", 2000, 25000, spindles=1)}
    req = parse_request(json.dumps(doc))
    assert not is_dedicated(req.data, None)
    doc["nodes"]["n2"]["ndparams"]["exclusive_storage"] = True
    assert is_dedicated(parse_request(json.dumps(doc)).data, None)
