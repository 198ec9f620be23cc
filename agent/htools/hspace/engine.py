"""Vectorised `tryAlloc` for hspace: every candidate node or pair scored at once.

hspace places the same kind of new instance thousands of times; trying it on
every node (or every node pair, for DRBD) one `Node` operation at a time is
what makes it slow. This engine evaluates `addPrimary`/`addSecondary` and the
resulting scores for all candidates with NumPy, reproducing Ganeti's float
operations exactly:

- single-node placements are scored by a full recomputation (Ganeti's
  `compCV`): per candidate, the left folds of each changed component over the
  node list with that node's column replaced;
- pair placements by updating the cluster statistics twice (Ganeti's
  `updateClusterStatisticsTwice`, spec §7.3).

Only the chosen placement (and those the capacity filter inspects) is built
as `Node` objects. Instances the vectorised model does not cover (forthcoming,
not running, with tags) and forced placements go to the plain engine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..allocation import AllocationError, AllocElement, AllocSolution
from ..global_n1 import alloc_global_n1
from ..instance import NO_NODE, Instance
from ..moves import with_location_score
from ..node import Node
from ..policy import inst_matches_policy
from ..score import COMPONENTS, MAP_COMPONENT, OFFLINE_ROWS, STDDEV_ROWS, SUM_ROWS, node_values
from ..types import FailMode
from .loops import AllocState, Candidates, CapacityOptions, PlainEngine

NO_FAIL = -1
# Below these sizes NumPy's fixed cost per call outweighs the work, and the plain
# engine answers faster (3 nodes: 5 s against 29 s for a whole tiered drbd run).
PLAIN_MAX_PAIRS = 256
PLAIN_MAX_NODES = 8
_WEIGHTS = [c.weight for c in COMPONENTS]
_FIELDS = ("t_mem", "t_mem_trunc", "n_mem", "x_pos", "i_mem", "r_mem", "fail_n1", "fmem_f",
           "f_dsk", "fdsk_f", "lo_dsk", "t_dsk", "excl", "t_sp", "f_sp", "fsp_f", "inst_sp",
           "isp_f", "hi_sp", "u_cpu", "ucpu_f", "t_cpu", "vcpu_ratio", "speed", "npri", "nsec",
           "l0", "l1", "l2", "l3", "loc", "offline")


@dataclass
class CountedSolution(AllocSolution):
    """An `AllocSolution` that carries its failures as counts per mode (enum order).

    `failures` stays empty: with a million candidate pairs the list itself
    would cost more than the allocation; the loops read `counts`.
    """

    counts: list[int] = field(default_factory=lambda: [0] * len(FailMode))


def _row(node: Node) -> tuple[list[float], list[float]]:
    load = node.util_load
    vals = [node.t_mem, float(int(node.t_mem)), node.n_mem, max(0, node.x_mem), node.i_mem,
            node.r_mem, float(node.fail_n1), node.f_mem_forth, node.f_dsk, node.f_dsk_forth,
            node.lo_dsk, node.t_dsk, float(node.excl_storage), float(node.t_spindles),
            node.f_spindles, node.f_spindles_forth, node.inst_spindles,
            node.inst_spindles_forth, node.hi_spindles, node.u_cpu, node.u_cpu_forth,
            node.t_cpu, node.ipolicy.vcpu_ratio, node.cpu_speed, len(node.plist),
            len(node.slist), load.cpu, load.mem, load.dsk, load.net, node.location_score,
            float(node.offline)]
    return [float(v) for v in vals], node_values(node)


class _Arrays:
    """Column arrays of one cluster state (nodes in index order)."""

    def __init__(self, nodes: dict[int, Node], rows: dict[int, tuple[Node, Any]]) -> None:
        self.ids = sorted(nodes)
        self.col = {idx: j for j, idx in enumerate(self.ids)}
        self.nodes = [nodes[i] for i in self.ids]
        fields, values = [], []
        for node in self.nodes:
            hit = rows.get(id(node))
            if hit is None or hit[0] is not node:
                hit = (node, _row(node))
                rows[id(node)] = hit
            fields.append(hit[1][0])
            values.append(hit[1][1])
        mat = np.array(fields, dtype=np.float64).reshape(len(self.nodes), len(_FIELDS)).T
        self.f = {name: mat[k] for k, name in enumerate(_FIELDS)}
        self.b = {k: self.f[k] > 0 for k in ("fail_n1", "excl", "offline")}
        self.values = np.array(values, dtype=np.float64).reshape(len(self.nodes), 20).T
        self.online = ~self.b["offline"]
        self.has_excl = bool(self.b["excl"].any())
        merged: dict = {}
        for node in self.nodes:
            if not node.offline:
                for key, val in node.instance_map.items():
                    merged[key] = merged.get(key, 0) + val
        self.map_value = float(sum(merged.values()) - len(merged))
        self._peers: np.ndarray | None = None
        self._locs: np.ndarray | None = None
        self._stats: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None

    def peers(self) -> np.ndarray:
        """peers[s, p]: memory node s reserves for primary p (column positions)."""
        if self._peers is None:
            n = len(self.nodes)
            self._peers = np.zeros((n, n), dtype=np.float64)
            for j, node in enumerate(self.nodes):
                for key, val in node.peers.items():
                    if key in self.col:
                        self._peers[j, self.col[key]] = val
        return self._peers

    def shared_locations(self) -> np.ndarray | None:
        """Common location tags of every node pair, None when no node has any."""
        if self._locs is None:
            vocab: dict[str, int] = {}
            for node in self.nodes:
                for tag in sorted(node.location_tags):
                    vocab.setdefault(tag, len(vocab))
            if not vocab:
                self._locs = np.zeros((0, 0))
            else:
                lmat = np.zeros((len(self.nodes), len(vocab)))
                for j, node in enumerate(self.nodes):
                    for tag in node.location_tags:
                        lmat[j, vocab[tag]] = 1.0
                self._locs = lmat @ lmat.T
        return None if self._locs.size == 0 else self._locs

    def stats(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per component: count, total, variance (stddev rows) or sum, as `ClusterStats`."""
        if self._stats is None:
            on = self.values[:, self.online]
            off = self.values[:, ~self.online]
            n = np.zeros(20)
            total = np.zeros(20)
            var = np.zeros(20)
            for k in STDDEV_ROWS:
                xs = on[k]
                n[k] = float(xs.size)
                total[k] = _fold(xs)
                mean = total[k] / n[k]
                d = xs - mean
                var[k] = _fold(d * d) / n[k]
            for k in SUM_ROWS:
                total[k] = _fold(on[k])
            for k in OFFLINE_ROWS:
                total[k] = _fold(off[k])
            total[MAP_COMPONENT] = self.map_value
            self._stats = (n, total, var, np.isfinite(total) & np.isfinite(var))
        return self._stats


