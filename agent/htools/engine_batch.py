"""One batch of hbal candidates on arrays: the move simulations and their scores.

`BatchCtx` holds the instance-side arrays of a batch (sizes, exclusion and
location tags) and simulates each move type for all (instance, target)
pairs at once with `node_arrays`; `score` turns the changed nodes into the
new cluster score from the engine's running sums (spec §7.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .instance import Instance
from .node_arrays import (
    COMPONENT_INPUTS,
    State,
    add_primary,
    add_secondary,
    component,
    remove_primary,
    remove_secondary,
)
from .score import COMPONENTS, MAP_COMPONENT

if TYPE_CHECKING:
    from .balance_engine import Engine

_AGG = {k: c.aggregate.value for k, c in enumerate(COMPONENTS)}
REAL_FIELDS = ("i_mem", "f_dsk", "f_sp", "inst_sp", "u_cpu", "l0", "l1", "l2", "l3", "r_mem",
               "fail_n1", "npri", "nsec", "loc")
"""Node fields a forthcoming instance leaves alone (it moves only the `*_f` fields and tags)."""


@dataclass
class Batch:
    """The arrays of one batch of instances: their nodes' states and masks."""

    insts: list[Instance]
    pos: np.ndarray
    pl: np.ndarray
    sl: np.ndarray
    p_off: np.ndarray
    s_on: np.ndarray
    use_sec: np.ndarray
    drbd: np.ndarray
    ext: np.ndarray
    stp: State
    sts: State
    stt: State
    ctx: BatchCtx


