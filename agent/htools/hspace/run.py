"""One hspace run on a loaded cluster: preparation, tiered and standard allocation.

Follows Ganeti's `Hspace.main` (spec §12.2-12.4): bad nodes (classic N+1)
make their groups unallocable unless `--accept-existing-errors`; with
`--independent-groups` groups that are not globally N+1 redundant become
unallocable too and are ignored by later capacity checks; when nothing may
be allocated the result is "no allocation, FailN1". Everything printed is
derived from the returned `HspaceResult`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..allocation import gen_alloc_nodes
from ..cluster import ClusterData
from ..errors import HtoolsError
from ..global_n1 import redundant_group
from ..instance import Instance
from ..node import Node
from ..types import AllocPolicy, DiskTemplate, FailMode
from .loops import (
    Allocator,
    AllocRun,
    AllocState,
    CapacityOptions,
    Engine,
    FailStats,
)
from .spec import RSpec, instance_from_spec, spec_map


@dataclass(frozen=True)
class HspaceOptions:
    """What hspace's command line decides about the allocation."""

    disk_template: DiskTemplate | None = None
    spindle_use: int | None = None
    standard_spec: RSpec | None = None
    tiered_spec: RSpec | None = None
    max_length: int = -1
    capacity: bool = True
    accept_existing: bool = False
    independent_groups: bool = False
    need_bad_groups: bool = False
    """Compute the bad groups even without `--independent-groups` (for `-v -v -v -v`)."""


@dataclass
class PhaseResult:
    """The outcome of one allocation mode (tiered or standard)."""

    spec: RSpec
    nodes: list[Node]
    instances: list[Instance]
    allocated: list[Instance]
    reasons: FailStats
    """Failure counts sorted by count, descending (stable over the enum order)."""

    @property
    def spec_map(self) -> list[tuple[RSpec, int]]:
        return spec_map(self.allocated)


@dataclass
class HspaceResult:
    """Everything hspace reports."""

    template: DiskTemplate
    tiered: PhaseResult
    standard: PhaseResult
    bad_nodes: list[int] = field(default_factory=list)
    bad_groups: list[int] | None = None
    cands: list[int] | list[tuple[int, list[int]]] = field(default_factory=list)


class HspaceError(HtoolsError):
    """hspace cannot run on this cluster (empty policy lists, no candidates...)."""


def _sort_reasons(counts: FailStats) -> FailStats:
    return sorted(counts, key=lambda mc: -mc[1])


def _phase(spec: RSpec, run: AllocRun | None, data: ClusterData) -> PhaseResult:
    if run is None:
        return PhaseResult(spec, list(data.nodes), list(data.instances), [],
                           [(FailMode.FAIL_N1, 1)])
    st = run.state
    nodes = [st.nodes[i] for i in sorted(st.nodes)]
    insts = [st.instances[i] for i in sorted(st.instances)]
    return PhaseResult(spec, nodes, insts, list(st.allocated), _sort_reasons(run.failures))


def default_template(data: ClusterData) -> DiskTemplate:
    """The first disk template of the cluster policy (hspace's default)."""
    if not data.ipolicy.disk_templates:
        raise HspaceError("null list of disk templates received from cluster")
    return data.ipolicy.disk_templates[0]


def run_hspace(data: ClusterData, opts: HspaceOptions, engine: Engine | None = None
               ) -> HspaceResult:
    """Run tiered then standard allocation on `data` (not modified)."""
    from .engine import FastEngine

    eng: Engine = engine if engine is not None else FastEngine()
    template = opts.disk_template or default_template(data)
    pol = data.ipolicy
    spindle_use = opts.spindle_use if opts.spindle_use is not None else pol.std.spindle_use
    nodes = {n.idx: n for n in data.nodes}
    insts = {i.idx: i for i in data.instances}
    bad_nodes = [n.idx for n in data.nodes if not n.offline and n.fail_n1]
    bad_groups: list[int] | None = None
    if opts.independent_groups or opts.need_bad_groups:
        bad_groups = [g.idx for g in data.groups
                      if not redundant_group(nodes, insts, g.idx, opts.accept_existing)]
    policies = {g.idx: g.alloc_policy for g in data.groups}
    if not opts.accept_existing:
        for ndx in bad_nodes:
            policies[data.nodes[ndx].group] = AllocPolicy.UNALLOCABLE
    ignore: tuple[int, ...] = ()
    if opts.independent_groups:
        assert bad_groups is not None
        for gdx in bad_groups:
            policies[gdx] = AllocPolicy.UNALLOCABLE
        ignore = tuple(bad_groups)
    remaining = any(p is not AllocPolicy.UNALLOCABLE for p in policies.values())
    stop = not (opts.accept_existing or (opts.independent_groups and remaining)
                or not bad_nodes)
    allocable = [g for g, p in policies.items() if p is not AllocPolicy.UNALLOCABLE]
    cands = gen_alloc_nodes(data.nodes, template.required_nodes, allocable_groups=allocable)
    limit = None if opts.max_length == -1 else opts.max_length
    tspecs = ([opts.tiered_spec] if opts.tiered_spec is not None
              else [RSpec.of_ispec(mm.max) for mm in pol.minmax])
    if not tspecs:
        raise HspaceError("Empty list of specs received from the cluster")
    sspec = opts.standard_spec or RSpec.of_ispec(pol.std)
    alloc = Allocator(eng, cands, CapacityOptions(opts.capacity, opts.accept_existing, ignore))
    t_run = s_run = None
    if not stop:
        tinsts = [instance_from_spec(s, template, spindle_use) for s in tspecs]
        t_run = alloc.tiered_specs(AllocState(nodes, insts), limit, tinsts)
        s_run = alloc.iterate(AllocState(nodes, insts), limit,
                              instance_from_spec(sspec, template, spindle_use))
    return HspaceResult(template, _phase(tspecs[0], t_run, data), _phase(sspec, s_run, data),
                        bad_nodes, bad_groups, cands)
