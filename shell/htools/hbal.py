"""hbal: compute (and print) the moves that balance one node group (Ganeti-compatible)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from agent.htools import (
    BalanceOptions,
    BalanceResult,
    BalanceStep,
    ClusterData,
    Node,
    balance,
    cluster_score,
    format_g,
    optimal_score,
    score_breakdown,
    serialize_cluster,
)
from agent.htools.capacity import bad_items, policy_violations
from agent.htools.cluster import longest_domain
from agent.htools.jobs import format_commands, split_jobsets

from .common import (
    apply_node_status,
    err,
    fatal,
    load,
    no_arguments,
    out,
    run_tool,
    write_commands,
    write_state,
)
from .options import Backend, Options
from .output import (
    Widths,
    coefficient_table,
    commands_for_stdout,
    instance_map,
    node_table,
    solution_line,
)
from .policy_text import ipolicy_text


def balance_options(opts: Options) -> BalanceOptions:
    """The algorithm options of hbal's command line (also used by hcheck)."""
    return BalanceOptions(
        max_length=opts.max_length, min_score=opts.min_score, min_gain=opts.min_gain,
        min_gain_limit=opts.min_gain_limit, ignore_soft_errors=opts.ignore_soft_errors,
        disk_moves=opts.disk_moves, instance_moves=opts.instance_moves,
        evac_mode=opts.evac_mode, restricted_migration=opts.restricted_migration,
    )


def _select_group(opts: Options, data: ClusterData) -> int:
    """Ganeti's `selectGroup`: the only group with nodes, or `-G`."""
    with_nodes = data.groups_with_nodes()
    if len(with_nodes) > 1 and opts.group is None:
        sys.stdout.flush()
        err("Found multiple node groups:")
        for gidx in with_nodes:
            err("  " + data.groups[gidx].name)
        raise fatal("Aborting.")
    if opts.group is None:
        if not with_nodes:
            raise fatal("No groups found by splitCluster?!")
        return with_nodes[0]
    matches = [g for g in data.groups if opts.group in (g.name, g.uuid)]
    if len(matches) != 1:
        sys.stdout.flush()
        err(f"Node group {opts.group} not found. Node group list is:")
        for g in data.groups:
            err("  " + g.name)
        raise fatal("Aborting.")
    return data.groups.index(matches[0])


def _health(n: Node) -> str:
    fail = n.policy_health()
    return "Ok ()" if fail is None else f"Bad {fail.ganeti_name}"


def _check_group(opts: Options, name: str, nodes: list[Node], n_insts: int) -> None:
    """Ganeti's `checkGroup`: sizes, N+1 state and policy violations."""
    out(f"Group size {len(nodes)} nodes, {n_insts} instances")
    out(f"Selected node group: {name}")
    bad_nodes, bad_insts = bad_items(nodes)
    if opts.verbose >= 1:
        out(f"Initial check done: {len(bad_nodes)} bad nodes, {len(bad_insts)} bad instances.")
    if opts.verbose > 4:
        bad = set(bad_nodes)
        names = ",".join(f'"{n.name}"' for n in nodes if n.idx in bad)
        happy = ",".join(f'"{n.name}"' for n in nodes if n.idx not in bad)
        out(f"Bad nodes: [{names}]")
        out(f"N+1 happy nodes: [{happy}]")
        status = ",".join(f'("{n.name}",{_health(n)})' for n in nodes if n.idx not in bad)
        out(f"Node policy status: [{status}]")
    if bad_nodes:
        out("Cluster is not N+1 happy, continuing but no guarantee that the cluster will end "
            "N+1 happy.")
    violations = policy_violations(nodes)
    if violations:
        out(f"The cluster contains {len(violations)} policy-violating nodes.")
        out("Continuing, ignoring soft errors." if opts.ignore_soft_errors else
            "Continuing, but the set of moves might be too restricted; consider using the "
            "--ignore-soft-errors option.")


def _print_tables(opts: Options, stage: str, data: ClusterData, nodes: list[Node],
                  insts: list[int]) -> None:
    if opts.show_instances:
        err()
        err(f"{stage} instance map:")
        sys.stderr.write(instance_map(data.nodes, [data.instances[i] for i in insts]))
    if opts.show_nodes is not None:
        err()
        err(f"{stage} cluster status:")
        err(node_table(nodes, opts.show_nodes, data.instances))


def _print_commands(opts: Options, steps: list[BalanceStep]) -> None:
    if opts.show_commands is None:
        return
    jobsets = split_jobsets(steps)
    if opts.first_job_group:
        jobsets = jobsets[:1]
    cmds = format_commands(jobsets)
    heading = ("First set of jobs:" if opts.first_job_group
               else "Commands to run to reach the above solution:")
    if opts.show_commands == "-":
        sys.stdout.write(commands_for_stdout(heading, cmds))
        return
    write_commands(opts.show_commands, cmds)


