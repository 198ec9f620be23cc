"""All move kinds of one hbal batch scored together, as one (kind, instance, target) array.

Each kind's component changes (`BatchCtx.role_contributions`) are written
into one array per component, so the score formula runs once per component
for every kind and the best candidates are picked in one pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from .moves import MoveKind
from .score import COMPONENTS, MAP_COMPONENT

if TYPE_CHECKING:
    from .engine_batch import BatchCtx, Sim

KINDS: tuple[MoveKind, ...] = (
    MoveKind.FAILOVER, MoveKind.REPLACE_SECONDARY, MoveKind.REPLACE_AND_FAILOVER,
    MoveKind.REPLACE_PRIMARY, MoveKind.FAILOVER_AND_REPLACE, MoveKind.FAILOVER_TO_ANY,
)
"""The slots of the kind axis; failover's column 0 stands for its single (target-less) move."""
_STDDEV = frozenset(k for k, c in enumerate(COMPONENTS) if c.aggregate.value == "stddev")
_TWINS: dict[int, tuple[int, tuple[tuple[str, str], ...], tuple[str, str] | None]] = {
    8: (7, (("l0", "l1"),), ("u0", "u1")),
    10: (7, (("l0", "l3"),), ("u0", "u3")),
    14: (1, (("f_dsk", "fdsk_f"), ("f_sp", "fsp_f")), None),
    15: (6, (("u_cpu", "ucpu_f"),), None),
    16: (12, (("inst_sp", "isp_f"),), None),
}
"""Component: (its twin, the node fields that must be equal, the instance loads that must
be equal; None for a forthcoming component, equal to its twin only while the batch has
no forthcoming instance)."""


def component_aliases(ctx: BatchCtx) -> dict[int, int]:
    """Components whose values equal another's on every node before and after any move.

    `reserved_mem_rtotal` always sums the values of `reserved_mem_cv`; the load
    components coincide when every node and instance has the same load on them
    (the default), and a forthcoming component with its real one while no
    forthcoming instance is involved. Each is then scored once.
    """
    arr = ctx.eng.arr
    rows = ctx.eng.state.matrix
    out = {19: 3}
    for k, (twin, fields, loads) in _TWINS.items():
        if loads is None:
            if ctx.forth is not None:
                continue
        elif not np.array_equal(ctx.ins[loads[0]], ctx.ins[loads[1]]):
            continue
        if (all(np.array_equal(arr[a], arr[b]) for a, b in fields)
                and np.array_equal(rows[k], rows[twin])):
            out[k] = twin
    return out


class KindScores:
    """Approximate scores of every kind, instance and target of a batch."""

    def __init__(self, ctx: BatchCtx, rows: int, targets: int) -> None:
        self.ctx = ctx
        self.alias = component_aliases(ctx)
        ctx.skip = frozenset(self.alias)
        self.shape = (len(KINDS), rows, targets)
        self.acc1: dict[int, np.ndarray] = {}
        self.acc2: dict[int, np.ndarray] = {}
        self.maps: list[tuple[int, Any]] = []
        self.ok = np.zeros(self.shape, dtype=bool)

    def add(self, kind: MoveKind, sim: Sim, allowed: np.ndarray) -> None:
        """Record one simulated kind; `allowed` masks the moves Ganeti would try."""
        slot = KINDS.index(kind)
        roles, transfer, fail = sim
        d1: dict[int, list[Any]] = {}
        d2: dict[int, list[Any]] = {}
        for old, new, j in roles:
            for k, c1, c2 in self.ctx.role_contributions(old, new, j):
                d1.setdefault(k, []).append(c1)
                if c2 is not None:
                    d2.setdefault(k, []).append(c2)
        for acc, parts in ((self.acc1, d1), (self.acc2, d2)):
            for k, terms in parts.items():
                buf = acc.get(k)
                if buf is None:
                    buf = acc[k] = np.zeros(self.shape)
                row = buf[slot]
                if len(terms) == 1:
                    row[...] = terms[0]
                else:
                    np.add(terms[0], terms[1], out=row)
                    for term in terms[2:]:
                        row += term
        mval = self.ctx.map_value(transfer)
        if mval is not None:
            self.maps.append((slot, mval))
        ok = allowed & ~np.asarray(fail)
        if kind is MoveKind.FAILOVER:
            self.ok[slot, :, :1] = ok
        else:
            self.ok[slot] = ok

    def totals(self) -> np.ndarray:
        """The approximate new score of every slot (the accumulators are used up)."""
        eng = self.ctx.eng
        n = eng.n_on
        alias = self.alias
        base = 0.0
        for k, wc in enumerate(eng.wconst):
            if k not in self.acc1 and alias.get(k) not in self.acc1:
                base += wc
        weights = {k: COMPONENTS[k].weight for k in self.acc1}
        sums: dict[int, list[int]] = {}
        for k, rep in alias.items():
            if rep in weights:
                if k in _STDDEV:
                    weights[rep] += COMPONENTS[k].weight
                else:
                    sums.setdefault(rep, []).append(k)
        total = np.full(self.shape, base)
        for k, a1 in self.acc1.items():
            for other in sums.get(k, ()):
                total += COMPONENTS[other].weight * (a1 + eng.const[other])
            weight = weights[k]
            if k in _STDDEV:
                a2 = self.acc2[k]
                a1 += eng.s1[k]
                a1 /= n
                a1 *= a1
                a2 += eng.s2[k]
                a2 /= n
                a2 -= a1
                np.maximum(a2, 0.0, out=a2)
                np.sqrt(a2, out=a2)
                a2 *= weight
                total += a2
            else:
                a1 += eng.const[k]
                a1 *= weight
                total += a1
        weight = COMPONENTS[MAP_COMPONENT].weight
        for slot, mval in self.maps:
            total[slot] += weight * (mval - eng.const[MAP_COMPONENT])
        return total

    def best(self, tolerance: Any) -> list[tuple[int, int, int, float]]:
        """(slot, instance row, target column, score) of the allowed moves scoring within
        `tolerance(best)` of the best one."""
        total = self.totals()
        ok = self.ok & ~np.isnan(total)
        score = np.where(ok, total, np.inf)
        best = score.min() if score.size else np.inf
        if not np.isfinite(best):
            return []
        hits = np.nonzero(score <= best + tolerance(best))
        return [(k, r, c, float(score[k, r, c]))
                for k, r, c in zip(*(h.tolist() for h in hits), strict=True)]
