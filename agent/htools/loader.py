"""The loading pipeline every tool runs after a backend (spec §4).

Turns raw backend data into the model the algorithms use: utilisation,
exclusion and location tags, movability, node bookkeeping (primary and
secondary lists, peers, N+1), migration tags and the memory fix-ups.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from .cluster import ClusterData, compute_alias, longest_domain, lookup_name
from .errors import HtoolsError, LoaderError, LookupError_
from .instance import NO_NODE
from .node import fdiv, place_instances
from .tags import (
    desired_location_prefixes,
    exclusion_prefixes,
    location_tags,
    migration_tags,
    receive_migration_tags,
)
from .text_backend import load_text_file
from .types import ZERO_UTIL, DiskTemplate, DynUtil


@contextmanager
def paused_gc() -> Iterator[None]:
    """Hold the cyclic garbage collector while a cluster is built.

    Loading creates tens of thousands of objects and no reference cycles, so the
    collections their allocation would trigger (each scanning the growing heap) find
    nothing; they cost a fifth of a 1,000-node load.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class LoadOptions:
    """Options of the loading pipeline (the tools' common command line)."""

    exclusion_tags: Sequence[str] = ()
    """Command-line exclusion prefixes (`--exclusion-tags`); ':' is appended."""
    select_instances: Sequence[str] = ()
    exclude_instances: Sequence[str] = ()
    utilisation: Sequence[tuple[str, DynUtil]] = ()
    """Parsed `-U` data (see `parse_utilisation`)."""
    ignore_dynu: bool = False
    static_kvm_node_memory: int = 4096


@dataclass
class LoadResult:
    """The loaded cluster and the inconsistency warnings (newest node first)."""

    data: ClusterData
    warnings: list[str] = field(default_factory=list)


def parse_utilisation(text: str, path: str = "<utilisation>") -> list[tuple[str, DynUtil]]:
    """Parse a `-U` file: lines `name cpu mem dsk net` separated by single spaces."""
    out = []
    for num, line in enumerate(text.splitlines(), start=1):
        cols = line.split(" ") if line else []
        if len(cols) != 5:
            raise LoaderError(f"{path}:{num}: Cannot parse line {line}")
        try:
            vals = [float(c) for c in cols[1:]]
        except ValueError:
            raise LoaderError(f"{path}:{num}: Cannot parse line {line}") from None
        out.append((cols[0], DynUtil(*vals)))
    return out


