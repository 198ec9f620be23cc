"""Text output shared by hbal, hcheck and hinfo, in Ganeti's exact formats.

Node tables (`-p`), instance maps (`--print-instances`), the score
coefficient table, hbal's step lines and `-C` command lists, and
machine-readable `KEY=value` lines (spec §8.6, §18).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from agent.htools.instance import NO_NODE, Instance
from agent.htools.node import Node

if TYPE_CHECKING:
    from agent.htools import BalanceStep, ScoreBreakdown

UNKNOWN_FIELD = "<unknown field>"


def pf(spec: str, x: float) -> str:
    """printf-style float formatting with Haskell's spelling of NaN and infinities."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return spec % x


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]],
                 isnum: Sequence[bool], prefix: str = "") -> str:
    """Ganeti's `printTable`: columns padded (numbers right-aligned), one leading space."""
    table = [list(header), *[list(r) for r in rows]]
    widths = [max(len(r[c]) for r in table) for c in range(len(header))]
    lines = []
    for r in table:
        cells = [v.rjust(w) if num else v.ljust(w)
                 for v, w, num in zip(r, widths, isnum, strict=True)]
        lines.append(prefix + " " + " ".join(cells))
    return "".join(line + "\n" for line in lines)


def _hs_list(values: Sequence[int]) -> str:
    return "[" + ",".join(str(v) for v in values) + "]"


def peer_list(n: Node, instances: Sequence[Instance]) -> list[tuple[int, int]]:
    """The node's peer map in Ganeti's list order (values descending, ties by history).

    Ganeti keeps the map as a list built by folding over the secondaries from
    the last to the first and inserting each entry before the first entry
    that is not larger; rebuilding it from the secondary list reproduces the
    order Ganeti shows after loading.
    """
    out: list[tuple[int, int]] = []
    for iidx in reversed(n.slist):
        inst = instances[iidx]
        key, val = inst.pnode, (inst.mem if inst.uses_sec_mem else 0)
        for pos, (k, v) in enumerate(out):
            if k == key:
                val += v
                del out[pos]
                break
        pos = next((p for p, (_, v) in enumerate(out) if v <= val), len(out))
        out.insert(pos, (key, val))
    return out


def _peer_map(n: Node, instances: Sequence[Instance] | None) -> str:
    if instances is None:
        items = sorted(n.peers.items(), key=lambda kv: (-kv[1], kv[0]))
    else:
        items = peer_list(n, instances)
    return "[" + ",".join(f"({k},{v})" for k, v in items) + "]"


def _status(n: Node) -> str:
    if n.offline:
        return "-"
    return "*" if n.fail_n1 else " "


def _show_double(value: float) -> str:
    from agent.htools.numfmt import show_double  # decimal: only for the columns that need it

    return show_double(value)


