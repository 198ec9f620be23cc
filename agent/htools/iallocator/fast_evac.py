"""Moving a DRBD instance to a new node pair, every pair tried at once (node-evacuate `all`).

Ganeti's `evacDrbdAllInner` tries every ordered pair (p, s) of available
nodes: [failover,] replace-secondary to p, failover, replace-secondary to s,
and keeps the lowest group score (ties to the later pair). The first steps
only depend on p; for the last one every s is simulated on arrays and the
group score estimated from running sums. Candidates within rounding
distance of the best estimate are scored exactly, in Ganeti's order, and
the winner is rebuilt with `evacuate.evac_drbd_all_inner`, so the choice is
Ganeti's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..evacuate import (
    EvacMode,
    EvacResult,
    EvacuationError,
    evac_drbd_all_inner,
    node_evac_instance,
)
from ..group_state import GroupState
from ..instance import Instance
from ..moves import Move, MoveKind, apply_move, with_location_score
from ..node import Node
from ..score import COMPONENTS, MAP_COMPONENT, Aggregate, node_values
from ..types import DiskTemplate, FailMode
from .capacity import Overlay
from .fast_alloc import SecondaryArrays

MIN_VECTOR_NODES = 6
"""Below this many available nodes the exact path is as fast."""
_PLAN = ((MoveKind.REPLACE_SECONDARY, "Changing secondary to new primary"),
         (MoveKind.FAILOVER, "Failing over to new primary"))


def evac_instance(nodes: Mapping[int, Node], inst: Instance, mode: EvacMode, gdx: int,
                  avail: Sequence[int], force: bool,
                  arrays: SecondaryArrays | None = None) -> EvacResult:
    """`evacuate.node_evac_instance`, with the DRBD `all` and `secondary-only` cases on arrays."""
    if (mode is EvacMode.PRIMARY_ONLY or inst.disk_template is not DiskTemplate.DRBD
            or len(avail) < MIN_VECTOR_NODES or inst.forthcoming
            or any(n.excl_storage for n in nodes.values())):
        return node_evac_instance(nodes, inst, mode, gdx, avail, force)
    arrs = arrays or SecondaryArrays(nodes)
    if mode is EvacMode.SECONDARY_ONLY:
        found = _drbd_secondary(nodes, inst, gdx, list(avail), force, arrs)
        # no node takes the secondary: the exact path words the failure as Ganeti does
        return found or node_evac_instance(nodes, inst, mode, gdx, avail, force)
    return _drbd_all(nodes, inst, gdx, list(avail), force, arrs)


def _drbd_secondary(nodes: Mapping[int, Node], inst: Instance, gdx: int, avail: list[int],
                    force: bool, arrs: SecondaryArrays) -> EvacResult | None:
    """Replace the secondary by the best available node (Ganeti `evacOneNodeOnly`, DRBD).

    Every target is estimated on arrays; those within rounding distance of the best
    estimate are scored exactly in `avail` order (ties to the later node, as Ganeti),
    and the move to the winner is simulated again. None when no target fits.
    """
    state = GroupState([n for n in nodes.values() if n.group == gdx], [])
    avail_arrays = (np.array(avail, dtype=np.int64),
                    np.array([arrs.pos[s] for s in avail], dtype=np.int64),
                    np.array([state.col[s] for s in avail], dtype=np.int64))
    found, _fail = _candidates(nodes, arrs, state, _GroupSums(state), {}, inst, inst.pnode,
                               force, avail_arrays)
    best: tuple[float, int] | None = None
    for _est, _p, s, ctx in found:
        fixed, moved, pdx, sforce, view = ctx
        score = _exact(state, fixed, moved, pdx, sforce, view, s)
        if score is not None and (best is None or not best[0] < score):
            best = (score, s)
    if best is None:
        return None
    move = Move(MoveKind.REPLACE_SECONDARY, best[1])
    res = apply_move(nodes, inst, move, force)
    assert not isinstance(res, FailMode)
    out = dict(nodes)
    out.update(res.nodes)
    return EvacResult(out, res.instance, (move,))


def _first_steps(nodes: Mapping[int, Node], inst: Instance, p: int, force: bool
                 ) -> tuple[dict[int, Node], Instance]:
    """[failover,] replace-secondary to p, failover: the changed nodes and the instance."""
    changed: dict[int, Node] = {}
    view = Overlay(nodes, changed)
    steps = list(_PLAN)
    if nodes[inst.pnode].offline:
        steps.insert(0, (MoveKind.FAILOVER, "Failing over to the secondary"))
    for kind, what in steps:
        target = p if kind is MoveKind.REPLACE_SECONDARY else -1
        res = apply_move(view, inst, Move(kind, target), force)
        if isinstance(res, FailMode):
            raise EvacuationError(f"{what}: {res.ganeti_name}")
        changed.update(res.nodes)
        inst = res.instance
    return changed, inst


_STDDEV = np.array([c.aggregate is Aggregate.STDDEV for c in COMPONENTS])
_OFFLINE = np.array([c.aggregate is Aggregate.OFFLINE_SUM for c in COMPONENTS])
_WEIGHTS = np.array([c.weight for c in COMPONENTS])
TOLERANCE = 1e-7
"""Relative distance to the best estimate within which candidates are scored exactly."""


class _GroupSums:
    """Running sums of the group's score values, for estimating many candidates."""

    def __init__(self, state: GroupState) -> None:
        self.state = state
        self.online = state.online
        self.n = float(self.online.sum())

    def estimate(self, fixed: Mapping[int, Node], cols: np.ndarray, new_vals: dict[int, Any],
                 p_col: int, p_extra17: np.ndarray) -> np.ndarray:
        """Approximate group scores: `fixed` replaced, then column `cols[i]` by candidate i."""
        st = self.state
        mat = st.matrix.copy()
        for idx, node in fixed.items():
            if idx in st.col:
                mat[:, st.col[idx]] = node_values(node)
        on = self.online
        x = mat[:, cols]
        y = x.copy()
        for k, val in new_vals.items():
            y[k] = val[0]
        on_c = on[cols]
        y_on = np.where(on_c, y, x)
        s1 = mat[:, on].sum(axis=1)[:, None] + (y_on - x)
        s2 = (mat[:, on] ** 2).sum(axis=1)[:, None] + (y_on * y_on - x * x)
        if on[p_col]:
            v = mat[17, p_col]
            s1[17] = s1[17] + p_extra17
            s2[17] = s2[17] + ((v + p_extra17) ** 2 - v * v)
        off = mat[:, ~on].sum(axis=1)[:, None] + np.where(on_c, 0.0, y - x)
        n = max(self.n, 1.0)
        std = np.sqrt(np.maximum(s2 / n - (s1 / n) ** 2, 0.0))
        vals = np.where(_STDDEV[:, None], std, np.where(_OFFLINE[:, None], off, s1))
        vals[MAP_COMPONENT] = st._map_value_with({k: v for k, v in fixed.items()
                                                  if k in st.col})
        return np.asarray(_WEIGHTS @ vals, dtype=np.float64)


