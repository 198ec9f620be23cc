"""Vectorised node operations: the four node operations of `node.py` on arrays.

A "state" is a dict of NumPy arrays, one entry per node field, all
broadcastable to a common shape (for example (batch, targets)). The functions
compute the same values as `Node.add_primary` & co. (same float operations,
so the per-node values are bit-identical), but only say *whether* an add
fails, not why. Used by the balancing engine to score many moves at once.
"""

from __future__ import annotations

from typing import Any

import numpy as np

Arr = Any  # numpy array (kept loose: shapes vary by broadcasting)
State = dict[str, Arr]

DYNAMIC_FIELDS = (
    "i_mem", "f_dsk", "f_sp", "inst_sp", "u_cpu", "l0", "l1", "l2", "l3", "r_mem",
    "fail_n1", "npri", "nsec", "loc", "fmem_f", "fdsk_f", "ucpu_f", "isp_f", "fsp_f", "conf",
)
STATIC_FIELDS = (
    "t_mem", "t_mem_trunc", "n_mem", "xpos", "t_dsk", "lo_dsk", "excl", "t_sp", "hi_sp",
    "t_cpu", "speed", "vcpu_ratio", "offline",
)

# Which fields each score component reads (component index -> fields).
COMPONENT_INPUTS: dict[int, tuple[str, ...]] = {
    0: ("i_mem",),
    1: ("f_dsk", "f_sp"),
    2: ("fail_n1", "npri", "nsec"),
    3: ("r_mem",),
    4: ("npri", "nsec"),
    5: ("npri",),
    6: ("u_cpu",),
    7: ("l0",),
    8: ("l1",),
    9: ("l2",),
    10: ("l3",),
    11: ("conf",),
    12: ("inst_sp",),
    13: ("fmem_f",),
    14: ("fdsk_f", "fsp_f"),
    15: ("ucpu_f",),
    16: ("isp_f",),
    17: ("loc",),
    19: ("r_mem",),
}


def _div(num: Arr, den: Arr) -> Arr:
    # Callers run under np.errstate(divide/invalid="ignore"): x/0 gives inf/nan.
    return num / den


def _pdsk(st: State, free_sp: Arr, free_dsk: Arr) -> Arr:
    by_dsk = np.where(st["t_dsk"] == 0, 1.0, _div(free_dsk, st["t_dsk"]))
    if not st["has_excl"]:
        return by_dsk
    by_sp = np.where(st["t_sp"] == 0, 1.0, _div(free_sp, st["t_sp"]))
    return np.where(st["excl"], by_sp, by_dsk)


def unallocated(st: State, i_mem: Arr) -> Arr:
    """Unallocated memory for a given instance memory."""
    return st["t_mem_trunc"] - st["n_mem"] - i_mem - st["xpos"]


def component(st: State, k: int) -> Arr:
    """Per-node value of score component `k` (as `score.node_values`)."""
    if k == 0:
        return _div(unallocated(st, st["i_mem"]), st["t_mem"])
    if k == 1:
        return _pdsk(st, st["f_sp"], st["f_dsk"])
    if k == 2:
        return (st["nsec"] + st["npri"]) * st["fail_n1"] * 1.0
    if k in (3, 19):
        return _div(st["r_mem"], st["t_mem"])
    if k == 4:
        return (st["npri"] + st["nsec"]).astype(np.float64)
    if k == 5:
        return st["npri"].astype(np.float64)
    if k == 6:
        return _div(_div(st["u_cpu"], st["t_cpu"]), st["speed"])
    if 7 <= k <= 10:
        return st[f"l{k - 7}"] / 1.0
    if k == 11:
        return st["conf"].astype(np.float64)
    if k == 12:
        return _div(st["inst_sp"], st["hi_sp"])
    if k == 13:
        return _div(st["fmem_f"], st["t_mem"])
    if k == 14:
        return _pdsk(st, st["fsp_f"], st["fdsk_f"])
    if k == 15:
        return _div(_div(st["ucpu_f"], st["t_cpu"]), st["speed"])
    if k == 16:
        return _div(st["isp_f"], st["hi_sp"])
    if k == 17:
        return st["loc"].astype(np.float64)
    raise ValueError(k)


def _spindle_use(st: State, ins: State, base: Arr, add: bool) -> Arr:
    delta = ins["su_local"]
    new = base + delta if add else base - delta
    if not st["has_excl"]:
        return new
    return np.where(st["excl"], 0.0, new)


def _free_spindles(st: State, ins: State, base: Arr, add: bool) -> Arr:
    if not st["has_excl"]:
        return 0
    known = ins["totsp"] >= 0
    if add:
        new = np.where(known, base - ins["totsp"], -1)
    else:
        new = np.where(known, base + ins["totsp"], base)
    return np.where(st["excl"], new, 0)


