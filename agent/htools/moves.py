"""Instance moves and their exact simulation (spec §8.2, §8.3; Ganeti `Moves.hs`)."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .instance import NO_NODE, Instance
from .node import Node
from .types import FailMode


class MoveKind(enum.Enum):
    """The six move types hbal and evacuation consider."""

    FAILOVER = "failover"
    FAILOVER_TO_ANY = "failover_to_any"
    REPLACE_PRIMARY = "replace_primary"
    REPLACE_SECONDARY = "replace_secondary"
    REPLACE_AND_FAILOVER = "replace_and_failover"
    FAILOVER_AND_REPLACE = "failover_and_replace"


@dataclass(frozen=True)
class Move:
    """A move of one instance; `target` is the node index (-1 for failover)."""

    kind: MoveKind
    target: int = NO_NODE


@dataclass
class MoveResult:
    """The changed nodes (by index), the moved instance and its new nodes."""

    nodes: dict[int, Node]
    instance: Instance
    pnode: int
    snode: int


def with_location_score(inst: Instance, pri: Node, sec: Node | None) -> Instance:
    """Copy of `inst` with the location score of the pair (pri, sec)."""
    new = _copy(inst)
    new.location_score = 0 if sec is None else len(pri.location_tags & sec.location_tags)
    return new


def _copy(inst: Instance) -> Instance:
    import copy

    return copy.copy(inst)


def apply_move(nodes: Mapping[int, Node] | Sequence[Node], inst: Instance, move: Move,
               force: bool = False) -> MoveResult | FailMode:
    """Simulate `move` of `inst` on `nodes` (not changed); Ganeti's `applyMoveEx`."""
    pdx, sdx = inst.pnode, inst.snode
    old_p = nodes[pdx]
    kind = move.kind
    tdx = move.target
    if kind is MoveKind.FAILOVER:
        old_s = nodes[sdx]
        int_p = old_p.remove_primary(inst)
        int_s = old_s.remove_secondary(inst)
        if not old_p.check_migration(old_s):
            return FailMode.FAIL_MIG
        forced = old_p.offline or force
        new_p = int_s.add_primary(inst, forced)
        if isinstance(new_p, FailMode):
            return new_p
        new_s = int_p.add_secondary(inst, sdx, forced, ignore_disks=old_p.offline)
        if isinstance(new_s, FailMode):
            return new_s
        moved = _copy(inst)
        moved.pnode, moved.snode = sdx, pdx
        return MoveResult({pdx: new_s, sdx: new_p}, moved, sdx, pdx)
    if kind is MoveKind.FAILOVER_TO_ANY:
        tgt = nodes[tdx]
        if not old_p.check_migration(tgt):
            return FailMode.FAIL_MIG
        new_t = tgt.add_primary(inst, old_p.offline or force)
        if isinstance(new_t, FailMode):
            return new_t
        moved = _copy(inst)
        moved.pnode = tdx
        return MoveResult({pdx: old_p.remove_primary(inst), tdx: new_t}, moved, tdx, sdx)
    old_s = nodes[sdx]
    tgt = nodes[tdx]
    if kind is MoveKind.REPLACE_PRIMARY:
        int_p = old_p.remove_primary(inst)
        int_s = old_s.remove_secondary(inst)
        moved = with_location_score(inst, tgt, int_s)
        moved.pnode = tdx
        forced = old_p.offline or force
        if not old_p.check_migration(old_s) or not old_s.check_migration(tgt):
            return FailMode.FAIL_MIG
        tmp_s = int_s.add_primary(moved, forced)
        if isinstance(tmp_s, FailMode):
            return tmp_s
        tmp_s2 = tmp_s.remove_primary(moved)
        new_p = tgt.add_primary(moved, forced)
        if isinstance(new_p, FailMode):
            return new_p
        new_s = tmp_s2.add_secondary(moved, tdx, forced)
        if isinstance(new_s, FailMode):
            return new_s
        return MoveResult({pdx: int_p, sdx: new_s, tdx: new_p}, moved, tdx, sdx)
    if kind is MoveKind.REPLACE_SECONDARY:
        p2 = old_p.remove_primary(inst)
        int_s = old_s.remove_secondary(inst)
        moved = with_location_score(inst, old_p, tgt)
        moved.snode = tdx
        new_s = tgt.add_secondary(moved, pdx, old_s.offline or force)
        if isinstance(new_s, FailMode):
            return new_s
        p3 = p2.add_primary(moved, True)
        if isinstance(p3, FailMode):
            return p3
        return MoveResult({pdx: p3, tdx: new_s, sdx: int_s}, moved, pdx, tdx)
    if kind is MoveKind.REPLACE_AND_FAILOVER:
        int_p = old_p.remove_primary(inst)
        int_s = old_s.remove_secondary(inst)
        moved = with_location_score(inst, tgt, int_p)
        moved.pnode, moved.snode = tdx, pdx
        if not old_p.check_migration(tgt):
            return FailMode.FAIL_MIG
        new_p = tgt.add_primary(moved, force)
        if isinstance(new_p, FailMode):
            return new_p
        new_s = int_p.add_secondary(moved, tdx, old_s.offline or force)
        if isinstance(new_s, FailMode):
            return new_s
        return MoveResult({tdx: new_p, pdx: new_s, sdx: int_s}, moved, tdx, pdx)
    # FAILOVER_AND_REPLACE
    int_p = old_p.remove_primary(inst)
    int_s = old_s.remove_secondary(inst)
    forced = old_p.offline or force
    moved = with_location_score(inst, int_s, tgt)
    moved.pnode, moved.snode = sdx, tdx
    if not old_p.check_migration(old_s):
        return FailMode.FAIL_MIG
    new_p = int_s.add_primary(moved, forced)
    if isinstance(new_p, FailMode):
        return new_p
    new_s = tgt.add_secondary(moved, sdx, forced)
    if isinstance(new_s, FailMode):
        return new_s
    return MoveResult({tdx: new_s, sdx: new_p, pdx: int_p}, moved, sdx, tdx)


def move_codes(move: Move, inst: Instance, new_pri: str, new_sec: str) -> tuple[str, list[str]]:
    """The `a=` code and the gnt-instance commands of a move (Ganeti `computeMoves`)."""
    name = inst.alias
    morf = "migrate" if inst.running else "failover"
    mig = f"{morf} -f {name}"

    def rep(node: str) -> str:
        return f"replace-disks -n {node} {name}"

    kind = move.kind
    if kind is MoveKind.FAILOVER:
        return "f", [mig]
    if kind is MoveKind.FAILOVER_TO_ANY:
        return f"fa:{new_pri}", [f"{morf} -f -n {new_pri} {name}"]
    if kind is MoveKind.FAILOVER_AND_REPLACE:
        return f"f r:{new_sec}", [mig, rep(new_sec)]
    if kind is MoveKind.REPLACE_SECONDARY:
        return f"r:{new_sec}", [rep(new_sec)]
    if kind is MoveKind.REPLACE_AND_FAILOVER:
        return f"r:{new_pri} f", [rep(new_pri), mig]
    return f"f r:{new_pri} f", [mig, rep(new_pri), mig]
