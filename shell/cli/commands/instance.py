"""gnt-instance: add, list, list-fields, info, remove, startup, shutdown."""

from __future__ import annotations

from typing import Any

from agent.errors import OpCodeError
from agent.master.opcodes import parse_size
from shell.cli.commands._util import parse_indexed, parse_kv
from shell.cli.commands.instance_move import MOVE_COMMANDS
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
    INFO_JSON,
    INSTANCE,
    NODE,
    Arg,
    Command,
    Group,
    Option,
    UsageError,
    register,
)

EXIT_DECLINED = 1


def _size(text: str, what: str) -> int:
    try:
        return parse_size(text)
    except OpCodeError:
        raise UsageError(f"Invalid {what} '{text}': expected a number with an optional m/g/t unit") from None


def add(ctx: Context) -> int:
    a = ctx.args
    if a.disk and a.size:
        raise UsageError("Please use either the '--disk' or '-s' option")
    disks: list[dict[str, Any]] = []
    if a.size:
        disks = [{"size": _size(a.size, "disk size")}]
    for spec in a.disk or []:
        index, params = parse_indexed(spec, "disk")
        if "size" in params:
            params["size"] = _size(params["size"], "disk size")
        while len(disks) <= index:
            disks.append({})
        disks[index] = params
    nics: list[dict[str, Any]] = [] if a.no_nics else [{}]
    for spec in a.net or []:
        index, params = parse_indexed(spec, "NIC")
        while len(nics) <= index:
            nics.append({})
        nics[index] = params
    beparams = parse_kv(a.backend_parameters, "backend parameters") if a.backend_parameters else {}
    for key in ("memory", "minmem", "maxmem"):
        if key in beparams:
            beparams[key] = _size(str(beparams[key]), f"{key} value")
    if "vcpus" in beparams:
        try:
            beparams["vcpus"] = int(beparams["vcpus"])
        except ValueError:
            raise UsageError(f"Invalid vcpus value '{beparams['vcpus']}'") from None
    op: dict[str, Any] = {
        "OP_ID": "OP_INSTANCE_CREATE",
        "instance_name": a.name,
        "mode": "create",
        "disks": disks,
        "nics": nics,
        "beparams": beparams,
        "start": not a.no_start,
        "name_check": not a.no_name_check,
        "ip_check": not a.no_ip_check and not a.no_name_check,
        "wait_for_sync": not a.no_wait_for_sync,
        "tags": [t for t in (a.tags or "").split(",") if t],
    }
    if a.no_install:
        op["no_install"] = True
    if a.disk_template:
        op["disk_template"] = a.disk_template
    if a.os_type:
        op["os_type"] = a.os_type
    if a.hypervisor:
        op["hypervisor"] = a.hypervisor
    if a.node:
        pnode, _, snode = a.node.partition(":")
        op["pnode"] = pnode
        if snode:
            op["snode"] = snode
    if a.iallocator:
        op["iallocator"] = a.iallocator
    if a.nodegroup:
        op["group_name"] = a.nodegroup
    ctx.submit([op])
    return 0


def list_instances(ctx: Context) -> int:
    a = ctx.args
    names = select("instance", a.fields)
    if is_plain_names(a.names, a.force_filter):
        instances = ctx.client.query("instance", a.names, live=needs_live("instance", names))
    else:
        compiled = query_filter("instance", a.names, a.force_filter)
        live = needs_live("instance", names) or filter_needs_live("instance", compiled)
        instances = filter_objects("instance", compiled, ctx.client.query("instance", [], live=live))
    return print_list("instance", instances, names, headers=not a.no_headers, separator=a.separator,
                      units=a.units, verbose=bool(a.verbose), as_json=a.as_json, out=ctx.out, err=ctx.err)


def list_fields(ctx: Context) -> int:
    return print_fields("instance", ctx.args.names, not ctx.args.no_headers, ctx.args.separator, ctx.out)


