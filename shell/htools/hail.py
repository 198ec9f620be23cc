"""hail: answer an IAllocator request read from a file (Ganeti-compatible).

`hail [options] REQUEST.json` (`-` reads stdin) prints the answer as one
line of JSON and exits 0, also when the request fails; a malformed request
is an `Error:` on stderr and exit status 1.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from agent.htools import ClusterData, HtoolsError, LoadOptions, load_cluster, serialize_cluster
from agent.htools.iallocator import IAllocOptions, RequestError, parse_request, run
from agent.htools.iallocator.answer import uses_dedicated

from .common import ToolExit, _read_file_error, err, fatal, load, run_tool, write_state
from .options import Options
from .output import node_table


def _read_request(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            return fh.read()
    except OSError as e:
        raise ToolExit(1, f"hail: {_read_file_error(path, e)}") from None


def _print_nodes(opts: Options, stage: str, data: ClusterData) -> None:
    if opts.show_nodes is None:
        return
    err()
    err(f"{stage} status:")
    err(node_table(data.nodes, opts.show_nodes, data.instances))


def _simulated(opts: Options) -> ClusterData:
    """`--simulate`: the request runs on empty simulated groups instead of its cluster."""
    from agent.htools.hspace.simulate import simulate_cluster

    try:
        raw = simulate_cluster(opts.node_sim)
        return load_cluster(raw, LoadOptions(
            static_kvm_node_memory=opts.static_kvm_node_memory)).data
    except HtoolsError as e:
        raise fatal(f"failed to load data, aborting: {e}") from None


def ialloc_options(opts: Options) -> IAllocOptions:
    """The algorithm options hail takes from its command line."""
    restrict = tuple(opts.restrict_to_nodes) if opts.restrict_to_nodes is not None else None
    return IAllocOptions(capacity=opts.capacity_checks,
                         ignore_soft_errors=opts.ignore_soft_errors, restrict_to=restrict)


def _main(opts: Options, args: list[str]) -> int:
    if not args:
        raise fatal("This program needs an input file.")
    if len(args) > 1:
        raise fatal("Only one argument is accepted (the input file)")
    text = _read_request(args[0])
    try:
        req = parse_request(text, LoadOptions(ignore_dynu=opts.ignore_dynu,
                                              static_kvm_node_memory=opts.static_kvm_node_memory))
    except RequestError as e:
        raise fatal(str(e)) from None
    if req.warnings and opts.verbose != 0:
        err("Warning: cluster has inconsistent data:")
        err("".join(f"  - {w}\n" for w in req.warnings))
    if opts.node_sim:
        req.data = _simulated(opts)
    elif opts.data_file is not None:
        req.data = load(opts, "hail").data
    if opts.verbose > 1:
        err(f"Received request: {req.kind} {req.body}")
    if opts.verbose > 1 and uses_dedicated(req):
        err("Allocation on a dedicated cluster; using lost-allocations metrics.")
    _print_nodes(opts, "Initial cluster", req.data)
    if opts.save_cluster:
        write_state(opts.save_cluster, "pre-ialloc", "before iallocator run",
                     serialize_cluster(req.data))
    outcome = run(req, ialloc_options(opts))
    sys.stdout.write(outcome.to_json() + "\n")
    final = req.data
    if outcome.nodes is not None:
        final = ClusterData(req.data.groups,
                            [outcome.nodes.get(n.idx, n) for n in req.data.nodes],
                            list((outcome.instances or {i.idx: i for i in req.data.instances})
                                 .values()),
                            req.data.cluster_tags, req.data.ipolicy)
    _print_nodes(opts, "Final cluster", final)
    if opts.save_cluster:
        sys.stdout.flush()
        write_state(opts.save_cluster, "post-ialloc", "after iallocator run",
                     serialize_cluster(final))
    return 0


def main(argv: Sequence[str]) -> int:
    """Run hail with `argv` (without the program name); return the exit status."""
    return run_tool("hail", argv, _main)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