def remove_primary(st: State, ins: State, dsrd: Arr, conf_drop: Arr) -> State:
    """Vectorised `Node.remove_primary` (instance not forthcoming)."""
    n = dict(st)
    n["i_mem"] = st["i_mem"] - np.where(ins["umem"], ins["mem"], 0)
    n["fail_n1"] = unallocated(st, n["i_mem"]) <= st["r_mem"]
    local = ins["local"]
    n["f_dsk"] = st["f_dsk"] + np.where(local, ins["dsk"], 0)
    n["f_sp"] = _free_spindles(st, ins, st["f_sp"], False)
    n["inst_sp"] = _spindle_use(st, ins, st["inst_sp"], False)
    n["u_cpu"] = st["u_cpu"] - np.where(ins["online"], ins["vcpus"], 0)
    for c in range(4):
        n[f"l{c}"] = st[f"l{c}"] - ins[f"u{c}"]
    n["loc"] = st["loc"] - ins["loc"] - dsrd
    n["npri"] = st["npri"] - 1
    n["conf"] = st["conf"] - conf_drop
    n["fmem_f"] = st["fmem_f"] + ins["mem"]
    n["fdsk_f"] = st["fdsk_f"] + np.where(local, ins["dsk"], 0)
    n["fsp_f"] = _free_spindles(st, ins, st["fsp_f"], False)
    n["isp_f"] = _spindle_use(st, ins, st["isp_f"], False)
    n["ucpu_f"] = st["ucpu_f"] - np.where(ins["online"], ins["vcpus"], 0)
    return n


def remove_secondary(st: State, ins: State, old_peem: Arr, max_excl: Arr) -> State:
    """Vectorised `Node.remove_secondary`; `max_excl` = peer max without this primary."""
    n = dict(st)
    local = ins["local"]
    n["f_dsk"] = st["f_dsk"] + np.where(local, ins["dsk"], 0)
    n["f_sp"] = _free_spindles(st, ins, st["f_sp"], False)
    n["inst_sp"] = _spindle_use(st, ins, st["inst_sp"], False)
    new_peem = old_peem - ins["secneed"]
    kept = np.where(new_peem > 0, new_peem, 0)
    n["r_mem"] = np.where(old_peem < st["r_mem"], st["r_mem"], np.maximum(max_excl, kept))
    n["fail_n1"] = unallocated(st, st["i_mem"]) <= n["r_mem"]
    n["l2"] = st["l2"] + -ins["u2"]
    n["nsec"] = st["nsec"] - 1
    n["fdsk_f"] = st["fdsk_f"] + np.where(local, ins["dsk"], 0)
    n["fsp_f"] = _free_spindles(st, ins, st["fsp_f"], False)
    n["isp_f"] = _spindle_use(st, ins, st["isp_f"], False)
    return n


def add_primary(st: State, ins: State, force: Arr, new_loc: Arr, dsrd: Arr,
                conf_add: Arr) -> tuple[State, Arr]:
    """Vectorised `Node.add_primary`: (new state, failure mask)."""
    new, hard, soft = add_primary_parts(st, ins, new_loc, dsrd, conf_add)
    return new, hard | (~force & soft)


def add_primary_parts(st: State, ins: State, new_loc: Arr, dsrd: Arr,
                      conf_add: Arr) -> tuple[State, Arr, Arr]:
    """`add_primary` with its hard and soft failure masks apart (fail = hard | ~force & soft)."""
    local = ins["local"]
    n = dict(st)
    i_mem = st["i_mem"] + np.where(ins["umem"], ins["mem"], 0)
    free = unallocated(st, i_mem)
    failn1 = free <= st["r_mem"]
    f_dsk = st["f_dsk"] - np.where(local, ins["dsk"], 0)
    f_sp = _free_spindles(st, ins, st["f_sp"], True)
    inst_sp = _spindle_use(st, ins, st["inst_sp"], True)
    u_cpu = st["u_cpu"] + np.where(ins["online"], ins["vcpus"], 0)
    pcpu = _div(u_cpu, st["t_cpu"])
    l_cpu = st["vcpu_ratio"]
    fmem_f = st["fmem_f"] - ins["mem"]
    fdsk_f = st["fdsk_f"] - np.where(local, ins["dsk"], 0)
    fsp_f = _free_spindles(st, ins, st["fsp_f"], True)
    isp_f = _spindle_use(st, ins, st["isp_f"], True)
    ucpu_f = st["ucpu_f"] + np.where(ins["online"], ins["vcpus"], 0)
    pcpu_f = _div(ucpu_f, st["t_cpu"])
    hard = (free <= 0) | (local & (f_dsk <= 0)) | (local & st["excl"] & (f_sp < 0))
    soft = (
        (local & (f_dsk < st["lo_dsk"]))
        | (local & (inst_sp > st["hi_sp"]))
        | (failn1 & ~st["fail_n1"])
        | ((l_cpu >= 0) & (l_cpu < pcpu))
        | (conf_add > 0)
        | (fmem_f <= 0)
        | (local & ((fdsk_f <= 0) | (fdsk_f < st["lo_dsk"])))
        | (local & st["excl"] & (fsp_f < 0))
        | (local & (isp_f > st["hi_sp"]))
        | ((l_cpu >= 0) & (l_cpu < pcpu_f))
    )
    n["i_mem"] = i_mem
    n["f_dsk"] = f_dsk
    n["fail_n1"] = failn1
    n["u_cpu"] = u_cpu
    for c in range(4):
        n[f"l{c}"] = st[f"l{c}"] + ins[f"u{c}"]
    n["inst_sp"] = inst_sp
    n["f_sp"] = f_sp
    n["loc"] = st["loc"] + new_loc + dsrd
    n["npri"] = st["npri"] + 1
    n["conf"] = st["conf"] + conf_add
    n["fmem_f"] = fmem_f
    n["fdsk_f"] = fdsk_f
    n["fsp_f"] = fsp_f
    n["isp_f"] = isp_f
    n["ucpu_f"] = ucpu_f
    return n, hard, soft


