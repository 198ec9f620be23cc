"""Bulk scoring of hbal candidate moves with NumPy (the fast path of `balance`).

For a batch of instances and all target nodes at once, the engine simulates
each move type with the vectorised node operations of `node_arrays` and
updates the score incrementally: a move changes at most three nodes, so each
standard deviation is recomputed from running sums (spec §7.3). In a large
group, every instance first gets an exact lower bound on what its target
moves can reach (`balance_bound`); instances are scored best bound first and
the rest are skipped as soon as their bound cannot come within rounding
distance of the best move found. A small group is scored in one batch
without bounds: there, bounding costs more than it saves. The engine returns
the short list of candidates whose approximate score is within that distance
of the best, in Ganeti's trial order; `balance` scores those exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .balance_bound import instance_bounds, target_terms
from .engine_batch import Batch, BatchCtx, InstanceTags, instance_tags
from .engine_kinds import KINDS, KindScores
from .group_state import GroupState
from .instance import NO_NODE, Instance
from .moves import Move, MoveKind
from .node_arrays import (
    DYNAMIC_FIELDS,
    STATIC_FIELDS,
    State,
)
from .score import COMPONENTS, MAP_COMPONENT, OFFLINE_ROWS, STDDEV_ROWS, SUM_ROWS
from .types import MirrorType

if TYPE_CHECKING:
    from .balance import BalanceOptions

TARGET_BATCH_ELEMS = 8192
BOUND_BATCH_ELEMS = 1 << 17
SHORTLIST_CAP = 4000
UNBOUNDED_ELEMS = TARGET_BATCH_ELEMS
"""Up to this many (instance, target) pairs, all are scored in one batch without bounds."""
PRUNE_MARGIN = 1e-7
"""Extra relative slack before an instance is skipped on its lower bound."""
_KIND_POS = {
    MoveKind.REPLACE_SECONDARY: 0,
    MoveKind.REPLACE_AND_FAILOVER: 1,
    MoveKind.REPLACE_PRIMARY: 2,
    MoveKind.FAILOVER_AND_REPLACE: 3,
    MoveKind.FAILOVER_TO_ANY: 0,
}


@dataclass(frozen=True)
class Candidate:
    """One candidate move of one instance (global instance index)."""

    instance: int
    move: Move


def _node_fields(node: Any) -> dict[str, Any]:
    load = node.util_load
    return {
        "i_mem": node.i_mem, "f_dsk": node.f_dsk, "f_sp": node.f_spindles,
        "inst_sp": node.inst_spindles, "u_cpu": node.u_cpu, "l0": load.cpu, "l1": load.mem,
        "l2": load.dsk, "l3": load.net, "r_mem": node.r_mem, "fail_n1": node.fail_n1,
        "npri": len(node.plist), "nsec": len(node.slist), "loc": node.location_score,
        "fmem_f": node.f_mem_forth, "fdsk_f": node.f_dsk_forth, "ucpu_f": node.u_cpu_forth,
        "isp_f": node.inst_spindles_forth, "fsp_f": node.f_spindles_forth,
        "conf": node.conflicting_primaries,
        "t_mem": node.t_mem, "t_mem_trunc": int(node.t_mem), "n_mem": node.n_mem,
        "xpos": max(0, node.x_mem), "t_dsk": node.t_dsk, "lo_dsk": node.lo_dsk,
        "excl": node.excl_storage, "t_sp": float(node.t_spindles), "hi_sp": node.hi_spindles,
        "t_cpu": node.t_cpu, "speed": node.cpu_speed, "vcpu_ratio": node.ipolicy.vcpu_ratio,
        "offline": node.offline,
    }


_FLOAT_FIELDS = {"inst_sp", "l0", "l1", "l2", "l3", "isp_f", "t_mem", "t_dsk", "t_sp", "hi_sp",
                 "t_cpu", "speed", "vcpu_ratio"}
_BOOL_FIELDS = {"fail_n1", "excl", "offline"}


class Engine:
    """Vectorised candidate scoring for one group; refreshed after every step."""

    def __init__(self, state: GroupState, targets: list[int], force: bool) -> None:
        self.state = state
        self.force = force
        ids = state.node_ids
        self.n = len(ids)
        insts = state.instances
        n_all = max([*ids, *(i.pnode for i in insts), *(i.snode for i in insts), 0]) + 1
        for node in state.nodes.values():
            if node.peers:
                n_all = max(n_all, max(node.peers) + 1)
        self.n_all = n_all
        self.g2l = np.full(n_all, -1, dtype=np.int64)
        self.g2l[ids] = np.arange(self.n)
        self.ids = np.array(ids, dtype=np.int64)
        self.tl = self.g2l[np.array(targets, dtype=np.int64)] if targets else np.zeros(0, np.int64)
        self.target_ids = list(targets)
        nodes = [state.nodes[i] for i in ids]
        rows = [_node_fields(n) for n in nodes]
        self.arr: dict[str, np.ndarray] = {}
        for fld in DYNAMIC_FIELDS + STATIC_FIELDS:
            dtype = np.float64 if fld in _FLOAT_FIELDS else (bool if fld in _BOOL_FIELDS
                                                              else np.int64)
            self.arr[fld] = np.array([r[fld] for r in rows], dtype=dtype)
        self.has_excl = bool(self.arr["excl"].any())
        self.peers = np.zeros((self.n, n_all), dtype=np.int64)
        for j, node in enumerate(nodes):
            for key, val in node.peers.items():
                self.peers[j, key] = val
        self._peer_max_all()
        # exclusion tags, locations, migration
        vocab: dict[str, int] = {}
        for inst in insts:
            for tag in inst.excl_tags:
                vocab.setdefault(tag, len(vocab))
        self.etag = vocab
        self.n_e = len(vocab)
        self.counts = np.zeros((self.n, self.n_e + 1), dtype=np.int64)
        for j, node in enumerate(nodes):
            for tag, cnt in node.p_tags.items():
                if tag in vocab:
                    self.counts[j, vocab[tag]] = cnt
        locs: dict[str, int] = {}
        for node in nodes:
            for tag in sorted(node.location_tags):
                locs.setdefault(tag, len(locs))
        self.loc_vocab = locs
        self.lmat = np.zeros((self.n, max(1, len(locs))), dtype=np.int64)
        for j, node in enumerate(nodes):
            for tag in node.location_tags:
                self.lmat[j, locs[tag]] = 1
        self.has_locs = bool(locs)
        self.ls = self.lmat @ self.lmat.T
        self.has_mig = any(n.mig_tags for n in nodes)
        if self.has_mig:
            self.mig = np.array([[a.mig_tags <= b.rmig_tags for b in nodes] for a in nodes])
        self._build_gmap()
        self._inst_rows: dict[int, tuple[Instance, Any]] = {}
        self._tags_of: tuple[tuple[int, ...], InstanceTags] | None = None

    # -- bookkeeping ------------------------------------------------------------
    def _peer_max_rows(self, rows: np.ndarray) -> None:
        sub = self.peers[rows]
        arg = np.argmax(sub, axis=1) if sub.shape[1] else np.zeros(len(rows), np.int64)
        m1 = sub[np.arange(len(rows)), arg] if sub.shape[1] else np.zeros(len(rows), np.int64)
        masked = sub.copy()
        if sub.shape[1]:
            masked[np.arange(len(rows)), arg] = 0
        m2 = masked.max(axis=1) if sub.shape[1] else np.zeros(len(rows), np.int64)
        self.pm1[rows] = m1
        self.parg[rows] = arg
        self.pm2[rows] = m2

    def _peer_max_all(self) -> None:
        self.pm1 = np.zeros(self.n, np.int64)
        self.parg = np.zeros(self.n, np.int64)
        self.pm2 = np.zeros(self.n, np.int64)
        if self.n:
            self._peer_max_rows(np.arange(self.n))

    def _build_gmap(self) -> None:
        self.gmap = np.zeros((self.lmat.shape[1], self.n_e + 1), dtype=np.int64)
        for (loc, tag), cnt in self.state.map_counts.items():
            if loc in self.loc_vocab and tag in self.etag:
                self.gmap[self.loc_vocab[loc], self.etag[tag]] = cnt

    def refresh(self, changed: Iterable[int], inst: Instance) -> None:
        """Reload the arrays of the nodes a committed move changed."""
        rows = []
        for idx in changed:
            j = int(self.g2l[idx])
            node = self.state.nodes[idx]
            vals = _node_fields(node)
            for fld in DYNAMIC_FIELDS:
                self.arr[fld][j] = vals[fld]
            self.peers[j, :] = 0
            for key, val in node.peers.items():
                self.peers[j, key] = val
            self.counts[j, :] = 0
            for tag, cnt in node.p_tags.items():
                if tag in self.etag:
                    self.counts[j, self.etag[tag]] = cnt
            rows.append(j)
        self._peer_max_rows(np.array(rows, dtype=np.int64))
        self._build_gmap()

    # -- candidate scoring ----------------------------------------------------------
    def _gather(self, j: np.ndarray) -> State:
        out: State = {f: a[j] for f, a in self.arr.items()}
        out["has_excl"] = self.has_excl
        return out

    def shortlist(self, victims: list[Instance], cur: float,
                  opts: BalanceOptions) -> list[Candidate]:
        """Candidates within rounding distance of the best approximate score, in order."""
        from .balance import instance_moves

        st = self.state
        online = st.online
        if not online.any() or not victims:
            return []
        self.prepare_sums()
        self.evaluated = 0
        found: list[tuple[float, tuple[int, int, int], Candidate]] = []
        best = np.inf
        regular: list[tuple[int, Instance]] = []
        exotic: list[tuple[int, Instance]] = []
        for pos, inst in enumerate(victims):
            if len(set(inst.excl_tags)) != len(inst.excl_tags):
                exotic.append((pos, inst))
            elif inst.mirror is not MirrorType.NONE:
                regular.append((pos, inst))
        tn = len(self.tl)
        batch = max(1, TARGET_BATCH_ELEMS // max(1, tn))
        tol_of = _tolerance
        bounds = np.full(len(regular), -np.inf)
        if len(regular) * tn > UNBOUNDED_ELEMS:
            bbatch = 1 << 14
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                for start in range(0, len(regular), bbatch):
                    bounds[start:start + bbatch] = self._bounds(regular[start:start + bbatch],
                                                                opts)
        order = np.argsort(bounds, kind="stable")
        done = 0
        while done < len(order):
            top = min(best, cur)
            cut = top + tol_of(top) + PRUNE_MARGIN * (1.0 + abs(top))
            if bounds[order[done]] > cut:
                break
            sel = order[done:done + batch]
            done += len(sel)
            chunk = [regular[k] for k in sel if not bounds[k] > cut]
            self.evaluated += len(chunk)
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                results = self._eval_batch(chunk, opts)
            for score, key, cand in results:
                if score <= best + tol_of(best):
                    found.append((score, key, cand))
                    if score < best:
                        best = score
                        found = [f for f in found if f[0] <= best + tol_of(best)]
        limit = min(best, cur) + tol_of(min(best, cur))
        out = [(key, cand) for score, key, cand in found if score <= limit]
        for pos, inst in exotic:
            targets = self.target_ids
            for mv in instance_moves(st, inst, targets, opts):
                tpos = -1 if mv.kind is MoveKind.FAILOVER else targets.index(mv.target)
                out.append(((pos, tpos, _KIND_POS.get(mv.kind, 0)), Candidate(inst.idx, mv)))
        out.sort(key=lambda kc: kc[0])
        return [c for _, c in out[:SHORTLIST_CAP]]

    def prepare_sums(self) -> None:
        """Running sums of the current per-node values (the base of every estimate)."""
        st = self.state
        online = st.online
        base = st.matrix
        n_on = float(online.sum())
        self.mean = np.zeros(20)
        self.s1 = np.zeros(20)
        self.s2 = np.zeros(20)
        self.const = np.zeros(20)
        rows = list(STDDEV_ROWS)
        vals = base[rows][:, online]
        mean = vals.mean(axis=1)
        d = vals - mean[:, None]
        s1 = d.sum(axis=1)
        s2 = (d * d).sum(axis=1)
        self.mean[rows] = mean
        self.s1[rows] = s1
        self.s2[rows] = s2
        self.const[rows] = np.sqrt(np.maximum(0.0, s2 / n_on - (s1 / n_on) ** 2))
        sums = list(SUM_ROWS)
        self.const[sums] = base[sums][:, online].sum(axis=1)
        offs = list(OFFLINE_ROWS)
        self.const[offs] = base[offs][:, ~online].sum(axis=1)
        self.map_total = sum(st.map_counts.values())
        self.map_keys = len(st.map_counts)
        self.const[MAP_COMPONENT] = self.map_total - self.map_keys
        self.wconst = [c.weight * float(v) for c, v in zip(COMPONENTS, self.const, strict=True)]
        self.n_on = n_on

    def lower_bounds(self, victims: list[Instance], opts: BalanceOptions) -> np.ndarray:
        """Per instance, a lower bound of the approximate score of all its moves."""
        self.prepare_sums()
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            return self._bounds(list(enumerate(victims)), opts)

    def _prepare(self, chunk: list[tuple[int, Instance]], opts: BalanceOptions) -> Batch:
        st = self.state
        insts = [i for _, i in chunk]
        ins, pg, sg, internal, external = self._instance_state(insts)
        pl = self.g2l[pg]
        sl = np.where(sg >= 0, self.g2l[np.maximum(sg, 0)], -1)
        online_n = st.online
        p_off = ~online_n[pl]
        s_in = sl >= 0
        s_on = s_in & online_n[np.maximum(sl, 0)]
        drbd = internal & s_in
        ext = external
        col = (slice(None), None)
        slx = np.maximum(sl, 0)
        return Batch(
            insts=insts, pos=np.array([p for p, _ in chunk], dtype=np.int64), pl=pl, sl=sl,
            p_off=p_off, s_on=s_on, use_sec=s_on & opts.instance_moves, drbd=drbd, ext=ext,
            stp=self._gather(pl[col]), sts=self._gather(slx[col]),
            stt=self._gather(self.tl[None, :]),
            ctx=BatchCtx(self, self._tags(insts), ins, pl, slx, pg, np.maximum(sg, 0)))

    def _bounds(self, chunk: list[tuple[int, Instance]], opts: BalanceOptions) -> np.ndarray:
        """Lower bound of every candidate score of each instance (failover: its score)."""
        bt = self._prepare(chunk, opts)
        t_pri, t_sec = target_terms(self, bt.stt, bt.ctx.ins, BOUND_BATCH_ELEMS)
        lb = instance_bounds(bt.ctx, bt.stp, bt.sts, bt.drbd, bt.ext, opts, t_pri, t_sec)
        if opts.instance_moves and bt.drbd.any():
            pforce = bt.p_off[:, None] | self.force
            roles, transfer, fail = bt.ctx.failover(bt.stp, bt.sts, pforce)
            sc = bt.ctx.score(roles, transfer)
            ok = (bt.drbd & bt.use_sec)[:, None] & ~np.asarray(fail)
            fo = np.where(ok, sc, np.inf).reshape(-1)
            lb = np.minimum(lb, np.where(np.isnan(fo), -np.inf, fo))
        if bt.ctx.forth is not None:
            # the bound assumes the real resources move: forthcoming ones are always scored
            lb = np.where(bt.ctx.forth[:, 0], -np.inf, lb)
        return lb

    def _eval_batch(self, chunk: list[tuple[int, Instance]],
                    opts: BalanceOptions) -> list[tuple[float, tuple[int, int, int], Candidate]]:
        bt = self._prepare(chunk, opts)
        insts, pos, pl, sl = bt.insts, bt.pos, bt.pl, bt.sl
        p_off, s_on, use_sec, drbd, ext = bt.p_off, bt.s_on, bt.use_sec, bt.drbd, bt.ext
        stp, sts, stt, ctx = bt.stp, bt.sts, bt.stt, bt.ctx
        force = self.force
        tmask = (self.tl[None, :] != pl[:, None]) & (self.tl[None, :] != sl[:, None])
        ks = KindScores(ctx, len(insts), len(self.tl))
        pforce = p_off[:, None] | force
        sforce = (~s_on)[:, None] | force
        restricted = opts.restricted_migration
        if opts.instance_moves and drbd.any():
            allowed = (drbd & use_sec)[:, None]
            if allowed.any():
                ks.add(MoveKind.FAILOVER, ctx.failover(stp, sts, pforce), allowed)
        if opts.disk_moves and drbd.any():
            rs_ok = drbd[:, None] & tmask
            ks.add(MoveKind.REPLACE_SECONDARY, ctx.replace_secondary(stp, sts, stt, sforce), rs_ok)
            if opts.instance_moves:
                not_rs_only = ~(restricted & ~p_off)
                raf_ok = rs_ok & not_rs_only[:, None]
                if raf_ok.any():
                    ks.add(MoveKind.REPLACE_AND_FAILOVER,
                           ctx.replace_and_failover(stp, sts, stt, sforce), raf_ok)
                rp_ok = rs_ok & (use_sec & (not restricted))[:, None]
                if rp_ok.any():
                    ks.add(MoveKind.REPLACE_PRIMARY, ctx.replace_primary(stp, sts, stt, pforce),
                           rp_ok)
                far_ok = rs_ok & (use_sec & not_rs_only)[:, None]
                if far_ok.any():
                    ks.add(MoveKind.FAILOVER_AND_REPLACE,
                           ctx.failover_and_replace(stp, sts, stt, pforce), far_ok)
        if opts.instance_moves and ext.any():
            ks.add(MoveKind.FAILOVER_TO_ANY, ctx.failover_to_any(stp, stt, pforce),
                   ext[:, None] & tmask)
        out: list[tuple[float, tuple[int, int, int], Candidate]] = []
        for slot, r, c, score in ks.best(_tolerance):
            kind = KINDS[slot]
            inst = insts[r]
            if kind is MoveKind.FAILOVER:
                out.append((score, (int(pos[r]), -1, 0), Candidate(inst.idx, Move(kind))))
            else:
                out.append((score, (int(pos[r]), c, _KIND_POS[kind]),
                            Candidate(inst.idx, Move(kind, self.target_ids[c]))))
        return out

    def _instance_state(self, insts: list[Instance]
                        ) -> tuple[State, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Column arrays (B, 1) of the instances' fields; their primary and secondary
        nodes; whether each is internally (drbd) or externally mirrored."""
        cache = self._inst_rows
        rows = []
        for inst in insts:
            hit = cache.get(inst.idx)
            if hit is None or hit[0] is not inst:
                hit = cache[inst.idx] = (inst, _instance_row(inst))
            rows.append(hit[1])
        ints = np.array([r[0] for r in rows], dtype=np.int64).reshape(-1, len(_INT_COLS) + 2).T.copy()
        bools = np.array([r[1] for r in rows], dtype=bool).reshape(-1, len(_BOOL_COLS) + 2).T.copy()
        flts = np.array([r[2] for r in rows], dtype=np.float64).reshape(-1, 4).T.copy()
        out: State = {name: ints[c][:, None] for c, name in enumerate(_INT_COLS)}
        out.update({name: bools[c][:, None] for c, name in enumerate(_BOOL_COLS)})
        out.update({f"u{c}": flts[c][:, None] for c in range(4)})
        return out, ints[-2], ints[-1], bools[-2], bools[-1]

    def _tags(self, insts: list[Instance]) -> InstanceTags:
        """Exclusion and desired-location tag arrays of a batch (they never change)."""
        key = tuple(i.idx for i in insts)
        if self._tags_of is None or self._tags_of[0] != key:
            self._tags_of = (key, instance_tags(self, insts))
        return self._tags_of[1]