def _fold(xs: np.ndarray) -> float:
    return float(np.cumsum(xs)[-1]) if xs.size else 0.0


def _fold_rows(mat: np.ndarray) -> np.ndarray:
    if mat.shape[1] == 0:
        return np.zeros(mat.shape[0])
    return np.cumsum(mat, axis=1)[:, -1]


def _pdsk(a: _Arrays, cols: Any, free_sp: np.ndarray, free_dsk: np.ndarray) -> np.ndarray:
    t_dsk = a.f["t_dsk"][cols]
    by_dsk = np.where(t_dsk == 0, 1.0, free_dsk / np.where(t_dsk == 0, 1.0, t_dsk))
    if not a.has_excl:
        return by_dsk
    t_sp = a.f["t_sp"][cols]
    by_sp = np.where(t_sp == 0, 1.0, free_sp / np.where(t_sp == 0, 1.0, t_sp))
    return np.where(a.b["excl"][cols], by_sp, by_dsk)


def _first_failure(checks: list[tuple[np.ndarray, FailMode]], shape: tuple[int, ...]
                   ) -> np.ndarray:
    code = np.full(shape, NO_FAIL, dtype=np.int64)
    for mask, mode in reversed(checks):
        code = np.where(mask, int(mode), code)
    return code


@dataclass
class _Inst:
    """The instance's numbers as the node operations use them."""

    mem: float
    dsk: float
    vcpus: float
    local: bool
    su: float
    totsp: float
    util: tuple[float, float, float, float]

    @staticmethod
    def of(inst: Instance) -> _Inst:
        tot = inst.total_spindles
        u = inst.util
        return _Inst(float(inst.mem), float(inst.dsk), float(inst.vcpus), inst.local_storage,
                     float(inst.spindle_use), float(-1 if tot is None else tot),
                     (u.cpu, u.mem, u.dsk, u.net))


