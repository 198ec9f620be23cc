"""hsqueeze: suggest nodes to power off, or standby nodes to power on (Ganeti-compatible)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from agent.htools import ClusterData, serialize_cluster
from agent.htools.hsqueeze import (
    SqueezeAction,
    SqueezeOptions,
    SqueezePlan,
    plan_commands,
    squeeze,
)

from .common import ToolExit, fatal, load, no_arguments, out, run_tool, write_commands, write_state
from .options import Options

_HEADERS = {
    SqueezeAction.ONLINE: "'Nodes to online'",
    SqueezeAction.OFFLINE: "'Nodes to offline'",
    SqueezeAction.NONE: "'No action'",
}
_SAVED = {
    SqueezeAction.ONLINE: "after hsqueeze expansion",
    SqueezeAction.OFFLINE: "after hsqueeze run",
    SqueezeAction.NONE: "after hsqueeze doing nothing",
}


def save_commands(opts: Options, heading: str, cmds: str) -> None:
    """`-C`: the commands on stdout (two-space indent, no `check`), or `-CFILE` as a script."""
    if opts.show_commands is None:
        return
    if opts.show_commands == "-":
        lines = cmds.split("\n")
        if lines[-1] == "":
            lines.pop()
        out()
        out(heading)
        sys.stdout.write("".join(f"  {ln}\n" for ln in lines if ln != "  check"))
        return
    write_commands(opts.show_commands, cmds)


def _exec_jobs(opts: Options) -> None:
    if not opts.exec_jobs:
        return
    if opts.luxi is None:
        raise fatal("hsqueeze: Execution of commands possible only on LUXI")
    raise ToolExit(1, "Error: hsqueeze: executing jobs (-X) is not available in this build")


def _report(opts: Options, data: ClusterData, plan: SqueezePlan) -> None:
    if not opts.no_headers:
        out(_HEADERS[plan.action])
    for ndx in plan.nodes:
        out(data.nodes[ndx].name)
    if plan.action is SqueezeAction.ONLINE and opts.verbose > 1 and not plan.enough:
        out("Onlining all nodes will not yield enough capacity")
    save_commands(opts, "Commands to run:", plan_commands(data, plan))
    if plan.action is not SqueezeAction.NONE:
        _exec_jobs(opts)


def _main(opts: Options, args: list[str]) -> int:
    no_arguments(args)
    data = load(opts, "hsqueeze").data
    if opts.save_cluster:
        write_state(opts.save_cluster, "original", "before hsqueeze run",
                    serialize_cluster(data), flush_stdout=True)
    plan = squeeze(data, SqueezeOptions(minimal_resources=opts.min_resources,
                                        target_resources=opts.target_resources))
    if opts.verbose > 1:
        out("Offline candidates: " + ",".join(data.nodes[n].name for n in plan.offline_candidates))
        out("Online candidates: " + ",".join(data.nodes[n].name for n in plan.online_candidates))
    _report(opts, data, plan)
    if opts.save_cluster:
        write_state(opts.save_cluster, "squeezed", _SAVED[plan.action],
                    serialize_cluster(plan.final.data), flush_stdout=True)
    return 0


def main(argv: Sequence[str]) -> int:
    """Run hsqueeze with `argv` (without the program name); return the exit status."""
    return run_tool("hsqueeze", argv, _main)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
