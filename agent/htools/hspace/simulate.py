"""The `--simulate` backend: empty clusters described by one spec per group (spec §12.1).

`policy,nodes,disk,memory,cpus[,spindles[,exclusive]]` per group; Ganeti
numbers the groups in reverse order of the command line (its option parser
prepends each use), which `simulate_cluster` copies. Sizes accept units
(§18.3): `parse_unit` is Ganeti's `parseUnit`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..cluster import ClusterData
from ..errors import LoaderError
from ..group import Group
from ..node import Node
from ..types import AllocPolicy

_INT_PREFIX = re.compile(r"\s*(-?\d+)")
_POLICY_ABBREV = {"p": AllocPolicy.PREFERRED, "a": AllocPolicy.LAST_RESORT,
                  "u": AllocPolicy.UNALLOCABLE}


def _unit_factor(unit: str) -> Fraction:
    upper = unit.upper()
    binary = Fraction(1024)
    decimal = Fraction(1000)
    mb = (decimal / binary) ** 2
    if unit == "":
        return Fraction(1)
    if unit == "m" or upper == "MIB":
        return Fraction(1)
    if unit == "g" or upper == "GIB":
        return binary
    if unit == "t" or upper == "TIB":
        return binary * binary
    if unit == "M" or upper == "MB":
        return mb
    if unit == "G" or upper == "GB":
        return mb * decimal
    if unit == "T" or upper == "TB":
        return mb * decimal * decimal
    raise ValueError(f"Unknown unit '{unit}'")


def parse_unit(text: str) -> int:
    """A size in MiB: an integer, optional blanks, optional unit (`10g`, `5 GB`, `512`)."""
    m = _INT_PREFIX.match(text)
    if not m:
        raise ValueError(f"Can't parse string '{text}'")
    value = int(m.group(1))
    unit = text[m.end():].lstrip(" ")
    scaled = value * _unit_factor(unit)
    return int(scaled)  # truncation toward zero, as Haskell's `truncate`


def _read_int(what: str, text: str) -> int:
    if not re.fullmatch(r"\s*-?\d+\s*", text):
        raise ValueError(f"{what}: cannot parse string '{text}'")
    return int(text)


def _read_bool(what: str, text: str) -> bool:
    stripped = text.strip()
    if stripped in ("True", "False"):
        return stripped == "True"
    raise ValueError(f"{what}: cannot parse string '{text}'")


@dataclass(frozen=True)
class SimGroup:
    """One `--simulate` spec: a group of identical empty nodes."""

    policy: AllocPolicy
    nodes: int
    disk: int
    memory: int
    cpus: int
    spindles: int = 1
    exclusive: bool = False


def _policy(text: str) -> AllocPolicy:
    try:
        return AllocPolicy.from_raw(text)
    except ValueError:
        pass
    if text in _POLICY_ABBREV:
        return _POLICY_ABBREV[text]
    raise ValueError(f'Invalid string value for type AllocPolicy: "{text}"; '
                     f"Cannot parse AllocPolicy abbreviation '{text}'")


def parse_sim_spec(spec: str) -> SimGroup:
    """Parse one `--simulate` value; `ValueError` carries Ganeti's message."""
    parts = spec.split(",") if spec else []
    if len(parts) == 5:
        parts = parts + ["1", "False"]
    elif len(parts) == 6:
        parts = parts + ["False"]
    if len(parts) != 7:
        raise ValueError(
            "Invalid cluster specification, expected 6 comma-separated sections (allocation "
            "policy, node count, disk size, memory size, number of CPUs, spindles) but got "
            f"{len(parts)}: '{spec}'")
    pol, count, disk, mem, cpus, spindles, excl = parts
    policy = _policy(pol)
    ncount = _read_int("node count", count)
    try:
        dsk = parse_unit(disk)
    except ValueError as e:
        raise ValueError(f"disk size: {e}") from None
    try:
        memory = parse_unit(mem)
    except ValueError as e:
        raise ValueError(f"memory size: {e}") from None
    return SimGroup(policy, ncount, dsk, memory, _read_int("cpu count", cpus),
                    _read_int("spindles", spindles), _read_bool("exclusive storage", excl))


def simulate_cluster(specs: Sequence[str]) -> ClusterData:
    """Raw cluster data of `--simulate` specs given in command-line order.

    The last spec becomes `group-01` (Ganeti's order); nodes are
    `node-GG-NNN`, the first node of group 1 is the master. Raises
    `LoaderError` with Ganeti's message for a bad spec.
    """
    try:
        parsed = [parse_sim_spec(s) for s in reversed(specs)]
    except ValueError as e:
        raise LoaderError(str(e)) from None
    groups: list[Group] = []
    nodes: list[Node] = []
    for gnum, sim in enumerate(parsed, start=1):
        gidx = gnum - 1
        groups.append(Group(f"group-{gnum:02d}", f"fake-uuid-{gnum:02d}", sim.policy, idx=gidx))
        for num in range(1, sim.nodes + 1):
            node = Node(f"node-{gnum:02d}-{num:03d}", t_mem=float(sim.memory), n_mem=0,
                        f_mem=sim.memory, t_dsk=float(sim.disk), f_dsk=sim.disk,
                        t_cpu=float(sim.cpus), group=gidx, t_spindles=sim.spindles,
                        f_spindles=0, n_cpu=1, excl_storage=sim.exclusive,
                        is_master=(gnum == 1 and num == 1), idx=len(nodes))
            nodes.append(node)
    return ClusterData(groups, nodes, [], [])