def info(ctx: Context) -> int:
    instances = ctx.client.query("instance", ctx.args.names, live=not ctx.args.static)
    if ctx.args.as_json:
        ctx.print(to_json(instances))
        return 0
    for inst in instances:
        actual = ("running" if inst.get("oper_state") else "down") if "oper_state" in inst else "(static)"
        shown = {
            "Instance name": inst["name"],
            "UUID": inst["uuid"],
            "Serial number": inst["serial_no"],
            "Creation time": inst["ctime"],
            "Modification time": inst["mtime"],
            "State": f"configured to be {inst['admin_state']}, actual state is {actual}",
            "Nodes": {"primary": inst["pnode"], "secondaries": inst["snodes"]},
            "Operating system": inst["os"],
            "Operating system parameters": inst.get("osparams") or {},
            "Allocated network port": inst.get("network_port"),
            "Hypervisor": inst["hypervisor"],
            "Hypervisor parameters": inst.get("hvparams") or {},
            "Back-end parameters": inst["be_filled"],
            "NICs": [
                {f"nic/{i}": "", "MAC": n["mac"], "IP": n.get("ip"), "mode": n["nicparams"]["mode"],
                 "link": n["nicparams"]["link"]}
                for i, n in enumerate(inst.get("nics", []))
            ],
            "Disk template": inst.get("disk_template"),
            "Disks": [_disk_info(i, d, inst) for i, d in enumerate(inst.get("disk_objects", []))],
        }
        lines = info_tree(shown)
        ctx.print("- " + lines[0])
        for line in lines[1:]:
            ctx.print("  " + line)
    return 0


def _disk_info(index: int, disk: dict[str, Any], inst: dict[str, Any]) -> dict[str, Any]:
    shown: dict[str, Any] = {f"disk/{index}": disk["dev_type"], "size": f"{disk['size']}M",
                             "mode": disk.get("mode", "rw")}
    lid = disk.get("logical_id") or ["", ""]
    if disk["dev_type"] == "drbd" and len(lid) == 6:
        minors = {lid[0]: lid[3], lid[1]: lid[4]}
        primary = inst.get("primary_node")
        secondary = next((n for n in minors if n != primary), None)
        shown["port"] = lid[2]
        shown["auth key"] = None
        shown["on primary"] = f"/dev/drbd{minors.get(primary, '?')} ({inst['pnode']})"
        shown["on secondary"] = f"/dev/drbd{minors.get(secondary, '?')} ({', '.join(inst['snodes'])})"
    else:
        shown["on primary"] = lid[1]
    return shown


def remove(ctx: Context) -> int:
    a = ctx.args
    question = (
        f"This will remove the volumes of the instance {a.name} (including mirrors), thus "
        "removing all the data of the instance. Continue?"
    )
    if not ctx.confirm(question):
        return EXIT_DECLINED
    ctx.submit([{
        "OP_ID": "OP_INSTANCE_REMOVE", "instance_name": a.name,
        "ignore_failures": a.ignore_failures, "shutdown_timeout": a.shutdown_timeout,
    }])
    return 0


def _for_each(ctx: Context, op: dict[str, Any]) -> int:
    names = ctx.args.names
    if len(names) > 1 and not ctx.args.force_multiple:
        raise UsageError("More than one instance given: use --force-multiple to confirm")
    for name in names:
        ctx.submit([{**op, "instance_name": name}])
    return 0


def startup(ctx: Context) -> int:
    a = ctx.args
    op: dict[str, Any] = {
        "OP_ID": "OP_INSTANCE_STARTUP", "force": a.force, "ignore_offline_nodes": a.ignore_offline,
        "no_remember": a.no_remember, "startup_paused": a.paused,
    }
    if a.backend_parameters:
        op["beparams"] = parse_kv(a.backend_parameters, "backend parameters")
    return _for_each(ctx, op)


def shutdown(ctx: Context) -> int:
    a = ctx.args
    return _for_each(ctx, {
        "OP_ID": "OP_INSTANCE_SHUTDOWN", "force": a.force, "ignore_offline_nodes": a.ignore_offline,
        "no_remember": a.no_remember, "timeout": a.timeout,
    })


