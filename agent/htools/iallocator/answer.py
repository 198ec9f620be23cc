"""Running a parsed request and writing the answer document (Ganeti `runIAllocator`).

The answer is one line of compact JSON with the keys `success`, `info` and
`result`, in that order; a request that cannot be satisfied answers
`success: false` with `Request failed: <reason>` and an empty result.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..dedicated import is_dedicated
from ..errors import HtoolsError
from ..global_n1 import placed_state
from ..instance import Instance
from ..loader import LoadOptions
from ..node import Node
from .allocate import RequestFailed, allocate_list, allocate_one, restriction, solution_text
from .dedicated import dedicated_allocate, dedicated_allocate_list
from .evacuation import EvacOutcome, change_group, node_evacuate, relocate
from .parse import parse_request
from .request import (
    Allocate,
    AllocateSecondary,
    ChangeGroup,
    IAllocOptions,
    MultiAllocate,
    NodeEvacuate,
    Relocate,
    Request,
)
from .secondary import allocate_secondary


@dataclass
class Outcome:
    """The answer's fields and, on success, the cluster after the request."""

    success: bool
    info: str
    result: Any
    nodes: dict[int, Node] | None = None
    instances: dict[int, Instance] | None = None

    def to_json(self) -> str:
        """The answer document, as hail prints it."""
        return render(self.success, self.info, self.result)


def render(success: bool, info: str, result: Any) -> str:
    """Compact JSON with Ganeti's key order."""
    return json.dumps({"success": success, "info": info, "result": result},
                      separators=(",", ":"), ensure_ascii=False)


def failure(reason: str) -> str:
    """The protocol's failure answer."""
    return render(False, "Request failed: " + reason, [])


def dedicated_group(req: Request) -> tuple[bool, str | None]:
    """(is this an allocation request, its group) as Ganeti's `isAllocationRequest`."""
    body = req.body
    if isinstance(body, Allocate):
        return True, body.new.group_name
    if isinstance(body, MultiAllocate):
        names = {i.group_name for i in body.items if i.group_name is not None}
        return True, names.pop() if len(names) == 1 else None
    return False, None


def uses_dedicated(req: Request) -> bool:
    """Whether the lost-allocations metric replaces the score for this request."""
    is_alloc, group = dedicated_group(req)
    return is_alloc and is_dedicated(req.data, group)


def _evac_result(req: Request, out: EvacOutcome) -> Outcome:
    data = req.data
    moved = [[data.instances[i].name, data.groups[g].name, [out.nodes[n].name for n in ns]]
             for i, g, ns in out.moved]
    failed = [[data.instances[i].name, msg] for i, msg in out.failed]
    info = (f"{len(failed)} instances failed to move and {len(moved)} were moved successfully")
    return Outcome(True, "Request successful: " + info, [moved, failed, out.jobs],
                   out.nodes, out.instances)


def _names(nodes: dict[int, Node], idxs: tuple[int, ...]) -> list[str]:
    return [nodes[i].name for i in idxs]


def _run_allocate(opts: IAllocOptions, req: Request, body: Allocate) -> Outcome:
    data = req.data
    if uses_dedicated(req):
        dsol = dedicated_allocate(opts, data, body.new, body.restrict_to)
        text = ", ".join(dsol.log)
        if dsol.solution is None:
            raise RequestFailed(text)
        nodes = dsol.solution.apply({n.idx: n for n in data.nodes})
        return Outcome(True, "Request successful: " + text,
                       _names(nodes, dsol.solution.node_ids), nodes)
    all_nodes = {n.idx: n for n in data.nodes}
    insts = {i.idx: i for i in data.instances}
    sol = allocate_one(opts, data, all_nodes, insts, body.new,
                       restriction(opts, body.restrict_to))
    text = solution_text(sol)
    if sol.solution is None:
        raise RequestFailed(text)
    nodes, placed = placed_state(all_nodes, insts, sol.solution)
    return Outcome(True, "Request successful: " + text, _names(nodes, sol.solution.node_ids),
                   nodes, placed)


def _run_multi(opts: IAllocOptions, req: Request, body: MultiAllocate) -> Outcome:
    allocated: list[list[Any]] = []
    failed: list[list[Any]] = []
    if uses_dedicated(req):
        dout = dedicated_allocate_list(opts, req.data, body.items)
        for new, dsol in dout.results:
            if dsol.solution is None:
                failed.append([new.instance.name, ", ".join(dsol.log)])
            else:
                allocated.append([new.instance.name,
                                  [req.data.nodes[i].name for i in dsol.solution.node_ids]])
        nodes, insts = dout.nodes, dout.instances
    else:
        out = allocate_list(opts, req.data, body.items)
        for new, sol in out.results:
            if sol.solution is None:
                failed.append([new.instance.name, solution_text(sol)])
            else:
                allocated.append([new.instance.name,
                                  [req.data.nodes[i].name for i in sol.solution.node_ids]])
        nodes, insts = out.nodes, out.instances
    info = (f"{len(failed)} instances failed to allocate and {len(allocated)} were allocated "
            "successfully")
    return Outcome(True, "Request successful: " + info, [allocated, failed], nodes, insts)


def run(req: Request, opts: IAllocOptions | None = None) -> Outcome:
    """Answer a parsed request."""
    opts = opts or IAllocOptions()
    body = req.body
    try:
        if isinstance(body, Allocate):
            return _run_allocate(opts, req, body)
        if isinstance(body, MultiAllocate):
            return _run_multi(opts, req, body)
        if isinstance(body, Relocate):
            nodes, insts, ndxs = relocate(opts, req.data, body)
            return Outcome(True, "Request successful: success", [nodes[i].name for i in ndxs],
                           nodes, insts)
        if isinstance(body, NodeEvacuate):
            return _evac_result(req, node_evacuate(opts, req.data, body))
        if isinstance(body, ChangeGroup):
            return _evac_result(req, change_group(opts, req.data, body, req.networks))
        assert isinstance(body, AllocateSecondary)
        sol = allocate_secondary(opts, req.data, body)
        text = solution_text(sol)
        if sol.solution is None:
            raise RequestFailed(text)
        nodes = sol.solution.apply({n.idx: n for n in req.data.nodes})
        return Outcome(True, "Request successful: " + text,
                       nodes[sol.solution.node_ids[1]].name, nodes)
    except RequestFailed as err:
        return Outcome(False, "Request failed: " + str(err), [])


def answer(request_text: str, opts: IAllocOptions | None = None,
           load: LoadOptions | None = None) -> str:
    """The answer document for a request document; never raises for bad input."""
    try:
        req = parse_request(request_text, load)
    except HtoolsError as err:
        return failure(str(err))
    try:
        return run(req, opts).to_json()
    except HtoolsError as err:
        return failure(str(err))
    except Exception as err:  # noqa: BLE001 - the caller always gets an answer document
        return failure(f"internal error: {type(err).__name__}: {err}")
