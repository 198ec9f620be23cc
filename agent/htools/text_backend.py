"""Ganeti's text backend (`-t FILE`, `.data` files): parser and writer (spec §2).

`parse_text` builds the raw `ClusterData` exactly as Ganeti's backend does
(before the loading pipeline of `loader.py`); `serialize_cluster` writes it
back byte for byte as `hbal -S` does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from .cluster import ClusterData
from .errors import LoaderError
from .group import Group
from .instance import NO_NODE, Disk, Instance
from .node import Node
from .numfmt import show_double, show_ffloat
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

_INT_RE = re.compile(r"\s*-?\d+\s*\Z")
_FLOAT_RE = re.compile(r"\s*(-?\d+(\.\d+)?([eE][+-]?\d+)?|NaN|-?Infinity)\s*\Z")


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
    """Where we are in the file, for error messages."""

    def __init__(self, path: str, line: int, what: str) -> None:
        self.path = path
        self.line = line
        self.what = what

    def fail(self, msg: str) -> LoaderError:
        return LoaderError(f"{self.path}:{self.line}: {self.what}: {msg}")

    def int_(self, text: str, fld: str) -> int:
        if not _INT_RE.match(text):
            raise self.fail(f"field '{fld}': cannot parse integer '{text}'")
        return int(text)

    def float_(self, text: str, fld: str) -> float:
        if not _FLOAT_RE.match(text):
            raise self.fail(f"field '{fld}': cannot parse number '{text}'")
        return float(text)

    def yes_no(self, text: str, fld: str) -> bool:
        if text == "Y":
            return True
        if text == "N":
            return False
        raise self.fail(f"field '{fld}': expected Y or N, got '{text}'")


def _parse_group(ctx: _Ctx, cols: list[str]) -> Group:
    if len(cols) == 4:
        cols = cols + [""]
    if len(cols) < 5:
        raise ctx.fail(f"Invalid/incomplete group data: {len(cols)} fields, need 4 or more")
    name, uuid, apol, tags, nets = cols[:5]
    try:
        policy = AllocPolicy.from_raw(apol)
    except ValueError as err:
        raise ctx.fail(f"field 'alloc_policy': {err}") from None
    return Group(name, uuid, policy, sep_split(",", nets), DEFAULT_IPOLICY, sep_split(",", tags))


_NODE_DEFAULTS = ["1", "", "N", "0", "1", "1.0"]


def _parse_node(ctx: _Ctx, cols: list[str], groups: dict[str, int]) -> Node:
    if len(cols) < 9:
        raise ctx.fail(f"Invalid/incomplete node data: {len(cols)} fields, need 9 or more")
    if len(cols) < 15:
        cols = cols + _NODE_DEFAULTS[len(cols) - 9 :]
    name, tm, nm, fm, td, fd, tc, fo, gu, spn, tags, excl, fspn, ncpu, speed = cols[:15]
    ctx.what = f"node '{name}'"
    if gu not in groups:
        raise ctx.fail(f"field 'group': Unknown group '{gu}' for node {name}")
    gdx = groups[gu]
    if "?" in (tm, nm, fm, td, fd, tc):
        node = Node(name, 0.0, 0, 0, 0.0, 0, 0.0, offline=True, group=gdx, t_spindles=0,
                    f_spindles=0, n_cpu=0)
        return node
    node = Node(
        name,
        t_mem=ctx.float_(tm, "total memory"),
        n_mem=ctx.int_(nm, "node memory"),
        f_mem=ctx.int_(fm, "free memory"),
        t_dsk=ctx.float_(td, "total disk"),
        f_dsk=ctx.int_(fd, "free disk"),
        t_cpu=ctx.float_(tc, "total cpus"),
        offline=fo == "Y",
        group=gdx,
        t_spindles=ctx.int_(spn, "spindles"),
        f_spindles=ctx.int_(fspn, "free spindles"),
        n_cpu=ctx.int_(ncpu, "node cpus"),
        excl_storage=ctx.yes_no(excl, "exclusive storage"),
        cpu_speed=ctx.float_(speed, "cpu speed"),
        tags=sep_split(",", tags),
        is_master=fo == "M",
    )
    return node


_INST_DEFAULTS = ["1", "-", "N"]


def _parse_instance(ctx: _Ctx, cols: list[str], nodes: dict[str, int]) -> Instance:
    if len(cols) < 10:
        raise ctx.fail(f"Invalid/incomplete instance data: {len(cols)} fields, need 10 or more")
    if len(cols) < 13:
        cols = cols + _INST_DEFAULTS[len(cols) - 10 :]
    name, mem, dsk, vcpus, status, abal, pnode, snode, dt, tags, su, spn, forth = cols[:13]
    ctx.what = f"instance '{name}'"
    if pnode not in nodes:
        raise ctx.fail(f"field 'primary node': Unknown node '{pnode}' for instance {name}")
    pidx = nodes[pnode]
    if snode == "":
        sidx = NO_NODE
    elif snode not in nodes:
        raise ctx.fail(f"field 'secondary node': Unknown node '{snode}' for instance {name}")
    else:
        sidx = nodes[snode]
    vmem = ctx.int_(mem, "memory")
    vdsk = ctx.int_(dsk, "disk")
    vvcpus = ctx.int_(vcpus, "vcpus")
    try:
        vstatus = InstanceStatus(status)
    except ValueError:
        raise ctx.fail(f"field 'status': invalid instance status '{status}'") from None
    auto_balance = ctx.yes_no(abal, "auto_balance")
    try:
        template = DiskTemplate(dt)
    except ValueError:
        raise ctx.fail(f"field 'disk template': invalid disk template '{dt}'") from None
    spindle_use = ctx.int_(su, "spindle use")
    spindles = None if spn == "-" else ctx.int_(spn, "spindles")
    forthcoming = ctx.yes_no(forth, "forthcoming")
    if template is DiskTemplate.DRBD and sidx == pidx:
        raise ctx.fail(f"Instance {name} has same primary and secondary node - {pnode}")
    return Instance(
        name, vmem, vdsk, vvcpus, vstatus, pidx, sidx, template, sep_split(",", tags),
        auto_balance, spindle_use, [Disk(vdsk, spindles)], forthcoming,
        movable=template.movable,
    )


def _parse_ispec(ctx: _Ctx, text: str, fld: str) -> ISpec:
    vals = sep_split(",", text)
    if len(vals) < 6:
        raise ctx.fail(f"field '{fld}': Invalid ispec data '{text}' (need 6 integers)")
    ints = [ctx.int_(v, fld) for v in vals[:6]]
    return ISpec(*ints)


def _parse_policy(ctx: _Ctx, cols: list[str]) -> tuple[str, IPolicy]:
    if len(cols) < 6:
        raise ctx.fail(f"Invalid ipolicy data: {len(cols)} fields, need 6 or more")
    owner, std, minmax, dts, vcpu, spindle = cols[:6]
    ctx.what = f"policy '{owner}'"
    std_spec = _parse_ispec(ctx, std, "std spec")
    specs = sep_split(";", minmax)
    if len(specs) % 2:
        raise ctx.fail(f"field 'minmax specs': Odd number of min/max specs for {owner}")
    pairs = tuple(
        MinMaxISpecs(_parse_ispec(ctx, specs[i], "min spec"),
                     _parse_ispec(ctx, specs[i + 1], "max spec"))
        for i in range(0, len(specs), 2)
    )
    templates = []
    for raw in sep_split(",", dts):
        try:
            templates.append(DiskTemplate(raw))
        except ValueError:
            raise ctx.fail(f"field 'disk templates': invalid disk template '{raw}'") from None
    return owner, IPolicy(pairs, std_spec, tuple(templates), ctx.float_(vcpu, "vcpu ratio"),
                          ctx.float_(spindle, "spindle ratio"))


def _table(path: str, section: Sequence[tuple[int, str]], what: str,
           fn: Callable[[_Ctx, list[str]], T]) -> list[T]:
    return [fn(_Ctx(path, num, what), sep_split("|", line)) for num, line in section]


def parse_text(text: str, path: str = "<data>") -> ClusterData:
    """Parse the content of a text-backend file into raw cluster data."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    sections = _split_sections(lines)
    if len(sections) < 4:
        raise LoaderError(
            f"{path}: Invalid format of the input file: {len(sections)} sections instead of 4 or more"
        )
    gsec, nsec, isec, tsec = sections[:4]
    psec = sections[4] if len(sections) > 4 else []
    groups = _table(path, gsec, "group", _parse_group)
    for i, grp in enumerate(groups):
        grp.idx = i
    gmap = {g.uuid: g.idx for g in groups}
    nodes = _table(path, nsec, "node", lambda c, cols: _parse_node(c, cols, gmap))
    for i, node in enumerate(nodes):
        node.idx = i
    nmap = {n.name: n.idx for n in nodes}
    instances = _table(path, isec, "instance", lambda c, cols: _parse_instance(c, cols, nmap))
    for i, inst in enumerate(instances):
        inst.idx = i
    ctags = [line for _, line in tsec]
    cpol = DEFAULT_IPOLICY
    for num, line in psec:
        ctx = _Ctx(path, num, "policy")
        owner, pol = _parse_policy(ctx, sep_split("|", line))
        if owner == "":
            cpol = pol
            continue
        matches = [g for g in groups if owner in (g.name, g.uuid)]
        if not matches:
            raise ctx.fail(f"field 'owner': unknown group '{owner}'")
        for grp in matches[:1]:
            grp.ipolicy = pol
    return ClusterData(groups, nodes, instances, ctags, cpol)


def load_text_file(path: str) -> ClusterData:
    """Read and parse a text-backend file (raw data, no loading pipeline)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError as err:
        raise LoaderError(f"{path}: cannot read file: {err.strerror}") from None
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
