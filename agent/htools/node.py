"""Nodes and the four simulated operations every htools algorithm is built on.

`add_primary`, `add_secondary`, `remove_primary` and `remove_secondary` follow
Ganeti 3.0.2's `Node.hs` step by step (same checks in the same order, same
float operations), so that scores computed from the results are bit-identical.
Operations never mutate their input: they return a new `Node` or a `FailMode`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .instance import MEMORY_STATUSES, NO_NODE, Instance
from .types import (
    DEFAULT_IPOLICY,
    ZERO_UTIL,
    DynUtil,
    FailMode,
    FastCopy,
    InstanceStatus,
    IPolicy,
)


def fdiv(num: float, den: float) -> float:
    """IEEE division as Haskell does it: x/0 is +-Infinity or NaN, never an error."""
    if den == 0:
        if num == 0 or math.isnan(num):
            return math.nan
        return math.copysign(math.inf, num) * math.copysign(1.0, den)
    return num / den


def compute_pdsk(free: int, total: float) -> float:
    """Free disk ratio; a node without disk counts as perfectly free."""
    if total == 0:
        return 1.0
    return fdiv(free, total)


@dataclass
class Node(FastCopy):
    """A node: its resources, its instances and the derived bookkeeping."""

    name: str
    t_mem: float
    n_mem: int
    f_mem: int
    t_dsk: float
    f_dsk: int
    t_cpu: float
    offline: bool = False
    group: int = 0
    t_spindles: int = 1
    f_spindles: int = 0
    n_cpu: int = 1
    excl_storage: bool = False
    cpu_speed: float = 1.0
    tags: list[str] = field(default_factory=list)
    is_master: bool = False
    idx: int = -1
    alias: str = ""
    # derived state
    i_mem: int = 0
    x_mem: int = 0
    p_mem: float = 0.0
    f_mem_forth: int = 0
    f_dsk_forth: int = 0
    u_cpu: int = 0
    u_cpu_forth: int = 0
    f_spindles_forth: int = 0
    plist: list[int] = field(default_factory=list)
    slist: list[int] = field(default_factory=list)
    plist_forth: list[int] = field(default_factory=list)
    slist_forth: list[int] = field(default_factory=list)
    peers: dict[int, int] = field(default_factory=dict)
    fail_n1: bool = True
    r_mem: int = 0
    p_rem: float = 0.0
    p_dsk: float = 1.0
    p_dsk_forth: float = 1.0
    p_mem_forth: float = 0.0
    p_cpu: float = 0.0
    p_cpu_forth: float = 0.0
    m_dsk: float = 0.0
    lo_dsk: int = 0
    hi_cpu: int = 0
    hi_spindles: float = 0.0
    inst_spindles: float = 0.0
    inst_spindles_forth: float = 0.0
    util_load: DynUtil = ZERO_UTIL
    util_load_forth: DynUtil = ZERO_UTIL
    p_tags: dict[str, int] = field(default_factory=dict)
    ipolicy: IPolicy = DEFAULT_IPOLICY
    mig_tags: frozenset[str] = frozenset()
    rmig_tags: frozenset[str] = frozenset()
    location_tags: frozenset[str] = frozenset()
    location_score: int = 0
    instance_map: dict[tuple[str, str], int] = field(default_factory=dict)
    hypervisor: str | None = None

    def __post_init__(self) -> None:
        if not self.alias:
            self.alias = self.name
        self.f_mem_forth = self.f_mem
        self.f_dsk_forth = self.f_dsk
        self.u_cpu = self.n_cpu
        self.u_cpu_forth = self.n_cpu
        self.f_spindles_forth = self.f_spindles
        self.p_mem_forth = fdiv(self.f_mem, self.t_mem)
        pdsk = self._new_pdsk(self.f_spindles, self.f_dsk)
        self.p_dsk = pdsk
        self.p_dsk_forth = pdsk
        self.p_cpu = fdiv(self.n_cpu, self.t_cpu)
        self.p_cpu_forth = self.p_cpu
        self.set_policy(self.ipolicy)

    # -- construction helpers ---------------------------------------------------
    def clone(self) -> Node:
        """A copy whose mutable containers are independent of this node."""
        new = self.__copy__()
        new.plist = list(self.plist)
        new.slist = list(self.slist)
        new.plist_forth = list(self.plist_forth)
        new.slist_forth = list(self.slist_forth)
        new.peers = dict(self.peers)
        new.p_tags = dict(self.p_tags)
        new.instance_map = dict(self.instance_map)
        return new

    def set_policy(self, pol: IPolicy) -> None:
        """Adopt the group policy (vcpu and spindle limits)."""
        self.ipolicy = pol
        self.hi_cpu = math.floor(pol.vcpu_ratio * self.t_cpu)
        self.hi_spindles = pol.spindle_ratio * self.t_spindles

    def set_mcpu(self, ratio: float) -> None:
        """Override the vcpu ratio (`--max-cpu`)."""
        from dataclasses import replace

        self.ipolicy = replace(self.ipolicy, vcpu_ratio=ratio)
        self.hi_cpu = math.floor(ratio * self.t_cpu)

    def set_mdsk(self, ratio: float) -> None:
        """Set the minimum free disk ratio (`--min-disk`)."""
        self.m_dsk = ratio
        self.lo_dsk = math.floor(ratio * self.t_dsk)

    def _new_pdsk(self, free_sp: int, free_dsk: int) -> float:
        if self.excl_storage:
            return compute_pdsk(free_sp, float(self.t_spindles))
        return compute_pdsk(free_dsk, self.t_dsk)

    # -- derived values -------------------------------------------------------
    @property
    def recorded_free_mem(self) -> int:
        """Total minus node and instance memory (state of record)."""
        return math.trunc(self.t_mem) - self.n_mem - self.i_mem

    @property
    def unallocated_mem(self) -> int:
        """Free memory as the model sees it (unexplained memory deducted)."""
        return self.recorded_free_mem - max(0, self.x_mem)

    @property
    def avail_mem(self) -> int:
        """Memory available after the N+1 reservation."""
        return max(0, self.unallocated_mem - self.r_mem)

    @property
    def avail_disk(self) -> int:
        """Free disk above the `--min-disk` floor."""
        return max(0, self.f_dsk - self.lo_dsk)

    @property
    def avail_cpu(self) -> int:
        """Virtual CPUs left under the policy's vcpu ratio."""
        return max(0, self.hi_cpu - self.u_cpu)

    @property
    def p_cpu_eff(self) -> float:
        """vcpu ratio weighted by relative CPU speed (score input)."""
        return fdiv(self.p_cpu, self.cpu_speed)

    @property
    def p_cpu_eff_forth(self) -> float:
        """Forthcoming variant of `p_cpu_eff`."""
        return fdiv(self.p_cpu_forth, self.cpu_speed)

    @property
    def conflicting_primaries(self) -> int:
        """Exclusion-tag conflicts among the node's primaries."""
        return sum(self.p_tags.values()) - len(self.p_tags)

    def policy_health(self) -> FailMode | None:
        """None when the node respects its spindle and vcpu limits."""
        if self.inst_spindles > self.hi_spindles:
            return FailMode.FAIL_DISK
        if self.p_cpu > self.ipolicy.vcpu_ratio:
            return FailMode.FAIL_CPU
        return None

    def check_migration(self, target: Node) -> bool:
        """Whether instances may migrate from this node to `target`."""
        return self.mig_tags <= target.rmig_tags

    # -- helpers mirroring Node.hs -------------------------------------------------
    def _spindle_use(self, add: bool, inst: Instance, base: float) -> float:
        if self.excl_storage:
            return 0.0
        if inst.local_storage:
            return base + inst.spindle_use if add else base - inst.spindle_use
        return base

    def _free_spindles(self, add: bool, inst: Instance, base: int) -> int:
        if not self.excl_storage:
            return 0
        total = inst.total_spindles
        if total is None:
            return -1 if add else base
        return base - total if add else base + total

    def dsrd_loc_score(self, inst: Instance) -> int:
        """Desired-location tags of `inst` this node does not satisfy."""
        return len(inst.dsrd_loc_tags) - len(inst.dsrd_loc_tags & self.location_tags)

    def loc_excl_pairs(self, inst: Instance) -> list[tuple[str, str]]:
        """(location tag, exclusion tag) pairs `inst` adds when primary here."""
        return [(loc, ex) for loc in sorted(self.location_tags) for ex in inst.excl_tags]

    def _forth_only_add(self, inst: Instance) -> None:
        if inst.local_storage:
            self.f_dsk_forth -= inst.dsk
        self.f_spindles_forth = self._free_spindles(True, inst, self.f_spindles_forth)
        self.p_dsk_forth = self._new_pdsk(self.f_spindles_forth, self.f_dsk_forth)

    def build_peers(self, instances: list[Instance]) -> None:
        """Compute the peer map, reserved memory and load-time N+1 flag."""
        peers: dict[int, int] = {}
        for iidx in reversed(self.slist):
            inst = instances[iidx]
            mem = inst.mem if inst.uses_sec_mem and not inst.forthcoming else 0
            peers[inst.pnode] = peers.get(inst.pnode, 0) + mem
        self.peers = peers
        self.r_mem = max(peers.values(), default=0)
        self.fail_n1 = self.f_mem < self.r_mem
        self.p_rem = fdiv(self.r_mem, self.t_mem)

    # -- simulated operations ---------------------------------------------------
    def remove_primary(self, inst: Instance) -> Node:
        """Take a primary instance off this node (never fails)."""
        t = self
        n = t.clone()
        uses_disk = inst.local_storage
        if not inst.forthcoming:
            n.plist.remove(inst.idx)
            if inst.uses_memory:
                n.i_mem = t.i_mem - inst.mem
            new_free = n.unallocated_mem
            n.p_mem = fdiv(new_free, t.t_mem)
            n.fail_n1 = new_free <= t.r_mem
            if uses_disk:
                n.f_dsk = t.f_dsk + inst.dsk
            n.f_spindles = t._free_spindles(False, inst, t.f_spindles)
            n.inst_spindles = t._spindle_use(False, inst, t.inst_spindles)
            n.p_dsk = t._new_pdsk(n.f_spindles, n.f_dsk)
            if not inst.offline:
                n.u_cpu = t.u_cpu - inst.vcpus
            n.p_cpu = fdiv(n.u_cpu, t.t_cpu)
            n.util_load = t.util_load.sub(inst.util)
            n.location_score = t.location_score - inst.location_score - t.dsrd_loc_score(inst)
            _del_tags(n.instance_map, t.loc_excl_pairs(inst))
        _del_tags(n.p_tags, inst.excl_tags)
        n.plist_forth.remove(inst.idx)
        n.f_mem_forth = t.f_mem_forth + inst.mem
        if uses_disk:
            n.f_dsk_forth = t.f_dsk_forth + inst.dsk
        n.f_spindles_forth = t._free_spindles(False, inst, t.f_spindles_forth)
        n.inst_spindles_forth = t._spindle_use(False, inst, t.inst_spindles_forth)
        n.p_mem_forth = fdiv(n.f_mem_forth, t.t_mem)
        n.p_dsk_forth = t._new_pdsk(n.f_spindles_forth, n.f_dsk_forth)
        if not inst.offline:
            n.u_cpu_forth = t.u_cpu_forth - inst.vcpus
        n.p_cpu_forth = fdiv(n.u_cpu_forth, t.t_cpu)
        n.util_load_forth = t.util_load_forth.sub(inst.util)
        return n

    def remove_secondary(self, inst: Instance) -> Node:
        """Take a secondary instance off this node (never fails)."""
        t = self
        n = t.clone()
        uses_disk = inst.local_storage
        if not inst.forthcoming:
            n.slist.remove(inst.idx)
            if uses_disk:
                n.f_dsk = t.f_dsk + inst.dsk
            n.f_spindles = t._free_spindles(False, inst, t.f_spindles)
            n.inst_spindles = t._spindle_use(False, inst, t.inst_spindles)
            pnode = inst.pnode
            old_peem = t.peers.get(pnode, 0)
            new_peem = old_peem - inst.mem if inst.uses_sec_mem else old_peem
            if new_peem > 0:
                n.peers[pnode] = new_peem
            else:
                n.peers.pop(pnode, None)
            if old_peem < t.r_mem:
                n.r_mem = t.r_mem
            else:
                n.r_mem = max(n.peers.values(), default=0)
            n.p_rem = fdiv(n.r_mem, t.t_mem)
            n.fail_n1 = t.unallocated_mem <= n.r_mem
            n.p_dsk = t._new_pdsk(n.f_spindles, n.f_dsk)
            n.util_load = _add_dsk(t.util_load, -inst.util.dsk)
        n.slist_forth.remove(inst.idx)
        if uses_disk:
            n.f_dsk_forth = t.f_dsk_forth + inst.dsk
        n.f_spindles_forth = t._free_spindles(False, inst, t.f_spindles_forth)
        n.inst_spindles_forth = t._spindle_use(False, inst, t.inst_spindles_forth)
        n.p_dsk_forth = t._new_pdsk(n.f_spindles_forth, n.f_dsk_forth)
        n.util_load_forth = _add_dsk(t.util_load_forth, -inst.util.dsk)
        return n

    def _forth_add_check_pri(self, inst: Instance, mem_f: int, dsk_f: int, sp_f: int,
                             isp_f: float, pcpu_f: float) -> FailMode | None:
        uses_disk = inst.local_storage
        l_cpu = self.ipolicy.vcpu_ratio
        if mem_f <= 0:
            return FailMode.FAIL_MEM
        if uses_disk and dsk_f <= 0:
            return FailMode.FAIL_DISK
        if uses_disk and dsk_f < self.lo_dsk:
            return FailMode.FAIL_DISK
        if uses_disk and self.excl_storage and sp_f < 0:
            return FailMode.FAIL_SPINDLES
        if uses_disk and isp_f > self.hi_spindles:
            return FailMode.FAIL_DISK
        if l_cpu >= 0 and l_cpu < pcpu_f:
            return FailMode.FAIL_CPU
        return None

    def add_primary(self, inst: Instance, force: bool = False) -> Node | FailMode:
        """Place `inst` as primary here, or say why it cannot be (spec §5.8)."""
        t = self
        strict = not force
        uses_disk = inst.local_storage
        l_cpu = t.ipolicy.vcpu_ratio
        mem_f = t.f_mem_forth - inst.mem
        dsk_f = t.f_dsk_forth - inst.dsk if uses_disk else t.f_dsk_forth
        sp_f = t._free_spindles(True, inst, t.f_spindles_forth)
        isp_f = t._spindle_use(True, inst, t.inst_spindles_forth)
        ucpu_f = t.u_cpu_forth + inst.vcpus if not inst.offline else t.u_cpu_forth
        pcpu_f = fdiv(ucpu_f, t.t_cpu)
        if inst.forthcoming:
            if strict:
                err = t._forth_add_check_pri(inst, mem_f, dsk_f, sp_f, isp_f, pcpu_f)
                if err is not None:
                    return err
            n = t.clone()
        else:
            new_i_mem = t.i_mem + inst.mem if inst.uses_memory else t.i_mem
            new_free = math.trunc(t.t_mem) - t.n_mem - new_i_mem - max(0, t.x_mem)
            new_failn1 = new_free <= t.r_mem
            new_dsk = t.f_dsk - inst.dsk if uses_disk else t.f_dsk
            new_sp = t._free_spindles(True, inst, t.f_spindles)
            new_isp = t._spindle_use(True, inst, t.inst_spindles)
            new_ucpu = t.u_cpu + inst.vcpus if not inst.offline else t.u_cpu
            new_pcpu = fdiv(new_ucpu, t.t_cpu)
            if new_free <= 0:
                return FailMode.FAIL_MEM
            if uses_disk and new_dsk <= 0:
                return FailMode.FAIL_DISK
            if strict and uses_disk and new_dsk < t.lo_dsk:
                return FailMode.FAIL_DISK
            if uses_disk and t.excl_storage and new_sp < 0:
                return FailMode.FAIL_SPINDLES
            if strict and uses_disk and new_isp > t.hi_spindles:
                return FailMode.FAIL_DISK
            if strict and new_failn1 and not t.fail_n1:
                return FailMode.FAIL_MEM
            if strict and l_cpu >= 0 and l_cpu < new_pcpu:
                return FailMode.FAIL_CPU
            if strict and any(tag in t.p_tags for tag in inst.excl_tags):
                return FailMode.FAIL_TAGS
            if strict:
                err = t._forth_add_check_pri(inst, mem_f, dsk_f, sp_f, isp_f, pcpu_f)
                if err is not None:
                    return err
            n = t.clone()
            n.plist.insert(0, inst.idx)
            n.i_mem = new_i_mem
            n.f_dsk = new_dsk
            n.fail_n1 = new_failn1
            n.p_mem = fdiv(new_free, t.t_mem)
            n.p_dsk = t._new_pdsk(new_sp, new_dsk)
            n.u_cpu = new_ucpu
            n.p_cpu = new_pcpu
            n.util_load = t.util_load.add(inst.util)
            n.inst_spindles = new_isp
            n.f_spindles = new_sp
            n.location_score = t.location_score + inst.location_score + t.dsrd_loc_score(inst)
            _add_tags(n.instance_map, t.loc_excl_pairs(inst))
        _add_tags(n.p_tags, inst.excl_tags)
        n.plist_forth.insert(0, inst.idx)
        n.f_mem_forth = mem_f
        n.f_dsk_forth = dsk_f
        n.p_mem_forth = fdiv(mem_f, t.t_mem)
        n.p_dsk_forth = t._new_pdsk(sp_f, dsk_f)
        n.u_cpu_forth = ucpu_f
        n.p_cpu_forth = pcpu_f
        n.util_load_forth = t.util_load_forth.add(inst.util)
        n.inst_spindles_forth = isp_f
        n.f_spindles_forth = sp_f
        return n

    def add_secondary(self, inst: Instance, pdx: int, force: bool = False,
                      ignore_disks: bool = False) -> Node | FailMode:
        """Place `inst` as secondary of primary `pdx` here, or say why not."""
        t = self
        strict = not force
        need = inst.mem if inst.uses_sec_mem else 0
        new_peem = t.peers.get(pdx, 0) + need
        dsk_f = t.f_dsk_forth - inst.dsk
        sp_f = t._free_spindles(True, inst, t.f_spindles_forth)
        isp_f = t._spindle_use(True, inst, t.inst_spindles_forth)

        def forth_check() -> FailMode | None:
            if not inst.has_secondary:
                return FailMode.FAIL_DISK
            if dsk_f <= 0 or dsk_f < t.lo_dsk:
                return FailMode.FAIL_DISK
            if t.excl_storage and sp_f < 0:
                return FailMode.FAIL_SPINDLES
            if isp_f > t.hi_spindles:
                return FailMode.FAIL_DISK
            if need >= t.f_mem_forth:
                return FailMode.FAIL_MEM
            return None

        if inst.forthcoming:
            if strict:
                err = forth_check()
                if err is not None:
                    return err
            n = t.clone()
        else:
            old_mem = t.unallocated_mem
            new_dsk = t.f_dsk - inst.dsk
            new_sp = t._free_spindles(True, inst, t.f_spindles)
            new_isp = t._spindle_use(True, inst, t.inst_spindles)
            new_rmem = max(t.r_mem, new_peem)
            new_failn1 = old_mem <= new_rmem
            if not inst.has_secondary:
                return FailMode.FAIL_DISK
            if not ignore_disks and new_dsk <= 0:
                return FailMode.FAIL_DISK
            if strict and new_dsk < t.lo_dsk:
                return FailMode.FAIL_DISK
            if t.excl_storage and new_sp < 0:
                return FailMode.FAIL_SPINDLES
            if strict and new_isp > t.hi_spindles:
                return FailMode.FAIL_DISK
            if strict and need >= old_mem:
                return FailMode.FAIL_MEM
            if strict and new_failn1 and not t.fail_n1:
                return FailMode.FAIL_MEM
            if strict:
                err = forth_check()
                if err is not None:
                    return err
            n = t.clone()
            n.slist.insert(0, inst.idx)
            n.f_dsk = new_dsk
            n.peers[pdx] = new_peem
            n.fail_n1 = new_failn1
            n.r_mem = new_rmem
            n.p_dsk = t._new_pdsk(new_sp, new_dsk)
            n.p_rem = fdiv(new_rmem, t.t_mem)
            n.util_load = _add_dsk(t.util_load, inst.util.dsk)
            n.inst_spindles = new_isp
            n.f_spindles = new_sp
        n.slist_forth.insert(0, inst.idx)
        n.f_dsk_forth = dsk_f
        n.p_dsk_forth = t._new_pdsk(sp_f, dsk_f)
        n.util_load_forth = _add_dsk(t.util_load_forth, inst.util.dsk)
        n.inst_spindles_forth = isp_f
        n.f_spindles_forth = sp_f
        return n


