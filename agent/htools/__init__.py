"""Pure htools library: Ganeti-compatible cluster model, loaders, score, hbal and checks."""

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
