"""Haskell `show` of the values Ganeti prints inside some hail messages (groups, lists)."""

from __future__ import annotations

from collections.abc import Sequence

from ..group import Group
from ..numfmt import show_double
from ..types import AllocPolicy, DiskTemplate, IPolicy, ISpec

_POLICY = {AllocPolicy.PREFERRED: "AllocPreferred", AllocPolicy.LAST_RESORT: "AllocLastResort",
           AllocPolicy.UNALLOCABLE: "AllocUnallocable"}
_TEMPLATE = {DiskTemplate.DISKLESS: "DTDiskless", DiskTemplate.FILE: "DTFile",
             DiskTemplate.SHAREDFILE: "DTSharedFile", DiskTemplate.PLAIN: "DTPlain",
             DiskTemplate.BLOCKDEV: "DTBlock", DiskTemplate.DRBD: "DTDrbd8",
             DiskTemplate.RBD: "DTRbd", DiskTemplate.EXT: "DTExt",
             DiskTemplate.GLUSTER: "DTGluster"}


def show_string(text: str) -> str:
    """A string literal as Haskell shows it."""
    out = []
    for ch in text:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif code < 32 or code > 126:
            out.append(f"\\{code}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def show_list(items: Sequence[str]) -> str:
    """Already shown items as a Haskell list."""
    return "[" + ",".join(items) + "]"


def show_ispec(spec: ISpec) -> str:
    return (f"ISpec {{iSpecMemorySize = {spec.memory_size}, iSpecCpuCount = {spec.cpu_count}, "
            f"iSpecDiskSize = {spec.disk_size}, iSpecDiskCount = {spec.disk_count}, "
            f"iSpecNicCount = {spec.nic_count}, iSpecSpindleUse = {spec.spindle_use}}}")


def show_ipolicy(pol: IPolicy) -> str:
    ranges = show_list([f"MinMaxISpecs {{minMaxISpecsMinSpec = {show_ispec(r.min)}, "
                        f"minMaxISpecsMaxSpec = {show_ispec(r.max)}}}" for r in pol.minmax])
    dts = show_list([_TEMPLATE[t] for t in pol.disk_templates])
    return (f"IPolicy {{iPolicyMinMaxISpecs = {ranges}, iPolicyStdSpec = {show_ispec(pol.std)}, "
            f"iPolicyDiskTemplates = {dts}, iPolicyVcpuRatio = {show_double(pol.vcpu_ratio)}, "
            f"iPolicySpindleRatio = {show_double(pol.spindle_ratio)}}}")


def show_group(g: Group) -> str:
    """A node group record as Ganeti's derived `Show` prints it."""
    return (f"Group {{name = {show_string(g.name)}, uuid = {show_string(g.uuid)}, "
            f"idx = {g.idx}, allocPolicy = {_POLICY[g.alloc_policy]}, "
            f"networks = {show_list([show_string(n) for n in g.networks])}, "
            f"iPolicy = {show_ipolicy(g.ipolicy)}, "
            f"allTags = {show_list([show_string(t) for t in g.tags])}}}")
