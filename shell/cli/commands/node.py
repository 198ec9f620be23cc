"""gnt-node: add, list, list-fields, info, remove, evacuate."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shell.cli.context import Context
from shell.cli.fields import (
    filter_needs_live,
    filter_objects,
    is_plain_names,
    needs_live,
    print_fields,
    print_list,
    query_filter,
    select,
)
from shell.cli.format import info_tree, to_json
from shell.cli.tree import (
    FIELD,
    FILE,
    GROUP,
    INFO_JSON,
    NODE,
    Arg,
    Command,
    Group,
    Option,
    UsageError,
    register,
)


def add(ctx: Context) -> int:
    a = ctx.args
    if not a.join_token_file:
        raise UsageError(
            f"{ctx.program} add: error: --join-token-file is required (the agent writes its token "
            "to STATE_DIR/join-token)"
        )
    try:
        token = Path(a.join_token_file).read_text().strip()
    except OSError as exc:
        raise UsageError(f"{ctx.program} add: error: cannot read the join token: {exc.strerror}") from None
    op: dict[str, Any] = {"OP_ID": "OP_NODE_ADD", "node_name": a.name}
    if a.address:
        host, sep, port = a.address.rpartition(":")
        if not sep:
            host, port = a.address, ""
        if port and not port.isdigit():
            raise UsageError(f"{ctx.program} add: error: invalid address '{a.address}'")
        op["primary_ip"] = host
        if port:
            op["agent_port"] = int(port)
    if a.secondary_ip:
        op["secondary_ip"] = a.secondary_ip
    if a.nodegroup:
        op["group"] = a.nodegroup
    ctx.submit([op], {0: {"join_token": token}})
    return 0


def list_nodes(ctx: Context) -> int:
    a = ctx.args
    names = select("node", a.fields)
    if is_plain_names(a.names, a.force_filter):
        nodes = ctx.client.query("node", a.names, live=needs_live("node", names))
    else:
        compiled = query_filter("node", a.names, a.force_filter)
        live = needs_live("node", names) or filter_needs_live("node", compiled)
        nodes = filter_objects("node", compiled, ctx.client.query("node", [], live=live))
    return print_list("node", nodes, names, headers=not a.no_headers, separator=a.separator,
                      units=a.units, verbose=bool(a.verbose), as_json=a.as_json, out=ctx.out, err=ctx.err)


def list_fields(ctx: Context) -> int:
    return print_fields("node", ctx.args.names, not ctx.args.no_headers, ctx.args.separator, ctx.out)


def info(ctx: Context) -> int:
    nodes = ctx.client.query("node", ctx.args.names, live=False)
    if ctx.args.as_json:
        ctx.print(to_json(nodes))
        return 0
    for node in nodes:
        shown = {
            "Node name": node["name"],
            "primary ip": node["primary_ip"],
            "secondary ip": node["secondary_ip"],
            "agent port": node.get("agent_port"),
            "UUID": node["uuid"],
            "serial number": node["serial_no"],
            "master candidate": node["master_candidate"],
            "drained": node["drained"],
            "offline": node["offline"],
            "master_capable": node["master_capable"],
            "vm_capable": node["vm_capable"],
            "node group": f"{node['group_name']} ({node['group']})",
            "primary for instances": node["pinst_list"],
            "secondary for instances": node["sinst_list"],
        }
        lines = info_tree(shown)
        ctx.print("- " + lines[0])
        for line in lines[1:]:
            ctx.print("  " + line)
    return 0


def remove(ctx: Context) -> int:
    ctx.submit([{"OP_ID": "OP_NODE_REMOVE", "node_name": ctx.args.name}])
    return 0


def evacuate(ctx: Context) -> int:
    """Move a node's primary or secondary instances away, as Ganeti's gnt-node evacuate."""
    from agent.errors import GanetiError
    from shell.cli.context import job_results

    a = ctx.args
    if a.new_secondary is not None:
        print("New secondary node given (disabling iallocator), hence evacuating secondary "
              "instances only.", file=ctx.err)
        a.secondary_only, a.primary_only = True, False
    if a.secondary_only and a.primary_only:
        raise UsageError("Only one of the --primary-only and --secondary-only options can be passed")
    mode = "primary-only" if a.primary_only else "secondary-only" if a.secondary_only else "all"
    (node,) = ctx.client.query("node", [a.name])
    instances = set()
    if not a.secondary_only:
        instances.update(node["pinst_list"])
    if not a.primary_only:
        instances.update(node["sinst_list"])
    if not instances:
        print(f"No instances to evacuate on node(s) {a.name}, exiting.", file=ctx.err)
        return 0
    if not ctx.confirm(f"Relocate instance(s) {', '.join(sorted(instances))} from node(s) {a.name}?"):
        return 1
    op: dict[str, Any] = {"OP_ID": "OP_NODE_EVACUATE", "node_name": a.name, "mode": mode,
                          "early_release": a.early_release}
    if a.new_secondary is not None:
        op["remote_node"] = a.new_secondary
    if a.iallocator is not None:
        op["iallocator"] = a.iallocator
    if a.ignore_soft_errors:
        op["ignore_soft_errors"] = True
    (result,) = ctx.submit([op])
    bad = 0
    for ok, job_id in result["jobs"]:
        if not ok:
            bad += 1
            continue
        try:
            job_results(ctx.client.wait_job(job_id, ctx.print_log))
        except GanetiError as exc:  # each failed move is reported and counted, as Ganeti does
            print(f"Job {job_id} failed: {exc.message}", file=ctx.err)
            bad += 1
    if bad:
        ctx.print(f"There were {bad} errors during the evacuation.")
        return 1
    ctx.print("All instances evacuated successfully.")
    return 0


_NAMES = Arg("names", "node names (all when none)", nargs="*", complete=NODE)

register(Group("node", "gnt-node", "Node administration", (
    Command("add", "Add a node whose agent is waiting to join", add, submits_job=True,
            options=(
                Option(("--address",), "where the node's agent listens", metavar="HOST[:PORT]"),
                Option(("--join-token-file",), "file with the agent's one-time join token",
                       metavar="FILE", complete=FILE),
                Option(("-s", "--secondary-ip"), "secondary (replication) IP", metavar="IP"),
                Option(("-g", "--node-group"), "node group of the new node", dest="nodegroup",
                       metavar="GROUP", complete=GROUP),
            ),
            args=(Arg("name", "node name"),)),
    Command("list", "List nodes", list_nodes, lists=True, args=(_NAMES,)),
    Command("list-fields", "List the fields of node list", list_fields,
            options=(Option(("--no-headers",), "omit the header row", action="store_true"),
                     Option(("--separator",), "column separator", metavar="SEP")),
            args=(Arg("names", "fields", nargs="*", complete=FIELD),)),
    Command("info", "Show node details", info, options=(INFO_JSON,), args=(_NAMES,), aliases=("show",)),
    Command("remove", "Remove a node from the cluster", remove, submits_job=True,
            args=(Arg("name", "node name", complete=NODE),)),
    Command("evacuate", "Move the primary or secondary instances off a node", evacuate, submits_job=True,
            options=(
                Option(("-f", "--force"), "do not ask for confirmation", action="store_true"),
                Option(("--early-release",), "release locks on the old secondary early", action="store_true"),
                Option(("-I", "--iallocator"), "instance allocator", metavar="NAME"),
                Option(("-n", "--new-secondary"), "new secondary node (secondary instances only)",
                       metavar="NODE", complete=NODE),
                Option(("-p", "--primary-only"), "evacuate primary instances only", action="store_true"),
                Option(("-s", "--secondary-only"), "evacuate secondary instances only", action="store_true"),
                Option(("--ignore-soft-errors",), "let the allocator ignore soft policy errors",
                       action="store_true"),
            ),
            args=(Arg("name", "node name", complete=NODE),)),
)))
