"""gnt-group: add, list, list-fields and assign-nodes."""

from __future__ import annotations

from typing import Any

from shell.cli.context import Context
from shell.cli.fields import (
    FIELDS,
    Field,
    filter_objects,
    is_plain_names,
    print_fields,
    print_list,
    query_filter,
    select,
)
from shell.cli.tree import FIELD, GROUP, NODE, Arg, Command, Group, Option, UsageError, register

ALLOC_POLICIES = ("preferred", "last_resort", "unallocable")


def _params(value: Any) -> str:
    """Group parameters as Ganeti's list shows them: ``key=value, ...`` or ``(empty)``."""
    if not value:
        return "(empty)"
    return ", ".join(f"{k}={v}" for k, v in value.items())


GROUP_FIELDS = [
    Field("name", "Group", "Text", "Group name", lambda o: o.get("name")),
    Field("uuid", "UUID", "Text", "Group UUID", lambda o: o.get("uuid")),
    Field("alloc_policy", "AllocPolicy", "Text", "Allocation policy for group",
          lambda o: o.get("alloc_policy")),
    Field("node_cnt", "Nodes", "Number", "Number of nodes", lambda o: len(o.get("node_list") or [])),
    Field("node_list", "NodeList", "Custom", "List of nodes", lambda o: ",".join(o.get("node_list") or [])),
    Field("pinst_cnt", "Instances", "Number", "Number of primary instances",
          lambda o: len(o.get("pinst_list") or [])),
    Field("pinst_list", "InstanceList", "Custom", "List of primary instances",
          lambda o: ",".join(o.get("pinst_list") or [])),
    Field("ndparams", "NDParams", "Custom", "Node parameters", lambda o: _params(o.get("ndparams"))),
    Field("tags", "Tags", "Custom", "Tags", lambda o: ",".join(o.get("tags") or [])),
    Field("serial_no", "SerialNo", "Number", "Group object serial number, incremented on each modification",
          lambda o: o.get("serial_no")),
]
GROUP_DEFAULT = ["name", "node_cnt", "pinst_cnt", "alloc_policy", "ndparams"]
FIELDS.setdefault("group", (GROUP_FIELDS, GROUP_DEFAULT))


def _with_instances(ctx: Context, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Add each group's primary instances (the instances whose primary node is a member)."""
    members = {name: g["name"] for g in groups for name in g.get("node_list") or []}
    by_group: dict[str, list[str]] = {g["name"]: [] for g in groups}
    for inst in ctx.client.query("instance", []):
        group = members.get(inst.get("pnode"))
        if group is not None:
            by_group[group].append(inst["name"])
    return [{**g, "pinst_list": sorted(by_group[g["name"]])} for g in groups]


def add(ctx: Context) -> int:
    a = ctx.args
    op: dict[str, Any] = {"OP_ID": "OP_GROUP_ADD", "group_name": a.name}
    if a.alloc_policy:
        op["alloc_policy"] = a.alloc_policy
    ctx.submit([op])
    return 0


def assign_nodes(ctx: Context) -> int:
    a = ctx.args
    if not a.nodes:
        raise UsageError(f"{ctx.program} assign-nodes: error: at least one node name is required")
    ctx.submit([{"OP_ID": "OP_GROUP_ASSIGN_NODES", "group_name": a.group, "nodes": list(a.nodes),
                 "force": bool(a.force)}])
    return 0


def list_groups(ctx: Context) -> int:
    a = ctx.args
    names = select("group", a.fields)
    if is_plain_names(a.names, a.force_filter):
        groups = _with_instances(ctx, ctx.client.query("group", a.names))
    else:
        compiled = query_filter("group", a.names, a.force_filter)
        groups = filter_objects("group", compiled, _with_instances(ctx, ctx.client.query("group", [])))
    return print_list("group", groups, names, headers=not a.no_headers, separator=a.separator,
                      units=getattr(a, "units", None), verbose=bool(a.verbose), as_json=a.as_json,
                      out=ctx.out, err=ctx.err)


def list_fields(ctx: Context) -> int:
    return print_fields("group", ctx.args.names, not ctx.args.no_headers, ctx.args.separator, ctx.out)


register(Group("group", "gnt-group", "Node group administration", (
    Command("add", "Add a node group", add, submits_job=True,
            options=(Option(("--alloc-policy",), "allocation policy of the group",
                            choices=ALLOC_POLICIES, metavar="POLICY"),),
            args=(Arg("name", "group name"),)),
    Command("assign-nodes", "Move nodes into a node group", assign_nodes, submits_job=True,
            options=(Option(("--force",), "split mirrored instances across groups if needed",
                            action="store_true"),),
            args=(Arg("group", "group name", complete=GROUP),
                  Arg("nodes", "node names", nargs="*", complete=NODE))),
    Command("list", "List node groups", list_groups, lists=True,
            args=(Arg("names", "group names (all when none)", nargs="*", complete=GROUP),)),
    Command("list-fields", "List the fields of group list", list_fields,
            options=(Option(("--no-headers",), "omit the header row", action="store_true"),
                     Option(("--separator",), "column separator", metavar="SEP")),
            args=(Arg("names", "fields", nargs="*", complete=FIELD),)),
)))
