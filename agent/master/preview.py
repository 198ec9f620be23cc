"""Balance preview of the live cluster: hbal's plan, scores and per-node utilisation, as data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from agent.errors import OpPrereqError
from agent.htools import (
    BalanceOptions,
    balance,
    cluster_score,
    load_cluster,
    optimal_score,
    parse_text,
)
from agent.htools.live_text import render_live


@dataclass(frozen=True)
class PreviewOptions:
    max_moves: int = -1
    min_gain: float = 0.01
    min_gain_limit: float = 0.1
    min_score: float = 1e-9
    evac_mode: bool = False
    disk_moves: bool = True
    instance_moves: bool = True
    group: str = ""


def _usage(node: Any) -> dict[str, float]:
    mem = 1.0 - node.f_mem / node.t_mem if node.t_mem else 0.0
    dsk = 1.0 - node.f_dsk / node.t_dsk if node.t_dsk else 0.0
    cpu = node.u_cpu / node.t_cpu if node.t_cpu else 0.0
    return {"memory": round(mem, 6), "disk": round(dsk, 6), "cpu": round(cpu, 6)}


def _n1_failing(nodes: Any) -> list[str]:
    """Online nodes that could not take over their secondaries' memory (hcheck's N1_FAIL)."""
    return [n.name for n in nodes if not n.offline and n.fail_n1]


_WHY = {
    "max_length": "the maximum number of moves was reached",
    "min_score": "the score is already below the minimum (-e)",
    "no_improvement": "no move improves the score",
    "min_gain": "the remaining moves gain less than the minimum gain (-g)",
}


def preview(cluster: dict[str, Any], groups: list[dict[str, Any]], nodes: list[dict[str, Any]],
            instances: list[dict[str, Any]], opts: PreviewOptions) -> dict[str, Any]:
    """Balance a copy of the live cluster; blocking (CPU-bound): run it off the event loop."""
    data = load_cluster(parse_text(render_live(cluster, groups, nodes, instances), "live cluster")).data
    populated = data.groups_with_nodes()
    if opts.group:
        gidx = data.find_group(opts.group).idx
    elif len(populated) == 1:
        gidx = populated[0]
    else:
        listed = ", ".join(data.groups[g].name for g in populated)
        raise OpPrereqError(f"Found multiple node groups: {listed}; choose one", "wrong_input")
    group_nodes = data.group_nodes(gidx)
    before = {n.name: _usage(n) for n in group_nodes}
    initial = cluster_score(group_nodes)
    optimal = optimal_score(group_nodes)
    if initial - optimal < opts.min_score:
        return {"group": data.groups[gidx].name, "initial_score": initial, "final_score": initial,
                "optimal_score": optimal, "moves": [], "why": "the cluster is already well balanced",
                "n1_fail": _n1_failing(group_nodes), "n1_fail_after": _n1_failing(group_nodes),
                "nodes": [{"name": k, "before": v, "after": v} for k, v in before.items()]}
    res = balance(data, gidx, BalanceOptions(
        max_length=opts.max_moves, min_score=opts.min_score, min_gain=opts.min_gain,
        min_gain_limit=opts.min_gain_limit, disk_moves=opts.disk_moves,
        instance_moves=opts.instance_moves, evac_mode=opts.evac_mode,
    ))
    node_names = {n.idx: n.name for n in res.data.nodes}
    moves = [{
        "instance": data.instances[s.instance].name,
        "old_pnode": node_names.get(s.old_pnode), "old_snode": node_names.get(s.old_snode),
        "new_pnode": node_names.get(s.new_pnode), "new_snode": node_names.get(s.new_snode),
        "score": s.score, "codes": s.codes, "commands": list(s.commands),
    } for s in res.steps]
    after = {res.data.nodes[i].name: _usage(res.data.nodes[i]) for i in res.group_nodes}
    return {
        "group": data.groups[gidx].name, "initial_score": res.initial_score,
        "final_score": res.final_score, "optimal_score": res.optimal_score, "moves": moves,
        "why": "" if moves else _WHY.get(res.stop_reason.value, res.stop_reason.value),
        "n1_fail": _n1_failing(group_nodes),
        "n1_fail_after": _n1_failing(res.data.nodes[i] for i in res.group_nodes),
        "nodes": [{"name": k, "before": v, "after": after.get(k, v)} for k, v in before.items()],
    }
