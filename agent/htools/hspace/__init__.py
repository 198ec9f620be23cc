"""hspace: cluster capacity planning by simulated allocation (spec §12).

`simulate_cluster` builds `--simulate` clusters, `run_hspace` runs tiered
and standard allocation, `total_resources` / `allocation_delta` give the
reported figures.
"""

from .loops import Allocator, AllocRun, AllocState, CapacityOptions, PlainEngine
from .run import HspaceError, HspaceOptions, HspaceResult, PhaseResult, default_template, run_hspace
from .simulate import SimGroup, parse_sim_spec, parse_unit, simulate_cluster
from .spec import RSpec, instance_from_spec, shrink, spec_map, spec_of
from .stats import AllocInfo, CStats, allocation_delta, total_resources

__all__ = [
    "AllocInfo", "AllocRun", "AllocState", "Allocator", "CStats", "CapacityOptions",
    "HspaceError", "HspaceOptions", "HspaceResult", "PhaseResult", "PlainEngine", "RSpec",
    "SimGroup", "allocation_delta", "default_template", "instance_from_spec", "parse_sim_spec",
    "parse_unit", "run_hspace", "shrink", "simulate_cluster", "spec_map", "spec_of",
    "total_resources",
]
