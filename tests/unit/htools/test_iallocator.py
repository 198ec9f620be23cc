"""The IAllocator protocol: parsing, every request type's answer shape, bad input."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from agent.htools.iallocator import IAllocOptions, RequestError, answer, parse_request
from tests.htools_corpus.iallocator import hand


def _ask(doc: dict[str, Any], request: dict[str, Any], **opts: Any) -> dict[str, Any]:
    full = copy.deepcopy(doc)
    full["request"] = request
    return json.loads(answer(json.dumps(full), IAllocOptions(**opts)))


def test_answer_is_compact_json_in_ganeti_key_order() -> None:
    text = answer(json.dumps(hand.cases()["alloc-drbd"]))
    assert text.startswith('{"success":true,"info":"Request successful: Selected group: default')
    assert list(json.loads(text)) == ["success", "info", "result"]
    assert " " not in text.split('"info"')[0]


@pytest.mark.parametrize(("order", "template", "expected"), [
    ("abc", "plain", ["c"]), ("abc", "drbd", ["c", "b"]),
    ("cba", "plain", ["a"]), ("cba", "drbd", ["a", "b"])])
def test_ties_go_to_the_node_listed_last(order: str, template: str, expected: list[str]) -> None:
    out = _ask(hand._three_empty(order), {"type": "allocate", **hand.new("n1", template)})
    assert out["result"] == expected


def test_allocate_plain_returns_one_node_and_drbd_two() -> None:
    base = hand._base()
    plain = _ask(base, {"type": "allocate", **hand.new("x", "plain")})
    drbd = _ask(base, {"type": "allocate", **hand.new("x", "drbd")})
    assert len(plain["result"]) == 1 and len(drbd["result"]) == 2
    assert drbd["result"][0] != drbd["result"][1]


def test_capacity_checks_can_reject_every_placement() -> None:
    # after placing on b, a's plain instance could not be re-created anywhere
    doc = hand.cluster({"g1": hand.group("default")},
                       {"a": hand.node("g1", mem=16384, free=16384 - 1024 - 10000),
                        "b": hand.node("g1", mem=16384)},
                       {"big": hand.inst(["a"], "plain", mem=10000)})
    req = {"type": "allocate", **hand.new("x", "plain", mem=10000)}
    checked = _ask(doc, req)
    unchecked = _ask(doc, req, capacity=False)
    assert checked["info"] == ("Request failed: Group default (preferred): No valid allocation "
                               "solutions, failure reasons: FailMem: 1, FailN1: 1")
    assert unchecked["result"] == ["b"]


def test_exclusion_tags_keep_instances_of_a_service_apart() -> None:
    base = hand._base()
    out = _ask(base, {"type": "allocate", **hand.new("x", "drbd", tags=["service:web"])},
               capacity=False)
    assert out["result"][0] != "node2"  # node2 holds the other web instance as primary


def test_restriction_limits_the_candidates() -> None:
    out = _ask(hand._base(), {"type": "allocate", **hand.new("x", "drbd"),
                              "restrict-to-nodes": ["node1", "node3"]}, capacity=False)
    assert sorted(out["result"]) == ["node1", "node3"]


def test_command_line_restriction_wins_over_the_request() -> None:
    out = _ask(hand._base(), {"type": "allocate", **hand.new("x", "plain"),
                              "restrict-to-nodes": ["node1"]},
               capacity=False, restrict_to=("node4",))
    assert out["result"] == ["node4"]


def test_networks_decide_which_groups_qualify() -> None:
    two = hand._two_groups()
    out = _ask(two, {"type": "allocate", **hand.new("x", "drbd", network="net-1")},
               capacity=False)
    assert out["success"] and out["result"][0] in ("node5", "node6", "node7")
    assert "group default is not connected to a network required by instance x" in out["info"]


def test_multi_allocate_answers_allocated_and_failed_lists() -> None:
    out = _ask(hand._two_groups(), {"type": "multi-allocate", "instances": [
        hand.new("m1", "drbd"), hand.new("m2", "plain")]}, capacity=False)
    assert out["info"].endswith("0 instances failed to allocate and 2 were allocated "
                                "successfully")
    allocated, failed = out["result"]
    assert [a[0] for a in allocated] == ["m1", "m2"] and failed == []


def test_multi_allocate_fails_whole_when_one_instance_cannot_be_placed() -> None:
    out = _ask(hand._base(), {"type": "multi-allocate", "instances": [
        hand.new("m1", "drbd"), hand.new("m2", "drbd", mem=40000)]}, capacity=False)
    assert out == {"success": False, "info": out["info"], "result": []}
    assert out["info"].startswith("Request failed: Group default (preferred): No valid")


def test_relocate_gives_a_new_secondary() -> None:
    out = _ask(hand._base(), {"type": "relocate", "name": "inst1", "required_nodes": 1,
                              "relocate_from": ["node2"]})
    assert out["success"] and out["info"] == "Request successful: success"
    assert out["result"][0] not in ("node1", "node2")


@pytest.mark.parametrize(("name", "rfrom", "count", "reason"), [
    ("inst3", ["node3"], 1, "Can't relocate non-mirrored instances"),
    ("inst1", ["node2"], 2, "Exchange 2 nodes mode is not implemented"),
    ("inst1", ["node1"], 1, "Unsupported request: excluded nodes not equal to instance's "
                            "secondary(1 versus [0])")])
def test_relocate_refusals(name: str, rfrom: list[str], count: int, reason: str) -> None:
    out = _ask(hand._base(), {"type": "relocate", "name": name, "required_nodes": count,
                              "relocate_from": rfrom})
    assert out == {"success": False, "info": "Request failed: " + reason, "result": []}


def test_node_evacuate_lists_moves_failures_and_opcodes() -> None:
    out = _ask(hand._base(), {"type": "node-evacuate", "evac_mode": "secondary-only",
                              "instances": ["inst1", "inst3"]})
    moved, failed, jobs = out["result"]
    assert out["info"] == ("Request successful: 1 instances failed to move and 1 were moved "
                           "successfully")
    assert [m[0] for m in moved] == ["inst1"] and moved[0][1] == "default"
    assert moved[0][2][0] == "node1" and moved[0][2][1] in ("node3", "node4")
    assert failed == [["inst3", "Instances of type plain cannot be relocated"]]
    assert jobs == [[{"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "inst1",
                      "early_release": False, "ignore_ipolicy": False,
                      "mode": "replace_new_secondary", "disks": [],
                      "remote_node": moved[0][2][1]}]]


def test_change_group_moves_to_another_group() -> None:
    out = _ask(hand._two_groups(), {"type": "change-group", "instances": ["inst1"],
                                    "target_groups": []}, capacity=False)
    moved, failed, _jobs = out["result"]
    assert failed == [] and moved[0][1] == "other"
    assert set(moved[0][2]) <= {"node5", "node6", "node7"}


def test_allocate_secondary_answers_a_string() -> None:
    out = _ask(hand._base(), {"type": "allocate-secondary", "name": "inst3"}, capacity=False)
    assert out["success"] and isinstance(out["result"], str) and out["result"] != "node3"


def test_allocate_secondary_refuses_an_instance_with_one() -> None:
    out = _ask(hand._base(), {"type": "allocate-secondary", "name": "inst1"})
    assert out["info"] == "Request failed: Instance already has a secondary"


@pytest.mark.parametrize(("edit", "needle"), [
    (hand._bad_node_ref, "Unknown node 'nodeX' for instance inst1"),
    (hand._negative, "key 'memory': must not be negative"),
    (hand._missing, "invalid data for node 'node2': missing key 'offline'"),
    (hand._superfluous, "Superfluous dictionary keys: memory-ratio"),
])
def test_inconsistent_requests_get_a_failure_answer(edit: Any, needle: str) -> None:
    doc = hand._base()
    doc["request"] = {"type": "allocate", **hand.new("x", "plain")}
    edit(doc)
    out = json.loads(answer(json.dumps(doc)))
    assert out["success"] is False and out["result"] == [] and needle in out["info"]


def test_an_instance_in_two_groups_is_refused() -> None:
    doc = hand.cases()["bad-two-groups"]
    with pytest.raises(RequestError, match="inst7 is in two node groups"):
        parse_request(json.dumps(doc))


@pytest.mark.parametrize("text", [
    "", "not json", "[]", "{}", '{"request": {}}', '{"request": {"type": "allocate"}}',
    json.dumps({**hand._base(), "request": {"type": "defragment"}}),
    json.dumps({**hand._base(), "request": {"type": "allocate", "name": "x"}}),
    json.dumps({**hand._base(), "request": {"type": "node-evacuate", "instances": ["nope"],
                                            "evac_mode": "all"}}),
    json.dumps({**hand._base(), "nodes": {"n": 5}, "request": {"type": "allocate"}}),
])
def test_answer_never_raises_on_garbage(text: str) -> None:
    out = json.loads(answer(text))
    assert out["success"] is False and out["result"] == []
    assert out["info"].startswith("Request failed: ") and "\n" not in out["info"]


def test_request_types_and_indices_follow_the_document() -> None:
    req = parse_request(json.dumps(hand.cases()["evac-all"]))
    assert req.kind == "node-evacuate"
    assert [n.name for n in req.data.nodes] == ["node1", "node2", "node3", "node4"]
    assert req.data.nodes[0].hypervisor == "xen-pvm"
