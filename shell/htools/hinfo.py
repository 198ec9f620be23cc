"""hinfo: print the cluster's state, N+1 status and score (Ganeti-compatible)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from agent.htools import ClusterData, cluster_score, score_breakdown
from agent.htools.capacity import bad_items
from agent.htools.cluster import longest_domain

from .common import apply_node_status, err, load, no_arguments, out, run_tool
from .options import Options
from .output import coefficient_table, format_table, instance_map, node_table, plural
from .policy_text import ipolicy_text


def _group_rows(data: ClusterData) -> tuple[list[list[str]], bool]:
    rows = []
    happy = True
    for gidx in data.groups_with_nodes():
        nodes = data.group_nodes(gidx)
        insts = data.group_instances(gidx)
        bad_nodes, bad_insts = bad_items(nodes)
        n1 = not bad_nodes
        happy = happy and n1
        rows.append([data.groups[gidx].name, str(len(nodes)), str(len(insts)),
                     str(len(bad_nodes)), str(len(bad_insts)), str(n1),
                     "%.8f" % cluster_score(nodes)])
    return rows, happy


def _main(opts: Options, args: list[str]) -> int:
    no_arguments(args)
    verbose = opts.verbose
    data = load(opts, "hinfo").data
    out("Loaded cluster tags: " + ",".join(data.cluster_tags))
    if verbose > 2:
        out("Loaded cluster ipolicy: " + ipolicy_text(data.ipolicy))
    apply_node_status(opts, data)

    nn, ni, ng = len(data.nodes), len(data.instances), len(data.groups)
    if not data.instances and verbose > 1:
        out("Cluster is empty.")
    out(f"Loaded {nn} {plural(nn, 'node', 'nodes')}, {ni} {plural(ni, 'instance', 'instances')}"
        f", {ng} {plural(ng, 'node group', 'node groups')}")
    suffix = longest_domain([n.name for n in data.nodes] + [i.name for i in data.instances])
    if suffix and verbose > 2:
        out(f"Note: Stripping common suffix of '{suffix}' from names")

    split = data.split_instances()
    if split:
        out("Found instances belonging to multiple node groups:")
        sys.stdout.flush()
        for inst in split:
            err("  " + inst.name)
    elif verbose > 1:
        out("No split instances found")

    rows, happy = _group_rows(data)
    if verbose > 1:
        header = ["Group", "Nodes", "Instances", "Bad_Nodes", "Bad_Instances", "N+1", "Score"]
        isnum = [False, True, True, True, True, False, True]
        out("Node group information:")
        sys.stdout.write(format_table(header, rows, isnum, prefix="  "))
    out("Cluster is N+1 " + ("happy" if happy else "unhappy"))

    if opts.show_instances:
        err()
        err("Instances instance map:")
        sys.stderr.write(instance_map(data.nodes, data.instances))
    if opts.show_nodes is not None:
        err()
        err("Cluster status:")
        err(node_table(data.nodes, opts.show_nodes, data.instances))

    out("Cluster coefficients:")
    sys.stdout.write(coefficient_table(score_breakdown(data.nodes)))
    out("Cluster score: %.8f" % cluster_score(data.nodes))
    return 0


def main(argv: Sequence[str]) -> int:
    """Run hinfo with `argv` (without the program name); return the exit status."""
    return run_tool("hinfo", argv, _main)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
