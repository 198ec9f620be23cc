"""Reading an allocator's answer and checking it against the request that was sent.

An answer is ``{"success": bool, "info": str, "result": ...}``; the shape of
``result`` depends on the request type. Anything else raises ``AnswerError``
with a one-line description of what is wrong.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from agent.master.iallocator.request import (
    AllocateRequest,
    AllocateSecondaryRequest,
    ChangeGroupRequest,
    MultiAllocateRequest,
    NodeEvacuateRequest,
    RelocateRequest,
    Request,
)

EVAC_OPCODES = ("OP_INSTANCE_FAILOVER", "OP_INSTANCE_MIGRATE", "OP_INSTANCE_REPLACE_DISKS")


class AnswerError(Exception):
    """The allocator's output is not a valid answer to the request."""


@dataclass(frozen=True)
class Answer:
    success: bool
    info: str
    result: Any


def _short(value: Any, limit: int = 200) -> str:
    text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_answer(text: str, request: Request, input_data: dict[str, Any]) -> Answer:
    """Parse the allocator's output and check it fits ``request`` (sent as ``input_data``)."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        excerpt = text.strip().splitlines()[0][:80] if text.strip() else "empty output"
        raise AnswerError(f"Can't parse iallocator results: {exc} (output starts with {excerpt!r})") from None
    if not isinstance(doc, dict):
        raise AnswerError("Can't parse iallocator results: not a dict")
    if "nodes" in doc and "result" not in doc:  # the protocol's first version
        doc["result"] = doc.pop("nodes")
    for key in ("success", "info", "result"):
        if key not in doc:
            raise AnswerError(f"Can't parse iallocator results: missing key '{key}'")
    success, info, result = doc["success"], doc["info"], doc["result"]
    if not isinstance(success, bool):
        raise AnswerError(f"Can't parse iallocator results: 'success' is {_short(success)}, not a boolean")
    if not isinstance(info, str):
        info = json.dumps(info)
    if success:
        nodes = set(input_data.get("nodes") or {})
        _check_result(request, result, nodes, input_data)
    return Answer(success, info, result)


def _invalid(expected: str, result: Any) -> AnswerError:
    return AnswerError(f"iallocator returned invalid result, expected {expected}, got {_short(result)}")


def _is_names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and v for v in value)


def _known(names: list[str], nodes: set[str]) -> None:
    unknown = [n for n in names if n not in nodes]
    if unknown:
        raise AnswerError(f"iallocator returned unknown node(s): {', '.join(unknown)}")


def _check_result(request: Request, result: Any, nodes: set[str], data: dict[str, Any]) -> None:
    if isinstance(request, AllocateRequest):
        _check_allocation(result, request.required_nodes, nodes)
    elif isinstance(request, MultiAllocateRequest):
        _check_multi(result, request, nodes)
    elif isinstance(request, RelocateRequest):
        _check_relocation(result, request, nodes, data)
    elif isinstance(request, (NodeEvacuateRequest, ChangeGroupRequest)):
        _check_evacuation(result, nodes)
    elif isinstance(request, AllocateSecondaryRequest):
        if not isinstance(result, str) or not result:
            raise _invalid("a node name", result)
        _known([result], nodes)


def _check_allocation(result: Any, required: int, nodes: set[str]) -> None:
    if not _is_names(result):
        raise _invalid("a list of node names", result)
    if len(result) != required:
        raise AnswerError(
            f"iallocator returned invalid number of nodes ({len(result)}), required {required}"
        )
    _known(result, nodes)
    if len(set(result)) != len(result):
        raise AnswerError(f"iallocator returned the same node twice: {', '.join(result)}")


def _check_multi(result: Any, request: MultiAllocateRequest, nodes: set[str]) -> None:
    expected = "[[[instance, [nodes]], ...], [failed instances]]"
    if not (isinstance(result, list) and len(result) == 2 and isinstance(result[0], list)
            and _is_names(result[1])):
        raise _invalid(expected, result)
    wanted = {r.name: r.required_nodes for r in request.instances}
    for entry in result[0]:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str)
                and _is_names(entry[1])):
            raise _invalid(expected, result)
        name, chosen = entry
        if name not in wanted:
            raise AnswerError(f"iallocator placed instance '{name}', which was not requested")
        _check_allocation(chosen, wanted[name], nodes)


def _groups_of(names: list[str], data: dict[str, Any]) -> set[str]:
    groups = data.get("nodegroups") or {}
    out = set()
    for name in names:
        node = (data.get("nodes") or {}).get(name)
        if node is None:
            continue
        uuid = node.get("group")
        out.add(groups.get(uuid, {}).get("name", uuid))
    return out


def _check_relocation(result: Any, request: RelocateRequest, nodes: set[str], data: dict[str, Any]) -> None:
    if not _is_names(result):
        raise _invalid("a list of node names", result)
    _known(result, nodes)
    inst = (data.get("instances") or {}).get(request.instance_name) or {}
    primary = (inst.get("nodes") or [])[:1]
    before = _groups_of(list(request.relocate_from) + primary, data)
    after = _groups_of(list(result) + primary, data)
    if not after <= before:
        raise AnswerError(
            f"Groups of nodes returned by iallocator ({', '.join(sorted(after))}) differ from "
            f"original groups ({', '.join(sorted(before))})"
        )


def _check_evacuation(result: Any, nodes: set[str]) -> None:
    expected = "[moved, failed, jobs]"
    if not (isinstance(result, list) and len(result) == 3 and all(isinstance(p, list) for p in result)):
        raise _invalid(expected, result)
    moved, failed, jobs = result
    for entry in moved:
        if not (isinstance(entry, list) and len(entry) == 3 and isinstance(entry[0], str) and entry[0]
                and isinstance(entry[1], str) and entry[1] and _is_names(entry[2])):
            raise _invalid("moved entries [instance, group, [nodes]]", entry)
        _known(entry[2], nodes)
    for entry in failed:
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], str) and entry[0]
                and (entry[1] is None or isinstance(entry[1], str))):
            raise _invalid("failed entries [instance, reason]", entry)
    for job in jobs:
        if not isinstance(job, list):
            raise _invalid("jobs as lists of opcodes", job)
        for op in job:
            if not isinstance(op, dict) or op.get("OP_ID") not in EVAC_OPCODES:
                raise _invalid(f"opcodes among {', '.join(EVAC_OPCODES)}", op)
