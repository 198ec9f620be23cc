"""Ganeti's text backend (`-t FILE`, `.data` files): parser and writer (spec §2).

`parse_text` builds the raw `ClusterData` exactly as Ganeti's backend does
(before the loading pipeline of `loader.py`); `serialize_cluster` writes it
back byte for byte as `hbal -S` does.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

from .cluster import ClusterData
from .errors import LoaderError
from .group import Group
from .haskell_text import ReadFailure, read_double, read_int, show_string, show_strings
from .instance import NO_NODE, Disk, Instance
from .node import Node
from .types import (
    DEFAULT_IPOLICY,
    AllocPolicy,
    DiskTemplate,
    InstanceStatus,
    IPolicy,
    ISpec,
    MinMaxISpecs,
)

T = TypeVar("T")


def sep_split(sep: str, text: str) -> list[str]:
    """Ganeti's `sepSplit`: the empty string has no fields."""
    if text == "":
        return []
    return text.split(sep)


def _split_sections(lines: list[str]) -> list[list[tuple[int, str]]]:
    """Split numbered lines at every empty line (empty input: no sections)."""
    if not lines:
        return []
    sections: list[list[tuple[int, str]]] = [[]]
    for num, line in enumerate(lines, start=1):
        if line == "":
            sections.append([])
        else:
            sections[-1].append((num, line))
    return sections


class _Ctx:
    """Where we are in the file: errors carry Ganeti's sentence, then file, line and field."""

    def __init__(self, path: str, line: int, name: str = "") -> None:
        self.path = path
        self.line = line
        self.name = name
        """Name Ganeti puts before number errors (node or instance name, policy part)."""

    def fail(self, msg: str, fld: str | None = None) -> LoaderError:
        return LoaderError(msg, self.path, self.line, fld)

    def int_(self, text: str, fld: str, name: str | None = None) -> int:
        try:
            return read_int(self.name if name is None else name, text)
        except ReadFailure as err:
            raise self.fail(str(err), fld) from None

    def float_(self, text: str, fld: str, name: str | None = None) -> float:
        try:
            return read_double(self.name if name is None else name, text)
        except ReadFailure as err:
            raise self.fail(str(err), fld) from None


def _invalid_value(type_name: str, text: str) -> str:
    """Ganeti's message for a string that is none of an enumeration's values."""
    return f"Invalid string value for type {type_name}: {show_string(text)}"


def _parse_group(ctx: _Ctx, cols: list[str]) -> Group:
    if len(cols) == 4:
        cols = cols + [""]
    if len(cols) < 5:
        raise ctx.fail(f"Invalid/incomplete group data: '{show_strings(cols)}'")
    name, uuid, apol, tags, nets = cols[:5]
    try:
        policy = AllocPolicy.from_raw(apol)
    except ValueError:
        raise ctx.fail(_invalid_value("AllocPolicy", apol), "alloc_policy") from None
    return Group(name, uuid, policy, sep_split(",", nets), DEFAULT_IPOLICY, sep_split(",", tags))


_NODE_DEFAULTS = ["1", "", "N", "0", "1", "1.0"]


