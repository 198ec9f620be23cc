"""hbal's plan as jobs: the moves of a balance run, grouped in jobsets, annotated like hbal -X.

Pure (no gRPC, no clock of its own): the Cluster API's ExecuteBalance and
``hbal -X`` both turn a plan into jobs here, so the two submit the same
opcodes with the same comment and reason trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.errors import OpPrereqError
from agent.htools import (
    BalanceOptions,
    BalanceStep,
    ClusterData,
    balance,
    cluster_score,
    load_cluster,
    optimal_score,
    parse_text,
)
from agent.htools.jobs import move_opcodes, split_jobsets
from agent.htools.live_text import render_live
from agent.master.preview import PreviewOptions
from agent.version import VERSION

Job = list[dict[str, Any]]


@dataclass(frozen=True)
class BalancePlan:
    """The jobsets of one balance run, and the scores the preview promised."""

    group: str
    initial_score: float
    final_score: float
    jobsets: list[list[Job]]


def annotate(op: dict[str, Any], reason: str | None, timestamp_ns: int) -> dict[str, Any]:
    """hbal's mark on every opcode it submits: a comment and an ``hbal`` reason entry."""
    return {
        **op,
        "comment": f"rebalancing via hbal {VERSION}",
        "reason": [*op.get("reason", []), ["hbal", reason or f"hbal {VERSION} called", timestamp_ns]],
    }


def step_jobsets(steps: list[BalanceStep], data: ClusterData, reason: str | None,
                 timestamp_ns: int) -> tuple[list[list[Job]], list[list[str]]]:
    """Jobs (one per step) grouped in jobsets, and the instance names of each jobset."""
    jobsets: list[list[Job]] = []
    names: list[list[str]] = []
    for jobset in split_jobsets(steps):
        jobsets.append([[annotate(op, reason, timestamp_ns) for op in move_opcodes(step, data)]
                        for step in jobset])
        names.append([data.instances[step.instance].name for step in jobset])
    return jobsets, names


def with_dependencies(jobsets: list[list[Job]]) -> list[Job]:
    """Flatten jobsets for one submission: each job waits for every job of the previous jobset.

    Dependencies are relative ids (negative offsets), resolved by the queue
    when the consecutive ids are allocated.
    """
    flat: list[Job] = []
    previous: list[int] = []
    for jobset in jobsets:
        current = []
        for job in jobset:
            position = len(flat)
            ops = [dict(op) for op in job]
            if previous:
                ops[0]["depends"] = [[p - position, ["success"]] for p in previous]
            flat.append(ops)
            current.append(position)
        previous = current
    return flat


def plan(cluster: dict[str, Any], groups: list[dict[str, Any]], nodes: list[dict[str, Any]],
         instances: list[dict[str, Any]], opts: PreviewOptions, timestamp_ns: int) -> BalancePlan:
    """Balance the live cluster as the preview does and return its moves as jobsets.

    Blocking (CPU-bound): run it off the event loop.
    """
    data = load_cluster(parse_text(render_live(cluster, groups, nodes, instances), "live cluster")).data
    populated = data.groups_with_nodes()
    if opts.group:
        gidx = data.find_group(opts.group).idx
    elif len(populated) == 1:
        gidx = populated[0]
    else:
        listed = ", ".join(data.groups[g].name for g in populated)
        raise OpPrereqError(f"Found multiple node groups: {listed}; choose one", "wrong_input")
    group = data.groups[gidx].name
    group_nodes = data.group_nodes(gidx)
    initial = cluster_score(group_nodes)
    if initial - optimal_score(group_nodes) < opts.min_score:
        return BalancePlan(group, initial, initial, [])
    res = balance(data, gidx, BalanceOptions(
        max_length=opts.max_moves, min_score=opts.min_score, min_gain=opts.min_gain,
        min_gain_limit=opts.min_gain_limit, disk_moves=opts.disk_moves,
        instance_moves=opts.instance_moves, evac_mode=opts.evac_mode,
    ))
    jobsets, _ = step_jobsets(list(res.steps), data, None, timestamp_ns)
    return BalancePlan(group, res.initial_score, res.final_score, jobsets)