#: field → (header, numeric, formatter); Ganeti's `Node.showField`/`showHeader`.
NODE_FIELDS: dict[str, tuple[str, bool, Callable[[Node], str]]] = {
    "idx": ("Index", True, lambda n: "%4d" % n.idx),
    "name": ("Name", False, lambda n: n.alias),
    "fqdn": ("Name", False, lambda n: n.name),
    "status": ("F", False, _status),
    "tmem": ("t_mem", True, lambda n: pf("%5.0f", n.t_mem)),
    "nmem": ("n_mem", True, lambda n: "%5d" % n.n_mem),
    "xmem": ("x_mem", True, lambda n: "%5d" % n.x_mem),
    "fmem": ("f_mem", True, lambda n: "%5d" % n.f_mem),
    "umem": ("u_mem", True, lambda n: "%5d" % n.unallocated_mem),
    "amem": ("a_mem", True, lambda n: "%5d" % n.avail_mem),
    "imem": ("i_mem", True, lambda n: "%5d" % n.i_mem),
    "rmem": ("r_mem", True, lambda n: "%5d" % n.r_mem),
    "tdsk": ("t_dsk", True, lambda n: pf("%5.0f", (n.t_dsk / 1024))),
    "fdsk": ("f_dsk", True, lambda n: "%5d" % (n.f_dsk // 1024)),
    "tcpu": ("pcpu", True, lambda n: pf("%4.0f", n.t_cpu)),
    "ucpu": ("vcpu", True, lambda n: "%4d" % n.u_cpu),
    "pcnt": ("pcnt", True, lambda n: "%3d" % len(n.plist)),
    "scnt": ("scnt", True, lambda n: "%3d" % len(n.slist)),
    "plist": ("primaries", True, lambda n: _hs_list(n.plist)),
    "slist": ("secondaries", True, lambda n: _hs_list(n.slist)),
    "pfmem": ("p_fmem", True, lambda n: pf("%6.4f", n.p_mem)),
    "pfdsk": ("p_fdsk", True, lambda n: pf("%6.4f", n.p_dsk)),
    "rcpu": ("r_cpu", True, lambda n: pf("%5.2f", n.p_cpu)),
    "cload": ("lCpu", True, lambda n: pf("%5.3f", n.util_load.cpu)),
    "mload": ("lMem", True, lambda n: pf("%5.3f", n.util_load.mem)),
    "dload": ("lDsk", True, lambda n: pf("%5.3f", n.util_load.dsk)),
    "nload": ("lNet", True, lambda n: pf("%5.3f", n.util_load.net)),
    "ptags": ("PrimaryTags", False,
              lambda n: ",".join(f"{k}={v}" for k, v in sorted(n.p_tags.items()))),
    "peermap": ("PeerMap", False, lambda n: _peer_map(n, None)),
    "spindle_count": ("NodeSpindles", True, lambda n: str(n.t_spindles)),
    "hi_spindles": ("MaxSpindles", True, lambda n: _show_double(n.hi_spindles)),
    "inst_spindles": ("InstSpindles", True, lambda n: _show_double(n.inst_spindles)),
}

DEFAULT_NODE_FIELDS = [
    "status", "name", "tmem", "nmem", "imem", "xmem", "fmem", "umem", "rmem", "tdsk", "fdsk",
    "tcpu", "ucpu", "pcnt", "scnt", "pfmem", "pfdsk", "rcpu", "cload", "mload", "dload", "nload",
]


def node_fields(requested: Sequence[str]) -> list[str]:
    """Resolve `-p` arguments: empty → defaults, leading "+" → defaults plus more."""
    if not requested:
        return list(DEFAULT_NODE_FIELDS)
    if requested[0] == "+":
        return DEFAULT_NODE_FIELDS + list(requested[1:])
    return list(requested)


def node_table(nodes: Sequence[Node], requested: Sequence[str],
               instances: Sequence[Instance] | None = None) -> str:
    """The `-p` node table (nodes in index order); `instances` orders the peer maps."""
    fields = node_fields(requested)
    header, isnum = [], []
    for f in fields:
        h, num, _ = NODE_FIELDS.get(f, (UNKNOWN_FIELD, False, None))
        header.append(h)
        isnum.append(num)
    rows = []
    for n in sorted(nodes, key=lambda n: n.idx):
        row = []
        for f in fields:
            if f == "peermap":
                row.append(_peer_map(n, instances))
            else:
                row.append(NODE_FIELDS[f][2](n) if f in NODE_FIELDS else UNKNOWN_FIELD)
        rows.append(row)
    return format_table(header, rows, isnum)


def instance_map(all_nodes: Sequence[Node], instances: Sequence[Instance]) -> str:
    """The `--print-instances` table (full names, instances in index order)."""
    rows = []
    for i in sorted(instances, key=lambda i: i.idx):
        u = i.util
        rows.append([
            "R" if i.running else " ", i.name, all_nodes[i.pnode].name,
            "" if i.snode == NO_NODE else all_nodes[i.snode].name,
            "Y" if i.auto_balance else "N", "%3d" % i.vcpus, "%5d" % i.mem,
            "%5d" % (i.dsk // 1024), pf("%5.3f", u.cpu), pf("%5.3f", u.mem), pf("%5.3f", u.dsk),
            pf("%5.3f", u.net),
        ])
    header = ["F", "Name", "Pri_node", "Sec_node", "Auto_bal", "vcpu", "mem", "dsk", "lCpu",
              "lMem", "lDsk", "lNet"]
    return format_table(header, rows, [False] * 5 + [True] * 7)


def coefficient_table(breakdown: ScoreBreakdown, prefix: str = "  ") -> str:
    """The score components (`Field Value Weight`), as in hinfo and `hbal -vvv`."""
    rows = [[c.name, pf("%.8f", c.value), "x%.2f" % c.weight] for c in breakdown.components]
    return format_table(["Field", "Value", "Weight"], rows, [False, True, True], prefix)


def solution_line(step: BalanceStep, aliases: Sequence[str], imlen: int, nmlen: int) -> str:
    """One hbal step line: `  %3d. inst old => new score a=codes`."""
    def place(p: int, s: int) -> str:
        return aliases[p] if s == NO_NODE else f"{aliases[p]}:{aliases[s]}"

    width = 2 * nmlen + 1
    old = place(step.old_pnode, step.old_snode)
    new = place(step.new_pnode, step.new_snode)
    return (f"  {step.number:3d}. {step.instance_alias:<{imlen}} {old:<{width}} => "
            f"{new:<{width}} {step.score:12.8f} a={step.codes}")


# -- -C: the command list ----------------------------------------------------

def commands_for_stdout(heading: str, cmds: str) -> str:
    """`-C` without a file: heading, then the commands indented, `check` lines dropped."""
    body = "".join("  " + line + "\n" for line in cmds.splitlines() if line != "  check")
    return "\n" + heading + "\n" + body


# -- machine-readable output -------------------------------------------------

def ensure_quoted(value: str) -> str:
    """Quote a value unless it is only letters, digits and dots (Ganeti's rule)."""
    if all(c.isalnum() or c == "." for c in value):
        return value
    return f"'{value}'"


def format_keys(prefix: str, pairs: Sequence[tuple[str, str]]) -> str:
    """`PREFIX_KEY=value` lines, keys upper-cased, values quoted when needed."""
    return "".join(f"{prefix}_{k.upper()}={ensure_quoted(v)}\n" for k, v in pairs)


def plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


@dataclass(frozen=True)
class Widths:
    """Column widths of hbal step lines: longest instance and node alias of the group."""

    instance: int
    node: int

    @staticmethod
    def of(nodes: Sequence[Node], instances: Sequence[Instance]) -> Widths:
        return Widths(max((len(i.alias) for i in instances), default=0),
                      max((len(n.alias) for n in nodes), default=0))