def _spindles_free(a: _Arrays, cols: Any, ins: _Inst, base: np.ndarray) -> np.ndarray:
    if not a.has_excl:
        return np.zeros_like(base)
    new = base - ins.totsp if ins.totsp >= 0 else np.full_like(base, -1.0)
    return np.where(a.b["excl"][cols], new, 0.0)


def _spindles_used(a: _Arrays, cols: Any, ins: _Inst, base: np.ndarray) -> np.ndarray:
    new = base + ins.su if ins.local else base
    if not a.has_excl:
        return new
    return np.where(a.b["excl"][cols], 0.0, new)


def _primary(a: _Arrays, cols: np.ndarray, ins: _Inst) -> tuple[np.ndarray, dict[int, Any]]:
    """addPrimary on the nodes `cols`: (failure codes, new per-node component values)."""
    f = {k: v[cols] for k, v in a.f.items()}
    local = ins.local
    i_mem = f["i_mem"] + ins.mem
    free = f["t_mem_trunc"] - f["n_mem"] - i_mem - f["x_pos"]
    failn1 = free <= f["r_mem"]
    f_dsk = f["f_dsk"] - ins.dsk if local else f["f_dsk"]
    f_sp = _spindles_free(a, cols, ins, f["f_sp"])
    isp = _spindles_used(a, cols, ins, f["inst_sp"])
    u_cpu = f["u_cpu"] + ins.vcpus
    pcpu = u_cpu / f["t_cpu"]
    lcpu = f["vcpu_ratio"]
    fmem_f = f["fmem_f"] - ins.mem
    fdsk_f = f["fdsk_f"] - ins.dsk if local else f["fdsk_f"]
    fsp_f = _spindles_free(a, cols, ins, f["fsp_f"])
    isp_f = _spindles_used(a, cols, ins, f["isp_f"])
    ucpu_f = f["ucpu_f"] + ins.vcpus
    pcpu_f = ucpu_f / f["t_cpu"]
    excl = a.b["excl"][cols]
    was_n1 = a.b["fail_n1"][cols]
    none = np.zeros(cols.shape, dtype=bool)
    loc = np.full(cols.shape, local)
    checks = [
        (free <= 0, FailMode.FAIL_MEM),
        (loc & (f_dsk <= 0), FailMode.FAIL_DISK),
        (loc & (f_dsk < f["lo_dsk"]), FailMode.FAIL_DISK),
        (loc & excl & (f_sp < 0), FailMode.FAIL_SPINDLES),
        (loc & (isp > f["hi_sp"]), FailMode.FAIL_DISK),
        (failn1 & ~was_n1, FailMode.FAIL_MEM),
        ((lcpu >= 0) & (lcpu < pcpu), FailMode.FAIL_CPU),
        (none, FailMode.FAIL_TAGS),
        (fmem_f <= 0, FailMode.FAIL_MEM),
        (loc & (fdsk_f <= 0), FailMode.FAIL_DISK),
        (loc & (fdsk_f < f["lo_dsk"]), FailMode.FAIL_DISK),
        (loc & excl & (fsp_f < 0), FailMode.FAIL_SPINDLES),
        (loc & (isp_f > f["hi_sp"]), FailMode.FAIL_DISK),
        ((lcpu >= 0) & (lcpu < pcpu_f), FailMode.FAIL_CPU),
    ]
    code = _first_failure(checks, cols.shape)
    npri = f["npri"] + 1
    vals = {
        0: free / f["t_mem"],
        1: _pdsk(a, cols, f_sp, f_dsk),
        2: np.where(failn1, f["nsec"] + npri, 0.0),
        4: npri + f["nsec"],
        5: npri,
        6: pcpu / f["speed"],
        7: f["l0"] + ins.util[0], 8: f["l1"] + ins.util[1], 9: f["l2"] + ins.util[2],
        10: f["l3"] + ins.util[3],
        12: isp / f["hi_sp"],
        13: fmem_f / f["t_mem"],
        14: _pdsk(a, cols, fsp_f, fdsk_f),
        15: pcpu_f / f["speed"],
        16: isp_f / f["hi_sp"],
    }
    return code, vals


