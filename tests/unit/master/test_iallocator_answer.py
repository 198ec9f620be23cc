"""Checking an allocator's answer against the request: every malformed answer is named."""

from __future__ import annotations

import json
from typing import Any

import pytest

from agent.master.iallocator import (
    AllocateRequest,
    AllocateSecondaryRequest,
    AnswerError,
    MultiAllocateRequest,
    NodeEvacuateRequest,
    RelocateRequest,
    Request,
    build_input,
    parse_answer,
)
from tests.unit.master.test_iallocator_request import sample_snapshot


def _request(template: str = "file") -> AllocateRequest:
    return AllocateRequest(name="new1", disk_template=template, memory=256, vcpus=1,
                           disks=[{"size": 1024, "mode": "rw"}])


def _check(request: Request, answer: Any) -> Any:
    data = build_input(sample_snapshot(), request)
    text = answer if isinstance(answer, str) else json.dumps(answer)
    return parse_answer(text, request, data)


def test_a_valid_allocation_is_returned() -> None:
    answer = _check(_request(), {"success": True, "info": "ok", "result": ["node1"]})
    assert (answer.success, answer.info, answer.result) == (True, "ok", ["node1"])


def test_a_failed_request_is_returned_with_its_reason() -> None:
    answer = _check(_request(), {"success": False, "info": "Request failed: no nodes", "result": []})
    assert answer.success is False and answer.info == "Request failed: no nodes"


def test_the_first_protocol_versions_nodes_key_is_accepted() -> None:
    assert _check(_request(), {"success": True, "info": "", "nodes": ["node2"]}).result == ["node2"]


@pytest.mark.parametrize("text, problem", [
    ("Segmentation fault", "Can't parse iallocator results: Expecting value"),
    ("", "empty output"),
    ("[1, 2]", "Can't parse iallocator results: not a dict"),
    ('{"success": true, "result": ["node1"]}', "missing key 'info'"),
    ('{"success": "yes", "info": "", "result": []}', "'success' is \"yes\", not a boolean"),
])
def test_unreadable_answers_are_refused(text: str, problem: str) -> None:
    with pytest.raises(AnswerError, match=problem):
        _check(_request(), text)


def test_wrong_node_count_is_refused() -> None:
    with pytest.raises(AnswerError, match=r"invalid number of nodes \(1\), required 2"):
        _check(_request("drbd"), {"success": True, "info": "", "result": ["node1"]})


def test_unknown_node_is_refused() -> None:
    with pytest.raises(AnswerError, match="unknown node\\(s\\): node9"):
        _check(_request(), {"success": True, "info": "", "result": ["node9"]})


def test_same_node_twice_is_refused() -> None:
    with pytest.raises(AnswerError, match="the same node twice"):
        _check(_request("drbd"), {"success": True, "info": "", "result": ["node1", "node1"]})


def test_a_result_that_is_not_a_node_list_is_refused() -> None:
    with pytest.raises(AnswerError, match="expected a list of node names, got \"node1\""):
        _check(_request(), {"success": True, "info": "", "result": "node1"})


def test_allocate_secondary_wants_a_single_name() -> None:
    request = AllocateSecondaryRequest("web")
    assert _check(request, {"success": True, "info": "", "result": "node2"}).result == "node2"
    with pytest.raises(AnswerError, match="expected a node name"):
        _check(request, {"success": True, "info": "", "result": ["node2"]})


def test_relocation_must_stay_in_the_original_groups() -> None:
    request = RelocateRequest("db", ["node2"])
    assert _check(request, {"success": True, "info": "", "result": ["node1"]}).result == ["node1"]
    with pytest.raises(AnswerError, match=r"Groups of nodes returned by iallocator \(default, spare\)"):
        _check(request, {"success": True, "info": "", "result": ["node3"]})


def test_evacuation_results_are_checked_entry_by_entry() -> None:
    request = NodeEvacuateRequest(["db"], "secondary-only")
    good = [[["db", "default", ["node1", "node3"]]], [["web", "no room"]],
            [[{"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": "db"}]]]
    assert _check(request, {"success": True, "info": "", "result": good}).result == good
    bad_op = [[], [], [[{"OP_ID": "OP_INSTANCE_REMOVE", "instance_name": "db"}]]]
    with pytest.raises(AnswerError, match="opcodes among OP_INSTANCE_FAILOVER"):
        _check(request, {"success": True, "info": "", "result": bad_op})
    with pytest.raises(AnswerError, match=r"expected \[moved, failed, jobs\]"):
        _check(request, {"success": True, "info": "", "result": [[], []]})
    with pytest.raises(AnswerError, match="unknown node"):
        _check(request, {"success": True, "info": "", "result": [[["db", "default", ["nodeX"]]], [], []]})


def test_multi_allocation_places_only_requested_instances() -> None:
    request = MultiAllocateRequest([_request()])
    good = [[["new1", ["node1"]]], []]
    assert _check(request, {"success": True, "info": "", "result": good}).result == good
    with pytest.raises(AnswerError, match="placed instance 'other'"):
        _check(request, {"success": True, "info": "", "result": [[["other", ["node1"]]], []]})