def _parse_node(ctx: _Ctx, cols: list[str], groups: dict[str, int]) -> Node:
    if len(cols) < 9:
        raise ctx.fail(f"Invalid/incomplete node data: '{show_strings(cols)}'")
    if len(cols) < 15:
        cols = cols + _NODE_DEFAULTS[len(cols) - 9 :]
    name, tm, nm, fm, td, fd, tc, fo, gu, spn, tags, excl, fspn, ncpu, speed = cols[:15]
    ctx.name = name
    if gu not in groups:
        raise ctx.fail(f"Unknown group '{gu}' for node {name}", "group")
    gdx = groups[gu]
    if "?" in (tm, nm, fm, td, fd, tc):
        node = Node(name, 0.0, 0, 0, 0.0, 0, 0.0, offline=True, group=gdx, t_spindles=0,
                    f_spindles=0, n_cpu=0)
        return node
    # Ganeti's order of evaluation decides which error a line with several gets
    t_mem = ctx.float_(tm, "total memory")
    n_mem = _int(ctx, nm, "node memory")
    f_mem = _int(ctx, fm, "free memory")
    t_dsk = ctx.float_(td, "total disk")
    f_dsk = _int(ctx, fd, "free disk")
    t_cpu = ctx.float_(tc, "total cpus")
    n_cpu = _int(ctx, ncpu, "node cpus")
    t_spindles = _int(ctx, spn, "spindles")
    cpu_speed = ctx.float_(speed, "cpu speed")
    f_spindles = _int(ctx, fspn, "free spindles")
    if excl not in ("Y", "N"):
        raise ctx.fail(f"Invalid exclusive_storage value for node '{name}': {excl}",
                       "exclusive storage")
    node = Node(
        name, t_mem=t_mem, n_mem=n_mem, f_mem=f_mem, t_dsk=t_dsk, f_dsk=f_dsk,
        t_cpu=t_cpu if math.isfinite(t_cpu) else 0.0,  # refused later (`_check_finite`)
        offline=fo == "Y", group=gdx, t_spindles=t_spindles, f_spindles=f_spindles,
        n_cpu=n_cpu, excl_storage=excl == "Y", cpu_speed=cpu_speed, tags=sep_split(",", tags),
        is_master=fo == "M",
    )
    node.t_cpu = t_cpu
    return node


_INST_DEFAULTS = ["1", "-", "N"]
_STATUSES = {s.value: s for s in InstanceStatus}
_TEMPLATES = {t.value: t for t in DiskTemplate}


def _int(ctx: _Ctx, text: str, fld: str) -> int:
    """`ctx.int_` with the common case (a few plain digits) inline."""
    if text.isdigit() and text.isascii() and len(text) < 18:
        return int(text)
    return ctx.int_(text, fld)


def _parse_instance(ctx: _Ctx, cols: list[str], nodes: dict[str, int]) -> Instance:
    if len(cols) < 10:
        raise ctx.fail(f"Invalid/incomplete instance data: '{show_strings(cols)}'")
    if len(cols) < 13:
        cols = cols + _INST_DEFAULTS[len(cols) - 10 :]
    name, mem, dsk, vcpus, status, abal, pnode, snode, dt, tags, su, spn, forth = cols[:13]
    ctx.name = name
    if pnode not in nodes:
        raise ctx.fail(f"Unknown node '{pnode}' for instance {name}", "primary node")
    pidx = nodes[pnode]
    if snode == "":
        sidx = NO_NODE
    elif snode not in nodes:
        raise ctx.fail(f"Unknown node '{snode}' for instance {name}", "secondary node")
    else:
        sidx = nodes[snode]
    vmem = _int(ctx, mem, "memory")
    vdsk = _int(ctx, dsk, "disk")
    vvcpus = _int(ctx, vcpus, "vcpus")
    vstatus = _STATUSES.get(status)
    if vstatus is None:
        raise ctx.fail(_invalid_value("InstanceStatus", status), "status")
    if abal not in ("Y", "N"):
        raise ctx.fail(f"Invalid auto_balance value '{abal}' for instance {name}",
                       "auto_balance")
    template = _TEMPLATES.get(dt)
    if template is None:
        raise ctx.fail(f"Instance {name}: " + _invalid_value("DiskTemplate", dt),
                       "disk template")
    spindle_use = _int(ctx, su, "spindle use")
    spindles = None if spn == "-" else ctx.int_(spn, "spindles")
    if forth not in ("Y", "N"):
        raise ctx.fail(f"Invalid forthcoming value '{forth}' for instance {name}",
                       "forthcoming")
    if template is DiskTemplate.DRBD and sidx == pidx:
        raise ctx.fail(f"Instance {name} has same primary and secondary node - {pnode}",
                       "secondary node")
    return Instance(
        name, vmem, vdsk, vvcpus, vstatus, pidx, sidx, template, sep_split(",", tags),
        abal == "Y", spindle_use, [Disk(vdsk, spindles)], forth == "Y",
        movable=template.movable,
    )


_ISPEC_PARTS = ("memsize", "cpucount", "disksize", "diskcount", "niccount", "spindleuse")