_ONE = Arg("name", "instance name", complete=INSTANCE)
_MANY = Arg("names", "instance names", nargs="+", complete=INSTANCE)
_FORCE = Option(("-f", "--force"), "do not ask for confirmation", action="store_true")
_MULTI = Option(("--force-multiple",), "operate on several instances without asking", action="store_true")
_OFFLINE = Option(("--ignore-offline",), "ignore an offline primary node", action="store_true")
_NO_REMEMBER = Option(("--no-remember",), "do not record the new state in the configuration", action="store_true")

register(Group("instance", "gnt-instance", "Instance administration", (
    Command("add", "Create an instance", add, submits_job=True,
            options=(
                Option(("-t", "--disk-template"), "disk template", metavar="TEMPLATE",
                       choices=("diskless", "file", "sharedfile", "plain", "blockdev", "drbd", "rbd", "ext", "gluster")),
                Option(("-s", "--os-size"), "size of the single disk", dest="size", metavar="SIZE"),
                Option(("--disk",), "disk N: size=SIZE[,mode=ro|rw,name=NAME]", action="append", metavar="N:PARAMS"),
                Option(("--net",), "NIC N: mac=,ip=,mode=,link=,name=", action="append", metavar="N:PARAMS"),
                Option(("--no-nics",), "create the instance without NICs", action="store_true"),
                Option(("-B", "--backend-parameters"), "backend parameters (memory=512,vcpus=2)", metavar="PARAMS"),
                Option(("-H", "--hypervisor"), "hypervisor", metavar="HV"),
                Option(("-n", "--node"), "primary node[:secondary node]", metavar="NODE[:NODE]", complete=NODE),
                Option(("-I", "--iallocator"), "instance allocator", metavar="NAME"),
                Option(("-g", "--node-group"), "node group the allocator places the instance in",
                       dest="nodegroup", metavar="GROUP"),
                Option(("-o", "--os-type"), "operating system", metavar="OS"),
                Option(("--no-start",), "do not start the instance", action="store_true"),
                Option(("--no-install",), "do not install the OS", action="store_true"),
                Option(("--no-wait-for-sync",), "do not wait for the disks to sync", action="store_true"),
                Option(("--no-name-check",), "do not check the name", action="store_true"),
                Option(("--no-ip-check",), "do not check the IP address", action="store_true"),
                Option(("--tags",), "comma-separated tags", metavar="TAGS"),
            ),
            args=(Arg("name", "instance name"),)),
    Command("list", "List instances", list_instances, lists=True,
            args=(Arg("names", "instance names (all when none)", nargs="*", complete=INSTANCE),)),
    Command("list-fields", "List the fields of instance list", list_fields,
            options=(Option(("--no-headers",), "omit the header row", action="store_true"),
                     Option(("--separator",), "column separator", metavar="SEP")),
            args=(Arg("names", "fields", nargs="*", complete=FIELD),)),
    Command("info", "Show instance details", info, aliases=("show",),
            options=(INFO_JSON, Option(("-s", "--static"), "do not ask the nodes", action="store_true")),
            args=(Arg("names", "instance names (all when none)", nargs="*", complete=INSTANCE),)),
    Command("remove", "Remove an instance and its disks", remove, submits_job=True,
            options=(_FORCE,
                     Option(("--ignore-failures",), "remove from the configuration even if the nodes fail",
                            action="store_true"),
                     Option(("--shutdown-timeout",), "seconds to wait for the shutdown", type=int,
                            default=120, metavar="N")),
            args=(_ONE,)),
    Command("startup", "Start instances", startup, submits_job=True, aliases=("start",),
            options=(_FORCE, _MULTI, _OFFLINE, _NO_REMEMBER,
                     Option(("--paused",), "start paused", action="store_true"),
                     Option(("-B", "--backend-parameters"), "temporary backend parameters", metavar="PARAMS")),
            args=(_MANY,)),
    Command("shutdown", "Stop instances", shutdown, submits_job=True, aliases=("stop",),
            options=(_FORCE, _MULTI, _OFFLINE, _NO_REMEMBER,
                     Option(("--timeout",), "seconds to wait before killing", type=int, default=120,
                            metavar="N")),
            args=(_MANY,)),
    *MOVE_COMMANDS,
)))
