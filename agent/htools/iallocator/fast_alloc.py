"""Trying every candidate placement of a new instance and keeping the best (spec §9.2, §9.3).

Pair allocation scores (primary, secondary) with Ganeti's incremental
cluster statistics. For one primary the secondary side is the same
computation for every candidate secondary, so it runs on arrays: the
vectorised `add_secondary` (with Ganeti's failure order) and the second
statistics update use the same IEEE operations as `statistics.py`, giving
bit-identical scores. Placements the capacity filter looks at are rebuilt
exactly. Unusual inputs (forthcoming instance, exclusive storage) take the
exact path of `allocation.py`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from ..allocation import (
    AllocElement,
    AllocSolution,
    allocate_on_pair,
    try_alloc_pair,
    try_alloc_single,
)
from ..group_state import GroupState
from ..instance import NO_NODE, Instance
from ..moves import with_location_score
from ..node import Node
from ..policy import inst_matches_policy
from ..score import COMPONENTS, MAP_COMPONENT, Aggregate, node_values, values_from_matrix
from ..statistics import ClusterStats, _StdDev
from ..types import FailMode

Pred = Callable[[AllocElement], bool] | None
MIN_VECTOR_PRIMARIES = 4
"""Below this many candidate primaries the exact single-node path is as fast."""
MIN_VECTOR_PAIRS = 16
"""Below this many candidate pairs the exact pair path is as fast."""
_AGG = [c.aggregate for c in COMPONENTS]
_WEIGHTS = [c.weight for c in COMPONENTS]


SINGLE_BLOCK_ELEMS = 1 << 20
"""Candidate x node score values computed per block in single-node allocation."""


def fast_alloc_single(nodes: Mapping[int, Node], inst: Instance, cands: Sequence[int],
                      force: bool, pred: Pred) -> AllocSolution:
    """Best single-node placement (Ganeti `tryAlloc` with one node).

    Every candidate's full score (Ganeti recomputes it from scratch) is
    computed for all candidates at once: one row per candidate with its
    node's values replaced, folded left to right like `score.fold_sum`.
    """
    if len(cands) < MIN_VECTOR_PRIMARIES:
        return try_alloc_single(nodes, inst, cands, force, pred)
    state = GroupState(list(nodes.values()), [])
    failures: list[FailMode] = []
    placed: list[tuple[int, Node, Instance]] = []
    for pdx in cands:
        node = nodes[pdx]
        err = inst_matches_policy(inst, node.ipolicy, node.excl_storage)
        if err is None:
            new_p = node.add_primary(inst, force)
            if isinstance(new_p, FailMode):
                err = new_p
            else:
                placed.append((pdx, new_p, replace(inst, pnode=pdx, snode=NO_NODE)))
        if err is not None:
            failures.append(err)
    if not placed or not state.online.any() or any(not state.online[state.col[p]]
                                                   for p, _, _ in placed):
        return try_alloc_single(nodes, inst, cands, force, pred)
    scores = _single_scores(state, placed)
    order = sorted(range(len(placed)), key=lambda i: (scores[i], -i))
    dropped = 0
    chosen = None
    rejects = getattr(pred, "rejects", None)
    for i in order:
        pdx, new_p, placed_inst = placed[i]
        if rejects is not None and rejects((pdx,)):
            dropped += 1
            continue
        elem = AllocElement({pdx: new_p}, placed_inst, (pdx,), float(scores[i]))
        if pred is None or pred(elem):
            chosen = elem
            break
        dropped += 1
    return AllocSolution([FailMode.FAIL_N1] * dropped + failures, len(placed) - dropped, chosen)


def _single_scores(state: GroupState, placed: list[tuple[int, Node, Instance]]) -> np.ndarray:
    """Exact cluster score with each placed primary's node replaced (`score_with`)."""
    on = state.online
    on_cols = np.nonzero(on)[0]
    n_on = len(on_cols)
    pos_on = np.cumsum(on) - 1
    base = state.matrix
    newv = np.array([node_values(n) for _, n, _ in placed], dtype=np.float64)  # (B, 20)
    where = np.array([pos_on[state.col[p]] for p, _, _ in placed], dtype=np.int64)
    count = len(placed)
    vals = np.empty((20, count))
    base_vals = values_from_matrix(base[:, on], base[:, ~on], 0.0)
    step = max(1, SINGLE_BLOCK_ELEMS // max(1, n_on))
    for k in range(20):
        agg = _AGG[k]
        if k == MAP_COMPONENT or agg is Aggregate.OFFLINE_SUM:
            vals[k] = base_vals[k]
            continue
        row = base[k, on_cols]
        if np.array_equal(newv[:, k], row[where], equal_nan=True):
            vals[k] = base_vals[k]
            continue
        for start in range(0, count, step):
            sl = slice(start, start + step)
            mat = np.tile(row, (len(range(count)[sl]), 1))
            mat[np.arange(mat.shape[0]), where[sl]] = newv[sl, k]
            total = np.cumsum(mat, axis=1)[:, -1]
            if agg is Aggregate.STDDEV:
                mean = total / float(n_on)
                d = mat - mean[:, None]
                vals[k, sl] = np.sqrt(np.cumsum(d * d, axis=1)[:, -1] / float(n_on))
            else:
                vals[k, sl] = total
    maps = [state._map_value_with({p: n}) for p, n, _ in placed]
    vals[MAP_COMPONENT] = maps
    total_score: Any = 0.0
    for k in range(20):
        total_score = total_score + _WEIGHTS[k] * vals[k]
    return np.asarray(total_score, dtype=np.float64)


class SecondaryArrays:
    """Per-node arrays of everything `add_secondary` and the score read."""

    def __init__(self, nodes: Mapping[int, Node]) -> None:
        ids = list(nodes)
        self.ids = ids
        self.pos = {idx: j for j, idx in enumerate(ids)}
        ns = [nodes[i] for i in ids]

        def arr(vals: list[Any], dtype: Any) -> np.ndarray:
            return np.array(vals, dtype=dtype)

        self.f_dsk = arr([n.f_dsk for n in ns], np.int64)
        self.lo_dsk = arr([n.lo_dsk for n in ns], np.int64)
        self.inst_sp = arr([n.inst_spindles for n in ns], np.float64)
        self.hi_sp = arr([n.hi_spindles for n in ns], np.float64)
        self.old_mem = arr([n.unallocated_mem for n in ns], np.int64)
        self.r_mem = arr([n.r_mem for n in ns], np.int64)
        self.fail_n1 = arr([n.fail_n1 for n in ns], bool)
        self.fdsk_f = arr([n.f_dsk_forth for n in ns], np.int64)
        self.isp_f = arr([n.inst_spindles_forth for n in ns], np.float64)
        self.fmem_f = arr([n.f_mem_forth for n in ns], np.int64)
        self.t_dsk = arr([n.t_dsk for n in ns], np.float64)
        self.t_mem = arr([n.t_mem for n in ns], np.float64)
        self.npri = arr([len(n.plist) for n in ns], np.int64)
        self.nsec = arr([len(n.slist) for n in ns], np.int64)
        self.load_dsk = arr([n.util_load.dsk for n in ns], np.float64)
        self.offline = arr([n.offline for n in ns], bool)
        self.values = np.array([node_values(n) for n in ns], dtype=np.float64).reshape(-1, 20)
        width = max([*ids, *(k for n in ns for k in n.peers), 0]) + 1
        self.peers = np.zeros((len(ids), width), dtype=np.int64)
        for j, n in enumerate(ns):
            for key, val in n.peers.items():
                self.peers[j, key] = val
        vocab: dict[str, int] = {}
        for n in ns:
            for tag in n.location_tags:
                vocab.setdefault(tag, len(vocab))
        self.locs = np.zeros((len(ns), max(1, len(vocab))), dtype=np.int64)
        for j, n in enumerate(ns):
            for tag in n.location_tags:
                self.locs[j, vocab[tag]] = 1

    def secondary_side(self, inst: Instance, sel: np.ndarray, pdxs: Sequence[int],
                       force: bool = False) -> tuple[np.ndarray, dict[int, np.ndarray]]:
        """Failure codes (-1: fits; rows: primaries, columns: `sel`) and new score values.

        Values are per component, shaped (1, S) where they do not depend on the
        primary and (P, S) where they do (the N+1 columns).
        """
        need = inst.mem if inst.uses_sec_mem else 0
        su = float(inst.spindle_use) if inst.local_storage else 0.0
        peem = self.peers[np.ix_(sel, np.array(pdxs, dtype=np.int64))].T
        old_mem = self.old_mem[sel][None, :]
        new_dsk = self.f_dsk[sel] - inst.dsk
        new_isp = self.inst_sp[sel] + su
        new_rmem = np.maximum(self.r_mem[sel][None, :], peem + need)
        new_failn1 = old_mem <= new_rmem
        dsk_f = self.fdsk_f[sel] - inst.dsk
        isp_f = self.isp_f[sel] + su
        lo = self.lo_dsk[sel]
        hi = self.hi_sp[sel]
        disk, mem = int(FailMode.FAIL_DISK), int(FailMode.FAIL_MEM)
        pre = np.select([new_dsk <= 0, new_dsk < lo, new_isp > hi, need >= old_mem[0]],
                        [disk, disk, disk, mem], -1)
        post = np.select([(dsk_f <= 0) | (dsk_f < lo), isp_f > hi, need >= self.fmem_f[sel]],
                         [disk, disk, mem], -1)
        n1_bad = new_failn1 & ~self.fail_n1[sel][None, :]
        codes = np.where(pre[None, :] >= 0, pre[None, :], np.where(n1_bad, mem, post[None, :]))
        if force:
            codes = np.broadcast_to(np.where(new_dsk <= 0, disk, -1)[None, :], codes.shape)
        if not inst.has_secondary:
            codes = np.full_like(codes, disk)
        vals: dict[int, np.ndarray] = {}
        t_dsk = self.t_dsk[sel]
        t_mem = self.t_mem[sel][None, :]
        base = self.values[sel]
        with np.errstate(divide="ignore", invalid="ignore"):
            vals[1] = np.where(t_dsk == 0, 1.0, new_dsk / t_dsk)[None, :]
            count = ((self.nsec[sel] + 1 + self.npri[sel]) * 1.0)[None, :]
            vals[2] = np.where(new_failn1, count, 0.0)
            vals[3] = new_rmem / t_mem
            vals[19] = vals[3]
            vals[4] = (base[:, 4] + 1.0)[None, :]
            vals[9] = (self.load_dsk[sel] + inst.util.dsk)[None, :]
            vals[12] = (new_isp / hi)[None, :]
            vals[14] = np.where(t_dsk == 0, 1.0, dsk_f / t_dsk)[None, :]
            vals[16] = (isp_f / hi)[None, :]
        return codes, vals


def _component(stats: list[list[Any]], k: int) -> Any:
    """Column of one component over the primaries' statistics (shape (P, 1))."""
    col = [st[k] for st in stats]
    if isinstance(col[0], _StdDev):
        return tuple(np.array([getattr(c, f) for c in col], dtype=np.float64)[:, None]
                     for f in ("n", "total", "var"))
    if isinstance(col[0], dict):
        return np.array([float(sum(c.values()) - len(c)) for c in col])[:, None]
    return np.array([np.asarray(c, dtype=np.float64) for c in col])


def _second_update(stats: list[list[Any]], offline: np.ndarray, old: np.ndarray,
                   new: dict[int, np.ndarray]) -> np.ndarray:
    """Scores (P, S) after replacing each secondary's values (`replace` then `score`)."""
    total: Any = 0.0
    for k in range(len(COMPONENTS)):
        stat = _component(stats, k)
        agg = _AGG[k]
        x = old[:, k][None, :]
        y = new.get(k, x)
        if k == MAP_COMPONENT:
            val: Any = stat
        elif agg is Aggregate.STDDEV:
            n, tot, var0 = stat
            ds = y - x
            dss = y * y - x * x
            dnnvar = (n * dss - 2 * tot * ds) - ds * ds
            var = var0 + dnnvar / (n * n)
            var = np.where(var > 0.0, var, 0.0)
            val = np.where(offline[None, :], np.sqrt(var0), np.sqrt(var))
        else:
            stat = stat if stat.ndim == 2 else stat[:, None]
            changed = stat + (y - x)
            on_side = agg is not Aggregate.OFFLINE_SUM
            val = np.where(offline[None, :] != on_side, changed, stat)
        total = total + _WEIGHTS[k] * val
    return np.asarray(total, dtype=np.float64)


BLOCK_ELEMS = 1 << 16
"""Primary x secondary scores computed per block (bounds memory)."""


Runs = list[tuple[list[int], list[int]]]
"""Consecutive primaries sharing one candidate list (their group's candidates, themselves
included); a primary's secondaries are the list without it."""


def pair_runs(nodes: Mapping[int, Node], cands: Sequence[int]) -> Runs:
    """Ganeti's `genAllocNodes` pairs for the candidate nodes, without listing every pair."""
    by_group: dict[int, list[int]] = {}
    for idx in cands:
        by_group.setdefault(nodes[idx].group, []).append(idx)
    runs: Runs = []
    for idx in cands:
        members = by_group[nodes[idx].group]
        if len(members) < 2:
            continue
        if runs and runs[-1][1] is members:
            runs[-1][0].append(idx)
        else:
            runs.append(([idx], members))
    return runs


def runs_to_pairs(runs: Runs) -> list[tuple[int, list[int]]]:
    """The explicit (primary, secondaries) list of the runs."""
    return [(p, [s for s in cand if s != p]) for pdxs, cand in runs for p in pdxs]


def fast_alloc_pair(nodes: Mapping[int, Node], inst: Instance, runs: Runs, force: bool,
                    pred: Pred) -> AllocSolution:
    """Best primary/secondary placement (Ganeti `tryAlloc` with two nodes)."""
    pairs = sum(len(pdxs) * (len(cand) - 1) for pdxs, cand in runs)
    if (inst.forthcoming or pairs < MIN_VECTOR_PAIRS
            or any(n.excl_storage for n in nodes.values())):
        return try_alloc_pair(nodes, inst, runs_to_pairs(runs), force, pred)
    stats = ClusterStats.of_nodes(nodes.values())
    if not stats.stats:
        return try_alloc_pair(nodes, inst, runs_to_pairs(runs), force, pred)
    arrs = SecondaryArrays(nodes)
    total = _Totals()
    best: tuple[float, int, int] | None = None
    for pdxs, cand in runs:
        step = max(1, BLOCK_ELEMS // max(1, len(cand)))
        for start in range(0, len(pdxs), step):
            total, best = _block(nodes, arrs, stats, inst, pdxs[start:start + step], cand,
                                 force, pred, total, best)
    solution = total.solution
    if pred is None and best is not None:
        elem = allocate_on_pair(nodes, stats, inst, best[1], best[2], force)
        assert isinstance(elem, AllocElement)
        solution = elem
    failures = [mode for mode in FailMode for _ in range(total.counts[mode])]
    return AllocSolution(failures, total.allocs, solution)


class _Totals:
    """Running `sumAllocs` over primaries: failure counts, successes, best placement."""

    def __init__(self) -> None:
        self.counts = np.zeros(len(FailMode), dtype=np.int64)
        self.allocs = 0
        self.solution: AllocElement | None = None

    def add(self, allocs: int, solution: AllocElement | None) -> None:
        self.allocs += allocs
        if solution is not None and (self.solution is None
                                     or not self.solution.score < solution.score):
            self.solution = solution


def _block(nodes: Mapping[int, Node], arrs: SecondaryArrays, stats: ClusterStats, inst: Instance,
           pdxs: list[int], cand: list[int], force: bool, pred: Pred, total: _Totals,
           best: tuple[float, int, int] | None
           ) -> tuple[_Totals, tuple[float, int, int] | None]:
    sel = np.array([arrs.pos[s] for s in cand], dtype=np.int64)
    cand_arr = np.array(cand, dtype=np.int64)
    rows: list[int] = []
    row_stats: list[list[Any]] = []
    new_locs: list[float] = []
    outcome: dict[int, FailMode] = {}
    for pdx in pdxs:
        pri = nodes[pdx]
        err = inst_matches_policy(inst, pri.ipolicy, pri.excl_storage)
        if err is None:
            placed = with_location_score(inst, pri, None)
            placed.pnode, placed.snode = pdx, NO_NODE
            new_p = pri.add_primary(placed, force)
            if isinstance(new_p, FailMode):
                err = new_p
            else:
                rows.append(pdx)
                row_stats.append(stats.replace(pri, new_p).stats)
                new_locs.append(float(new_p.location_score))
        if err is not None:
            outcome[pdx] = err
    scores = codes = None
    if rows:
        codes, vals = arrs.secondary_side(inst, sel, rows)
        row_pos = np.array([arrs.pos[p] for p in rows], dtype=np.int64)
        if arrs.locs.any():
            shared = (arrs.locs[row_pos] @ arrs.locs[sel].T).astype(np.float64)
            online = ~arrs.offline[row_pos]
            x17 = arrs.values[row_pos, 17]
            s17 = stats.stats[17]
            col17 = s17 + ((np.array(new_locs)[:, None] + shared) - x17[:, None])
            col17 = np.where(online[:, None], col17, np.array([st[17] for st in row_stats])[:, None])
            for r, st in enumerate(row_stats):
                row_stats[r] = list(st)
                row_stats[r][17] = col17[r]
        scores = _second_update(row_stats, arrs.offline[sel], arrs.values[sel], vals)
    row_of = {p: r for r, p in enumerate(rows)}
    for pdx in pdxs:
        count = len(cand) - 1
        if pdx in outcome:
            total.counts[outcome[pdx]] += count
            continue
        assert scores is not None and codes is not None
        r = row_of[pdx]
        own = cand_arr != pdx
        ok = (codes[r] < 0) & own
        bad = codes[r][~ok & own]
        total.counts += np.bincount(bad, minlength=len(FailMode))[:len(FailMode)]
        part, best = _choose(nodes, stats, inst, pdx, cand, scores[r], ok, force, pred, best)
        total.counts[FailMode.FAIL_N1] += len(part.failures)
        total.add(part.allocs, part.solution)
    return total, best


def _choose(nodes: Mapping[int, Node], stats: ClusterStats, inst: Instance, pdx: int,
            cand: list[int], scores: np.ndarray, ok: np.ndarray, force: bool, pred: Pred,
            best: tuple[float, int, int] | None
            ) -> tuple[AllocSolution, tuple[float, int, int] | None]:
    allocs = int(ok.sum())
    if pred is None:
        if allocs:
            idx = np.nonzero(ok)[0]
            sub = scores[idx]
            top = sub.min()
            j = int(idx[np.nonzero(sub == top)[0][-1]]) if top == top else int(idx[-1])
            if best is None or not best[0] < float(scores[j]):
                best = (float(scores[j]), pdx, cand[j])
        return AllocSolution([], allocs, None), best
    dropped = 0
    chosen = None
    idx = np.nonzero(ok)[0]
    rejects = getattr(pred, "rejects", None)
    for j in idx[np.lexsort((-idx, scores[idx]))]:
        if rejects is not None and rejects((pdx, cand[int(j)])):
            dropped += 1
            continue
        elem = _pair_element(nodes, inst, pdx, cand[int(j)], force, float(scores[j]))
        if pred(elem):
            chosen = elem
            break
        dropped += 1
    return AllocSolution([FailMode.FAIL_N1] * dropped, allocs - dropped, chosen), best


def _pair_element(nodes: Mapping[int, Node], inst: Instance, pdx: int, sdx: int, force: bool,
                  score: float) -> AllocElement:
    """The placement on (pdx, sdx), already known to fit, with its array-computed score."""
    placed = with_location_score(inst, nodes[pdx], nodes[sdx])
    placed.pnode, placed.snode = pdx, sdx
    new_p = nodes[pdx].add_primary(placed, force)
    new_s = nodes[sdx].add_secondary(placed, pdx)
    assert not isinstance(new_p, FailMode) and not isinstance(new_s, FailMode)
    return AllocElement({pdx: new_p, sdx: new_s}, placed, (pdx, sdx), score)
