"""hspace: how many more instances fit on the cluster (Ganeti-compatible, spec §12).

Loads the cluster (`-t FILE`, the master, or `--simulate SPEC` groups), runs
tiered and standard allocation with `agent.htools.hspace` and prints Ganeti's
human report or its `HTS_*` machine-readable keys.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from agent.htools import (
    ClusterData,
    DiskTemplate,
    HtoolsError,
    LoadOptions,
    Node,
    load_cluster,
    score_breakdown,
    serialize_cluster,
    show_double,
)
from agent.htools.allocation import AllocationError
from agent.htools.cluster import longest_domain
from agent.htools.hspace import (
    AllocInfo,
    CStats,
    HspaceOptions,
    PhaseResult,
    RSpec,
    allocation_delta,
    run_hspace,
    simulate_cluster,
    total_resources,
)

from .common import apply_node_status, err, fatal, load, no_arguments, out, run_tool
from .options import Options
from .output import coefficient_table, format_keys, node_table, pf

PREFIX = "HTS"
STATS = ("SCORE", "INST_CNT", "MEM_FREE", "MEM_AVAIL", "MEM_RESVD", "MEM_INST", "MEM_OVERHEAD",
         "MEM_EFF", "DSK_FREE", "DSK_AVAIL", "DSK_RESVD", "DSK_INST", "DSK_EFF", "SPN_FREE",
         "SPN_INST", "SPN_EFF", "CPU_INST", "CPU_EFF", "MNODE_MEM_AVAIL", "MNODE_DSK_AVAIL")


def _stats(cs: CStats) -> list[str]:
    return [
        "%.8f" % cs.score, str(cs.n_inst), str(cs.f_mem), str(cs.a_mem),
        str(cs.f_mem - cs.a_mem), str(cs.i_mem), str(cs.x_mem + cs.n_mem), pf("%.8f", cs.mem_eff),
        str(cs.f_dsk), str(cs.a_dsk), str(cs.f_dsk - cs.a_dsk), str(cs.i_dsk),
        pf("%.8f", cs.dsk_eff), str(cs.f_spn), str(cs.i_spn), pf("%.8f", cs.spn_eff),
        str(cs.i_cpu), pf("%.8f", cs.cpu_eff), str(cs.m_mem), str(cs.m_dsk),
    ]


def _stat_keys(phase: str, cs: CStats) -> list[tuple[str, str]]:
    return [(f"{phase}_{k}", v) for k, v in zip(STATS, _stats(cs), strict=True)]


def _keys(pairs: list[tuple[str, str]]) -> None:
    sys.stdout.write(format_keys(PREFIX, pairs))


def _resources(items: list[tuple[str, str]]) -> str:
    return ", ".join(f"{k} {v}" for k, v in items)


def _cluster_items(cs: CStats, spn: bool) -> list[tuple[str, str]]:
    items = [("MEM", "%.0f" % cs.t_mem), ("DSK", "%.0f" % cs.t_dsk), ("CPU", "%.0f" % cs.t_cpu),
             ("VCPU", str(cs.v_cpu))]
    return items + ([("SPN", "%.0f" % cs.t_spn)] if spn else [])


def _spec_items(spec: RSpec, spn: bool) -> list[tuple[str, str]]:
    items = [("MEM", str(spec.mem)), ("DSK", str(spec.dsk)), ("CPU", str(spec.cpu))]
    return items + ([("SPN", str(spec.spn))] if spn else [])


def _excl(nodes: Sequence[Node]) -> bool:
    return any(n.excl_storage for n in nodes)


def _eff_lines(cs: CStats, spn: bool) -> None:
    rows = [("memory", cs.mem_eff), ("disk", cs.dsk_eff), ("vcpu", cs.cpu_eff)]
    if spn:
        rows.append(("spindles", cs.spn_eff))
    width = max(len(name) for name, _ in rows)
    for name, val in rows:
        out(f"  - {name:>{width}} usage efficiency: " + pf("%5.2f", val * 100) + "%")


def _reason_and_scores(ini: list[Node], phase: PhaseResult) -> None:
    # with `-l 0` nothing was even tried (Ganeti 3.0.2 crashes here: head of an empty list)
    reason = (phase.reasons[0][0].ganeti_name if phase.reasons
              else "none (the allocation limit was reached)")
    out(f"  - most likely failure reason: {reason}")
    out("  - initial cluster score: %.8f" % total_resources(ini).score)
    fin = total_resources(phase.nodes)
    out("  -   final cluster score: %.8f" % fin.score)
    _eff_lines(fin, _excl(phase.nodes))


def _print_spec(opts: Options, phase: PhaseResult, kind: str, template: DiskTemplate,
                rqn: int) -> None:
    if opts.machine_readable:
        prefix = "SPEC" if kind == "Standard" else "TSPEC_INI"
        _keys([(f"{prefix}_{k}", v) for k, v in _spec_items(phase.spec, True)])
        _keys([(f"{prefix}_RQN", str(rqn)), (f"{prefix}_DISK_TEMPLATE", template.value)])
    else:
        descr = "Standard (fixed-size)" if kind == "Standard" else "Tiered (initial size)"
        out(f"{descr} instance spec is:")
        out(f"  {_resources(_spec_items(phase.spec, _excl(phase.nodes)))}, "
            f"using disk template '{template.value}'.")


def _allocation_map(opts: Options, kind: str, phase: PhaseResult) -> None:
    if opts.verbose <= 1:
        return
    excl = _excl(phase.nodes)
    names = {n.idx: n.name for n in phase.nodes}
    rows = []
    for inst in phase.allocated:
        spn = ""
        if excl:
            tot = inst.total_spindles
            spn = "?" if tot is None else str(tot)
        rows.append([inst.name, names[inst.pnode], names.get(inst.snode, "") if inst.snode >= 0
                     else "", str(inst.mem), str(inst.dsk), str(inst.vcpus), spn])
    isnum = [False, False, False, True, True, True, True]
    lines = [f"{kind} allocation map"]
    if rows:
        widths = [max(len(r[c]) for r in rows) for c in range(7)]
        for r in rows:
            cells = [v.rjust(w) if num else v.ljust(w)
                     for v, w, num in zip(r, widths, isnum, strict=True)]
            lines.append(" " + " ".join(cells))
    sys.stderr.write("\n".join(lines) + "\n")


def _save(opts: Options, data: ClusterData, kind: str, phase: PhaseResult) -> None:
    if not opts.save_cluster:
        return
    path = f"{opts.save_cluster}.{kind.lower()}"
    sub = ClusterData(data.groups, phase.nodes, phase.instances, data.cluster_tags,
                      data.ipolicy)
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(serialize_cluster(sub))
    except OSError as e:
        raise fatal(f"cannot write {path}: {e.strerror}") from None
    err(f"The cluster state after {kind.lower()} allocation has been written to file '{path}'")


def _after_phase(opts: Options, data: ClusterData, kind: str, phase: PhaseResult,
                 template: DiskTemplate) -> None:
    _print_spec(opts, phase, kind, template, template.required_nodes)
    _allocation_map(opts, kind, phase)
    if opts.show_nodes is not None:
        err()
        err(f"{kind} allocation status:")
        err(node_table(phase.nodes, opts.show_nodes, phase.instances))
    _save(opts, data, kind, phase)


def _km(name: str, info: AllocInfo) -> list[tuple[str, str]]:
    return [(f"KM_{name}_CPU", str(info.vcpus)), (f"KM_{name}_NPU", show_double(info.ncpus)),
            (f"KM_{name}_MEM", str(info.mem)), (f"KM_{name}_DSK", str(info.dsk)),
            (f"KM_{name}_SPN", str(info.spn))]


def _print_tiered(opts: Options, ini: list[Node], phase: PhaseResult) -> None:
    if opts.machine_readable:
        trl = total_resources(phase.nodes)
        _keys(_stat_keys("TRL", trl))
        tspec = " ".join(f"{s.mem},{s.dsk},{s.cpu},{s.spn}={c}" for s, c in phase.spec_map)
        _keys([("TSPEC", tspec)])
        used, pool, unav = allocation_delta(total_resources(ini), trl)
        _keys(_km("USED", used) + _km("POOL", pool) + _km("UNAV", unav))
        return
    out("Tiered allocation results:")
    spn = _excl(ini)
    if not phase.spec_map:
        out("  - no instances allocated")
    for spec, count in phase.spec_map:
        out(f"  - {count:3d} instances of spec {_resources(_spec_items(spec, spn))}")
    _reason_and_scores(ini, phase)


def _print_standard(opts: Options, ini: list[Node], n_initial: int, phase: PhaseResult) -> None:
    allocs = len(phase.allocated)
    if not opts.machine_readable:
        out("Normal (fixed-size) allocation results:")
        out(f"  - {allocs:3d} instances allocated")
        _reason_and_scores(ini, phase)
        return
    fin = total_resources(phase.nodes)
    if n_initial + allocs != fin.n_inst:
        # Ganeti counts forthcoming instances as allocated but not on the nodes
        raise fatal(f"internal inconsistency, allocated ({n_initial + allocs}) != "
                    f"counted ({fin.n_inst})\n")
    if not phase.reasons:
        raise fatal("Internal error, no failure reasons?!")
    _keys(_stat_keys("FIN", fin))
    _keys([("ALLOC_USAGE", pf("%.8f", _ratio(n_initial, n_initial + allocs))),
           ("ALLOC_INSTANCES", str(allocs)),
           ("ALLOC_FAIL_REASON", phase.reasons[0][0].ganeti_name.upper())])
    _keys([(f"ALLOC_{m.ganeti_name.upper()}_CNT", str(c)) for m, c in phase.reasons])


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


def _load(opts: Options) -> ClusterData:
    if opts.node_sim and not opts.rapi_master and opts.luxi is None:
        if opts.data_file is not None and opts.rapi_master:
            raise fatal("Only one of the rapi, luxi, and data files options should be given.")
        try:
            raw = simulate_cluster(opts.node_sim)
            return load_cluster(raw, LoadOptions(
                static_kvm_node_memory=opts.static_kvm_node_memory)).data
        except HtoolsError as e:
            raise fatal(f"failed to load data, aborting: {e}") from None
    return load(opts, "hspace").data


def _hspace_options(opts: Options) -> HspaceOptions:
    def spec(t: tuple[int, int, int, int] | None) -> RSpec | None:
        return None if t is None else RSpec(mem=t[1], dsk=t[0], cpu=t[2], spn=t[3])

    return HspaceOptions(
        disk_template=DiskTemplate(opts.disk_template) if opts.disk_template else None,
        spindle_use=opts.spindle_use, standard_spec=spec(opts.std_spec),
        tiered_spec=spec(opts.tiered_spec), max_length=opts.max_length,
        capacity=opts.capacity_checks, accept_existing=opts.accept_existing,
        independent_groups=opts.independent_groups, need_bad_groups=opts.verbose > 3)


def _print_cluster(opts: Options, data: ClusterData) -> None:
    ini = total_resources(data.nodes)
    if opts.machine_readable:
        _keys([(f"CLUSTER_{k}", v) for k, v in _cluster_items(ini, True)])
        _keys([("CLUSTER_NODES", str(len(data.nodes)))])
        _keys(_stat_keys("INI", ini))
        return
    out(f"The cluster has {len(data.nodes)} nodes and the following resources:")
    out(f"  {_resources(_cluster_items(ini, _excl(data.nodes)))}.")
    count = ini.n_inst
    out(f"There are {count if count > 0 else 'no'} initial instances on the cluster.")


def _debug(opts: Options, data: ClusterData, res: object) -> None:
    if opts.verbose <= 3:
        return
    from agent.htools.hspace import HspaceResult

    assert isinstance(res, HspaceResult)
    if res.bad_nodes:
        names = ",".join(f'"{data.nodes[i].name}"' for i in res.bad_nodes)
        err(f"Bad nodes: [{names}]")
    if res.bad_groups:
        names = ",".join(f'"{data.groups[g].name}"' for g in res.bad_groups)
        err(f"Bad groups: [{names}]")
    cands = res.cands
    if cands and isinstance(cands[0], tuple):
        body = ",".join(f"({p},[{','.join(map(str, ss))}])" for p, ss in cands)  # type: ignore[misc]
        err(f"Allocatable nodes: Right [{body}]")
    else:
        err(f"Allocatable nodes: Left [{','.join(map(str, cands))}]")


def _main(opts: Options, args: list[str]) -> int:
    no_arguments(args)
    data = _load(opts)
    apply_node_status(opts, data)
    suffix = longest_domain([n.name for n in data.nodes] + [i.name for i in data.instances])
    if suffix and opts.verbose > 1:
        err(f"Note: Stripping common suffix of '{suffix}' from names")
    if opts.show_nodes is not None:
        err()
        err("Initial cluster status:")
        err(node_table(data.nodes, opts.show_nodes, data.instances))
    if opts.verbose > 2:
        b = score_breakdown(data.nodes)
        err("Initial coefficients: overall %.8f" % b.total)
        sys.stderr.write(coefficient_table(b))
    _print_cluster(opts, data)
    try:
        res = run_hspace(data, _hspace_options(opts))
    except AllocationError as e:
        raise fatal(f"failure during allocation: {e}") from None
    _debug(opts, data, res)
    ini = list(data.nodes)
    _after_phase(opts, data, "Tiered", res.tiered, res.template)
    _print_tiered(opts, ini, res.tiered)
    _after_phase(opts, data, "Standard", res.standard, res.template)
    _print_standard(opts, ini, len(data.instances), res.standard)
    if opts.machine_readable:
        _keys([("OK", "1")])
    return 0


def main(argv: Sequence[str]) -> int:
    """Run hspace with `argv` (without the program name); return the exit status."""
    return run_tool("hspace", argv, _main)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
