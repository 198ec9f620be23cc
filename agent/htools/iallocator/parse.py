"""Reading an IAllocator request document into the cluster model (Ganeti `IAlloc.parseData`).

Key order in the JSON text gives the indices of groups, nodes and instances.
Every problem raises `RequestError` with a one-line message naming the
object and the field; the loading pipeline of `loader.py` then runs as for
any other backend.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any, TypeVar

from ..cluster import ClusterData
from ..evacuate import EvacMode
from ..group import Group
from ..instance import NO_NODE, Disk, Instance
from ..loader import LoadOptions, merge_data, paused_gc, update_missing
from ..node import Node
from ..tags import desired_location_prefixes, exclusion_prefixes
from ..types import AllocPolicy, DiskTemplate, InstanceStatus, IPolicy, ISpec, MinMaxISpecs
from .request import (
    Allocate,
    AllocateSecondary,
    ChangeGroup,
    MultiAllocate,
    NewInstance,
    NodeEvacuate,
    Relocate,
    Request,
    RequestBody,
    RequestError,
)

T = TypeVar("T")
Obj = dict[str, Any]
_MISSING = object()
_NIC_MODES = ("bridged", "routed", "openvswitch")
_ADMIN_STATES = {"up": InstanceStatus.RUNNING, "down": InstanceStatus.ADMIN_DOWN,
                 "offline": InstanceStatus.ADMIN_OFFLINE}
_ISPEC_KEYS = ("memory-size", "cpu-count", "disk-size", "disk-count", "nic-count", "spindle-use")
_IPOLICY_KEYS = ("minmax", "std", "disk-templates", "vcpu-ratio", "spindle-ratio")


# -- typed field access ---------------------------------------------------------

def _kind(val: Any) -> str:
    return {dict: "object", list: "array", str: "string", bool: "boolean"}.get(
        type(val), "null" if val is None else "number")


def _int(val: Any) -> int:
    if isinstance(val, bool) or not isinstance(val, int | float):
        raise ValueError(f"expected an integer, got {_kind(val)}")
    if isinstance(val, float) and (not math.isfinite(val) or val != int(val)):
        raise ValueError(f"expected an integer, got {val!r}")
    return int(val)


def _float(val: Any) -> float:
    if isinstance(val, bool) or not isinstance(val, int | float):
        raise ValueError(f"expected a number, got {_kind(val)}")
    return float(val)


def _bool(val: Any) -> bool:
    if not isinstance(val, bool):
        raise ValueError(f"expected a boolean, got {_kind(val)}")
    return val


def _str(val: Any) -> str:
    if not isinstance(val, str):
        raise ValueError(f"expected a string, got {_kind(val)}")
    return val


def _obj(val: Any) -> Obj:
    if not isinstance(val, dict):
        raise ValueError(f"expected an object, got {_kind(val)}")
    return val


def _strs(val: Any) -> list[str]:
    if not isinstance(val, list):
        raise ValueError(f"expected an array, got {_kind(val)}")
    return [_str(v) for v in val]


def _objs(val: Any) -> list[Obj]:
    if not isinstance(val, list):
        raise ValueError(f"expected an array, got {_kind(val)}")
    return [_obj(v) for v in val]


def _nonneg(conv: Callable[[Any], T]) -> Callable[[Any], T]:
    def check(val: Any) -> T:
        out = conv(val)
        if out < 0:  # type: ignore[operator]
            raise ValueError(f"must not be negative, got {val}")
        return out
    return check


_uint = _nonneg(_int)
_ufloat = _nonneg(_float)


def _get(obj: Obj, key: str, what: str, conv: Callable[[Any], T],
         default: Any = _MISSING) -> T:
    """`obj[key]` converted; missing (or null, when a default exists) gives the default."""
    val = obj.get(key, _MISSING)
    if val is _MISSING or (val is None and default is not _MISSING):
        if default is _MISSING:
            raise RequestError(f"{what}: missing key '{key}'")
        return default  # type: ignore[no-any-return]
    try:
        return conv(val)
    except ValueError as err:
        raise RequestError(f"{what}: key '{key}': {err}") from None


# -- objects ----------------------------------------------------------------------

def _ispec(val: Any) -> ISpec:
    spec = _obj(val)
    extra = sorted(set(spec) - set(_ISPEC_KEYS))
    if extra:
        raise ValueError(f"unknown ispec key(s) {', '.join(extra)}")
    missing = [k for k in _ISPEC_KEYS if k not in spec]
    if missing:
        raise ValueError(f"ispec lacks {', '.join(missing)}")
    return ISpec(*(_uint(spec[k]) for k in _ISPEC_KEYS))


def _minmax(val: Any) -> tuple[MinMaxISpecs, ...]:
    out = []
    for rng in _objs(val):
        if set(rng) != {"min", "max"}:
            raise ValueError("each minmax entry needs exactly the keys min and max")
        out.append(MinMaxISpecs(_ispec(rng["min"]), _ispec(rng["max"])))
    return tuple(out)


def _template(val: Any) -> DiskTemplate:
    try:
        return DiskTemplate(_str(val))
    except ValueError:
        raise ValueError(f"invalid disk template {val!r}") from None


def _ipolicy(val: Any) -> IPolicy:
    pol = _obj(val)
    extra = sorted(set(pol) - set(_IPOLICY_KEYS))
    if extra:
        raise ValueError(f"Superfluous dictionary keys: {', '.join(extra)}")
    missing = [k for k in _IPOLICY_KEYS if k not in pol]
    if missing:
        raise ValueError(f"missing key(s) {', '.join(missing)}")
    dts = pol["disk-templates"]
    if not isinstance(dts, list):
        raise ValueError("disk-templates must be an array")
    return IPolicy(_minmax(pol["minmax"]), _ispec(pol["std"]),
                   tuple(_template(t) for t in dts), _float(pol["vcpu-ratio"]),
                   _float(pol["spindle-ratio"]))


def _alloc_policy(val: Any) -> AllocPolicy:
    return AllocPolicy.from_raw(_str(val))


def parse_group(uuid: str, obj: Obj) -> Group:
    """A node group (key: its UUID)."""
    what = f"invalid data for group '{uuid}'"
    return Group(_get(obj, "name", what, _str), uuid, _get(obj, "alloc_policy", what, _alloc_policy),
                 _get(obj, "networks", what, _strs), _get(obj, "ipolicy", what, _ipolicy),
                 _get(obj, "tags", what, _strs))


def parse_node(name: str, obj: Obj, groups: dict[str, int], hypervisor: str | None) -> Node:
    """A node; only live nodes (online and vm-capable) have their sizes read."""
    what = f"invalid data for node '{name}'"
    offline = _get(obj, "offline", what, _bool)
    drained = _get(obj, "drained", what, _bool)
    guuid = _get(obj, "group", what, _str)
    vm_capable = _get(obj, "vm_capable", what, _bool, True)
    if guuid not in groups:
        raise RequestError(f"Unknown group '{guuid}' for node {name}")
    ndp = _get(obj, "ndparams", what, _obj)
    tags = _get(obj, "tags", what, _strs, [])
    excl = _get(ndp, "exclusive_storage", what + ": ndparams", _bool)
    live = not offline and vm_capable

    def lv(key: str, conv: Callable[[Any], T], default: T) -> T:
        return _get(obj, key, what, conv) if live else default

    if excl:
        sp_total = lv("total_spindles", _uint, 0)
    else:
        sp_total = _get(ndp, "spindle_count", what + ": ndparams", _uint)
    node = Node(
        name,
        t_mem=lv("total_memory", _ufloat, 0.0),
        n_mem=lv("reserved_memory", _uint, 0),
        f_mem=lv("free_memory", _int, 0),
        t_dsk=lv("total_disk", _ufloat, 0.0),
        f_dsk=lv("free_disk", _int, 0),
        t_cpu=lv("total_cpus", _ufloat, 0.0),
        offline=not live or drained,
        group=groups[guuid],
        t_spindles=sp_total,
        f_spindles=lv("free_spindles", _int, 0),
        n_cpu=lv("reserved_cpus", _uint, 0),
        excl_storage=excl,
        tags=tags,
    )
    node.hypervisor = hypervisor
    return node


def _networks(name: str, obj: Obj, what: str) -> tuple[str, ...]:
    nets = []
    for nic in _get(obj, "nics", what, _objs):
        mode = nic.get("mode")
        if mode is not None and mode not in _NIC_MODES:
            raise RequestError(f"invalid NIC mode in instance {name}")
        for key in ("mac", "ip", "link", "bridge", "network"):
            if nic.get(key) is not None and not isinstance(nic[key], str):
                raise RequestError(f"{what}: NIC key '{key}' must be a string")
        if nic.get("network") is not None:
            nets.append(nic["network"])
    return tuple(nets)


def _admin_status(val: Any) -> InstanceStatus:
    # as Ganeti: a missing or unreadable admin state means "up"
    return _ADMIN_STATES.get(val, InstanceStatus.RUNNING) if isinstance(val, str) \
        else InstanceStatus.RUNNING


class _Unusual(Exception):
    """A field the fast reader does not take as is; the checking reader decides."""


_TEMPLATES = {t.value: t for t in DiskTemplate}
_NIC_STR_KEYS = ("mac", "ip", "link", "bridge", "network")


def _fast_base_instance(name: str, obj: Obj) -> tuple[Instance, tuple[str, ...]]:
    """`parse_base_instance` for well-formed input (plain ints, strings, lists)."""
    dsk, mem, vcpus, su = (obj["disk_space_total"], obj["memory"], obj["vcpus"],
                           obj["spindle_use"])
    if (type(dsk) is not int or type(mem) is not int or type(vcpus) is not int
            or type(su) is not int or dsk < 0 or mem < 0 or vcpus < 0 or su < 0):
        raise _Unusual
    disks = []
    raw_disks = obj["disks"]
    if type(raw_disks) is not list:
        raise _Unusual
    for d in raw_disks:
        size = d["size"]
        sp = d.get("spindles")
        if type(size) is not int or size < 0 or (sp is not None and (type(sp) is not int
                                                                    or sp < 0)):
            raise _Unusual
        disks.append(Disk(size, sp))
    tags = obj["tags"]
    if type(tags) is not list or any(type(t) is not str for t in tags):
        raise _Unusual
    tmpl = _TEMPLATES.get(obj["disk_template"])  # type: ignore[arg-type]
    nics = obj["nics"]
    if tmpl is None or type(nics) is not list:
        raise _Unusual
    nets = []
    for nic in nics:
        if type(nic) is not dict or nic.get("mode") not in (None, *_NIC_MODES):
            raise _Unusual
        for key in _NIC_STR_KEYS:
            val = nic.get(key)
            if val is not None and type(val) is not str:
                raise _Unusual
        if nic.get("network") is not None:
            nets.append(nic["network"])
    status = _admin_status(obj.get("admin_state"))
    forth = obj.get("forthcoming", False)
    inst = Instance(name, mem, dsk, vcpus, status, NO_NODE, NO_NODE, tmpl, tags, True, su,
                    disks, forth if type(forth) is bool else False, nics=len(nics),
                    movable=tmpl.movable)
    return inst, tuple(nets)


def parse_base_instance(name: str, obj: Obj) -> tuple[Instance, tuple[str, ...]]:
    """The fields shared by existing instances and new ones (Ganeti `parseBaseInstance`)."""
    try:
        return _fast_base_instance(name, obj)
    except (_Unusual, KeyError, TypeError):
        return _checked_base_instance(name, obj)


def _checked_base_instance(name: str, obj: Obj) -> tuple[Instance, tuple[str, ...]]:
    what = f"invalid data for instance '{name}'"
    dsk = _get(obj, "disk_space_total", what, _uint)
    disks = []
    for d in _get(obj, "disks", what, _objs):
        size = _get(d, "size", what + ": disk", _uint)
        disks.append(Disk(size, _get(d, "spindles", what + ": disk", _uint, None)))
    mem = _get(obj, "memory", what, _uint)
    vcpus = _get(obj, "vcpus", what, _uint)
    tags = _get(obj, "tags", what, _strs)
    tmpl = _get(obj, "disk_template", what, _template)
    su = _get(obj, "spindle_use", what, _uint)
    nets = _networks(name, obj, what)
    # as Ganeti: an unreadable forthcoming flag is false
    status = _admin_status(obj.get("admin_state"))
    forth = obj.get("forthcoming", False)
    forth = forth if isinstance(forth, bool) else False
    inst = Instance(name, mem, dsk, vcpus, status, NO_NODE, NO_NODE, tmpl, tags,
                    True, su, disks, forth, nics=len(obj["nics"]), movable=tmpl.movable)
    return inst, nets


def parse_instance(name: str, obj: Obj, nodes: dict[str, int]) -> tuple[Instance, tuple[str, ...]]:
    """An existing instance with its nodes (primary first)."""
    inst, nets = parse_base_instance(name, obj)
    names = obj.get("nodes")
    if type(names) is not list or any(type(n) is not str for n in names):
        names = _get(obj, "nodes", f"invalid data for instance '{name}'", _strs)
    if not names:
        raise RequestError(f"empty node list for instance {name}")
    for node in names[:2]:
        if node not in nodes:
            raise RequestError(f"Unknown node '{node}' for instance {name}")
    inst.pnode = nodes[names[0]]
    inst.snode = nodes[names[1]] if len(names) > 1 else NO_NODE
    if inst.disk_template is DiskTemplate.DRBD:
        if inst.snode == NO_NODE:
            raise RequestError(f"instance {name}: drbd instance without a secondary node")
        if inst.snode == inst.pnode:
            raise RequestError(f"instance {name}: same primary and secondary node {names[0]}")
    return inst, nets


def _members(top: Obj, key: str) -> list[tuple[str, Obj]]:
    section = _get(top, key, "invalid iallocator message", _obj)
    out = []
    for name, val in section.items():
        if not isinstance(val, dict):
            raise RequestError(f"invalid iallocator message: {key}: '{name}' is not an object")
        out.append((name, val))
    return out


def _check_groups(data: ClusterData) -> None:
    """Reject instances whose nodes lie in different node groups."""
    for inst in data.instances:
        if inst.disk_template is not DiskTemplate.DRBD or inst.snode == NO_NODE:
            continue
        pg = data.nodes[inst.pnode].group
        sg = data.nodes[inst.snode].group
        if pg != sg:
            raise RequestError(
                f"instance {inst.name} is in two node groups: primary "
                f"{data.nodes[inst.pnode].name} in {data.groups[pg].name}, secondary "
                f"{data.nodes[inst.snode].name} in {data.groups[sg].name}")


def load_cluster_part(top: Obj, opts: LoadOptions) -> tuple[ClusterData, dict[int, tuple[str, ...]],
                                                             list[str]]:
    """Groups, nodes, instances and tags of the document, through the loading pipeline."""
    groups = []
    for i, (uuid, obj) in enumerate(_members(top, "nodegroups")):
        grp = parse_group(uuid, obj)
        grp.idx = i
        groups.append(grp)
    gmap = {g.uuid: g.idx for g in groups}
    hvs = _get(top, "enabled_hypervisors", "invalid iallocator message", _strs)
    nodes = []
    for i, (name, obj) in enumerate(_members(top, "nodes")):
        node = parse_node(name, obj, gmap, hvs[0] if hvs else None)
        node.idx = i
        nodes.append(node)
    nmap = {n.name: n.idx for n in nodes}
    insts = []
    networks = {}
    for i, (name, obj) in enumerate(_members(top, "instances")):
        inst, nets = parse_instance(name, obj, nmap)
        inst.idx = i
        insts.append(inst)
        networks[i] = nets
    ctags = _get(top, "cluster_tags", "invalid iallocator message", _strs)
    data = ClusterData(groups, nodes, insts, ctags)
    _check_groups(data)
    merge_data(data, LoadOptions(ignore_dynu=opts.ignore_dynu))
    warnings = update_missing(data, opts.static_kvm_node_memory)
    return data, networks, warnings


# -- the request part ----------------------------------------------------------------

def _new_instance(req: Obj, ctags: list[str], group_name: str | None) -> NewInstance:
    what = "invalid request dict"
    name = _get(req, "name", what, _str)
    count = _get(req, "required_nodes", what, _int)
    inst, nets = parse_base_instance(name, req)
    extags = exclusion_prefixes(ctags)
    dsrd = desired_location_prefixes(ctags)
    inst.excl_tags = [t for t in inst.tags if any(t.startswith(p) for p in extags)]
    inst.dsrd_loc_tags = frozenset(t for t in inst.tags if any(t.startswith(p) for p in dsrd))
    return NewInstance(inst, count, group_name, nets)


def _instance_idx(data: ClusterData, name: str) -> int:
    for inst in data.instances:
        if inst.name == name:
            return inst.idx
    raise RequestError(f"Unknown instance '{name}'")


def _find(names: list[tuple[int, list[str]]], key: str) -> int:
    hits = [idx for idx, all_names in names if key in all_names]
    if len(hits) != 1:
        raise RequestError(f"Wrong number of elems found with name {key}")
    return hits[0]


def parse_body(req: Obj, data: ClusterData) -> RequestBody:
    """The `request` object (Ganeti's request types)."""
    what = "invalid request dict"
    kind = _get(req, "type", what, _str)
    node_names = [(n.idx, [n.name]) for n in data.nodes]
    if kind == "allocate":
        group = _get(req, "group_name", what, _str, None)
        rest = _get(req, "restrict-to-nodes", what, _strs, None)
        return Allocate(_new_instance(req, data.cluster_tags, group),
                        None if rest is None else tuple(rest))
    if kind == "multi-allocate":
        group = _get(req, "group_name", what, _str, None)
        items = tuple(_new_instance(r, data.cluster_tags, group)
                      for r in _get(req, "instances", what, _objs))
        return MultiAllocate(items)
    if kind == "relocate":
        idx = _instance_idx(data, _get(req, "name", what, _str))
        count = _get(req, "required_nodes", what, _int)
        rfrom = tuple(_find(node_names, n) for n in _get(req, "relocate_from", what, _strs))
        return Relocate(idx, count, rfrom)
    if kind == "change-group":
        inst_names = [(i.idx, [i.name]) for i in data.instances]
        insts = tuple(_find(inst_names, n) for n in _get(req, "instances", what, _strs))
        grp_names = [(g.idx, [g.name, g.uuid]) for g in data.groups]
        targets = tuple(_find(grp_names, g) for g in _get(req, "target_groups", what, _strs))
        return ChangeGroup(insts, targets)
    if kind == "node-evacuate":
        inst_names = [(i.idx, [i.name]) for i in data.instances]
        insts = tuple(_find(inst_names, n) for n in _get(req, "instances", what, _strs))
        mode_raw = _get(req, "evac_mode", what, _str)
        try:
            mode = EvacMode(mode_raw)
        except ValueError:
            raise RequestError(f"{what}: key 'evac_mode': invalid evacuation mode "
                               f"'{mode_raw}'") from None
        return NodeEvacuate(insts, mode)
    if kind == "allocate-secondary":
        return AllocateSecondary(_instance_idx(data, _get(req, "name", what, _str)))
    raise RequestError(f"Invalid request type '{kind}'")


def parse_request(text: str, opts: LoadOptions | None = None) -> Request:
    """Parse a whole request document; raises `RequestError`."""
    opts = opts or LoadOptions()
    with paused_gc():
        try:
            top = json.loads(text)
        except (ValueError, RecursionError) as err:
            raise RequestError(f"Parsing input IAllocator message: {err}") from None
        if not isinstance(top, dict):
            raise RequestError("Parsing input IAllocator message: the document is not an object")
        req = _get(top, "request", "invalid iallocator message", _obj)
        data, networks, warnings = load_cluster_part(top, opts)
    body = parse_body(req, data)
    return Request(body, data, networks, warnings)
