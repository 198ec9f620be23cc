"""Cluster resource statistics hspace reports (Ganeti `CStats`, `totalResources`).

Sums over all nodes (offline ones included) in index order, with the same
integer/float split as Ganeti so the printed figures match; plus the
"key metrics" delta between two states (`computeAllocationDelta`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from ..node import Node
from ..score import cluster_score


@dataclass(frozen=True)
class CStats:
    """Totals of one cluster state."""

    f_mem: int = 0        # Σ unallocated memory
    f_dsk: int = 0        # Σ free disk
    f_spn: int = 0        # Σ free spindles
    a_mem: int = 0        # Σ available memory
    a_dsk: int = 0        # Σ available disk
    a_cpu: int = 0        # Σ available vcpus
    m_mem: int = 0        # max available memory of a node
    m_dsk: int = 0        # max available disk of a node
    m_cpu: int = 0        # max available vcpus of a node
    i_mem: int = 0        # Σ instance memory
    i_dsk: int = 0        # Σ used disk
    i_spn: int = 0        # Σ used spindles
    i_cpu: int = 0        # Σ used vcpus
    t_mem: float = 0.0
    t_dsk: float = 0.0
    t_spn: float = 0.0
    t_cpu: float = 0.0
    v_cpu: int = 0        # Σ vcpu limit (hiCpu)
    n_cpu: float = 0.0    # used vcpus in physical CPUs
    x_mem: int = 0
    n_mem: int = 0
    score: float = 0.0
    n_inst: int = 0

    @property
    def mem_eff(self) -> float:
        return _div(self.i_mem, self.t_mem)

    @property
    def dsk_eff(self) -> float:
        return _div(self.i_dsk, self.t_dsk)

    @property
    def cpu_eff(self) -> float:
        return _div(self.i_cpu, float(self.v_cpu))

    @property
    def spn_eff(self) -> float:
        return _div(self.i_spn, self.t_spn)


def _div(num: float, den: float) -> float:
    if den == 0:
        return math.nan if num == 0 else math.copysign(math.inf, num)
    return num / den


def total_resources(nodes: Iterable[Node]) -> CStats:
    """The statistics of a node list (in index order) and its cluster score."""
    node_list = list(nodes)
    f_mem = f_dsk = f_spn = a_mem = a_dsk = a_cpu = 0
    m_mem = m_dsk = m_cpu = i_mem = i_dsk = i_spn = i_cpu = v_cpu = x_mem = n_mem = 0
    n_inst = 0
    t_mem = t_dsk = t_spn = t_cpu = n_cpu = 0.0
    for n in node_list:
        amem, adsk, acpu = n.avail_mem, n.avail_disk, n.avail_cpu
        f_mem += n.unallocated_mem
        f_dsk += n.f_dsk
        f_spn += n.f_spindles
        a_mem += amem
        a_dsk += adsk
        a_cpu += acpu
        m_mem = max(m_mem, amem)
        m_dsk = max(m_dsk, adsk)
        m_cpu = max(m_cpu, acpu)
        i_mem += n.i_mem
        i_dsk += math.trunc(n.t_dsk) - n.f_dsk
        i_spn += n.t_spindles - n.f_spindles
        i_cpu += n.u_cpu
        t_mem = t_mem + n.t_mem
        t_dsk = t_dsk + n.t_dsk
        t_spn = t_spn + float(n.t_spindles)
        t_cpu = t_cpu + n.t_cpu
        v_cpu += n.hi_cpu
        n_cpu = n_cpu + _div(float(n.u_cpu), n.ipolicy.vcpu_ratio)
        x_mem += n.x_mem
        n_mem += n.n_mem
        n_inst += len(n.plist)
    return CStats(f_mem, f_dsk, f_spn, a_mem, a_dsk, a_cpu, m_mem, m_dsk, m_cpu, i_mem, i_dsk,
                  i_spn, i_cpu, t_mem, t_dsk, t_spn, t_cpu, v_cpu, n_cpu, x_mem, n_mem,
                  cluster_score(node_list), n_inst)


@dataclass(frozen=True)
class AllocInfo:
    """One key-metrics tuple: vcpus, physical CPUs, memory, disk, spindles."""

    vcpus: int
    ncpus: float
    mem: int
    dsk: int
    spn: int


def allocation_delta(ini: CStats, fin: CStats) -> tuple[AllocInfo, AllocInfo, AllocInfo]:
    """(used initially, allocated since, left unallocated) between two states."""
    used = AllocInfo(ini.i_cpu, ini.n_cpu, ini.i_mem, ini.i_dsk, ini.i_spn)
    pool = AllocInfo(fin.i_cpu - ini.i_cpu, fin.n_cpu - ini.n_cpu, fin.i_mem - ini.i_mem,
                     fin.i_dsk - ini.i_dsk, fin.i_spn - ini.i_spn)
    unav = AllocInfo(fin.v_cpu - fin.i_cpu, fin.t_cpu - fin.n_cpu,
                     math.trunc(fin.t_mem) - fin.i_mem, math.trunc(fin.t_dsk) - fin.i_dsk,
                     math.trunc(fin.t_spn) - fin.i_spn)
    return used, pool, unav
