"""A cheap, exact lower bound on the best score any target move of an instance can reach.

hbal scores every (instance, move, target) triple. Most instances cannot
beat the best move found so far, and this module proves it without scoring
their targets one by one. The nodes an instance leaves (primary P, secondary
S) are simulated exactly; for the target T the score is bounded component
by component with the best target *for that component*:

* a standard-deviation component with centred sums (s1, s2) over n online
  nodes becomes, after P/S change it by (a, q) and T's value moves by u from
  x_T, the variance  C + αu² + 2u(x_T − m)/n − 2Au/n²  with A = s1 + a,
  C = (s2 + q)/n − (A/n)², α = (n − 1)/n²; minimising each term over T
  separately gives a lower bound;
* every sum component can only grow on the target, and the (location,
  exclusion tag) map can lose at most one per pair the instance leaves.

Soft and hard failures are ignored (an infeasible move only raises the
minimum), and where P's or S's new reserved memory depends on the target
(the node becomes the secondary of an instance whose primary is T) its
range is used instead: sums take its low end, the deviation the best case.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .node_arrays import COMPONENT_INPUTS, State, add_primary, add_secondary, component
from .score import COMPONENTS, MAP_COMPONENT

if TYPE_CHECKING:
    from .balance import BalanceOptions
    from .balance_engine import Engine
    from .engine_batch import BatchCtx

_RMEM = 3
_STD = tuple(k for k, c in enumerate(COMPONENTS) if c.aggregate.value == "stddev")
_TargetBound = tuple[dict[int, Any], dict[int, Any], dict[int, Any]]
_KEY_FIELDS = ("mem", "dsk", "vcpus", "umem", "secneed", "online", "local", "drbd", "su",
               "su_local", "totsp", "u0", "u1", "u2", "u3")
"""Instance fields a target's new state depends on (instances alike share the work)."""


def _terms(eng: Engine, old: State, new: State, rows: int,
           rmem_hi: Any = None) -> _TargetBound:
    """Per std-dev component: min over T of αu² + 2u(x_T − m)/n, and the range of u.

    With `rmem_hi`, the target's reserved memory ratio may be anything from
    the value in `new` up to `rmem_hi` (it depends on the instance's peer).
    """
    base = eng.state.matrix
    n = eng.n_on
    alpha = (n - 1.0) / (n * n)
    t = eng.tl[None, :]
    g0: dict[int, Any] = {}
    umin: dict[int, Any] = {}
    umax: dict[int, Any] = {}
    for k in _STD:
        if all(new[f] is old[f] for f in COMPONENT_INPUTS[k]):
            continue
        xo = base[k, t]
        lin = (2.0 / n) * (xo - eng.mean[k])
        u = np.broadcast_to(component(new, k) - xo, (rows, t.shape[1]))
        if k == _RMEM and rmem_hi is not None:
            hi = np.broadcast_to(rmem_hi - xo, u.shape)
            g = _interval_min(alpha, lin, u, hi)
            umin[k], umax[k] = u.min(axis=1), hi.max(axis=1)
        else:
            g = u * (alpha * u + lin)
            umin[k], umax[k] = u.min(axis=1), u.max(axis=1)
        bad = ~np.isfinite(g).all(axis=1)
        g0[k] = np.where(bad, -np.inf, g.min(axis=1))
    return g0, umin, umax


