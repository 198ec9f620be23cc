"""Judge an IAllocator answer: the cluster score after carrying out its placements.

Used to compare our hail's choice with Ganeti's where they differ: each
answer is applied to the request's cluster (soft limits ignored, as the
answer already decided) and the resulting cluster score is computed.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from agent.htools import cluster_score
from agent.htools.iallocator import (
    Allocate,
    AllocateSecondary,
    ChangeGroup,
    MultiAllocate,
    NodeEvacuate,
    Relocate,
    parse_request,
)
from agent.htools.instance import NO_NODE, Instance
from agent.htools.moves import with_location_score
from agent.htools.node import Node
from agent.htools.types import DiskTemplate, FailMode


class PlacementError(AssertionError):
    """The answer cannot be carried out on the request's cluster."""


def _ok(res: Node | FailMode, what: str) -> Node:
    if isinstance(res, FailMode):
        raise PlacementError(f"{what}: {res.ganeti_name}")
    return res


def _place(nodes: dict[int, Node], inst: Instance, pdx: int, sdx: int) -> None:
    sec = nodes[sdx] if sdx != NO_NODE else None
    placed = with_location_score(inst, nodes[pdx], sec)
    placed.pnode, placed.snode = pdx, sdx
    nodes[pdx] = _ok(nodes[pdx].add_primary(placed, True), f"primary {nodes[pdx].name}")
    if sec is not None:
        nodes[sdx] = _ok(sec.add_secondary(placed, pdx, True), f"secondary {sec.name}")


def _unplace(nodes: dict[int, Node], inst: Instance) -> None:
    nodes[inst.pnode] = nodes[inst.pnode].remove_primary(inst)
    if inst.disk_template is DiskTemplate.DRBD and inst.snode != NO_NODE:
        nodes[inst.snode] = nodes[inst.snode].remove_secondary(inst)


def score_after(request_text: str, answer_text: str) -> float:
    """Cluster score (all nodes) after the successful answer's placements."""
    req = parse_request(request_text)
    ans: dict[str, Any] = json.loads(answer_text)
    if not ans["success"]:
        raise PlacementError("the answer is a failure")
    data = req.data
    idx = {n.name: n.idx for n in data.nodes}
    nodes = {n.idx: n for n in data.nodes}
    result = ans["result"]
    body = req.body

    def pair(names: list[str]) -> tuple[int, int]:
        return idx[names[0]], idx[names[1]] if len(names) > 1 else NO_NODE

    if isinstance(body, Allocate):
        _place(nodes, body.new.instance, *pair(result))
    elif isinstance(body, MultiAllocate):
        by_name = {i.instance.name: i.instance for i in body.items}
        for name, names in result[0]:
            _place(nodes, by_name[name], *pair(names))
    elif isinstance(body, Relocate):
        inst = data.instances[body.instance]
        _unplace(nodes, inst)
        if inst.disk_template is DiskTemplate.DRBD:
            _place(nodes, inst, inst.pnode, idx[result[0]])
        else:
            _place(nodes, inst, idx[result[0]], NO_NODE)
    elif isinstance(body, NodeEvacuate | ChangeGroup):
        by_name = {i.name: i for i in data.instances}
        for name, _group, names in result[0]:
            inst = by_name[name]
            _unplace(nodes, inst)
            _place(nodes, inst, *pair(names))
    else:
        assert isinstance(body, AllocateSecondary)
        inst = data.instances[body.instance]
        _unplace(nodes, inst)
        _place(nodes, replace(inst, disk_template=DiskTemplate.DRBD), inst.pnode,
               idx[result])
    return cluster_score([nodes[i] for i in sorted(nodes)])