def _balanced_text(res: BalanceResult) -> str:
    final = res.data
    sub = ClusterData(final.groups, [final.nodes[i] for i in res.group_nodes],
                      [final.instances[i] for i in res.group_instances], final.cluster_tags,
                      final.ipolicy)
    return serialize_cluster(sub, final.nodes)


def _main(opts: Options, args: list[str]) -> int:
    no_arguments(args)
    verbose = opts.verbose
    data = load(opts, "hbal").data
    if verbose > 1:
        out("Loaded cluster tags: " + ",".join(data.cluster_tags))
        out("Loaded cluster ipolicy: " + ipolicy_text(data.ipolicy))
    # -S FILE.original is the data as loaded, before -O/--min-disk/--max-cpu
    original = serialize_cluster(data) if opts.save_cluster else ""
    apply_node_status(opts, data)

    if not data.instances:
        out("Cluster is empty, exiting.")
        return 0
    split = data.split_instances()
    if split and verbose > 1:
        sys.stdout.flush()
        err("Found instances belonging to multiple node groups:")
        for inst in split:
            err("  " + inst.name)
        err("These instances will not be moved.")
    out(f"Loaded {len(data.nodes)} nodes, {len(data.instances)} instances")
    suffix = longest_domain([n.name for n in data.nodes] + [i.name for i in data.instances])
    if suffix and verbose > 1:
        out(f"Note: Stripping common suffix of '{suffix}' from names")
    if opts.save_cluster:
        sys.stdout.flush()
        write_state(opts.save_cluster, "original", "before balancing", original)

    gidx = _select_group(opts, data)
    nodes = data.group_nodes(gidx)
    insts = [i.idx for i in data.group_instances(gidx)]
    _check_group(opts, data.groups[gidx].name, nodes, len(insts))
    sys.stdout.flush()
    _print_tables(opts, "Initial", data, nodes, insts)

    ini_cv = cluster_score(nodes)
    opt_cv = optimal_score(nodes)
    if verbose > 2:
        out("Initial coefficients: overall %.8f" % ini_cv)
        sys.stdout.write(coefficient_table(score_breakdown(nodes)))
    else:
        out("Initial score: %.8f" % ini_cv)
    if ini_cv - opt_cv < opts.min_score:
        out(f"Cluster is already well balanced (initial score {format_g(ini_cv)},")
        out(f"optimum score due to N+1 reservations {format_g(opt_cv)},")
        out(f"minimum score {format_g(opts.min_score)}).")
        out("Nothing to do, exiting")
        return 0

    out("Trying to minimize the CV...")
    sys.stdout.flush()
    widths = Widths.of(nodes, [data.instances[i] for i in insts])
    aliases = [n.alias for n in data.nodes]

    def on_step(step: BalanceStep) -> None:
        out(solution_line(step, aliases, widths.instance, widths.node))
        sys.stdout.flush()

    res = balance(data, gidx, balance_options(opts), on_step=on_step)
    fin_nodes = [res.data.nodes[i] for i in res.group_nodes]
    if not res.steps:
        out("No solution found")
    elif verbose > 2:
        out("Final coefficients:   overall %.8f" % res.final_score)
        sys.stdout.write(coefficient_table(score_breakdown(fin_nodes)))
    else:
        out("Cluster score improved from %.8f to %.8f" % (ini_cv, res.final_score))
    if verbose >= 1:
        out(f"Solution length={len(res.steps)}")
    _print_commands(opts, res.steps)
    if opts.save_cluster:
        sys.stdout.flush()
        write_state(opts.save_cluster, "balanced", "after balancing", _balanced_text(res))
    sys.stdout.flush()
    _print_tables(opts, "Final", res.data, fin_nodes, res.group_instances)
    if verbose > 3:
        for label, ns in (("Original:", nodes), ("Final:   ", fin_nodes)):
            mem = sum(n.unallocated_mem for n in ns)
            dsk = sum(n.f_dsk for n in ns)
            out(f"{label} mem={mem} disk={dsk}")
    if opts.exec_jobs and res.steps:
        if opts.backend() is not Backend.MASTER:
            raise fatal("hbal: Execution of commands possible only on LUXI")
        from .hbal_exec import execute

        execute(opts.luxi or None, res.steps, data, opts.first_job_group, opts.reason, opts.priority)
    return 0


def main(argv: Sequence[str]) -> int:
    """Run hbal with `argv` (without the program name); return the exit status."""
    return run_tool("hbal", argv, _main)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
