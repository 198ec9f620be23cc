"""One batch of hbal candidates on arrays: the move simulations and their scores.

`BatchCtx` holds the instance-side arrays of a batch (sizes, exclusion and
location tags) and simulates each move type for all (instance, target)
pairs at once with `node_arrays`. The move types put a node in the same
state again and again (the primary without the instance, the target with
it, ...), so each node operation, and each score component it changes, is
computed once per batch and shared. `score` (or `engine_kinds` for all
types at once) turns the changed nodes into the new cluster score from the
engine's running sums (spec §7.3).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .instance import Instance
from .node_arrays import (
    COMPONENT_INPUTS,
    State,
    add_primary_parts,
    add_secondary_parts,
    component,
    primary_round_trip,
    remove_primary,
    remove_secondary,
    secondary_reserve,
)
from .score import COMPONENTS, MAP_COMPONENT

if TYPE_CHECKING:
    from .balance_engine import Engine

_AGG = {k: c.aggregate.value for k, c in enumerate(COMPONENTS)}
_MAP_WEIGHT = COMPONENTS[MAP_COMPONENT].weight
REAL_FIELDS = ("i_mem", "f_dsk", "f_sp", "inst_sp", "u_cpu", "l0", "l1", "l2", "l3", "r_mem",
               "fail_n1", "npri", "nsec", "loc")
"""Node fields a forthcoming instance leaves alone (it moves only the `*_f` fields and tags)."""


Role = tuple[State, State, np.ndarray]
"""(old state, new state, local node index) of one node a move changes."""
Sim = tuple[list[Role], tuple[np.ndarray, np.ndarray] | None, Any]
"""A simulated move kind: its roles, (from, to) of the primary if it moves, failures."""

InstanceTags = tuple[int, Any, Any, Any]
"""(most exclusion tags of one instance, their ids (B, kmax), their count (B, 1),
desired-location score of each (instance, node) pair or None)."""


def instance_tags(eng: Engine, insts: list[Instance]) -> InstanceTags:
    """The tag arrays of a batch of instances."""
    b = len(insts)
    kmax = max((len(i.excl_tags) for i in insts), default=0)
    ex = nex = None
    if kmax:
        ex = np.full((b, kmax), eng.n_e, dtype=np.int64)
        for r, inst in enumerate(insts):
            for c, tag in enumerate(inst.excl_tags):
                ex[r, c] = eng.etag[tag]
        nex = np.array([len(i.excl_tags) for i in insts], dtype=np.int64)[:, None]
    ds = None
    if any(i.dsrd_loc_tags for i in insts):
        dm = np.zeros((b, eng.lmat.shape[1]), dtype=np.int64)
        nd = np.zeros(b, dtype=np.int64)
        for r, inst in enumerate(insts):
            nd[r] = len(inst.dsrd_loc_tags)
            for tag in inst.dsrd_loc_tags:
                if tag in eng.loc_vocab:
                    dm[r, eng.loc_vocab[tag]] = 1
        ds = nd[:, None] - dm @ eng.lmat.T
    return kmax, ex, nex, ds


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

    def __init__(self, eng: Engine, tags: InstanceTags, ins: State, pl: np.ndarray,
                 sl: np.ndarray, pg: np.ndarray, sg: np.ndarray) -> None:
        self.eng = eng
        self.ins = ins
        self._deltas: dict[tuple[int, ...], tuple[Any, ...]] = {}
        self._contribs: dict[tuple[int, int, int], tuple[Any, ...]] = {}
        self._roles: dict[int, tuple[Any, ...]] = {}
        self._maps: dict[tuple[int, int], tuple[Any, ...]] = {}
        self._shared: dict[tuple[Any, ...], tuple[Any, Any]] = {}
        self.skip: frozenset[int] = frozenset()
        """Components `role_contributions` leaves out (set before the first call)."""
        self.pl = pl[:, None]
        self.sl = sl[:, None]
        self.pg = pg[:, None]
        self.sg = sg[:, None]
        self.tl = eng.tl[None, :]
        self.tg = eng.ids[eng.tl][None, :]
        self.rows = np.arange(len(pl))[:, None]
        forth = ins["forth"]
        self.forth: np.ndarray | None = forth if forth.any() else None
        self.kmax, self.ex, self.nex, self.ds = tags

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
        """Per component: change of the value sum (d1) and of the centred square sum (d2).

        A component's change on a role depends only on the node arrays it reads,
        and the move kinds share most of those, so each is computed once.
        """
        d1: dict[int, Any] = {}
        d2: dict[int, Any] = {}
        for old, new, j in roles:
            for k, c1, c2 in self.role_contributions(old, new, j):
                d1[k] = c1 if k not in d1 else d1[k] + c1
                if c2 is not None:
                    d2[k] = c2 if k not in d2 else d2[k] + c2
        return d1, d2

    def role_contributions(self, old: State, new: State, j: np.ndarray
                            ) -> list[tuple[int, Any, Any]]:
        """(component, d1, d2) of one role, for the components its new state changes."""
        key = (id(old), id(new), id(j))
        hit = self._contribs.get(key)
        if hit is not None:
            return hit[1]
        out = []
        memo = self._deltas
        jid = id(j)
        changed = {f for f, a in new.items() if a is not old[f]}
        for k, inputs in COMPONENT_INPUTS.items():
            if changed.isdisjoint(inputs) or k in self.skip:
                continue
            arrs = [new[f] for f in inputs]
            ckey = (k, jid, *map(id, arrs))
            got = memo.get(ckey)
            if got is None:
                got = memo[ckey] = (arrs, *self._component_delta(new, k, j))
            if got[1] is not None:
                out.append((k, got[1], got[2]))
        self._contribs[key] = ((old, new, j), out)
        return out

    def _role(self, j: np.ndarray) -> tuple[bool, Any, bool, np.ndarray, np.ndarray]:
        """(is target, online mask, needs masking, current values, 2 (x - mean)) of a role."""
        hit = self._roles.get(id(j))
        if hit is None or hit[0] is not j:
            eng = self.eng
            on = eng.state.online[j]
            is_target = j is self.tl
            # with every node of the role online, the masks change nothing
            masked = not is_target and not bool(np.all(on))
            cols = eng.state.matrix[:, j]
            lin = 2.0 * (cols - eng.mean.reshape((-1,) + (1,) * j.ndim))
            hit = self._roles[id(j)] = (j, is_target, on, masked, cols, lin)
        return hit[1], hit[2], hit[3], hit[4], hit[5]

    def _component_delta(self, new: State, k: int, j: np.ndarray) -> tuple[Any, Any]:
        is_target, on, masked, cols, lin = self._role(j)
        agg = _AGG[k]
        if agg == "offline_sum" and (is_target or not masked):
            return None, None  # no offline node among the role's: the offline sums stay
        delta = component(new, k) - cols[k]
        if agg == "offline_sum":
            return np.where(on, 0.0, delta), None
        if masked:
            delta = np.where(on, delta, 0.0)
        if agg != "stddev":
            return delta, None
        # (xn-m)^2 - (xo-m)^2 == delta * (delta + 2 (xo - m))
        sq = delta * (delta + lin[k])
        return delta, (np.where(on, sq, 0.0) if masked else sq)

    def total(self, d1: dict[int, Any], d2: dict[int, Any],
              transfer: tuple[np.ndarray, np.ndarray] | None) -> np.ndarray:
        """Weighted score from the component changes."""
        eng = self.eng
        n = eng.n_on
        total: Any = 0.0
        for k, wc in enumerate(eng.wconst):
            if k not in d1 and k != MAP_COMPONENT:
                total += wc
        for k, dk in d1.items():
            comp = COMPONENTS[k]
            if _AGG[k] == "stddev":
                s1 = eng.s1[k] + dk
                s2 = eng.s2[k] + d2[k]
                val = np.sqrt(np.maximum(0.0, s2 / n - (s1 / n) ** 2))
            else:
                val = eng.const[k] + dk
            total = total + comp.weight * val
        mval = self.map_value(transfer)
        if mval is None:
            return np.asarray(total + eng.wconst[MAP_COMPONENT])
        return np.asarray(total + _MAP_WEIGHT * mval)

    def map_value(self, transfer: tuple[np.ndarray, np.ndarray] | None) -> Any:
        """The map statistic after the primary moves (None when it cannot change)."""
        if transfer is None or not self.kmax or not self.eng.has_locs:
            return None
        mval = self._map_value(*transfer)
        if self.forth is not None:
            # forthcoming instances are not in the location/exclusion map
            mval = np.where(self.forth, self.eng.const[MAP_COMPONENT], mval)
        return mval

    def _map_value(self, a: np.ndarray, b: np.ndarray) -> Any:
        key = (id(a), id(b))
        hit = self._maps.get(key)
        if hit is None:
            hit = self._maps[key] = (a, b, self._map_value_of(a, b))
        return hit[2]

    def _map_value_of(self, a: np.ndarray, b: np.ndarray) -> Any:
        """Map statistic after moving the instance's primary from local node a to b."""
        eng = self.eng
        on_b = eng.state.online[b]
        lm = eng.lmat
        left, van, z = self._once(("map_from", id(a)), a, lambda: self._map_leaving(a))
        dtotal = self.nex * (lm[b].sum(axis=-1) * on_b - left)
        if b.shape[-1] == 1 and b.shape[0] == a.shape[0]:
            newk = (lm[b[:, 0]] * z).sum(axis=1)[:, None]
        else:
            newk = (lm[b[0]] @ z.T).T  # (B, T)
        newk = np.where(on_b, newk, 0)
        total = eng.map_total + dtotal
        keys = eng.map_keys - van + newk
        return total - keys

    def _map_leaving(self, a: np.ndarray) -> tuple[Any, Any, Any]:
        """The primary's side of `_map_value_of`: its location count (0 if offline), the
        map keys it empties and, per location, how many of the instance's tags would
        have no count there once it left (a new key if it arrives)."""
        eng = self.eng
        on_a = eng.state.online[a]
        lm = eng.lmat
        gsub = eng.gmap[:, self.ex]  # (nloc, B, k)
        gsub = np.moveaxis(gsub, 1, 0)  # (B, nloc, k)
        valid = (self.ex < eng.n_e)[:, None, :]
        la = lm[np.broadcast_to(a, (a.shape[0], 1))[:, 0]]  # (B, nloc)
        la = la * on_a.reshape(-1, 1)
        van = ((gsub == 1) & valid & (la[:, :, None] == 1)).sum(axis=(1, 2))[:, None]
        z = (((gsub - la[:, :, None]) == 0) & valid).sum(axis=2)  # (B, nloc)
        return lm[a].sum(axis=-1) * on_a, np.where(on_a, van, 0), z

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

    def _pri(self, st: State, ins: State, new_loc: Any, dsrd: Any,
             conf: Any) -> tuple[State, Any, Any]:
        """Node `st` takes the primary: (new state, hard, soft failures)."""
        new, hard, soft = add_primary_parts(st, ins, new_loc, dsrd, conf)
        if self.forth is None:
            return new, hard, soft
        # a forthcoming primary is only checked against the forthcoming resources
        local = ins["local"]
        l_cpu = st["vcpu_ratio"]
        soft_f = ((new["fmem_f"] <= 0)
                  | (local & ((new["fdsk_f"] <= 0) | (new["fdsk_f"] < st["lo_dsk"])))
                  | (local & st["excl"] & (new["fsp_f"] < 0))
                  | (local & (new["isp_f"] > st["hi_sp"]))
                  | ((l_cpu >= 0) & (l_cpu < new["ucpu_f"] / st["t_cpu"])))
        return (self._keep_real(st, new), hard & ~self.forth,
                np.where(self.forth, soft_f, soft))

    def _sec(self, st: State, peer_val: Any, ignore_disks: Any = False
             ) -> tuple[State, Any, Any]:
        """Node `st` takes the secondary: (new state, hard, soft failures)."""
        return self._sec_full(st, peer_val, ignore_disks)[:3]

    def _sec_full(self, st: State, peer_val: Any, ignore_disks: Any = False
                  ) -> tuple[State, Any, Any, Any, Any]:
        """`_sec`, plus the soft failures but the N+1 one and the forthcoming rows' own."""
        ins = self.ins
        new, hard, rest = add_secondary_parts(st, ins, peer_val, ignore_disks)
        soft = rest | (new["fail_n1"] & ~st["fail_n1"])
        if self.forth is None:
            return new, hard, soft, rest, None
        soft_f = ((~ins["drbd"]) | (new["fdsk_f"] <= 0) | (new["fdsk_f"] < st["lo_dsk"])
                  | (st["excl"] & (new["fsp_f"] < 0)) | (new["isp_f"] > st["hi_sp"])
                  | (ins["secneed"] >= st["fmem_f"]))
        return (self._keep_real(st, new), hard & ~self.forth,
                np.where(self.forth, soft_f, soft), rest, soft_f)

    def _sec_peer(self, st: State, base: tuple[State, Any, Any, Any, Any],
                  peer_val: Any) -> tuple[State, Any, Any]:
        """`_sec` with another primary (peer entry), from `_sec_full` of the same node."""
        new, hard, _, rest, soft_f = base
        r_mem, failn1 = secondary_reserve(st, self.ins, peer_val)
        soft = rest | (failn1 & ~st["fail_n1"])
        out = dict(new)
        if self.forth is None:
            out["r_mem"], out["fail_n1"] = r_mem, failn1
            return out, hard, soft
        out["r_mem"] = np.where(self.forth, st["r_mem"], r_mem)
        out["fail_n1"] = np.where(self.forth, st["fail_n1"], failn1)
        return out, hard, np.where(self.forth, soft_f, soft)

    def _p_sec(self, stp: State) -> tuple[State, Any, Any, Any, Any]:
        """The primary takes the secondary back (failover's P), its disks not counting
        if it is offline."""
        p = self.pl
        return self._once(("p_sec", id(stp)), stp, lambda: self._sec_full(
            self._rm_pri(stp, p), self.peer(p, self.sg), ~self.eng.state.online[p]))

    def _t_sec(self, stt: State) -> tuple[State, Any, Any, Any, Any]:
        """The target takes the secondary of the instance's current primary."""
        return self._once(("t_sec", id(stt)), stt,
                          lambda: self._sec_full(stt, self.peer(self.tl, self.pg)))

    def _with_loc(self, st: State, new: State, new_loc: Any, dsrd: Any) -> State:
        """`new` (the primary added to `st`) with another location score for the pair."""
        out = dict(new)
        loc = st["loc"] + new_loc + dsrd
        out["loc"] = loc if self.forth is None else np.where(self.forth, st["loc"], loc)
        return out

    def _rm_pri(self, st: State, j: np.ndarray) -> State:
        return self._once(("rm_pri", id(st), id(j)), (st, j), lambda: self._keep_real(
            st, remove_primary(st, self.ins, self.dsrd(j), self.conf_drop(j))))

    def _rm_sec(self, st: State, j: np.ndarray) -> State:
        return self._once(("rm_sec", id(st), id(j)), (st, j), lambda: self._keep_real(
            st, remove_secondary(st, self.ins, self.peer(j, self.pg), self.max_excl(j, self.pg))))

    def _once(self, key: tuple[Any, ...], keep: Any, make: Any) -> Any:
        """`make()`, computed once per batch for `key` (`keep` holds the key's objects)."""
        hit = self._shared.get(key)
        if hit is None:
            hit = self._shared[key] = (keep, make())
        return hit[1]

    def _s_pri(self, sts: State) -> tuple[State, Any, Any]:
        """The secondary takes the primary (its own location score): failover's S."""
        rs = self._rm_sec(sts, self.sl)
        return self._once(("s_pri", id(sts)), sts, lambda: self._pri(
            rs, self.ins, self.ins["loc"], self.dsrd(self.sl), self.conf_add(self.sl)))

    def _s_pri_t(self, sts: State) -> State:
        """The secondary takes the primary, paired with the target."""
        s = self.sl
        return self._once(("s_pri_t", id(sts)), sts, lambda: self._with_loc(
            self._rm_sec(sts, s), self._s_pri(sts)[0], self._pair_loc(), self.dsrd(s)))

    def _pair_loc(self) -> np.ndarray:
        """Location score of each (secondary, target) pair (`ls` is symmetric)."""
        return self._once(("pair_loc",), None, lambda: self.eng.ls[self.sl, self.tl])

    def _t_pri(self, stt: State) -> tuple[State, Any, Any]:
        """The target takes the primary (the instance's own location score)."""
        t = self.tl
        return self._once(("t_pri", id(stt)), stt, lambda: self._pri(
            stt, self.ins, self.ins["loc"], self.dsrd(t), self.conf_add(t)))

    @staticmethod
    def _fail(hard: Any, soft: Any, force: Any) -> Any:
        """Failure mask of a node operation, soft failures counting unless forced."""
        if force is True:
            return hard
        if force is False:
            return hard | soft
        return hard | (~force & soft)

    # -- moves -------------------------------------------------------------------

    def failover(self, stp: State, sts: State, force: np.ndarray) -> Sim:
        p, s = self.pl, self.sl
        newp, hp, sp = self._p_sec(stp)[:3]
        news, hs, ss = self._s_pri(sts)
        fail = self._fail(hp, sp, force) | self._fail(hs, ss, force) | ~np.asarray(self.mig(p, s))
        return [(stp, newp, p), (sts, news, s)], (p, s), fail

    def replace_secondary(self, stp: State, sts: State, stt: State,
                          force: np.ndarray) -> Sim:
        p, s, t = self.pl, self.sl, self.tl
        rp = self._rm_pri(stp, p)
        newp, hp, _ = self._pri(rp, self.ins, self.eng.ls[p, t], self.dsrd(p), self.conf_drop(p))
        news = self._rm_sec(sts, s)
        newt, ht, st_ = self._t_sec(stt)[:3]
        fail = hp | self._fail(ht, st_, force)
        return [(stp, newp, p), (sts, news, s), (stt, newt, t)], None, fail

    def replace_and_failover(self, stp: State, sts: State, stt: State,
                             sforce: np.ndarray) -> Sim:
        p, s, t = self.pl, self.sl, self.tl
        base = self._p_sec(stp)
        newp, hp, sp = self._sec_peer(self._rm_pri(stp, p), base, self.peer(p, self.tg))
        # failover may ignore the disks of an offline primary; here they count
        no_disk = newp["f_dsk"] <= 0
        hp = hp | (no_disk if self.forth is None else no_disk & ~self.forth)
        news = self._rm_sec(sts, s)
        tpri, ht, st_ = self._t_pri(stt)
        newt = self._with_loc(stt, tpri, self.eng.ls[t, p], self.dsrd(t))
        fail = (self._fail(hp, sp, sforce) | self._fail(ht, st_, self.eng.force)
                | ~np.asarray(self.mig(p, t)))
        return [(stp, newp, p), (sts, news, s), (stt, newt, t)], (p, t), fail

    def replace_primary(self, stp: State, sts: State, stt: State,
                        pforce: np.ndarray) -> Sim:
        p, s, t = self.pl, self.sl, self.tl
        newp = self._rm_pri(stp, p)
        _, hs, ss = self._s_pri(sts)
        # S takes the primary paired with the target (its failure is failover's), then
        # drops it: only the spindle fields may not come back exactly
        rs = self._rm_sec(sts, s)
        rs2 = dict(rs)
        rs2.update(primary_round_trip(rs, self.ins))
        rs2 = self._keep_real(rs, rs2)
        news, hs2, ss2 = self._sec(rs2, self.peer(s, self.tg))
        tpri, ht, st_ = self._t_pri(stt)
        newt = self._with_loc(stt, tpri, self._pair_loc(), self.dsrd(t))
        fail = (self._fail(hs, ss, pforce) | self._fail(hs2, ss2, pforce)
                | self._fail(ht, st_, pforce)
                | ~np.asarray(self.mig(p, s)) | ~np.asarray(self.mig(s, t)))
        return [(stp, newp, p), (sts, news, s), (stt, newt, t)], (p, t), fail

    def failover_and_replace(self, stp: State, sts: State, stt: State,
                             pforce: np.ndarray) -> Sim:
        p, s, t = self.pl, self.sl, self.tl
        newp = self._rm_pri(stp, p)
        _, hs, ss = self._s_pri(sts)
        news = self._s_pri_t(sts)
        newt, ht, st_ = self._sec_peer(stt, self._t_sec(stt), self.peer(t, self.sg))
        fail = self._fail(hs, ss, pforce) | self._fail(ht, st_, pforce) | ~np.asarray(self.mig(p, s))
        return [(stp, newp, p), (sts, news, s), (stt, newt, t)], (p, s), fail

    def failover_to_any(self, stp: State, stt: State, pforce: np.ndarray) -> Sim:
        p, t = self.pl, self.tl
        newp = self._rm_pri(stp, p)
        newt, ht, st_ = self._t_pri(stt)
        fail = self._fail(ht, st_, pforce) | ~np.asarray(self.mig(p, t))
        return [(stp, newp, p), (stt, newt, t)], (p, t), fail