def add_secondary(st: State, ins: State, peer_val: Arr, force: Arr,
                  ignore_disks: Arr | bool = False) -> tuple[State, Arr]:
    """Vectorised `Node.add_secondary`; `peer_val` = current peer entry of the primary."""
    new, hard, soft = add_secondary_parts(st, ins, peer_val, ignore_disks)
    soft = soft | (new["fail_n1"] & ~st["fail_n1"])
    return new, hard | (~force & soft)


def secondary_reserve(st: State, ins: State, peer_val: Arr) -> tuple[Arr, Arr]:
    """Reserved memory and N+1 failure of `st` once it is the instance's secondary."""
    r_mem = np.maximum(st["r_mem"], peer_val + ins["secneed"])
    return r_mem, unallocated(st, st["i_mem"]) <= r_mem


def add_secondary_parts(st: State, ins: State, peer_val: Arr,
                        ignore_disks: Arr | bool = False) -> tuple[State, Arr, Arr]:
    """`add_secondary` with its hard and soft failures apart; the soft ones leave out
    the new N+1 failure (`new["fail_n1"] & ~st["fail_n1"]`), the only peer-dependent one."""
    n = dict(st)
    need = ins["secneed"]
    old_mem = unallocated(st, st["i_mem"])
    f_dsk = st["f_dsk"] - ins["dsk"]
    f_sp = _free_spindles(st, ins, st["f_sp"], True)
    inst_sp = _spindle_use(st, ins, st["inst_sp"], True)
    r_mem, failn1 = secondary_reserve(st, ins, peer_val)
    fdsk_f = st["fdsk_f"] - ins["dsk"]
    fsp_f = _free_spindles(st, ins, st["fsp_f"], True)
    isp_f = _spindle_use(st, ins, st["isp_f"], True)
    hard = (~ins["drbd"]) | (~np.asarray(ignore_disks) & (f_dsk <= 0)) | (st["excl"] & (f_sp < 0))
    soft = (
        (f_dsk < st["lo_dsk"])
        | (inst_sp > st["hi_sp"])
        | (need >= old_mem)
        | (fdsk_f <= 0)
        | (fdsk_f < st["lo_dsk"])
        | (st["excl"] & (fsp_f < 0))
        | (isp_f > st["hi_sp"])
        | (need >= st["fmem_f"])
    )
    n["f_dsk"] = f_dsk
    n["r_mem"] = r_mem
    n["fail_n1"] = failn1
    n["l2"] = st["l2"] + ins["u2"]
    n["inst_sp"] = inst_sp
    n["f_sp"] = f_sp
    n["nsec"] = st["nsec"] + 1
    n["fdsk_f"] = fdsk_f
    n["fsp_f"] = fsp_f
    n["isp_f"] = isp_f
    return n, hard, soft


def primary_round_trip(st: State, ins: State) -> State:
    """The spindle fields of `st` after `add_primary` then `remove_primary` of `ins`.

    Every other field of a node comes back exactly (integers, or the loads,
    which only feed the score); these are floats or may become unknown (-1).
    """
    out: State = {}
    for fld in ("inst_sp", "isp_f"):
        out[fld] = _spindle_use(st, ins, _spindle_use(st, ins, st[fld], True), False)
    for fld in ("f_sp", "fsp_f"):
        out[fld] = _free_spindles(st, ins, _free_spindles(st, ins, st[fld], True), False)
    return out