def _add_dsk(util: DynUtil, delta: float) -> DynUtil:
    return DynUtil(util.cpu, util.mem, util.dsk + delta, util.net)


def _add_tags(counts: dict, keys: list) -> None:
    for key in keys:
        counts[key] = counts.get(key, 0) + 1


def _del_tags(counts: dict, keys: list) -> None:
    for key in keys:
        val = counts.get(key)
        if val is None:
            continue
        if val > 1:
            counts[key] = val - 1
        else:
            del counts[key]


def _sum_primary(p: int, idx: int, vcpus: int, util: DynUtil, su: int, excl: bool,
                 plist: list[list[int]], ucpu: list[int], load: list[list[float]],
                 isp: list[float]) -> None:
    """One primary added to node p's running lists and sums (current or forthcoming)."""
    plist[p].append(idx)
    ucpu[p] += vcpus
    acc = load[p]
    acc[0] += util.cpu
    acc[1] += util.mem
    acc[2] += util.dsk
    acc[3] += util.net
    isp[p] = 0.0 if excl else isp[p] + su


def place_instances(nodes: list[Node], insts: list[Instance]) -> None:
    """Ganeti's load-time `setPri`/`setSec` for every instance, in one pass.

    The sums are taken in instance order, as one `setPri`/`setSec` call per instance
    would take them, so every float is the one Ganeti computes. Only forthcoming
    instances go through the node's own bookkeeping.
    """
    count = len(nodes)
    plist: list[list[int]] = [[] for _ in range(count)]
    slist: list[list[int]] = [[] for _ in range(count)]
    plist_f: list[list[int]] = [[] for _ in range(count)]
    slist_f: list[list[int]] = [[] for _ in range(count)]
    ucpu = [n.u_cpu for n in nodes]
    ucpu_f = [n.u_cpu_forth for n in nodes]
    fmem_f = [n.f_mem_forth for n in nodes]
    isp = [n.inst_spindles for n in nodes]
    isp_f = [n.inst_spindles_forth for n in nodes]
    locs = [n.location_score for n in nodes]
    load = [[n.util_load.cpu, n.util_load.mem, n.util_load.dsk, n.util_load.net] for n in nodes]
    load_f = [[n.util_load_forth.cpu, n.util_load_forth.mem, n.util_load_forth.dsk,
               n.util_load_forth.net] for n in nodes]
    excl = [n.excl_storage for n in nodes]
    offline_status = InstanceStatus.ADMIN_OFFLINE
    for inst in insts:
        p, s, idx = inst.pnode, inst.snode, inst.idx
        util = inst.util
        forth = inst.forthcoming
        counts = not forth and inst.status in MEMORY_STATUSES
        vcpus = 0 if inst.status is offline_status else inst.vcpus
        local = inst.disk_template.local_storage
        su = inst.spindle_use if local else 0
        node = nodes[p]
        if not forth:
            _sum_primary(p, idx, vcpus, util, su, excl[p], plist, ucpu, load, isp)
            if inst.location_score or inst.dsrd_loc_tags:
                locs[p] += inst.location_score + node.dsrd_loc_score(inst)
            if inst.excl_tags and node.location_tags:
                _add_tags(node.instance_map, node.loc_excl_pairs(inst))
        else:
            node._forth_only_add(inst)
        if not counts:
            fmem_f[p] -= inst.mem
        if inst.excl_tags:
            _add_tags(node.p_tags, inst.excl_tags)
        _sum_primary(p, idx, vcpus, util, su, excl[p], plist_f, ucpu_f, load_f, isp_f)
        if s == NO_NODE:
            continue
        if not forth:
            slist[s].append(idx)
            load[s][2] += util.dsk
            isp[s] = 0.0 if excl[s] else isp[s] + su
        else:
            nodes[s]._forth_only_add(inst)
        slist_f[s].append(idx)
        load_f[s][2] += util.dsk
        isp_f[s] = 0.0 if excl[s] else isp_f[s] + su
    for i, node in enumerate(nodes):
        if not plist_f[i] and not slist_f[i]:
            continue
        node.plist = plist[i][::-1] + node.plist
        node.slist = slist[i][::-1] + node.slist
        node.plist_forth = plist_f[i][::-1] + node.plist_forth
        node.slist_forth = slist_f[i][::-1] + node.slist_forth
        node.u_cpu = ucpu[i]
        node.u_cpu_forth = ucpu_f[i]
        node.p_cpu = fdiv(ucpu[i], node.t_cpu)
        node.p_cpu_forth = fdiv(ucpu_f[i], node.t_cpu)
        node.f_mem_forth = fmem_f[i]
        node.p_mem_forth = fdiv(fmem_f[i], node.t_mem)
        node.inst_spindles = isp[i]
        node.inst_spindles_forth = isp_f[i]
        node.location_score = locs[i]
        node.util_load = DynUtil(*load[i])
        node.util_load_forth = DynUtil(*load_f[i])
