"""hcheck: report cluster health and whether rebalancing would help (Ganeti-compatible)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

from agent.htools import ClusterData
from agent.htools import capacity as cap

from .common import apply_node_status, fatal, load, no_arguments, out, run_tool
from .options import Options
from .output import format_keys

PREFIX = "HCHECK"

COMMON = [
    ("N1_FAIL", "Nodes not N+1 happy"),
    ("CONFLICT_TAGS", "Nodes with conflicting instances"),
    ("OFFLINE_PRI", "Instances having the primary node offline"),
    ("OFFLINE_SEC", "Instances having a secondary node offline"),
]
GN1 = ("GN1_FAIL", "Nodes not directly evacuateable")


def _keys(opts: Options, has_gn1: bool) -> list[tuple[str, str]]:
    return COMMON + ([GN1] if opts.capacity_checks and has_gn1 else [])


def _group_values(g: Any, with_gn1: bool) -> list[str]:
    vals = [g.n1_fail, g.conflict_tags, g.offline_pri, g.offline_sec]
    if with_gn1 and g.gn1_fail is not None:
        vals.append(g.gn1_fail)
    return [str(v) for v in vals] + ["%.8f" % g.score]


def _print_block(opts: Options, phase: str, level: str, keys: list[tuple[str, str]],
                 values: list[str]) -> None:
    """One group's or the cluster's statistics, human or machine-readable."""
    if opts.machine_readable:
        # zip truncates like Ganeti's: without groups only the first key is printed
        pairs = [(f"{phase}_{level}_{k}", v) for (k, _), v in zip(keys, values, strict=False)]
        sys.stdout.write(format_keys(PREFIX, pairs))
    elif opts.verbose >= 1:
        out()
        sys.stdout.write(level + "\n")
        for (_, descr), v in zip(keys, values, strict=False):
            out(f"    {descr}: {v}")


def _report(data: ClusterData, opts: Options, simulate: bool) -> cap.HcheckReport:
    balance_opts = None
    if simulate:
        from .hbal import balance_options  # the balancing engine, only when it may run

        balance_opts = balance_options(opts)
    rep = cap.hcheck(data, balance_opts, simulate=simulate, capacity=opts.capacity_checks)
    if rep.error is not None:
        # Ganeti 3.0.2 crashes here (a DRBD secondary in another group); we report it
        raise fatal(f"cannot check the capacity of the cluster: {rep.error}")
    return rep


def _print_phase(opts: Options, data: ClusterData, phase: str, groups: list,
                 need: bool) -> None:
    has_gn1 = any(g.gn1_fail is not None for g in groups)
    keys = _keys(opts, has_gn1)
    mr = opts.machine_readable
    words = "initially" if phase == "INIT" else "after rebalancing"
    for g in groups:
        level = (f"GROUP_{g.group}" if mr else
                 f"Statistics for group {data.groups[g.group].name} {words}")
        _print_block(opts, phase, level, keys + [("SCORE", "Group score")],
                     _group_values(g, opts.capacity_checks))
    totals = cap.HcheckReport.totals(groups)
    flag = ("1" if need else "0") if mr else str(need)
    level = "CLUSTER" if mr else f"Cluster statistics {words}"
    _print_block(opts, phase, level, keys + [("NEED_REBALANCE", "Cluster is not healthy")],
                 [str(v) for v in totals] + [flag])


def _main(opts: Options, args: list[str]) -> int:
    no_arguments(args)
    data = load(opts, "hcheck").data
    apply_node_status(opts, data)
    mr = opts.machine_readable
    if mr:
        sys.stdout.write(format_keys(PREFIX, [(f"GROUP_UUID_{g.idx}", g.uuid)
                                              for g in data.groups]))
    report = _report(data, opts, simulate=not opts.no_simulation)
    need = report.need_rebalance
    if opts.verbose >= 1 and not mr:
        if opts.no_simulation:
            out("Running in no-simulation mode.")
        elif need:
            out("Cluster needs rebalancing.")
        else:
            out("No need to rebalance cluster, no problems found.")
    _print_phase(opts, data, "INIT", report.initial, need)
    simulated = need and not opts.no_simulation
    if simulated or mr:
        # quirk copied from Ganeti: the final NEED_REBALANCE repeats the initial verdict
        _print_phase(opts, data, "FINAL", report.final, need)
    if mr:
        sys.stdout.write(format_keys(PREFIX, [("OK", "1")]))
    return 1 if simulated else 0


def main(argv: Sequence[str]) -> int:
    """Run hcheck with `argv` (without the program name); return the exit status."""
    return run_tool("hcheck", argv, _main)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
