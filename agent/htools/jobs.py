"""hbal's solution as jobs: jobset grouping, `-C` command text and opcodes (spec §8.6, §8.7)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .balance import BalanceStep
from .cluster import ClusterData
from .moves import Move, MoveKind

JobSet = list[BalanceStep]


def split_jobsets(steps: Sequence[BalanceStep]) -> list[JobSet]:
    """Group steps into jobsets walking from the last step backwards (Ganeti `splitJobs`)."""
    jobsets: list[JobSet] = []
    nodes: list[int] = []
    for step in reversed(steps):
        touched = list(step.involved_nodes)
        if jobsets and not set(touched) & set(nodes):
            jobsets[0].insert(0, step)
            nodes = touched + nodes
        else:
            jobsets.insert(0, [step])
            nodes = touched
    return jobsets


def format_commands(jobsets: Sequence[JobSet]) -> str:
    """The job text of Ganeti's `formatCmds` (with `check` lines), newline-terminated."""
    lines: list[str] = []
    for jsn, jobset in enumerate(jobsets, start=1):
        for sn, step in enumerate(jobset, start=1):
            if sn == 1:
                lines += ["", f"echo jobset {jsn}, {len(jobset)} jobs"]
            lines += [f"  echo job {jsn}/{sn}", "  check"]
            lines += [f"  gnt-instance {cmd}" for cmd in step.commands]
    return "".join(line + "\n" for line in lines)


SCRIPT_HEADER = (
    "#!/bin/sh\n\n"
    "# Auto-generated script for executing cluster rebalancing\n\n"
    "# To stop, touch the file /tmp/stop-htools\n\n"
    "set -e\n\n"
    "check() {\n"
    "  if [ -f /tmp/stop-htools ]; then\n"
    "    echo 'Stop requested, exiting'\n"
    "    exit 0\n"
    "  fi\n"
    "}\n\n"
)
"""Header of the `-C FILE` shell script; the file is SCRIPT_HEADER + format_commands()."""


def format_commands_stdout(jobsets: Sequence[JobSet]) -> str:
    """Body printed by `-C` / `-C-` after the heading: no `check`, two-space prefix."""
    lines = [ln for ln in format_commands(jobsets).split("\n")[:-1] if ln != "  check"]
    return "".join("  " + ln + "\n" for ln in lines)


def _migrate(name: str, forthcoming: bool, target: str | None) -> dict[str, Any]:
    if forthcoming:
        op: dict[str, Any] = {"OP_ID": "OP_INSTANCE_FAILOVER", "instance_name": name,
                              "shutdown_timeout": 120, "ignore_consistency": False,
                              "ignore_ipolicy": False, "cleanup": False}
    else:
        op = {"OP_ID": "OP_INSTANCE_MIGRATE", "instance_name": name,
              "allow_runtime_changes": False, "ignore_ipolicy": False, "cleanup": False,
              "allow_failover": True, "ignore_hvversions": True}
    if target is not None:
        op["target_node"] = target
    return op


def _replace(name: str, node: str) -> dict[str, Any]:
    return {"OP_ID": "OP_INSTANCE_REPLACE_DISKS", "instance_name": name, "early_release": False,
            "ignore_ipolicy": False, "mode": "replace_new_secondary", "disks": [],
            "remote_node": node}


def move_opcodes(step: BalanceStep, data: ClusterData) -> list[dict[str, Any]]:
    """Opcodes (as dicts, Ganeti field names) executing one step (`iMoveToJob`)."""
    name = data.instances[step.instance].name
    kind = step.move.kind
    fc = step.forthcoming

    def node(idx: int) -> str:
        return data.nodes[idx].name

    if kind is MoveKind.FAILOVER:
        return [_migrate(name, fc, None)]
    if kind is MoveKind.FAILOVER_TO_ANY:
        return [_migrate(name, fc, node(step.move.target))]
    if kind is MoveKind.REPLACE_PRIMARY:
        tgt = node(step.move.target)
        return [_migrate(name, fc, None), _replace(name, tgt), _migrate(name, fc, None)]
    if kind is MoveKind.REPLACE_SECONDARY:
        return [_replace(name, node(step.move.target))]
    if kind is MoveKind.REPLACE_AND_FAILOVER:
        return [_replace(name, node(step.move.target)), _migrate(name, fc, None)]
    return [_migrate(name, fc, None), _replace(name, node(step.move.target))]


def instance_move_opcodes(name: str, forthcoming: bool, move: Move,
                          node_name: Callable[[int], str]) -> list[dict[str, Any]]:
    """Opcodes of one move of the named instance (Ganeti `iMoveToJob`), for evacuations."""
    kind = move.kind
    if kind is MoveKind.FAILOVER:
        return [_migrate(name, forthcoming, None)]
    if kind is MoveKind.FAILOVER_TO_ANY:
        op = _migrate(name, forthcoming, None)
        keys = list(op)
        # the IAllocator answer lists the target right after the instance name
        keys.insert(4 if forthcoming else 2, "target_node")
        op["target_node"] = node_name(move.target)
        return [{k: op[k] for k in keys}]
    tgt = node_name(move.target)
    if kind is MoveKind.REPLACE_PRIMARY:
        return [_migrate(name, forthcoming, None), _replace(name, tgt),
                _migrate(name, forthcoming, None)]
    if kind is MoveKind.REPLACE_SECONDARY:
        return [_replace(name, tgt)]
    if kind is MoveKind.REPLACE_AND_FAILOVER:
        return [_replace(name, tgt), _migrate(name, forthcoming, None)]
    return [_migrate(name, forthcoming, None), _replace(name, tgt)]
