"""Instance-policy compliance of a new placement (spec §6.2; Ganeti `instMatchesPolicy`).

Only allocation (and the re-creation step of the capacity checks) checks the
policy; moves and evacuations never do.
"""

from __future__ import annotations

from .instance import Instance
from .types import DiskTemplate, FailMode, IPolicy, ISpec, MinMaxISpecs


def _cmp(a: int, b: int) -> int:
    return (a > b) - (a < b)


def _compare_ispec(which: int, inst: Instance, spec: ISpec, excl_storage: bool) -> FailMode | None:
    """First failing limit when `inst` compares to `spec` as `which` (1: above, -1: below)."""
    if _cmp(inst.mem, spec.memory_size) == which:
        return FailMode.FAIL_MEM
    if any(_cmp(d.size, spec.disk_size) == which for d in inst.disks):
        return FailMode.FAIL_DISK
    if _cmp(inst.vcpus, spec.cpu_count) == which:
        return FailMode.FAIL_CPU
    if excl_storage:
        total = inst.total_spindles
        if total is None or _cmp(total, spec.spindle_use) == which:
            return FailMode.FAIL_SPINDLES
    elif _cmp(inst.spindle_use, spec.spindle_use) == which:
        return FailMode.FAIL_SPINDLES
    if (inst.disk_template is not DiskTemplate.DISKLESS
            and _cmp(len(inst.disks), spec.disk_count) == which):
        return FailMode.FAIL_DISK_COUNT
    return None


def _matches_range(inst: Instance, rng: MinMaxISpecs, excl_storage: bool) -> FailMode | None:
    err = _compare_ispec(-1, inst, rng.min, excl_storage)
    if err is None:
        err = _compare_ispec(1, inst, rng.max, excl_storage)
    return err


def inst_matches_policy(inst: Instance, policy: IPolicy, excl_storage: bool) -> FailMode | None:
    """None if `inst` fits the policy, else the failure (first range's when none fits)."""
    if policy.minmax:
        errors = [_matches_range(inst, rng, excl_storage) for rng in policy.minmax]
        if all(e is not None for e in errors):
            return errors[0]
    if inst.disk_template not in policy.disk_templates:
        return FailMode.FAIL_DISK
    return None