_INT_COLS = ("mem", "dsk", "vcpus", "secneed", "su", "su_local", "totsp", "loc")
_BOOL_COLS = ("umem", "online", "local", "drbd", "forth")
"""The instance fields of the node operations; `_instance_row` follows them with the
primary and secondary node, and with whether the instance is mirrored internally and
externally."""


def _instance_row(inst: Instance) -> tuple[tuple[int, ...], tuple[bool, ...], tuple[float, ...]]:
    local = inst.local_storage
    util = inst.util
    mirror = inst.mirror
    return ((inst.mem, inst.dsk, inst.vcpus, inst.mem if inst.uses_sec_mem else 0,
             inst.spindle_use, inst.spindle_use if local else 0, _tot(inst),
             inst.location_score, inst.pnode, inst.snode),
            (inst.uses_memory, not inst.offline, local, inst.has_secondary, inst.forthcoming,
             mirror is MirrorType.INTERNAL, mirror is MirrorType.EXTERNAL),
            (util.cpu, util.mem, util.dsk, util.net))


def _tot(inst: Instance) -> int:
    tot = inst.total_spindles
    return -1 if tot is None else tot


def _tolerance(score: float) -> float:
    if not np.isfinite(score):
        return 0.0
    return 1e-8 * (1.0 + abs(score))


__all__ = ["Candidate", "Engine", "NO_NODE"]
