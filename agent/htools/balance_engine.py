"""Bulk scoring of hbal candidate moves with NumPy (the fast path of `balance`).

For a batch of instances and all target nodes at once, the engine simulates
each move type with the vectorised node operations of `node_arrays` and
updates the score incrementally: a move changes at most three nodes, so each
standard deviation is recomputed from running sums (spec §7.3). It returns
the short list of candidates whose approximate score is within rounding
distance of the best, in Ganeti's trial order; `balance` scores those exactly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .group_state import GroupState
from .instance import NO_NODE, Instance
from .moves import Move, MoveKind
from .node_arrays import (
    COMPONENT_INPUTS,
    DYNAMIC_FIELDS,
    STATIC_FIELDS,
    State,
    add_primary,
    add_secondary,
    component,
    remove_primary,
    remove_secondary,
)
from .score import COMPONENTS, MAP_COMPONENT, OFFLINE_ROWS, STDDEV_ROWS, SUM_ROWS
from .types import MirrorType

if TYPE_CHECKING:
    from .balance import BalanceOptions

TARGET_BATCH_ELEMS = 8192
_AGG = {k: c.aggregate.value for k, c in enumerate(COMPONENTS)}
SHORTLIST_CAP = 4000
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
        base = st.matrix
        n_on = float(online.sum())
        self.mean = np.zeros(20)
        self.s1 = np.zeros(20)
        self.s2 = np.zeros(20)
        self.const = np.zeros(20)
        for k in STDDEV_ROWS:
            vals = base[k, online]
            self.mean[k] = vals.mean()
            d = vals - self.mean[k]
            self.s1[k] = d.sum()
            self.s2[k] = (d * d).sum()
            self.const[k] = np.sqrt(max(0.0, self.s2[k] / n_on - (self.s1[k] / n_on) ** 2))
        for k in SUM_ROWS:
            self.const[k] = base[k, online].sum()
        for k in OFFLINE_ROWS:
            self.const[k] = base[k, ~online].sum()
        self.map_total = sum(st.map_counts.values())
        self.map_keys = len(st.map_counts)
        self.const[MAP_COMPONENT] = self.map_total - self.map_keys
        self.n_on = n_on
        found: list[tuple[float, tuple[int, int, int], Candidate]] = []
        best = np.inf
        regular: list[tuple[int, Instance]] = []
        exotic: list[tuple[int, Instance]] = []
        for pos, inst in enumerate(victims):
            if inst.forthcoming or len(set(inst.excl_tags)) != len(inst.excl_tags):
                exotic.append((pos, inst))
            elif inst.mirror is not MirrorType.NONE:
                regular.append((pos, inst))
        tn = len(self.tl)
        batch = max(1, TARGET_BATCH_ELEMS // max(1, tn))
        tol_of = _tolerance
        for start in range(0, len(regular), batch):
            chunk = regular[start:start + batch]
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

    def _eval_batch(self, chunk: list[tuple[int, Instance]],
                    opts: BalanceOptions) -> list[tuple[float, tuple[int, int, int], Candidate]]:
        st = self.state
        insts = [i for _, i in chunk]
        pos = np.array([p for p, _ in chunk], dtype=np.int64)
        pg = np.array([i.pnode for i in insts], dtype=np.int64)
        sg = np.array([i.snode for i in insts], dtype=np.int64)
        pl = self.g2l[pg]
        sl = np.where(sg >= 0, self.g2l[np.maximum(sg, 0)], -1)
        online_n = st.online
        p_off = ~online_n[pl]
        s_in = sl >= 0
        s_on = s_in & online_n[np.maximum(sl, 0)]
        use_sec = s_on & opts.instance_moves
        drbd = np.array([i.mirror is MirrorType.INTERNAL for i in insts]) & s_in
        ext = np.array([i.mirror is MirrorType.EXTERNAL for i in insts])
        ins = self._instance_state(insts)
        force = self.force
        col = (slice(None), None)
        slx = np.maximum(sl, 0)
        stp = self._gather(pl[col])
        sts = self._gather(slx[col])
        stt = self._gather(self.tl[None, :])
        tmask = (self.tl[None, :] != pl[:, None]) & (self.tl[None, :] != sl[:, None])
        ctx = _BatchCtx(self, insts, ins, pl, slx, pg, np.maximum(sg, 0))
        out: list[tuple[float, tuple[int, int, int], Candidate]] = []

        def collect(score: np.ndarray, allowed: np.ndarray, kind: MoveKind | None) -> None:
            score = np.where(allowed, score, np.inf)
            score = np.where(np.isnan(score), np.inf, score)
            best = score.min() if score.size else np.inf
            if not np.isfinite(best):
                return
            rows, cols = np.nonzero(score <= best + _tolerance(best))
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                inst = insts[r]
                if kind is None:
                    out.append((float(score[r, c]), (int(pos[r]), -1, 0),
                                Candidate(inst.idx, Move(MoveKind.FAILOVER))))
                else:
                    tid = self.target_ids[c]
                    out.append((float(score[r, c]), (int(pos[r]), c, _KIND_POS[kind]),
                                Candidate(inst.idx, Move(kind, tid))))

        pforce = p_off[:, None] | force
        sforce = (~s_on)[:, None] | force
        restricted = opts.restricted_migration
        if opts.instance_moves and drbd.any():
            # Failover
            allowed = (drbd & use_sec)[:, None]
            if allowed.any():
                sc, fail = ctx.failover(stp, sts, pforce)
                collect(sc, allowed & ~fail, None)
        if opts.disk_moves and drbd.any():
            rs_ok = drbd[:, None] & tmask
            sc, fail = ctx.replace_secondary(stp, sts, stt, sforce)
            collect(sc, rs_ok & ~fail, MoveKind.REPLACE_SECONDARY)
            if opts.instance_moves:
                not_rs_only = ~(restricted & ~p_off)
                raf_ok = rs_ok & not_rs_only[:, None]
                if raf_ok.any():
                    sc, fail = ctx.replace_and_failover(stp, sts, stt, sforce)
                    collect(sc, raf_ok & ~fail, MoveKind.REPLACE_AND_FAILOVER)
                rp_ok = rs_ok & (use_sec & (not restricted))[:, None]
                if rp_ok.any():
                    sc, fail = ctx.replace_primary(stp, sts, stt, pforce)
                    collect(sc, rp_ok & ~fail, MoveKind.REPLACE_PRIMARY)
                far_ok = rs_ok & (use_sec & not_rs_only)[:, None]
                if far_ok.any():
                    sc, fail = ctx.failover_and_replace(stp, sts, stt, pforce)
                    collect(sc, far_ok & ~fail, MoveKind.FAILOVER_AND_REPLACE)
        if opts.instance_moves and ext.any():
            fa_ok = ext[:, None] & tmask
            sc, fail = ctx.failover_to_any(stp, stt, pforce)
            collect(sc, fa_ok & ~fail, MoveKind.FAILOVER_TO_ANY)
        return out

    def _instance_state(self, insts: list[Instance]) -> State:
        def col(vals: list[Any], dtype: Any) -> np.ndarray:
            return np.array(vals, dtype=dtype)[:, None]

        return {
            "mem": col([i.mem for i in insts], np.int64),
            "dsk": col([i.dsk for i in insts], np.int64),
            "vcpus": col([i.vcpus for i in insts], np.int64),
            "umem": col([i.uses_memory for i in insts], bool),
            "secneed": col([i.mem if i.uses_sec_mem else 0 for i in insts], np.int64),
            "online": col([not i.offline for i in insts], bool),
            "local": col([i.local_storage for i in insts], bool),
            "drbd": col([i.has_secondary for i in insts], bool),
            "su": col([i.spindle_use for i in insts], np.int64),
            "su_local": col([i.spindle_use if i.local_storage else 0 for i in insts], np.int64),
            "totsp": col([_tot(i) for i in insts], np.int64),
            "u0": col([i.util.cpu for i in insts], np.float64),
            "u1": col([i.util.mem for i in insts], np.float64),
            "u2": col([i.util.dsk for i in insts], np.float64),
            "u3": col([i.util.net for i in insts], np.float64),
            "loc": col([i.location_score for i in insts], np.int64),
        }


def _tot(inst: Instance) -> int:
    tot = inst.total_spindles
    return -1 if tot is None else tot


def _tolerance(score: float) -> float:
    if not np.isfinite(score):
        return 0.0
    return 1e-8 * (1.0 + abs(score))


class _BatchCtx:
    """Per-batch helpers: tag/location lookups and the move simulations."""

    def __init__(self, eng: Engine, insts: list[Instance], ins: State, pl: np.ndarray,
                 sl: np.ndarray, pg: np.ndarray, sg: np.ndarray) -> None:
        self.eng = eng
        self.ins = ins
        self.pl = pl[:, None]
        self.sl = sl[:, None]
        self.pg = pg[:, None]
        self.sg = sg[:, None]
        self.tl = eng.tl[None, :]
        self.tg = eng.ids[eng.tl][None, :]
        b = len(insts)
        self.rows = np.arange(b)[:, None]
        kmax = max((len(i.excl_tags) for i in insts), default=0)
        self.kmax = kmax
        if kmax:
            ex = np.full((b, kmax), eng.n_e, dtype=np.int64)
            for r, inst in enumerate(insts):
                for c, tag in enumerate(inst.excl_tags):
                    ex[r, c] = eng.etag[tag]
            self.ex = ex
            self.nex = np.array([len(i.excl_tags) for i in insts], dtype=np.int64)[:, None]
        dsrd_any = any(i.dsrd_loc_tags for i in insts)
        self.ds = None
        if dsrd_any:
            dm = np.zeros((b, eng.lmat.shape[1]), dtype=np.int64)
            nd = np.zeros(b, dtype=np.int64)
            for r, inst in enumerate(insts):
                nd[r] = len(inst.dsrd_loc_tags)
                for tag in inst.dsrd_loc_tags:
                    if tag in eng.loc_vocab:
                        dm[r, eng.loc_vocab[tag]] = 1
            self.ds = nd[:, None] - dm @ eng.lmat.T

    # -- lookups ---------------------------------------------------------------
    def dsrd(self, j: np.ndarray) -> Any:
        if self.ds is None:
            return 0
        return self.ds[self.rows, j]

    def _counts(self, j: np.ndarray) -> np.ndarray:
        return self.eng.counts[j[..., None], self.ex[:, None, :]]

    def conf_add(self, j: np.ndarray) -> Any:
        if not self.kmax:
            return 0
        return (self._counts(j) >= 1).sum(axis=-1)

    def conf_drop(self, j: np.ndarray) -> Any:
        if not self.kmax:
            return 0
        return (self._counts(j) >= 2).sum(axis=-1)

    def peer(self, j_local: np.ndarray, key_global: np.ndarray) -> np.ndarray:
        return self.eng.peers[j_local, key_global]

    def max_excl(self, j_local: np.ndarray, key_global: np.ndarray) -> np.ndarray:
        eng = self.eng
        return np.where(eng.parg[j_local] == key_global, eng.pm2[j_local], eng.pm1[j_local])

    def mig(self, a: np.ndarray, b: np.ndarray) -> Any:
        if not self.eng.has_mig:
            return True
        return self.eng.mig[a, b]

    # -- scoring -----------------------------------------------------------------
    def score(self, roles: list[tuple[State, State, np.ndarray]],
              transfer: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray:
        """Approximate new score from (old state, new state, local index) of each role."""
        eng = self.eng
        base = eng.state.matrix
        online = eng.state.online
        d1: dict[int, Any] = {}
        d2: dict[int, Any] = {}
        for old, new, j in roles:
            is_target = j is self.tl
            on = online[j]
            for k, inputs in COMPONENT_INPUTS.items():
                if all(new[f] is old[f] for f in inputs):
                    continue
                agg = _AGG[k]
                if is_target and agg == "offline_sum":
                    continue
                xo = base[k, j]
                xn = component(new, k)
                delta = xn - xo
                if agg == "offline_sum":
                    d1[k] = d1.get(k, 0.0) + np.where(on, 0.0, delta)
                    continue
                if not is_target:
                    delta = np.where(on, delta, 0.0)
                d1[k] = d1.get(k, 0.0) + delta
                if agg == "stddev":
                    # (xn-m)^2 - (xo-m)^2 == delta * (delta + 2 (xo - m))
                    sq = delta * (delta + 2.0 * (xo - eng.mean[k]))
                    if not is_target:
                        sq = np.where(on, sq, 0.0)
                    d2[k] = d2.get(k, 0.0) + sq
        total: Any = 0.0
        n = eng.n_on
        for k, comp in enumerate(COMPONENTS):
            if k == MAP_COMPONENT:
                val: Any = eng.const[k]
                if transfer is not None and self.kmax and eng.has_locs:
                    val = self._map_value(*transfer)
            elif k not in d1:
                val = eng.const[k]
            elif comp.aggregate.value == "stddev":
                s1 = eng.s1[k] + d1[k]
                s2 = eng.s2[k] + d2[k]
                val = np.sqrt(np.maximum(0.0, s2 / n - (s1 / n) ** 2))
            else:
                val = eng.const[k] + d1[k]
            total = total + comp.weight * val
        return np.asarray(total)

    def _map_value(self, a: np.ndarray, b: np.ndarray) -> Any:
        """Map statistic after moving the instance's primary from local node a to b."""
        eng = self.eng
        online = eng.state.online
        on_a = online[a]
        on_b = online[b]
        lm = eng.lmat
        nl_a = lm[a].sum(axis=-1)
        nl_b = lm[b].sum(axis=-1)
        dtotal = self.nex * (nl_b * on_b - nl_a * on_a)
        gsub = eng.gmap[:, self.ex]  # (nloc, B, k)
        gsub = np.moveaxis(gsub, 1, 0)  # (B, nloc, k)
        valid = (self.ex < eng.n_e)[:, None, :]
        la = lm[np.broadcast_to(a, (a.shape[0], 1))[:, 0]]  # (B, nloc)
        la = la * on_a.reshape(-1, 1)
        van = ((gsub == 1) & valid & (la[:, :, None] == 1)).sum(axis=(1, 2))[:, None]
        z = (((gsub - la[:, :, None]) == 0) & valid).sum(axis=2)  # (B, nloc)
        if b.shape[-1] == 1 and b.shape[0] == a.shape[0]:
            newk = (lm[b[:, 0]] * z).sum(axis=1)[:, None]
        else:
            newk = (lm[b[0]] @ z.T).T  # (B, T)
        newk = np.where(on_b, newk, 0)
        van = np.where(on_a, van, 0)
        total = eng.map_total + dtotal
        keys = eng.map_keys - van + newk
        return total - keys

    # -- moves -------------------------------------------------------------------
    def _rm_pri(self, st: State, j: np.ndarray) -> State:
        return remove_primary(st, self.ins, self.dsrd(j), self.conf_drop(j))

    def _rm_sec(self, st: State, j: np.ndarray) -> State:
        return remove_secondary(st, self.ins, self.peer(j, self.pg), self.max_excl(j, self.pg))

    def failover(self, stp: State, sts: State, force: np.ndarray) -> tuple[np.ndarray, Any]:
        p, s = self.pl, self.sl
        rp = self._rm_pri(stp, p)
        newp, fp = add_secondary(rp, self.ins, self.peer(p, self.sg), force, ~self.eng.state.online[p])
        rs = self._rm_sec(sts, s)
        news, fs = add_primary(rs, self.ins, force, self.ins["loc"], self.dsrd(s), self.conf_add(s))
        fail = fp | fs | ~np.asarray(self.mig(p, s))
        sc = self.score([(stp, newp, p), (sts, news, s)], (p, s))
        return sc, fail

    def replace_secondary(self, stp: State, sts: State, stt: State,
                          force: np.ndarray) -> tuple[np.ndarray, Any]:
        p, s, t = self.pl, self.sl, self.tl
        rp = self._rm_pri(stp, p)
        new_loc = self.eng.ls[p, t]
        newp, fp = add_primary(rp, self.ins, np.ones_like(force), new_loc, self.dsrd(p),
                               self.conf_drop(p))
        news = self._rm_sec(sts, s)
        newt, ft = add_secondary(stt, self.ins, self.peer(t, self.pg), force)
        sc = self.score([(stp, newp, p), (sts, news, s), (stt, newt, t)], None)
        return sc, fp | ft

    def replace_and_failover(self, stp: State, sts: State, stt: State,
                             sforce: np.ndarray) -> tuple[np.ndarray, Any]:
        p, s, t = self.pl, self.sl, self.tl
        rp = self._rm_pri(stp, p)
        newp, fp = add_secondary(rp, self.ins, self.peer(p, self.tg), sforce)
        news = self._rm_sec(sts, s)
        newt, ft = add_primary(stt, self.ins, np.full_like(sforce, self.eng.force),
                               self.eng.ls[t, p], self.dsrd(t), self.conf_add(t))
        fail = fp | ft | ~np.asarray(self.mig(p, t))
        sc = self.score([(stp, newp, p), (sts, news, s), (stt, newt, t)], (p, t))
        return sc, fail

    def replace_primary(self, stp: State, sts: State, stt: State,
                        pforce: np.ndarray) -> tuple[np.ndarray, Any]:
        p, s, t = self.pl, self.sl, self.tl
        newp = self._rm_pri(stp, p)
        rs = self._rm_sec(sts, s)
        new_loc = self.eng.ls[t, s]
        ins_loc = dict(self.ins)
        ins_loc["loc"] = new_loc
        tmp, ftmp = add_primary(rs, ins_loc, pforce, new_loc, self.dsrd(s), self.conf_add(s))
        rs2 = remove_primary(tmp, ins_loc, self.dsrd(s), self.conf_add(s))
        news, fs = add_secondary(rs2, self.ins, self.peer(s, self.tg), pforce)
        newt, ft = add_primary(stt, ins_loc, pforce, new_loc, self.dsrd(t), self.conf_add(t))
        fail = ftmp | fs | ft | ~np.asarray(self.mig(p, s)) | ~np.asarray(self.mig(s, t))
        sc = self.score([(stp, newp, p), (sts, news, s), (stt, newt, t)], (p, t))
        return sc, fail

    def failover_and_replace(self, stp: State, sts: State, stt: State,
                             pforce: np.ndarray) -> tuple[np.ndarray, Any]:
        p, s, t = self.pl, self.sl, self.tl
        newp = self._rm_pri(stp, p)
        rs = self._rm_sec(sts, s)
        new_loc = self.eng.ls[s, t]
        news, fs = add_primary(rs, self.ins, pforce, new_loc, self.dsrd(s), self.conf_add(s))
        newt, ft = add_secondary(stt, self.ins, self.peer(t, self.sg), pforce)
        fail = fs | ft | ~np.asarray(self.mig(p, s))
        sc = self.score([(stp, newp, p), (sts, news, s), (stt, newt, t)], (p, s))
        return sc, fail

    def failover_to_any(self, stp: State, stt: State, pforce: np.ndarray) -> tuple[np.ndarray, Any]:
        p, t = self.pl, self.tl
        newp = self._rm_pri(stp, p)
        newt, ft = add_primary(stt, self.ins, pforce, self.ins["loc"], self.dsrd(t),
                               self.conf_add(t))
        fail = ft | ~np.asarray(self.mig(p, t))
        sc = self.score([(stp, newp, p), (stt, newt, t)], (p, t))
        return sc, fail


__all__ = ["Candidate", "Engine", "NO_NODE"]