def _secondary(a: _Arrays, pcols: np.ndarray, scols: np.ndarray, ins: _Inst
               ) -> tuple[np.ndarray, dict[int, Any]]:
    """addSecondary of every (primary row, secondary column): codes and new values."""
    f = {k: v[scols][None, :] for k, v in a.f.items()}
    peer = a.peers()[np.ix_(scols, pcols)].T
    need = ins.mem
    new_peem = peer + need
    old_mem = f["t_mem_trunc"] - f["n_mem"] - f["i_mem"] - f["x_pos"]
    new_dsk = f["f_dsk"] - ins.dsk
    new_sp = _spindles_free(a, scols, ins, a.f["f_sp"][scols])[None, :]
    new_isp = _spindles_used(a, scols, ins, a.f["inst_sp"][scols])[None, :]
    r_mem = np.maximum(f["r_mem"], new_peem)
    failn1 = old_mem <= r_mem
    dsk_f = f["fdsk_f"] - ins.dsk
    sp_f = _spindles_free(a, scols, ins, a.f["fsp_f"][scols])[None, :]
    isp_f = _spindles_used(a, scols, ins, a.f["isp_f"][scols])[None, :]
    excl = a.b["excl"][scols][None, :]
    was_n1 = a.b["fail_n1"][scols][None, :]
    shape = (len(pcols), len(scols))
    checks = [
        (np.broadcast_to(new_dsk <= 0, shape), FailMode.FAIL_DISK),
        (np.broadcast_to(new_dsk < f["lo_dsk"], shape), FailMode.FAIL_DISK),
        (np.broadcast_to(excl & (new_sp < 0), shape), FailMode.FAIL_SPINDLES),
        (np.broadcast_to(new_isp > f["hi_sp"], shape), FailMode.FAIL_DISK),
        (np.broadcast_to(need >= old_mem, shape), FailMode.FAIL_MEM),
        (failn1 & ~was_n1, FailMode.FAIL_MEM),
        (np.broadcast_to((dsk_f <= 0) | (dsk_f < f["lo_dsk"]), shape), FailMode.FAIL_DISK),
        (np.broadcast_to(excl & (sp_f < 0), shape), FailMode.FAIL_SPINDLES),
        (np.broadcast_to(isp_f > f["hi_sp"], shape), FailMode.FAIL_DISK),
        (np.broadcast_to(need >= f["fmem_f"], shape), FailMode.FAIL_MEM),
    ]
    code = _first_failure(checks, shape)
    nsec = f["nsec"] + 1
    p_rem = r_mem / f["t_mem"]
    vals = {
        1: _pdsk(a, scols, new_sp[0], new_dsk[0])[None, :],
        2: np.where(failn1, nsec + f["npri"], 0.0),
        3: p_rem,
        4: f["npri"] + nsec,
        9: f["l2"] + ins.util[2],
        12: new_isp / f["hi_sp"],
        14: _pdsk(a, scols, sp_f[0], dsk_f[0])[None, :],
        16: isp_f / f["hi_sp"],
        19: p_rem,
    }
    return code, vals