def target_terms(eng: Engine, stt: State, ins: State,
                 max_elems: int) -> tuple[_TargetBound, _TargetBound]:
    """Target-side terms (primary added, secondary added) for each instance of `ins`.

    Computed once per distinct instance shape and spread back, so a large
    batch of look-alike instances costs little.
    """
    keys = np.column_stack([np.asarray(ins[f], dtype=np.float64).reshape(-1)
                            for f in _KEY_FIELDS])
    uniq, inverse = np.unique(keys, axis=0, return_inverse=True)
    inverse = inverse.reshape(-1)
    tn = max(1, len(eng.tl))
    step = max(1, max_elems // tn)
    parts: list[tuple[_TargetBound, _TargetBound]] = []
    for start in range(0, len(uniq), step):
        rows = uniq[start:start + step]
        sub: State = {f: rows[:, j:j + 1].astype(np.asarray(ins[f]).dtype)
                      for j, f in enumerate(_KEY_FIELDS)}
        cnt = len(rows)
        zeros = np.zeros((cnt, 1), dtype=np.int64)
        force = np.ones((cnt, 1), dtype=bool)
        pri = _terms(eng, stt, add_primary(stt, sub, force, zeros, zeros, zeros)[0], cnt)
        sec_new = add_secondary(stt, sub, zeros, force)[0]
        hi = np.maximum(stt["r_mem"], eng.pm1[eng.tl][None, :] + sub["secneed"]) / stt["t_mem"]
        parts.append((pri, _terms(eng, stt, sec_new, cnt, hi)))

    def merged(which: int) -> _TargetBound:
        out: _TargetBound = ({}, {}, {})
        for pos in range(3):
            for k in parts[0][which][pos]:
                out[pos][k] = np.concatenate([pt[which][pos][k] for pt in parts])[inverse]
        return out

    return merged(0), merged(1)


def _interval_min(alpha: float, lin: Any, lo: Any, hi: Any) -> Any:
    """Minimum of alpha*u^2 + lin*u over [lo, hi] (alpha > 0)."""
    u = np.clip(-lin / (2.0 * alpha), lo, hi)
    return u * (alpha * u + lin)


def _kind_bound(ctx: BatchCtx, roles: list[tuple[State, State, np.ndarray]],
                tgt: _TargetBound, map_moves: bool,
                rmem_range: tuple[np.ndarray, Any, Any] | None) -> np.ndarray:
    """Lower bound of one move kind for each instance of the batch, shape (B,)."""
    eng = ctx.eng
    n = eng.n_on
    alpha = (n - 1.0) / (n * n)
    d1, d2 = ctx.role_deltas(roles)
    g0, umin, umax = tgt
    total: Any = 0.0
    for k, comp in enumerate(COMPONENTS):
        agg = comp.aggregate.value
        if k == MAP_COMPONENT:
            val: Any = eng.const[k]
            if map_moves and ctx.kmax and eng.has_locs:
                lm = eng.lmat[ctx.pl[:, 0]].sum(axis=1)[:, None]
                val = val - ctx.nex * lm * eng.state.online[ctx.pl]
        elif agg != "stddev":
            val = eng.const[k] + d1.get(k, 0.0)
        else:
            a = eng.s1[k] + d1.get(k, 0.0)
            sq = eng.s2[k] + d2.get(k, 0.0)
            ranged = k == _RMEM and rmem_range is not None
            if ranged:
                # the role's reserved memory lies anywhere in [lo, hi]: take its
                # (lo) change out of the sums and add the best case of the range
                assert rmem_range is not None
                j, lo, hi = rmem_range
                xo = eng.state.matrix[k, j]
                on = eng.state.online[j]
                u_lo = lo - xo
                a = a - np.where(on, u_lo, 0.0)
                sq = sq - np.where(on, u_lo * (u_lo + 2.0 * (xo - eng.mean[k])), 0.0)
            var = sq / n - (a / n) ** 2
            if k in g0:
                lin = -2.0 * a / (n * n)
                var = var + g0[k][:, None] + np.minimum(lin * umin[k][:, None],
                                                        lin * umax[k][:, None])
            if ranged:
                lin = 2.0 * (xo - eng.mean[k]) / n - 2.0 * a / (n * n)
                var = var + np.where(on, _interval_min(alpha, lin, u_lo, hi - xo), 0.0)
            val = np.sqrt(np.maximum(0.0, var))
        total = total + comp.weight * val
    out = np.asarray(total, dtype=np.float64).reshape(-1)
    return np.where(np.isnan(out), -np.inf, out)


def instance_bounds(ctx: BatchCtx, stp: State, sts: State, drbd: np.ndarray,
                    ext: np.ndarray, opts: BalanceOptions, t_pri: _TargetBound,
                    t_sec: _TargetBound) -> np.ndarray:
    """Lower bound, per instance of the batch, of every target move's score (B,)."""
    ins = ctx.ins
    b = len(ctx.rows)
    p, s = ctx.pl, ctx.sl
    eng = ctx.eng
    zeros = np.zeros((b, 1), dtype=np.int64)
    force = np.ones((b, 1), dtype=bool)
    best = np.full(b, np.inf)
    rp = ctx._rm_pri(stp, p)

    def sec_state(base: State, j: np.ndarray) -> tuple[State, Any, Any]:
        """Node j becomes a secondary of an instance whose primary is a target."""
        st, _ = add_secondary(base, ins, zeros, force)
        hi_rmem = np.maximum(base["r_mem"], eng.pm1[j] + ins["secneed"])
        return st, component(st, _RMEM), hi_rmem / base["t_mem"]

    def keep(lb: np.ndarray, mask: np.ndarray) -> None:
        np.minimum(best, np.where(mask, lb, np.inf), out=best)

    if opts.disk_moves and drbd.any():
        rs = ctx._rm_sec(sts, s)
        # ReplaceSecondary: P keeps the instance, T becomes its secondary
        newp = add_primary(rp, ins, force, zeros, ctx.dsrd(p), ctx.conf_drop(p))[0]
        keep(_kind_bound(ctx, [(stp, newp, p), (sts, rs, s)], t_sec, False, None), drbd)
        if opts.instance_moves:
            # ReplaceAndFailover: P becomes T's secondary
            newp, lo, hi = sec_state(rp, p)
            keep(_kind_bound(ctx, [(stp, newp, p), (sts, rs, s)], t_pri,
                             True, (p, lo, hi)), drbd)
            # ReplacePrimary: S becomes T's secondary
            news, lo, hi = sec_state(rs, s)
            keep(_kind_bound(ctx, [(stp, rp, p), (sts, news, s)], t_pri,
                             True, (s, lo, hi)), drbd)
            # FailoverAndReplace: S becomes primary, T the secondary
            news = add_primary(rs, ins, force, zeros, ctx.dsrd(s), ctx.conf_add(s))[0]
            keep(_kind_bound(ctx, [(stp, rp, p), (sts, news, s)], t_sec, True, None), drbd)
    if opts.instance_moves and ext.any():
        keep(_kind_bound(ctx, [(stp, rp, p)], t_pri, True, None), ext)
    return best