class BatchCtx:
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
        forth = ins["forth"]
        self.forth: np.ndarray | None = forth if forth.any() else None
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
        d1, d2 = self.role_deltas(roles)
        return self.total(d1, d2, transfer)

    def role_deltas(self, roles: list[tuple[State, State, np.ndarray]]
                    ) -> tuple[dict[int, Any], dict[int, Any]]:
        """Per component: change of the value sum (d1) and of the centred square sum (d2)."""
        eng = self.eng
        base = eng.state.matrix
        online = eng.state.online
        d1: dict[int, Any] = {}
        d2: dict[int, Any] = {}
        for old, new, j in roles:
            is_target = j is self.tl
            on = online[j]
            # with every node of the role online, the masks below change nothing
            masked = not is_target and not bool(np.all(on))
            cols = base[:, j]
            for k, inputs in COMPONENT_INPUTS.items():
                if all(new[f] is old[f] for f in inputs):
                    continue
                agg = _AGG[k]
                if agg == "offline_sum" and (is_target or not masked):
                    continue  # no offline node among the role's: the offline sums stay
                xo = cols[k]
                delta = component(new, k) - xo
                if agg == "offline_sum":
                    d1[k] = d1.get(k, 0.0) + np.where(on, 0.0, delta)
                    continue
                if masked:
                    delta = np.where(on, delta, 0.0)
                d1[k] = d1.get(k, 0.0) + delta
                if agg == "stddev":
                    # (xn-m)^2 - (xo-m)^2 == delta * (delta + 2 (xo - m))
                    sq = delta * (delta + 2.0 * (xo - eng.mean[k]))
                    if masked:
                        sq = np.where(on, sq, 0.0)
                    d2[k] = d2.get(k, 0.0) + sq
        return d1, d2

    def total(self, d1: dict[int, Any], d2: dict[int, Any],
              transfer: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray:
        """Weighted score from the component changes."""
        eng = self.eng
        total: Any = 0.0
        n = eng.n_on
        for k, comp in enumerate(COMPONENTS):
            if k == MAP_COMPONENT:
                val: Any = eng.const[k]
                if transfer is not None and self.kmax and eng.has_locs:
                    val = self._map_value(*transfer)
                    if self.forth is not None:
                        # forthcoming instances are not in the location/exclusion map
                        val = np.where(self.forth, eng.const[k], val)
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

    # -- node operations (forthcoming instances: spec §5.7) -------------------------
    def _keep_real(self, old: State, new: State) -> State:
        """For forthcoming rows, the node's real fields stay as they were."""
        if self.forth is None:
            return new
        out = dict(new)
        for fld in REAL_FIELDS:
            if new[fld] is not old[fld]:
                out[fld] = np.where(self.forth, old[fld], new[fld])
        return out

    def _add_pri(self, st: State, ins: State, force: Any, new_loc: Any, dsrd: Any,
                 conf: Any) -> tuple[State, Any]:
        new, fail = add_primary(st, ins, force, new_loc, dsrd, conf)
        if self.forth is None:
            return new, fail
        # a forthcoming primary is only checked against the forthcoming resources
        local = ins["local"]
        l_cpu = st["vcpu_ratio"]
        soft = ((new["fmem_f"] <= 0)
                | (local & ((new["fdsk_f"] <= 0) | (new["fdsk_f"] < st["lo_dsk"])))
                | (local & st["excl"] & (new["fsp_f"] < 0))
                | (local & (new["isp_f"] > st["hi_sp"]))
                | ((l_cpu >= 0) & (l_cpu < new["ucpu_f"] / st["t_cpu"])))
        return self._keep_real(st, new), np.where(self.forth, ~force & soft, fail)

    def _add_sec(self, st: State, ins: State, peer_val: Any, force: Any,
                 ignore_disks: Any = False) -> tuple[State, Any]:
        new, fail = add_secondary(st, ins, peer_val, force, ignore_disks)
        if self.forth is None:
            return new, fail
        soft = ((~ins["drbd"]) | (new["fdsk_f"] <= 0) | (new["fdsk_f"] < st["lo_dsk"])
                | (st["excl"] & (new["fsp_f"] < 0)) | (new["isp_f"] > st["hi_sp"])
                | (ins["secneed"] >= st["fmem_f"]))
        return self._keep_real(st, new), np.where(self.forth, ~force & soft, fail)

    def _rm_pri(self, st: State, j: np.ndarray) -> State:
        return self._keep_real(st, remove_primary(st, self.ins, self.dsrd(j), self.conf_drop(j)))

    def _rm_sec(self, st: State, j: np.ndarray) -> State:
        return self._keep_real(st, remove_secondary(st, self.ins, self.peer(j, self.pg),
                                                    self.max_excl(j, self.pg)))

    # -- moves -------------------------------------------------------------------

    def failover(self, stp: State, sts: State, force: np.ndarray) -> tuple[np.ndarray, Any]:
        p, s = self.pl, self.sl
        rp = self._rm_pri(stp, p)
        newp, fp = self._add_sec(rp, self.ins, self.peer(p, self.sg), force, ~self.eng.state.online[p])
        rs = self._rm_sec(sts, s)
        news, fs = self._add_pri(rs, self.ins, force, self.ins["loc"], self.dsrd(s), self.conf_add(s))
        fail = fp | fs | ~np.asarray(self.mig(p, s))
        sc = self.score([(stp, newp, p), (sts, news, s)], (p, s))
        return sc, fail

    def replace_secondary(self, stp: State, sts: State, stt: State,
                          force: np.ndarray) -> tuple[np.ndarray, Any]:
        p, s, t = self.pl, self.sl, self.tl
        rp = self._rm_pri(stp, p)
        new_loc = self.eng.ls[p, t]
        newp, fp = self._add_pri(rp, self.ins, np.ones_like(force), new_loc, self.dsrd(p),
                               self.conf_drop(p))
        news = self._rm_sec(sts, s)
        newt, ft = self._add_sec(stt, self.ins, self.peer(t, self.pg), force)
        sc = self.score([(stp, newp, p), (sts, news, s), (stt, newt, t)], None)
        return sc, fp | ft

    def replace_and_failover(self, stp: State, sts: State, stt: State,
                             sforce: np.ndarray) -> tuple[np.ndarray, Any]:
        p, s, t = self.pl, self.sl, self.tl
        rp = self._rm_pri(stp, p)
        newp, fp = self._add_sec(rp, self.ins, self.peer(p, self.tg), sforce)
        news = self._rm_sec(sts, s)
        newt, ft = self._add_pri(stt, self.ins, np.full_like(sforce, self.eng.force),
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
        tmp, ftmp = self._add_pri(rs, ins_loc, pforce, new_loc, self.dsrd(s), self.conf_add(s))
        rs2 = self._keep_real(tmp, remove_primary(tmp, ins_loc, self.dsrd(s), self.conf_add(s)))
        news, fs = self._add_sec(rs2, self.ins, self.peer(s, self.tg), pforce)
        newt, ft = self._add_pri(stt, ins_loc, pforce, new_loc, self.dsrd(t), self.conf_add(t))
        fail = ftmp | fs | ft | ~np.asarray(self.mig(p, s)) | ~np.asarray(self.mig(s, t))
        sc = self.score([(stp, newp, p), (sts, news, s), (stt, newt, t)], (p, t))
        return sc, fail

    def failover_and_replace(self, stp: State, sts: State, stt: State,
                             pforce: np.ndarray) -> tuple[np.ndarray, Any]:
        p, s, t = self.pl, self.sl, self.tl
        newp = self._rm_pri(stp, p)
        rs = self._rm_sec(sts, s)
        new_loc = self.eng.ls[s, t]
        news, fs = self._add_pri(rs, self.ins, pforce, new_loc, self.dsrd(s), self.conf_add(s))
        newt, ft = self._add_sec(stt, self.ins, self.peer(t, self.sg), pforce)
        fail = fs | ft | ~np.asarray(self.mig(p, s))
        sc = self.score([(stp, newp, p), (sts, news, s), (stt, newt, t)], (p, s))
        return sc, fail

    def failover_to_any(self, stp: State, stt: State, pforce: np.ndarray) -> tuple[np.ndarray, Any]:
        p, t = self.pl, self.tl
        newp = self._rm_pri(stp, p)
        newt, ft = self._add_pri(stt, self.ins, pforce, self.ins["loc"], self.dsrd(t),
                               self.conf_add(t))
        fail = ft | ~np.asarray(self.mig(p, t))
        sc = self.score([(stp, newp, p), (stt, newt, t)], (p, t))
        return sc, fail