def merge_data(data: ClusterData, opts: LoadOptions) -> ClusterData:
    """Ganeti's `mergeData` (plus `--ignore-dynu`), in place; returns `data`."""
    insts = data.instances
    nodes = data.nodes
    ctags = data.cluster_tags
    if opts.ignore_dynu:
        for inst in insts:
            inst.util = ZERO_UTIL
    else:
        by_name = {i.name: i for i in insts}
        for name, util in opts.utilisation:
            target = by_name.get(name)
            if target is not None:
                target.util = util
    extags = [t + ":" for t in opts.exclusion_tags] + exclusion_prefixes(ctags)
    dsrd = desired_location_prefixes(ctags)
    inst_names = [i.name for i in insts]
    unknown: list[str] = []

    def resolve(keys: Sequence[str]) -> list[str]:
        out = []
        for key in keys:
            try:
                out.append(lookup_name(inst_names, key))
            except LookupError_:
                unknown.append(key)
        return out

    sel = resolve(opts.select_instances)
    exc = resolve(opts.exclude_instances)
    if unknown:
        raise HtoolsError("Unknown instance(s): [" + ",".join(f'"{u}"' for u in unknown) + "]")
    suffix = longest_domain([n.name for n in nodes] + inst_names)
    sel_set, exc_set = set(sel), set(exc)
    dsrd_t, extags_t = tuple(dsrd), tuple(extags)  # str.startswith takes all prefixes at once
    no_tags: frozenset[str] = frozenset()
    for inst in insts:
        name = inst.name
        if name in exc_set or (sel and name not in sel_set):
            inst.movable = False
        tags = inst.tags
        if tags and dsrd_t:
            inst.dsrd_loc_tags = frozenset(t for t in tags if t.startswith(dsrd_t))
        else:
            inst.dsrd_loc_tags = no_tags
        inst.excl_tags = [t for t in tags if t.startswith(extags_t)] if tags and extags_t else []
        inst.alias = name[: -len(suffix)] if suffix and name.endswith(suffix) else name
    for node in nodes:
        node.location_tags = location_tags(ctags, node.tags)
    any_location = any(node.location_tags for node in nodes)
    for inst in insts:
        if inst.snode == NO_NODE or not any_location:
            inst.location_score = 0
        else:
            inst.location_score = len(nodes[inst.pnode].location_tags
                                      & nodes[inst.snode].location_tags)
    place_instances(nodes, insts)
    for node in nodes:
        node.build_peers(insts)
        node.set_policy(data.groups[node.group].ipolicy)
        node.alias = compute_alias(suffix, node.name)
    for inst in insts:
        if inst.disk_template is DiskTemplate.DRBD and inst.snode != NO_NODE \
                and nodes[inst.pnode].group != nodes[inst.snode].group:
            inst.movable = False
    for node in nodes:
        node.mig_tags = migration_tags(ctags, node.tags)
        node.rmig_tags = receive_migration_tags(ctags, node.tags)
    return data


def update_missing(data: ClusterData, static_kvm_node_memory: int = 4096) -> list[str]:
    """Fix node memory bookkeeping; return the inconsistency warnings (newest first)."""
    msgs: list[str] = []
    insts = data.instances
    for node in data.nodes:
        if static_kvm_node_memory > 0 and node.hypervisor == "kvm":
            node.n_mem = static_kvm_node_memory
        node.i_mem = sum(insts[i].mem for i in node.plist if insts[i].uses_memory)
        node.x_mem = node.recorded_free_mem - node.f_mem
        node.p_mem = fdiv(node.unallocated_mem, node.t_mem)
        idsk = sum(insts[i].dsk for i in node.plist + node.slist)
        delta_dsk = math.trunc(node.t_dsk) - node.f_dsk - idsk
        if node.x_mem > 512 or delta_dsk > 1024:
            msgs.insert(
                0,
                f"node {node.name} is missing {node.x_mem} MB ram "
                f"and {delta_dsk // 1024} GB disk",
            )
    return msgs


def load_cluster(data: ClusterData, opts: LoadOptions | None = None) -> LoadResult:
    """Run the whole pipeline on raw backend data."""
    opts = opts or LoadOptions()
    merge_data(data, opts)
    warnings = update_missing(data, opts.static_kvm_node_memory)
    return LoadResult(data, warnings)


def load_text(path: str, opts: LoadOptions | None = None) -> LoadResult:
    """Load a text-backend file and run the loading pipeline."""
    with paused_gc():
        return load_cluster(load_text_file(path), opts)


def set_node_status(
    data: ClusterData,
    offline: Sequence[str] = (),
    min_disk: float = 0.0,
    max_cpu: float | None = None,
) -> None:
    """Apply `-O`, `--min-disk` and `--max-cpu` after loading (Ganeti `setNodeStatus`)."""
    names = [n.name for n in data.nodes]
    wrong: list[str] = []
    chosen: set[str] = set()
    for key in offline:
        try:
            chosen.add(lookup_name(names, key))
        except LookupError_:
            wrong.append(key)
    if wrong:
        raise HtoolsError("wrong node name(s) set as offline: " + ",".join(wrong))
    for node in data.nodes:
        if max_cpu is not None:
            node.set_mcpu(max_cpu)
        node.set_mdsk(min_disk)
        if node.name in chosen:
            node.offline = True