def _drbd_all(nodes: Mapping[int, Node], inst: Instance, gdx: int, avail: list[int],
              force: bool, arrs: SecondaryArrays) -> EvacResult:
    group = [n for n in nodes.values() if n.group == gdx]
    state = GroupState(group, [])
    sums = _GroupSums(state)
    avail_arrays = (np.array(avail, dtype=np.int64),
                    np.array([arrs.pos[s] for s in avail], dtype=np.int64),
                    np.array([state.col[s] for s in avail], dtype=np.int64))
    near: list[tuple[float, int, int, Any]] = []  # (estimate, p, s, context)
    top = np.inf
    msg = "no nodes available"
    for p in avail if len(avail) > 1 else []:
        try:
            changed, moved = _first_steps(nodes, inst, p, force)
        except EvacuationError as err:
            if not near:
                msg = f"Allocation failed: {err}"
            continue
        found, last_fail = _candidates(nodes, arrs, state, sums, changed, moved, p, force,
                                       avail_arrays)
        if not near and not found and last_fail is not None:
            msg = f"Allocation failed: Changing secondary to final secondary: {last_fail}"
        if found:
            top = min(top, min(f[0] for f in found))
            near = [c for c in near if c[0] <= top + TOLERANCE * (1.0 + abs(top))]
            near.extend(f for f in found if f[0] <= top + TOLERANCE * (1.0 + abs(top)))
    if not near:
        raise EvacuationError("Can't find any good nodes for relocation: " + msg)
    best: tuple[float, int, int] | None = None
    for _est, p, s, ctx in near:
        fixed, moved, pdx, sforce, view = ctx
        score = _exact(state, fixed, moved, pdx, sforce, view, s)
        if score is not None and (best is None or not best[0] < score):
            best = (score, p, s)
    assert best is not None
    res, _score = evac_drbd_all_inner(nodes, inst, gdx, best[1], best[2], force)
    return res