def _update(n: np.ndarray, total: Any, var: Any, x: Any, y: Any, k: int) -> tuple[Any, Any]:
    """One `updateStatistics` step of component `k` (old value x, new value y)."""
    if k in STDDEV_ROWS:
        ds = y - x
        dss = y * y - x * x
        dnnvar = (n * dss - 2 * total * ds) - ds * ds
        new_var = var + dnnvar / (n * n)
        return total + ds, np.where(0.0 <= new_var, new_var, 0.0)
    return total + (y - x), var


class FastEngine:
    """`tryAlloc` on column arrays; same answers as `PlainEngine`, much faster."""

    def __init__(self) -> None:
        self._rows: dict[int, tuple[Node, Any]] = {}
        self._cache: list[tuple[dict[int, Node], _Arrays]] = []
        self._plain = PlainEngine()

    def _arrays(self, nodes: dict[int, Node]) -> _Arrays:
        for ref, arr in self._cache:
            if ref is nodes:
                return arr
        arr = _Arrays(nodes, self._rows)
        self._cache = [*self._cache[-3:], (nodes, arr)]
        if len(self._rows) > 8 * len(nodes) + 1024:
            live = {id(n) for n in nodes.values()}
            self._rows = {k: v for k, v in self._rows.items() if k in live}
        return arr

    @staticmethod
    def _small(inst: Instance, cands: Candidates) -> bool:
        if inst.disk_template.required_nodes == 2:
            return sum(len(ss) for _, ss in cands) < PLAIN_MAX_PAIRS  # type: ignore[misc]
        return len(cands) < PLAIN_MAX_NODES

    @staticmethod
    def _covered(inst: Instance) -> bool:
        return (not inst.forthcoming and inst.uses_memory and not inst.offline
                and inst.uses_sec_mem and not inst.excl_tags and not inst.dsrd_loc_tags)

    def try_alloc(self, state: AllocState, inst: Instance, cands: Candidates,
                  capacity: CapacityOptions | None) -> AllocSolution:
        if not self._covered(inst) or self._small(inst, cands):
            return self._plain.try_alloc(state, inst, cands, capacity)
        pred = None
        if capacity is not None:
            pred = alloc_global_n1(state.nodes, state.instances, capacity.accept_existing,
                                   capacity.ignore_groups)
        a = self._arrays(state.nodes)
        if inst.disk_template.required_nodes == 2:
            if not cands:
                raise AllocationError("Not enough online nodes")
            return self._pairs(a, inst, cands, pred)  # type: ignore[arg-type]
        if not cands:
            raise AllocationError("No online nodes")
        return self._single(a, inst, cands, pred)  # type: ignore[arg-type]

    # -- policy ----------------------------------------------------------------
    @staticmethod
    def _policy_codes(a: _Arrays, cols: np.ndarray, inst: Instance) -> np.ndarray:
        memo: dict[tuple[int, bool], int] = {}
        out = np.empty(len(cols), dtype=np.int64)
        for k, c in enumerate(cols):
            node = a.nodes[c]
            key = (id(node.ipolicy), node.excl_storage)
            if key not in memo:
                err = inst_matches_policy(inst, node.ipolicy, node.excl_storage)
                memo[key] = NO_FAIL if err is None else int(err)
            out[k] = memo[key]
        return out

    # -- single node -------------------------------------------------------------
    def _single(self, a: _Arrays, inst: Instance, cands: list[int], pred: Any) -> AllocSolution:
        cols = np.array([a.col[c] for c in cands], dtype=np.int64)
        ins = _Inst.of(inst)
        pol = self._policy_codes(a, cols, inst)
        code, vals = _primary(a, cols, ins)
        code = np.where(pol != NO_FAIL, pol, code)
        ok = np.nonzero(code == NO_FAIL)[0]
        counts = np.bincount(code[code != NO_FAIL], minlength=len(FailMode)).tolist()
        if ok.size == 0:
            return CountedSolution([], 0, None, [], counts)
        scores = self._single_scores(a, cols[ok], {k: v[ok] for k, v in vals.items()})
        order = np.lexsort((-ok, scores))
        dropped = 0
        chosen = None
        for pos in order:
            elem = self._single_elem(a, inst, int(cands[ok[pos]]), float(scores[pos]))
            if pred is None or pred(elem):
                chosen = elem
                break
            dropped += 1
        counts[int(FailMode.FAIL_N1)] += dropped
        return CountedSolution([], len(ok) - dropped, chosen, [], counts)

    @staticmethod
    def _single_scores(a: _Arrays, cols: np.ndarray, vals: dict[int, Any]) -> np.ndarray:
        n_c = len(cols)
        on_idx = np.nonzero(a.online)[0]
        pos = np.searchsorted(on_idx, cols)
        off = a.values[:, ~a.online]
        total = np.zeros(n_c)
        rows = np.arange(n_c)
        for k in range(20):
            base = a.values[k, on_idx]
            new = vals.get(k)
            if k == MAP_COMPONENT:
                value: Any = a.map_value
            elif k in OFFLINE_ROWS:
                value = _fold(off[k])
            elif new is None or _same(new, base[pos]):
                value = _fold(base) if k in SUM_ROWS else _stddev(base)
            else:
                mat = np.broadcast_to(base, (n_c, len(base))).copy()
                mat[rows, pos] = new
                if k in SUM_ROWS:
                    value = _fold_rows(mat)
                else:
                    cnt = float(len(base))
                    mean = _fold_rows(mat) / cnt
                    d = mat - mean[:, None]
                    value = np.sqrt(_fold_rows(d * d) / cnt)
            total = total + _WEIGHTS[k] * value
        return total

    @staticmethod
    def _single_elem(a: _Arrays, inst: Instance, pdx: int, score: float) -> AllocElement:
        new_p = a.nodes[a.col[pdx]].add_primary(inst, False)
        assert isinstance(new_p, Node)
        from dataclasses import replace

        placed = replace(inst, pnode=pdx, snode=NO_NODE)
        return AllocElement({pdx: new_p}, placed, (pdx,), score)

    # -- pairs -------------------------------------------------------------------
    def _pairs(self, a: _Arrays, inst: Instance, pairs: list[tuple[int, list[int]]],
               pred: Any) -> AllocSolution:
        ins = _Inst.of(inst)
        counts = [0] * len(FailMode)
        allocs = 0
        best: AllocElement | None = None
        # evaluate the primaries of one node group at once (their secondaries share a group)
        start = 0
        while start < len(pairs):
            group = a.nodes[a.col[pairs[start][0]]].group
            stop = start
            while stop < len(pairs) and a.nodes[a.col[pairs[stop][0]]].group == group:
                stop += 1
            c, n_ok, elem = self._pair_block(a, inst, ins, pairs[start:stop], pred)
            counts = [x + y for x, y in zip(counts, c, strict=True)]
            allocs += n_ok
            if elem is not None and (best is None or not best.score < elem.score):
                best = elem
            start = stop
        return CountedSolution([], allocs, best, [], counts)

    def _pair_block(self, a: _Arrays, inst: Instance, ins: _Inst,
                    block: list[tuple[int, list[int]]], pred: Any
                    ) -> tuple[list[int], int, AllocElement | None]:
        pcols = np.array([a.col[p] for p, _ in block], dtype=np.int64)
        secs = sorted({s for _, ss in block for s in ss})
        spos = {s: j for j, s in enumerate(secs)}
        scols = np.array([a.col[s] for s in secs], dtype=np.int64)
        valid = np.zeros((len(block), len(secs)), dtype=bool)
        for i, (_, ss) in enumerate(block):
            valid[i, [spos[s] for s in ss]] = True
        pol = self._policy_codes(a, pcols, inst)
        pcode, pvals = _primary(a, pcols, ins)
        pcode = np.where(pol != NO_FAIL, pol, pcode)
        scode, svals = _secondary(a, pcols, scols, ins)
        code = np.where(pcode[:, None] != NO_FAIL, pcode[:, None], scode)
        code = np.where(valid, code, NO_FAIL - 1)
        fails = code[code >= 0]
        counts = np.bincount(fails, minlength=len(FailMode)).tolist()
        okmask = code == NO_FAIL
        if not okmask.any():
            return counts, 0, None
        locs = a.shared_locations()
        loc_add = None if locs is None else locs[np.ix_(pcols, scols)]
        scores = self._pair_scores(a, pcols, scols, pvals, svals, loc_add)
        return self._choose(a, inst, block, secs, okmask, scores, counts, pred)

    @staticmethod
    def _pair_scores(a: _Arrays, pcols: np.ndarray, scols: np.ndarray,
                     pvals: dict[int, Any], svals: dict[int, Any], loc_add: Any) -> np.ndarray:
        n, total0, var0, finite = a.stats()
        score: Any = 0.0
        for k in range(20):
            if k == MAP_COMPONENT:
                score = score + _WEIGHTS[k] * a.map_value
                continue
            if k in OFFLINE_ROWS:
                score = score + _WEIGHTS[k] * total0[k]
                continue
            xp = a.values[k, pcols]
            yp = pvals.get(k, xp)
            if k == 17 and loc_add is not None:
                yp = (a.f["loc"][pcols][:, None] + loc_add)
                xp = xp[:, None]
            elif np.ndim(yp) == 1:
                yp, xp = yp[:, None], xp[:, None]
            t1, v1 = _update(n[k], total0[k], var0[k], xp, yp, k)
            xs = a.values[k, scols][None, :]
            ys = svals.get(k)
            if ys is None and finite[k]:
                t2, v2 = t1, v1
            else:
                t2, v2 = _update(n[k], t1, v1, xs, xs if ys is None else ys, k)
            value = np.sqrt(v2) if k in STDDEV_ROWS else t2
            score = score + _WEIGHTS[k] * value
        return np.broadcast_to(score, (len(pcols), len(scols)))

    @staticmethod
    def _pair_elem(a: _Arrays, inst: Instance, pdx: int, sdx: int, score: float
                   ) -> AllocElement:
        tgt_p, tgt_s = a.nodes[a.col[pdx]], a.nodes[a.col[sdx]]
        placed = with_location_score(inst, tgt_p, tgt_s)
        placed.pnode, placed.snode = pdx, sdx
        new_p = tgt_p.add_primary(placed, False)
        new_s = tgt_s.add_secondary(placed, pdx)
        assert isinstance(new_p, Node) and isinstance(new_s, Node)
        return AllocElement({pdx: new_p, sdx: new_s}, placed, (pdx, sdx), score)

    def _choose(self, a: _Arrays, inst: Instance, block: list[tuple[int, list[int]]],
                secs: list[int], okmask: np.ndarray, scores: np.ndarray,
                counts: list[int], pred: Any) -> tuple[list[int], int, AllocElement | None]:
        n_ok = int(okmask.sum())
        if pred is None:
            if n_ok == 0:
                return counts, 0, None
            flat = np.nonzero(okmask.ravel())[0]
            order = np.lexsort((-flat, scores.ravel()[flat]))
            pos = int(flat[order[0]])
            i, j = divmod(pos, len(secs))
            elem = self._pair_elem(a, inst, block[i][0], secs[j], float(scores[i, j]))
            return counts, n_ok, elem
        best: AllocElement | None = None
        dropped = 0
        for i, (pdx, _) in enumerate(block):
            js = np.nonzero(okmask[i])[0]
            if js.size == 0:
                continue
            order = np.lexsort((-js, scores[i, js]))
            for o in order:
                j = int(js[o])
                elem = self._pair_elem(a, inst, pdx, secs[j], float(scores[i, j]))
                if pred(elem):
                    if best is None or not best.score < elem.score:
                        best = elem
                    break
                dropped += 1
        counts[int(FailMode.FAIL_N1)] += dropped
        return counts, n_ok - dropped, best


def _same(new: np.ndarray, old: np.ndarray) -> bool:
    return bool(np.all((new == old) | (np.isnan(new) & np.isnan(old))))


def _stddev(xs: np.ndarray) -> float:
    cnt = float(xs.size)
    mean = _fold(xs) / cnt
    d = xs - mean
    return float(np.sqrt(_fold(d * d) / cnt))