def _parse_ispec(ctx: _Ctx, text: str, owner: str, fld: str) -> ISpec:
    vals = sep_split(",", text)
    if len(vals) < 6:
        raise ctx.fail(f"Invalid ispec data for {owner}: {show_strings(vals)}", fld)
    ints = [ctx.int_(v, fld, f"{owner}/{part}") for v, part in zip(vals, _ISPEC_PARTS,
                                                                    strict=False)]
    return ISpec(*ints)


def _parse_policy(ctx: _Ctx, cols: list[str]) -> tuple[str, IPolicy]:
    if len(cols) < 6:
        raise ctx.fail(f"Invalid ipolicy data: '{show_strings(cols)}'")
    owner, std, minmax, dts, vcpu, spindle = cols[:6]
    std_spec = _parse_ispec(ctx, std, owner + "/stdspec", "std spec")
    specs = sep_split(";", minmax)
    if len(specs) % 2:
        raise ctx.fail(f"Odd number of min/max specs for {owner}", "minmax specs")
    pairs = tuple(
        MinMaxISpecs(_parse_ispec(ctx, specs[i], owner + "/minspec", "min spec"),
                     _parse_ispec(ctx, specs[i + 1], owner + "/maxspec", "max spec"))
        for i in range(0, len(specs), 2)
    )
    templates = []
    for raw in sep_split(",", dts):
        try:
            templates.append(DiskTemplate(raw))
        except ValueError:
            raise ctx.fail(_invalid_value("DiskTemplate", raw), "disk templates") from None
    vcpu_ratio = ctx.float_(vcpu, "vcpu ratio", owner + "/vcpu_ratio")
    spindle_ratio = ctx.float_(spindle, "spindle ratio", owner + "/spindle_ratio")
    return owner, IPolicy(pairs, std_spec, tuple(templates), vcpu_ratio, spindle_ratio)


def _table(path: str, section: Sequence[tuple[int, str]],
           fn: Callable[[_Ctx, list[str]], T]) -> list[T]:
    return [fn(_Ctx(path, num), sep_split("|", line)) for num, line in section]


def parse_text(text: str, path: str = "<data>") -> ClusterData:
    """Parse the content of a text-backend file into raw cluster data.

    Errors are `LoaderError`s whose `ganeti_message` is Ganeti's sentence for
    the first problem Ganeti would find (it checks in the same order).
    """
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    sections = _split_sections(lines)
    if len(sections) < 4:
        raise LoaderError(
            f"Invalid format of the input file: {len(sections)} sections instead of 4 or more",
            path)
    gsec, nsec, isec, tsec = sections[:4]
    psec = sections[4] if len(sections) > 4 else []
    groups = _table(path, gsec, _parse_group)
    for i, grp in enumerate(groups):
        grp.idx = i
    gmap = {g.uuid: g.idx for g in groups}
    nodes = _table(path, nsec, lambda c, cols: _parse_node(c, cols, gmap))
    for i, node in enumerate(nodes):
        node.idx = i
    nmap = {n.name: n.idx for n in nodes}
    instances = _table(path, isec, lambda c, cols: _parse_instance(c, cols, nmap))
    for i, inst in enumerate(instances):
        inst.idx = i
    ctags = [line for _, line in tsec]
    cpol = DEFAULT_IPOLICY
    policies: list[tuple[int, IPolicy]] = []
    for num, line in psec:
        ctx = _Ctx(path, num)
        owner, pol = _parse_policy(ctx, sep_split("|", line))
        policies.append((num, pol))
        if owner == "":
            cpol = pol
            continue
        matches = [g for g in groups if owner in (g.name, g.uuid)]
        if len(matches) != 1:
            raise ctx.fail(f"Wrong number of elems found with name {owner}", "owner")
        matches[0].ipolicy = pol
    _check_finite(path, nsec, nodes, policies)
    return ClusterData(groups, nodes, instances, ctags, cpol)


