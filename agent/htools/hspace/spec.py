"""Instance specs of hspace: resource specs, the instances made from them, shrinking.

An `RSpec` is what hspace allocates and reports (memory, disk, vcpus,
spindles). `instance_from_spec` builds the single-disk instance Ganeti's
`instFromSpec` builds; `shrink` is `Instance.shrinkByType` (spec §5.1, §12.4).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..instance import NO_NODE, Disk, Instance
from ..types import DiskTemplate, FailMode, InstanceStatus, ISpec

UNIT_MEM = 64
UNIT_DSK = 256
UNIT_CPU = 1
UNIT_SPINDLE = 1


@dataclass(frozen=True)
class RSpec:
    """A resource spec: memory (MiB), disk (MiB), vcpus, spindles."""

    mem: int
    dsk: int
    cpu: int
    spn: int = 1

    @staticmethod
    def of_ispec(spec: ISpec) -> RSpec:
        """The resources of a policy spec (Ganeti `rspecFromISpec`)."""
        return RSpec(spec.memory_size, spec.disk_size, spec.cpu_count, spec.spindle_use)


def instance_from_spec(spec: RSpec, template: DiskTemplate, spindle_use: int) -> Instance:
    """A new running, auto-balanced instance with one disk of the spec's size."""
    return Instance(
        name="new", mem=spec.mem, dsk=spec.dsk, vcpus=spec.cpu, status=InstanceStatus.RUNNING,
        pnode=NO_NODE, snode=NO_NODE, disk_template=template, tags=[], auto_balance=True,
        spindle_use=spindle_use, disks=[Disk(spec.dsk, spec.spn)], nics=0, idx=-1,
        movable=template.movable)


def spec_of(inst: Instance) -> RSpec:
    """The spec an allocated instance reports (Ganeti `specOf`; spindles 0 unless one disk)."""
    spn = 0
    if len(inst.disks) == 1 and inst.disks[0].spindles is not None:
        spn = inst.disks[0].spindles
    return RSpec(inst.mem, inst.dsk, inst.vcpus, spn)


def shrink(inst: Instance, mode: FailMode) -> Instance | None:
    """The instance one unit smaller in the resource `mode` blames, None if impossible."""
    if mode is FailMode.FAIL_MEM:
        mem = inst.mem - UNIT_MEM
        return None if mem < UNIT_MEM else _resized(inst, mem=mem)
    if mode is FailMode.FAIL_DISK:
        disks = [Disk(d.size - UNIT_DSK, d.spindles) for d in inst.disks]
        if any(d.size < UNIT_DSK for d in disks):
            return None
        return _resized(inst, dsk=inst.dsk - len(inst.disks) * UNIT_DSK, disks=disks)
    if mode is FailMode.FAIL_CPU:
        cpu = inst.vcpus - UNIT_CPU
        return None if cpu < UNIT_CPU else _resized(inst, vcpus=cpu)
    if mode is FailMode.FAIL_SPINDLES:
        if len(inst.disks) != 1 or inst.disks[0].spindles is None:
            return None
        spn = inst.disks[0].spindles - UNIT_SPINDLE
        if spn < UNIT_SPINDLE:
            return None
        return _resized(inst, disks=[Disk(inst.disks[0].size, spn)])
    return None


def _resized(inst: Instance, **sizes: object) -> Instance:
    """`inst` with new sizes. Tiered allocation shrinks thousands of times: this is the
    instance's shallow copy, not `dataclasses.replace`, which runs `__init__` each time."""
    new = inst.__copy__()
    new.__dict__.update(sizes)
    return new


def spec_map(allocated: list[Instance]) -> list[tuple[RSpec, int]]:
    """Runs of equal specs in allocation order, with their lengths (`tieredSpecMap`)."""
    out: list[tuple[RSpec, int]] = []
    for inst in allocated:
        spec = spec_of(inst)
        if out and out[-1][0] == spec:
            out[-1] = (spec, out[-1][1] + 1)
        else:
            out.append((spec, 1))
    return out