def _candidates(nodes: Mapping[int, Node], arrs: SecondaryArrays, state: GroupState,
                sums: _GroupSums, changed: dict[int, Node], moved: Instance, p: int,
                force: bool, arrs_avail: tuple[np.ndarray, np.ndarray, np.ndarray]
                ) -> tuple[list[tuple[float, int, int, Any]], str | None]:
    """Secondaries for p near its best estimate, in order, and the last failure's name."""
    view = Overlay(nodes, changed)
    q = moved.snode
    old_s = view[q]
    pri = view[p]
    flat = with_location_score(moved, pri, None)
    p3 = pri.remove_primary(moved).add_primary(flat, True)
    if isinstance(p3, FailMode):
        return [], p3.ganeti_name
    sforce = old_s.offline or force
    fixed = dict(changed)
    fixed[q] = old_s.remove_secondary(moved)
    fixed[p] = p3
    ctx = (fixed, moved, p, sforce, view)
    avail_ids, avail_pos, avail_cols = arrs_avail
    keep = avail_ids != p
    sec_arr = avail_ids[keep]
    special = np.isin(sec_arr, np.array([*changed, q], dtype=np.int64))
    sel = avail_pos[keep]
    codes, vals = arrs.secondary_side(moved, sel, [p], sforce)
    codes = codes[0].copy()
    cols = avail_cols[keep]
    locs = (arrs.locs[sel] @ arrs.locs[arrs.pos[p]]).astype(np.float64)
    est = sums.estimate(fixed, cols, vals, state.col[p], locs)
    for i in np.nonzero(special)[0]:
        # nodes the first steps changed: their arrays are stale, simulate them
        score = _exact(state, fixed, moved, p, sforce, view, int(sec_arr[i]))
        codes[i] = -1 if score is not None else int(FailMode.FAIL_INTERNAL)
        if score is not None:
            est[i] = score
        else:
            tgt = view[int(sec_arr[i])]
            res = tgt.add_secondary(with_location_score(moved, pri, tgt), p, sforce)
            if isinstance(res, FailMode):
                codes[i] = int(res)
    ok = codes < 0
    bad = np.nonzero(~ok)[0]
    last_fail = FailMode(int(codes[bad[-1]])).ganeti_name if len(bad) else None
    if not ok.any():
        return [], last_fail
    top = est[ok].min()
    pick = np.nonzero(ok & (est <= top + TOLERANCE * (1.0 + abs(top))))[0]
    return [(float(est[i]), p, int(sec_arr[i]), ctx) for i in pick], last_fail


def _exact(state: GroupState, fixed: Mapping[int, Node], moved: Instance, p: int,
           sforce: bool, view: Mapping[int, Node], s: int) -> float | None:
    """Exact group score after the last step to s (None if s refuses the secondary)."""
    pri = view[p]
    tgt = view[s]
    placed = with_location_score(moved, pri, tgt)
    placed.snode = s
    new_s = tgt.add_secondary(placed, p, sforce)
    if isinstance(new_s, FailMode):
        return None
    p3 = pri.remove_primary(moved).add_primary(placed, True)
    if isinstance(p3, FailMode):
        return None
    final = dict(fixed)
    final[p] = p3
    final[s] = new_s
    return state.score_with({k: v for k, v in final.items() if k in state.col})
