"""Query fields of the list commands: name, title, type and how to read each from an object."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from shell.cli.format import format_unit, table, to_json

EXIT_UNKNOWN_FIELD = 14


@dataclass(frozen=True)
class Field:
    name: str
    title: str
    kind: str  # Text, Number, Boolean, Custom, Unit (a size in MiB)
    doc: str
    get: Callable[[dict[str, Any]], Any]


def _f(name: str, title: str, kind: str, doc: str, get: Callable[[dict[str, Any]], Any] | None = None) -> Field:
    if get is None:
        def get(o: dict[str, Any]) -> Any:
            return o.get(name)
    return Field(name, title, kind, doc, get)


def _live(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda o: (o.get("live") or {}).get(key)


NODE_FIELDS = [
    _f("name", "Node", "Text", "Node name"),
    _f("dtotal", "DTotal", "Unit", "Total disk space in volume group", _live("dtotal")),
    _f("dfree", "DFree", "Unit", "Available disk space in volume group", _live("dfree")),
    _f("mtotal", "MTotal", "Unit", "Total amount of memory of physical machine", _live("mtotal")),
    _f("mnode", "MNode", "Unit", "Amount of memory used by node", _live("mnode")),
    _f("mfree", "MFree", "Unit", "Memory available for instance allocations", _live("mfree")),
    _f("pinst_cnt", "Pinst", "Number", "Number of instances with this node as primary",
       lambda o: len(o.get("pinst_list", []))),
    _f("sinst_cnt", "Sinst", "Number", "Number of instances with this node as secondary",
       lambda o: len(o.get("sinst_list", []))),
    _f("pinst_list", "PriInstances", "Custom", "List of instances with this node as primary"),
    _f("sinst_list", "SecInstances", "Custom", "List of instances with this node as secondary"),
    _f("ctotal", "CTotal", "Number", "Number of logical processors", _live("ctotal")),
    _f("role", "Role", "Text", "Node role"),
    _f("offline", "Offline", "Boolean", "Whether node is marked offline"),
    _f("drained", "Drained", "Boolean", "Whether node is drained"),
    _f("master_candidate", "MasterC", "Boolean", "Whether node is a master candidate"),
    _f("master_capable", "MasterCapable", "Boolean", "Whether node can become a master candidate"),
    _f("vm_capable", "VMCapable", "Boolean", "Whether node can host instances"),
    _f("group", "Group", "Text", "Node group", lambda o: o.get("group_name")),
    _f("group.uuid", "GroupUUID", "Text", "UUID of node group", lambda o: o.get("group")),
    _f("pip", "PrimaryIP", "Text", "Primary IP address", lambda o: o.get("primary_ip")),
    _f("sip", "SecondaryIP", "Text", "Secondary IP address", lambda o: o.get("secondary_ip")),
    _f("tags", "Tags", "Custom", "Tags"),
    _f("uuid", "UUID", "Text", "Node UUID"),
    _f("serial_no", "SerialNo", "Number", "Serial number"),
    _f("ctime", "CTime", "Number", "Creation timestamp"),
    _f("mtime", "MTime", "Number", "Modification timestamp"),
]
NODE_DEFAULT = ["name", "dtotal", "dfree", "mtotal", "mnode", "mfree", "pinst_cnt", "sinst_cnt"]


def _be(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda o: (o.get("be_filled") or {}).get(key)


INSTANCE_FIELDS = [
    _f("name", "Instance", "Text", "Instance name"),
    _f("hypervisor", "Hypervisor", "Text", "Hypervisor name"),
    _f("os", "OS", "Text", "Operating system"),
    _f("pnode", "Primary_node", "Text", "Primary node"),
    _f("status", "Status", "Text", "Instance status"),
    _f("oper_ram", "Memory", "Unit", "Actual memory usage as seen by hypervisor"),
    _f("oper_state", "Running", "Boolean", "Actual state of instance"),
    _f("oper_vcpus", "VCPUs", "Number", "Actual number of VCPUs as seen by hypervisor"),
    _f("uuid", "UUID", "Text", "Instance UUID"),
    _f("snodes", "Secondary_Nodes", "Custom", "Secondary nodes"),
    _f("admin_state", "InstanceState", "Text", "Desired state of instance"),
    _f("admin_up", "Autostart", "Boolean", "Desired state of instance",
       lambda o: o.get("admin_state") == "up"),
    _f("disks_active", "DisksActive", "Boolean", "Desired state of instance disks"),
    _f("disk_template", "Disk_template", "Text", "Instance disk template"),
    _f("disk_usage", "DiskUsage", "Unit", "Total disk space used by instance on each of its nodes",
       lambda o: sum(o.get("disk_sizes", []))),
    _f("disk.count", "Disks", "Number", "Number of disks", lambda o: len(o.get("disk_sizes", []))),
    _f("disk.sizes", "Disk_sizes", "Custom", "List of disk sizes", lambda o: o.get("disk_sizes", [])),
    _f("nic.count", "NICs", "Number", "Number of network interfaces", lambda o: len(o.get("nics", []))),
    _f("nic.macs", "NIC_MACs", "Custom", "List containing each network interface's MAC address",
       lambda o: [n.get("mac") for n in o.get("nics", [])]),
    _f("nic.ips", "NIC_IPs", "Custom", "List containing each network interface's IP address",
       lambda o: [n.get("ip") for n in o.get("nics", [])]),
    _f("be/maxmem", "ConfigMaxMem", "Unit", "The maximum memory size", _be("maxmem")),
    _f("be/minmem", "ConfigMinMem", "Unit", "The minimum memory size", _be("minmem")),
    _f("be/vcpus", "ConfigVCPUs", "Number", "The number of virtual CPUs", _be("vcpus")),
    _f("be/auto_balance", "ConfigAutoBalance", "Boolean", "Whether the instance is balanced", _be("auto_balance")),
    _f("network_port", "Network_port", "Number", "Instance network port if available"),
    _f("tags", "Tags", "Custom", "Tags"),
    _f("forthcoming", "Forthcoming", "Boolean", "Whether the instance is forthcoming",
       lambda o: bool(o.get("forthcoming"))),
    _f("serial_no", "SerialNo", "Number", "Serial number"),
    _f("ctime", "CTime", "Number", "Creation timestamp"),
    _f("mtime", "MTime", "Number", "Modification timestamp"),
]
INSTANCE_DEFAULT = ["name", "hypervisor", "os", "pnode", "status", "oper_ram"]

JOB_FIELDS = [
    _f("id", "ID", "Number", "Job ID"),
    _f("status", "Status", "Text", "Job status"),
    _f("priority", "Priority", "Number", "Current job priority (19 to -20)"),
    _f("archived", "Archived", "Boolean", "Whether job is archived"),
    _f("ops", "OpCodes", "Custom", "List of all opcodes"),
    _f("opresult", "OpCode_result", "Custom", "List of opcodes results"),
    _f("opstatus", "OpCode_status", "Custom", "List of opcodes status"),
    _f("oplog", "OpCode_log", "Custom", "List of opcode output logs"),
    _f("opstart", "OpCode_start", "Custom", "List of opcode start timestamps (before acquiring locks)"),
    _f("opexec", "OpCode_exec", "Custom", "List of opcode execution start timestamps (after acquiring locks)"),
    _f("opend", "OpCode_end", "Custom", "List of opcode execution end timestamps"),
    _f("oppriority", "OpCode_prio", "Custom", "List of opcode priorities"),
    _f("summary", "Summary", "Custom", "List of per-opcode summaries"),
    _f("received_ts", "Received", "Custom", "Timestamp of when job was received (tuple containing seconds and microseconds)"),
    _f("start_ts", "Start", "Custom", "Timestamp of job start (tuple containing seconds and microseconds)"),
    _f("end_ts", "End", "Custom", "Timestamp of job end (tuple containing seconds and microseconds)"),
]
JOB_DEFAULT = ["id", "status", "summary"]

FIELDS: dict[str, tuple[list[Field], list[str]]] = {
    "node": (NODE_FIELDS, NODE_DEFAULT),
    "instance": (INSTANCE_FIELDS, INSTANCE_DEFAULT),
    "job": (JOB_FIELDS, JOB_DEFAULT),
}


def select(kind: str, spec: str | None) -> list[str]:
    """Field names from ``-o``: a list, or ``+a,b`` to extend the defaults."""
    _, default = FIELDS[kind]
    if not spec:
        return list(default)
    if spec.startswith("+"):
        return list(default) + [f for f in spec[1:].split(",") if f]
    return [f for f in spec.split(",") if f]


def needs_live(kind: str, names: list[str]) -> bool:
    live = {"node": {"dtotal", "dfree", "mtotal", "mnode", "mfree", "ctotal"},
            "instance": {"status", "oper_ram", "oper_state", "oper_vcpus"}}
    return bool(live.get(kind, set()) & set(names))


def _cell(field: Field, value: Any, units: str, verbose: bool) -> str:
    if value is None:
        return "(nodata)" if verbose else "?" if field.kind == "Unit" else "-"
    if field.kind == "Unit" and isinstance(value, (int, float)):
        return format_unit(value, units)
    if field.kind == "Boolean":
        return "Y" if value else "N"
    if field.kind == "Custom" and field.name in ("opstart", "opexec", "opend"):
        from shell.cli.format import format_ts

        return str([format_ts(v) if v else "?" for v in value])
    if isinstance(value, list) and field.kind == "Custom" and field.name in ("summary",):
        return ",".join(str(v) for v in value)
    if isinstance(value, list) and field.name in ("tags", "pinst_list", "sinst_list", "snodes", "nic.macs", "nic.ips"):
        return ",".join(str(v) for v in value)
    return str(value)


def print_list(
    kind: str, objects: list[dict[str, Any]], names: list[str], *, headers: bool = True,
    separator: str | None = None, units: str | None = None, verbose: bool = False,
    as_json: bool = False, out: TextIO = sys.stdout, err: TextIO = sys.stderr,
) -> int:
    """Print objects as a Ganeti list table (or JSON rows); return the exit code."""
    fields, _ = FIELDS[kind]
    by_name = {f.name: f for f in fields}
    unknown = [n for n in names if n not in by_name]
    if as_json:
        rows = [{n: (by_name[n].get(o) if n in by_name else None) for n in names} for o in objects]
        print(to_json(rows), file=out)
    else:
        unit = units or ("m" if separator is not None else "h")
        rows_text = [
            [
                _cell(by_name[n], by_name[n].get(o), unit, verbose) if n in by_name
                else ("(unknown)" if verbose else "??")
                for n in names
            ]
            for o in objects
        ]
        titles = [by_name[n].title if n in by_name else n for n in names]
        numeric = [n in by_name and by_name[n].kind in ("Number", "Unit") for n in names]
        for line in table(titles if headers else None, rows_text, numeric, separator):
            print(line, file=out)
    if unknown:
        print(f"Warning: Queried for unknown fields {', '.join(unknown)}", file=err)
        return EXIT_UNKNOWN_FIELD
    return 0


def print_fields(kind: str, wanted: list[str], headers: bool, separator: str | None,
                 out: TextIO = sys.stdout) -> int:
    fields, _ = FIELDS[kind]
    by_name = {f.name: f for f in fields}
    names = wanted or sorted(by_name)
    rows = [[n, by_name[n].kind if by_name[n].kind != "Unit" else "Unit", by_name[n].title, by_name[n].doc]
            if n in by_name else [n, "Unknown", n, "Unknown field"] for n in names]
    for line in table(["Name", "Type", "Title", "Description"] if headers else None, rows,
                      [False] * 4, separator):
        print(line, file=out)
    return EXIT_UNKNOWN_FIELD if any(n not in by_name for n in names) else 0


_KINDS = {"Number": "NUMBER", "Unit": "NUMBER", "Boolean": "BOOL", "Text": "TEXT"}
_TIMESTAMPS = ("received_ts", "start_ts", "end_ts")
_LIST_FIELDS = ("tags", "pinst_list", "sinst_list", "snodes", "nic.macs", "nic.ips", "disk.sizes")


def is_plain_names(args: list[str], force: bool) -> bool:
    """Plain names are looked up on the master (unknown ones are errors); the rest is a filter."""
    from agent import qlang

    return not force and not (len(args) == 1 and qlang.looks_like_filter(args[0])) and not any(
        c in a for a in args for c in "*?"
    )


def query_filter(kind: str, args: list[str], force: bool) -> Any:
    """The compiled filter of a list command's arguments (§6.4), or None for everything."""
    from agent import qlang

    fields, _ = FIELDS[kind]
    expr = qlang.make_list_filter(args, "id" if kind == "job" else "name",
                                  numeric_names=kind == "job", force_filter=force)
    if expr is None:
        return None
    kinds = {}
    for f in fields:
        if f.name == "name":
            kinds[f.name] = qlang.FieldKind.HOSTNAME
        elif f.name in _TIMESTAMPS:
            kinds[f.name] = qlang.FieldKind.TIMESTAMP
        elif f.name in _LIST_FIELDS:
            kinds[f.name] = qlang.FieldKind.LIST
        else:
            kinds[f.name] = getattr(qlang.FieldKind, _KINDS.get(f.kind, "OTHER"))
    return qlang.QueryFilter(expr, kinds)


def filter_objects(kind: str, compiled: Any, objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from agent import qlang

    if compiled is None:
        return objects
    by_name = {f.name: f for f in FIELDS[kind][0]}

    def getter(obj: dict[str, Any]) -> Callable[[str], Any]:
        def get(name: str) -> Any:
            value = by_name[name].get(obj)
            return qlang.UNAVAILABLE if value is None else value

        return get

    return [o for o in objects if compiled.matches(getter(o))]


def filter_needs_live(kind: str, compiled: Any) -> bool:
    return compiled is not None and needs_live(kind, list(compiled.fields))
