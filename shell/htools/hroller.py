"""hroller: print the groups of nodes that can be rebooted together (Ganeti-compatible)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from agent.htools import ClusterData, LookupError_, serialize_cluster
from agent.htools.hroller import (
    RebootGroup,
    RollerError,
    RollerOptions,
    master_names,
    plan_reboots,
    reboot_graph,
)
from agent.htools.node_graph import colouring_stats

from .common import apply_node_status, err, fatal, load, no_arguments, out, run_tool, write_state
from .options import Options


def hs_show_strings(items: Sequence[str]) -> str:
    """A list of strings as Haskell's `show` prints it (`["a","b"]`)."""
    def one(s: str) -> str:
        body = "".join("\\\\" if c == "\\" else '\\"' if c == '"' else
                       c if " " <= c <= "~" else f"\\{ord(c)}" for c in s)
        return f'"{body}"'
    return "[" + ",".join(one(s) for s in items) + "]"


def _check_master(opts: Options, data: ClusterData) -> None:
    masters = master_names(data)
    if not masters:
        msg = "No master node found (maybe not supported by backend)."
        if not opts.force:
            raise fatal(msg)
        err("Warning: " + msg)
    elif len(masters) > 1:
        raise fatal("Found more than one master node: " + hs_show_strings(masters))


def roller_options(opts: Options, data: ClusterData) -> RollerOptions:
    """The library options of the command line (`-G` resolved to a group index)."""
    group = None
    if opts.group is not None:
        try:
            group = data.groups.index(data.find_group(opts.group))
        except LookupError_:
            raise fatal("Cannot find target group.") from None
    return RollerOptions(
        node_tags=tuple(opts.node_tags) if opts.node_tags is not None else None,
        group=group, offline_maintenance=opts.offline_maintenance,
        skip_non_redundant=opts.skip_non_redundant,
        ignore_non_redundant=opts.ignore_non_redundant, full_evacuation=opts.full_evacuation)


def _print_group(opts: Options, group: RebootGroup) -> None:
    if opts.one_step_only:
        for name in group.names:
            out(name)
    else:
        out(",".join(group.names))
    if opts.print_moves:
        for mv in group.moves:
            out(f"  {mv.instance} {mv.pnode}" + (f" {mv.snode}" if mv.snode is not None else ""))


def _main(opts: Options, args: list[str]) -> int:
    no_arguments(args)
    data = load(opts, "hroller").data
    _check_master(opts, data)
    original = serialize_cluster(data) if opts.save_cluster else ""
    apply_node_status(opts, data)
    if opts.save_cluster:
        write_state(opts.save_cluster, "original", "before hroller run", original,
                    flush_stdout=True)
    ropts = roller_options(opts, data)
    try:
        candidates, graph = reboot_graph(data, ropts)
        if opts.verbose > 2:
            out("Node Graph: " + graph.show())
            sys.stdout.flush()
        plan = plan_reboots(data, ropts, (candidates, graph))
    except RollerError as e:
        raise fatal(str(e)) from None
    if opts.verbose > 1:
        out(colouring_stats([(c.algorithm, [list(k) for k in c.classes])
                             for c in plan.colourings]))
    if opts.one_step_only:
        if not opts.no_headers:
            out("'First Reboot Group'")
        if plan.groups:
            _print_group(opts, plan.groups[0])
    else:
        if not opts.no_headers:
            out("'Node Reboot Groups'")
        for group in plan.groups:
            _print_group(opts, group)
    return 0


def main(argv: Sequence[str]) -> int:
    """Run hroller with `argv` (without the program name); return the exit status."""
    return run_tool("hroller", argv, _main)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
