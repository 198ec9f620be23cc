"""Pure htools library: Ganeti-compatible cluster model, loaders, score, hbal and checks.

Names are imported on first use, so a tool that only loads and scores a cluster
(hinfo, hcheck) does not pay for NumPy and the balancing engine at start-up.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .allocation import (
        AllocationError,
        AllocElement,
        AllocSolution,
        gen_alloc_nodes,
        try_alloc_pair,
        try_alloc_single,
    )
    from .balance import (
        BalanceOptions,
        BalanceResult,
        BalanceStep,
        StopReason,
        balance,
    )
    from .capacity import (
        GroupHealth,
        HcheckReport,
        bad_items,
        group_health,
        hcheck,
        n1_happy,
        policy_violations,
    )
    from .cluster import ClusterData, lookup_name
    from .errors import HtoolsError, LoaderError, LookupError_
    from .evacuate import EvacMode, EvacuationError, node_evac_instance, try_node_evac
    from .global_n1 import (
        MissingNodeError,
        alloc_global_n1,
        can_evacuate_node,
        failing_nodes,
        redundant,
        redundant_group,
    )
    from .group import Group
    from .instance import NO_NODE, Disk, Instance
    from .jobs import (
        SCRIPT_HEADER,
        format_commands,
        format_commands_stdout,
        move_opcodes,
        split_jobsets,
    )
    from .loader import (
        LoadOptions,
        LoadResult,
        load_cluster,
        load_text,
        merge_data,
        parse_utilisation,
        set_node_status,
        update_missing,
    )
    from .moves import Move, MoveKind, apply_move
    from .node import Node
    from .numfmt import format_g, show_double, show_ffloat
    from .score import (
        COMPONENTS,
        ComponentValue,
        ScoreBreakdown,
        cluster_score,
        optimal_score,
        score_breakdown,
    )
    from .text_backend import load_text_file, parse_text, save_text_file, serialize_cluster
    from .types import (
        AllocPolicy,
        DiskTemplate,
        DynUtil,
        FailMode,
        InstanceStatus,
        IPolicy,
        ISpec,
        MinMaxISpecs,
        MirrorType,
    )

#: Submodule of every exported name.
_EXPORTS: dict[str, str] = {
    "AllocationError": "allocation",
    "AllocElement": "allocation",
    "AllocSolution": "allocation",
    "gen_alloc_nodes": "allocation",
    "try_alloc_pair": "allocation",
    "try_alloc_single": "allocation",
    "BalanceOptions": "balance",
    "BalanceResult": "balance",
    "BalanceStep": "balance",
    "StopReason": "balance",
    "balance": "balance",
    "GroupHealth": "capacity",
    "HcheckReport": "capacity",
    "bad_items": "capacity",
    "group_health": "capacity",
    "hcheck": "capacity",
    "n1_happy": "capacity",
    "policy_violations": "capacity",
    "ClusterData": "cluster",
    "lookup_name": "cluster",
    "HtoolsError": "errors",
    "LoaderError": "errors",
    "LookupError_": "errors",
    "EvacMode": "evacuate",
    "EvacuationError": "evacuate",
    "node_evac_instance": "evacuate",
    "try_node_evac": "evacuate",
    "MissingNodeError": "global_n1",
    "alloc_global_n1": "global_n1",
    "can_evacuate_node": "global_n1",
    "failing_nodes": "global_n1",
    "redundant": "global_n1",
    "redundant_group": "global_n1",
    "Group": "group",
    "NO_NODE": "instance",
    "Disk": "instance",
    "Instance": "instance",
    "SCRIPT_HEADER": "jobs",
    "format_commands": "jobs",
    "format_commands_stdout": "jobs",
    "move_opcodes": "jobs",
    "split_jobsets": "jobs",
    "LoadOptions": "loader",
    "LoadResult": "loader",
    "load_cluster": "loader",
    "load_text": "loader",
    "merge_data": "loader",
    "parse_utilisation": "loader",
    "set_node_status": "loader",
    "update_missing": "loader",
    "Move": "moves",
    "MoveKind": "moves",
    "apply_move": "moves",
    "Node": "node",
    "format_g": "numfmt",
    "show_double": "numfmt",
    "show_ffloat": "numfmt",
    "COMPONENTS": "score",
    "ComponentValue": "score",
    "ScoreBreakdown": "score",
    "cluster_score": "score",
    "optimal_score": "score",
    "score_breakdown": "score",
    "load_text_file": "text_backend",
    "parse_text": "text_backend",
    "save_text_file": "text_backend",
    "serialize_cluster": "text_backend",
    "AllocPolicy": "types",
    "DiskTemplate": "types",
    "DynUtil": "types",
    "FailMode": "types",
    "InstanceStatus": "types",
    "IPolicy": "types",
    "ISpec": "types",
    "MinMaxISpecs": "types",
    "MirrorType": "types",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


class _Package(types.ModuleType):
    """Keeps an exported name bound to the export when its submodule has the same name.

    Importing `agent.htools.balance` sets the package attribute `balance` to the
    module; the function of that name is what `from agent.htools import balance` means.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _EXPORTS.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "COMPONENTS", "NO_NODE", "AllocPolicy", "BalanceOptions", "BalanceResult", "BalanceStep",
    "ClusterData", "ComponentValue", "Disk", "DiskTemplate", "DynUtil", "FailMode", "Group",
    "HtoolsError", "IPolicy", "ISpec", "Instance", "InstanceStatus", "LoadOptions",
    "LoadResult", "LoaderError", "LookupError_", "MinMaxISpecs", "MirrorType", "Move",
    "MoveKind", "Node", "ScoreBreakdown", "StopReason", "apply_move", "balance",
    "cluster_score", "format_g", "load_cluster", "load_text", "load_text_file", "lookup_name",
    "merge_data", "optimal_score", "parse_text", "parse_utilisation", "save_text_file",
    "score_breakdown", "serialize_cluster", "set_node_status", "show_double", "show_ffloat",
    "update_missing", "GroupHealth", "HcheckReport", "bad_items", "group_health", "hcheck",
    "n1_happy", "policy_violations", "SCRIPT_HEADER", "format_commands",
    "format_commands_stdout", "move_opcodes", "split_jobsets",
    "AllocElement", "AllocSolution", "AllocationError", "EvacMode", "EvacuationError",
    "MissingNodeError", "alloc_global_n1", "can_evacuate_node", "failing_nodes",
    "gen_alloc_nodes", "node_evac_instance", "redundant", "redundant_group", "try_alloc_pair",
    "try_alloc_single", "try_node_evac",
]