def _check_finite(path: str, nsec: Sequence[tuple[int, str]], nodes: Sequence[Node],
                  policies: Sequence[tuple[int, IPolicy]]) -> None:
    """Refuse NaN or infinite node totals and vcpu ratios.

    Ganeti loads them into meaningless numbers; we stop with a clear error.
    Checked after everything else, so a file Ganeti rejects gets Ganeti's error.
    """
    for (num, _), node in zip(nsec, nodes, strict=True):
        for fld, value in (("total memory", node.t_mem), ("total disk", node.t_dsk),
                           ("total cpus", node.t_cpu)):
            if not math.isfinite(value):
                raise LoaderError(f"{node.name}: {fld} must be a finite number, got {value}",
                                  path, num, fld)
    for num, pol in policies:
        if not math.isfinite(pol.vcpu_ratio):
            raise LoaderError(f"vcpu ratio must be a finite number, got {pol.vcpu_ratio}",
                              path, num, "vcpu ratio")


def load_text_file(path: str) -> ClusterData:
    """Read and parse a text-backend file (raw data, no loading pipeline)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as err:
        raise LoaderError(f"cannot read file: {err.strerror}", path) from None
    return parse_text(text, path)


# -- writer ---------------------------------------------------------------------


def _fmt0(val: float) -> str:
    return "%.0f" % val


def serialize_ispec(spec: ISpec) -> str:
    """Six comma-separated integers."""
    return ",".join(str(v) for v in (spec.memory_size, spec.cpu_count, spec.disk_size,
                                     spec.disk_count, spec.nic_count, spec.spindle_use))


def serialize_ipolicy(owner: str, pol: IPolicy) -> str:
    """One policy line."""
    from .numfmt import show_double  # decimal: the tools that only read files skip it

    minmax = ";".join(f"{serialize_ispec(m.min)};{serialize_ispec(m.max)}" for m in pol.minmax)
    return "|".join([
        owner,
        serialize_ispec(pol.std),
        minmax,
        ",".join(t.value for t in pol.disk_templates),
        show_double(pol.vcpu_ratio),
        show_double(pol.spindle_ratio),
    ])


def serialize_node(node: Node, groups: Sequence[Group]) -> str:
    """One node line with all 15 columns."""
    from .numfmt import show_ffloat

    flag = "Y" if node.offline else ("M" if node.is_master else "N")
    return "|".join([
        node.name, _fmt0(node.t_mem), str(node.n_mem), str(node.f_mem), _fmt0(node.t_dsk),
        str(node.f_dsk), _fmt0(node.t_cpu), flag, groups[node.group].uuid,
        str(node.t_spindles), ",".join(node.tags), "Y" if node.excl_storage else "N",
        str(node.f_spindles), str(node.n_cpu), show_ffloat(node.cpu_speed),
    ])


def serialize_instance(inst: Instance, names: dict[int, str]) -> str:
    """One instance line with all 13 columns."""
    spindles = inst.total_spindles
    return "|".join([
        inst.name, str(inst.mem), str(inst.dsk), str(inst.vcpus), inst.status.value,
        "Y" if inst.auto_balance else "N", names[inst.pnode],
        "" if inst.snode == NO_NODE else names[inst.snode], inst.disk_template.value,
        ",".join(inst.tags), str(inst.spindle_use), "-" if spindles is None else str(spindles),
        "Y" if inst.forthcoming else "N",
    ])


def serialize_cluster(data: ClusterData, all_nodes: Sequence[Node] | None = None) -> str:
    """The text-backend form of `data`, as Ganeti writes it.

    `all_nodes` resolves instance node names when `data.nodes` is a subset
    (hbal saves only the balanced group).
    """
    names = {n.idx: n.name for n in (all_nodes if all_nodes is not None else data.nodes)}

    def block(lines: list[str]) -> str:
        return "".join(line + "\n" for line in lines)

    gdata = block([
        "|".join([g.name, g.uuid, g.alloc_policy.raw, ",".join(g.tags), ",".join(g.networks)])
        for g in data.groups
    ])
    ndata = block([serialize_node(n, data.groups) for n in data.nodes])
    idata = block([serialize_instance(i, names) for i in data.instances])
    tdata = block(list(data.cluster_tags))
    pdata = block([serialize_ipolicy("", data.ipolicy)]
                  + [serialize_ipolicy(g.name, g.ipolicy) for g in data.groups])
    return "\n".join([gdata, ndata, idata, tdata, pdata])


def save_text_file(path: str, data: ClusterData, all_nodes: Sequence[Node] | None = None) -> None:
    """Write `data` in the text format to `path`."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(serialize_cluster(data, all_nodes))
